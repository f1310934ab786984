"""What people (and API clients) do to a check by hand: create it, pause it, resume it.

Pings change a check's state in `pings.apply_ping`; everything a user does by
hand goes through here, so the dashboard, the API and `?create=1` pings obey
the same limit and log the same flips.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from ..db import db, rows_changed
from .check_fields import apply_fields
from .errors import CheckLimitReached
from .flips import record_flip
from .models import Check
from .times import utcnow

checks = Check.__table__


def check_count(project_id: int) -> int:
    return db.session.execute(
        sa.select(sa.func.count(Check.id)).where(Check.project_id == project_id)).scalar_one()


def create_check(project_id: int, fields: dict, now: datetime | None = None) -> Check:
    """A new check in the project with `parse_fields`' fields, added to the session.

    The caller commits (after any checks of its own on the new row). Raises
    CheckLimitReached when the project has MAX_CHECKS_PER_PROJECT checks
    already, and FieldError when a field cannot be applied (a channel of
    another project).
    """
    if check_count(project_id) >= current_app.config["MAX_CHECKS_PER_PROJECT"]:
        raise CheckLimitReached()
    now = now or utcnow()
    check = Check(project_id=project_id, created=now)
    apply_fields(check, {"name": "", **fields}, now)
    db.session.add(check)
    return check


def pause(check: Check, *, actor: str, reason: str = "paused", now: datetime | None = None) -> bool:
    """Stop alerts until the next ping (or a resume); False if it was paused already."""
    return _set_status(check, "paused", lambda old: old != "paused",
                       actor=actor, reason=reason, now=now)


def resume(check: Check, *, actor: str, reason: str = "resumed",
           now: datetime | None = None) -> bool:
    """A paused check waits for its next ping, as a new one does; False if it was not paused."""
    return _set_status(check, "new", lambda old: old == "paused",
                       actor=actor, reason=reason, now=now)


def _set_status(check: Check, new_status: str, allowed, *, actor: str, reason: str,
                now: datetime | None) -> bool:
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
                    last_start_rid=None, next_nag=None, fail_count=0)
        ))
        if claimed == 1:
            record_flip(db.session.connection(), check.id, check.project_id, old, new_status,
                        reason=reason, actor=actor, now=now)
            db.session.commit()  # also expires `check`, so it reads the new state
            return True
        db.session.rollback()
    raise RuntimeError(f"check {check.id} kept changing while we tried to set it {new_status}")
