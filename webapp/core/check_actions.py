"""What people (and API clients) do to a check by hand: create it, pause it, resume it.

Pings change a check's state in `pings.apply_ping`; everything a user does by
hand goes through here, so the dashboard, the API and `?create=1` pings obey
the same limit and log the same flips.
"""

from __future__ import annotations

import uuid as uuidlib
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from ..db import db, rows_changed
from .check_fields import apply_fields
from .errors import CheckLimitReached, FieldConflict, FieldError
from .flips import record_flip
from .models import Check
from .times import utcnow

checks = Check.__table__


def check_count(project_id: int) -> int:
    return db.session.execute(
        sa.select(sa.func.count(Check.id)).where(Check.project_id == project_id)).scalar_one()


def create_check(project_id: int, fields: dict, now: datetime | None = None, *,
                 uuid: str | None = None) -> Check:
    """A new check in the project with `parse_fields`' fields, added to the session.

    The caller commits (after any checks of its own on the new row). Raises
    CheckLimitReached when the project has MAX_CHECKS_PER_PROJECT checks
    already, and FieldError when a field cannot be applied (a channel of
    another project).

    `uuid`: the check keeps this one instead of a new one: an imported check
    whose old ping URLs (/ping/<uuid>) must keep working. FieldError when it
    is no UUID, FieldConflict when a check here is pinged by it already.
    """
    if check_count(project_id) >= current_app.config["MAX_CHECKS_PER_PROJECT"]:
        raise CheckLimitReached()
    now = now or utcnow()
    check = Check(project_id=project_id, created=now)
    if uuid is not None:
        check.uuid = claim_uuid(uuid)
    apply_fields(check, {"name": "", **fields}, now)
    db.session.add(check)
    return check


def claim_uuid(value: str) -> str:
    """`value` as a check's uuid, in its canonical form: refused when it is no
    UUID, and when it is the uuid or push token of a check already (a ping URL
    must name one check; the push URL takes either)."""
    try:
        canonical = str(uuidlib.UUID(value))
    except (TypeError, ValueError):
        raise FieldError(f"uuid must be a UUID (got {str(value)[:50]!r})") from None
    taken = db.session.scalar(sa.select(Check.id).where(
        sa.or_(Check.uuid == canonical, Check.push_token == canonical)).limit(1))
    if taken is not None:
        raise FieldConflict(f"the uuid {canonical} is in use by another check")
    return canonical


def pause(check: Check, *, actor: str, reason: str = "paused", now: datetime | None = None) -> bool:
    """Stop alerts until the next ping (or a resume); False if it was paused already."""
    return _set_status(check, "paused", lambda old: old != "paused",
                       actor=actor, reason=reason, now=now)


def resume(check: Check, *, actor: str, reason: str = "resumed",
           now: datetime | None = None) -> bool:
    """A paused check waits for its next ping, as a new one does; False if it was not paused.

    Its last ping is forgotten, as Healthchecks' resume forgets it
    (hc/api/tests/test_resume.py test_it_works): a check that is new again
    has no ping to be late from. The pings themselves stay in the log."""
    return _set_status(check, "new", lambda old: old == "paused",
                       actor=actor, reason=reason, now=now, clear={"last_ping": None})


def mute(check: Check, until: datetime | None, until_up: bool = False) -> None:
    """Snooze (core.snooze): watched as ever, nothing sent until `until`, or
    until it is up again; neither unmutes. Left for the caller to commit."""
    check.muted_until, check.mute_until_up = (None if until_up else until), until_up


def _set_status(check: Check, new_status: str, allowed, *, actor: str, reason: str,
                now: datetime | None, clear: dict | None = None) -> bool:
    """Move the check to `new_status`, clear its deadlines, log the flip; commits.

    The UPDATE names the state it replaces: a ping that lands between our read
    and our write changes the status, the UPDATE then matches no row, and we
    read again instead of logging a flip from a state the check had already
    left (which would also resurrect deadlines the ping had just set).
    """
    now = now or utcnow()
    for _ in range(5):
        old = db.session.scalar(sa.select(checks.c.status).where(checks.c.id == check.id))
        if old is None or not allowed(old):
            db.session.rollback()
            return False
        claimed = rows_changed(db.session.execute(
            sa.update(checks)
            .where(checks.c.id == check.id, checks.c.status == old)
            .values(status=new_status, next_ping=None, alert_after=None, last_start=None,
                    last_start_rid=None, next_nag=None, fail_count=0, **(clear or {}))
        ))
        if claimed == 1:
            record_flip(db.session.connection(), check.id, check.project_id, old, new_status,
                        reason=reason, actor=actor, now=now)
            db.session.commit()  # also expires `check`, so it reads the new state
            return True
        db.session.rollback()
    raise RuntimeError(f"check {check.id} kept changing while we tried to set it {new_status}")
