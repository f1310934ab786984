"""The Procfile's web server keeps answering while slow clients hold connections open.

Before: with sync workers, four connections that sent their headers a byte at
a time for 40 s made 7 of 8 probes time out, and gunicorn killed its workers
(WORKER TIMEOUT). The Procfile's web line is started here as it is written
(through the shell, so its ${VAR:-default}s apply), with gunicorn's worker
timeout shortened so that a blocked worker would be killed within the test.
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

from support import free_port, wait_until

ROOT = Path(__file__).resolve().parent.parent
# Fewer than one process's threads (WEB_THREADS, 8): whichever process they all
# reach still has a thread free. Two sync workers would both be held.
SLOW_CLIENTS = 6
HOLD_FOR = 9.0  # seconds: over twice the worker timeout set below


def procfile_line(name: str) -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"the Procfile has no {name} line")


def answers(port: int, path: str, timeout: float) -> int | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    except (OSError, http.client.HTTPException):
        return None
    finally:
        conn.close()


def slow_client(port: int, stop: threading.Event) -> None:
    """Headers a few bytes at a time, never finished (a slowloris)."""
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"GET /health HTTP/1.1\r\nHost: hb.test\r\n")
        while not stop.wait(0.5):
            try:
                s.sendall(b"X-a: b\r\n")
            except OSError:
                return


def test_slow_clients_do_not_starve_the_web(settings, app, tmp_path):
    port = free_port()
    venv_bin = str(Path(sys.executable).parent)
    env = {**os.environ, **settings, "HOST": "127.0.0.1", "PORT": str(port),
           "WEB_CONCURRENCY": "2", "GUNICORN_CMD_ARGS": "--timeout 4",
           "PATH": f"{venv_bin}:{os.environ['PATH']}"}
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        web = subprocess.Popen(["bash", "-c", "exec " + procfile_line("web")], cwd=ROOT,
                               env=env, stdout=out, stderr=subprocess.STDOUT)
    stop = threading.Event()
    try:
        wait_until(lambda: answers(port, "/health", 1) is not None, timeout=30)
        slow = [threading.Thread(target=slow_client, args=(port, stop), daemon=True)
                for _ in range(SLOW_CLIENTS)]
        for t in slow:
            t.start()
        time.sleep(0.5)  # every slow client is connected and sending
        probes = []
        deadline = time.monotonic() + HOLD_FOR
        while time.monotonic() < deadline:
            started = time.monotonic()
            status = answers(port, f"/ping/{uuid.uuid4()}", timeout=2)
            probes.append((status, time.monotonic() - started))
            time.sleep(0.25)
        assert all(status == 404 for status, _ in probes), probes
        assert max(took for _, took in probes) < 1.0, probes
        assert "WORKER TIMEOUT" not in log.read_text()
    finally:
        stop.set()
        web.terminate()
        web.wait(timeout=30)
