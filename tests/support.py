"""Helpers the tests share (a module of its own: `conftest` is not importable by
name once a subfolder has a conftest too)."""

from __future__ import annotations

import contextlib
import html as html_lib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import redis
import requests
import sqlalchemy as sa

from webapp.alerts.delivery import deliver
from webapp.core.heartbeats import beat
from webapp.core.models import ApiKey, Check, Flip, Membership, Notification, Ping, Project, User
from webapp.core.times import utcnow
from webapp.core.users import create_user
from webapp.db import db

ROOT = Path(__file__).resolve().parent.parent

# The check form as a browser sends it for a check with only a name typed.
NAME_ONLY = {"name": "nightly-backup", "kind": "interval", "every": "1", "every_unit": "days",
             "grace": "1", "grace_unit": "hours", "tz": "UTC", "deadline": "end_of_day"}


def row_order(html: str) -> list[str]:
    """The names of the checks list's rows, top to bottom."""
    return re.findall(r'class="check-name"[^>]*>([^<]+)<', html)


def listing(web, query: str = "") -> str:
    """The checks list of the user's own project, as HTML."""
    return web.get(web.home + query).get_data(as_text=True)


def live_url(html: str) -> str:
    """The URL the checks list asks with for its next refresh."""
    return re.search(r'<section id="checks"[^>]*hx-get="([^"]+)"', html).group(1).replace(
        "&amp;", "&")


def live_fp(html: str) -> str:
    """The token the list sends with its next refresh."""
    return parse_qs(urlsplit(live_url(html)).query)["fp"][0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(predicate, timeout: float = 10.0, interval: float = 0.05):
    """Poll until predicate() is truthy; return its value, or fail the test."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout} s")


def overrides_from(settings: dict) -> dict:
    return {
        "TESTING": True,
        "MAIL_SUPPRESS_SEND": False,  # Flask-Mail would fake sending under TESTING
        "SQLALCHEMY_DATABASE_URI": settings["DATABASE_URL"],
        "REDIS_URL": settings["REDIS_URL"],
        "RQ_QUEUE": settings["RQ_QUEUE"],
        "SECRET_KEY": settings["SECRET_KEY"],
        "BASE_URL": settings["BASE_URL"],
        "MAIL_SERVER": settings["MAIL_SERVER"],
        "MAIL_PORT": int(settings["MAIL_PORT"]),
        "MAIL_DEFAULT_SENDER": settings["MAIL_DEFAULT_SENDER"],
        "MAIL_TIMEOUT": float(settings["MAIL_TIMEOUT"]),
        "INTEGRATIONS_TIMEOUT": float(settings["INTEGRATIONS_TIMEOUT"]),
        "INTEGRATIONS_ALLOW_PRIVATE_IPS": True,
        "APPRISE_ENABLED": True,
        "SWEEP_INTERVAL": float(settings["SWEEP_INTERVAL"]),
        "ALERT_GROUP_THRESHOLD": int(settings["ALERT_GROUP_THRESHOLD"]),
    }


def unquoted(value: str) -> str:
    """A token as a JSON column holds it: SQLite gives its JSON text, psycopg the string."""
    return json.loads(value) if value.startswith('"') else value


def make_user(app, email: str = "alice@example.com", password: str = "correct horse"):
    """A user (with the project of their own every user gets) and a read-write
    API key of that project: (user id, key)."""
    with app.app_context():
        user = create_user(email, password)
        assert user is not None, f"{email} exists already"
        db.session.flush()
        row, key = ApiKey.issue(own_project(user.id), "test")
        db.session.add(row)
        db.session.commit()
        user_id = user.id
        db.session.remove()
    return user_id, key


def own_project(user_id: int) -> Project:
    """The first project the user owns (inside an app context)."""
    return db.session.scalars(sa.select(Project).join(Membership).where(
        Membership.user_id == user_id, Membership.role == "owner").order_by(Project.id)).first()


def project_of(app, email: str = "alice@example.com") -> tuple[int, str]:
    """(id, code) of the first project the user owns."""
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == email))
        project = own_project(user_id)
        return project.id, project.code


def ping_key_of(app, email: str = "alice@example.com") -> str:
    """The ping key of the user's own project (slug URLs)."""
    with app.app_context():
        return own_project(db.session.scalar(
            sa.select(User.id).where(User.email == email))).ping_key


def load_check(app, uuid: str) -> Check:
    """The check as stored now, detached from any session."""
    with app.app_context():
        check = db.session.scalar(sa.select(Check).where(Check.uuid == uuid))
        db.session.expunge_all()
        return check


def pings_of(app, uuid: str) -> list[Ping]:
    """The check's stored pings, oldest first, detached."""
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Ping).join(Check).where(Check.uuid == uuid).order_by(Ping.n)).all()
        db.session.expunge_all()
        return rows


