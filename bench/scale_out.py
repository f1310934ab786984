"""`make bench BENCH_ARGS=--scale-out`: the app scaled out as a platform runs it.

PostgreSQL (a database made for the run), the Redis `run.py` found, two web
servers (the Procfile's web line, each on its own port, nothing in front:
the load generator splits its connections) and two `worker.py` processes,
over 100,000 checks. First one web server takes all the load, then two share
it; in the second phase 1,000 checks go down at once. Measured: pings/s with
one server and with two, that every 200 is a stored ping, and that each of
the 1,000 checks was flipped once and mailed once, however the two workers
shared the sweep.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
import uuid as uuidlib
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from aiosmtpd.controller import Controller
from latency import add_checks, burst_flip_times, create_pinged, wait_for_worker
from processes import (
    ROOT,
    Children,
    bench_app,
    free_port,
    log,
    migrate,
    postgres_databases,
    start_gunicorn,
    wait_for_http,
)
from throughput import PING_RETENTION, drive_wrk

from receivers import Mailbox  # tests/receivers.py (see run.py)
from webapp.core.models import Check, Flip, Ping
from webapp.core.times import utcnow
from webapp.db import db

DOOMED = 1000
IDLE = 100_000 - DOOMED - 2  # with the doomed and the two pinged checks: 100,000


def drive_all(wrk: str, targets: list[str], seconds: float, connections: int) -> dict:
    """One wrk per URL, all at once, the connections split between them."""
    results: list[dict] = [{} for _ in targets]

    def run(i: int, url: str) -> None:
        results[i] = drive_wrk(wrk, url, seconds, connections // len(targets))

    threads = [threading.Thread(target=run, args=(i, url)) for i, url in enumerate(targets)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok = sum(r["ok"] for r in results)
    return {"ok": ok, "failed": sum(r["failed"] for r in results),
            "pings_per_s": ok / max(r["elapsed_s"] for r in results),
            "p99_ms": max(r["p99_ms"] for r in results)}


def measure_scale_out(tmp: Path, redis_url: str, children: Children,
                      stack: contextlib.ExitStack, wrk: str | None, args) -> dict:
    if wrk is None:
        raise RuntimeError("the scale-out run needs wrk")
    sink = Mailbox(wait_until=None)
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    stack.callback(controller.stop)
    with postgres_databases(1) as (database_url,):
        queue = f"hb-bench-{uuidlib.uuid4().hex}"
        env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
               "RQ_QUEUE": queue, "SECRET_KEY": "bench-" + uuidlib.uuid4().hex,
               "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(controller.port),
               "MAIL_DEFAULT_SENDER": "heartbeats@bench.test",
               "PING_RETENTION": str(PING_RETENTION), "RATELIMIT_PING": "1000000000 per minute",
               # Each of the doomed checks is to get its own mail, not a storm's.
               "ALERT_GROUP_THRESHOLD": "0"}
        migrate(env)
        app = bench_app(database_url, redis_url, RQ_QUEUE=queue)
        log(f"  {IDLE:,} idle checks, 2 pinged ...")
        add_checks(app, "bench-idle@example.com", "idle", IDLE, utcnow() + timedelta(days=1))
        tokens = create_pinged(app, 2)
        workers = [children.start([sys.executable, "worker.py"], cwd=ROOT, env=env,
                                  log_path=tmp / f"worker-{i}.log") for i in (1, 2)]
        for w in workers:
            wait_for_worker(redis_url, queue, w)
        servers = [start_gunicorn(children, "wsgi:app", cwd=ROOT, env=env,
                                  log_path=tmp / f"gunicorn-{i}.log") for i in (1, 2)]
        for proc, port in servers:
            wait_for_http(proc, port)
        urls = [[f"http://127.0.0.1:{port}/ping/{token}" for token in tokens]
                for _, port in servers]
        for warm_urls in ([urls[0][0], urls[1][1]], urls[0]):  # warm-up, not counted
            drive_all(wrk, warm_urls, 2, max(args.connections))
        warm = count_pings(app)
        log("  one web server ...")
        one = drive_all(wrk, urls[0], args.seconds, max(args.connections))
        # The doomed checks go down during the second phase.
        add_checks(app, "bench-doomed@example.com", "doomed", DOOMED,
                   utcnow() + timedelta(seconds=2))
        log("  two web servers, and 1,000 checks going down ...")
        two = drive_all(wrk, [urls[0][0], urls[1][1]], args.seconds, max(args.connections))
        deadline = time.time() + 60
        while time.time() < deadline and (len(burst_flip_times(app, "doomed")) < DOOMED
                                          or doomed_mails(sink) < DOOMED):
            time.sleep(0.25)
        time.sleep(1.5)  # a duplicate would come right behind its first copy
        for proc, _ in servers:
            children.stop(proc)
        for w in workers:
            children.stop(w)
        stored = count_pings(app) - warm
        flips = down_flips(app)
        mails = doomed_subjects(sink)
    answered = one["ok"] + two["ok"]
    return {
        "checks": IDLE + DOOMED + 2,
        "one_server": one, "two_servers": two,
        "two_vs_one": two["pings_per_s"] / one["pings_per_s"],
        "answered_200": answered, "stored": stored, "lost": max(0, answered - stored),
        "doomed": DOOMED,
        "flipped_once": sum(1 for n in flips.values() if n == 1),
        "flipped_twice": sum(1 for n in flips.values() if n > 1),
        "mailed_once": sum(1 for n in mails.values() if n == 1),
        "mailed_twice": sum(1 for n in mails.values() if n > 1),
    }


def count_pings(app) -> int:
    with app.app_context():
        n = db.session.scalar(sa.select(sa.func.count()).select_from(Ping)) or 0
        db.session.remove()
        db.engine.dispose()
    return n


def down_flips(app) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Check.name, sa.func.count()).join(Flip, Flip.check_id == Check.id)
            .where(Flip.new_status == "down", Check.name.startswith("doomed-"))
            .group_by(Check.name)).all()
        db.session.remove()
        db.engine.dispose()
    return {name: n for name, n in rows}


def doomed_subjects(sink: Mailbox) -> dict[str, int]:
    counts: dict[str, int] = {}
    with sink.lock:
        for m in sink.messages:
            subject = str(m["Subject"])
            if subject.startswith("DOWN: doomed-"):
                counts[subject] = counts.get(subject, 0) + 1
    return counts


def doomed_mails(sink: Mailbox) -> int:
    return sum(doomed_subjects(sink).values())
