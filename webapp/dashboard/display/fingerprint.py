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

# Every column but the description: what a check's status card shows, and
# what decides the state it derives.
_COLUMNS = [c for c in Check.__table__.c if c.name != "desc"]


def check_fingerprint(check_id: int, timezone: str, now: datetime) -> str:
    """A short hash of what a check's status card and event log show (the
    log lists failing deliveries too: they change no column of the check)."""
    # The derived state goes into the hash beside the stored one: "late" is
    # the clock passing next_ping, with no write to the row; it is derived by
    # the rule Check.get_status uses, from the bare row, without loading ORM
    # objects. The relative times ("3 minutes ago") are kept fresh by the
    # browser and need not be hashed.
    digest = hashlib.sha256(timezone.encode() + repr(delivery_state(check_id)).encode())
    row = db.session.execute(sa.select(*_COLUMNS).where(Check.id == check_id)).first()
    if row is not None:
        status = shown_status(row.status, schedule_of(row), row.last_start, row.next_ping, now)
        digest.update(repr((tuple(row), status)).encode())
    return digest.hexdigest()[:20]
