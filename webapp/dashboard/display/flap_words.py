"""Flapping as the pages word it: the rule on a check's Alerts card, and the
"Flapping since 20:31" notice of a check flapping now (see `core.flapping`)."""

from __future__ import annotations

from ...core.flapping import still_flapping
from ...core.models import Check
from ...core.schedules import seconds_in_words
from ...core.times import utcnow
from ...db import db
from .maintenance_words import Note, clock
from .timefmt import exact


def flap_rule_words(check: Check) -> str:
    """'more than 6 changes within 1 hour send one message, …', or 'off'."""
    if not check.flap_threshold:
        return "off"
    return (f"more than {check.flap_threshold} changes within "
            f"{seconds_in_words(check.flap_window)} send one message, "
            "then alerts wait until it is stable")


def flap_note(check: Check, tz: str | None) -> Note | None:
    """The notice of a check flapping now (None when it is not): since when, in
    the viewer's zone, and on hover when its alerts go again if nothing changes."""
    if check.flapping_since is None:
        return None
    now = utcnow()
    window = seconds_in_words(check.flap_window)
    words = (f"Flapping since {clock(check.flapping_since, tz, now)} — alerts are held "
             f"until it has been stable for {window}")
    still = still_flapping(db.session.connection(), check.id, now)
    if still is None:  # stable for its window: the worker's next sweep ends the hold
        title = f"Stable for {window} now: the held alerts go out at the next sweep"
    else:
        title = (f"Flapping since {exact(check.flapping_since, tz)}; with no further change, "
                 f"alerts are sent again from {exact(still[1], tz)}")
    return Note(words, title)
