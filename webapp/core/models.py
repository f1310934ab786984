"""The data model: checks, their pings, flips and notifications, and the
channels alerts go to (who owns them lives in `accounts`, re-exported here)."""

from __future__ import annotations

import re
import uuid as uuidlib
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..db import Model, db
from ..db.secrets import EncryptedJSON, EncryptedText, unreadable
from ..db.types import BigId, UTCDateTime
from .accounts import (
    ROLES,
    ApiKey,
    Invitation,
    LoginSession,
    Membership,
    Project,
    User,
    hash_key,
    new_ping_key,
)
from .schedules import Schedule, schedule_of
from .times import utcnow
from .transitions import shown_status

__all__ = ["ROLES", "ApiKey", "Channel", "Check", "Flip", "Heartbeat", "Invitation",
           "LoginSession", "MaintenanceWindow", "Membership", "Notification", "Ping", "Project",
           "User", "hash_key", "new_ping_key", "normalize_tags", "slugify"]


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:100]


def normalize_tags(tags: str | list[str]) -> str:
    """Tags arrive space- or comma-separated (or as a list); stored space-separated."""
    if isinstance(tags, str):
        tags = re.split(r"[\s,]+", tags)
    seen: list[str] = []
    for tag in tags:
        tag = tag.strip()
        if tag and tag not in seen:
            seen.append(tag)
    return " ".join(seen)


class Check(Model):
    __tablename__ = "checks"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # The uuid is also the secret ping token, as in Healthchecks.
    uuid: so.Mapped[str] = so.mapped_column(
        sa.String(36), unique=True, default=lambda: str(uuidlib.uuid4())
    )
    project_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    # An imported Uptime Kuma or Tianji monitor's own push token, so that its
    # old /api/push/<token> URL keeps working; None for a check made here.
    push_token: so.Mapped[str | None] = so.mapped_column(sa.String(128), unique=True)
    # Names the check in its public badge URLs, as Healthchecks' badge_key
    # does: never the uuid, which would let anyone who sees a badge ping it.
    badge_key: so.Mapped[str] = so.mapped_column(
        sa.String(36), unique=True, default=lambda: str(uuidlib.uuid4())
    )
    name: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    slug: so.Mapped[str] = so.mapped_column(sa.String(100), default="", index=True)
    tags: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    desc: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    kind: so.Mapped[str] = so.mapped_column(sa.String(10), default="simple")
    timeout: so.Mapped[int] = so.mapped_column(default=86400)
    grace: so.Mapped[int] = so.mapped_column(default=3600)
    schedule: so.Mapped[str] = so.mapped_column(sa.String(100), default="* * * * *")
    tz: so.Mapped[str] = so.mapped_column(sa.String(64), default="UTC")
    grace_to_end_of_day: so.Mapped[bool] = so.mapped_column(default=False)
    methods: so.Mapped[str] = so.mapped_column(sa.String(10), default="")
    manual_resume: so.Mapped[bool] = so.mapped_column(default=False)
    # How long a started run may take before the check goes down; None: grace.
    max_runtime: so.Mapped[int | None]
    # The shortest a started run may take: a success sooner is a failure
    # (a backup that "finished" in 2 s did not run). None: any length.
    min_runtime: so.Mapped[int | None]
    # While down, remind every nag_period seconds (0: never); next_nag is when.
    nag_period: so.Mapped[int] = so.mapped_column(default=0)
    next_nag: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime, index=True)
    # Explicit failures in a row needed to go down, and the current run of them.
    failure_threshold: so.Mapped[int] = so.mapped_column(default=1)
    fail_count: so.Mapped[int] = so.mapped_column(default=0)
    # Snoozed: nothing is sent until then (or, with mute_until_up, until the
    # check is next up); its state and history go on as ever.
    muted_until: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    mute_until_up: so.Mapped[bool] = so.mapped_column(default=False)
    # Flapping: more than flap_threshold changes of state within flap_window
    # seconds send one message and hold the rest until it is stable (0: off).
    flap_threshold: so.Mapped[int] = so.mapped_column(default=6)
    flap_window: so.Mapped[int] = so.mapped_column(default=3600)
    flapping_since: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # What people were last sent of its state ("down" or "up"; None: nothing
    # yet, or not since a pause): a recovery is sent only after a sent down,
    # and an alert held back (`core.holds`) is owed only where this differs.
    alerted: so.Mapped[str | None] = so.mapped_column(sa.String(10))
    # An alert was held back (a parent down, maintenance, flapping): the sweep
    # looks at the check again then, to send what is owed once the hold ends.
    release_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime, index=True)
    # A ping whose value falls outside these bounds counts as a failure.
    value_min: so.Mapped[float | None]
    value_max: so.Mapped[float | None]
    # Healthchecks' keyword filters: words in a ping that make it a start, a
    # success or a failure, and what they are looked for in.
    start_kw: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    success_kw: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    failure_kw: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    filter_subject: so.Mapped[bool] = so.mapped_column(default=False)
    filter_body: so.Mapped[bool] = so.mapped_column(default=False)
    filter_default_fail: so.Mapped[bool] = so.mapped_column(default=False)

    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="new")
    n_pings: so.Mapped[int] = so.mapped_column(default=0)
    last_ping: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    last_start: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    last_start_rid: so.Mapped[str | None] = so.mapped_column(sa.String(36))
    last_duration: so.Mapped[float | None]
    last_msg: so.Mapped[str | None] = so.mapped_column(sa.String(1000))
    last_value: so.Mapped[float | None]
    # When the next ping is expected, and when the check goes down without it.
    # Only checks that can go down have alert_after; the sweep reads it by index.
    next_ping: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime, index=True)
    # The next_ping a "late" notice was sent for, so each lateness sends one.
    late_noticed: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    alert_after: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime, index=True)
    created: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    project: so.Mapped[Project] = so.relationship()
    channels: so.Mapped[list[Channel]] = so.relationship(
        secondary="check_channels", back_populates="checks", order_by="Channel.id"
    )
    # The checks this one depends on: while one of them is down, this one's
    # downs are recorded and not sent alone (`core.dependencies`).
    parents: so.Mapped[list[Check]] = so.relationship(
        secondary="check_dependencies", primaryjoin="Check.id == check_dependencies.c.child_id",
        secondaryjoin="Check.id == check_dependencies.c.parent_id", order_by="Check.id",
    )

    @property
    def schedule_spec(self) -> Schedule:
        return schedule_of(self)

    @property
    def tag_list(self) -> list[str]:
        return self.tags.split()

    def rotate_token(self) -> None:
        """A new secret uuid: every URL built on the old one answers 404 from now on,
        and so does the push URL of a push token kept from an import."""
        self.uuid = str(uuidlib.uuid4())
        self.push_token = None

    def get_status(self, now: datetime | None = None) -> str:
        """The stored state, with 'started' and 'late' derived from it."""
        return shown_status(self.status, self.schedule_spec, self.last_start, self.next_ping,
                            now or utcnow())


