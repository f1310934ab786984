"""SQLite's settings, applied to every connection the app opens to it, and its
files kept private to the user the app runs as."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlalchemy as sa

from config import keep_private

# What SQLite and the ping-writer lock keep beside the database file.
COMPANIONS = ("-wal", "-shm", "-journal", "-pinglock")


def sqlite_pragmas(dbapi_connection: sqlite3.Connection, connection_record: object) -> None:
    """WAL lets readers work beside the one writer; the busy timeout makes a
    writer wait its turn instead of failing with "database is locked"."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def database_file(url: sa.URL) -> Path | None:
    """The file a SQLite URL names; None for other databases, in-memory ones
    and URI filenames (file:...?mode=..., whose file is SQLite's to find)."""
    database = url.database
    if url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if database.startswith("file:") or url.query.get("uri"):
        return None
    return Path(database)


def make_private(path: Path) -> None:
    """Create the database file 0600 before SQLite first opens it, and tighten
    it and its companions if an older release left them readable by others.

    SQLite creates a missing database file with the umask's mode (0644,
    usually), and its -wal and -shm files with the database file's mode: a
    private database file keeps all three private. An empty file is a new,
    empty database to SQLite.
    """
    # Never open a database file that exists: closing any descriptor of it
    # drops every SQLite lock this process holds on it (POSIX locks belong to
    # the process), and a second app in a process that has connections open
    # would let other processes write under them: a corrupt database.
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except FileNotFoundError:
        return  # no folder for it: SQLite will say what is wrong when it connects
    for file in (path, *(path.with_name(path.name + suffix) for suffix in COMPANIONS)):
        keep_private(file)
