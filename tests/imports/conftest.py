"""What the import tests share: a stand-in Healthchecks site serving its
recorded API answers, an Uptime Kuma database built from Kuma's own SQL, and
a snapshot of every table (an import run twice must change none).

The Healthchecks site is a real HTTP server on 127.0.0.1 that answers the two
API calls an import makes with Healthchecks' recorded answers (fixtures/, see
its README), and checks the API key as Healthchecks' hc/api/decorators.py
does: no key is "missing api key", an unknown one "wrong api key" (both 401),
and a read-only key may list checks but not integrations.
"""

from __future__ import annotations

import copy
import json
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from webapp.db import db

FIXTURES = Path(__file__).parent / "fixtures"
RW_KEY = "X" * 32  # the keys Healthchecks' own tests use
RO_KEY = "R" * 32


def recorded(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


class HealthchecksServer:
    rw_key, ro_key = RW_KEY, RO_KEY

    def __init__(self):
        self.redirect_to: str | None = None  # answer every call with a 302 there
        self.checks = recorded("hc_v3_checks.json")
        self.read_only_checks = recorded("hc_v3_checks_read_only.json")
        self.channels = recorded("hc_v3_channels.json")
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with server.lock:
                    server.requests.append({"path": self.path, "headers": dict(self.headers)})
                if server.redirect_to:
                    self.send_response(302)
                    self.send_header("Location", server.redirect_to)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status, doc = server.answer(self.path, self.headers.get("X-Api-Key", ""))
                body = json.dumps(doc).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def fill_in(self, doc: dict) -> dict:
        """The documented answer with its placeholders filled in, as the site would."""
        text = json.dumps(doc).replace("PING_ENDPOINT", f"{self.url}/ping/")
        return json.loads(text.replace("SITE_ROOT", self.url))

    def answer(self, path: str, key: str) -> tuple[int, dict]:
        if not key:
            return 401, {"error": "missing api key"}
        if key not in (RW_KEY, RO_KEY):
            return 401, {"error": "wrong api key"}
        if path == "/api/v3/checks/":
            return 200, self.fill_in(self.checks if key == RW_KEY else self.read_only_checks)
        if path == "/api/v3/channels/":
            if key == RO_KEY:
                return 401, {"error": "wrong api key"}
            return 200, self.fill_in(self.channels)
        return 404, {"error": "not found"}

    def edit_check(self, name: str, **fields) -> None:
        """Change a recorded check, as its owner would in Healthchecks (the test says why)."""
        checks = copy.deepcopy(self.checks)
        for check in checks["checks"]:
            if check["name"] == name:
                check.update(fields)
        self.checks = checks

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hc():
    server = HealthchecksServer()
    yield server
    server.close()


# --- Uptime Kuma's database, as its own SQL makes it -------------------------------

# Kuma (1.x, and 2.x on SQLite) starts from db/kuma.db and applies the patches
# of louislam/uptime-kuma db/old_migrations/ in order; these are the statements
# that make the tables an import reads, each from the file it names.
KUMA_SCHEMA = [
    # knex_init_db.js, "user" (the monitor table's user_id refers to it)
    """CREATE TABLE user (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        username VARCHAR(255) NOT NULL UNIQUE, password VARCHAR(255),
        active BOOLEAN DEFAULT 1 NOT NULL, timezone VARCHAR(150))""",
    # patch6.sql: the monitor table as that patch rebuilds it (monitor_dg_tmp)
    """CREATE TABLE monitor (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        name VARCHAR(150), active BOOLEAN DEFAULT 1 NOT NULL,
        user_id INTEGER REFERENCES user ON UPDATE CASCADE ON DELETE SET NULL,
        interval INTEGER DEFAULT 20 NOT NULL, url TEXT, type VARCHAR(20),
        weight INTEGER DEFAULT 2000, hostname VARCHAR(255), port INTEGER,
        created_date DATETIME DEFAULT (DATETIME('now')) NOT NULL, keyword VARCHAR(255),
        maxretries INTEGER NOT NULL DEFAULT 0, ignore_tls BOOLEAN DEFAULT 0 NOT NULL,
        upside_down BOOLEAN DEFAULT 0 NOT NULL, maxredirects INTEGER DEFAULT 10 NOT NULL,
        accepted_statuscodes_json TEXT DEFAULT '["200-299"]' NOT NULL)""",
    "CREATE INDEX user_id ON monitor (user_id)",
    # patch7.sql, patch8.sql
    "ALTER TABLE monitor ADD dns_resolve_type VARCHAR(5)",
    "ALTER TABLE monitor ADD dns_resolve_server VARCHAR(255)",
    "ALTER TABLE monitor ADD dns_last_result VARCHAR(255)",
    # patch-add-retry-interval-monitor.sql
    "ALTER TABLE monitor ADD retry_interval INTEGER DEFAULT 0 NOT NULL",
    # patch10.sql
    """CREATE TABLE tag (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        name VARCHAR(255) NOT NULL, color VARCHAR(255) NOT NULL,
        created_date DATETIME DEFAULT (DATETIME('now')) NOT NULL)""",
    """CREATE TABLE monitor_tag (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        monitor_id INTEGER NOT NULL, tag_id INTEGER NOT NULL, value TEXT,
        CONSTRAINT FK_tag FOREIGN KEY (tag_id) REFERENCES tag(id)
            ON DELETE CASCADE ON UPDATE CASCADE,
        CONSTRAINT FK_monitor FOREIGN KEY (monitor_id) REFERENCES monitor(id)
            ON DELETE CASCADE ON UPDATE CASCADE)""",
    "CREATE INDEX monitor_tag_monitor_id_index ON monitor_tag (monitor_id)",
    "CREATE INDEX monitor_tag_tag_id_index ON monitor_tag (tag_id)",
    # patch-monitor-push_token.sql (knex_migrations/2023-10-11-1915-push-token-to-32.js
    # widens it to 32, which SQLite, ignoring VARCHAR widths, never needed)
    "ALTER TABLE monitor ADD push_token VARCHAR(20) DEFAULT NULL",
    # the resend-interval patch (knex_init_db.js has the column too)
    "ALTER TABLE monitor ADD resend_interval INTEGER DEFAULT 0 NOT NULL",
    # patch-add-description-monitor.sql
    "ALTER TABLE monitor ADD description TEXT DEFAULT NULL",
    # knex_init_db.js, "notification" and "monitor_notification"
    """CREATE TABLE notification (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        name VARCHAR(255), active BOOLEAN DEFAULT 1 NOT NULL, user_id INTEGER,
        is_default BOOLEAN DEFAULT 0 NOT NULL, config TEXT)""",
    """CREATE TABLE monitor_notification (id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
        monitor_id INTEGER NOT NULL REFERENCES monitor(id) ON DELETE CASCADE ON UPDATE CASCADE,
        notification_id INTEGER NOT NULL REFERENCES notification(id)
            ON DELETE CASCADE ON UPDATE CASCADE)""",
]


@pytest.fixture
def kuma_db(tmp_path):
    """kuma_db(*statements) -> the path of a kuma.db with Kuma's tables and the
    rows the statements insert."""
    def build(*statements: str) -> Path:
        path = tmp_path / "kuma.db"
        with sqlite3.connect(path) as conn:
            for statement in (*KUMA_SCHEMA, *statements):
                conn.execute(statement)
        conn.close()
        return path
    return build


# --- what the database holds -------------------------------------------------------

# Tables any request may write (a login's last_seen, a worker's beat).
VOLATILE = {"login_sessions", "heartbeats"}


@pytest.fixture
def snapshot(app):
    """snapshot() -> every row of every table but VOLATILE's, in an order of its own."""
    def take() -> dict[str, list]:
        with app.app_context(), db.engine.connect() as conn:
            return {table.name: sorted((tuple(row) for row in conn.execute(table.select())),
                                       key=repr)
                    for table in db.metadata.sorted_tables if table.name not in VOLATILE}
    return take


@pytest.fixture
def flask_cli(app):
    """flask_cli("import", "healthchecks", ...) -> the result of `flask import ...`."""
    runner = app.test_cli_runner()

    def invoke(*args: str, input: str | None = None):
        return runner.invoke(args=list(args), input=input)
    return invoke
