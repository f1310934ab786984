"""Maintenance windows as the pages word them: when a window is, what it
covers, whether it is on; and the "in maintenance until 03:00" note of the
checks it covers now (the checks list and a check's page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import Flask

from ...core.changes import window_times
from ...core.maintenance import timing_of, window_until, windows, windows_covering
from ...core.maintenance_times import next_start, until
from ...core.models import Check, MaintenanceWindow
from ...core.schedules import seconds_in_words
from ...core.times import utcnow
from ...db import db
from .timefmt import exact, to_zone


def clock(dt: datetime, tz: str | None, now: datetime) -> str:
    """'03:00' today, 'Nov 20, 03:00' this year, '2027-01-01 03:00' later: a
    window's edges are set to the minute, so seconds would only be noise."""
    local, today = to_zone(dt, tz), to_zone(now, tz)
    if local.date() == today.date():
        return local.strftime("%H:%M")
    if local.year == today.year:
        return local.strftime("%b %d, %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class Note:
    words: str  # "in maintenance until 03:00"
    title: str  # on hover: which window, and the exact end


def held_note(name: str, end: datetime, tz: str | None, now: datetime) -> Note:
    return Note(f"in maintenance until {clock(end, tz, now)}",
                f"{name}, until {exact(end, tz)}")


def check_note(check: Check, tz: str | None) -> Note | None:
    """The note of one check (its page), from the window that ends last."""
    now = utcnow()
    found = window_until(db.session.connection(), check.id, now,
                         project_id=check.project_id, tags=check.tags)
    return held_note(*found, tz, now) if found else None


def list_notes(project_id: int, checks: list[Check], tz: str | None,
               now: datetime) -> dict[int, Note]:
    """The notes of a project's checks by id, from one read of its windows."""
    found = windows_covering(db.session.connection(), project_id,
                             {c.id: c.tags for c in checks}, now)
    return {check_id: held_note(name, end, tz, now) for check_id, (name, end) in found.items()}


def window_edges(project_id: int, now: datetime) -> list[datetime]:
    """When the project's windows next begin or end: the times the list's
    notes change with no write to any row."""
    rows = db.session.execute(sa.select(windows).where(windows.c.project_id == project_id))
    return [t for w in rows for t in window_times(timing_of(w), now)]


def when_words(w: MaintenanceWindow, tz: str | None, now: datetime) -> str:
    """'from Nov 20, 01:00 to 03:00' (in the viewer's zone), or
    'cron 0 2 * * * (Europe/Berlin) for 1 hour'."""
    if not w.schedule:
        assert w.start is not None and w.end is not None  # a one-off has both
        return f"from {clock(w.start, tz, now)} to {clock(w.end, tz, now)}"
    words = f"cron {w.schedule} ({w.tz}) for {seconds_in_words(w.duration)}"
    if w.start is not None and w.start > now:
        words += f", from {clock(w.start, tz, now)} on"
    return words


def state_words(w: MaintenanceWindow, tz: str | None, now: datetime) -> str:
    """'on until 03:00', 'next at Nov 21, 02:00' or 'over'."""
    timing = timing_of(w)
    end = until(timing, now)
    if end is not None:
        return f"on until {clock(end, tz, now)}"
    # A one-off ended by hand is over even before its start: next_start does
    # not read ended_at, since a recurring one's later occurrences still come.
    if not w.schedule and w.ended_at is not None:
        return "over"
    begins = next_start(timing, now)
    return f"next at {clock(begins, tz, now)}" if begins is not None else "over"


def is_on(w: MaintenanceWindow, now: datetime) -> bool:
    return until(timing_of(w), now) is not None


def init_app(app: Flask) -> None:
    app.add_template_global(check_note, "maintenance_note")
