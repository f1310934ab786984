"""What the `hb` client's tests share: the app served by gunicorn in a process
of its own (the Procfile's web line), and a way to run `hb` as a user would."""

from __future__ import annotations

import getpass
import os
import socket
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


SSHD = Path("/usr/sbin/sshd")


@pytest.fixture(scope="session")
def sshd(tmp_path_factory):
    """Debian's OpenSSH server on 127.0.0.1 at a free port, with a host key of
    its own and one authorized client key: (port, client key path, user)."""
    if not SSHD.exists():
        if os.environ.get("CI"):
            pytest.fail("CI must test over SSH: make test installs openssh-server")
        pytest.skip("no /usr/sbin/sshd (make test installs openssh-server)")
    folder = tmp_path_factory.mktemp("sshd")
    for name in ("host_key", "client_key", "other_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                        str(folder / name)], check=True, timeout=30)
    (folder / "authorized_keys").write_text((folder / "client_key.pub").read_text())
    port = free_port()
    (folder / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {folder / 'host_key'}\n"
        f"AuthorizedKeysFile {folder / 'authorized_keys'}\nPidFile {folder / 'sshd.pid'}\n"
        "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
        "StrictModes no\nPermitRootLogin prohibit-password\n")
    Path("/run/sshd").mkdir(exist_ok=True)  # its privilege separation directory
    log = (folder / "sshd.log").open("w")
    server = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(folder / "sshd_config")],
                              stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until(lambda: server.poll() is not None or port_open(port), timeout=15)
        assert server.poll() is None, (folder / "sshd.log").read_text()
        yield port, folder / "client_key", folder / "other_key", getpass.getuser()
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()


def port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False
