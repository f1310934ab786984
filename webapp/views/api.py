"""The check API, in Healthchecks' v3 shapes so its clients work unchanged.

Served under /api/v1/, /api/v2/ and /api/v3/ by the same handlers, as
Healthchecks does. Every answer, errors included, is JSON.
"""

from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import Blueprint, abort, g, jsonify, request

from .. import checks, utc
from ..channels import channels_text
from ..check_fields import FieldError, apply_fields, parse_fields
from ..extensions import db
from ..models import ApiKey, Check, utcnow
from ..urls import base_url, ping_url, push_url

bp = Blueprint("api", __name__, url_prefix="/api/v<int:version>")


@bp.url_value_preprocessor
def pull_version(endpoint, values):
    g.api_version = values.pop("version")
    if g.api_version not in (1, 2, 3):
        abort(404)


@bp.url_defaults
def add_version(endpoint, values):
    values.setdefault("version", g.get("api_version", 3))


def error(message: str, status: int):
    return jsonify(error=message), status


def json_body() -> dict:
    """The request's JSON object; an empty body counts as {}."""
    if not request.get_data():
        return {}
    data = request.get_json(silent=True)
    if data is None:
        raise FieldError("could not parse the request body as JSON")
    if not isinstance(data, dict):
        raise FieldError("the request body must be a JSON object")
    return data


def authorize(view):
    """Find the user from X-Api-Key (or `api_key` in the JSON body, as Healthchecks allows)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        key = request.headers.get("X-Api-Key")
        if not key and request.method == "POST":
            body = request.get_json(silent=True)
            key = body.get("api_key") if isinstance(body, dict) else None
        if not key:
            return error("missing API key: send it in the X-Api-Key header", 401)
        api_key = ApiKey.find(key)
        if api_key is None:
            return error("wrong API key", 401)
        g.user = api_key.user
        return view(*args, **kwargs)

    return wrapper


def check_json(check: Check) -> dict:
    base, v = base_url(), g.api_version
    update_url = f"{base}/api/v{v}/checks/{check.uuid}"
    out = {
        "uuid": check.uuid,
        "name": check.name,
        "slug": check.slug,
        "tags": check.tags,
        "desc": check.desc,
        "grace": check.grace,
        "n_pings": check.n_pings,
        "status": check.get_status(),
        "started": check.last_start is not None,
        "last_ping": utc(check.last_ping),
        "next_ping": utc(check.next_ping),
        "manual_resume": check.manual_resume,
        "methods": check.methods,
        "last_duration": round(check.last_duration) if check.last_duration is not None else None,
        "max_runtime": check.max_runtime,
        "channels": channels_text(check),
        "nag_period": check.nag_period,
        "failure_threshold": check.failure_threshold,
        "value_min": check.value_min,
        "value_max": check.value_max,
        "grace_to_end_of_day": check.grace_to_end_of_day,
        "ping_url": ping_url(check.uuid),
        "push_url": push_url(check.uuid),
        "update_url": update_url,
        "pause_url": f"{update_url}/pause",
        "resume_url": f"{update_url}/resume",
    }
    if check.kind == "cron":
        out["schedule"], out["tz"] = check.schedule, check.tz
    else:
        out["timeout"] = check.timeout
    return out


def get_own_check(uuid: str) -> Check:
    """The user's check, or 404 — the same 404 whether it is missing or someone else's."""
    return db.first_or_404(sa.select(Check).where(Check.uuid == uuid, Check.user_id == g.user.id))


@bp.errorhandler(FieldError)
def field_error(e: FieldError):
    return error(str(e), 400)


@bp.get("/checks/")
@authorize
def list_checks():
    """The user's checks, narrowed by every ?tag= given."""
    wanted = set(request.args.getlist("tag"))
    rows = db.session.scalars(
        sa.select(Check).where(Check.user_id == g.user.id).order_by(Check.created, Check.id)
    )
    return jsonify(checks=[check_json(c) for c in rows if wanted <= set(c.tag_list)])


@bp.post("/checks/")
@authorize
def create_check():
    """Create a check (201), or update the one matching `unique` (200)."""
    fields = parse_fields(json_body())
    now = utcnow()
    existing = find_unique(fields)
    if existing is not None:
        apply_fields(existing, fields, now)
        db.session.commit()
        return jsonify(check_json(existing)), 200
    if checks.at_check_limit(g.user.id):
        return error("check limit reached", 403)
    check = Check(user_id=g.user.id, created=now)
    fields.setdefault("name", "")
    apply_fields(check, fields, now)
    db.session.add(check)
    db.session.commit()
    return jsonify(check_json(check)), 201


def find_unique(fields: dict) -> Check | None:
    unique = fields.get("unique") or []
    if not unique:
        return None
    query = sa.select(Check).where(Check.user_id == g.user.id)
    for name in unique:
        if name not in fields:
            raise FieldError(f"unique names {name!r}, which the request does not set")
        query = query.where(getattr(Check, name) == fields[name])
    return db.session.scalars(query.order_by(Check.id)).first()


@bp.get("/checks/<uuid>")
@authorize
def get_check(uuid: str):
    """One check."""
    return jsonify(check_json(get_own_check(uuid)))


@bp.post("/checks/<uuid>")
@authorize
def update_check(uuid: str):
    """Change the fields the request names; the others stay."""
    check = get_own_check(uuid)
    fields = parse_fields(json_body())
    fields.pop("unique", None)
    apply_fields(check, fields, utcnow())
    db.session.commit()
    return jsonify(check_json(check))


@bp.delete("/checks/<uuid>")
@authorize
def delete_check(uuid: str):
    """Delete a check with its pings, flips and notifications."""
    check = get_own_check(uuid)
    body = check_json(check)
    db.session.delete(check)
    db.session.commit()
    return jsonify(body)


@bp.post("/checks/<uuid>/pause")
@authorize
def pause_check(uuid: str):
    """Stop alerts until the next ping (or a resume, with manual_resume)."""
    check = get_own_check(uuid)
    checks.pause(check, actor=f"api:{g.user.email}", reason="paused through the API")
    return jsonify(check_json(check))


@bp.post("/checks/<uuid>/rotate")
@authorize
def rotate_check_token(uuid: str):
    """Give the check a new uuid (ours, not Healthchecks'): old ping URLs stop working."""
    check = get_own_check(uuid)
    check.rotate_token()
    db.session.commit()
    return jsonify(check_json(check))


@bp.post("/checks/<uuid>/resume")
@authorize
def resume_check(uuid: str):
    """Resume a paused check; it waits for its next ping as a new check does."""
    check = get_own_check(uuid)
    if not checks.resume(check, actor=f"api:{g.user.email}", reason="resumed through the API"):
        return error("check is not paused", 409)
    return jsonify(check_json(check))
