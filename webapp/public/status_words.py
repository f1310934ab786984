"""A status page's facts (`core.status_report`) in words and shapes for the
page: percentages, durations, each day's bar and its hover text, incidents.

Times are in the page's own zone: a visitor has no account to choose one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime

from ..core.downtime import Day, Period, zone_of
from ..core.status_report import Incident

# The state words a visitor reads; "new" means the job has not reported yet.
STATE_WORDS = {"up": "up", "down": "down", "paused": "paused", "new": "no data yet"}
BAR_WIDTH, BAR_GAP, BAR_HEIGHT = 8, 2, 34


def percent(fraction: float, digits: int = 2) -> str:
    """'99.95%': rounded down, so any downtime at all shows below 100%."""
    if fraction >= 1:
        return "100%"
    scale = 10 ** digits
    # The nudge keeps 0.992 from reading 99.1% (its float is 0.99199…).
    text = f"{math.floor(max(0.0, fraction) * 100 * scale + 1e-6) / scale:.{digits}f}"
    return text.rstrip("0").rstrip(".") + "%"


def duration(seconds: float) -> str:
    """'45 s', '38 min', '2 h 5 min', '3 days 4 h'."""
    whole = int(seconds)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min"
    if whole < 86400:
        hours, minutes = divmod(whole // 60, 60)
        return f"{hours} h" + (f" {minutes} min" if minutes else "")
    days, hours = whole // 86400, whole % 86400 // 3600
    return f"{days} day{'s' if days > 1 else ''}" + (f" {hours} h" if hours else "")


def unbroken(words: str) -> str:
    """Words whose numbers stay with their units across a line break ("1 h 30 min")."""
    return re.sub(r"(\d) ", "\\1\u00a0", words)


def day_words(day: Day) -> str:
    """The hover text of a day's bar: "Nov 20: 99.2% up, 1 downtime, 12 min down"."""
    label = f"{day.date:%b} {day.date.day}"
    if day.uptime is None:
        return f"{label}: no data"
    if not day.downtimes:
        return f"{label}: {percent(day.uptime, 1)} up, no downtime"
    plural = "s" if day.downtimes > 1 else ""
    return (f"{label}: {percent(day.uptime, 1)} up, {day.downtimes} downtime{plural}, "
            f"{duration(day.down_seconds)} down")


def bar_class(day: Day) -> str:
    """The bar's colour, by the day's uptime."""
    if day.uptime is None:
        return "bar-none"
    if day.uptime >= 1:
        return "bar-full"
    if day.uptime >= 0.99:
        return "bar-high"
    if day.uptime >= 0.95:
        return "bar-low"
    return "bar-bad"


@dataclass(frozen=True)
class Bar:
    x: int
    css: str
    words: str


def bars(days: list[Day]) -> list[Bar]:
    return [Bar(n * (BAR_WIDTH + BAR_GAP), bar_class(d), day_words(d)) for n, d in enumerate(days)]


def bars_width(days: list[Day]) -> int:
    return len(days) * (BAR_WIDTH + BAR_GAP) - BAR_GAP


@dataclass(frozen=True)
class IncidentLine:
    day: str  # "Nov 20", the day it began, in the page's zone
    check: str
    words: str  # "down 14:32–15:10 (38 min)"
    ongoing: bool
    start: datetime


def incident_line(incident: Incident, tz: str, now: datetime) -> IncidentLine:
    zone = zone_of(tz)
    period: Period = incident.period
    start = period.start.astimezone(zone)
    seconds = (period.end_or(now) - period.start).total_seconds()
    if period.end is None:
        words = f"down since {start:%H:%M} (ongoing, {unbroken(duration(seconds))} so far)"
    else:
        end = period.end.astimezone(zone)
        until = f"{end:%H:%M}" if end.date() == start.date() else f"{end:%b} {end.day}, {end:%H:%M}"
        words = f"down {start:%H:%M}–{until} ({unbroken(duration(seconds))})"
    return IncidentLine(f"{start:%b} {start.day}", incident.check, words, period.end is None,
                        period.start)


def clock(dt: datetime, tz: str) -> str:
    """'2031-03-10 14:32:05 UTC' in the page's zone, for "updated at"."""
    return f"{dt.astimezone(zone_of(tz)):%Y-%m-%d %H:%M:%S} {tz}"
