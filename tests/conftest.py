"""Shared fixtures: real services, each run with names of its own.

The database is SQLite in a temporary folder, or, when DATABASE_URL names a
PostgreSQL server, a database created for this run and dropped after it.
Redis is REDIS_URL, else the local server, else an embedded one started here;
the RQ queue name is unique to the run, so parallel runs never share jobs.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import redis
import sqlalchemy as sa
from rq.registry import StartedJobRegistry
from werkzeug.serving import make_server

from receivers import Mailbox, Receiver, SmtpServer
from support import WorkerProcess, free_port, make_user, overrides_from, own_project, wait_until
from webapp import create_app
from webapp.alerts.queue import LOCAL_REDIS, start_embedded
from webapp.core.models import ApiKey, Heartbeat
from webapp.db import db

ROOT = Path(__file__).resolve().parent.parent
RUN_ID = uuid.uuid4().hex[:10]


# --- the database ---------------------------------------------------------

@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    name = f"hb_test_{RUN_ID}"
    admin = url.replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- Redis -----------------------------------------------------------------

def redis_answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except (redis.RedisError, OSError):
        return False


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    url = os.environ.get("REDIS_URL") or LOCAL_REDIS
    if redis_answers(url):
        yield url
        return
    folder = tmp_path_factory.mktemp("valkey")
    yield start_embedded(folder)
    pid = (folder / "valkey.pid").read_text().strip()
    os.kill(int(pid), 15)


# --- SMTP and HTTP receivers ------------------------------------------------

@pytest.fixture(scope="session")
def smtp_server():
    server = SmtpServer(Mailbox(wait_until), free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def smtp(smtp_server):
    return smtp_server.mailbox, smtp_server.port


@pytest.fixture(scope="session")
def session_receiver():
    receiver = Receiver(wait_until)
    yield receiver
    receiver.server.shutdown()


@pytest.fixture
def receiver(session_receiver):
    """A local HTTP server for webhooks and Apprise's json://, emptied for each test."""
    session_receiver.clear()
    yield session_receiver
    session_receiver.clear()


# --- the app ---------------------------------------------------------------

@pytest.fixture(scope="session")
def settings(database_url, redis_url, smtp):
    """The settings every process of this run shares, as environment variables."""
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "RQ_QUEUE": f"hb-test-{RUN_ID}",
        "SECRET_KEY": "test-secret-" + RUN_ID,
        "BASE_URL": "http://hb.test",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp[1]),
        "MAIL_DEFAULT_SENDER": "heartbeats@hb.test",
        "MAIL_TIMEOUT": "2",
        "INTEGRATIONS_TIMEOUT": "2",
        # The test receivers listen on 127.0.0.1; the guard itself is tested apart.
        "INTEGRATIONS_ALLOW_PRIVATE_IPS": "true",
        "APPRISE_ENABLED": "true",
        "SWEEP_INTERVAL": "0.2",
        # Storm grouping is off for the run: many tests send more than three
        # alerts in a few seconds and count them one by one. tests/alerts/
        # test_storms.py turns it on for the web process it pings.
        "ALERT_GROUP_THRESHOLD": "0",
    }


@pytest.fixture(scope="session")
def app(settings):
    app = create_app(overrides_from(settings))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()  # the schema comes from the migrations, as in production
    return app


@pytest.fixture(autouse=True)
def clean_state(request, app, smtp):
    """Each test starts with empty tables, an empty queue and an empty mailbox."""
    yield
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        from webapp.alerts.queue import get_queue

        queue = get_queue()
        queue.empty()
        # A delivery the worker had begun before the rows went still sends
        # its message: give it a moment, so that it lands in this test's
        # mailbox, not the next one's. (Capped: a job of a worker a test
        # killed stays "started" until RQ cleans it up.)
        started = StartedJobRegistry(queue=queue)
        deadline = time.monotonic() + 1.0
        while started.count and time.monotonic() < deadline:
            time.sleep(0.02)
        forget_rate_limits(app)
    smtp[0].clear()


def forget_rate_limits(app) -> None:
    """This run's rate-limit counts, and no one else's: other installations
    (and test runs) may share the Redis; Flask-Limiter's reset() would clear
    every one's counts."""
    prefix = app.config["RATELIMIT_KEY_PREFIX"]
    client = redis.Redis.from_url(app.config["REDIS_URL"])
    for key in client.scan_iter(f"*{prefix}*", count=1000):
        client.delete(key)
    app.extensions["hb_login_fallback"].storage.reset()
    app.extensions["hb_ping_throttle"].forget()  # counted in this process's memory


