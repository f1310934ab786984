"""Pure time logic: when the next ping is expected and when a check goes down.

Nothing here touches the database, the clock or the network: every function
takes the times it needs, so the rules can be tested exhaustively, DST
changes included.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import NamedTuple, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from cronsim import CronSim, CronSimError

ONE_YEAR = 365 * 24 * 3600
# A check may say it runs every second (fast services, tests) or once a year.
MIN_SECONDS, MAX_SECONDS = 1, ONE_YEAR


class Schedule(NamedTuple):
    kind: str = "simple"  # "simple": every `timeout` seconds; "cron": `cron` in `tz`
    timeout: int = 86400
    grace: int = 3600
    cron: str = "* * * * *"
    tz: str = "UTC"
    # The original Heartbeats' "daily at 16:05": no alert until that day is over.
    grace_to_end_of_day: bool = False
    # How long a started run may last; None means the grace time (as Healthchecks).
    max_runtime: int | None = None


class ScheduleColumns(Protocol):
    """A check's schedule columns, as a Check or a bare row of them has them."""

    @property
    def kind(self) -> str: ...
    @property
    def timeout(self) -> int: ...
    @property
    def grace(self) -> int: ...
    @property
    def schedule(self) -> str: ...
    @property
    def tz(self) -> str: ...
    @property
    def grace_to_end_of_day(self) -> bool: ...
    @property
    def max_runtime(self) -> int | None: ...


def schedule_of(row: ScheduleColumns) -> Schedule:
    """The Schedule of a check, or of a row of its columns."""
    return Schedule(row.kind, row.timeout, row.grace, row.schedule, row.tz,
                    row.grace_to_end_of_day, row.max_runtime)


def next_expected(schedule: Schedule, last_ping: datetime) -> datetime:
    """The time the ping after `last_ping` is due (UTC)."""
    if schedule.kind == "cron":
        zone = ZoneInfo(schedule.tz)
        # cronsim walks local wall-clock time, so it knows that 02:30 does not
        # exist on a spring-forward night and that 01:30 happens twice in autumn.
        local = next(CronSim(schedule.cron, last_ping.astimezone(zone)))
        return local.astimezone(UTC)
    return last_ping + timedelta(seconds=schedule.timeout)


def alert_after(schedule: Schedule, expected: datetime) -> datetime:
    """When a check whose ping was due at `expected` goes down (UTC)."""
    if schedule.grace_to_end_of_day:
        zone = ZoneInfo(schedule.tz)
        day = expected.astimezone(zone).date()
        # Midnight local of the next day, converted back to UTC.
        return datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
    # Grace is added in UTC: adding a timedelta to a zone-aware local time does
    # wall-clock arithmetic, which is an hour off across a DST change.
    return expected.astimezone(UTC) + timedelta(seconds=schedule.grace)


def deadlines(schedule: Schedule, last_ping: datetime) -> tuple[datetime, datetime]:
    """(next_ping, alert_after) for a check that was just pinged at `last_ping`."""
    expected = next_expected(schedule, last_ping)
    return expected, alert_after(schedule, expected)


def is_late(status: str, next_ping: datetime | None, now: datetime) -> bool:
    """Past the expected time but inside grace: shown, never alerted."""
    return status == "up" and next_ping is not None and now >= next_ping


def cron_error(expr: str) -> str | None:
    """Why `expr` is not a usable cron expression, or None when it is."""
    try:
        next(CronSim(expr, datetime(2000, 1, 1, tzinfo=UTC)))
    except (CronSimError, StopIteration) as e:
        return f"invalid cron expression {expr!r}: {e or 'it never fires'}"
    return None


def tz_error(name: str) -> str | None:
    """Why `name` is not an IANA timezone, or None when it is."""
    if name in available_timezones():
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return f"unknown timezone {name!r}: use an IANA name such as Europe/Berlin"
    return None


def seconds_in_words(seconds: int) -> str:
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds % size == 0:
            n = seconds // size
            return f"1 {unit}" if n == 1 else f"{n} {unit}s"
    return "1 second" if seconds == 1 else f"{seconds} seconds"


def every_words(seconds: int) -> str:
    """'every 5 minutes', 'every day' (not 'every 1 day')."""
    return "every " + seconds_in_words(seconds).removeprefix("1 ")


def describe(schedule: Schedule) -> str:
    """The schedule in a few words, as alerts give it (the pages say more)."""
    if schedule.kind == "cron":
        words = f"cron {schedule.cron} ({schedule.tz})"
        if schedule.grace_to_end_of_day:
            return words + ", alert at the end of the day"
        return words + f", grace {seconds_in_words(schedule.grace)}"
    return f"{every_words(schedule.timeout)}, grace {seconds_in_words(schedule.grace)}"
