"""Down periods, uptime, daily bars and the monthly summary (core.downtime), pure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.core.downtime import (
    Period,
    daily_bars,
    down_periods,
    down_seconds,
    monthly_summary,
    uptime,
    window_start,
)


class F(NamedTuple):
    created: datetime
    new_status: str


def at(day, hour=0, minute=0, month=3):
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


H = timedelta(hours=1)


def test_a_down_then_an_up_is_one_period():
    flips = [F(at(2, 10), "up"), F(at(2, 12), "down"), F(at(2, 14, 30), "up")]
    assert down_periods(flips, at(1), at(3), "new") == [Period(at(2, 12), at(2, 14, 30))]


def test_still_down_at_the_end_has_no_end_and_down_at_the_start_starts_there():
    flips = [F(at(2, 1), "up"), F(at(2, 5), "down")]
    periods = down_periods(flips, at(1), at(3), "down")
    assert periods == [Period(at(1), at(2, 1)), Period(at(2, 5), None)]
    assert periods[1].ongoing and not periods[0].ongoing
    assert down_seconds(periods, at(1), at(3)) == (25 + 19) * 3600


def test_paused_and_new_time_is_not_downtime():
    flips = [F(at(2, 1), "down"), F(at(2, 2), "paused"), F(at(2, 5), "up"),
             F(at(2, 6), "down"), F(at(2, 7), "new")]
    assert down_periods(flips, at(1), at(3), "up") == [
        Period(at(2, 1), at(2, 2)), Period(at(2, 6), at(2, 7))]


def test_flips_outside_the_window_and_repeats_are_ignored():
    flips = [F(at(1, 1), "down"), F(at(2, 3), "down"), F(at(2, 4), "down"), F(at(2, 6), "up"),
             F(at(3), "down")]
    # The window is [2nd, 3rd): the flip at its end belongs to the next one.
    assert down_periods(flips, at(2), at(3), "up") == [Period(at(2, 3), at(2, 6))]


def test_a_down_and_an_up_at_the_same_instant_are_no_downtime():
    assert down_periods([F(at(2, 3), "down"), F(at(2, 3), "up")], at(1), at(3), "up") == []


def test_uptime_of_a_window_and_of_a_young_check():
    periods = [Period(at(2, 0), at(2, 6))]
    assert uptime(periods, at(2), at(3)) == pytest.approx(0.75)
    assert uptime([], at(2), at(3)) == 1.0
    # Created at noon on the 1st: the 30-day window counts from then.
    assert uptime(periods, at(1) - 29 * 24 * H, at(3), since=at(1, 12)) == pytest.approx(
        1 - 6 / 36)
    # A window wholly before the check existed has no downtime.
    assert uptime(periods, at(1), at(2), since=at(5)) == 1.0
    # Still down: down up to the window's end.
    assert uptime([Period(at(2, 18), None)], at(2), at(3)) == pytest.approx(0.75)


def test_daily_bars_split_a_downtime_at_local_midnight():
    # 22:00 to 02:00 Berlin time (UTC+1 in January): four hours over two days.
    periods = [Period(datetime(2026, 1, 9, 21, tzinfo=UTC), datetime(2026, 1, 10, 1, tzinfo=UTC))]
    bars = daily_bars(periods, 3, datetime(2026, 1, 10, 12, tzinfo=UTC), "Europe/Berlin")
    assert [b.date for b in bars] == [date(2026, 1, 8), date(2026, 1, 9), date(2026, 1, 10)]
    assert [b.down_seconds for b in bars] == [0, 2 * 3600, 2 * 3600]
    assert [b.downtimes for b in bars] == [0, 1, 1]
    assert bars[1].uptime == pytest.approx(22 / 24)
    # Today counts up to `end` (13:00 Berlin): 11 of its 13 hours were up.
    assert bars[2].uptime == pytest.approx(11 / 13)


@pytest.mark.parametrize("day, hours", [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25),
                                        (date(2026, 3, 28), 24)])
def test_daily_bars_know_the_length_of_a_dst_day_in_berlin(day, hours):
    end = datetime.combine(day + timedelta(days=2), datetime.min.time(), tzinfo=UTC)
    whole_day_down = [Period(end - timedelta(days=10), None)]
    bar = next(b for b in daily_bars(whole_day_down, 5, end, "Europe/Berlin") if b.date == day)
    assert (bar.end - bar.start) == timedelta(hours=hours)
    assert bar.down_seconds == hours * 3600 and bar.uptime == 0.0


def test_days_before_the_check_existed_have_no_uptime():
    bars = daily_bars([], 3, at(3, 12), "UTC", since=at(2, 18))
    assert [b.uptime for b in bars] == [None, 1.0, 1.0]


def test_the_monthly_summary_counts_and_sums_per_local_month_newest_first():
    # 23:30 UTC on Jan 31 is 00:30 Feb 1 in Berlin: a February downtime there.
    periods = [Period(datetime(2026, 1, 10, 8, tzinfo=UTC), datetime(2026, 1, 10, 9, tzinfo=UTC)),
               Period(datetime(2026, 1, 31, 23, 30, tzinfo=UTC),
                      datetime(2026, 2, 1, 0, 30, tzinfo=UTC)),
               Period(datetime(2026, 3, 2, 8, tzinfo=UTC), None)]
    now = datetime(2026, 3, 2, 10, tzinfo=UTC)
    berlin = monthly_summary(periods, 3, now, "Europe/Berlin")
    assert [(m.start, m.downtimes, m.down_seconds) for m in berlin] == [
        (date(2026, 3, 1), 1, 2 * 3600), (date(2026, 2, 1), 1, 3600),
        (date(2026, 1, 1), 1, 3600)]
    utc = monthly_summary(periods, 3, now, "UTC")
    assert [(m.downtimes, m.down_seconds) for m in utc] == [(1, 7200), (1, 1800), (2, 5400)]
    assert utc[2].down == timedelta(minutes=90)


def test_the_window_a_page_reads_covers_its_months_and_days():
    now = datetime(2026, 3, 2, 10, tzinfo=UTC)
    assert window_start(now, "Europe/Berlin", 3, 30) == datetime(2025, 12, 31, 23, tzinfo=UTC)
    assert window_start(now, "UTC", 1, 30) == now - timedelta(days=30)


# --- properties ------------------------------------------------------------

START = datetime(2026, 3, 1, tzinfo=UTC)  # a month with Berlin's spring DST change in it
SPAN = 40 * 86400
STATES = ["up", "down", "paused", "new"]

flip_lists = st.lists(
    st.tuples(st.integers(0, SPAN), st.sampled_from(STATES)), max_size=40
).map(lambda xs: [F(START + timedelta(seconds=s), status) for s, status in sorted(xs)])


def naive_down_seconds(flips, start, end, status_at_start, step=600):
    """Downtime by sampling, as a cross-check: flips on multiples of `step`
    make the sample exact."""
    total, status = 0, status_at_start
    changes = iter(flips)
    pending = next(changes, None)
    t = start
    while t < end:
        while pending is not None and pending.created <= t:
            status, pending = pending.new_status, next(changes, None)
        total += step if status == "down" else 0
        t += timedelta(seconds=step)
    return total


@settings(max_examples=200, deadline=None)
@given(flip_lists, st.sampled_from(STATES), st.integers(0, SPAN), st.integers(1, SPAN))
def test_periods_are_ordered_disjoint_and_inside_the_window(flips, first, offset, length):
    start = START + timedelta(seconds=offset)
    end = start + timedelta(seconds=length)
    periods = down_periods(flips, start, end, first)
    for p in periods:
        assert start <= p.start < p.end_or(end) <= end
    for a, b in zip(periods, periods[1:], strict=False):
        assert a.end is not None and a.end <= b.start
    assert all(p.end is not None for p in periods[:-1])
    assert 0.0 <= uptime(periods, start, end) <= 1.0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, SPAN // 600), st.sampled_from(STATES)), max_size=30),
       st.sampled_from(STATES))
def test_downtime_matches_a_minute_by_minute_count(raw, first):
    flips = [F(START + timedelta(seconds=600 * s), status) for s, status in sorted(raw)]
    end = START + timedelta(seconds=SPAN)
    periods = down_periods(flips, START, end, first)
    assert down_seconds(periods, START, end) == naive_down_seconds(flips, START, end, first)


@settings(max_examples=150, deadline=None)
@given(flip_lists, st.sampled_from(STATES), st.integers(1, 45),
       st.sampled_from(["Europe/Berlin", "UTC", "America/Santiago", "Australia/Lord_Howe"]))
def test_the_days_add_up_to_the_downtime_in_their_window(flips, first, days, tz):
    end = START + timedelta(seconds=SPAN)
    periods = down_periods(flips, START - timedelta(days=60), end, first)
    bars = daily_bars(periods, days, end, tz)
    assert len(bars) == days and bars[-1].end == end
    for a, b in zip(bars, bars[1:], strict=False):
        assert a.end == b.start and b.date - a.date == timedelta(days=1)
    total = down_seconds(periods, bars[0].start, end)
    assert sum(b.down_seconds for b in bars) == pytest.approx(total)
    for b in bars:
        # Only an empty day (`end` exactly at midnight: today just began) has
        # nothing to judge.
        assert (b.uptime is None) == (b.start == b.end)
        assert b.uptime is None or 0.0 <= b.uptime <= 1.0
        assert (b.downtimes == 0) == (b.down_seconds == 0)


@settings(max_examples=100, deadline=None)
@given(flip_lists, st.sampled_from(STATES), st.integers(1, 4),
       st.sampled_from(["Europe/Berlin", "UTC", "Pacific/Chatham"]))
def test_the_months_add_up_to_the_downtime_since_the_first(flips, first, months, tz):
    now = START + timedelta(seconds=SPAN)
    periods = down_periods(flips, START - timedelta(days=130), now, first)
    summary = monthly_summary(periods, months, now, tz)
    assert len(summary) == months
    assert [m.start for m in summary] == sorted((m.start for m in summary), reverse=True)
    since = window_start(now, tz, months, 0)
    assert sum(m.down_seconds for m in summary) == pytest.approx(
        down_seconds(periods, since, now))
