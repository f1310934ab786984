"""Who uses Heartbeats: users, the projects they share, their members,
invitations and API keys, and the logged-in browsers of each user."""

from __future__ import annotations

import hashlib
import secrets
import uuid as uuidlib
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import Model, db
from ..db.types import UTCDateTime
from .times import utcnow


class User(UserMixin, Model):
    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    email: so.Mapped[str] = so.mapped_column(sa.String(254), unique=True)
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(255))
    timezone: so.Mapped[str] = so.mapped_column(sa.String(64), default="UTC")
    # Whether that zone is the person's choice (at sign-up, in settings, or
    # adopted from their browser once): until it is, a login may adopt the
    # browser's (core.users.adopt_browser_timezone).
    timezone_chosen: so.Mapped[bool] = so.mapped_column(default=False)
    created: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    def set_password(self, password: str) -> None:
        # Werkzeug's default is scrypt, a memory-hard KDF.
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)


def new_ping_key() -> str:
    # 22 URL-safe characters: never shaped like a UUID, so /ping/<x>/<y> can
    # tell a slug URL from a uuid URL with an action.
    return secrets.token_urlsafe(16)


ROLES = ("owner", "member", "viewer")


class Project(Model):
    """What a team shares: checks, channels, API keys, a ping key and a badge key.

    As in Healthchecks, so that its projects, their keys and their URLs map
    one to one. People reach a project through a Membership with a role.
    """

    __tablename__ = "projects"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # Names the project in dashboard URLs (/projects/<code>/), guessable by nobody.
    code: so.Mapped[str] = so.mapped_column(
        sa.String(36), unique=True, default=lambda: str(uuidlib.uuid4())
    )
    name: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    # Names checks by slug in ping URLs (/ping/<ping_key>/<slug>), as in Healthchecks.
    ping_key: so.Mapped[str] = so.mapped_column(
        sa.String(32), unique=True, default=lambda: new_ping_key()
    )
    # Signs the project's public badge URLs: rotating it breaks every old badge
    # link. Room for 36 characters: an imported Healthchecks project's is a uuid.
    badge_key: so.Mapped[str] = so.mapped_column(
        sa.String(36), unique=True, default=lambda: new_ping_key()
    )
    created: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class Membership(Model):
    """A user's place in a project: owner (everything), member (read-write) or
    viewer (sees all but secrets, changes nothing). Each project has one owner."""

    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("project_id", "user_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    project_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    role: so.Mapped[str] = so.mapped_column(sa.String(10))
    # "Email me this project's alerts": heard when the project has no channels.
    alerts: so.Mapped[bool] = so.mapped_column(default=True)
    created: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    project: so.Mapped[Project] = so.relationship()
    user: so.Mapped[User] = so.relationship()


class Invitation(Model):
    """An owner's invitation of an email address to a project, until it is
    accepted or revoked; the link mailed out names this row (signed, expiring)."""

    __tablename__ = "invitations"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    project_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    email: so.Mapped[str] = so.mapped_column(sa.String(254))
    role: so.Mapped[str] = so.mapped_column(sa.String(10))
    invited_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    project: so.Mapped[Project] = so.relationship()
    invited_by: so.Mapped[User | None] = so.relationship()


def hash_key(key: str) -> str:
    # API keys are long random strings, so a fast hash is enough: there is no
    # dictionary to attack, and every API request pays for this hash.
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKey(Model):
    __tablename__ = "api_keys"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    project_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    label: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    # A read-only key lists and reads (as Healthchecks' read-only keys do); it writes nothing.
    read_only: so.Mapped[bool] = so.mapped_column(default=False)
    prefix: so.Mapped[str] = so.mapped_column(sa.String(12))
    key_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Who made it: shown beside it, and its keys go with a member who leaves or
    # is removed. None for keys made before this was kept, or by a deleted user.
    created_by_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    project: so.Mapped[Project] = so.relationship()
    created_by: so.Mapped[User | None] = so.relationship()

    @classmethod
    def issue(cls, project: Project, label: str = "", *, read_only: bool = False,
              created_by: User | None = None) -> tuple[ApiKey, str]:
        """A new key row and the key itself, which is shown once and never stored."""
        key = "hb_" + secrets.token_urlsafe(30)
        row = cls(project=project, label=label, read_only=read_only, prefix=key[:8],
                  key_hash=hash_key(key), created_by=created_by)
        return row, key

    @classmethod
    def find(cls, key: str) -> ApiKey | None:
        """The row of the key `key`, by its hash; None for a wrong key."""
        return db.session.scalar(sa.select(cls).where(cls.key_hash == hash_key(key)))


class LoginSession(Model):
    """One logged-in browser: what its cookies name, so that it can be ended.

    The session cookie and the remember cookie carry a random token whose hash
    is kept here (a copy of the table logs nobody in); logging out, a password
    change or "log out everywhere" deletes rows, and a cookie whose row is gone
    logs nobody in, however long the cookie itself would have lasted.
    """

    __tablename__ = "login_sessions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    # "Keep me logged in": a remember cookie may bring this session back.
    remember: so.Mapped[bool] = so.mapped_column(default=False)
    created: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_seen: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Shown in settings, so people can tell their sessions apart.
    user_agent: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    address: so.Mapped[str] = so.mapped_column(sa.String(45), default="")

    user: so.Mapped[User] = so.relationship()
