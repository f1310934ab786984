"""What the dashboard's forms share: units of time, timezones, and how they word
the API's reasons."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import available_timezones

from wtforms.fields.choices import SelectChoice

UNITS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}
UNIT_CHOICES = [SelectChoice(k) for k in UNITS]


@lru_cache(maxsize=1)
def timezone_choices() -> list[SelectChoice]:
    """IANA names grouped by region, as a long list is easier to scan that way."""
    # The "posix/" and "right/" copies are the same zones under other names.
    names = sorted(z for z in available_timezones() if not z.startswith(("posix", "right")))
    return [SelectChoice(z, z.replace("_", " "), optgroup=z.split("/")[0] if "/" in z else "Other")
            for z in names]


def strip(value):
    return value.strip() if isinstance(value, str) else value


def unix_newlines(value):
    r"""A text area's CRLF (and lone CR) line breaks as "\n", the way the API stores text."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def sentence(message: str) -> str:
    """An API-style reason ("unknown timezone 'X'") as the forms say it: "Unknown timezone 'X'."."""
    return message[0].upper() + message[1:] + ("" if message.endswith(".") else ".")


def split_seconds(seconds: int) -> tuple[int, str]:
    """86400 -> (1, "days"): the largest unit that divides evenly, for the form."""
    for unit in ("days", "hours", "minutes"):
        if seconds % UNITS[unit] == 0:
            return seconds // UNITS[unit], unit
    return seconds, "seconds"
