"""Pure time logic: intervals, cron across DST in several zones, grace, end of day."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from webapp.core.schedules import (
    Schedule,
    alert_after,
    cron_error,
    deadlines,
    describe,
    is_late,
    next_expected,
    tz_error,
)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_it_expects_an_interval_ping_timeout_seconds_later():
    s = Schedule(kind="simple", timeout=300, grace=60)
    assert deadlines(s, utc(2026, 1, 1, 12, 0)) == (utc(2026, 1, 1, 12, 5), utc(2026, 1, 1, 12, 6))


def test_it_handles_second_sized_intervals():
    s = Schedule(kind="simple", timeout=2, grace=1)
    assert deadlines(s, utc(2026, 1, 1, 0, 0, 0)) == (utc(2026, 1, 1, 0, 0, 2),
                                                      utc(2026, 1, 1, 0, 0, 3))


def test_it_expects_the_next_cron_firing_in_the_checks_zone():
    s = Schedule(kind="cron", cron="5 16 * * *", tz="Asia/Shanghai", grace=600)
    # 07:00 UTC is 15:00 in Shanghai: the next 16:05 there is 08:05 UTC the same day.
    expected, down = deadlines(s, utc(2026, 6, 1, 7, 0))
    assert expected == utc(2026, 6, 1, 8, 5)
    assert down == utc(2026, 6, 1, 8, 15)


def test_it_expects_tomorrow_after_todays_firing():
    s = Schedule(kind="cron", cron="5 16 * * *", tz="Asia/Shanghai")
    assert next_expected(s, utc(2026, 6, 1, 8, 5, 30)) == utc(2026, 6, 2, 8, 5)


@pytest.mark.parametrize(
    "tz, before, expected",
    [
        # Berlin springs forward at 02:00 on 2026-03-29: 02:30 does not exist that
        # night, so the job that runs "at 02:30" runs at 03:00 local (01:00 UTC).
        ("Europe/Berlin", utc(2026, 3, 28, 23, 0), utc(2026, 3, 29, 1, 0)),
        # New York springs forward on 2026-03-08 at 02:00.
        ("America/New_York", utc(2026, 3, 8, 5, 0), utc(2026, 3, 8, 7, 0)),
        # Sydney moves back on 2026-04-05: 02:30 happens twice; the first counts.
        ("Australia/Sydney", utc(2026, 4, 4, 14, 0), utc(2026, 4, 4, 15, 30)),
    ],
)
def test_it_finds_a_firing_across_dst_changes(tz, before, expected):
    s = Schedule(kind="cron", cron="30 2 * * *", tz=tz)
    assert next_expected(s, before) == expected


def test_it_keeps_the_same_local_time_across_autumn_change():
    # Berlin falls back on 2026-10-25: 09:00 local is 07:00 UTC before, 08:00 UTC after.
    s = Schedule(kind="cron", cron="0 9 * * *", tz="Europe/Berlin")
    assert next_expected(s, utc(2026, 10, 24, 8, 0)) == utc(2026, 10, 25, 8, 0)
    assert next_expected(s, utc(2026, 10, 23, 8, 0)) == utc(2026, 10, 24, 7, 0)


def test_it_adds_grace_in_real_time_across_a_dst_change():
    # 01:30 local + 1 hour of grace on the night Berlin springs forward is
    # 03:30 local (an hour of wall clock vanished), i.e. 01:30 UTC.
    s = Schedule(kind="cron", cron="30 1 * * *", tz="Europe/Berlin", grace=3600)
    expected = datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert alert_after(s, expected) == utc(2026, 3, 29, 1, 30)


def test_daily_at_1605_alerts_only_when_the_day_is_over():
    s = Schedule(kind="cron", cron="5 16 * * *", tz="Asia/Shanghai", grace_to_end_of_day=True)
    # Pinged 2026-06-01 16:10 Shanghai (08:10 UTC): the next run is 06-02 16:05,
    # and the alert waits until 06-03 00:00 Shanghai (06-02 16:00 UTC).
    expected, down = deadlines(s, utc(2026, 6, 1, 8, 10))
    assert expected == utc(2026, 6, 2, 8, 5)
    assert down == utc(2026, 6, 2, 16, 0)


def test_end_of_day_is_local_midnight_even_on_a_dst_day():
    s = Schedule(kind="cron", cron="0 12 * * *", tz="Europe/Berlin", grace_to_end_of_day=True)
    # On 2026-03-29 the day is 23 hours long; its end is 22:00 UTC (00:00 CEST).
    assert alert_after(s, utc(2026, 3, 29, 10, 0)) == utc(2026, 3, 29, 22, 0)


def test_it_is_late_after_the_expected_time_and_only_when_up():
    due = utc(2026, 1, 1, 12, 0)
    assert not is_late("up", due, due - timedelta(seconds=1))
    assert is_late("up", due, due)
    assert not is_late("down", due, due + timedelta(hours=1))
    assert not is_late("new", None, due)


@pytest.mark.parametrize("expr", ["* * * * *", "5 16 * * *", "*/15 9-17 * * 1-5", "0 0 1 1 *"])
def test_it_accepts_cron_expressions(expr):
    assert cron_error(expr) is None


@pytest.mark.parametrize("expr", ["", "bogus", "* * * *", "61 * * * *", "0 0 30 2 *"])
def test_it_rejects_bad_cron_expressions(expr):
    assert "invalid cron expression" in cron_error(expr)


def test_it_knows_iana_zones():
    assert tz_error("Asia/Shanghai") is None
    assert tz_error("UTC") is None
    assert "unknown timezone" in tz_error("Mars/Olympus_Mons")
    assert "unknown timezone" in tz_error("../etc/passwd")


@pytest.mark.parametrize(
    "schedule, words",
    [
        (Schedule(timeout=300, grace=60), "every 5 minutes, grace 1 minute"),
        (Schedule(timeout=86400, grace=3600), "every day, grace 1 hour"),
        (Schedule(timeout=90, grace=2), "every 90 seconds, grace 2 seconds"),
        (Schedule(kind="cron", cron="5 16 * * *", tz="Asia/Shanghai", grace_to_end_of_day=True),
         "cron 5 16 * * * (Asia/Shanghai), alert at the end of the day"),
    ],
)
def test_it_describes_schedules_in_words(schedule, words):
    assert describe(schedule) == words
