"""Holds: what keeps an alert back without losing it.

A flip is always recorded; a hold decides only that its message waits. Each
hold says why (the flip's reason gets it, so the event log explains the
silence) and when to look again: the sweep then sends what is still owed
(`core.flips.release`), comparing the check's state with what people were
last sent (`Check.alerted`), so a down that recovered meanwhile sends
nothing and one still down sends one alert.

A snooze is not a hold: it is "I know, be quiet", and what it silenced is
never sent later (`core.snooze`).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa

from .dependencies import parents_down
from .flapping import still_flapping
from .maintenance import window_until

# A child held by its parent is woken when the parent's state changes
# (`dependencies.wake_children`); this look is for a parent deleted meanwhile.
DEPENDENCY_LOOK_AGAIN = timedelta(minutes=1)
HELD_NOTE = " (held: {})"


class Hold(NamedTuple):
    why: str  # "parent backup-host is down"
    until: datetime  # when the sweep looks at the check again


def hold_of(conn: sa.Connection, check_id: int, status: str, now: datetime) -> Hold | None:
    """What holds back an alert about the check being `status` now, if anything.

    A maintenance window holds every message, and so does flapping until
    the check is stable; a parent that is down holds the child's downs and
    reminders, not its recovery (people who were sent its down want to hear
    it is up).
    """
    window = window_until(conn, check_id, now)
    if window is not None:
        name, end = window
        return Hold(f"in maintenance ({name}) until {end:%Y-%m-%d %H:%M} UTC", end)
    flapping = still_flapping(conn, check_id, now)
    if flapping is not None:
        return Hold(*flapping)
    if status in ("down", "reminder", "late"):
        names = parents_down(conn, check_id)
        if names:
            return Hold(parents_words(names), now + DEPENDENCY_LOOK_AGAIN)
    return None


def parents_words(names: list[str]) -> str:
    if len(names) == 1:
        return f"parent {names[0]} is down"
    return f"parents {', '.join(names[:-1])} and {names[-1]} are down"


def held_reason(reason: str, why: str, limit: int = 200) -> str:
    """The flip's reason with why it was held, within the column's `limit`."""
    note = HELD_NOTE.format(why)[:limit // 2]
    return reason[:limit - len(note)] + note


def plain_reason(reason: str) -> str:
    """The reason without its held note: what a released alert says happened."""
    at = reason.rfind(" (held: ")
    return reason[:at] if at >= 0 and reason.endswith(")") else reason
