"""Dependencies: a check that depends on others is not alerted alone while one
of them is down ("about 30 alerts from one host failure", Uptime Kuma #1089;
Healthchecks #316, open since 2019: neither has a behaviour or a test to port).

A check names its parents (`depends_on`, checks of its own project). While a
parent is down, the child's downs are recorded and held (`core.holds`); the
parent's alert lists the children that are down too. When no parent is down
any more, each child still down is sent once; a child that recovered
meanwhile sends nothing, since nobody heard of its down.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..db import db
from .errors import FieldError
from .models import Check, check_dependencies

checks = Check.__table__
edges = check_dependencies
MAX_PARENTS = 50


def parse_depends_on(value: Any) -> list[str]:
    """The `depends_on` field: a list of check uuids (empty: depends on nothing)."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FieldError("depends_on must be a list of check uuids")
    if len(value) > MAX_PARENTS:
        raise FieldError(f"depends_on may name at most {MAX_PARENTS} checks")
    return list(dict.fromkeys(v.strip() for v in value))


def find_loop(parents_of: dict[int, set[int]], child: int, parents: set[int]) -> list[int] | None:
    """The loop that making `child` depend on `parents` would close, as the path
    child -> ... -> child; None when there is none. Pure: `parents_of` is the
    project's graph as it is (child id -> its parent ids)."""
    graph = {**parents_of, child: set(parents)}
    path: list[int] = [child]
    seen: set[int] = set()

    def walk(node: int) -> bool:
        for parent in sorted(graph.get(node, ())):
            if parent == child:
                path.append(child)
                return True
            if parent in seen:
                continue
            seen.add(parent)
            path.append(parent)
            if walk(parent):
                return True
            path.pop()
        return False

    return path if walk(child) else None


def project_graph(project_id: int) -> dict[int, set[int]]:
    """Every dependency among the project's checks: child id -> parent ids."""
    rows = db.session.execute(
        sa.select(edges.c.child_id, edges.c.parent_id)
        .join(checks, checks.c.id == edges.c.child_id)
        .where(checks.c.project_id == project_id)
    )
    graph: dict[int, set[int]] = {}
    for row in rows:
        graph.setdefault(row.child_id, set()).add(row.parent_id)
    return graph


def resolve_parents(check: Check, uuids: list[str]) -> list[Check]:
    """The checks `uuids` name, all of `check`'s project; refuses a check it
    cannot see, itself, and a loop (naming it)."""
    if not uuids:
        return []
    with db.session.no_autoflush:  # a new check is not in the session yet
        found = {c.uuid: c for c in db.session.scalars(
            sa.select(Check).where(Check.project_id == check.project_id, Check.uuid.in_(uuids)))}
    for uuid in uuids:
        if uuid not in found:
            raise FieldError(f"depends_on: no check {uuid[:40]!r} in this project")
        if check.uuid is not None and uuid == check.uuid:
            raise FieldError("depends_on: a check cannot depend on itself")
    parents = [found[u] for u in uuids]
    if check.id is not None:
        loop = find_loop(project_graph(check.project_id), check.id, {p.id for p in parents})
        if loop:
            names = {p.id: p for p in parents} | {check.id: check}
            missing = [i for i in loop if i not in names]
            names |= {c.id: c for c in db.session.scalars(sa.select(Check)
                                                           .where(Check.id.in_(missing)))}
            said = " → ".join(names[i].name or names[i].uuid for i in loop)
            raise FieldError(f"depends_on would make a loop: {said}")
    return parents


def children_of(check: Check) -> list[Check]:
    """The checks that depend on this one, oldest first (its page links them)."""
    return list(db.session.scalars(
        sa.select(Check).join(edges, edges.c.child_id == Check.id)
        .where(edges.c.parent_id == check.id).order_by(Check.id)))


def parents_down(conn: sa.Connection, check_id: int) -> list[str]:
    """The names of the check's parents that are down now."""
    return down_across(conn, check_id, edges.c.child_id, edges.c.parent_id)


def children_down(conn: sa.Connection, check_id: int) -> list[str]:
    """The names of the checks that depend on this one and are down now."""
    return down_across(conn, check_id, edges.c.parent_id, edges.c.child_id)


def down_across(conn: sa.Connection, check_id: int, this_side, other_side) -> list[str]:
    """The names (or uuids) of the checks on `other_side` of the check's
    dependencies that are down now."""
    return list(conn.execute(
        sa.select(sa.case((checks.c.name == "", checks.c.uuid), else_=checks.c.name))
        .select_from(edges.join(checks, checks.c.id == other_side))
        .where(this_side == check_id, checks.c.status == "down")
        .order_by(checks.c.id)
    ).scalars())


def wake_children(conn: sa.Connection, check_id: int, now: datetime) -> None:
    """The check is no longer down: its held children are looked at again now
    (the sweep sends what each still owes, `core.holds.release`)."""
    children = sa.select(edges.c.child_id).where(edges.c.parent_id == check_id)
    conn.execute(sa.update(checks)
                 .where(checks.c.id.in_(children), checks.c.release_at.is_not(None))
                 .values(release_at=now))
