"""Pages without login: the health of the installation, status badges and
Prometheus metrics."""

from __future__ import annotations

from flask import Flask

from . import badges, health, metrics


def init_app(app: Flask) -> None:
    app.register_blueprint(health.bp)
    app.register_blueprint(badges.bp)
    app.register_blueprint(metrics.bp)
    metrics.init_app(app)
