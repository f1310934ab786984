"""A muted check as the list and the check page show it: "muted until 03:00"."""

from __future__ import annotations

from ...core.models import Check
from ...core.snooze import is_muted
from ...core.times import utcnow
from .timefmt import exact, short


def mute_words(check: Check, tz: str | None = "UTC") -> str:
    """'' when not muted; else when the mute ends, in the viewer's zone."""
    now = utcnow()
    if not is_muted(check.muted_until, check.mute_until_up, now):
        return ""
    if check.mute_until_up:
        return "muted until it is up again"
    return f"muted until {short(check.muted_until, tz, now)}"


def mute_title(check: Check, tz: str | None = "UTC") -> str:
    """The exact end, for the hover text; nothing is sent until then."""
    if check.mute_until_up or check.muted_until is None:
        return "Muted: nothing is sent until the check is up again"
    return f"Muted: nothing is sent until {exact(check.muted_until, tz)}"
