"""Recording a change of state and, in the same transaction, who must hear of it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from .extensions import db
from .models import Flip, Notification, User
from .queue import new_job_id

flips = Flip.__table__
notifications = Notification.__table__


def is_alert(old_status: str, new_status: str) -> bool:
    """Down always alerts; up alerts only as a recovery from down.

    new -> up (first ping) and paused -> up (resumed by a ping) are logged but
    not sent: nobody was told the check was in trouble.
    """
    return new_status == "down" or (new_status == "up" and old_status == "down")


def record_flip(
    check_id: int,
    user_id: int,
    old_status: str,
    new_status: str,
    *,
    reason: str,
    actor: str,
    now: datetime,
) -> list[tuple[int, str]]:
    """Insert a flip and its notification rows; returns their (id, job id) pairs.

    The caller owns the transaction: the flip, its notifications (the outbox)
    and the state change itself must commit together, or not at all, so that a
    crash can neither lose an alert nor send one for a change that never was.
    """
    flip_id = db.session.execute(
        sa.insert(flips)
        .values(
            check_id=check_id,
            created=now,
            old_status=old_status,
            new_status=new_status,
            reason=reason[:200],
            actor=actor,
        )
        .returning(flips.c.id)
    ).scalar_one()
    if not is_alert(old_status, new_status):
        return []
    # Until channels exist, alerts go to the check owner's own address.
    email = db.session.scalar(sa.select(User.email).where(User.id == user_id))
    ids = db.session.execute(
        sa.insert(notifications)
        .values(
            flip_id=flip_id,
            check_id=check_id,
            kind="email",
            target=email,
            status="pending",
            attempts=0,
            error="",
            created=now,
            job_id=new_job_id(),
            enqueued=now,
        )
        .returning(notifications.c.id, notifications.c.job_id)
    )
    return [(row.id, row.job_id) for row in ids]
