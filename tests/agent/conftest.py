"""What the `hb` client's tests share: the app served by gunicorn in a process
of its own (the Procfile's web line), and a way to run `hb` as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_serving import answers, procfile_line

from support import ROOT, free_port, wait_until


@pytest.fixture(scope="session")
def web_process(settings, tmp_path_factory):
    """The web, as `make run` starts it, on a port of its own: its base URL."""
    port = free_port()
    env = {**os.environ, **settings, "HOST": "127.0.0.1", "PORT": str(port),
           "WEB_CONCURRENCY": "1", "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    log = tmp_path_factory.mktemp("web") / "gunicorn.log"
    with log.open("w") as out:
        web = subprocess.Popen(["bash", "-c", "exec " + procfile_line("web")], cwd=ROOT,
                               env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: answers(port, "/health", 1) is not None, timeout=30)
        yield f"http://127.0.0.1:{port}"
    finally:
        web.terminate()
        web.wait(timeout=30)
