"""Pure time logic of a check's history: when it was down, and how much of a
window, a day or a month that was.

"Down" means the check's stored state was `down`: from a flip whose
new_status is "down" to the next flip whose new_status is anything else.
Time paused, new (never pinged), late or started is *not* downtime: nobody
was alerted, and a pause is someone saying the job is not expected to run.

No I/O and no clock: every function takes the flips and times it needs
(`core.history` reads them from the database). Times are aware datetimes;
periods are half-open, [start, end).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

__all__ = ["Day", "FlipLike", "Month", "Period", "daily_bars", "down_periods", "down_seconds",
           "monthly_summary", "uptime"]


class FlipLike(Protocol):
    """What these functions read of a flip: a Flip row, or any object alike."""

    @property
    def created(self) -> datetime: ...

    @property
    def new_status(self) -> str: ...


@dataclass(frozen=True)
class Period:
    """One downtime. `end` is None while the check is still down (at the end
    of the window it was read for); `start` is clipped to that window's start
    when the check was already down then."""

    start: datetime
    end: datetime | None = None

    @property
    def ongoing(self) -> bool:
        return self.end is None

    def end_or(self, until: datetime) -> datetime:
        """Its end, or `until` for a downtime still going on."""
        return until if self.end is None else min(self.end, until)

    def seconds_within(self, start: datetime, end: datetime) -> float:
        """How much of it lies inside [start, end)."""
        overlap = min(self.end_or(end), end) - max(self.start, start)
        return max(0.0, overlap.total_seconds())

    def overlaps(self, start: datetime, end: datetime) -> bool:
        """Whether any of it lies inside [start, end)."""
        return self.start < end and self.end_or(end) > start


@dataclass(frozen=True)
class Day:
    """One calendar day in a timezone, for uptime bars.

    `start`/`end` are its local midnights in UTC (23 or 25 hours apart on a
    day of a DST change), `end` cut at the window's end for today.
    `uptime` is None for a day with no history to judge: wholly before the
    check existed. `downtimes` counts the downtimes that overlap the day, so
    one that spans midnight counts on both days.
    """

    date: date
    start: datetime
    end: datetime
    down_seconds: float
    uptime: float | None
    downtimes: int


@dataclass(frozen=True)
class Month:
    """One calendar month in a timezone, as Healthchecks' "Downtime summary"
    shows it: how many downtimes overlapped it and how long it was down in it."""

    start: date  # its first day
    down_seconds: float
    downtimes: int
    uptime: float | None  # as for a Day

    @property
    def down(self) -> timedelta:
        return timedelta(seconds=self.down_seconds)


def down_periods(flips: Iterable[FlipLike], start: datetime, end: datetime,
                 status_at_start: str) -> list[Period]:
    """The downtimes within [start, end), oldest first.

    `flips` are the check's flips, oldest first; those outside [start, end)
    are ignored (the state before them is `status_at_start`, the state at
    `start`), and so are repeats of the state already in force. Only the
    "down" state counts: a pause, "new" and the like end a downtime and are
    not one. A downtime still going on at `end` has end None; one that was
    going on at `start` starts at `start`. A down and an up at the very same
    instant make no downtime.
    """
    periods: list[Period] = []
    since = start if status_at_start == "down" else None
    for flip in flips:
        if not start <= flip.created < end:
            continue
        if flip.new_status == "down":
            if since is None:
                since = flip.created
        elif since is not None:
            if flip.created > since:
                periods.append(Period(since, flip.created))
            since = None
    if since is not None:
        periods.append(Period(since, None))
    return periods


def down_seconds(periods: Iterable[Period], start: datetime, end: datetime) -> float:
    """The seconds of [start, end) the check spent down."""
    return sum(p.seconds_within(start, end) for p in periods)


def uptime(periods: Iterable[Period], start: datetime, end: datetime,
           since: datetime | None = None) -> float:
    """The fraction (0..1) of [start, end) that the check was not down.

    `since` is when the check was created: time before it is no part of the
    window (a week-old check's 30-day uptime is its week's). A window with
    nothing left in it is 1.0: there was no downtime.
    """
    if since is not None:
        start = max(start, since)
    total = (end - start).total_seconds()
    if total <= 0:
        return 1.0
    return max(0.0, min(1.0, 1.0 - down_seconds(periods, start, end) / total))


def zone_of(tz: str | tzinfo) -> tzinfo:
    """A zone given by name or as a tzinfo; an unknown name is UTC (times are
    shown in UTC when a user's zone vanished from tzdata, as `timefmt` does)."""
    if not isinstance(tz, str):
        return tz
    try:
        return ZoneInfo(tz)
    except (ValueError, KeyError):
        return UTC


def local_midnight(day: date, zone: tzinfo) -> datetime:
    """The instant a local day begins, in UTC. In a zone whose clocks skip
    midnight (spring forward at 00:00) it is the first time that exists."""
    naive = datetime.combine(day, time(0))
    return naive.replace(tzinfo=zone).astimezone(UTC)


def span_stats(periods: list[Period], start: datetime, end: datetime,
               since: datetime | None) -> tuple[float, float | None, int]:
    """(down seconds, uptime or None, downtimes) of [start, end)."""
    judged = start if since is None else max(start, since)
    down = down_seconds(periods, start, end)
    n = sum(1 for p in periods if p.overlaps(start, end))
    return down, (uptime(periods, judged, end) if judged < end else None), n


def daily_bars(periods: Iterable[Period], days: int, end: datetime, tz: str | tzinfo,
               since: datetime | None = None) -> list[Day]:
    """The last `days` calendar days in `tz`, oldest first, the last one the
    day of `end` (cut at `end`): for rows of uptime bars, as status pages draw.

    `since` is when the check was created (days before it have uptime None).
    Every second of the window [first day's midnight, end) lies in exactly
    one Day, so their down_seconds add up to the downtime in it.
    """
    zone = zone_of(tz)
    periods = list(periods)
    today = end.astimezone(zone).date()
    bars = []
    for back in range(days - 1, -1, -1):
        day = today - timedelta(days=back)
        start = local_midnight(day, zone)
        stop = min(local_midnight(day + timedelta(days=1), zone), end)
        down, up, n = span_stats(periods, start, stop, since)
        bars.append(Day(day, start, stop, down, up, n))
    return bars


def month_starts(months: int, now: datetime, zone: tzinfo) -> list[date]:
    """The first days of the last `months` months in `zone`, newest first."""
    first = now.astimezone(zone).date().replace(day=1)
    starts = []
    for _ in range(months):
        starts.append(first)
        first = (first - timedelta(days=1)).replace(day=1)
    return starts


def monthly_summary(periods: Iterable[Period], months: int, now: datetime, tz: str | tzinfo,
                    since: datetime | None = None) -> list[Month]:
    """The last `months` calendar months in `tz`, newest first (this month, up
    to `now`, on top), as Healthchecks' "Downtime summary": per month the
    number of downtimes that overlap it and the time down within it.

    `periods` must cover the months asked for (read from the first one's
    start); `since` is when the check was created, as for `daily_bars`.
    """
    zone = zone_of(tz)
    periods = list(periods)
    summary = []
    stop = now
    for first in month_starts(months, now, zone):
        start = local_midnight(first, zone)
        down, up, n = span_stats(periods, start, stop, since)
        summary.append(Month(first, down, n, up))
        stop = start
    return summary


def window_start(now: datetime, tz: str | tzinfo, months: int, days: int) -> datetime:
    """The earliest time a page showing the last `months` months (in `tz`) and
    the last `days` days needs flips from: what to read them from."""
    zone = zone_of(tz)
    first = month_starts(months, now, zone)[-1]
    return min(local_midnight(first, zone), now - timedelta(days=days))
