"""Flapping: a check that keeps changing state sends one "flapping" message,
then holds its alerts until it has been stable for its window.

A check flaps when it changes state (up <-> down) more than `flap_threshold`
times within `flap_window` seconds (6 in an hour by default; 0 turns it off).
The change that crosses the threshold sends the "flapping" message instead of
its own; later ones are recorded and held (`core.holds`). Once no change has
come for a whole window the hold ends, and the sweep sends the state people
were not yet told, if any (`core.flips.release`).

Healthchecks and Uptime Kuma have no such rule, so there is no upstream test
to port. The counting is pure and tested on its own; the reads are below it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from .models import Check, Flip
from .schedules import seconds_in_words

checks = Check.__table__
flips = Flip.__table__
STATES = ("up", "down")
DEFAULT_THRESHOLD, DEFAULT_WINDOW = 6, 3600
MAX_WINDOW = 86400


def flaps(changes: int, threshold: int) -> bool:
    """Whether `changes` state changes within the window are flapping."""
    return threshold > 0 and changes > threshold


def flap_words(threshold: int, window: int) -> str:
    return f"flapping: more than {threshold} changes within {seconds_in_words(window)}"


def changes_since(conn: sa.Connection, check_id: int, since: datetime) -> list[datetime]:
    """When the check changed state (up <-> down) after `since`, oldest first."""
    return list(conn.execute(
        sa.select(flips.c.created)
        .where(flips.c.check_id == check_id, flips.c.created > since,
               flips.c.old_status.in_(STATES), flips.c.new_status.in_(STATES))
        .order_by(flips.c.id)
    ).scalars())


def starts_flapping(conn: sa.Connection, check_id: int,
                    now: datetime) -> tuple[str, datetime] | None:
    """Whether the change being recorded now makes the check flap: (why, calm at)."""
    row = conn.execute(sa.select(checks.c.flap_threshold, checks.c.flap_window,
                                 checks.c.flapping_since)
                       .where(checks.c.id == check_id)).one()
    if row.flapping_since is not None or not row.flap_threshold:
        return None
    window = timedelta(seconds=row.flap_window)
    recent = changes_since(conn, check_id, now - window)
    if not flaps(len(recent) + 1, row.flap_threshold):  # + the change being recorded
        return None
    return flap_words(row.flap_threshold, row.flap_window), now + window


def still_flapping(conn: sa.Connection, check_id: int,
                   now: datetime) -> tuple[str, datetime] | None:
    """(why, calm at) while a flapping check has changed within its window."""
    row = conn.execute(sa.select(checks.c.flap_threshold, checks.c.flap_window,
                                 checks.c.flapping_since)
                       .where(checks.c.id == check_id)).one()
    if row.flapping_since is None:
        return None
    window = timedelta(seconds=row.flap_window)
    recent = changes_since(conn, check_id, row.flapping_since - timedelta(microseconds=1))
    calm_at = (recent[-1] if recent else row.flapping_since) + window
    if now >= calm_at:
        return None
    return flap_words(row.flap_threshold, row.flap_window), calm_at
