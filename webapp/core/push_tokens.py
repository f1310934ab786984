"""A check's own push token: the token an imported Uptime Kuma or Tianji
monitor had, kept so that its old /api/push/<token> URL keeps working here.

A check made here has none and is pushed to by its uuid. One imported keeps
the peer's token beside its uuid (Kuma makes 32 letters and digits, Tianji 16
characters of nanoid's URL-safe alphabet), and both URLs reach it until its
token is rotated, which replaces the uuid and drops the kept token.
"""

from __future__ import annotations

import re

import sqlalchemy as sa

from ..db import db
from .errors import FieldConflict, FieldError
from .models import Check

PUSH_TOKEN_LIMIT = 128  # the width of checks.push_token
# RFC 3986's unreserved characters: a URL path carries them as they are, so
# the URL a job calls is the token itself, whatever the client escapes.
URL_SAFE = re.compile(r"[A-Za-z0-9._~-]+")


def parse_push_token(value: object) -> str | None:
    """The `push_token` field validated: a URL-safe string, or None for none."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise FieldError("push_token must be a string, or null for none")
    if not 1 <= len(value) <= PUSH_TOKEN_LIMIT:
        raise FieldError(f"push_token must be 1 to {PUSH_TOKEN_LIMIT} characters long "
                         "(null for none)")
    # "." and ".." are path steps, which clients resolve before sending.
    if not URL_SAFE.fullmatch(value) or value in (".", ".."):
        raise FieldError("push_token may contain only letters A-Z and a-z, digits and "
                         "the characters - _ . ~ (those a URL carries unescaped)")
    return value


def claim_push_token(check: Check, token: str) -> None:
    """Raise FieldConflict when `token` already names another check in a push
    URL, as its push token or as its uuid (the push URL takes either, so the
    two must never meet). A check may keep the token it has."""
    query = sa.select(Check.id).where(sa.or_(Check.push_token == token, Check.uuid == token))
    if check.id is not None:
        query = query.where(Check.id != check.id)
    with db.session.no_autoflush:  # `check` may be half-edited: nothing of it is written here
        taken = db.session.scalar(query.limit(1))
    if taken is not None:
        raise FieldConflict("push_token is already in use by another check: "
                            "each push URL must name one check")


def push_token_of(check: Check) -> str:
    """The token of the check's push URL: the one it kept, else its uuid."""
    return check.push_token or check.uuid
