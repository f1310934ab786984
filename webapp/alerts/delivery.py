"""Delivering notifications: the one function that sends a notification row.

A flip commits its notification rows (the outbox) with the state change;
`dispatch` then hands each row to RQ, and `deliver` sends it and marks it
sent. Rows stay the source of truth: if Redis loses the job or the worker dies
mid-send, the sweep finds the row still pending and starts a new job.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..core.models import Channel, Notification
from ..core.times import utcnow
from ..db import db, rows_changed
from .content import alert_content, test_content
from .outages import summary
from .queue import RETRY_INTERVALS, delivery_time_limit, enqueue_delivery
from .transports import DeliveryError, transmit

log = logging.getLogger(__name__)
notifications = Notification.__table__

# The first try and one retry per backoff step; then the row is marked failed,
# with the last error, for people to see.
MAX_ATTEMPTS = len(RETRY_INTERVALS) + 1


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
    """Send one notification and record the outcome; raises so RQ retries.

    The RQ job: the worker runs it inside an app context of its own.
    """
    if not claim(notification_id, utcnow()):
        return "skipped: already sent, given up, or being sent"
    row = db.session.get_one(Notification, notification_id)  # claimed, so it is there
    try:
        send(row)
    except Exception as e:
        if isinstance(e, DeliveryError):
            reason = str(e)
        else:  # a fault of ours, not the channel's: the traceback is for the log
            log.exception("notification %s: unexpected error", notification_id)
            reason = "an internal error stopped this delivery (the worker's log has the details)"
        give_up = row.attempts >= MAX_ATTEMPTS
        db.session.execute(
            sa.update(notifications)
            .where(notifications.c.id == notification_id)
            .values(status="failed" if give_up else "pending", error=reason[:2000],
                    lease_until=None)
        )
        db.session.commit()
        if give_up:
            return f"failed after {row.attempts} attempts: {reason}"
        raise
    db.session.execute(
        sa.update(notifications)
        .where(notifications.c.id == notification_id)
        .values(status="sent", sent=utcnow(), error="", lease_until=None)
    )
    db.session.commit()
    return "sent"


def send(row: Notification) -> None:
    headers = row.channel.headers if row.channel is not None else {}
    transmit(row.kind, row.target, headers, alert_content(row))


def send_test(channel: Channel) -> str | None:
    """Send a test notification now; the reason it failed, or None when it went."""
    try:
        transmit(channel.kind, channel.value, channel.headers or {}, test_content())
    except DeliveryError as e:
        return str(e)
    return None
