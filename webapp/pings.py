"""Recording a ping: the one place where input changes a check's state.

Every ping endpoint parses its own request into a `PingData` and calls
`apply_ping`. It stores the ping, moves the check to its new state and records
the flip and its notifications in one transaction; the endpoint answers only
after that commit, so a 200 means the ping is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from .extensions import db
from .flips import record_flip
from .models import Check, Ping, utcnow
from .schedules import Schedule, deadlines

checks = Check.__table__
pings = Ping.__table__

MSG_LIMIT = 1000


@dataclass(frozen=True)
class PingData:
    kind: str = "success"  # "success" or "fail"
    msg: str | None = None
    value: float | None = None
    method: str = "GET"
    scheme: str = "http"
    remote_addr: str = ""
    ua: str = ""


@dataclass(frozen=True)
class Applied:
    check_id: int
    n: int
    old_status: str
    new_status: str
    notifications: list[tuple[int, str]]


@dataclass(frozen=True)
class NewState:
    status: str
    next_ping: datetime | None
    alert_after: datetime | None


def next_state(old_status: str, kind: str, manual_resume: bool,
               schedule: Schedule, now: datetime) -> NewState:
    """Where a ping of `kind` takes a check that was `old_status` (pure)."""
    if old_status == "paused" and manual_resume:
        # The user asked for this check to stay paused until resumed by hand.
        return NewState("paused", None, None)
    if kind == "fail":
        # Down at once; only a success brings it back, so no deadline is kept.
        return NewState("down", None, None)
    next_ping, alert_after = deadlines(schedule, now)
    return NewState("up", next_ping, alert_after)


# The columns apply_ping needs back from its first statement.
_STATE_COLUMNS = (
    checks.c.id, checks.c.user_id, checks.c.n_pings, checks.c.status,
    checks.c.kind, checks.c.timeout, checks.c.grace, checks.c.schedule,
    checks.c.tz, checks.c.grace_to_end_of_day, checks.c.manual_resume,
)


def apply_ping(uuid: str, data: PingData, now: datetime | None = None) -> Applied | None:
    """Store a ping for the check `uuid` and apply it; None if there is no such check.

    Commits before returning. Raises SQLAlchemy errors when the database is
    unavailable, after rolling back.
    """
    now = now or utcnow()
    try:
        # Writing first takes the row lock (PostgreSQL) or the write lock
        # (SQLite) before anything is read, so concurrent pings of one check
        # queue up here: each gets its own n, and the state it reads is the
        # state it replaces. Reading first would let two pings both see "down"
        # and both record a recovery.
        row = db.session.execute(
            sa.update(checks)
            .where(checks.c.uuid == uuid)
            .values(n_pings=checks.c.n_pings + 1)
            .returning(*_STATE_COLUMNS)
        ).first()
        if row is None:
            db.session.rollback()
            return None
        schedule = Schedule(row.kind, row.timeout, row.grace, row.schedule, row.tz,
                            row.grace_to_end_of_day)
        state = next_state(row.status, data.kind, row.manual_resume, schedule, now)
        db.session.execute(
            sa.update(checks)
            .where(checks.c.id == row.id)
            .values(
                status=state.status,
                last_ping=now,
                next_ping=state.next_ping,
                alert_after=state.alert_after,
                last_msg=data.msg,
                last_value=data.value,
            )
        )
        db.session.execute(
            sa.insert(pings).values(
                check_id=row.id,
                n=row.n_pings,
                created=now,
                kind=data.kind,
                scheme=data.scheme,
                method=data.method,
                remote_addr=data.remote_addr[:64],
                ua=data.ua[:200],
                msg=data.msg,
                value=data.value,
            )
        )
        keep = current_app.config["PING_RETENTION"]
        if row.n_pings > keep:
            # n is dense per check, so this range is at most a row or two,
            # found through the (check_id, n) index.
            db.session.execute(
                sa.delete(pings).where(
                    pings.c.check_id == row.id, pings.c.n <= row.n_pings - keep
                )
            )
        notifications: list[tuple[int, str]] = []
        if state.status != row.status:
            reason = (data.msg or "failure reported") if data.kind == "fail" else "ping received"
            notifications = record_flip(
                row.id, row.user_id, row.status, state.status,
                reason=reason, actor="ping", now=now,
            )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return Applied(row.id, row.n_pings, row.status, state.status, notifications)
