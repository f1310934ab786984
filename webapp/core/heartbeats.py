"""Heartbeats: recording that a part of the installation ran, and reading when.

The sweep writes its own and the job loop's (the job loop must never wait on
the database for it), at most once a second; the web writes its address when
it starts. Readers compare the times with the clock: see `alerts.health`.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..db import db, rows_changed
from .models import Heartbeat

beats = Heartbeat.__table__


def beat(name: str, at: datetime, detail: str | None = None) -> None:
    """Record that `name` ran at `at` (with its detail, for the web); commits."""
    values: dict[str, object] = {"at": at}
    if detail is not None:
        values["detail"] = detail
    if not rows_changed(db.session.execute(
            sa.update(beats).where(beats.c.name == name).values(values))):
        try:
            db.session.execute(sa.insert(beats).values(name=name, detail=detail or "", at=at))
        except sa.exc.IntegrityError:  # another process made the row first: ours is as good
            db.session.rollback()
            return
    db.session.commit()


def last_beats() -> dict[str, Heartbeat]:
    """Each part's row; a part that never ran has none."""
    return {row.name: row for row in db.session.scalars(sa.select(Heartbeat))}


def web_address() -> str | None:
    """The address the web recorded when it started, if it did."""
    return db.session.scalar(sa.select(beats.c.detail).where(beats.c.name == "web")) or None
