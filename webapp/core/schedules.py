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
from oncalendar import OnCalendar, OnCalendarError

ONE_YEAR = 365 * 24 * 3600
# A check may say it runs every second (fast services, tests) or once a year.
MIN_SECONDS, MAX_SECONDS = 1, ONE_YEAR


class Schedule(NamedTuple):
    # "simple": every `timeout` seconds; "cron" and "oncalendar": at each firing
    # of the expression `cron` (a cron line, or systemd OnCalendar lines) in `tz`.
    kind: str = "simple"
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


def schedule_kind(expr: str) -> str:
    """"cron" or "oncalendar": how Healthchecks tells them apart (hc/api/views.py,
    guess_kind): one line of five fields is cron, anything else OnCalendar."""
    if "\n" not in expr.strip() and len(expr.split()) == 5:
        return "cron"
    return "oncalendar"


def next_expected(schedule: Schedule, last_ping: datetime) -> datetime | None:
    """The time the ping after `last_ping` is due (UTC); None when the schedule
    fires no more (an OnCalendar date in the past): such a check stays up, as
    in Healthchecks, which then expects no ping and sends no alert."""
    if schedule.kind not in ("cron", "oncalendar"):
        return last_ping + timedelta(seconds=schedule.timeout)
    # Both libraries walk local wall-clock time in the check's zone, so they
    # know the local times a DST change skips or repeats (an OnCalendar line
    # that names a zone of its own is walked in that zone by the library).
    local_start = last_ping.astimezone(ZoneInfo(schedule.tz))
    firings = (CronSim(schedule.cron, local_start) if schedule.kind == "cron"
               else OnCalendar(schedule.cron, local_start))
    try:
        local = next(firings)
    except StopIteration:
        return None
    return local.astimezone(UTC)


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


def deadlines(schedule: Schedule, last_ping: datetime
              ) -> tuple[datetime | None, datetime | None]:
    """(next_ping, alert_after) for a check that was just pinged at `last_ping`;
    (None, None) when its schedule fires no more."""
    expected = next_expected(schedule, last_ping)
    if expected is None:
        return None, None
    return expected, alert_after(schedule, expected)


def is_late(status: str, next_ping: datetime | None, now: datetime) -> bool:
    """Past the expected time but inside grace: shown, never alerted."""
    return status == "up" and next_ping is not None and now >= next_ping


def cron_error(expr: str) -> str | None:
    """Why `expr` is not a usable cron expression, or None when it is."""
    if len(expr.split()) != 5:
        # cronsim also takes a sixth field (seconds), which Healthchecks does not
        # read as cron: five fields, or its schedule is refused.
        return (f"invalid cron expression {expr!r}: a cron expression has five fields "
                "(minute, hour, day of month, month, day of week)")
    try:
        next(CronSim(expr, datetime(2000, 1, 1, tzinfo=UTC)))
    except (CronSimError, StopIteration) as e:
        return f"invalid cron expression {expr!r}: {e or 'it never fires'}"
    return None


def oncalendar_error(expr: str) -> str | None:
    """Why `expr` is not a usable systemd OnCalendar expression (one or more
    lines, each possibly ending in a timezone), or None when it is."""
    try:
        next(OnCalendar(expr, datetime(2000, 1, 1, tzinfo=UTC)))
    except OnCalendarError as e:
        return f"invalid OnCalendar expression {expr!r}: {str(e).lower() or 'unreadable'}"
    except StopIteration:
        return f"invalid OnCalendar expression {expr!r}: it never fires"
    return None


def schedule_error(expr: str) -> str | None:
    """Why `expr` is neither a usable cron nor OnCalendar expression, or None.

    Which of the two it is read as follows `schedule_kind`; the message says so,
    since a cron line with a field missing is read, and refused, as OnCalendar.
    """
    if schedule_kind(expr) == "cron":
        return cron_error(expr)
    if err := oncalendar_error(expr):
        return (f"{err} (a schedule of five fields on one line is read as cron, "
                "anything else as systemd OnCalendar)")
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
    if schedule.kind in ("cron", "oncalendar"):
        expr = "; ".join(line.strip() for line in schedule.cron.strip().splitlines())
        label = "cron" if schedule.kind == "cron" else "OnCalendar"
        words = f"{label} {expr} ({schedule.tz})"
        if schedule.grace_to_end_of_day:
            return words + ", alert at the end of the day"
        return words + f", grace {seconds_in_words(schedule.grace)}"
    return f"{every_words(schedule.timeout)}, grace {seconds_in_words(schedule.grace)}"
