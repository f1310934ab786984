"""Delivering notifications: the one function that sends a notification row.

A flip commits its notification rows (the outbox) with the state change;
`dispatch` then hands each row to RQ, and `deliver` sends it and marks it
sent. Rows stay the source of truth: if Redis loses the job or the worker dies
mid-send, the sweep finds the row still pending and starts a new job.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_mail import Connection, Message

from .extensions import db
from .models import Notification, Ping, utcnow
from .queue import delivery_time_limit, enqueue_delivery
from .schedules import describe
from .urls import check_page_url

log = logging.getLogger(__name__)
notifications = Notification.__table__

# Attempts across job chains before a row is given up as failed (each chain
# retries with the backoff in queue.RETRY_INTERVALS).
MAX_ATTEMPTS = 14


def dispatch(pending: list[tuple[int, str]]) -> None:
    """Queue delivery jobs for rows that were just committed.

    Called after the commit, never inside it: a job must not run before its
    row is visible. If Redis is down the rows simply wait for the sweep.
    """
    for notification_id, job_id in pending:
        try:
            enqueue_delivery(notification_id, job_id)
        except Exception:
            log.warning("could not queue notification %s; the sweep will retry",
                        notification_id, exc_info=True)


def deliver_job(notification_id: int) -> str:
    """RQ entry point: runs in the worker, in an app context of its own."""
    from . import job_app

    with job_app().app_context():
        try:
            return deliver(notification_id)
        finally:
            db.session.remove()


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
    return result.rowcount == 1


def deliver(notification_id: int) -> str:
    """Send one notification and record the outcome; raises so RQ retries."""
    if not claim(notification_id, utcnow()):
        return "skipped: already sent or being sent"
    row = db.session.get(Notification, notification_id)
    try:
        send_email(row)
    except Exception as e:
        give_up = row.attempts >= MAX_ATTEMPTS
        db.session.execute(
            sa.update(notifications)
            .where(notifications.c.id == notification_id)
            .values(
                status="failed" if give_up else "pending",
                error=f"{type(e).__name__}: {e}"[:2000],
                lease_until=None,
            )
        )
        db.session.commit()
        if give_up:
            return f"failed after {row.attempts} attempts: {e}"
        raise
    db.session.execute(
        sa.update(notifications)
        .where(notifications.c.id == notification_id)
        .values(status="sent", sent=utcnow(), error="", lease_until=None)
    )
    db.session.commit()
    return "sent"


class TimeoutConnection(Connection):
    """Flask-Mail's connection, with a socket timeout: a hung SMTP server must
    fail the attempt (and be retried) rather than hold the worker forever."""

    def configure_host(self):
        m, timeout = self.mail, current_app.config["MAIL_TIMEOUT"]
        smtp_class = smtplib.SMTP_SSL if m.use_ssl else smtplib.SMTP
        host = smtp_class(m.server, m.port, timeout=timeout)
        if m.use_tls:
            host.starttls()
        if m.username and m.password:
            host.login(m.username, m.password)
        return host


BODY_EXCERPT = 1000  # characters of a ping body an alert quotes


def body_excerpt(check_id: int, at: datetime) -> str | None:
    """The body of the last ping before the flip, decoded and trimmed."""
    body = db.session.scalar(
        sa.select(Ping.body).where(Ping.check_id == check_id, Ping.created <= at)
        .order_by(Ping.n.desc()).limit(1)
    )
    if not body:
        return None
    text = body.decode("utf-8", errors="replace")
    return text if len(text) <= BODY_EXCERPT else text[:BODY_EXCERPT] + "…"


def alert_context(row: Notification) -> dict:
    check, flip = row.check, row.flip
    return {
        "body": body_excerpt(check.id, flip.created),
        "check": check,
        "flip": flip,
        "word": "DOWN" if flip.new_status == "down" else "UP",
        "schedule": describe(check.schedule_spec),
        "url": check_page_url(check.uuid),
        "tz": check.user.timezone,
    }


def send_email(row: Notification) -> None:
    ctx = alert_context(row)
    msg = Message(
        subject=f"{ctx['word']}: {row.check.name or row.check.uuid}",
        recipients=[row.target],
        body=render_template("email/alert.txt", **ctx),
        html=render_template("email/alert.html", **ctx),
    )
    with TimeoutConnection(current_app.extensions["mail"]) as conn:
        conn.send(msg)
