"""The SQLite ping-writer lock: a flock that other processes wait on."""

import subprocess
import sys

import pytest

from webapp.db import db
from webapp.db.write_lock import lock_path, ping_writer

TRY_LOCK = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    sys.exit(3)
"""


def try_lock(path: str) -> int:
    return subprocess.run([sys.executable, "-c", TRY_LOCK, path], timeout=30).returncode


def test_only_sqlite_has_a_ping_writer_lock(app):
    with app.app_context():
        path = lock_path(db.engine)
        # PostgreSQL queues pings on the row lock.
        assert (path is not None) == (db.engine.dialect.name == "sqlite")


def test_sqlite_ping_writers_of_other_processes_wait_for_the_lock(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the lock exists only for SQLite")
        path = lock_path(db.engine)
        with ping_writer(db.engine):
            assert try_lock(path) == 3
        assert try_lock(path) == 0
