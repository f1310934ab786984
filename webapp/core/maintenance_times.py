"""Pure time logic of maintenance windows: is a window on at a given time, and
until when; when does it next begin.

A window is one-off (`start` to `end`) or recurring: it begins at each firing
of a cron expression in its zone and lasts `duration` seconds (from `start`
on, if given). Ending one early sets `ended_at`: a one-off is over then, and
a recurring one's current occurrence is cut there (the later ones still come).
No I/O and no clock: every function takes the times it needs.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from cronsim import CronSim

MAX_DURATION = 7 * 86400  # a week: longer is not maintenance but a pause


class Timing(NamedTuple):
    start: datetime | None
    end: datetime | None = None
    schedule: str = ""  # a cron expression: recurring; "": one-off
    duration: int = 0
    tz: str = "UTC"
    ended_at: datetime | None = None


def occurrence_at(t: Timing, at: datetime) -> tuple[datetime, datetime] | None:
    """The (start, end) of the occurrence of the window that covers `at`, or None."""
    if not t.schedule:
        if t.start is None or t.end is None:
            return None
        span = (t.start, t.end)
    else:
        zone = ZoneInfo(t.tz)
        # Reverse iteration yields firings strictly before its start: a second
        # past `at` makes a firing at `at` itself count.
        try:
            began = next(CronSim(t.schedule, (at + timedelta(seconds=1)).astimezone(zone),
                                 reverse=True)).astimezone(UTC)
        except StopIteration:
            return None
        if t.start is not None and began < t.start:
            return None
        span = (began, began + timedelta(seconds=t.duration))
    start, end = span
    if t.ended_at is not None and (not t.schedule or start <= t.ended_at < end):
        # Ended early by hand: a one-off is over (or called off, if it had not
        # begun); a recurring one loses only the occurrence it was ended in.
        end = min(end, t.ended_at)
    return (start, end) if start <= at < end else None


def until(t: Timing, at: datetime) -> datetime | None:
    """When the window's occurrence covering `at` ends; None when none covers it."""
    span = occurrence_at(t, at)
    return span[1] if span else None


def next_start(t: Timing, now: datetime) -> datetime | None:
    """When the window next begins after `now`; None when it never will again."""
    if not t.schedule:
        called_off = t.ended_at is not None and t.start is not None and t.ended_at <= t.start
        return t.start if t.start is not None and t.start > now and not called_off else None
    zone = ZoneInfo(t.tz)
    after = max(now, t.start) if t.start is not None else now
    try:
        return next(CronSim(t.schedule, after.astimezone(zone))).astimezone(UTC)
    except StopIteration:
        return None


def is_over(t: Timing, now: datetime) -> bool:
    """A one-off window that has ended: it can hold nothing any more."""
    return not t.schedule and t.end is not None and (
        t.end <= now or (t.ended_at is not None and t.ended_at <= now))
