"""Heartbeats: a self-hosted push monitor for cron jobs and background services."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, instance_defaults

from .extensions import csrf, db, htmx, login_manager, mail, migrate
from .sessions import SessionInterface

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    """The application factory; `overrides` replace settings (tests use it)."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(Config)
    if overrides:
        app.config.update(overrides)
    instance_defaults(app.config, app.instance_path)
    app.session_interface = SessionInterface()

    # Pings by token skip Flask's request machinery (see ping_lane.py); the
    # proxy fix goes outside it, so pings see the client's address too.
    from .ping_lane import PingLane
    app.wsgi_app = PingLane(app, app.wsgi_app)
    if app.config["PROXY_COUNT"] > 0:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    mail.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)

    from . import cli, errors
    from . import security, timefmt
    from .schedule_text import grace_words, schedule_words
    from .views import api, auth, channels, checks, dashboard, hc_ping, legacy, settings
    # Imported only for their routes, which they add to api.bp.
    from .views import api_channels, api_log  # noqa: F401

    app.register_blueprint(hc_ping.bp)
    app.register_blueprint(legacy.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(dashboard.bp)
    app.register_blueprint(checks.bp)
    app.register_blueprint(settings.bp)
    app.register_blueprint(channels.bp)
    # Machines authenticate by secret URL or API key, not by a browser session.
    for machine_bp in (hc_ping.bp, legacy.bp, api.bp):
        csrf.exempt(machine_bp)
    errors.init_app(app)
    cli.init_app(app)

    timefmt.init_app(app)
    security.init_app(app)
    app.add_template_global(schedule_words)
    app.add_template_global(grace_words)
    return app


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL lets readers work beside the one writer; the busy timeout makes a
    writer wait its turn instead of failing with "database is locked"."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


_job_app: Flask | None = None


def job_app() -> Flask:
    """The app that RQ jobs run in: one per worker process, made on first use."""
    global _job_app
    if _job_app is None:
        _job_app = create_app()
    return _job_app


def utc(dt: datetime | None) -> str | None:
    """ISO 8601 with offset, as the API shows times."""
    return None if dt is None else dt.astimezone(UTC).isoformat(timespec="seconds")
