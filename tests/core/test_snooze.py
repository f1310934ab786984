"""The snooze rule on its own (core.snooze): is a check muted at `now`, and
which "mute until" values are taken."""

from datetime import UTC, datetime, timedelta

import pytest

from webapp.core.errors import FieldError
from webapp.core.snooze import (
    MUTED_NOTE,
    is_muted,
    muted_reason,
    parse_mute,
    parse_mute_request,
)

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize("until, until_up, muted", [
    (None, False, False),
    (NOW + timedelta(seconds=1), False, True),
    (NOW, False, False),  # ends at its time, not a second later
    (NOW - timedelta(hours=1), False, False),  # a time that passed simply no longer mutes
    (None, True, True),
    (NOW - timedelta(hours=1), True, True),  # until up outlasts any time
])
def test_a_check_is_muted_until_its_time_or_until_it_is_up(until, until_up, muted):
    assert is_muted(until, until_up, NOW) is muted


def test_a_time_with_an_offset_in_the_future_is_taken_and_null_unmutes():
    later = parse_mute({"muted_until": "2026-12-01T04:00:00+01:00"}, NOW)
    assert later == {"muted_until": NOW + timedelta(hours=1)}
    assert parse_mute({"muted_until": "2026-12-01T03:00:00Z"}, NOW)["muted_until"] == (
        NOW + timedelta(hours=1))
    # null unmutes whichever way the check was muted
    assert parse_mute({"muted_until": None}, NOW) == {"muted_until": None, "mute_until_up": False}
    assert parse_mute({"mute_until_up": True}, NOW) == {"mute_until_up": True}
    assert parse_mute({}, NOW) == {}


@pytest.mark.parametrize("value, needle", [
    ("2026-12-01T01:59:59+00:00", "must be in the future"),
    ("2026-12-01T02:00:00+00:00", "must be in the future"),
    ("2026-12-01T03:00:00", "needs an offset"),
    ("tomorrow", "is not an ISO 8601 time"),
    ("", "is not an ISO 8601 time"),
    (1764554400, "must be an ISO 8601 time with an offset, or null"),
    (True, "must be an ISO 8601 time with an offset, or null"),
])
def test_bad_times_are_refused(value, needle):
    with pytest.raises(FieldError, match=needle):
        parse_mute({"muted_until": value}, NOW)


@pytest.mark.parametrize("value", ["yes", 1, None])
def test_mute_until_up_must_be_a_bool(value):
    with pytest.raises(FieldError, match="mute_until_up must be true or false"):
        parse_mute({"mute_until_up": value}, NOW)


def test_a_mute_request_is_a_time_up_or_null():
    assert parse_mute_request("up", NOW) == {"muted_until": None, "mute_until_up": True}
    assert parse_mute_request(None, NOW) == {"muted_until": None, "mute_until_up": False}
    with pytest.raises(FieldError, match="until must be in the future"):
        parse_mute_request("2020-01-01T00:00:00Z", NOW)


def test_a_muted_flips_reason_says_so_within_the_column():
    assert muted_reason("no ping") == "no ping" + MUTED_NOTE
    long = muted_reason("x" * 300)
    assert len(long) == 200 and long.endswith(MUTED_NOTE)
