"""A check's schedule in words for the dashboard, and the "daily at HH:MM" preset.

`core.schedules.describe` stays the terse form alerts use; pages say more: "every 5
minutes", "at 16:05 daily, Asia/Shanghai", or a cron expression explained
("At 09:00 on Monday through Friday").
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from cronsim import CronSim, CronSimError

from ...core.schedules import every_words, seconds_in_words

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


def schedule_words(check) -> str:
    """The schedule alone: 'every 5 minutes', 'at 16:05 daily, Asia/Shanghai', …"""
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
