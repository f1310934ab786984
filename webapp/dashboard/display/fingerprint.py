"""Did anything a check's page shows change? A short hash, from one narrow query.

A check's status card refreshes itself every few seconds. Most refreshes
find nothing new, so the page sends the fingerprint it was drawn with, and an
unchanged one is answered 204 without loading or rendering anything. (The
checks list asks `core.changes` instead: hashing every row of a project
would cost time in proportion to its checks.)
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa

from ...core.models import Check
from ...core.schedules import schedule_of
from ...core.transitions import shown_status
from ...db import db
from .event_log import delivery_state

# Every column but the description: what the list and a check's status card
# show, and what decides the state they derive.
_COLUMNS = [c for c in Check.__table__.c if c.name != "desc"]


def check_fingerprint(check_id: int, timezone: str, now: datetime) -> str:
    """A short hash of what a check's status card and event log show (the
    log lists failing deliveries too: they change no column of the check)."""
    return _fingerprint(Check.id == check_id, timezone, now, extra=delivery_state(check_id))


def _fingerprint(where: sa.ColumnElement[bool], timezone: str, now: datetime,
                 extra: tuple = ()) -> str:
    # The derived state goes into the hash beside the stored one: "late" is
    # the clock passing next_ping, with no write to the row; it is derived by
    # the rule Check.get_status uses, from the bare row, without loading ORM
    # objects. The relative times ("3 minutes ago") are kept fresh by the
    # browser and need not be hashed.
    digest = hashlib.sha256(timezone.encode() + repr(extra).encode())
    for row in db.session.execute(sa.select(*_COLUMNS).where(where).order_by(Check.id)):
        status = shown_status(row.status, schedule_of(row), row.last_start, row.next_ping, now)
        digest.update(repr((tuple(row), status)).encode())
    return digest.hexdigest()[:20]
