"""The check API, in Healthchecks' v3 shapes so its clients work unchanged."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import Blueprint, g, jsonify, request

from ..core import check_actions
from ..core.badges import check_badge_url
from ..core.check_fields import apply_fields, parse_fields
from ..core.errors import CheckLimitReached
from ..core.keyword_fields import keyword_json
from ..core.maintenance import windows_covering
from ..core.models import Check
from ..core.push_tokens import push_token_of
from ..core.snooze import is_muted
from ..core.times import utc_iso, utcnow
from ..core.transitions import shown_status
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


def api_status(check: Check) -> str:
    """The status as Healthchecks' API names it, by version (its Check.to_dict):
    v1 reports an open run as "started"; v2 and v3 give the state beneath it
    and say `started` apart (hc/api/tests/test_get_check.py
    test_v1_reports_status_started, test_v2_reports_started_separately). Our
    "late" is Healthchecks' "grace"."""
    status = check.get_status()
    if status == "started" and g.api_version >= 2:
        status = shown_status(check.status, check.schedule_spec, None, check.next_ping, utcnow())
    return "grace" if status == "late" else status


def windows_of(checks: list[Check]) -> dict[int, tuple[str, datetime]]:
    """The maintenance window covering each of one project's checks now, in
    two queries whatever their number (`core.maintenance.windows_covering`)."""
    if not checks:
        return {}
    return windows_covering(db.session.connection(), checks[0].project_id,
                            {c.id: c.tags for c in checks}, utcnow())


def check_json(check: Check, windows: dict[int, tuple[str, datetime]] | None = None) -> dict:
    """A check as the API shows it; `windows`: windows_of() the list it is in, if read."""
    window = (windows if windows is not None else windows_of([check])).get(check.id)
    base = base_url()
    out: dict = {
        "name": check.name,
        "slug": check.slug,
        "tags": check.tags,
        "desc": check.desc,
        "grace": check.grace,
        "n_pings": check.n_pings,
        "status": api_status(check),
        "started": check.last_start is not None,
        "last_ping": utc_iso(check.last_ping),
        "next_ping": utc_iso(check.next_ping),
        "manual_resume": check.manual_resume,
        "methods": check.methods,
        "last_duration": round(check.last_duration) if check.last_duration is not None else None,
        "max_runtime": check.max_runtime,
        "min_runtime": check.min_runtime,
        "nag_period": check.nag_period,
        "failure_threshold": check.failure_threshold,
        "flap_threshold": check.flap_threshold,
        "flap_window": check.flap_window,
        # Since when its alerts are held for flapping; null when they are not.
        "flapping_since": utc_iso(check.flapping_since),
        "value_min": check.value_min,
        "value_max": check.value_max,
        "grace_to_end_of_day": check.grace_to_end_of_day,
        # Snooze (core.snooze): a time already past no longer mutes, so it reads null.
        "muted_until": utc_iso(check.muted_until) if is_muted(check.muted_until, False, utcnow())
        else None,
        "mute_until_up": check.mute_until_up,
        # The end of the maintenance window covering it now, if one does.
        "maintenance_until": utc_iso(window[1] if window else None),
        # Named by the check's badge_key, never its uuid: shown to read-only
        # keys too, as the badges a read-only key lists (/api/v3/badges/) are.
        "badge_url": check_badge_url(base, check.badge_key),
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
            # Its parents' uuids: secrets as its own is, so not for read-only keys.
            "depends_on": [p.uuid for p in check.parents],
            "ping_url": ping_url(base, check.uuid),
            # A token kept from an imported Kuma or Tianji monitor is a secret
            # as the uuid is: shown beside it, and in the push URL it makes.
            "push_token": check.push_token,
            "push_url": push_url(base, push_token_of(check)),
            "update_url": update_url,
            "pause_url": f"{update_url}/pause",
            "resume_url": f"{update_url}/resume",
        })
    out.update(keyword_json(check))
    if check.kind in ("cron", "oncalendar"):
        out["schedule"], out["tz"] = check.schedule, check.tz
    else:
        out["timeout"] = check.timeout
    return out


@bp.get("/checks/")
def list_checks():
    """The project's checks, narrowed by every ?tag= given and by ?slug=."""
    wanted = set(request.args.getlist("tag"))
    query = sa.select(Check).where(Check.project_id == api_project().id)
    if slug := request.args.get("slug"):
        # As Healthchecks: an empty ?slug= filters nothing
        # (hc/api/tests/test_list_checks.py test_it_works_with_slug_param).
        query = query.where(Check.slug == slug)
    rows = db.session.scalars(query.order_by(Check.created, Check.id))
    shown = [c for c in rows if wanted <= set(c.tag_list)]
    windows = windows_of(shown)
    return jsonify(checks=[check_json(c, windows) for c in shown])


@bp.post("/checks/")
def create_check():
    """Create a check (201), or update the one matching `unique` (200)."""
    fields = parse_fields(json_body())
    now = utcnow()
    existing = find_unique(fields)
    if existing is not None:
        apply_fields(existing, keep_slug(fields, existing.slug), now)
        db.session.commit()
        return jsonify(check_json(existing)), 200
    try:
        check = check_actions.create_check(api_project().id, keep_slug(fields, ""), now)
    except CheckLimitReached as e:
        return error(str(e), 403)
    db.session.commit()
    return jsonify(check_json(check)), 201


def keep_slug(fields: dict, slug: str) -> dict:
    """In v3 a name never makes the slug: a new check named alone has none, and
    a rename keeps the slug (hc/api/tests/test_create_check.py and
    test_update_check.py, test_v3_does_not_autogenerate_slug). v1 and v2 derive
    it from the name, as Healthchecks' do (see check_fields.apply_fields)."""
    if g.api_version >= 3 and "slug" not in fields:
        return {**fields, "slug": slug}
    return fields


def find_unique(fields: dict) -> Check | None:
    """The first check matching every field `unique` names; None when one of
    them is absent from the request, which then creates a check, as in
    Healthchecks (hc/api/tests/test_create_check.py
    test_it_creates_new_check_if_unique_references_absent_field)."""
    unique = fields.get("unique") or []
    if not unique or any(name not in fields for name in unique):
        return None
    query = sa.select(Check).where(Check.project_id == api_project().id)
    for name in unique:
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
    apply_fields(check, keep_slug(fields, check.slug), utcnow())
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
