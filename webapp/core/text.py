"""Text that ends up in mail headers, HTTP headers and one-line lists.

A carriage return or line feed in a check's name once made every email about
it undeliverable (Flask-Mail refuses the header), so names, tags, channel
values and webhook headers refuse control characters on the way in, and a
subject line is flattened on the way out whatever the database holds.
"""

from __future__ import annotations

import re

# C0 and C1 control characters, DEL included.
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# The same, but for line breaks and tabs, which a multi-line text may hold.
CONTROL_BUT_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def can_name_a_row(text: str) -> bool:
    """Whether `text` may name a row in a lookup: PostgreSQL refuses a NUL in any
    text it is sent, even in a WHERE (a 503), and no token, key, slug, code or
    email holds one, so such a lookup finds nothing without asking."""
    return "\x00" not in text


def control_error(field: str, value: str, *, lines: bool = False,
                  separators: bool = False) -> str | None:
    """Why `value` cannot be taken for `field`, or None when it has no control characters.

    `lines`: line breaks and tabs may stand in it (a description). `separators`:
    any whitespace separates items, as in tags or a list of addresses.
    """
    if separators:
        value = re.sub(r"\s", " ", value)
    if (CONTROL_BUT_LINES if lines else CONTROL).search(value) is None:
        return None
    if lines:
        return f"{field} must not contain control characters (line breaks and tabs are fine)"
    return f"{field} must not contain control characters such as line breaks"


def one_line(text: str) -> str:
    """`text` with every run of control characters and spaces made one space."""
    return re.sub(r"(?:[\x00-\x1f\x7f-\x9f]| )+", " ", text).strip()
