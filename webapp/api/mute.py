"""Muting every check with a tag at once: `POST /api/v3/checks/mute`.

{"tag": "db", "until": "2026-12-02T03:00:00Z" | "up" | null}. It applies to
the checks of the key's project that carry the tag now; a check tagged later
is not muted (a mute is kept on each check, not on the tag). See core.snooze.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify

from ..core.errors import FieldError
from ..core.models import Check, normalize_tags
from ..core.snooze import parse_mute_request
from ..core.times import utcnow
from ..db import db
from .checks import check_json, windows_of
from .common import api_project, json_body

bp = Blueprint("mute", __name__)


@bp.post("/checks/mute")
def mute_tag():
    """Mute (or, with `"until": null`, unmute) the project's checks with `tag`."""
    data = json_body()
    tag = data.get("tag")
    # One tag, as a check stores it (core.models.normalize_tags): "a,b" is two.
    if not isinstance(tag, str) or len(normalize_tags(tag).split()) != 1:
        raise FieldError("tag must be one tag, a non-empty string")
    tag = normalize_tags(tag)
    if "until" not in data:
        raise FieldError('until is required: an ISO 8601 time, "up", or null to unmute')
    values = parse_mute_request(data["until"], utcnow())
    checks = [c for c in db.session.scalars(
        sa.select(Check).where(Check.project_id == api_project().id).order_by(Check.id))
        if tag in c.tag_list]
    for check in checks:
        check.muted_until, check.mute_until_up = values["muted_until"], values["mute_until_up"]
    db.session.commit()
    windows = windows_of(checks)
    return jsonify(checks=[check_json(c, windows) for c in checks])
