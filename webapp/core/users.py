"""Users: finding one by email, checking a password, making a new one.

Emails are compared as typed by nobody in particular: trimmed and lowercased,
here and nowhere else, so the login form, the original Heartbeats' Basic
auth, sign-up and `flask user` all find the same account.
"""

from __future__ import annotations

import re
from functools import cache
from zoneinfo import available_timezones

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import db
from .models import User
from .projects import create_project, personal_name
from .text import can_name_a_row

MIN_PASSWORD = 8
DEFAULT_TIMEZONE = "UTC"  # what an account shows times in until it says otherwise
# Deliverability is not ours to judge; a typo like a missing @ is, and so is
# anything that would not fit in a mail header (spaces, commas, control characters).
EMAIL_RE = re.compile(r"^[^@\s,;\x00-\x1f\x7f]+@[^@\s,;\x00-\x1f\x7f]+\.[^@\s,;\x00-\x1f\x7f]+$")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def email_error(email: str) -> str | None:
    """Why `email` is not an address we can mail, or None."""
    if len(email) > 254 or not EMAIL_RE.match(email):
        return f"not an email address: {email!r}"
    return None


def find_user(email: str) -> User | None:
    if not can_name_a_row(email):
        return None
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not anyone's password")


def authenticate(email: str, password: str) -> User | None:
    """The user with this email and password; None for a wrong one of either.

    An unknown email costs the same password hash as a known one: otherwise
    the time of a wrong answer would tell which emails have accounts.
    """
    user = find_user(email)
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return None
    return user if user.check_password(password) else None


def create_user(email: str, password: str, timezone: str | None = None) -> User | None:
    """A new user with a project of their own, added to the session for the
    caller to commit; None when someone has this email already. A `timezone`
    given is the person's choice (the sign-up form's); without one, the
    account starts on UTC and its first login may adopt the browser's."""
    email = normalize_email(email)
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        return None
    user = User(email=email, timezone=timezone or DEFAULT_TIMEZONE,
                timezone_chosen=timezone is not None)
    user.set_password(password)
    db.session.add(user)
    create_project(user, personal_name(email))
    return user


def adopt_browser_timezone(user: User, zone: str | None) -> bool:
    """At a login: show times in the browser's zone (`zone`, as app.js read it
    from Intl) instead of the default, for an account that never chose one;
    from then on it counts as chosen. The zone must be one of tzdata's names;
    anything else is ignored, not refused: the login goes ahead in the zone
    the account has. True when the zone was adopted (the caller commits, and
    says so to the person).
    """
    # "localtime" is the server's own zone, never a browser's.
    if (user.timezone_chosen or not zone or len(zone) > 64 or zone == "localtime"
            or zone not in available_timezones()):
        return False
    user.timezone, user.timezone_chosen = zone, True
    return True
