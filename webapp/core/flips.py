"""Recording a change of state (or a reminder) and, in the same transaction,
the notifications it owes each channel: the outbox its delivery jobs work from."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa

from .channels import alert_targets
from .models import Channel, Check, Flip, Notification
from .routing import route
from .snooze import is_muted, muted_reason, was_muted

flips = Flip.__table__
notifications = Notification.__table__
checks = Check.__table__


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
                        event: str, now: datetime,
                        down_since: datetime | None = None) -> list[tuple[int, str]]:
    """One outbox row per channel the check alerts and the event is routed to
    (`core.routing`); returns the (id, job id) pairs to queue now.

    A down held back by a channel's delay gets its row now, due later, and no
    job: the sweep starts one when it is due, so a crash cannot lose it. A
    recovery cancels such a row while it waits, and then sends that channel
    no "up" either: nobody there heard of the down.
    """
    targets = alert_targets(conn, check_id, project_id)
    cancelled = cancel_held_downs(conn, check_id, now, RECOVERED_IN_DELAY) \
        if event == "up" else set()
    rows = []
    for t in targets:
        decision = route(t.events, t.delay, event, now, down_since)
        if not decision.send or t.channel_id in cancelled:
            continue
        rows.append({"flip_id": flip_id, "check_id": check_id, "channel_id": t.channel_id,
                     "event": event, "kind": t.kind, "target": t.target, "status": "pending",
                     "attempts": 0, "error": "", "created": now,
                     "job_id": None if decision.held else new_job_id(),
                     "next_attempt": decision.due or now})
    if not rows:
        return []
    result = conn.execute(
        sa.insert(notifications).returning(notifications.c.id, notifications.c.job_id,
                                           sort_by_parameter_order=True),
        rows,
    )
    return [(row.id, row.job_id) for row in result if row.job_id is not None]


def cancel_held_downs(conn: sa.Connection, check_id: int, now: datetime,
                      why: str) -> set[int | None]:
    """Cancel the check's downs still waiting for a channel's delay; the channels whose were.

    Only rows of channels with a delay: a channel told at once keeps its
    down (retried if it failed), as before. A row being sent right now (its
    lease holds) is left to finish: that channel hears of the down, so it
    hears of the recovery too.
    """
    delayed = sa.select(Channel.id).where(Channel.delay > 0).scalar_subquery()
    result = conn.execute(
        sa.update(notifications)
        .where(notifications.c.check_id == check_id, notifications.c.channel_id.in_(delayed),
               notifications.c.event == "down", notifications.c.status == "pending",
               sa.or_(notifications.c.lease_until.is_(None), notifications.c.lease_until < now))
        .values(status="cancelled", error=why, job_id=None, lease_until=None)
        .returning(notifications.c.channel_id)
    )
    return {row.channel_id for row in result}


RECOVERED_IN_DELAY = "not sent: the check recovered within the channel's delay"
LEFT_DOWN_IN_DELAY = "not sent: the check was no longer down when the channel's delay ended"


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
    muted = muted_now(conn, check_id, now)
    alert = is_alert(old_status, new_status)
    if new_status == "up":
        # "Until it is up again" ends here, and a recovery from a muted down
        # is not sent: nobody was told of the down (core.snooze).
        muted = muted or last_down_was_muted(conn, check_id)
        conn.execute(sa.update(checks).where(checks.c.id == check_id)
                     .values(mute_until_up=False, muted_until=None))
    reason = muted_reason(reason) if muted and alert else reason[:200]
    flip_id = conn.execute(
        sa.insert(flips)
        .values(check_id=check_id, created=now, old_status=old_status,
                new_status=new_status, reason=reason, actor=actor)
        .returning(flips.c.id)
    ).scalar_one()
    if muted and alert:
        if new_status == "up":
            cancel_held_downs(conn, check_id, now, RECOVERED_IN_DELAY)
        return []
    if not alert:
        if old_status == "down":
            # Paused while a channel's down waits: when its delay ends the
            # check is not "still down", so that channel is told nothing.
            cancel_held_downs(conn, check_id, now, LEFT_DOWN_IN_DELAY)
        return []
    return queue_notifications(conn, check_id, project_id, flip_id, new_status, now)


def record_reminder(conn: sa.Connection, check_id: int, project_id: int,
                    now: datetime) -> list[tuple[int, str]]:
    """Reminder rows for a check that is still down, tied to the flip that put it there."""
    down = conn.execute(
        sa.select(flips.c.id, flips.c.created)
        .where(flips.c.check_id == check_id, flips.c.new_status == "down")
        .order_by(flips.c.id.desc()).limit(1)
    ).first()
    flip_id, down_since = (down.id, down.created) if down else (None, None)
    if muted_now(conn, check_id, now):
        return []  # the sweep still moves next_nag on: the mute skips reminders, not delays them
    return queue_notifications(conn, check_id, project_id, flip_id, "reminder", now, down_since)


def muted_now(conn: sa.Connection, check_id: int, now: datetime) -> bool:
    """Whether the check is snoozed at `now`, read in the flip's own transaction."""
    row = conn.execute(sa.select(checks.c.muted_until, checks.c.mute_until_up)
                       .where(checks.c.id == check_id)).first()
    return row is not None and is_muted(row.muted_until, row.mute_until_up, now)


def last_down_was_muted(conn: sa.Connection, check_id: int) -> bool:
    """Whether the check's latest down was muted, so nobody heard of it."""
    reason = conn.execute(
        sa.select(flips.c.reason)
        .where(flips.c.check_id == check_id, flips.c.new_status == "down")
        .order_by(flips.c.id.desc()).limit(1)
    ).scalar()
    return was_muted(reason)
