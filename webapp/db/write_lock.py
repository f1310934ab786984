"""Ping writers of one SQLite database queue in the kernel, not in SQLite's busy handler.

SQLite admits one writer at a time and makes the others retry, sleeping 1, 2,
5, 10 ms and more between tries. Under a stream of pings most web workers
then sleep while the database sits idle; queueing them here instead raised
`make bench`'s pings/s by about a quarter. Each ping's transaction first takes an
exclusive flock on a file beside the database, and the kernel wakes the next
waiting process as soon as the holder lets go.

Only pings take this lock. The worker's sweep and the dashboard still meet
SQLite's own lock and busy timeout, so the lock changes who waits where,
never what is written or in which order a transaction sees the data.
PostgreSQL needs none of this: concurrent pings wait on the check's row lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from collections.abc import Iterator

import sqlalchemy as sa

# flock belongs to an open file, which a process's threads share: a thread lock
# keeps them apart, then flock keeps processes apart.
_thread_lock = threading.Lock()
_files: dict[str, tuple[int, int]] = {}  # lock path -> (pid that opened it, fd)


def lock_path(engine: sa.Engine) -> str | None:
    """The lock file of a SQLite database file; None for other databases."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return database + "-pinglock"


def _fd(path: str) -> int | None:
    pid = os.getpid()
    opened = _files.get(path)
    # A file opened before a fork is shared with the parent, and so is its
    # flock: each process opens its own.
    if opened is None or opened[0] != pid:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError:
            return None  # no folder for it: SQLite will say what is wrong
        _files[path] = opened = (pid, fd)
    return opened[1]


@contextlib.contextmanager
def ping_writer(engine: sa.Engine) -> Iterator[None]:
    """Hold the database's ping-writer lock for the block (no-op beyond SQLite)."""
    path = lock_path(engine)
    if path is None:
        yield
        return
    with _thread_lock:
        fd = _fd(path)
        if fd is None:
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
