"""A check's history in words for its page: uptime over the last day, week
and month, a downtime summary per calendar month (as Healthchecks' "Downtime
summary"), and, for a down check, since when, for how long and why.

The arithmetic is `core.downtime`'s; this module reads the flips once
(`core.history`) and words the results in the viewer's timezone.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from ...core.downtime import monthly_summary, uptime, window_start
from ...core.history import down_cause, flip_history
from ...core.models import Check
from ...db import db
from .timefmt import to_zone

# (label, days): the windows whose uptime the page shows.
UPTIME_WINDOWS = (("24 hours", 1), ("7 days", 7), ("30 days", 30))
MONTHS = 3


@dataclass(frozen=True)
class UptimeFigure:
    label: str
    fraction: float

    @property
    def words(self) -> str:
        return percent(self.fraction)


@dataclass(frozen=True)
class MonthRow:
    name: str  # "March 2026"
    downtimes: int
    down_words: str  # "2 h 5 min"; "" without downtime
    uptime: str | None  # "99.86%"; None for a month before the check existed


@dataclass(frozen=True)
class DownNote:
    since: datetime
    since_words: str  # "14:32", in the viewer's zone
    for_words: str  # "2 h 5 min"
    reason: str
    actor: str  # "ping", "sweep", "user:…"
    message: str | None  # of the ping that put it down; None if the sweep did


@dataclass(frozen=True)
class CheckHistory:
    uptimes: list[UptimeFigure]
    months: list[MonthRow]
    down: DownNote | None


def percent(fraction: float) -> str:
    """'99.95%': rounded down, so any downtime at all shows below 100%."""
    if fraction >= 1:
        return "100%"
    text = f"{math.floor(max(0.0, fraction) * 10000) / 100:.2f}"
    return text.removesuffix(".00") + "%"


def down_words(seconds: float) -> str:
    """A time spent down, to the useful unit: '45 s', '12 min', '2 h 5 min', '3 days 4 h'.
    A number and its unit are never split across lines (no-break spaces)."""
    whole = int(seconds)
    if whole < 60:
        words = f"{whole} s"
    elif whole < 3600:
        words = f"{whole // 60} min"
    elif whole < 86400:
        hours, minutes = divmod(whole // 60, 60)
        words = f"{hours} h" + (f" {minutes} min" if minutes else "")
    else:
        days, hours = whole // 86400, whole % 86400 // 3600
        words = f"{days} day{'s' if days > 1 else ''}" + (f" {hours} h" if hours else "")
    return re.sub(r"(\d) ", "\\1\u00a0", words)


def clock_words(dt: datetime, tz: str | None, now: datetime) -> str:
    """'14:32' today, 'Nov 20, 14:32' this year, '2025-11-20 14:32' before."""
    local, today = to_zone(dt, tz), to_zone(now, tz)
    if local.date() == today.date():
        return local.strftime("%H:%M")
    if local.year == today.year:
        return local.strftime("%b %d, %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def down_note(check: Check, tz: str | None, now: datetime) -> DownNote | None:
    """Since when, for how long and why a down check is down; None otherwise."""
    if check.status != "down":
        return None
    cause = down_cause(db.session.connection(), check.id)
    if cause is None:  # down with no flip: imported so
        return None
    return DownNote(cause.since, clock_words(cause.since, tz, now),
                    down_words((now - cause.since).total_seconds()), cause.reason, cause.actor,
                    cause.message)


def check_history(check: Check, tz: str | None, now: datetime) -> CheckHistory:
    """Uptime and the monthly summary from one read of the check's flips."""
    zone = tz or "UTC"
    start = window_start(now, zone, MONTHS, max(days for _, days in UPTIME_WINDOWS))
    history = flip_history(db.session.connection(), check.id, start, now, check.status)
    periods = history.down_periods()
    figures = [UptimeFigure(label, uptime(periods, now - timedelta(days=days), now,
                                          since=check.created))
               for label, days in UPTIME_WINDOWS]
    months = [MonthRow(m.start.strftime("%B %Y"), m.downtimes,
                       down_words(m.down_seconds) if m.downtimes else "",
                       None if m.uptime is None else percent(m.uptime))
              for m in monthly_summary(periods, MONTHS, now, zone, since=check.created)]
    return CheckHistory(figures, months, down_note(check, tz, now))
