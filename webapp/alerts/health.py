"""Is this installation alerting? The answer /health gives, and the dashboard's banner.

Each part is judged by its heartbeat: the sweep must have run within 10 s,
the job loop within a job's time limit and a little more (a job in progress
holds its heartbeat back). And no notification may wait long past its next
attempt (which its row keeps, backoff included): an overdue delivery means the
job loop, or Redis, is not doing its work, even when every heartbeat looks fresh.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

import sqlalchemy as sa

from ..core.heartbeats import last_beats
from ..core.models import Notification
from ..core.times import utcnow
from ..db import db
from .liveness import JOB_LOOP_BEAT_EVERY, SWEEP_STALE_AFTER
from .outages import dependency
from .queue import delivery_time_limit, get_queue

# What the row's time cannot account for: the sweep's and the job loop's own
# delays, and a job lost and started again.
SLACK = timedelta(seconds=30)


class Pending(NamedTuple):
    created: datetime
    next_attempt: datetime | None


def jobs_stale_after() -> float:
    return delivery_time_limit() + JOB_LOOP_BEAT_EVERY + 10


def lag(at: datetime | None, now: datetime) -> float | None:
    return None if at is None else max(0.0, (now - at).total_seconds())


def due_by(row: Pending, limit: float) -> datetime:
    """When the next attempt at a pending notification must have ended: its
    row says when it is due, and it may take the delivery time limit."""
    return (row.next_attempt or row.created) + timedelta(seconds=limit) + SLACK


def silent_parts(beats: dict[str, datetime | None], now: datetime,
                 jobs_limit: float) -> dict[str, float | None]:
    """{part: seconds since it ran (None: never)} for the parts that are late."""
    limits = {"sweep": SWEEP_STALE_AFTER, "jobs": jobs_limit}
    silent = {}
    for part, limit in limits.items():
        seconds = lag(beats.get(part), now)
        if seconds is None or seconds > limit:
            silent[part] = seconds
    return silent


def assess(now: datetime, beats: dict[str, datetime | None], pending: list[Pending],
           database: bool, redis: bool, queue_depth: int | None) -> dict[str, Any]:
    """The /health document; `status` is "ok" only when nothing is stale."""
    limit = delivery_time_limit()
    stale = list(silent_parts(beats, now, jobs_stale_after()))
    if any(due_by(row, limit) < now for row in pending):
        stale.append("deliveries")
    if not database:
        stale.append("database")
    if not redis:
        stale.append("redis")
    oldest = min((row.created for row in pending), default=None)
    return {
        "status": "stale" if stale else "ok",
        "stale": stale,
        "sweep_lag_s": rounded(lag(beats.get("sweep"), now)),
        "jobs_lag_s": rounded(lag(beats.get("jobs"), now)),
        "queue_depth": queue_depth,
        "oldest_pending_notification_s": rounded(lag(oldest, now)),
        "database": "ok" if database else "unavailable",
        "redis": "ok" if redis else "unavailable",
    }


def rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 1)


def check_health() -> dict[str, Any]:
    """Read the heartbeats, the pending notifications and the queue, and assess them."""
    now = utcnow()
    beats: dict[str, datetime | None] = {}
    pending: list[Pending] = []
    database = redis = True
    queue_depth = None
    try:
        beats = {name: row.at for name, row in last_beats().items()}
        pending = [Pending(*row) for row in db.session.execute(
            sa.select(Notification.created, Notification.next_attempt)
            .where(Notification.status == "pending"))]
    except Exception as e:
        if dependency(e) is None:
            raise
        db.session.rollback()
        database = False
    try:
        queue_depth = get_queue().count
    except Exception as e:
        if dependency(e) is None:
            raise
        redis = False
    return assess(now, beats, pending, database, redis, queue_depth)


def worker_silence() -> str | None:
    """The dashboard's banner: why alerts are not going out, or None when they are."""
    now = utcnow()
    beats = {name: row.at for name, row in last_beats().items()}
    silent = silent_parts(beats, now, jobs_stale_after())
    if not silent:
        return None
    if all(seconds is None for seconds in silent.values()):
        return "Alerts are not being sent: no worker has run yet (start it with python worker.py)."
    seconds = max(s for s in silent.values() if s is not None)
    return f"Alerts are not being sent: the worker has not run for {seconds:.0f} s."
