"""A check's schedule in words for the dashboard, and the "daily at HH:MM" preset.

`core.schedules.describe` stays the terse form alerts use; pages say more: "every 5
minutes", "at 16:05 daily, Asia/Shanghai", a cron expression explained
("At 09:00 on Monday through Friday"), or an OnCalendar expression with its
next firings (there is no library to put OnCalendar into English).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import NamedTuple

from cronsim import CronSim, CronSimError

from ...core.schedules import (
    Schedule,
    cron_error,
    every_words,
    next_expected,
    oncalendar_error,
    seconds_in_words,
    tz_error,
)
from ...core.times import utcnow

# "M H * * *" with plain numbers: the original Heartbeats' "daily at HH:MM".
DAILY_RE = re.compile(r"^(\d{1,2}) (\d{1,2}) \* \* \*$")


def daily_time(cron: str) -> tuple[int, int] | None:
    """(hour, minute) when `cron` fires once a day at a fixed time, else None."""
    m = DAILY_RE.match(" ".join(cron.split()))
    if not m:
        return None
    minute, hour = int(m.group(1)), int(m.group(2))
    if minute > 59 or hour > 23:
        return None
    return hour, minute


def daily_cron(hour: int, minute: int) -> str:
    return f"{minute} {hour} * * *"


def explain_cron(cron: str) -> str | None:
    """cronsim's English for an expression ("At 16:05 every day"), None if it has none."""
    try:
        return CronSim(cron, datetime(2000, 1, 1, tzinfo=UTC)).explain()
    except (CronSimError, ValueError, IndexError, KeyError, StopIteration):
        return None


def one_expression_a_line(text: str) -> str:
    """OnCalendar text as it is kept: each line's spaces made single, blank lines dropped."""
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def firings(kind: str, expr: str, tz: str, after: datetime, n: int = 3) -> list[datetime]:
    """The next `n` firings of a valid cron or OnCalendar expression after `after`
    (UTC), fewer when it stops firing; by the rule the deadlines use."""
    schedule = Schedule(kind=kind, cron=expr, tz=tz)
    out: list[datetime] = []
    while len(out) < n:
        firing = next_expected(schedule, out[-1] if out else after)
        if firing is None:
            break
        out.append(firing)
    return out


def next_firing(check, now: datetime | None = None) -> datetime | None:
    """When a cron or OnCalendar check's schedule fires next after `now` (the
    clock's); None for an interval check (its next ping follows the last one)
    or a schedule that fires no more."""
    if check.kind not in ("cron", "oncalendar"):
        return None
    return next_expected(check.schedule_spec, now or utcnow())


class Preview(NamedTuple):
    """The check form's live explanation of what is typed in a schedule field."""

    error: str | None
    words: str | None = None
    firings: tuple[datetime, ...] = ()


def schedule_preview(kind: str, expr: str, tz: str, now: datetime) -> Preview:
    """Explain a cron ("At 16:05 every day") or an OnCalendar expression, with
    its next firings in `tz`; or say what is wrong with it."""
    if not expr:
        return Preview(f"Type {'a cron' if kind == 'cron' else 'an OnCalendar'} expression.")
    if err := (cron_error(expr) if kind == "cron" else oncalendar_error(expr)) or tz_error(tz):
        return Preview(err)
    found = tuple(firings(kind, expr, tz, now))
    if not found:
        return Preview(None, "It fires no more: a check on this schedule is never due")
    return Preview(None, explain_cron(expr) if kind == "cron" else "Fires at its times", found)


def schedule_words(check) -> str:
    """The schedule alone: 'every 5 minutes', 'at 16:05 daily, Asia/Shanghai', …"""
    if check.kind == "oncalendar":
        return f"systemd OnCalendar, {check.tz}"
    if check.kind != "cron":
        return every_words(check.timeout)
    if at := daily_time(check.schedule):
        return f"at {at[0]:02d}:{at[1]:02d} daily, {check.tz}"
    words = explain_cron(check.schedule)
    if words is None:
        return f"cron {check.schedule}, {check.tz}"
    return f"{words[0].lower()}{words[1:]}, {check.tz}"


def grace_words(check) -> str:
    """When a missed ping turns into an alert."""
    if check.grace_to_end_of_day:
        return "alert if no ping by the end of that day"
    at = daily_time(check.schedule) if check.kind == "cron" else None
    if at and check.grace % 60 == 0:
        # "Daily at 16:05, alert by 18:30" reads better than "grace 145 minutes".
        deadline = at[0] * 60 + at[1] + check.grace // 60
        if deadline < 24 * 60:
            return f"alert if no ping by {deadline // 60:02d}:{deadline % 60:02d}"
    return f"grace {seconds_in_words(check.grace)}"
