"""Has anything a project's checks list shows changed? Without reading the list.

Two things change what the list shows. Writes: every insert, update and
delete of a check or a maintenance window bumps the project's change counter
in the same transaction (database triggers, migration 0017), so the counter
read here moves with every committed change, whichever code wrote it. And the
clock: "late", "started", a mute running out and a window beginning or
ending are times passing, with no write at all; `next_shown_change` finds the
earliest such time among the rows a page was drawn from, and the page's
token carries it.

A token is "<counter>.<next change, epoch seconds or 0>"; it still holds
while the counter is unchanged and that time has not come.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import sqlalchemy as sa

from .maintenance_times import Timing, next_start, until
from .models import Membership, Project, project_changes
from .schedules import Schedule
from .transitions import run_limit


def change_count(conn: sa.Connection, project_id: int) -> int:
    """The project's change counter: at most 8 rows, read by primary key."""
    return conn.scalar(sa.select(sa.func.coalesce(sa.func.sum(project_changes.c.n), 0))
                       .where(project_changes.c.project_id == project_id)) or 0


def member_change_count(conn: sa.Connection, code: str, user_id: int) -> int | None:
    """The counter of the project `code` names, read with the user's
    membership in one query; None when they are no member (or no such
    project). The refresh's answer to "nothing changed" is then a single
    round trip beside the session's own."""
    shards = sa.select(sa.func.coalesce(sa.func.sum(project_changes.c.n), 0)) \
        .where(project_changes.c.project_id == Project.id).scalar_subquery()
    row = conn.execute(sa.select(shards).select_from(Project).join(Membership)
                       .where(Project.code == code, Membership.user_id == user_id)).first()
    return None if row is None else int(row[0])


def check_times(status: str, schedule: Schedule, next_ping: datetime | None,
                last_start: datetime | None, muted_until: datetime | None) -> Iterable[datetime]:
    """When the clock alone changes what a check's row shows: it goes late at
    next_ping, a run stops counting as started, a mute ends."""
    if status in ("up", "new") and next_ping is not None:
        yield next_ping
    if last_start is not None and status != "paused":
        yield last_start + timedelta(seconds=run_limit(schedule))
    if muted_until is not None:
        yield muted_until


def window_times(timing: Timing, now: datetime) -> Iterable[datetime]:
    """When a maintenance window next begins or ends."""
    for when in (until(timing, now), next_start(timing, now)):
        if when is not None:
            yield when


def next_shown_change(times: Iterable[datetime], now: datetime) -> datetime | None:
    """The earliest of these times still to come."""
    return min((t for t in times if t > now), default=None)


def token(count: int, next_change: datetime | None) -> str:
    return f"{count}.{int(next_change.timestamp()) + 1 if next_change else 0}"


def still_holds(sent: str | None, count: int, now: datetime) -> bool:
    """Whether a page drawn with token `sent` shows what it would show now."""
    try:
        n, _, at = (sent or "").partition(".")
        drawn, due = int(n), int(at)
    except ValueError:
        return False
    return drawn == count and (due == 0 or now.timestamp() < due)
