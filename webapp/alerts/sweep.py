"""The deadline sweep's work: flipping overdue checks down exactly once, sending
reminders, and replacing lost delivery jobs (the loop that runs it is `sweeper`).

Running several sweeps is harmless: a flip is a conditional UPDATE that only
one of them can win, and a lost delivery job is replaced under a conditional
UPDATE too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from rq.job import JobStatus

from ..core.flips import new_job_id, record_flip, record_late, record_reminder, release
from ..core.maintenance import window_until
from ..core.models import Channel, Check, Notification
from ..core.schedules import Schedule, schedule_of
from ..core.times import utcnow
from ..core.transitions import deadlines_for, down_reason
from ..db import db, rows_changed
from .delivery import dispatch
from .queue import DELIVERY_JOB, delivery_time_limit, enqueue_delivery, get_queue

log = logging.getLogger(__name__)
checks = Check.__table__
channels = Channel.__table__
notifications = Notification.__table__

BATCH = 500
# A job younger than this may simply not have reached Redis yet.
REQUEUE_AFTER = timedelta(seconds=10)
REQUEUE_EVERY = 1.0  # seconds between looks for due retries and lost jobs
DEAD_JOB_STATES = {JobStatus.FAILED, JobStatus.FINISHED, JobStatus.STOPPED, JobStatus.CANCELED}


def flip_down(due, now: datetime) -> list[tuple[int, str]] | None:
    """Flip one overdue check down; None if another sweeper or a ping got there first."""
    row = db.session.execute(
        sa.update(checks)
        # Repeating the status and the very deadline we read inside the UPDATE
        # is what makes this safe: a ping that moved the deadline, or a second
        # sweeper that already flipped the check, leaves no row to match. It
        # also means the state we explain in the reason is the state we flip.
        .where(
            checks.c.id == due.id,
            checks.c.status == due.status,
            checks.c.alert_after == due.alert_after,
        )
        .values(status="down", next_ping=None, alert_after=None,
                last_start=None, last_start_rid=None)
        .returning(checks.c.project_id, checks.c.nag_period)
    ).first()
    if row is None:
        db.session.rollback()
        return None
    if row.nag_period:
        db.session.execute(sa.update(checks).where(checks.c.id == due.id).values(
            next_nag=now + timedelta(seconds=row.nag_period)))
    schedule = Schedule(grace=due.grace, max_runtime=due.max_runtime)
    pending = record_flip(
        db.session.connection(), due.id, row.project_id, due.status, "down",
        reason=down_reason(schedule, due.last_start, now), actor="sweep", now=now,
    )
    db.session.commit()
    return pending


def postpone(due, window_end: datetime) -> None:
    """A deadline missed in a maintenance window: a fresh period + grace from
    its end (Uptime Kuma #6022), not a down the moment it is over. An open
    run is forgotten as well: it could not finish while the job was kept off."""
    next_ping, alert_after = deadlines_for(
        due.status, schedule_of(due), window_end if due.status == "up" else None, None)
    db.session.execute(
        sa.update(checks)
        # Conditional as a flip is: a ping that moved the deadline meanwhile wins.
        .where(checks.c.id == due.id, checks.c.status == due.status,
               checks.c.alert_after == due.alert_after)
        .values(next_ping=next_ping, alert_after=alert_after,
                last_start=None, last_start_rid=None))
    db.session.commit()


def sweep_once(now: datetime | None = None) -> int:
    """Flip every check whose deadline has passed; returns how many flipped."""
    now = now or utcnow()
    due = db.session.execute(
        sa.select(checks.c.id, checks.c.status, checks.c.alert_after, checks.c.last_start,
                  checks.c.kind, checks.c.timeout, checks.c.grace, checks.c.schedule,
                  checks.c.tz, checks.c.grace_to_end_of_day, checks.c.max_runtime)
        .where(checks.c.alert_after <= now)
        .order_by(checks.c.alert_after)
        .limit(BATCH)
    ).all()
    db.session.rollback()  # end the read; each flip is its own transaction
    flipped = 0
    for check in due:
        # The window that matters is the one the deadline fell in, even if
        # the sweep only sees it after the window is over.
        window = window_until(db.session.connection(), check.id, check.alert_after)
        if window is not None:
            postpone(check, window[1])
            continue
        pending = flip_down(check, now)
        if pending is not None:
            flipped += 1
            dispatch(pending)
    return flipped


def claimed_then(claim: sa.Update, record: Callable[..., list[tuple[int, str]]],
                 *args) -> bool:
    """Run `claim`, a conditional UPDATE only one sweeper's can match; if it
    did, `record(conn, *args)` the notifications in the same transaction,
    commit, and queue them. False when another sweeper (or a ping) got there first."""
    if not rows_changed(db.session.execute(claim)):
        db.session.rollback()
        return False
    pending = record(db.session.connection(), *args)
    db.session.commit()
    dispatch(pending)
    return True


def send_reminders(now: datetime | None = None) -> int:
    """Queue a reminder for each check that is still down when its nag is due."""
    now = now or utcnow()
    due = db.session.execute(
        sa.select(checks.c.id, checks.c.project_id, checks.c.next_nag, checks.c.nag_period)
        .where(checks.c.next_nag <= now, checks.c.status == "down")
        .order_by(checks.c.next_nag)
        .limit(BATCH)
    ).all()
    db.session.rollback()
    sent = 0
    for check in due:
        # Claimed like a flip: only the sweeper whose UPDATE matches the old
        # next_nag sends this reminder; a recovery or pause in between wins.
        sent += claimed_then(
            sa.update(checks)
            .where(checks.c.id == check.id, checks.c.status == "down",
                   checks.c.next_nag == check.next_nag)
            .values(next_nag=now + timedelta(seconds=check.nag_period)),
            record_reminder, check.id, check.project_id, now)
    return sent


def release_held(now: datetime | None = None) -> int:
    """Look again at each check whose held alert is due a look (`core.holds`):
    send what it still owes, or hold it longer; returns how many it looked at."""
    now = now or utcnow()
    due = db.session.execute(
        sa.select(checks.c.id, checks.c.release_at)
        .where(checks.c.release_at <= now).order_by(checks.c.release_at).limit(BATCH)
    ).all()
    db.session.rollback()
    looked = 0
    for check in due:
        # Claimed like a flip: of two sweepers, only the one whose UPDATE
        # matches the time it read sends what is owed, so it is sent once.
        looked += claimed_then(
            sa.update(checks).where(checks.c.id == check.id,
                                    checks.c.release_at == check.release_at)
            .values(release_at=None),
            release, check.id, now)
    return looked


def next_deadline() -> datetime | None:
    """The soonest time the sweep has work: a check's deadline or a held alert's look."""
    deadline = db.session.scalar(sa.select(sa.func.min(checks.c.alert_after)))
    look = db.session.scalar(sa.select(sa.func.min(checks.c.release_at)))
    db.session.rollback()
    return min((t for t in (deadline, look) if t is not None), default=None)


def job_is_lost(job_id: str, lease_until: datetime | None, now: datetime) -> bool:
    job = get_queue().fetch_job(job_id)
    if job is None:
        return True  # Redis flushed or restarted without persistence
    if job.func_name != DELIVERY_JOB:
        # Queued by an older release under a name the code no longer has: it
        # can only fail, and its retries would hold the alert back for hours.
        return True
    status = job.get_status(refresh=False)
    if status in DEAD_JOB_STATES:
        return True  # it ended (on an error, say) and left the row pending
    if status != JobStatus.STARTED:
        return False  # queued, or scheduled for a retry: it will run
    if lease_until is not None:
        # A lease that ran out belongs to a worker that died mid-send.
        return lease_until < now
    # Started but never claimed: the job loop died as it began the job (Redis
    # went away between the two, say), and nothing will ever finish it.
    started = job.started_at
    if started is None:
        return False
    if started.tzinfo is None:
        started = started.replace(tzinfo=UTC)  # RQ writes UTC
    return started + timedelta(seconds=delivery_time_limit()) < now


def requeue_due(now: datetime | None = None) -> int:
    """Start a job for each pending notification that needs one: its retry is
    due (it has no job), or its job is gone from Redis or dead."""
    now = now or utcnow()
    rows = db.session.execute(
        sa.select(notifications.c.id, notifications.c.job_id, notifications.c.lease_until,
                  notifications.c.grouped, notifications.c.channel_id)
        .where(
            notifications.c.status == "pending",
            sa.or_(notifications.c.lease_until.is_(None), notifications.c.lease_until < now),
            sa.or_(
                sa.and_(notifications.c.job_id.is_(None), notifications.c.next_attempt <= now),
                # A job younger than REQUEUE_AFTER may simply not be in Redis yet.
                sa.and_(notifications.c.job_id.is_not(None),
                        notifications.c.next_attempt < now - REQUEUE_AFTER),
            ),
        )
        .order_by(notifications.c.next_attempt)
        .limit(BATCH)
    ).all()
    db.session.rollback()
    started = 0
    groups: set[int] = set()
    for row in rows:
        if row.job_id is not None and not job_is_lost(row.job_id, row.lease_until, now):
            continue
        if row.grouped and row.job_id is None:
            # One job sends a channel's whole storm group: start one per group.
            if row.channel_id in groups:
                continue
            groups.add(row.channel_id)
        job_id = new_job_id()
        # Conditional on the job id read, so two sweepers start one job, not two.
        same_job = (notifications.c.job_id.is_(None) if row.job_id is None
                    else notifications.c.job_id == row.job_id)
        claimed = rows_changed(db.session.execute(
            sa.update(notifications)
            .where(notifications.c.id == row.id, same_job, notifications.c.status == "pending")
            .values(job_id=job_id, next_attempt=now)
        ))
        db.session.commit()
        if claimed:
            enqueue_delivery(row.id, job_id)
            started += 1
    return started


def send_late_notices(now: datetime | None = None) -> int:
    """A "late" notice for each up check whose ping is overdue (within its
    grace time), once per lateness, where a channel of its project asked for
    late notices (`core.routing`); returns how many were sent."""
    now = now or utcnow()
    wants_late = sa.select(channels.c.id).where(channels.c.project_id == checks.c.project_id,
                                                channels.c.events.like("%late%")).exists()
    due = db.session.execute(
        sa.select(checks.c.id, checks.c.project_id, checks.c.next_ping)
        .where(checks.c.status == "up", checks.c.next_ping <= now,
               sa.or_(checks.c.late_noticed.is_(None), checks.c.late_noticed != checks.c.next_ping),
               wants_late)
        .order_by(checks.c.next_ping).limit(BATCH)
    ).all()
    db.session.rollback()
    sent = 0
    for check in due:
        # Claimed like a flip: a ping that moved next_ping, or another sweeper, wins.
        sent += claimed_then(
            sa.update(checks).where(checks.c.id == check.id, checks.c.status == "up",
                                    checks.c.next_ping == check.next_ping)
            .values(late_noticed=check.next_ping),
            record_late, check.id, check.project_id, now)
    return sent
