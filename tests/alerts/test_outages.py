"""Outages of Redis, the database and the mail server, with a real worker
process: it keeps running, says so once, and every alert due meanwhile
arrives exactly once.

The outages last as long as the issue that asked for these tests measured
them: Redis 30 s, the database 20 s, SMTP 60 s.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
import uuid

import psycopg
import pytest
import sqlalchemy as sa

from receivers import RedisServer
from support import WorkerProcess, free_port, wait_until
from webapp.core.models import Notification
from webapp.db import db

REDIS_OUTAGE = 30.0
DATABASE_OUTAGE = 20.0
SMTP_OUTAGE = 60.0


@pytest.fixture
def own_redis(tmp_path):
    server = RedisServer(free_port(), tmp_path)
    server.start(wait_until)
    yield server
    server.stop()


@pytest.fixture
def lone_worker(settings, no_worker, own_redis, receiver, tmp_path):
    """A worker of this test's own, on its own Redis, with a watchdog; no other sweeps."""
    env = {**settings, "REDIS_URL": own_redis.url, "RQ_QUEUE": f"hb-outage-{uuid.uuid4().hex}",
           "WATCHDOG_URL": f"{receiver.url}/watchdog", "WATCHDOG_INTERVAL": "1"}
    process = WorkerProcess(env, tmp_path / "worker.log")
    process.start()
    yield process
    process.stop()


def make_checks(api, client, **timeouts) -> None:
    """Checks named as given, each pinged once: make_checks(api, client, a=1) is due in 2 s."""
    for name, timeout in timeouts.items():
        uuid_ = api("post", "/checks/", json={"name": name, "timeout": timeout,
                                              "grace": 1}).get_json()["uuid"]
        assert client.get(f"/api/push/{uuid_}").status_code == 200


def statuses(app) -> list[str]:
    with app.app_context():
        found = db.session.scalars(sa.select(Notification.status)).all()
        db.session.remove()
        return list(found)


def errors(app) -> list[str]:
    with app.app_context():
        found = db.session.scalars(sa.select(Notification.error)).all()
        db.session.remove()
        return list(found)


def log_lines(process: WorkerProcess, needle: str) -> list[str]:
    return [line for line in process.log.read_text().splitlines() if needle in line]


def test_redis_stopped_for_30_s_with_a_delivery_in_flight(app, api, client, mailbox, own_redis,
                                                          lone_worker):
    mailbox.slow = 1.5  # the first mail is still being sent when Redis goes
    make_checks(api, client, a=1, b=8, c=8)
    assert mailbox.data_started.wait(10)
    own_redis.stop()
    gone = time.monotonic()
    # b and c fall due while Redis is away: the sweep flips them in the database.
    wait_until(lambda: statuses(app).count("pending") == 2, timeout=15)
    time.sleep(max(0.0, REDIS_OUTAGE - (time.monotonic() - gone)))
    assert lone_worker.running, "the worker exited during the outage"
    own_redis.start(wait_until)
    mails = mailbox.wait_for(3, timeout=40)
    assert sorted(m["Subject"] for m in mails) == ["DOWN: a", "DOWN: b", "DOWN: c"]
    wait_until(lambda: statuses(app) == ["sent"] * 3, timeout=10)
    time.sleep(3)  # nothing more arrives: no alert twice
    assert len(mailbox.messages) == 3 and lone_worker.running
    assert len(log_lines(lone_worker, "job loop: Redis is unavailable")) == 1
    assert log_lines(lone_worker, "job loop: Redis is back after")
    assert log_lines(lone_worker, "Traceback") == []


@contextlib.contextmanager
def database_away(database_url: str):
    """The database refuses the worker: PostgreSQL stops accepting connections
    to it; SQLite is held under an exclusive lock."""
    url = sa.engine.make_url(database_url)
    if url.get_backend_name() == "sqlite":
        holder = sqlite3.connect(url.database, timeout=30, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    admin = url.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{url.database}" ALLOW_CONNECTIONS false')
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()", [url.database])
        try:
            yield
        finally:
            conn.execute(f'ALTER DATABASE "{url.database}" ALLOW_CONNECTIONS true')


def test_the_database_unavailable_for_20_s(app, api, client, mailbox, receiver, settings,
                                           lone_worker):
    make_checks(api, client, b=2, c=2)
    wait_until(lambda: [r for r in receiver.requests if r["path"] == "/watchdog"], timeout=10)
    with database_away(settings["DATABASE_URL"]):
        away = time.time()
        time.sleep(DATABASE_OUTAGE)
        assert lone_worker.running, "the worker exited during the outage"
        back = time.time()
    mails = mailbox.wait_for(2, timeout=30)
    assert sorted(m["Subject"] for m in mails) == ["DOWN: b", "DOWN: c"]
    wait_until(lambda: statuses(app) == ["sent"] * 2, timeout=10)
    time.sleep(3)
    assert len(mailbox.messages) == 2 and lone_worker.running
    assert len(log_lines(lone_worker, "sweep: the database is unavailable")) == 1
    assert log_lines(lone_worker, "sweep: the database is back after")
    assert log_lines(lone_worker, "Traceback") == []
    # The watchdog fell silent once the sweep had failed for 10 s, and speaks again.
    pings = [r["received_at"] for r in receiver.requests if r["path"] == "/watchdog"]
    assert not [t for t in pings if away + 12 < t < back]
    wait_until(lambda: [r for r in receiver.requests
                        if r["path"] == "/watchdog" and r["received_at"] > back], timeout=10)


def test_the_mail_server_down_for_60_s(app, api, client, mailbox, smtp_server, lone_worker):
    smtp_server.stop()
    try:
        make_checks(api, client, a=1, b=2, c=2)  # due in 2-3 s, while the mail server is away
        gone = time.monotonic()
        refused = (f"could not connect to the mail server 127.0.0.1:{smtp_server.port}: "
                   "connection refused")
        # Each first attempt fails, and says why in a sentence.
        wait_until(lambda: errors(app) == [refused] * 3, timeout=15)
        time.sleep(max(0.0, SMTP_OUTAGE - (time.monotonic() - gone)))
        assert lone_worker.running
    finally:
        smtp_server.start()
    # The fourth attempt of each comes 80 s after its first (5 + 15 + 60 s of backoff).
    mails = mailbox.wait_for(3, timeout=45)
    assert sorted(m["Subject"] for m in mails) == ["DOWN: a", "DOWN: b", "DOWN: c"]
    wait_until(lambda: statuses(app) == ["sent"] * 3, timeout=10)
    time.sleep(3)
    assert len(mailbox.messages) == 3 and lone_worker.running
    with app.app_context():
        assert set(db.session.scalars(sa.select(Notification.attempts))) == {4}
        db.session.remove()
    # One line per failed attempt, no traceback.
    assert len(log_lines(lone_worker, "failed (could not connect to the mail server")) == 9
    assert log_lines(lone_worker, "Traceback") == []
