"""The original Heartbeats' report URL: /api/pings/?service=<code>&data=<text>.

HTTP Basic auth: the user's email and password (reaching the checks of every
project they may write to), or any user name with a read-write API key as
the password (reaching that key's project; for scripts that must not hold a
password). An empty `data` is a success; any text in it is a failure that
carries the text into the alert — the original's "data alert". Answers are
JSON: the stored ping, or {"error": ...}.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from ..core.models import ApiKey, Check
from ..core.pings import UA_LIMIT
from ..core.projects import writable_project_tiers
from ..core.text import can_name_a_row
from ..core.times import utc_iso
from ..core.users import authenticate, normalize_email
from ..db import db
from ..web.ratelimits import count_failed_login, failed_login_wait
from .common import PingRefused, is_uuid, json_bytes, param, rate_limited, record, stored_text
from .request import PingRequest

LOG_IN = "log in with HTTP Basic auth: your email and password, or any name and an API key"


def basic_auth_projects(request: PingRequest) -> list[list[int]] | None:
    """The ids of the projects the Basic auth reaches, in tiers searched in
    turn (see `writable_project_tiers`); None when it names nobody."""
    auth = request.authorization
    if auth is None or auth.type != "basic" or not auth.password:
        return None
    # An API key is a cheap hash lookup; try it before the (slow, by design) password KDF.
    key = ApiKey.find(auth.password)
    if key is not None:
        if key.read_only:
            raise PingRefused(403, "this API key is read-only: reporting a run needs a "
                                   "read-write key")
        return [[key.project_id]]
    email = normalize_email(auth.username or "")
    # Guessing passwords here draws on the login form's budgets.
    address = request.remote_addr or ""
    wait = failed_login_wait(email, address)
    if wait is not None:
        raise rate_limited("too many failed logins", wait)
    user = authenticate(email, auth.password)
    if user is None:
        count_failed_login(email, address)
        return None
    return writable_project_tiers(user.id)


def find_service(tiers: list[list[int]], code: str) -> list[sa.Row]:
    """(uuid, name) of the checks that `code` names, a uuid or a slug (any case),
    in the first tier of projects that has any."""
    if not can_name_a_row(code):
        return []
    where = Check.uuid == code if is_uuid(code) else Check.slug == code.lower()
    for project_ids in tiers:
        found = list(db.session.execute(
            sa.select(Check.uuid, Check.name).where(Check.project_id.in_(project_ids), where)
            .limit(2)).all())
        if found:
            return found
    return []


def report(request: PingRequest) -> dict[str, Any]:
    """Report a run of `service`; non-empty `data` raises an alert with that text."""
    tiers = basic_auth_projects(request)
    if tiers is None:
        raise PingRefused(401, LOG_IN)
    code = (param(request, "service") or "").strip()
    if not code:
        raise PingRefused(400, "service is required: the check's uuid or slug")
    found = find_service(tiers, code)
    if len(found) > 1:
        raise PingRefused(409, f"ambiguous service {code!r}: more than one check has this slug")
    missing = f"no check of yours has the uuid or slug {code!r}"
    if not found:
        raise PingRefused(404, missing)
    data = stored_text(param(request, "data"))
    applied = record(found[0].uuid, request, kind="fail" if data else "success", msg=data)
    if applied is None:  # deleted or rotated between the lookup and the ping
        raise PingRefused(404, missing)
    # The answer echoes what was kept, not what was sent: a 10 MB `data` is
    # stored as its first MSG_LIMIT characters, and that is all it gets back.
    return {"id": applied.ping_id, "service": found[0].name,
            "remote_addr": request.remote_addr or "", "ua": request.user_agent[:UA_LIMIT],
            "data": data or "", "created": utc_iso(applied.created)}


def answer(status: int, message: str | None, payload: dict[str, Any] | None = None
           ) -> tuple[bytes, list[tuple[str, str]]]:
    """The stored ping as JSON, or {"error": ...}; a 401 asks for Basic auth."""
    body = payload if status == 200 else {"error": message}
    headers = [("Content-Type", "application/json")]
    if status == 401:
        headers.append(("WWW-Authenticate", 'Basic realm="Heartbeats"'))
    return json_bytes(body), headers
