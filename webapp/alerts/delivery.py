"""Delivering notifications: the one function that sends a notification row.

A flip commits its notification rows (the outbox) with the state change;
`dispatch` then hands each row to RQ, and `deliver` sends it and marks it
sent, or keeps the reason and when to try again. Rows stay the source of
truth: the sweep starts a job for each retry that is due, and a new one for a
row whose job Redis lost or whose worker died mid-send.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..core.models import Channel, Notification
from ..core.snooze import is_muted
from ..core.times import utcnow
from ..db import db, rows_changed
from .content import alert_content, group_content, test_content
from .outages import summary
from .queue import RETRY_INTERVALS, delivery_time_limit, enqueue_delivery
from .transports import DeliveryError, transmit

log = logging.getLogger(__name__)
notifications = Notification.__table__

# The first try and one retry per backoff step; then the row is marked failed,
# with the last error, for people to see.
MAX_ATTEMPTS = len(RETRY_INTERVALS) + 1


MUTED_BEFORE_SENT = "not sent: the check was muted before this was sent"


def dispatch(pending: list[tuple[int, str]]) -> None:
    """Queue delivery jobs for rows that were just committed.

    Called after the commit, never inside it: a job must not run before its
    row is visible. If Redis is down the rows simply wait for the sweep.
    """
    for notification_id, job_id in pending:
        try:
            enqueue_delivery(notification_id, job_id)
        except Exception as e:
            log.warning("could not queue notification %s (%s); the sweep will queue it again",
                        notification_id, summary(e))


def claim(notification_id: int, now: datetime) -> bool:
    """Take the row for sending; False if it is sent, failed or held by another job."""
    result = db.session.execute(
        sa.update(notifications)
        .where(
            notifications.c.id == notification_id,
            notifications.c.status == "pending",
            sa.or_(notifications.c.lease_until.is_(None), notifications.c.lease_until < now),
        )
        .values(
            lease_until=now + timedelta(seconds=delivery_time_limit()),
            attempts=notifications.c.attempts + 1,
        )
    )
    db.session.commit()
    return rows_changed(result) == 1


def deliver(notification_id: int) -> str:
    """Send one notification and record the outcome: sent, failed for good, or
    a retry due after its backoff (which the sweep starts). Returns what happened.

    The RQ job: the worker runs it inside an app context of its own. A failed
    send does not raise: the row holds the reason and the time of the next
    attempt, so retries survive Redis being flushed and the log says each in a line.
    """
    now = utcnow()
    if not claim(notification_id, now):
        return "skipped: already sent, given up, or being sent"
    row = db.session.get_one(Notification, notification_id)  # claimed, so it is there
    if row.event != "up" and is_muted(row.check.muted_until, row.check.mute_until_up, now):
        # Muted after the row was made (while a channel's delay held it, or
        # between retries): a mute means nothing more is sent of this down.
        db.session.execute(sa.update(notifications).where(notifications.c.id == row.id)
                           .values(status="cancelled", error=MUTED_BEFORE_SENT,
                                   job_id=None, lease_until=None))
        db.session.commit()
        return "cancelled: " + MUTED_BEFORE_SENT
    if row.grouped:
        return deliver_group(row, now)
    try:
        send(row)
    except Exception as e:
        return record_failure(row, failure_reason(e, f"notification {notification_id}"))
    db.session.execute(
        sa.update(notifications)
        .where(notifications.c.id == notification_id)
        .values(status="sent", sent=utcnow(), error="", lease_until=None)
    )
    db.session.commit()
    return "sent"


def claim_group(row: Notification, now: datetime) -> list[Notification]:
    """`row` (claimed) and the other rows of its channel's storm group that are
    due, claimed with it: they go as one message (`core.storms`)."""
    result = db.session.execute(
        sa.update(notifications)
        .where(notifications.c.channel_id == row.channel_id, notifications.c.grouped,
               notifications.c.status == "pending", notifications.c.next_attempt <= now,
               notifications.c.id != row.id,
               sa.or_(notifications.c.lease_until.is_(None), notifications.c.lease_until < now))
        .values(lease_until=now + timedelta(seconds=delivery_time_limit()),
                attempts=notifications.c.attempts + 1)
        .returning(notifications.c.id)
    )
    ids = [row.id, *(r.id for r in result)]
    db.session.commit()
    return list(db.session.scalars(sa.select(Notification).where(Notification.id.in_(ids))
                                   .order_by(Notification.id)))


def deliver_group(row: Notification, now: datetime) -> str:
    """Send a storm's group for one channel as one message; each row records
    the outcome, so a failed group is retried whole after its backoff."""
    rows = claim_group(row, now)
    headers = row.channel.headers if row.channel is not None else {}
    try:
        transmit(row.kind, row.target, headers, group_content(rows))
    except Exception as e:
        reason = failure_reason(e, f"group of notification {row.id}")
        return "; ".join(record_failure(r, reason) for r in rows)
    db.session.execute(
        sa.update(notifications).where(notifications.c.id.in_([r.id for r in rows]))
        .values(status="sent", sent=utcnow(), error="", lease_until=None))
    db.session.commit()
    return f"sent a group of {len(rows)}"


def failure_reason(e: Exception, what: str) -> str:
    """The sentence a failed send is recorded or answered with. A DeliveryError
    is the channel's fault and says why; anything else is ours, and its
    traceback goes to the log, not to the person."""
    if isinstance(e, DeliveryError):
        return str(e)
    log.exception("%s: unexpected error", what)
    return "an internal error stopped this delivery (the log has the details)"


def record_failure(row: Notification, reason: str) -> str:
    """After a failed attempt: the next one's time, or, after the last, failed."""
    give_up = row.attempts >= MAX_ATTEMPTS
    values: dict[str, object] = {"error": reason[:2000], "lease_until": None}
    if give_up:
        values["status"] = "failed"
    else:
        # No job until the backoff is over; the sweep then starts one.
        backoff = RETRY_INTERVALS[row.attempts - 1]
        values.update(job_id=None, next_attempt=utcnow() + timedelta(seconds=backoff))
    db.session.execute(sa.update(notifications).where(notifications.c.id == row.id).values(values))
    db.session.commit()
    if give_up:
        log.warning("notification %s: failed after %s attempts: %s", row.id, row.attempts, reason)
        return f"failed after {row.attempts} attempts: {reason}"
    log.warning("notification %s: attempt %s failed (%s); next in %s s",
                row.id, row.attempts, reason, backoff)
    return f"attempt {row.attempts} failed, next in {backoff} s: {reason}"


def send(row: Notification) -> None:
    headers = row.channel.headers if row.channel is not None else {}
    transmit(row.kind, row.target, headers, alert_content(row))


def send_test(channel: Channel) -> str | None:
    """Send a test notification now; the reason it failed, or None when it went."""
    try:
        transmit(channel.kind, channel.value, channel.headers or {}, test_content())
    except Exception as e:  # an answer for the person in every case, never a 500
        return failure_reason(e, f"test notification to channel {channel.id}")
    return None
