"""The times of maintenance windows on their own (core.maintenance_times)."""

from datetime import UTC, datetime, timedelta

from webapp.core.maintenance_times import Timing, is_over, next_start, occurrence_at, until


def at(day, hour, minute=0):
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


ONE_OFF = Timing(start=at(2, 1), end=at(2, 3))
NIGHTLY = Timing(start=None, schedule="0 2 * * *", duration=3600, tz="UTC")


def test_a_one_off_window_covers_start_to_end_and_not_its_end():
    assert until(ONE_OFF, at(2, 1)) == at(2, 3)
    assert until(ONE_OFF, at(2, 2, 59)) == at(2, 3)
    assert until(ONE_OFF, at(2, 3)) is None
    assert until(ONE_OFF, at(2, 0, 59)) is None
    assert next_start(ONE_OFF, at(2, 0)) == at(2, 1)
    assert next_start(ONE_OFF, at(2, 1)) is None
    assert not is_over(ONE_OFF, at(2, 2)) and is_over(ONE_OFF, at(2, 3))


def test_ending_a_one_off_early_ends_it_and_before_it_began_calls_it_off():
    ended = ONE_OFF._replace(ended_at=at(2, 2))
    assert until(ended, at(2, 1, 30)) == at(2, 2)
    assert until(ended, at(2, 2)) is None and is_over(ended, at(2, 2))
    called_off = ONE_OFF._replace(ended_at=at(1, 12))
    assert until(called_off, at(2, 1, 30)) is None
    assert next_start(called_off, at(1, 13)) is None


def test_a_recurring_window_covers_each_occurrence():
    assert occurrence_at(NIGHTLY, at(2, 2, 30)) == (at(2, 2), at(2, 3))
    assert until(NIGHTLY, at(2, 2)) == at(2, 3)  # a firing at the very time counts
    assert until(NIGHTLY, at(2, 3)) is None
    assert until(NIGHTLY, at(2, 12)) is None
    assert next_start(NIGHTLY, at(2, 2, 30)) == at(3, 2)
    assert not is_over(NIGHTLY, at(31, 0))


def test_a_recurring_window_begins_at_its_start_and_an_ending_cuts_one_occurrence():
    later = NIGHTLY._replace(start=at(3, 0))
    assert until(later, at(2, 2, 30)) is None and until(later, at(3, 2, 30)) == at(3, 3)
    assert next_start(later, at(1, 12)) == at(3, 2)
    cut = NIGHTLY._replace(ended_at=at(2, 2, 10))
    assert until(cut, at(2, 2, 5)) == at(2, 2, 10)
    assert until(cut, at(2, 2, 20)) is None
    assert until(cut, at(3, 2, 20)) == at(3, 3)  # the next night comes as ever


def test_a_recurring_window_keeps_its_local_time_across_dst():
    berlin = Timing(start=None, schedule="0 2 * * *", duration=3600, tz="Europe/Berlin")
    # 02:00 in Berlin: 01:00 UTC in winter, 00:00 UTC in summer.
    winter = datetime(2026, 1, 15, 1, 30, tzinfo=UTC)
    summer = datetime(2026, 7, 15, 0, 30, tzinfo=UTC)
    assert until(berlin, winter) == winter + timedelta(minutes=30)
    assert until(berlin, summer) == summer + timedelta(minutes=30)
    assert until(berlin, datetime(2026, 7, 15, 1, 30, tzinfo=UTC)) is None
