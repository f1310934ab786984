"""Recording a change of state (or a reminder) and, in the same transaction,
the notifications it owes each channel: the outbox its delivery jobs work from."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa

from .channels import alert_targets
from .models import Flip, Notification

flips = Flip.__table__
notifications = Notification.__table__


def is_alert(old_status: str, new_status: str) -> bool:
    """Down always alerts; up alerts only as a recovery from down.

    new -> up (first ping) and paused -> up (resumed by a ping) are logged but
    not sent: nobody was told the check was in trouble. A pause is logged, and
    nothing is sent while paused.
    """
    return new_status == "down" or (new_status == "up" and old_status == "down")


def new_job_id() -> str:
    """Each delivery attempt chain gets a fresh job id, kept on its notification row."""
    return f"hb-notify-{uuid.uuid4().hex}"


def queue_notifications(conn: sa.Connection, check_id: int, project_id: int, flip_id: int | None,
                        event: str, now: datetime) -> list[tuple[int, str]]:
    """One outbox row per channel the check alerts; returns (id, job id) pairs."""
    rows = [
        {"flip_id": flip_id, "check_id": check_id, "channel_id": channel_id, "event": event,
         "kind": kind, "target": target, "status": "pending", "attempts": 0, "error": "",
         "created": now, "job_id": new_job_id(), "next_attempt": now}
        for channel_id, kind, target, _ in alert_targets(conn, check_id, project_id)
    ]
    if not rows:
        return []
    result = conn.execute(
        sa.insert(notifications).returning(notifications.c.id, notifications.c.job_id,
                                           sort_by_parameter_order=True),
        rows,
    )
    return [(row.id, row.job_id) for row in result]


def record_flip(
    conn: sa.Connection,
    check_id: int,
    project_id: int,
    old_status: str,
    new_status: str,
    *,
    reason: str,
    actor: str,
    now: datetime,
) -> list[tuple[int, str]]:
    """Insert a flip and its notification rows; returns their (id, job id) pairs.

    The caller owns the transaction and passes its connection: the flip, its
    notifications (the outbox) and the state change itself must commit
    together, or not at all, so that a crash can neither lose an alert nor
    send one for a change that never was.
    """
    flip_id = conn.execute(
        sa.insert(flips)
        .values(check_id=check_id, created=now, old_status=old_status,
                new_status=new_status, reason=reason[:200], actor=actor)
        .returning(flips.c.id)
    ).scalar_one()
    if not is_alert(old_status, new_status):
        return []
    return queue_notifications(conn, check_id, project_id, flip_id, new_status, now)


def record_reminder(conn: sa.Connection, check_id: int, project_id: int,
                    now: datetime) -> list[tuple[int, str]]:
    """Reminder rows for a check that is still down, tied to the flip that put it there."""
    flip_id = conn.scalar(
        sa.select(flips.c.id)
        .where(flips.c.check_id == check_id, flips.c.new_status == "down")
        .order_by(flips.c.id.desc()).limit(1)
    )
    return queue_notifications(conn, check_id, project_id, flip_id, "reminder", now)
