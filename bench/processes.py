"""The processes the bench starts and stops, and the helpers all its parts share.

Children starts each process in a session of its own and stops it with its
children; gunicorn runs with the Procfile's web settings; Redis is REDIS_URL,
else the local server, else an embedded Valkey.
"""

from __future__ import annotations

import contextlib
import http.client
import math
import os
import signal
import subprocess
import sys
import time
import uuid as uuidlib
from pathlib import Path

import redis

from support import free_port  # tests/support.py (see run.py)
from webapp import create_app
from webapp.alerts.queue import LOCAL_REDIS, start_embedded

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"


# --- small helpers -----------------------------------------------------------

def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = min(len(ordered), max(1, math.ceil(p / 100 * len(ordered))))
    return ordered[rank - 1]


def log(text: str) -> None:
    print(text, flush=True)


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class Children:
    """Every process the bench starts, each in a session of its own, so that
    stopping one reaches its children (gunicorn's workers) and nothing else."""

    def __init__(self):
        self.procs: list[subprocess.Popen] = []

    def start(self, args: list[str], *, cwd: Path, env: dict, log_path: Path) -> subprocess.Popen:
        with open(log_path, "ab") as out:
            proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        proc.log_path = log_path
        self.procs.append(proc)
        return proc

    def stop(self, proc: subprocess.Popen, grace: float = 15) -> None:
        """SIGTERM (gunicorn and RQ finish the request or job in hand), then SIGKILL."""
        if proc not in self.procs:
            return
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        # Workers the leader left behind still carry its process group id.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
        self.procs.remove(proc)

    def stop_all(self) -> None:
        for proc in reversed(list(self.procs)):
            self.stop(proc)


def run_checked(args: list[str], *, cwd: Path, env: dict, what: str) -> None:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed:\n{done.stdout}{done.stderr}")


def migrate(env: dict) -> None:
    """The schema from the migrations, as `flask db upgrade` builds it in production."""
    flask = Path(sys.executable).with_name("flask")
    run_checked([str(flask), "db", "upgrade"], cwd=ROOT, env=env, what="flask db upgrade")


POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@contextlib.contextmanager
def postgres_databases(n: int):
    """n fresh databases on the PostgreSQL server at BENCH_POSTGRES_URL (else
    the local one as postgres), as SQLAlchemy URLs; dropped at the end."""
    import psycopg

    server = os.environ.get("BENCH_POSTGRES_URL", POSTGRES_URL)
    base = server.replace("+psycopg", "").rsplit("/", 1)[0]
    names = [f"hb_bench_{uuidlib.uuid4().hex[:8]}" for _ in range(n)]
    admin = psycopg.connect(server.replace("+psycopg", ""), autocommit=True)
    try:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
        yield [f"{base.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"
               for name in names]
    finally:
        for name in names:
            with contextlib.suppress(psycopg.Error):
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def bench_app(database_url: str, redis_url: str, **extra):
    """The app, in this process, for setting up and reading back the database."""
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "REDIS_URL": redis_url,
                       "SECRET_KEY": "bench", **extra})


def resolve_redis(folder: Path, stack: contextlib.ExitStack) -> str:
    """REDIS_URL, else the local server, else an embedded Valkey stopped at the end."""
    url = os.environ.get("REDIS_URL") or LOCAL_REDIS
    with contextlib.suppress(redis.RedisError, OSError):
        if redis.Redis.from_url(url, socket_connect_timeout=0.5).ping():
            return url
    url = start_embedded(folder)
    pid = int((folder / "valkey.pid").read_text().strip())
    stack.callback(stop_pid, pid)
    return url


def stop_pid(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)


# --- servers -----------------------------------------------------------------------

# The Procfile's worker settings, which `threaded=False` takes away to measure
# the sync workers it had before, in the same run.
THREADED = "--worker-class gthread --threads ${WEB_THREADS:-8} "


def procfile_web(app_spec: str, *, threaded: bool = True) -> str:
    line = next(line for line in (ROOT / "Procfile").read_text().splitlines()
                if line.startswith("web:"))
    command = line.split(":", 1)[1].strip().replace("wsgi:app", app_spec)
    if not threaded:
        assert THREADED in command, "the Procfile's web line changed: update bench/processes.py"
        command = command.replace(THREADED, "")
    return command


def start_gunicorn(children: Children, app_spec: str, *, cwd: Path, env: dict,
                   log_path: Path, threaded: bool = True) -> tuple[subprocess.Popen, int]:
    """The Procfile's web line as written (its ${VAR:-default}s applied by the
    shell), bound to a free port on 127.0.0.1."""
    port = free_port()
    env = {**env, "HOST": "127.0.0.1", "PORT": str(port),
           "PATH": f"{Path(sys.executable).parent}:{env.get('PATH', '')}"}
    args = ["bash", "-c", "exec " + procfile_web(app_spec, threaded=threaded)]
    return children.start(args, cwd=cwd, env=env, log_path=log_path), port


def wait_for_http(proc: subprocess.Popen, port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early:\n{tail(proc.log_path)}")
        # http.client, not urllib: no proxy settings can reroute the probe.
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            conn.request("GET", "/bench-ready")
            conn.getresponse()
            return  # any answer means it serves
        except (OSError, http.client.HTTPException):
            time.sleep(0.1)
        finally:
            conn.close()
    raise RuntimeError(f"server did not answer within {timeout} s:\n{tail(proc.log_path)}")