check_channels = sa.Table(
    "check_channels",
    db.metadata,
    sa.Column("check_id", sa.ForeignKey("checks.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("channel_id", sa.ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True),
)


check_dependencies = sa.Table(
    "check_dependencies",
    db.metadata,
    sa.Column("child_id", sa.ForeignKey("checks.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("parent_id", sa.ForeignKey("checks.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)


# A project's change counter, in shards; the database's own triggers bump it
# with every write to checks or maintenance_windows (migration 0017), and
# `core.changes` reads it.
project_changes = sa.Table(
    "project_changes",
    db.metadata,
    sa.Column("project_id", sa.Integer, primary_key=True),
    sa.Column("shard", sa.Integer, primary_key=True),
    sa.Column("n", sa.BigInteger, nullable=False),
)


class Channel(Model):
    """Where a project's alerts go: email addresses, a webhook, or an Apprise URL."""

    __tablename__ = "channels"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # The id the API shows: a UUID, as Healthchecks' clients expect.
    code: so.Mapped[str] = so.mapped_column(
        sa.String(36), unique=True, default=lambda: str(uuidlib.uuid4())
    )
    project_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    kind: so.Mapped[str] = so.mapped_column(sa.String(20))  # email | webhook | apprise
    name: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    # email: addresses, comma-separated; webhook and apprise: the URL.
    # Encrypted at rest, as the headers are: URLs carry tokens. Nothing may
    # filter or sort by these two columns (the ciphertext orders nothing).
    value: so.Mapped[str] = so.mapped_column(EncryptedText)
    # webhook only: extra request headers, as a JSON object.
    headers: so.Mapped[dict] = so.mapped_column(EncryptedJSON, default=dict)
    # Which events it is sent, space-separated (down, up, reminder), and how
    # long a down must last before it is: a simple escalation, cancelled by a
    # recovery within the delay.
    events: so.Mapped[str] = so.mapped_column(sa.String(50), default="down up reminder")
    delay: so.Mapped[int] = so.mapped_column(default=0)
    created: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    project: so.Mapped[Project] = so.relationship()
    checks: so.Mapped[list[Check]] = so.relationship(
        secondary="check_channels", back_populates="channels"
    )

    @property
    def settings_unreadable(self) -> bool:
        """Whether its value or headers were saved under a SECRET_KEY no longer set."""
        return unreadable(self.value) or unreadable(self.headers)


class MaintenanceWindow(Model):
    """A time when a project's checks (chosen ones, those with chosen tags, or
    all) are expected to misbehave: their flips are recorded, not sent
    (`core.maintenance`; its times in `core.maintenance_times`)."""

    __tablename__ = "maintenance_windows"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    code: so.Mapped[str] = so.mapped_column(
        sa.String(36), unique=True, default=lambda: str(uuidlib.uuid4())
    )
    project_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    name: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    # One-off: start to end. Recurring: at each firing of `schedule` (cron) in
    # `tz`, for `duration` seconds, from `start` on.
    start: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    end: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    schedule: so.Mapped[str] = so.mapped_column(sa.String(100), default="")
    duration: so.Mapped[int] = so.mapped_column(default=0)
    tz: so.Mapped[str] = so.mapped_column(sa.String(64), default="UTC")
    # Covers the checks with any of these tags and the checks chosen; neither: all.
    tags: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    ended_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    checks: so.Mapped[list[Check]] = so.relationship(secondary="maintenance_checks",
                                                     order_by="Check.id")


maintenance_checks = sa.Table(
    "maintenance_checks",
    db.metadata,
    sa.Column("window_id", sa.ForeignKey("maintenance_windows.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("check_id", sa.ForeignKey("checks.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)


class Ping(Model):
    __tablename__ = "pings"
    __table_args__ = (
        # Pruning deletes by (check_id, n) range: an index probe, never a table scan.
        sa.Index("ix_pings_check_id_n", "check_id", "n", unique=True),
        # Finding the start of run `rid`; partial, so pings without one cost nothing.
        sa.Index("ix_pings_check_id_rid", "check_id", "rid",
                 sqlite_where=sa.text("rid IS NOT NULL"),
                 postgresql_where=sa.text("rid IS NOT NULL")),
    )

    id: so.Mapped[int] = so.mapped_column(BigId, primary_key=True)
    check_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("checks.id", ondelete="CASCADE")
    )
    n: so.Mapped[int]
    created: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    kind: so.Mapped[str] = so.mapped_column(sa.String(10), default="success")
    scheme: so.Mapped[str] = so.mapped_column(sa.String(10), default="http")
    method: so.Mapped[str] = so.mapped_column(sa.String(10), default="GET")
    remote_addr: so.Mapped[str] = so.mapped_column(sa.String(64), default="")
    ua: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    msg: so.Mapped[str | None] = so.mapped_column(sa.String(1000))
    value: so.Mapped[float | None]
    rid: so.Mapped[str | None] = so.mapped_column(sa.String(36))
    exitstatus: so.Mapped[int | None]
    # Seconds since the start of this ping's run, when one was signalled.
    duration: so.Mapped[float | None]
    body: so.Mapped[bytes | None] = so.mapped_column(sa.LargeBinary)


class Flip(Model):
    """A change of a check's state: when, from what to what, why and by whom."""

    __tablename__ = "flips"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    check_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("checks.id", ondelete="CASCADE"), index=True
    )
    created: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    old_status: so.Mapped[str] = so.mapped_column(sa.String(10))
    new_status: so.Mapped[str] = so.mapped_column(sa.String(10))
    reason: so.Mapped[str] = so.mapped_column(sa.String(200), default="")
    actor: so.Mapped[str] = so.mapped_column(sa.String(50), default="")


class Notification(Model):
    """One message to one channel about a flip or a reminder: the outbox row
    its delivery job works from."""

    __tablename__ = "notifications"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # The flip this is about; a reminder refers to the flip that put the check down.
    flip_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("flips.id", ondelete="CASCADE"), index=True
    )
    check_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("checks.id", ondelete="CASCADE"), index=True
    )
    # None: a member's own address (a project that has no channels at all).
    channel_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("channels.id", ondelete="CASCADE"), index=True
    )
    event: so.Mapped[str] = so.mapped_column(sa.String(10), default="down")  # down|up|reminder
    kind: so.Mapped[str] = so.mapped_column(sa.String(20), default="email")
    # What to send to, copied from the channel when the row is made: as
    # secret as the channel's value, so encrypted alike.
    target: so.Mapped[str] = so.mapped_column(EncryptedText)
    status: so.Mapped[str] = so.mapped_column(sa.String(10), default="pending", index=True)
    attempts: so.Mapped[int] = so.mapped_column(default=0)
    error: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    created: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    sent: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # A sender holds the row until lease_until; a lease that ran out means the
    # sender died, so the sweep may hand the row to a new job.
    lease_until: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # The job that is to make the next attempt; None while a retry waits for
    # next_attempt, when the sweep starts one (the backoff lives here, not in Redis).
    job_id: so.Mapped[str | None] = so.mapped_column(sa.String(64))
    next_attempt: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Part of an alert storm (`core.storms`): sent with the channel's other
    # grouped rows as one message when the storm's window ends (next_attempt).
    grouped: so.Mapped[bool] = so.mapped_column(default=False)

    flip: so.Mapped[Flip | None] = so.relationship()
    check: so.Mapped[Check] = so.relationship()
    channel: so.Mapped[Channel | None] = so.relationship()


class Heartbeat(Model):
    """When a part of the installation last ran: the sweep, the job loop, the web.

    One row each, written by whichever process runs that part, so /health and
    the dashboard can tell a worker that stopped from one that is merely idle.
    """

    __tablename__ = "heartbeats"

    name: so.Mapped[str] = so.mapped_column(sa.String(20), primary_key=True)
    at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # The web: the address it serves, for links written where there is no request.
    detail: so.Mapped[str] = so.mapped_column(sa.Text, default="")
