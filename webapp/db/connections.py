"""Each thread's database connection for pings, kept from one ping to the next.

Taking a connection from SQLAlchemy's pool and handing it back (checkout,
reset, checkin and their events) cost a ping about a tenth of its CPU. A
ping thread instead keeps one Connection, detached from the pool so that it
never counts against the pool's size: the dashboard's requests and the
worker still find the pool whole, whatever the number of threads.

A kept connection is dropped, and a fresh one made, when anything goes wrong
on it (a restarted PostgreSQL, a broken transaction), when the thread pings
another engine (tests make several apps), and after a fork, whose child must
never use, or close, a connection its parent opened.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator

import sqlalchemy as sa

_kept = threading.local()


def _connection(engine: sa.Engine) -> sa.Connection:
    kept = getattr(_kept, "value", None)
    if kept is not None:
        pid, kept_engine, conn = kept
        if pid == os.getpid() and kept_engine is engine and not conn.closed:
            return conn
        if pid == os.getpid():
            conn.close()
    conn = engine.connect()
    conn.connection.detach()
    _kept.value = (os.getpid(), engine, conn)
    return conn


def _drop(conn: sa.Connection) -> None:
    _kept.value = None
    with contextlib.suppress(Exception):  # it may be the reason we drop it
        conn.close()


@contextlib.contextmanager
def ping_connection(engine: sa.Engine) -> Iterator[sa.Connection]:
    """This thread's kept connection to `engine`, outside any transaction."""
    conn = _connection(engine)
    try:
        yield conn
    except BaseException:
        _drop(conn)
        raise
