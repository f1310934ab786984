"""Heartbeats: a self-hosted push monitor for cron jobs and background services.

The package is grouped by area, and imports run downward:

    ping, api, dashboard,       the doors: pings, the JSON API, the pages, pages
    public, cli                 without login (/health), `flask user`
    imports                     checks from Healthchecks, Uptime Kuma, our own JSON
    alerts, web                 from a flip to a message; what every HTTP door shares
    core                        the rules: models, schedules, transitions, pings, flips
    db                          database plumbing
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, instance_defaults

from . import api, cli, dashboard, db, public
from .alerts.queue import limits_storage_url
from .ping import PingLane
from .web import errors, ratelimits, security
from .web.address import RecordAddress
from .web.extensions import csrf, htmx, login_manager, mail
from .web.sessions import SessionInterface
from .web.urls import BoundedInt

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    """The application factory; `overrides` replace settings (tests use it)."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.url_map.converters["int"] = BoundedInt  # before any route is added
    app.config.from_object(Config)
    if overrides:
        app.config.update(overrides)
    instance_defaults(app.config, app.instance_path)
    app.session_interface = SessionInterface()

    # Every ping URL is answered in front of Flask (see webapp.ping); the proxy
    # fix goes outside it, so pings see the client's address too.
    app.wsgi_app = PingLane(app, app.wsgi_app)  # type: ignore[method-assign]
    app.wsgi_app = RecordAddress(app, app.wsgi_app)  # type: ignore[method-assign]
    if app.config["PROXY_COUNT"] > 0:
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    db.init_app(app, ROOT / "migrations")
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    mail.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)

    # Errors first: its size check must refuse an oversized body before the
    # rate limits read one (an API key may be in a JSON body).
    errors.init_app(app)
    ratelimits.init_app(app, limits_storage_url(app))
    api.init_app(app)
    dashboard.init_app(app)
    public.init_app(app)
    security.init_app(app)
    cli.init_app(app)
    return app
