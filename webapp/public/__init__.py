"""Pages without login: the health of the installation, status badges,
Prometheus metrics and the projects' public status pages."""

from __future__ import annotations

from flask import Flask

from . import badges, health, metrics, status_pages


def init_app(app: Flask) -> None:
    app.register_blueprint(health.bp)
    app.register_blueprint(badges.bp)
    app.register_blueprint(metrics.bp)
    metrics.init_app(app)
    # --- public status pages (/status/<slug>) ---
    status_pages.init_app(app)
