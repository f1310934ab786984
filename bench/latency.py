"""Part 2, deadline to mail: a real worker mails an aiosmtpd sink in this
process, and each DOWN mail's arrival is compared with its check's deadline,
with --idle-checks more checks (100,000) in the database that are not due.
Then a burst: --burst checks (1,000) all due in the same second, and how long
after it the sweep has flipped the last of them."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
import uuid as uuidlib
from datetime import datetime, timedelta
from pathlib import Path

import redis
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from processes import ROOT, Children, bench_app, free_port, log, migrate, percentile, tail

from receivers import Mailbox  # tests/receivers.py (see run.py)
from webapp.core.models import Check, Flip, User
from webapp.core.pings import PingData, apply_ping
from webapp.core.projects import create_project
from webapp.core.times import utcnow
from webapp.db import db

GRACE = 1
TIMEOUTS = range(3, 16)  # seconds; with the grace, deadlines 4..16 s after a ping
PING_SPREAD = 2.0  # seconds over which the latency checks are pinged


def wait_for_worker(redis_url: str, queue: str, proc: subprocess.Popen,
                    timeout: float = 30) -> None:
    """Ready when RQ has registered it on our queue (the sweeper starts just before)."""
    conn = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + timeout
    while conn.scard(f"rq:workers:{queue}") == 0:
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the worker did not start:\n{tail(proc.log_path)}")
        time.sleep(0.1)


def add_checks(app, email: str, prefix: str, n: int, alert_after: datetime) -> None:
    """n up checks of a project of their own, all due at `alert_after`,
    written in bulk (as an import would)."""
    with app.app_context():
        user = User(email=email, password_hash="!")
        db.session.add(user)
        project = create_project(user, prefix)
        db.session.commit()
        rows = [{"uuid": str(uuidlib.uuid4()), "project_id": project.id,
                 "name": f"{prefix}-{i:06d}", "status": "up", "timeout": 86400, "grace": 3600,
                 "n_pings": 1, "last_ping": alert_after - timedelta(hours=25),
                 "next_ping": alert_after - timedelta(hours=1), "alert_after": alert_after}
                for i in range(n)]
        for start in range(0, n, 5000):
            db.session.execute(sa.insert(Check), rows[start:start + 5000])
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # What autovacuum does within a minute of a bulk load: without
            # statistics the planner may scan every check for the sweep.
            db.session.execute(sa.text("ANALYZE checks"))
            db.session.commit()
        db.session.remove()
        db.engine.dispose()


def create_pinged(app, n: int) -> list[str]:
    """n checks that a load generator will ping (a day's timeout); their uuids."""
    with app.app_context():
        user = User(email="bench-load@example.com", password_hash="!")
        db.session.add(user)
        project = create_project(user, "load")
        db.session.flush()
        checks = [Check(project_id=project.id, name=f"load-{i}") for i in range(n)]
        db.session.add_all(checks)
        db.session.commit()
        tokens = [c.uuid for c in checks]
        db.session.remove()
        db.engine.dispose()
    return tokens


def burst_flip_times(app, prefix: str) -> list[float]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Flip.created).join(Check, Flip.check_id == Check.id)
            .where(Flip.new_status == "down", Check.name.startswith(f"{prefix}-"))).all()
        db.session.remove()
        db.engine.dispose()
    return [created.timestamp() for created in rows]


def measure_burst(app, n: int) -> dict:
    """n checks due in the same second; how long until the sweep flipped them all."""
    due = (utcnow() + timedelta(seconds=4)).replace(microsecond=0)
    add_checks(app, "bench-burst@example.com", "burst", n, due)
    log(f"  {n} checks due at once, {due - utcnow()} from now ...")
    give_up = time.time() + 4 + 30
    flipped: list[float] = []
    while time.time() < give_up:
        flipped = burst_flip_times(app, "burst")
        if len(flipped) >= n:
            break
        time.sleep(0.25)
    last = max(flipped) - due.timestamp() if flipped else None
    return {"checks": n, "flipped": len(flipped), "last_flip_s": last,
            "p50_flip_s": percentile([t - due.timestamp() for t in flipped], 50)}


def ping_staggered(app, n_checks: int) -> dict[str, datetime]:
    """Create and ping the checks so their deadlines fall at many moments;
    returns each check's alert_after by name."""
    with app.app_context():
        user = User(email="bench-alerts@example.com", password_hash="!")
        db.session.add(user)
        project = create_project(user, "bench")  # no channels: alerts mail its owner
        db.session.flush()
        checks = [Check(project_id=project.id, name=f"bench-{i:04d}", grace=GRACE,
                        # Neighbours in ping order get far-apart timeouts.
                        timeout=TIMEOUTS[(i * 7) % len(TIMEOUTS)])
                  for i in range(n_checks)]
        db.session.add_all(checks)
        db.session.commit()
        tokens = [c.uuid for c in checks]
        start = time.monotonic()
        for i, token in enumerate(tokens):
            time.sleep(max(0.0, start + i * PING_SPREAD / n_checks - time.monotonic()))
            apply_ping(token, PingData(msg="bench", remote_addr="127.0.0.1"))
        deadlines = dict(db.session.execute(sa.select(Check.name, Check.alert_after)
                                            .where(Check.uuid.in_(tokens))).all())
        db.session.remove()
        db.engine.dispose()
    return deadlines


