"""Maintenance windows: `/api/v3/maintenance/` (list, create), one window by
its uuid (read, delete) and `POST …/<uuid>/end` to end it now. See
core.maintenance for what a window does to alerts."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, jsonify

from ..core.maintenance import end_now, remove_window
from ..core.maintenance_fields import make_window, parse_window, window_json
from ..core.models import MaintenanceWindow
from ..core.times import utcnow
from ..db import db
from .common import api_project, json_body, read_only

bp = Blueprint("maintenance", __name__)


def window_or_404(code: str) -> MaintenanceWindow:
    window = db.session.scalar(sa.select(MaintenanceWindow).where(
        MaintenanceWindow.code == code, MaintenanceWindow.project_id == api_project().id))
    if window is None:
        abort(404)
    return window


def shown(window: MaintenanceWindow) -> dict:
    return window_json(window, utcnow(), with_checks=not read_only())


@bp.get("/maintenance/")
def list_windows():
    """The project's windows, soonest made first."""
    rows = db.session.scalars(sa.select(MaintenanceWindow)
                              .where(MaintenanceWindow.project_id == api_project().id)
                              .order_by(MaintenanceWindow.id))
    return jsonify(maintenance=[shown(w) for w in rows])


@bp.post("/maintenance/")
def create_window():
    window = make_window(api_project().id, parse_window(json_body(), utcnow()))
    db.session.commit()
    return jsonify(shown(window)), 201


@bp.get("/maintenance/<code>")
def get_window(code: str):
    return jsonify(shown(window_or_404(code)))


@bp.post("/maintenance/<code>/end")
def end_window(code: str):
    """End it now: a one-off is over, a recurring one's current occurrence is
    (the next still comes). What its checks owe is sent by the next sweep."""
    window = window_or_404(code)
    end_now(window, utcnow())
    db.session.commit()
    return jsonify(shown(window))


@bp.delete("/maintenance/<code>")
def delete_window(code: str):
    window = window_or_404(code)
    body = shown(window)
    remove_window(window, utcnow())
    db.session.commit()
    return jsonify(body)
