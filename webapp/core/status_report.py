"""The facts a public status page shows: each listed check's state, its days
of uptime, its downtimes, and the page's overall state.

The flips of every listed check are read at once (`flip_histories`: three
queries at most, whatever the number of checks or days); the arithmetic is
`core.downtime`'s. Nothing here is worded: the page and its JSON feed word
and shape these facts (`public.status_pages`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from .downtime import Day, Period, daily_bars, local_midnight, uptime, zone_of
from .history import FlipRow, History
from .models import Flip
from .status_pages import Listed, StatusPage, listed_checks

flips = Flip.__table__
DAYS = 90

OPERATIONAL, PARTIAL, MAJOR = "operational", "partial_outage", "major_outage"
OVERALL_WORDS = {OPERATIONAL: "All systems operational", PARTIAL: "Partial outage",
                 MAJOR: "Major outage"}


@dataclass(frozen=True)
class CheckFacts:
    name: str  # the public name
    state: str  # up, down, paused or new
    uptime: float  # over the days shown, from the check's creation if later
    days: list[Day]  # oldest first
    downtimes: list[Period]  # oldest first


@dataclass(frozen=True)
class Incident:
    check: str  # the public name
    period: Period


@dataclass(frozen=True)
class Report:
    title: str
    description: str
    tz: str
    state: str  # OPERATIONAL, PARTIAL or MAJOR
    checks: list[CheckFacts]
    incidents: list[Incident]  # newest first
    generated_at: datetime

    @property
    def state_words(self) -> str:
        return OVERALL_WORDS[self.state]


def public_state(status: str) -> str:
    """A check's state as the public sees it: "late" and a running job are
    "up" (nobody has been alerted); down, paused and new are themselves."""
    return status if status in ("down", "paused", "new") else "up"


def overall_state(states: list[str]) -> str:
    """The page's state from its checks' public states.

    Only checks being watched count: paused and new ones are expected to be
    silent. None of those down: "All systems operational" (so also a page of
    paused or new checks only). More than half of them down: "Major outage"
    (so a page whose one watched check is down). Otherwise, some down:
    "Partial outage".
    """
    watched = [s for s in states if s in ("up", "down")]
    down = watched.count("down")
    if down == 0:
        return OPERATIONAL
    return MAJOR if down * 2 > len(watched) else PARTIAL


def flip_histories(conn: sa.Connection, current: dict[int, str], start: datetime,
                   end: datetime) -> dict[int, History]:
    """`core.history.flip_history` for many checks (`current`: id -> stored
    status) in at most three queries: the flips in (start, end), each check's
    last flip at or before `start`, and, only for checks with neither, their
    first flip after `end` (whose old state was theirs all along)."""
    ids = list(current)
    if not ids:
        return {}
    inside: dict[int, list[FlipRow]] = defaultdict(list)
    for r in conn.execute(
            sa.select(flips.c.check_id, flips.c.created, flips.c.old_status, flips.c.new_status,
                      flips.c.reason)
            .where(flips.c.check_id.in_(ids), flips.c.created > start, flips.c.created < end)
            .order_by(flips.c.check_id, flips.c.created, flips.c.id)):
        inside[r.check_id].append(FlipRow(r.created, r.old_status, r.new_status, r.reason))
    status = edge_statuses(conn, ids, flips.c.created <= start, last=True)
    for check_id, rows in inside.items():
        status.setdefault(check_id, rows[0].old_status)
    silent = [i for i in ids if i not in status]
    if silent:
        later = edge_statuses(conn, silent, flips.c.created >= end, last=False)
        status.update(later)
    return {i: History(start, end, status.get(i, current[i]), inside.get(i, [])) for i in ids}


def edge_statuses(conn: sa.Connection, ids: list[int], when: sa.ColumnElement[bool],
                  *, last: bool) -> dict[int, str]:
    """Per check, the state its last flip matching `when` left (last=True), or
    the state its first one found (last=False): one query, by a window function."""
    order = ((flips.c.created.desc(), flips.c.id.desc()) if last
             else (flips.c.created, flips.c.id))
    ranked = (sa.select(flips.c.check_id, flips.c.old_status, flips.c.new_status,
                        sa.func.row_number().over(partition_by=flips.c.check_id,
                                                  order_by=order).label("n"))
              .where(flips.c.check_id.in_(ids), when).subquery())
    rows = conn.execute(sa.select(ranked).where(ranked.c.n == 1))
    return {r.check_id: (r.new_status if last else r.old_status) for r in rows}


def check_facts(item: Listed, history: History, now: datetime, tz: str) -> CheckFacts:
    check = item.check
    periods = history.down_periods()
    days = daily_bars(periods, DAYS, now, tz, since=check.created)
    return CheckFacts(item.name, public_state(check.status),
                      uptime(periods, days[0].start, now, since=check.created), days, periods)


def build_report(conn: sa.Connection, page: StatusPage, now: datetime) -> Report:
    """Everything the page shows, as of `now`."""
    listed = listed_checks(page)
    # The first of the days shown begins at a local midnight: read from there.
    zone = zone_of(page.tz)
    start = local_midnight(now.astimezone(zone).date() - timedelta(days=DAYS - 1), zone)
    histories = flip_histories(conn, {i.check.id: i.check.status for i in listed}, start, now)
    facts = [check_facts(i, histories[i.check.id], now, page.tz) for i in listed]
    incidents = sorted((Incident(f.name, p) for f in facts for p in f.downtimes),
                       key=lambda i: (i.period.start, i.check), reverse=True)
    return Report(page.title, page.description, page.tz,
                  overall_state([f.state for f in facts]), facts, incidents, now)
