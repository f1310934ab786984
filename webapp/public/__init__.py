"""Pages without login: the health of the installation (badges, status pages
and metrics will join it)."""

from __future__ import annotations

from flask import Flask

from . import health


def init_app(app: Flask) -> None:
    app.register_blueprint(health.bp)
