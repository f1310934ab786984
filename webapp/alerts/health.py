"""Is this installation alerting? The answer /health gives, and the dashboard's banner.

Each part is judged by its heartbeat: the sweep must have run within 10 s,
the job loop within a job's time limit and a little more (a job in progress
holds its heartbeat back). And no notification may wait long past its next
attempt (which its row keeps, backoff included): an overdue delivery means the
job loop, or Redis, is not doing its work, even when every heartbeat looks fresh.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from ..core.heartbeats import last_beats
from ..core.models import Notification
from ..core.times import utcnow
from ..db import db
from .liveness import BANNER_AFTER, JOB_LOOP_BEAT_EVERY, SWEEP_STALE_AFTER
from .outages import dependency
from .queue import delivery_time_limit, get_queue

# What the row's time cannot account for: the sweep's and the job loop's own
# delays, and a job lost and started again.
SLACK = timedelta(seconds=30)


def jobs_stale_after() -> float:
    return delivery_time_limit() + JOB_LOOP_BEAT_EVERY + 10


def lag(at: datetime | None, now: datetime) -> float | None:
    return None if at is None else max(0.0, (now - at).total_seconds())


def due_by(next_attempt: datetime, limit: float) -> datetime:
    """When an attempt due at `next_attempt` must have ended: it may take the
    delivery time limit."""
    return next_attempt + timedelta(seconds=limit) + SLACK


def silent_parts(beats: dict[str, datetime | None], now: datetime,
                 sweep_limit: float = SWEEP_STALE_AFTER) -> dict[str, float | None]:
    """{part: seconds since it ran (None: never)} for the parts that are late."""
    limits = {"sweep": sweep_limit, "jobs": jobs_stale_after()}
    silent = {}
    for part, limit in limits.items():
        seconds = lag(beats.get(part), now)
        if seconds is None or seconds > limit:
            silent[part] = seconds
    return silent


def assess(now: datetime, beats: dict[str, datetime | None], oldest: datetime | None,
           earliest_attempt: datetime | None, database: bool, redis: bool,
           queue_depth: int | None) -> dict[str, Any]:
    """The /health document; `status` is "ok" only when nothing is stale.

    `oldest` is when the oldest pending notification was made, and
    `earliest_attempt` the soonest next attempt of any: if that one is not
    overdue, none is.
    """
    stale = list(silent_parts(beats, now))
    if earliest_attempt is not None and due_by(earliest_attempt, delivery_time_limit()) < now:
        stale.append("deliveries")
    if not database:
        stale.append("database")
    if not redis:
        stale.append("redis")
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
    oldest = earliest_attempt = None
    database = redis = True
    queue_depth = None
    try:
        beats = {name: row.at for name, row in last_beats().items()}
        # Two figures, whatever the number of pending rows (an outage makes many).
        oldest, earliest_attempt = db.session.execute(
            sa.select(sa.func.min(Notification.created),
                      # A row without a next attempt (an older release's) counts from its making.
                      sa.func.min(sa.func.coalesce(Notification.next_attempt,
                                                   Notification.created)))
            .where(Notification.status == "pending")).one()
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
    return assess(now, beats, oldest, earliest_attempt, database, redis, queue_depth)


def worker_silence() -> str | None:
    """The dashboard's banner: why alerts are not going out, or None when they are."""
    now = utcnow()
    beats = {name: row.at for name, row in last_beats().items()}
    silent = silent_parts(beats, now, sweep_limit=BANNER_AFTER)
    if not silent:
        return None
    if all(seconds is None for seconds in silent.values()):
        return "Alerts are not being sent: no worker has run yet (start it with python worker.py)."
    seconds = max(s for s in silent.values() if s is not None)
    return f"Alerts are not being sent: the worker has not run for {seconds:.0f} s."
