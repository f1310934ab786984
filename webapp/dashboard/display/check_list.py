"""One page of a project's checks list, from one narrow read of every check.

Sorting by state, counting states and filtering need a few columns of every
check; rendering needs the whole check, but only for the rows on the page.
So every check is read as a light row (no ORM objects: at 10,000 checks
building them cost more than the query), and only the page's checks are
loaded in full.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa

from ...core.changes import check_times, next_shown_change
from ...core.models import Check
from ...core.schedules import Schedule, schedule_of
from ...core.transitions import shown_status
from ...db import db
from .list_filter import STATUS_ORDER, ListFilter, sort_checks

# Rows per page: enough for a screenful or three; the checks in trouble come
# first, so the first page is the one that matters.
PAGE_SIZE = 100

_c = Check.__table__.c
_COLUMNS = (_c.id, _c.name, _c.tags, _c.status, _c.last_ping, _c.next_ping, _c.last_start,
            _c.muted_until, _c.kind, _c.timeout, _c.grace, _c.schedule, _c.tz,
            _c.grace_to_end_of_day, _c.max_runtime)


NO_RUN = Schedule()  # what the state reads of a schedule when no run is open: nothing


class Entry(NamedTuple):
    id: int
    name: str
    tag_list: tuple[str, ...]
    status: str  # as shown, with "late" and "started"
    last_ping: datetime | None


@dataclass
class ListPage:
    every: list[Entry]
    matching: list[Entry]  # the tags and words, any state
    shown: list[Entry]  # matching, in the asked-for state, sorted
    checks: list[Check]  # the page's rows, in full
    page: int
    pages: int
    next_change: datetime | None  # when the clock alone changes a row
    counts: dict[str, int] = field(default_factory=dict)  # per state, of `matching`

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1 if self.shown else 0

    @property
    def last(self) -> int:
        return min(self.page * PAGE_SIZE, len(self.shown))


def list_page(project_id: int, args, now: datetime) -> tuple[ListPage, ListFilter]:
    """The page the request's arguments ask for, and the filter they make."""
    every: list[Entry] = []
    times: list[datetime] = []
    for row in db.session.execute(sa.select(*_COLUMNS).where(_c.project_id == project_id)):
        # Only a run's start makes the state depend on the schedule (its run
        # limit): building a Schedule for every row cost more than reading it.
        schedule = schedule_of(row) if row.last_start is not None else NO_RUN
        status = shown_status(row.status, schedule, row.last_start, row.next_ping, now)
        every.append(Entry(row.id, row.name, tuple(row.tags.split()), status, row.last_ping))
        times.extend(check_times(row.status, schedule, row.next_ping, row.last_start,
                                 row.muted_until))
    flt = ListFilter.from_args(args, {t for e in every for t in e.tag_list})
    matching = [e for e in every if flt.matches(e)] if flt.active else every
    counts = {s: 0 for s in STATUS_ORDER}
    for e in matching:
        counts[e.status] = counts.get(e.status, 0) + 1
    shown = sort_checks([e for e in matching if not flt.state or e.status == flt.state],
                        flt.sort)
    pages = max(1, math.ceil(len(shown) / PAGE_SIZE))
    page = min(flt.page, pages)
    ids = [e.id for e in shown[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]]
    loaded = {c.id: c for c in db.session.scalars(sa.select(Check).where(Check.id.in_(ids)))} \
        if ids else {}
    return ListPage(every, matching, shown, [loaded[i] for i in ids if i in loaded], page,
                    pages, next_shown_change(times, now), counts), flt
