"""SQLite's settings, applied to every connection the app opens to it."""

import sqlite3


def sqlite_pragmas(dbapi_connection: sqlite3.Connection, connection_record: object) -> None:
    """WAL lets readers work beside the one writer; the busy timeout makes a
    writer wait its turn instead of failing with "database is locked"."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
