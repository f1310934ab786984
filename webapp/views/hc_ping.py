"""Healthchecks' ping URLs: /ping/<uuid>[/action] and /ping/<ping-key>/<slug>[/action].

Actions: none (success), start, fail, log, or an exit status 0-255. Answers
are plain text, as Healthchecks gives them, so its clients and scripts that
check for "OK" keep working.

Pings by uuid are served by the ping lane (webapp/ping_lane.py); pings by
ping key and slug, which look up and may create a check through the ORM,
by the Flask view here.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, request

from ..extensions import db
from ..check_fields import apply_fields
from ..checks import at_check_limit
from ..models import Check, User, slugify, utcnow
from ..ping_request import PingRequest
from .ping_common import (AnyRequest, BadPing, PingRefused, allow_any_origin, is_uuid, param,
                          parse_rid, read_body, record)

bp = Blueprint("hc_ping", __name__)
allow_any_origin(bp)

METHODS = ["GET", "POST", "HEAD"]
ACTIONS = {None: "success", "start": "start", "fail": "fail", "log": "log"}


def answer(status: int, message: str | None) -> tuple[bytes, list[tuple[str, str]]]:
    """The body and headers of a Healthchecks-style answer."""
    return (message or "OK").encode(), [
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Ping-Body-Limit", str(current_app.config["PING_BODY_LIMIT"])),
    ]


def parse_action(action: str | None) -> tuple[str, int | None]:
    """(kind, exit status) for the last part of the URL."""
    if action in ACTIONS:
        return ACTIONS[action], None
    if action is not None and action.isdigit():
        code = int(action)
        if code > 255:
            raise BadPing(f"exit status must be between 0 and 255 (got {code})")
        return ("success" if code == 0 else "fail"), code
    raise PingRefused(404, "not found")


def check_by_slug(ping_key: str, slug: str) -> str:
    """The uuid of the user's check with this slug, made first if ?create=1."""
    user_id = db.session.scalar(sa.select(User.id).where(User.ping_key == ping_key))
    if user_id is None:
        raise PingRefused(404, "not found")
    uuids = db.session.scalars(
        sa.select(Check.uuid).where(Check.user_id == user_id, Check.slug == slug).limit(2)
    ).all()
    if len(uuids) > 1:
        raise PingRefused(409, "ambiguous slug: more than one check has it")
    if uuids:
        return uuids[0]
    if param(request, "create") != "1":
        raise PingRefused(404, "not found")
    return create_by_slug(user_id, slug)


def create_by_slug(user_id: int, slug: str) -> str:
    if slugify(slug) != slug:
        raise BadPing("a check can be created only for a slug of a-z, 0-9 and hyphens")
    if at_check_limit(user_id):
        raise PingRefused(403, "check limit reached")
    check = Check(user_id=user_id)
    apply_fields(check, {"name": slug, "slug": slug}, utcnow())
    db.session.add(check)
    db.session.commit()
    return check.uuid


def record_ping(request: AnyRequest, uuid: str, kind: str, exitstatus: int | None,
                rid: str | None) -> None:
    if record(uuid, request, kind=kind, exitstatus=exitstatus, rid=rid,
              body=read_body(request)) is None:
        raise PingRefused(404, "not found")  # no such uuid, or deleted since the lookup


def ping_by_uuid(request: PingRequest, uuid: str, action: str | None) -> None:
    """A ping of /ping/<uuid>[/<action>]; served by the ping lane."""
    if not is_uuid(uuid):
        raise PingRefused(404, "not found")
    rid = parse_rid(request.args.get("rid"))
    record_ping(request, uuid, *parse_action(action), rid)


@bp.route("/ping/<ping_key>/<slug>", methods=METHODS)
@bp.route("/ping/<ping_key>/<slug>/<action>", methods=METHODS)
def ping_by_slug(ping_key: str, slug: str, action: str | None = None):
    """A Healthchecks-style ping by the user's ping key and a check's slug."""
    try:
        # Bad input is refused before ?create=1 can make a check.
        rid = parse_rid(request.args.get("rid"))
        kind, exitstatus = parse_action(action)
        record_ping(request, check_by_slug(ping_key, slug), kind, exitstatus, rid)
        status, message = 200, None
    except BadPing as e:
        status, message = 400, str(e)
    except PingRefused as e:
        status, message = e.status, e.message
    body, headers = answer(status, message)
    return body, status, headers
