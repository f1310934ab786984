"""The last 24 hours of each listed check, as a strip of coloured spans, and
why each down check is down: from two queries for a whole page of checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from ...core.models import Flip
from ...db import db

HOURS = 24
WIDTH = 96  # the strip's SVG width in user units: 4 per hour
_f = Flip.__table__.c


@dataclass(frozen=True)
class Span:
    x: float
    width: float
    status: str


@dataclass(frozen=True)
class Strip:
    spans: list[Span]
    title: str  # for the hover text and screen readers


def spans_of(flips: list[tuple[datetime, str, str]], current: str, created: datetime,
             now: datetime) -> list[Span]:
    """Pure: the strip of one check from its flips of the window (oldest
    first, as (when, old, new)), its state now and when it was made. Before
    its first flip in the window a check was in that flip's old state; the
    time before it existed is left blank."""
    start = now - timedelta(hours=HOURS)
    scale = WIDTH / (HOURS * 3600)
    edges = [(max(start, created), flips[0][1] if flips else current)]
    edges += [(when, new) for when, _, new in flips]
    spans = []
    for (begin, status), (end, _) in zip(edges, edges[1:] + [(now, "")], strict=True):
        begin = max(begin, start)
        if end > begin:
            spans.append(Span(round((begin - start).total_seconds() * scale, 2),
                              round((end - begin).total_seconds() * scale, 2), status))
    return spans


def strip_title(spans: list[Span]) -> str:
    """'Last 24 h: up 95%, down 5%'."""
    total = sum(s.width for s in spans) or 1
    shares: dict[str, float] = {}
    for s in spans:
        shares[s.status] = shares.get(s.status, 0) + s.width
    words = ", ".join(f"{status} {round(100 * w / total)}%"
                      for status, w in sorted(shares.items(), key=lambda kv: -kv[1]))
    return f"Last {HOURS} h: {words}" if words else f"Last {HOURS} h: no history"


def strips(checks, now: datetime) -> tuple[dict[int, Strip], dict[int, tuple[datetime, str]]]:
    """({check id: strip}, {check id: (down since, reason)} for the down ones)."""
    ids = [c.id for c in checks]
    if not ids:
        return {}, {}
    start = now - timedelta(hours=HOURS)
    window: dict[int, list[tuple[datetime, str, str]]] = {i: [] for i in ids}
    for row in db.session.execute(
            sa.select(_f.check_id, _f.created, _f.old_status, _f.new_status)
            .where(_f.check_id.in_(ids), _f.created >= start).order_by(_f.created, _f.id)):
        window[row.check_id].append((row.created, row.old_status, row.new_status))
    out = {}
    for c in checks:
        spans = spans_of(window[c.id], c.status, c.created, now)
        out[c.id] = Strip(spans, strip_title(spans))
    down = [c.id for c in checks if c.status == "down"]
    reasons = {}
    if down:
        latest = sa.select(sa.func.max(_f.id)).where(_f.check_id.in_(down)) \
            .group_by(_f.check_id)
        for last in db.session.execute(sa.select(_f.check_id, _f.created, _f.reason)
                                       .where(_f.id.in_(latest))):
            reasons[last.check_id] = (last.created, last.reason)
    return out, reasons
