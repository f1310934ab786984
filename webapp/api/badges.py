"""GET /api/v3/badges/: the project's badge URLs, as Healthchecks lists them
(hc/api/views.py badges; hc/api/tests/test_get_badges.py): one entry per tag
and one for "*" (every check), each with svg, json and shields URLs in two
states (late shows as up) and svg3, json3 and shields3 in three.

A read-only key may call it (READ_ONLY_ENDPOINTS): a badge URL shows a state,
and nothing that pings or changes a check.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify

from ..core.badges import badge_tags, project_badge_urls
from ..core.models import Check
from ..db import db
from ..web.urls import base_url
from .common import api_project

bp = Blueprint("badges", __name__)


@bp.get("/badges/")
def list_badges():
    """{"badges": {tag: {svg, svg3, json, json3, shields, shields3}}}."""
    project = api_project()
    tags = db.session.scalars(sa.select(Check.tags).where(Check.project_id == project.id))
    base, secret = base_url(), current_app.config["SECRET_KEY"]
    return jsonify(badges={tag: project_badge_urls(base, project.badge_key, tag, secret)
                           for tag in badge_tags(t.split() for t in tags)})
