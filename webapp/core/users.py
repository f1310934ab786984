"""Users: finding one by email, checking a password, making a new one.

Emails are compared as typed by nobody in particular: trimmed and lowercased,
here and nowhere else, so the login form, the original Heartbeats' Basic
auth, sign-up and `flask user` all find the same account.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..db import db
from .models import User

MIN_PASSWORD = 8


def normalize_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """The user with this email and password; None for a wrong one of either."""
    user = find_user(email)
    if user is not None and user.check_password(password):
        return user
    return None


def create_user(email: str, password: str, timezone: str = "UTC") -> User | None:
    """A new user, added to the session for the caller to commit; None when
    someone has this email already."""
    email = normalize_email(email)
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        return None
    user = User(email=email, timezone=timezone)
    user.set_password(password)
    db.session.add(user)
    return user
