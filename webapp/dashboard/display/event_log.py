"""A check's event log: its pings, its state changes and the alerts that could not
be delivered, newest first, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ...core.models import Flip, Notification, Ping
from ...db import db

PER_PAGE = 25

# The deliveries the log shows: those given up on, and those still being
# retried after a second try failed too. One failed try is routine (the retry
# comes 5 s later) and would only be noise.
TROUBLED = sa.or_(Notification.status == "failed",
                  sa.and_(Notification.status == "pending", Notification.attempts > 1))


@dataclass(frozen=True)
class Event:
    created: datetime
    ping: Ping | None = None
    flip: Flip | None = None
    note: Notification | None = None

    @property
    def sort_key(self):
        # A ping, the flip it caused and that flip's alerts share one
        # timestamp; each is the consequence of the one before, so
        # newest-first lists alerts above their flip above its ping.
        if self.note:
            return (self.created, 2, self.note.id)
        if self.flip:
            return (self.created, 1, self.flip.id)
        assert self.ping is not None  # an event is a ping, a flip or a note
        return (self.created, 0, self.ping.n)


@dataclass(frozen=True)
class EventPage:
    events: list[Event]
    page: int
    pages: int
    total: int

    @property
    def has_newer(self) -> bool:
        return self.page > 1

    @property
    def has_older(self) -> bool:
        return self.page < self.pages


def count(where: sa.ColumnElement[bool]) -> int:
    return db.session.execute(sa.select(sa.func.count()).where(where)).scalar_one()


def event_page(check_id: int, page: int, per_page: int = PER_PAGE) -> EventPage:
    """Page `page` (from 1) of the merged log.

    The three tables are read newest first up to the end of the page and
    merged. A check keeps at most PING_RETENTION pings, so even the last page
    reads a bounded number of rows.
    """
    notes_where = sa.and_(Notification.check_id == check_id, TROUBLED)
    n_pings = count(Ping.check_id == check_id)
    n_flips = count(Flip.check_id == check_id)
    n_notes = count(notes_where)
    total = n_pings + n_flips + n_notes
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    upto = page * per_page
    pings = db.session.scalars(sa.select(Ping).where(Ping.check_id == check_id)
                               .order_by(Ping.n.desc()).limit(upto))
    flips = db.session.scalars(sa.select(Flip).where(Flip.check_id == check_id)
                               .order_by(Flip.created.desc(), Flip.id.desc()).limit(upto))
    notes: list[Notification] = []
    if n_notes:
        notes = list(db.session.scalars(
            sa.select(Notification).where(notes_where)
            .order_by(Notification.created.desc(), Notification.id.desc()).limit(upto)))
    merged = ([Event(p.created, ping=p) for p in pings] + [Event(f.created, flip=f) for f in flips]
              + [Event(n.created, note=n) for n in notes])
    merged.sort(key=lambda e: e.sort_key, reverse=True)
    return EventPage(merged[upto - per_page:upto], page, pages, total)


def delivery_state(check_id: int) -> tuple:
    """Changes whenever the log's delivery rows do: a row joins, fails or is retried."""
    row = db.session.execute(
        sa.select(sa.func.count(), sa.func.max(Notification.id), sa.func.sum(Notification.attempts),
                  sa.func.count().filter(Notification.status == "failed"))
        .where(Notification.check_id == check_id, TROUBLED)
    ).one()
    return tuple(row)


def value_points(check_id: int, limit: int = 100) -> list[tuple[datetime, float]]:
    """The most recent pings that carried a value, oldest first, for the chart."""
    rows = db.session.execute(
        sa.select(Ping.created, Ping.value)
        .where(Ping.check_id == check_id, Ping.value.is_not(None))
        .order_by(Ping.n.desc()).limit(limit)
    ).all()
    return [(r.created, r.value) for r in reversed(rows)]


def duration_points(check_id: int, limit: int = 100) -> list[tuple[datetime, float, str]]:
    """The most recent runs that signalled their start, oldest first: when each
    ended, how long it took, and whether it succeeded or failed."""
    rows = db.session.execute(
        sa.select(Ping.created, Ping.duration, Ping.kind)
        .where(Ping.check_id == check_id, Ping.duration.is_not(None),
               Ping.kind.in_(("success", "fail")))
        .order_by(Ping.n.desc()).limit(limit)
    ).all()
    return [(r.created, r.duration, r.kind) for r in reversed(rows)]
