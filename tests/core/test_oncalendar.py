"""OnCalendar schedules as pure time logic: which expressions are which kind,
when the next ping is due in the check's zone across DST changes, and the
refusals. The kind rule and the validation start (2000-01-01 UTC) are
Healthchecks' (hc/api/views.py guess_kind and Spec.check_schedule); its next
expected time is the `oncalendar` library's next firing after the last ping
in the check's zone (hc/api/models.py Check.get_grace_start)."""

from datetime import UTC, datetime

import pytest

from webapp.core.schedules import (
    Schedule,
    deadlines,
    describe,
    next_expected,
    oncalendar_error,
    schedule_error,
    schedule_kind,
)
from webapp.core.transitions import deadlines_for


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def berlin(expr: str, grace: int = 600) -> Schedule:
    return Schedule(kind="oncalendar", cron=expr, tz="Europe/Berlin", grace=grace)


@pytest.mark.parametrize("expr, kind", [
    ("5 * * * *", "cron"), ("0 9 * * 1-5", "cron"), ("  0  9 * * 1-5 ", "cron"),
    ("Mon..Fri 09:00", "oncalendar"), ("12:34", "oncalendar"), ("daily", "oncalendar"),
    ("* * * *", "oncalendar"),  # four fields: not cron, so refused as OnCalendar
    ("0 9 * * 1\n0 10 * * 2", "oncalendar"),  # several lines are OnCalendar's
])
def test_it_tells_cron_from_oncalendar_as_healthchecks_does(expr, kind):
    assert schedule_kind(expr) == kind


def test_weekdays_at_nine_across_the_spring_change():
    # Friday 2026-03-27 09:00 CET is 08:00 UTC; clocks go forward on Sunday the 29th,
    # so Monday 09:00 CEST is 07:00 UTC.
    assert next_expected(berlin("Mon..Fri 09:00"), utc(2026, 3, 27, 8, 0)) == utc(2026, 3, 30, 7, 0)
    # Grace is added in real time, after the local firing is converted to UTC.
    assert deadlines(berlin("Mon..Fri 09:00"), utc(2026, 3, 27, 8, 0)) == (
        utc(2026, 3, 30, 7, 0), utc(2026, 3, 30, 7, 10))


def test_a_time_the_spring_change_skips_fires_the_next_day():
    # 02:30 does not exist in Berlin on 2026-03-29: the next 02:30 is on the 30th (CEST).
    assert next_expected(berlin("*-*-* 02:30"), utc(2026, 3, 28, 1, 30)) == utc(2026, 3, 30, 0, 30)


def test_a_time_the_autumn_change_repeats_fires_once():
    # 02:30 happens twice in Berlin on 2026-10-25; after the first (00:30 UTC,
    # CEST) the next firing is the next day's, not the repeat an hour later.
    s = berlin("*-*-* 02:30")
    assert next_expected(s, utc(2026, 10, 25, 0, 0)) == utc(2026, 10, 25, 0, 30)
    assert next_expected(s, utc(2026, 10, 25, 0, 30)) == utc(2026, 10, 26, 1, 30)


def test_an_expression_may_name_its_own_zone():
    # 12:34 in Riga (EET, UTC+2 in March) whatever the check's zone says.
    s = berlin("12:34 Europe/Riga")
    assert next_expected(s, utc(2026, 3, 2, 0, 0)) == utc(2026, 3, 2, 10, 34)


def test_several_lines_fire_at_the_earliest_of_them():
    s = Schedule(kind="oncalendar", cron="Sat 10:00\nMon..Fri 07:00", tz="UTC")
    # 2026-06-05 is a Friday, past its 07:00: next is Saturday's 10:00.
    assert next_expected(s, utc(2026, 6, 5, 8, 0)) == utc(2026, 6, 6, 10, 0)
    assert next_expected(s, utc(2026, 6, 6, 10, 0)) == utc(2026, 6, 8, 7, 0)


def test_a_schedule_that_fires_no_more_is_never_due():
    # As Healthchecks' NEVER: an up check on a past date expects nothing, so no alert.
    s = berlin("2026-01-01 00:00")
    assert next_expected(s, utc(2026, 6, 1)) is None
    assert deadlines(s, utc(2026, 6, 1)) == (None, None)
    assert deadlines_for("up", s, utc(2026, 6, 1), None) == (None, None)


def test_a_started_run_still_has_its_limit_on_a_schedule_that_fires_no_more():
    s = berlin("2026-01-01 00:00", grace=600)
    assert deadlines_for("up", s, utc(2026, 6, 1), utc(2026, 6, 1, 12)) == (
        None, utc(2026, 6, 1, 12, 10))


@pytest.mark.parametrize("expr, why", [
    # hc/api/tests/test_update_check.py test_it_validates_schedule
    ("Surprise 12:34", "bad day-of-week"),
    ("12:34 Europe/surprise", "bad day-of-week"),
    # hc/api/tests/test_create_check.py test_it_validates_oncalendar_expression
    ("12:34\nsurprise", "bad day-of-week"),
    ("Mon..Fri 25:00", "bad hour"),
    ("*-02-30", "it never fires"),
])
def test_it_refuses_bad_oncalendar_expressions_with_the_reason(expr, why):
    err = oncalendar_error(expr)
    assert err is not None and err.startswith(f"invalid OnCalendar expression {expr!r}: {why}")


def test_schedule_errors_say_which_reading_was_used():
    assert schedule_error("Mon..Fri 09:00") is None and schedule_error("0 9 * * 1-5") is None
    assert "invalid cron expression" in schedule_error("0 25 * * *")
    err = schedule_error("* * * *")
    assert "invalid OnCalendar expression" in err and "five fields on one line" in err


def test_alerts_describe_oncalendar_schedules_on_one_line():
    s = Schedule(kind="oncalendar", cron="Sat 10:00\nMon..Fri 07:00", tz="UTC", grace=300)
    assert describe(s) == "OnCalendar Sat 10:00; Mon..Fri 07:00 (UTC), grace 5 minutes"
