"""The routing rule on its own: which events a channel gets, and when (no I/O)."""

from datetime import UTC, datetime, timedelta

import pytest

from webapp.core.errors import FieldError
from webapp.core.routing import (
    NOTHING,
    Route,
    parse_delay,
    parse_events,
    route,
    routing_words,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
ALL = "down up reminder"


def test_an_event_the_channel_does_not_take_makes_no_row():
    # As Healthchecks' test_it_obeys_up_down_flags (hc/api/tests/test_notify_sms.py):
    # a channel with "down" off gets no notification at all, not a skipped one.
    assert route("up reminder", 0, "down", NOW) == NOTHING
    assert route("down", 0, "up", NOW) == NOTHING
    assert route("down up", 0, "reminder", NOW) == NOTHING
    assert route("", 0, "down", NOW) == NOTHING


def test_without_a_delay_every_chosen_event_is_due_at_once():
    for event in ("down", "up", "reminder"):
        decision = route(ALL, 0, event, NOW)
        assert decision == Route(True) and not decision.held


def test_a_delayed_down_is_due_after_the_delay_and_held_until_then():
    decision = route(ALL, 900, "down", NOW)
    assert decision.send and decision.held
    assert decision.due == NOW + timedelta(seconds=900)


def test_a_delay_holds_only_downs_an_up_goes_at_once():
    # Whether a recovery is sent at all is the caller's (it cancelled a held down or not).
    assert route(ALL, 900, "up", NOW) == Route(True)


def test_a_reminder_waits_until_the_delay_has_passed_since_the_down():
    down_at = NOW - timedelta(seconds=600)
    assert route(ALL, 900, "reminder", NOW, down_since=down_at) == NOTHING
    assert route(ALL, 900, "reminder", NOW + timedelta(seconds=300), down_since=down_at) \
        == Route(True)
    assert route(ALL, 0, "reminder", NOW, down_since=down_at) == Route(True)


@pytest.mark.parametrize("value, stored", [
    (["down"], "down"),
    (["up", "down"], "down up"),  # one order, whatever the order given
    ("reminder, down", "down reminder"),
    ("down up reminder", ALL),
    ([], ""),
])
def test_events_are_read_from_a_list_or_a_string(value, stored):
    assert parse_events(value) == stored


@pytest.mark.parametrize("value, needle", [
    ("grace", "unknown event 'grace'"),
    (["down", "late", "warning"], "unknown event 'warning'"),
    (["sideways"], "unknown event 'sideways'"),
    (5, "events must be a list"),
    ([1], "events must be a list"),
    (None, "events must be a list"),
])
def test_bad_events_are_refused_naming_the_events_we_have(value, needle):
    with pytest.raises(FieldError) as e:
        parse_events(value)
    assert needle in str(e.value) and "down, up, reminder, late" in str(e.value)


@pytest.mark.parametrize("value", [-1, 86401, "900", 1.5, True, None])
def test_a_delay_is_whole_seconds_from_0_to_a_day(value):
    with pytest.raises(FieldError, match="delay must be"):
        parse_delay(value)
    assert parse_delay(0) == 0 and parse_delay(86400) == 86400


def test_the_channels_page_says_the_routing_in_words():
    assert routing_words("down up", 900) == "down and up · after 15 min"
    assert routing_words(ALL, 0) == "down, up and reminders"
    assert routing_words("down", 7200) == "down · after 2 h"
    assert routing_words("down", 90) == "down · after 90 s"
    assert routing_words("", 0) == "nothing (no events chosen)"
