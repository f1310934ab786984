"""The check API, in Healthchecks' v3 shapes so its clients work unchanged."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, request

from ..core import check_actions
from ..core.check_fields import apply_fields, parse_fields
from ..core.errors import CheckLimitReached, FieldError
from ..core.models import Check
from ..core.times import utc_iso, utcnow
from ..core.urls import ping_url, push_url
from ..db import db
from ..web.urls import base_url
from .common import (
    api_actor,
    api_check,
    api_project,
    api_url,
    error,
    json_body,
    read_only,
    unique_key,
)

bp = Blueprint("checks", __name__)


def channels_text(check: Check) -> str:
    """The check's `channels` field: its channels' ids, comma-separated."""
    return ",".join(c.code for c in check.channels)


def check_json(check: Check) -> dict:
    base = base_url()
    out: dict = {
        "name": check.name,
        "slug": check.slug,
        "tags": check.tags,
        "desc": check.desc,
        "grace": check.grace,
        "n_pings": check.n_pings,
        "status": check.get_status(),
        "started": check.last_start is not None,
        "last_ping": utc_iso(check.last_ping),
        "next_ping": utc_iso(check.next_ping),
        "manual_resume": check.manual_resume,
        "methods": check.methods,
        "last_duration": round(check.last_duration) if check.last_duration is not None else None,
        "max_runtime": check.max_runtime,
        "nag_period": check.nag_period,
        "failure_threshold": check.failure_threshold,
        "value_min": check.value_min,
        "value_max": check.value_max,
        "grace_to_end_of_day": check.grace_to_end_of_day,
    }
    if read_only():
        # As Healthchecks' Check.to_dict(readonly=True): a unique_key instead
        # of the uuid, and none of the URLs or channel ids built on secrets.
        out["unique_key"] = unique_key(check)
    else:
        update_url = api_url(check.uuid, base)
        out.update({
            "uuid": check.uuid,
            "channels": channels_text(check),
            "ping_url": ping_url(base, check.uuid),
            "push_url": push_url(base, check.uuid),
            "update_url": update_url,
            "pause_url": f"{update_url}/pause",
            "resume_url": f"{update_url}/resume",
        })
    if check.kind == "cron":
        out["schedule"], out["tz"] = check.schedule, check.tz
    else:
        out["timeout"] = check.timeout
    return out


@bp.get("/checks/")
def list_checks():
    """The project's checks, narrowed by every ?tag= given."""
    wanted = set(request.args.getlist("tag"))
    rows = db.session.scalars(sa.select(Check).where(Check.project_id == api_project().id)
                              .order_by(Check.created, Check.id))
    return jsonify(checks=[check_json(c) for c in rows if wanted <= set(c.tag_list)])


@bp.post("/checks/")
def create_check():
    """Create a check (201), or update the one matching `unique` (200)."""
    fields = parse_fields(json_body())
    now = utcnow()
    existing = find_unique(fields)
    if existing is not None:
        apply_fields(existing, fields, now)
        db.session.commit()
        return jsonify(check_json(existing)), 200
    try:
        check = check_actions.create_check(api_project().id, fields, now)
    except CheckLimitReached as e:
        return error(str(e), 403)
    db.session.commit()
    return jsonify(check_json(check)), 201


def find_unique(fields: dict) -> Check | None:
    unique = fields.get("unique") or []
    if not unique:
        return None
    query = sa.select(Check).where(Check.project_id == api_project().id)
    for name in unique:
        if name not in fields:
            raise FieldError(f"unique names {name!r}, which the request does not set")
        query = query.where(getattr(Check, name) == fields[name])
    return db.session.scalars(query.order_by(Check.id)).first()


@bp.get("/checks/<uuid>")
def get_check(uuid: str):
    """One check."""
    return jsonify(check_json(api_check(uuid)))


@bp.post("/checks/<uuid>")
def update_check(uuid: str):
    """Change the fields the request names; the others stay."""
    check = api_check(uuid)
    fields = parse_fields(json_body())
    fields.pop("unique", None)
    apply_fields(check, fields, utcnow())
    db.session.commit()
    return jsonify(check_json(check))


@bp.delete("/checks/<uuid>")
def delete_check(uuid: str):
    """Delete a check with its pings, flips and notifications."""
    check = api_check(uuid)
    body = check_json(check)
    db.session.delete(check)
    db.session.commit()
    return jsonify(body)


@bp.post("/checks/<uuid>/pause")
def pause_check(uuid: str):
    """Stop alerts until the next ping (or a resume, with manual_resume)."""
    check = api_check(uuid)
    check_actions.pause(check, actor=api_actor(), reason="paused through the API")
    return jsonify(check_json(check))


@bp.post("/checks/<uuid>/rotate")
def rotate_check_token(uuid: str):
    """Give the check a new uuid (ours, not Healthchecks'): old ping URLs stop working."""
    check = api_check(uuid)
    check.rotate_token()
    db.session.commit()
    return jsonify(check_json(check))


@bp.post("/checks/<uuid>/resume")
def resume_check(uuid: str):
    """Resume a paused check; it waits for its next ping as a new check does."""
    check = api_check(uuid)
    if not check_actions.resume(check, actor=api_actor(),
                                reason="resumed through the API"):
        return error("check is not paused", 409)
    return jsonify(check_json(check))
