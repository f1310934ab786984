"""GET /health: is this installation alerting? And Healthchecks' /api/v3/status/.

No login: a load balancer, an uptime monitor or a person may ask. Neither
answer names a check, a user or anything else of anyone's.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, jsonify

from ..alerts.health import check_health
from ..db import db

bp = Blueprint("public", __name__)


@bp.get("/health")
def health():
    """200 with the figures when alerts go out; 503 naming what is stale when not."""
    body = check_health()
    response = jsonify(body)
    response.status_code = 200 if body["status"] == "ok" else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/api/v<int:version>/status/")
def status(version: int):
    """Healthchecks' status endpoint: "OK" when the database answers."""
    if version not in (1, 2, 3):
        abort(404)
    db.session.execute(sa.select(1))
    return "OK", 200, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store"}
