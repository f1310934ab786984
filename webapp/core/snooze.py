"""Snooze ("mute until"): a check that keeps its state and history but sends nothing.

A check is muted while `muted_until` is in the future, or while
`mute_until_up` is set (until the check is next up). A time that has passed
simply no longer mutes; "until up" is cleared by the flip to up
(`core.flips`), so both end by themselves. Unlike a pause, the check goes on
being checked: its flips are recorded, only what is sent changes.

An "up" is sent only to those who heard the down: a recovery from a down
that was muted is not sent, even after the mute has ended, since nobody was
told the check was in trouble (as paused -> up is not sent either).

Asked for in healthchecks/healthchecks#451 (still open: there is no
upstream behaviour or test to port) and, per project or tag, #993.

Pure (no I/O), so that the rule is tested on its own; `core.flips` applies it
and the dashboard shows it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .errors import FieldError

# Appended to a muted flip's reason: the event log then says why nobody was
# told. (What was sent is kept on the check, `Check.alerted`, so a later
# recovery knows its down never was.)
MUTED_NOTE = " (muted: not sent)"
UNTIL_UP = "up"


def is_muted(muted_until: datetime | None, mute_until_up: bool, now: datetime) -> bool:
    """Whether a check with these columns is muted at `now`."""
    return bool(mute_until_up) or (muted_until is not None and muted_until > now)


def muted_reason(reason: str, limit: int = 200) -> str:
    """The flip's reason with the muted note, still within the column's `limit`."""
    return reason[:limit - len(MUTED_NOTE)] + MUTED_NOTE


def parse_time(value: Any, key: str, example: str = "2026-12-01T03:00:00+00:00") -> datetime:
    """An ISO 8601 time with its offset (the maintenance windows' times too).
    A time without one is refused rather than guessed: UTC or the server's
    zone would each be wrong for someone."""
    if not isinstance(value, str):
        raise FieldError(f"{key} must be an ISO 8601 time with an offset")
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise FieldError(f"{key} is not an ISO 8601 time: {value[:40]!r}") from None
    if when.tzinfo is None or when.utcoffset() is None:
        raise FieldError(f"{key} needs an offset (e.g. {example} or ...Z)")
    return when


def parse_until(value: Any, now: datetime, key: str = "muted_until") -> datetime | None:
    """An ISO 8601 time with its offset, in the future; or None (null) to
    unmute. A time already past would be accepted and mute nothing, so it is
    refused too."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise FieldError(f"{key} must be an ISO 8601 time with an offset, or null")
    when = parse_time(value, key)
    if when <= now:
        raise FieldError(f"{key} must be in the future")
    return when


def parse_mute(data: dict, now: datetime) -> dict:
    """The mute fields of a check update: `muted_until` and `mute_until_up`."""
    out: dict[str, Any] = {}
    if "muted_until" in data:
        out["muted_until"] = parse_until(data["muted_until"], now)
    if "mute_until_up" in data:
        if not isinstance(data["mute_until_up"], bool):
            raise FieldError("mute_until_up must be true or false")
        out["mute_until_up"] = data["mute_until_up"]
    elif out.get("muted_until", 0) is None:
        # `"muted_until": null` unmutes, whichever way the check was muted.
        out["mute_until_up"] = False
    return out


def parse_mute_request(until: Any, now: datetime) -> dict:
    """One "mute until" choice (a time, "up", or null to unmute) as the two columns."""
    if until == UNTIL_UP:
        return {"muted_until": None, "mute_until_up": True}
    return {"muted_until": parse_until(until, now, "until"), "mute_until_up": False}
