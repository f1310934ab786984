"""The badge rules without I/O: which state a badge shows, and which signature
segments are taken (the HTTP side is tests/public/test_badges.py)."""

from datetime import UTC, datetime, timedelta

import pytest

from webapp.core.badges import (
    BadgeState,
    check_badge_status,
    signature,
    split_signature,
    summarise,
    text_width,
)

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("status", "next_ping", "shown"), [
    ("new", None, "up"), ("paused", None, "up"), ("up", NOW + timedelta(seconds=1), "up"),
    ("up", NOW, "late"), ("up", NOW - timedelta(hours=1), "late"), ("down", None, "down"),
    # A paused or down check's old next_ping makes it late no more.
    ("paused", NOW - timedelta(hours=1), "up"), ("down", NOW - timedelta(hours=1), "down"),
])
def test_a_checks_badge_status(status, next_ping, shown):
    assert check_badge_status(status, next_ping, NOW) == shown


@pytest.mark.parametrize(("statuses", "states", "state"), [
    ([], 2, BadgeState("up", 0, 0, 0)),
    (["up", "late"], 2, BadgeState("up", 2, 1, 0)),
    (["up", "late"], 3, BadgeState("late", 2, 1, 0)),
    (["late", "down", "up"], 3, BadgeState("down", 3, 1, 1)),
    (["down", "down"], 2, BadgeState("down", 2, 0, 2)),
])
def test_down_wins_over_late_and_late_over_up(statuses, states, state):
    assert summarise(statuses, states) == state


@pytest.mark.parametrize(("segment", "parsed"), [
    ("abcdefgh", ("abcdefgh", 3)), ("abcdefgh-3", ("abcdefgh", 3)),
    ("abcdefgh-2", ("abcdefgh", 2)), ("abcdefgh-4", None), ("abcdefgh-", None),
    ("abcdefg", None), ("abcdefgh-2-2", None), ("", None),
])
def test_signature_segments(segment, parsed):
    assert split_signature(segment) == parsed


def test_a_signature_depends_on_the_key_the_tag_and_the_secret():
    base = signature("key", "tag", "secret")
    assert len(base) == 8 and base == signature("key", "tag", "secret")
    assert len({base, signature("key2", "tag", "secret"), signature("key", "tag2", "secret"),
                signature("key", "tag", "secret2")}) == 4


def test_wider_words_make_wider_badges():
    assert text_width("iiii") < text_width("nnnn") < text_width("MMMM")