@pytest.fixture
def limits(app, monkeypatch):
    """Set rate limits for one test: limits(RATELIMIT_LOGIN="3 per minute")."""
    def set_(**values):
        for name, value in values.items():
            monkeypatch.setitem(app.config, name, value)
    return set_


@pytest.fixture
def guarded(app, monkeypatch):
    """The outbound guard on, as in production (the suite's receivers listen on
    127.0.0.1, so it is off otherwise)."""
    monkeypatch.setitem(app.config, "INTEGRATIONS_ALLOW_PRIVATE_IPS", False)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def mailbox(smtp) -> Mailbox:
    return smtp[0]


@pytest.fixture
def user(app):
    return make_user(app)


@pytest.fixture
def api(client, user):
    """Call the check API as `user`: api("post", "/checks/", json=...)."""

    def call(method: str, path: str, key: str | None = None, **kwargs):
        headers = kwargs.pop("headers", {})
        headers.setdefault("X-Api-Key", key or user[1])
        return getattr(client, method)(f"/api/v3{path}", headers=headers, **kwargs)

    return call


@pytest.fixture
def read_only_key(app, user):
    """A read-only API key of `user`'s own project."""
    with app.app_context():
        row, key = ApiKey.issue(own_project(user[0]), "read-only", read_only=True)
        db.session.add(row)
        db.session.commit()
    return key


@pytest.fixture
def new_check(api):
    """Make a check of `user`'s through the API: new_check(**fields) -> its uuid.

    The name is nightly-backup unless given; every other field is the API's default.
    """

    def make(**fields) -> str:
        r = api("post", "/checks/", json={"name": "nightly-backup", **fields})
        assert r.status_code == 201, r.get_json()
        return r.get_json()["uuid"]

    return make


@pytest.fixture
def check(new_check):
    """A fresh interval check, nightly-backup: every 60 s, 30 s of grace."""
    return new_check(timeout=60, grace=30)


# --- real processes ----------------------------------------------------------

@pytest.fixture(scope="session")
def live_server(app):
    """The app on a real socket (threaded), for tests that speak HTTP."""
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def worker_process(settings, app, tmp_path_factory):
    """The session's `python worker.py`, started by `worker` when a test needs it."""
    process = WorkerProcess(settings, tmp_path_factory.mktemp("worker") / "worker.log")
    yield process
    process.stop()


@pytest.fixture
def worker(worker_process):
    """A real `python worker.py`: RQ jobs plus the deadline sweep."""
    if not worker_process.running:
        worker_process.start()
    return worker_process


@pytest.fixture
def no_worker(app, worker_process):
    """No worker sweeps or beats during the test (the session's is stopped, then
    started again if it ran), and none has beaten before it: for tests of what
    a missing worker looks like."""
    was_running = worker_process.running
    worker_process.stop()
    with app.app_context():
        with db.engine.begin() as conn:  # what it wrote since the last test's cleanup
            conn.execute(Heartbeat.__table__.delete())
        db.session.remove()
    yield
    if was_running:
        worker_process.start()


# --- the dashboard, as a browser would use it ------------------------------------

class Web:
    """A test client that logs in and fills in CSRF tokens the way a page's forms do."""

    def __init__(self, client):
        self.client = client

    @property
    def home(self) -> str:
        """The checks list of the project `/` opens: the user's own, at first."""
        r = self.client.get("/")
        assert r.status_code == 302, r.status_code
        return r.headers["Location"]

    def at(self, path: str) -> str:
        """A page of that project: at("checks/new"), at("channels/"), at("settings/")."""
        return self.home + path

    def csrf(self, path: str = "/login") -> str:
        import re

        html = self.client.get(path, follow_redirects=True).get_data(as_text=True)
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)

    def login(self, email="alice@example.com", password="correct horse", next_=""):
        url = "/login" + (f"?next={next_}" if next_ else "")
        return self.client.post(url, data={"csrf_token": self.csrf(), "email": email,
                                           "password": password})

    def post(self, path: str, data: dict | None = None, *, token_from: str = "/", **kwargs):
        """POST with the CSRF token a page of ours would have put in the form."""
        return self.client.post(path, data={"csrf_token": self.csrf(token_from), **(data or {})},
                                **kwargs)

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def htmx(self, path: str, **headers):
        """GET as htmx does it (HX-Request), with any other HX-* headers given."""
        return self.client.get(path, headers={"HX-Request": "true", **headers})


@pytest.fixture
def web(client):
    return Web(client)


@pytest.fixture
def logged_in(web, user):
    """`web`, logged in as `user` (alice@example.com)."""
    assert web.login().status_code == 302
    return web
