"""Reading a check's flips for a window of time: what `core.downtime` works from.

Kept apart from `downtime`, which stays free of I/O: a check's page and the
public status pages read here, then compute there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from .downtime import Period, down_periods
from .models import Flip, Ping

flips = Flip.__table__
pings = Ping.__table__
MESSAGE_LIMIT = 200  # a ping's body shown in place of a message, at most


@dataclass(frozen=True)
class FlipRow:
    created: datetime
    old_status: str
    new_status: str
    reason: str


@dataclass(frozen=True)
class History:
    """A check's flips within [start, end), oldest first, and its state at `start`."""

    start: datetime
    end: datetime
    status_at_start: str
    flips: list[FlipRow]

    def down_periods(self) -> list[Period]:
        return down_periods(self.flips, self.start, self.end, self.status_at_start)


def flip_history(conn: sa.Connection, check_id: int, start: datetime, end: datetime,
                 current_status: str) -> History:
    """The check's flips in [start, end) and its state at `start`, in one query.

    The query reads from the last flip at or before `start` (whose new state
    is the state at `start`) up to `end`, by the index on check_id. A check
    that had not flipped by `start` was in the state its first flip leaves;
    one that never flipped at all is still in `current_status` (an imported
    check may begin up or paused, with no flip). Only in the rare case of no
    flip before `end` yet one after it does a second query look.
    """
    anchor = (sa.select(sa.func.max(flips.c.created))
              .where(flips.c.check_id == check_id, flips.c.created <= start)
              .scalar_subquery())
    rows = conn.execute(
        sa.select(flips.c.created, flips.c.old_status, flips.c.new_status, flips.c.reason)
        .where(flips.c.check_id == check_id,
               flips.c.created >= sa.func.coalesce(anchor, start), flips.c.created < end)
        .order_by(flips.c.created, flips.c.id)
    ).all()
    found = [FlipRow(r.created, r.old_status, r.new_status, r.reason) for r in rows]
    before = [f for f in found if f.created <= start]
    if before:
        status = before[-1].new_status
    elif found:
        status = found[0].old_status
    else:
        later = conn.execute(
            sa.select(flips.c.old_status)
            .where(flips.c.check_id == check_id, flips.c.created >= end)
            .order_by(flips.c.created, flips.c.id).limit(1)
        ).scalar()
        status = later or current_status
    return History(start, end, status, [f for f in found if f.created > start])


@dataclass(frozen=True)
class DownCause:
    """What put a down check down: when, why (its flip's reason), who (the
    flip's actor), and the message of the ping that did it: None when the
    sweep did it (no ping came) or that ping is no longer kept."""

    since: datetime
    reason: str
    actor: str
    message: str | None


def down_cause(conn: sa.Connection, check_id: int) -> DownCause | None:
    """The cause of the check's latest down, or None if it never went down.

    A ping and the flip it causes are written with one timestamp in one
    transaction (`core.pings`), so the ping is found by the flip's time.
    """
    flip = conn.execute(
        sa.select(flips.c.created, flips.c.reason, flips.c.actor)
        .where(flips.c.check_id == check_id, flips.c.new_status == "down")
        .order_by(flips.c.created.desc(), flips.c.id.desc()).limit(1)
    ).first()
    if flip is None:
        return None
    message = None
    if flip.actor == "ping":
        ping = conn.execute(
            sa.select(pings.c.msg, pings.c.body)
            .where(pings.c.check_id == check_id, pings.c.created == flip.created,
                   pings.c.kind == "fail")
            .order_by(pings.c.n.desc()).limit(1)
        ).first()
        if ping is not None:
            # A Healthchecks-style ping says what went wrong in its body.
            message = ping.msg or (ping.body or b"").decode("utf-8", "replace")[:MESSAGE_LIMIT]
    return DownCause(flip.created, flip.reason, flip.actor, message or None)