def measure_alert_latency(tmp: Path, redis_url: str, children: Children,
                          stack: contextlib.ExitStack, args) -> dict:
    sink = Mailbox(wait_until=None)  # read here by polling, not by its waits
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    stack.callback(controller.stop)

    database_url = f"sqlite:///{tmp / 'alerts.db'}"
    queue = f"hb-bench-{uuidlib.uuid4().hex}"
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url, "RQ_QUEUE": queue,
           "SECRET_KEY": "bench-" + uuidlib.uuid4().hex, "MAIL_SERVER": "127.0.0.1",
           "MAIL_PORT": str(controller.port), "MAIL_DEFAULT_SENDER": "heartbeats@bench.test"}
    env.pop("SWEEP_INTERVAL", None)  # the default is what we measure
    # 300 checks going down within 14 s is a storm, which would be grouped:
    # the bench times each check's own first alert, so grouping is off.
    env["ALERT_GROUP_THRESHOLD"] = "0"
    migrate(env)
    app = bench_app(database_url, redis_url, RQ_QUEUE=queue)
    if args.idle_checks:
        log(f"  {args.idle_checks:,} idle checks (due tomorrow) ...")
        add_checks(app, "bench-idle@example.com", "idle", args.idle_checks,
                   utcnow() + timedelta(days=1))
    worker = children.start([sys.executable, "worker.py"], cwd=ROOT, env=env,
                            log_path=tmp / "worker.log")
    try:
        wait_for_worker(redis_url, queue, worker)
        deadlines = ping_staggered(app, args.checks)
        last = max(deadlines.values()).timestamp()
        log(f"  {args.checks} checks pinged; deadlines within the next "
            f"{last - time.time():.0f} s; waiting for the DOWN mails ...")
        give_up = last + 20
        while len(sink.messages) < args.checks and time.time() < give_up:
            time.sleep(0.1)
        time.sleep(1.5)  # a duplicate would come right behind its first copy
        with sink.lock:
            arrivals = [(str(m["Subject"]), m.received_at) for m in sink.messages]
        burst = measure_burst(app, args.burst) if args.burst else None
    finally:
        children.stop(worker)
        forget_queue(redis_url, queue)
    flipped = down_flip_times(app)

    first: dict[str, float] = {}
    duplicates = unexpected = 0
    for subject, at in arrivals:
        name = subject.removeprefix("DOWN: ")
        if name == subject or name not in deadlines:
            unexpected += 1
        elif name in first:
            duplicates += 1
        else:
            first[name] = at
    latencies = [at - deadlines[name].timestamp() for name, at in first.items()]
    # Where the time goes: the sweep noticing the deadline, then the delivery.
    sweep = [flipped[name] - deadlines[name].timestamp() for name in first if name in flipped]
    delivery = [at - flipped[name] for name, at in first.items() if name in flipped]
    return {
        "checks": args.checks,
        "idle_checks": args.idle_checks,
        "burst": burst,
        "mails": len(arrivals),
        "down_mails": len(first),
        "missing": args.checks - len(first),
        "duplicates": duplicates,
        "unexpected": unexpected,
        "early": sum(1 for x in latencies if x < 0),
        "p50_s": percentile(latencies, 50),
        "p99_s": percentile(latencies, 99),
        "max_s": max(latencies, default=None),
        "min_s": min(latencies, default=None),
        "sweep_p50_s": percentile(sweep, 50), "sweep_p99_s": percentile(sweep, 99),
        "delivery_p50_s": percentile(delivery, 50), "delivery_p99_s": percentile(delivery, 99),
    }


def down_flip_times(app) -> dict[str, float]:
    """When the sweep flipped each check down (the flip's time is the sweep's "now")."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(Check.name, Flip.created).join(Flip, Flip.check_id == Check.id)
            .where(Flip.new_status == "down")
        ).all()
        db.session.remove()
        db.engine.dispose()
    return {name: created.timestamp() for name, created in rows}


def forget_queue(redis_url: str, queue: str) -> None:
    """Delete our queue's keys and its jobs: the name is unique to this run,
    so nothing else on a shared Redis is touched."""
    from rq import Queue

    conn = redis.Redis.from_url(redis_url)
    with contextlib.suppress(redis.RedisError, OSError):
        q = Queue(queue, connection=conn)
        job_ids = set(q.get_job_ids())
        for registry in (q.started_job_registry, q.finished_job_registry, q.failed_job_registry,
                         q.deferred_job_registry, q.scheduled_job_registry,
                         q.canceled_job_registry):
            job_ids.update(registry.get_job_ids())
        keys = [key for job_id in job_ids for key in (f"rq:job:{job_id}", f"rq:results:{job_id}")]
        keys += conn.scan_iter(match=f"*{queue}*")
        if keys:
            conn.delete(*keys)
