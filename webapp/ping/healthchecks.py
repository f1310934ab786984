"""Healthchecks' ping URLs: /ping/<uuid>[/action] and /ping/<ping-key>/<slug>[/action].

Actions: none (success), start, fail, log, or an exit status 0-255. Answers
are plain text, as Healthchecks gives them, so its clients and scripts that
check for "OK" keep working.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from flask import current_app

from ..core.check_actions import create_check
from ..core.check_fields import SLUG_RE
from ..core.errors import CheckLimitReached
from ..core.models import Check, Project
from ..core.text import can_name_a_row
from ..db import db
from .common import (
    Answered,
    BadPing,
    PingRefused,
    is_uuid,
    param,
    parse_rid,
    read_body,
    record,
    stored_text,
)
from .request import PingRequest

ACTIONS = {None: "success", "start": "start", "fail": "fail", "log": "log"}
CAPITALS = re.compile(r"[A-Z]")
SLUG_LIMIT = 100  # the API's limit for a slug, and the column's


def answer(status: int, message: str | None, payload: None = None
           ) -> tuple[bytes, list[tuple[str, str]]]:
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


def check_by_slug(request: PingRequest, ping_key: str, slug: str) -> tuple[str, bool]:
    """(uuid, made now) of the project's check with this slug, made first if ?create=1."""
    if not (can_name_a_row(ping_key) and can_name_a_row(slug)):
        raise PingRefused(404, "not found")
    if CAPITALS.search(slug):
        # No slug has capitals, and Healthchecks answers such a URL 400, not 404
        # (hc-ping.com, in runitor#176): the caller learns the URL is malformed,
        # and ?create=1 cannot make a check no other URL would reach.
        raise BadPing("a slug is lowercase (a-z, 0-9, hyphens and underscores): "
                      "this one has capital letters")
    project_id = db.session.scalar(sa.select(Project.id).where(Project.ping_key == ping_key))
    if project_id is None:
        raise PingRefused(404, "not found")
    uuids = db.session.scalars(
        sa.select(Check.uuid).where(Check.project_id == project_id, Check.slug == slug).limit(2)
    ).all()
    if len(uuids) > 1:
        raise PingRefused(409, "ambiguous slug: more than one check has it")
    if uuids:
        return uuids[0], False
    if param(request, "create") != "1":
        raise PingRefused(404, "not found")
    if not SLUG_RE.match(slug) or len(slug) > SLUG_LIMIT:
        raise BadPing(f"a check can be created only for a slug of a-z, 0-9, hyphens "
                      f"and underscores, at most {SLUG_LIMIT} characters")
    try:
        check = create_check(project_id, {"name": slug, "slug": slug})
    except CheckLimitReached as e:
        raise PingRefused(403, str(e)) from None
    db.session.commit()
    return check.uuid, True


def record_ping(request: PingRequest, uuid: str, kind: str, exitstatus: int | None,
                rid: str | None) -> None:
    # keywords: the check's keyword filters apply here, as Healthchecks applies
    # them to HTTP pings (its other ping forms are not Healthchecks').
    # ?msg= is ours (Healthchecks has none): the message `hb run --msg` sends,
    # kept as a push's is, so /ping/ and /api/push/ pings say the same.
    if record(uuid, request, kind=kind, exitstatus=exitstatus, rid=rid,
              msg=stored_text(request.args.get("msg")),
              body=read_body(request), keywords=True) is None:
        raise PingRefused(404, "not found")  # no such uuid, or deleted since the lookup


def ping_by_uuid(request: PingRequest, uuid: str, action: str | None = None) -> None:
    """A ping of /ping/<uuid>[/<action>]."""
    if not is_uuid(uuid):
        raise PingRefused(404, "not found")
    rid = parse_rid(request.args.get("rid"))
    record_ping(request, uuid, *parse_action(action), rid)


def ping_by_slug(request: PingRequest, ping_key: str, slug: str,
                 action: str | None = None) -> Answered | None:
    """A ping of /ping/<ping-key>/<slug>[/<action>]: the user's ping key and a check's slug.

    201 Created when ?create=1 made the check, as Healthchecks answers
    (hc/api/tests/test_ping_by_slug.py test_it_auto_provisions_missing_check)."""
    # Bad input is refused before ?create=1 can make a check.
    rid = parse_rid(request.args.get("rid"))
    kind, exitstatus = parse_action(action)
    uuid, made = check_by_slug(request, ping_key, slug)
    record_ping(request, uuid, kind, exitstatus, rid)
    return Answered(201, "Created") if made else None


def not_found(request: PingRequest) -> None:
    """Any other URL under /ping/."""
    raise PingRefused(404, "not found")
