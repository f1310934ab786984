"""Part 1, ping throughput: load generation (wrk, else an asyncio client),
CPU accounting, the interleaved app/baseline rounds, and the stored-ping count."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import resource
import shutil
import statistics
import subprocess
import time
import uuid as uuidlib
from pathlib import Path

import baseline_app
import sqlalchemy as sa
from processes import (
    BENCH,
    ROOT,
    Children,
    bench_app,
    log,
    migrate,
    percentile,
    postgres_databases,
    start_gunicorn,
    wait_for_http,
)

from webapp.core.models import Check, Ping, User
from webapp.core.projects import create_project
from webapp.db import db

PUSH_QUERY = "?status=up&msg=bench&value=1"
# Far above any run's ping count: nothing may be pruned, so stored == answered.
PING_RETENTION = 1_000_000_000


# --- load generation -----------------------------------------------------------

def ensure_wrk() -> str | None:
    """wrk, installed with apt when missing and possible; None means the Python client."""
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    log("wrk is missing: installing it with apt-get ...")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in (["install"], ["update"], ["install"]):
        args = ["apt-get", "-q", "-y", *step] + (["wrk"] if step == ["install"] else [])
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            subprocess.run(args, env=env, capture_output=True, timeout=180)
        if step == ["install"] and shutil.which("wrk"):
            break
    found = shutil.which("wrk")
    if not found:
        log("could not install wrk: falling back to the Python client")
    return found


UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def seconds_of(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def parse_wrk(output: str) -> dict:
    total, elapsed = re.search(r"(\d+) requests in ([\d.]+\w+),", output).groups()
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
                       output)
    bad = int(non_2xx.group(1)) if non_2xx else 0
    return {
        "ok": int(total) - bad,
        "failed": bad,
        "socket_errors": sum(map(int, errors.groups())) if errors else 0,
        "elapsed_s": seconds_of(elapsed),
        "p50_ms": seconds_of(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1)) * 1000,
        "p99_ms": seconds_of(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1)) * 1000,
    }


def drive_wrk(wrk: str, url: str, seconds: float, connections: int) -> dict:
    # One thread: wrk's event loop needs a fraction of a core at these rates,
    # and the server needs both cores.
    # wrk takes whole seconds only ("-d2.0s" is a usage error), and --seconds
    # is parsed as a float.
    duration = int(seconds) if float(seconds).is_integer() else seconds
    args = [wrk, "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "--latency", url]
    done = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 30)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed: {done.stdout}{done.stderr}")
    return parse_wrk(done.stdout)


async def _python_clients(host: str, port: int, path: str, seconds: float,
                          connections: int) -> dict:
    """Connection-per-request clients: gunicorn's sync workers close every
    connection anyway, so keep-alive would buy nothing."""
    request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
    latencies: list[float] = []
    counts = {"ok": 0, "failed": 0, "socket_errors": 0}
    stop_at = time.monotonic() + seconds

    async def client():
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                reader, writer = await asyncio.open_connection(host, port)
                writer.write(request)
                status_line = await reader.readline()
                await reader.read()  # the server closes after the response
                writer.close()
            except OSError:
                counts["socket_errors"] += 1
                continue
            latencies.append(time.perf_counter() - started)
            counts["ok" if status_line.split(b" ")[1:2] == [b"200"] else "failed"] += 1

    began = time.monotonic()
    await asyncio.gather(*(client() for _ in range(connections)))
    return {**counts, "elapsed_s": time.monotonic() - began,
            "p50_ms": (percentile(latencies, 50) or 0) * 1000,
            "p99_ms": (percentile(latencies, 99) or 0) * 1000}


def cpu_seconds(server_pgid: int) -> dict[str, float]:
    """CPU time so far of the server (its process group), of the load generator
    (this process and its waited-for children, i.e. wrk) and of the machine."""
    tick = os.sysconf("SC_CLK_TCK")
    server = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == server_pgid:  # pgrp; utime and stime follow
                server += int(fields[11]) + int(fields[12])
    times = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = times[3] + times[4]  # idle + iowait
    load = sum(getattr(resource.getrusage(who), f) for who in
               (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN) for f in ("ru_utime", "ru_stime"))
    return {"server": server / tick, "load": load, "busy": (sum(times) - idle) / tick,
            "total": sum(times) / tick}


def drive(wrk: str | None, server: subprocess.Popen, port: int, path: str, seconds: float,
          connections: int) -> dict:
    before = cpu_seconds(server.pid)
    if wrk:
        result = drive_wrk(wrk, f"http://127.0.0.1:{port}{path}", seconds, connections)
    else:
        result = asyncio.run(_python_clients("127.0.0.1", port, path, seconds, connections))
    used = {k: v - before[k] for k, v in cpu_seconds(server.pid).items()}
    result["pings_per_s"] = result["ok"] / result["elapsed_s"]
    # CPU per ping is steadier than pings/s on a shared machine. "Other" is
    # the machine's busy time that is neither server nor load generator: the
    # kernel's loopback networking (~10%) plus whatever else runs here.
    result["server_cpu_ms_per_ping"] = used["server"] / max(1, result["ok"]) * 1000
    result["other_cpu_pct"] = (max(0.0, used["busy"] - used["server"] - used["load"])
                               / used["total"] * 100)
    return result


# --- app against baseline --------------------------------------------------------

def create_push_check(database_url: str, redis_url: str) -> str:
    app = bench_app(database_url, redis_url)
    with app.app_context():
        user = User(email="bench@example.com", password_hash="!")
        db.session.add(user)
        project = create_project(user, "bench")
        db.session.flush()
        check = Check(project_id=project.id, name="bench", timeout=86400, grace=3600)
        db.session.add(check)
        db.session.commit()
        token = check.uuid
        db.session.remove()
        db.engine.dispose()
    return token


def count_stored(database_url: str, redis_url: str, token: str) -> dict:
    app = bench_app(database_url, redis_url)
    with app.app_context():
        n_pings = db.session.scalar(sa.select(Check.n_pings).where(Check.uuid == token))
        rows, max_n = db.session.execute(sa.select(sa.func.count(), sa.func.max(Ping.n))).one()
        db.session.remove()
        db.engine.dispose()
    return {"n_pings": n_pings, "rows": rows, "max_n": max_n or 0}


def summarize_rounds(rounds: list[dict]) -> dict:
    return {
        "pings_per_s": statistics.median(r["pings_per_s"] for r in rounds),
        "best_pings_per_s": max(r["pings_per_s"] for r in rounds),
        "p50_ms": statistics.median(r["p50_ms"] for r in rounds),
        "p99_ms": statistics.median(r["p99_ms"] for r in rounds),
        "server_cpu_ms_per_ping": statistics.median(r["server_cpu_ms_per_ping"] for r in rounds),
        "other_cpu_pct": max(r["other_cpu_pct"] for r in rounds),
        "rounds": rounds,
    }


PATHS = {"push": "/api/push/{token}" + PUSH_QUERY, "ping": "/ping/{token}"}


@contextlib.contextmanager
def databases(tmp: Path, kind: str):
    """(app's SQLAlchemy URL, baseline's settings) on a fresh database each:
    two SQLite files, or two PostgreSQL databases made for the run."""
    if kind == "sqlite":
        baseline_app.init_db(str(tmp / "baseline.db"))
        yield f"sqlite:///{tmp / 'bench.db'}", {"BASELINE_DB": str(tmp / "baseline.db")}
        return
    with postgres_databases(2) as (app_db, baseline_db):
        dsn = baseline_db.replace("+psycopg", "")
        baseline_app.init_db(dsn=dsn)
        yield app_db, {"BASELINE_DSN": dsn}


def measure_throughput(tmp: Path, redis_url: str, children: Children, wrk: str | None,
                       args) -> dict:
    with databases(tmp, args.db) as (app_db, baseline_env):
        return _measure(tmp, redis_url, children, wrk, args, app_db, baseline_env)


def _measure(tmp: Path, redis_url: str, children: Children, wrk: str | None, args,
             app_db: str, baseline_env: dict) -> dict:
    app_env = {**os.environ, "DATABASE_URL": app_db, "REDIS_URL": redis_url,
               "SECRET_KEY": "bench-" + uuidlib.uuid4().hex, "PING_RETENTION": str(PING_RETENTION),
               "RQ_QUEUE": f"hb-bench-{uuidlib.uuid4().hex}",
               # One check takes every ping here: its limit is raised out of the
               # way, so every ping is still counted against it, and none refused.
               "RATELIMIT_PING": "1000000000 per minute"}
    migrate(app_env)
    token = create_push_check(app_db, redis_url)

    # The app as the Procfile runs it, and the baseline. With --hardening,
    # beside them on the same database and check: the app without rate limits
    # and the app on the sync workers the Procfile had before, so the cost of
    # each is measured in the same run (at the first configuration only).
    servers = {}
    servers["app"] = start_gunicorn(children, "wsgi:app", cwd=ROOT, env=app_env,
                                    log_path=tmp / "gunicorn-app.log")
    if args.hardening:
        servers["app-nolimit"] = start_gunicorn(
            children, "wsgi:app", cwd=ROOT, env={**app_env, "RATELIMIT_ENABLED": "false"},
            log_path=tmp / "gunicorn-app-nolimit.log")
        servers["app-sync"] = start_gunicorn(children, "wsgi:app", cwd=ROOT, env=app_env,
                                             log_path=tmp / "gunicorn-app-sync.log",
                                             threaded=False)
    servers["baseline"] = start_gunicorn(children, "baseline_app:app", cwd=BENCH,
                                         env={**os.environ, **baseline_env},
                                         log_path=tmp / "gunicorn-baseline.log")
    for proc, port in servers.values():
        wait_for_http(proc, port)

    answered = 0  # 200s the app gave, warm-up included: each must be a stored ping
    # Warm-up: every worker opens its database connection and fills its caches.
    for name, (proc, port) in servers.items():
        warm = drive(wrk, proc, port, PATHS["push"].format(token=token), 1, max(args.connections))
        answered += warm["ok"] if name.startswith("app") else 0
    configs = {}
    for url_name, template in PATHS.items():
        for connections in args.connections:
            first = not configs
            names = [n for n in servers if first or not n.startswith("app-")]
            results: dict[str, list[dict]] = {name: [] for name in names}
            for n in range(1, args.rounds + 1):
                for name in names:
                    result = drive(wrk, *servers[name], template.format(token=token),
                                   args.seconds, connections)
                    results[name].append(result)
                    answered += result["ok"] if name.startswith("app") else 0
                    log(f"  {url_name} c{connections} round {n} {name:11} "
                        f"{result['pings_per_s']:7.0f} pings/s  "
                        f"p50 {result['p50_ms']:6.1f} ms  p99 {result['p99_ms']:6.1f} ms  "
                        f"server CPU {result['server_cpu_ms_per_ping']:4.2f} ms/ping  "
                        f"other CPU {result['other_cpu_pct']:3.0f}%  non-200 {result['failed']}"
                        f"  socket errors {result['socket_errors']}")
            summary = {name: summarize_rounds(rounds) for name, rounds in results.items()}
            configs[f"{url_name} c{connections}"] = {
                "url": url_name, "connections": connections, **summary,
                "ratio": summary["app"]["pings_per_s"] / summary["baseline"]["pings_per_s"]}
    # A graceful stop lets the requests still in hand finish before we count.
    for proc, _ in servers.values():
        children.stop(proc)

    stored = count_stored(app_db, redis_url, token)
    out = {
        "db": args.db,
        "configs": configs,
        "answered_200": answered,
        # Requests cut off when the load generator stopped may have been stored
        # without their 200 being counted, so stored may exceed answered a little.
        "stored": stored,
        "lost": max(0, answered - stored["rows"]),
        # At most one request per connection per run can be in that state.
        "stored_unanswered": max(0, stored["rows"] - answered),
        "consistent": stored["rows"] == stored["n_pings"] == stored["max_n"],
        "ping_retention": PING_RETENTION,
    }
    if args.hardening:
        first = next(iter(configs.values()))
        # What the rate limits and the threaded workers cost the ping path.
        out["limits_ratio"] = first["app"]["pings_per_s"] / first["app-nolimit"]["pings_per_s"]
        out["threaded_ratio"] = first["app"]["pings_per_s"] / first["app-sync"]["pings_per_s"]
    return out
