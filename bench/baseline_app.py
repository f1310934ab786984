"""The throughput baseline: the least a Flask ping endpoint can do.

One route per ping URL (`/api/push/<token>` and `/ping/<token>`), one INSERT
and one commit per request, on a connection that each gunicorn thread keeps
(as the app's ping path does).

- SQLite (BASELINE_DB, a file): the pragmas the app sets; BEGIN, INSERT,
  COMMIT.
- PostgreSQL (BASELINE_DSN, a libpq URL): psycopg 3 in autocommit, so the
  INSERT is its own transaction and a ping costs one round trip: the floor a
  ping that is stored before its answer can reach.

`bench/run.py` serves it with the app's gunicorn settings, so app/baseline
measures what the app adds on top of Flask + gunicorn + the database. `init_db`
makes the table before gunicorn starts, so the workers never race to create it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from datetime import UTC, datetime

from flask import Flask, jsonify, request

SCHEMA = """CREATE TABLE IF NOT EXISTS pings (
    id {id} PRIMARY KEY,
    token TEXT NOT NULL,
    created {time} NOT NULL,
    msg TEXT,
    value REAL
)"""

app = Flask(__name__)
_kept = threading.local()


def connect_sqlite(path: str) -> sqlite3.Connection:
    # isolation_level=None: we say BEGIN/COMMIT ourselves, like SQLAlchemy does.
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=15000")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def connect_postgres(dsn: str):
    import psycopg

    return psycopg.connect(dsn, autocommit=True)


def init_db(path: str | None = None, dsn: str | None = None) -> None:
    if dsn:
        with connect_postgres(dsn) as conn:
            conn.execute(SCHEMA.format(id="BIGSERIAL", time="TIMESTAMPTZ"))
        return
    assert path is not None
    conn = connect_sqlite(path)
    conn.execute(SCHEMA.format(id="INTEGER", time="TEXT"))
    conn.close()


def store(token: str) -> None:
    """One ping row, committed; on this thread's connection, opened after the
    fork (gunicorn forks first)."""
    value = request.args.get("value")
    row = (token, datetime.now(UTC), request.args.get("msg"), float(value) if value else None)
    conn = getattr(_kept, "conn", None)
    if "BASELINE_DSN" in os.environ:
        if conn is None:
            conn = _kept.conn = connect_postgres(os.environ["BASELINE_DSN"])
        conn.execute("INSERT INTO pings (token, created, msg, value) VALUES (%s, %s, %s, %s)",
                     row)
        return
    if conn is None:
        conn = _kept.conn = connect_sqlite(os.environ["BASELINE_DB"])
    conn.execute("BEGIN")
    conn.execute("INSERT INTO pings (token, created, msg, value) VALUES (?, ?, ?, ?)",
                 (row[0], row[1].isoformat(), *row[2:]))
    conn.execute("COMMIT")


@app.route("/api/push/<token>", methods=["GET", "POST"])
def push(token: str):
    store(token)
    return jsonify(ok=True)


@app.route("/ping/<token>", methods=["GET", "POST"])
def ping(token: str):
    store(token)
    return "OK"
