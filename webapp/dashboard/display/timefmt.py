"""Times as people read them: in their own timezone, and relative to now.

Times are stored in UTC. Pages show them in the viewer's timezone (the
original Heartbeats showed UTC, which confused its users) and as "3 minutes
ago", with the exact time on hover. static/app.js keeps the relative words
fresh between renders with the same rules as `relative()`; keep the two alike.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Flask

from ...core.times import utc_iso

UNITS = (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))


def to_zone(dt: datetime, tz: str | None) -> datetime:
    try:
        return dt.astimezone(ZoneInfo(tz or "UTC"))
    except (ValueError, KeyError):  # a zone that vanished from tzdata
        return dt.astimezone(UTC)


def exact(dt: datetime | None, tz: str | None = "UTC") -> str:
    """'2026-11-21 16:05:09 CET': the full time in the viewer's zone, zone named."""
    if dt is None:
        return "never"
    return to_zone(dt, tz).strftime("%Y-%m-%d %H:%M:%S %Z")


def short(dt: datetime | None, tz: str | None = "UTC", now: datetime | None = None) -> str:
    """'16:05:09' today, 'Nov 20, 16:05' this year, '2025-11-20 16:05' before."""
    if dt is None:
        return "never"
    local = to_zone(dt, tz)
    today = to_zone(now or datetime.now(UTC), tz)
    if local.date() == today.date():
        return local.strftime("%H:%M:%S")
    if local.year == today.year:
        return local.strftime("%b %d, %H:%M")
    return local.strftime("%Y-%m-%d %H:%M")


def relative(dt: datetime | None, now: datetime | None = None) -> str:
    """'just now', '5 minutes ago', 'in 2 hours': the largest whole unit."""
    if dt is None:
        return "never"
    seconds = (dt - (now or datetime.now(UTC))).total_seconds()
    size = abs(seconds)
    if size < 5:
        return "just now" if seconds <= 0 else "in a moment"
    for unit, length in UNITS:
        if size >= length:
            n = int(size // length)
            words = f"{n} {unit}" + ("" if n == 1 else "s")
            return f"{words} ago" if seconds < 0 else f"in {words}"
    return "just now"  # unreachable: size >= 5 always matches "second"


def duration(seconds: float | None) -> str:
    """A run's length: '12.3 s', '4 min 05 s', '2 h 03 min'."""
    if seconds is None:
        return ""
    if seconds < 60:
        return f"{seconds:.1f} s"
    whole = int(seconds)
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def iso(dt: datetime | None) -> str:
    """For <time datetime=...>: what app.js reads to refresh the relative words."""
    return utc_iso(dt) or ""


def init_app(app: Flask) -> None:
    app.add_template_filter(exact, "exacttime")
    app.add_template_filter(short, "shorttime")
    app.add_template_filter(relative, "reltime")
    app.add_template_filter(iso, "isotime")
    app.add_template_filter(duration)