def backdate(app, uuid: str, seconds: float) -> None:
    """Move the check's times `seconds` into the past, as if its pings had come
    that much earlier: it is then late or due as that much time would make it."""
    shift = timedelta(seconds=seconds)
    with app.app_context():
        check = db.session.scalar(sa.select(Check).where(Check.uuid == uuid))
        for name in ("last_ping", "last_start", "next_ping", "alert_after"):
            if getattr(check, name) is not None:
                setattr(check, name, getattr(check, name) - shift)
        db.session.commit()
        db.session.remove()


def record_beats(app, **seconds_ago) -> None:
    """Heartbeats as a worker would write them, that many seconds ago:
    record_beats(app, sweep=1, jobs=2)."""
    with app.app_context():
        for name, seconds in seconds_ago.items():
            beat(name, utcnow() - timedelta(seconds=seconds))
        db.session.remove()


def field_error(html: str, field_id: str) -> str:
    """The message shown next to one field (and tied to it by aria-describedby)."""
    m = re.search(rf'<p class="error" id="{field_id}-error">([^<]+)</p>', html)
    assert m, f"no error shown for {field_id}"
    assert re.search(rf'id="{field_id}"[^>]*aria-invalid="true"'
                     rf'|aria-invalid="true"[^>]*id="{field_id}"', html)
    return html_lib.unescape(m.group(1))


def settle_deliveries(app, timeout: float = 20.0) -> None:
    """Deliver every notification, retrying at once, until none is pending:
    each is then sent, or failed after its last try.

    Tries run here, in-process; a worker that a previous test started may
    take some of them too (its lease makes ours skip), so this waits for the
    outcome rather than counting its own tries.
    """
    with app.app_context():
        ids = db.session.scalars(sa.select(Notification.id)).all()

        def settled() -> bool:
            for notification_id in ids:
                # A failed try: RQ would retry it later; this loop retries at once.
                with contextlib.suppress(Exception):
                    deliver(notification_id)
            return not db.session.scalar(sa.select(sa.func.count()).where(
                Notification.id.in_(ids), Notification.status == "pending"))

        wait_until(settled, timeout)
        db.session.remove()


class WorkerProcess:
    def __init__(self, settings: dict, log: Path):
        self.env = {**os.environ, **settings}
        self.log = log  # kept for reading when a test fails
        self.proc: subprocess.Popen | None = None

    def start(self):
        with open(self.log, "a") as out:
            # A session of its own, so that kill() takes down anything it starts.
            self.proc = subprocess.Popen([sys.executable, "worker.py"], cwd=ROOT, env=self.env,
                                         stdout=out, stderr=subprocess.STDOUT,
                                         start_new_session=True)
        # Ready when RQ has registered it as a worker on our queue.
        conn = redis.Redis.from_url(self.env["REDIS_URL"])
        queue = self.env["RQ_QUEUE"]
        wait_until(lambda: conn.scard(f"rq:workers:{queue}") > 0, timeout=20)

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self):
        """SIGKILL to the worker (its whole process group), as a crash or OOM kill would."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def flips(app) -> list[tuple[str, str, str]]:
    """Every flip stored, oldest first: (old status, new status, reason)."""
    with app.app_context():
        rows = db.session.scalars(sa.select(Flip).order_by(Flip.id)).all()
        return [(f.old_status, f.new_status, f.reason) for f in rows]


HB = Path(sys.executable).parent / "hb"  # installed with the test extras (./agent)
RUNITOR_AND_HB_ENV = ("HB_URL", "HB_API_KEY", "HB_PING_KEY", "HC_API_URL", "CHECK_UUID",
                      "CHECK_SLUG", "PING_KEY")


def hb(*args: str, env: dict | None = None, timeout: float = 60,
       **kwargs) -> subprocess.CompletedProcess:
    """Run the installed `hb` with `args`; its exit status and output (bytes)."""
    clean = {k: v for k, v in os.environ.items() if k not in RUNITOR_AND_HB_ENV}
    return subprocess.run([str(HB), *args], env={**clean, **(env or {})}, capture_output=True,
                          timeout=timeout, **kwargs)


def api_call(live_server: str, key: str, method: str, path: str, body=None):
    """The API of a live server, as a script would call it: /api/v3<path> with X-Api-Key."""
    return requests.request(method, f"{live_server}/api/v3{path}", headers={"X-Api-Key": key},
                            json=body, timeout=10)


def push(live_server: str, uuid: str, status: str = "up") -> None:
    """A push ping (/api/push/<uuid>?status=), which must be taken."""
    r = requests.get(f"{live_server}/api/push/{uuid}?status={status}", timeout=10)
    assert r.status_code == 200, r.text
