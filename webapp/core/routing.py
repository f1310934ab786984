"""Routing per channel: which events a channel is sent, and after what delay.

A channel names the events it wants (down, up, reminder, and late, an early
warning that a ping is overdue but the grace time is not over) and may hold a down
back for `delay` seconds: "only if still down after 15 minutes", a simple
escalation that a recovery within the delay cancels. Flips are recorded
whatever this says; it decides only what is sent.

The rule lives in `core`, not `alerts`, because `core.flips.queue_notifications`
applies it inside the flip's own transaction (the outbox row is made, or not,
with the flip), and imports run downward: core may not import alerts. It is
pure (no I/O) so that it is tested on its own.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from .errors import FieldError

EVENTS = ("down", "up", "reminder", "late")
# What a channel gets unless told: everything but "late", which is opt-in (a
# check late within its grace time is, most often, only a little slow).
DEFAULT_EVENTS = "down up reminder"
MAX_DELAY = 86400  # a day: a longer hold is no longer an escalation but a lost alert


class Route(NamedTuple):
    """What one channel gets for one event: nothing, or a row due at `due`."""

    send: bool
    due: datetime | None = None

    @property
    def held(self) -> bool:
        """A row that waits for its delay: no job is queued for it now."""
        return self.send and self.due is not None


NOTHING = Route(False)


def route(events: str, delay: int, event: str, now: datetime,
          down_since: datetime | None = None) -> Route:
    """Whether a channel with these `events` and `delay` is told of `event`, and when.

    A down with a delay is due after it (the sweep starts its job then); a
    reminder is sent only once the delay has passed since the check went down
    (`down_since`), since before that the channel has not heard of the down.
    An "up" for a channel whose held down was cancelled is decided by the
    caller, which knows whether it cancelled one.
    """
    # "This check is flapping" goes where downs go, at once: it is the first
    # news of trouble, and a delay would only hold back the news that alerts
    # are being held.
    if (event if event != "flapping" else "down") not in events.split():
        return NOTHING
    if event == "down" and delay > 0:
        return Route(True, now + timedelta(seconds=delay))
    if event == "reminder" and delay > 0 and down_since is not None \
            and now < down_since + timedelta(seconds=delay):
        return NOTHING
    return Route(True)


def parse_events(value: Any) -> str:
    """A channel's `events` field: a list, or a space- or comma-separated string."""
    if isinstance(value, str):
        items = value.replace(",", " ").split()
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        items = [v.strip() for v in value]
    else:
        raise FieldError(f"events must be a list of event names ({', '.join(EVENTS)})")
    for item in items:
        if item not in EVENTS:
            raise FieldError(f"unknown event {item!r}: events are {', '.join(EVENTS)}")
    # Stored in one order, so that equal choices compare equal.
    return " ".join(e for e in EVENTS if e in items)


def parse_delay(value: Any) -> int:
    """A channel's `delay` in seconds: a whole number from 0 to a day."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(f"delay must be a whole number of seconds (0 to {MAX_DELAY})")
    if not 0 <= value <= MAX_DELAY:
        raise FieldError(f"delay must be from 0 to {MAX_DELAY} seconds (a day)")
    return value


def routing_words(events: str, delay: int) -> str:
    """"down and up · after 15 min": what the channels page says of a channel."""
    chosen = [WORDS[e] for e in events.split()]
    if not chosen:
        said = "nothing (no events chosen)"
    else:
        said = chosen[0] if len(chosen) == 1 else ", ".join(chosen[:-1]) + " and " + chosen[-1]
    return f"{said} · after {delay_words(delay)}" if delay else said


WORDS = {"down": "down", "up": "up", "reminder": "reminders", "late": "late"}


def delay_words(seconds: int) -> str:
    for unit, size in (("h", 3600), ("min", 60)):
        if seconds % size == 0:
            return f"{seconds // size} {unit}"
    return f"{seconds} s"
