"""The throughput baseline: the least a Flask ping endpoint on SQLite can do.

One route, one INSERT and one commit per request, on a connection that each
gunicorn thread keeps (as the app's ping path does), with the pragmas
the app sets. `bench/run.py` serves it with the app's gunicorn settings, so
app/baseline measures what the app adds on top of Flask + gunicorn + SQLite.

The database file is BASELINE_DB; `init_db` makes it before gunicorn starts,
so the workers never race to create the table.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from datetime import UTC, datetime

from flask import Flask, jsonify, request

SCHEMA = """CREATE TABLE IF NOT EXISTS pings (
    id INTEGER PRIMARY KEY,
    token TEXT NOT NULL,
    created TEXT NOT NULL,
    msg TEXT,
    value REAL
)"""

app = Flask(__name__)
_kept = threading.local()


def connect(path: str) -> sqlite3.Connection:
    # isolation_level=None: we say BEGIN/COMMIT ourselves, like SQLAlchemy does.
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=15000")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def init_db(path: str) -> None:
    conn = connect(path)
    conn.execute(SCHEMA)
    conn.close()


def connection() -> sqlite3.Connection:
    """This thread's connection, opened after the fork (gunicorn forks first)."""
    conn = getattr(_kept, "conn", None)
    if conn is None:
        conn = _kept.conn = connect(os.environ["BASELINE_DB"])
    return conn


@app.route("/api/push/<token>", methods=["GET", "POST"])
def push(token: str):
    value = request.args.get("value")
    conn = connection()
    conn.execute("BEGIN")
    conn.execute(
        "INSERT INTO pings (token, created, msg, value) VALUES (?, ?, ?, ?)",
        (token, datetime.now(UTC).isoformat(), request.args.get("msg"),
         float(value) if value else None),
    )
    conn.execute("COMMIT")
    return jsonify(ok=True)
