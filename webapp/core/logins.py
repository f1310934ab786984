"""Login sessions: starting one, finding it by its cookie's token, ending it.

A logged-in browser holds a random token (in the session cookie, and in the
remember cookie when asked to keep it logged in); the database holds only its
hash, in a `LoginSession` row. A cookie logs someone in only while its row
exists and has not been idle for too long, so each of these ends a session
for good, wherever its cookies were copied to: logging out (this row), a
password change (every other row of the user), "log out everywhere" (all).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..db import db, rows_changed
from .models import LoginSession, User
from .times import utcnow

# A session is forgotten after this long unused: a browser's session cookie
# has no end date of its own, and a "remember me" one lasts as long as the
# remember cookie (Flask-Login's REMEMBER_COOKIE_DURATION).
IDLE_LIMIT = timedelta(days=14)
# last_seen is written at most this often, not on every page load.
SEEN_EVERY = timedelta(minutes=5)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(user: User, *, remember: bool, user_agent: str, address: str) -> str:
    """A new session of `user`, committed; returns the token for its cookies."""
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, token_hash=_hash(token), remember=remember,
                                user_agent=user_agent[:200], address=address[:45]))
    _forget_idle(user.id)
    db.session.commit()
    return token


def idle_limit(row: LoginSession, remember_for: timedelta) -> timedelta:
    return max(remember_for, IDLE_LIMIT) if row.remember else IDLE_LIMIT


def find(token: str, remember_for: timedelta) -> tuple[LoginSession, User] | None:
    """The live session this token names, and its user; None once it has ended."""
    found = db.session.execute(
        sa.select(LoginSession, User).join(User, LoginSession.user_id == User.id)
        .where(LoginSession.token_hash == _hash(token))).first()
    if found is None:
        return None
    row, user = found
    now = utcnow()
    if now - row.last_seen > idle_limit(row, remember_for):
        db.session.delete(row)
        db.session.commit()
        return None
    if now - row.last_seen > SEEN_EVERY:
        row.last_seen = now
        db.session.commit()
    return row, user


def end(token: str) -> None:
    """End the session this token names (logging out)."""
    db.session.execute(sa.delete(LoginSession).where(LoginSession.token_hash == _hash(token)))
    db.session.commit()


def end_all(user_id: int, *, keep: str | None = None) -> int:
    """End every session of the user but the one `keep` names; how many ended."""
    query = sa.delete(LoginSession).where(LoginSession.user_id == user_id)
    if keep is not None:
        query = query.where(LoginSession.token_hash != _hash(keep))
    ended = rows_changed(db.session.execute(query))
    db.session.commit()
    return ended


def end_one(user_id: int, session_id: int) -> bool:
    """End one session of the user (from the settings list); False if there is none."""
    ended = rows_changed(db.session.execute(sa.delete(LoginSession).where(
        LoginSession.user_id == user_id, LoginSession.id == session_id)))
    db.session.commit()
    return bool(ended)


def of_user(user_id: int) -> list[LoginSession]:
    """The user's sessions, the most recently used first."""
    return list(db.session.scalars(sa.select(LoginSession).where(
        LoginSession.user_id == user_id).order_by(LoginSession.last_seen.desc(),
                                                  LoginSession.id.desc())))


def is_token_of(row: LoginSession, token: str | None) -> bool:
    return token is not None and secrets.compare_digest(row.token_hash, _hash(token))


def _forget_idle(user_id: int, now: datetime | None = None) -> None:
    """Drop the user's sessions idle past any limit, so the list stays short."""
    cutoff = (now or utcnow()) - IDLE_LIMIT
    db.session.execute(sa.delete(LoginSession).where(
        LoginSession.user_id == user_id, LoginSession.remember.is_(False),
        LoginSession.last_seen < cutoff))
