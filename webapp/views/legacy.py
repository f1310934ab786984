"""The original Heartbeats' report URL: /api/pings/?service=<code>&data=<text>.

HTTP Basic auth: the user's email and password, or any user name with one of
the user's API keys as the password (for scripts that must not hold a
password). An empty `data` is a success; any text in it is a failure that
carries the text into the alert — the original's "data alert".
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, request

from .. import utc
from ..extensions import db
from ..models import ApiKey, Check, User
from ..pings import MSG_LIMIT
from .ping_common import allow_any_origin, is_uuid, param, record

bp = Blueprint("legacy", __name__)
allow_any_origin(bp)


def basic_auth_user() -> User | None:
    auth = request.authorization
    if auth is None or auth.type != "basic" or not auth.password:
        return None
    # An API key is a cheap hash lookup; try it before the (slow, by design) password KDF.
    key = ApiKey.find(auth.password)
    if key is not None:
        return key.user
    user = db.session.scalar(
        sa.select(User).where(User.email == (auth.username or "").strip().lower()))
    if user is not None and user.check_password(auth.password):
        return user
    return None


def find_service(user: User, code: str) -> list[sa.Row]:
    """(uuid, name) of the user's checks that `code` names: a uuid, or a slug (any case)."""
    where = Check.uuid == code if is_uuid(code) else Check.slug == code.lower()
    return db.session.execute(
        sa.select(Check.uuid, Check.name).where(Check.user_id == user.id, where).limit(2)).all()


def error(message: str, status: int):
    return jsonify(error=message), status


@bp.route("/api/pings/", methods=["GET", "POST", "HEAD"], strict_slashes=False)
def report():
    """Report a run of `service`; non-empty `data` raises an alert with that text."""
    user = basic_auth_user()
    if user is None:
        response, status = error("log in with HTTP Basic auth: your email and password, "
                                 "or any name and an API key", 401)
        response.headers["WWW-Authenticate"] = 'Basic realm="Heartbeats"'
        return response, status
    code = (param(request, "service") or "").strip()
    if not code:
        return error("service is required: the check's uuid or slug", 400)
    found = find_service(user, code)
    if len(found) > 1:
        return error(f"ambiguous service {code!r}: more than one check has this slug", 409)
    if not found:
        return error(f"no check of yours has the uuid or slug {code!r}", 404)
    data = param(request, "data") or ""
    applied = record(found[0].uuid, request, kind="fail" if data else "success",
                     msg=data[:MSG_LIMIT] if data else None)
    if applied is None:  # deleted or rotated between the lookup and the ping
        return error(f"no check of yours has the uuid or slug {code!r}", 404)
    return jsonify(id=applied.ping_id, service=found[0].name, remote_addr=request.remote_addr or "",
                   ua=request.user_agent.string or "", data=data, created=utc(applied.created))
