"""Maintenance windows: while one covers a check, its flips are recorded and
not sent, and a deadline its job misses gives it a fresh period instead.

What happens at the end follows from the holds (`core.holds`) and what people
were last sent (`Check.alerted`): a check that is down and whose last sent
alert was already "down" sends nothing (Uptime Kuma #7148, where checks still
down alert again when the window ends); one that went down during the window
and is still down sends one alert; one whose deadline passed during the
window because its job did not run gets a fresh period + grace from the end
of the window before it can go down (Kuma #6022, where push timers are not
reset and checks alert the moment it ends). Neither peer's fix has a test to
port; ours are in tests/alerts/test_maintenance.py.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from ..db import db
from .maintenance_times import Timing, until
from .models import Check, MaintenanceWindow, maintenance_checks

windows = MaintenanceWindow.__table__
checks = Check.__table__


def timing_of(w) -> Timing:
    """The Timing of a window, or of a row of its columns."""
    return Timing(w.start, w.end, w.schedule, w.duration, w.tz, w.ended_at)


def window_until(conn: sa.Connection, check_id: int, at: datetime, *,
                 project_id: int | None = None,
                 tags: str | None = None) -> tuple[str, datetime] | None:
    """(name, end) of the window covering the check at `at` that ends last; None if none.

    A caller that has the check's project and tags at hand passes them,
    saving a read (a project without windows then costs one query).
    """
    if project_id is None or tags is None:
        check = conn.execute(sa.select(checks.c.project_id, checks.c.tags)
                             .where(checks.c.id == check_id)).first()
        if check is None:
            return None
        project_id, tags = check.project_id, check.tags
    return windows_covering(conn, project_id, {check_id: tags}, at).get(check_id)


def wake_held(conn: sa.Connection, project_id: int, now: datetime) -> None:
    """A window was ended or removed: the project's held alerts are looked at now."""
    conn.execute(sa.update(checks)
                 .where(checks.c.project_id == project_id, checks.c.release_at.is_not(None))
                 .values(release_at=now))


def end_now(window: MaintenanceWindow, now: datetime) -> None:
    """End a window now (the API's and the dashboard's "end"): a one-off is
    over, a recurring one's current occurrence is; held alerts are looked at.
    The caller commits."""
    window.ended_at = now
    wake_held(db.session.connection(), window.project_id, now)


def remove_window(window: MaintenanceWindow, now: datetime) -> None:
    """Delete a window; what it held is looked at as when it ends. The caller commits."""
    wake_held(db.session.connection(), window.project_id, now)
    db.session.delete(window)


def windows_covering(conn: sa.Connection, project_id: int, check_tags: dict[int, str],
                     at: datetime) -> dict[int, tuple[str, datetime]]:
    """`window_until` for many checks of one project at once ({check id: tags}
    in, {check id: (name, end)} out, a check no window covers left out), in
    at most two queries whatever the number of checks (the checks list). A
    window covers the checks chosen, those with one of its tags, or, naming
    neither, every check of the project."""
    found = conn.execute(sa.select(windows).where(windows.c.project_id == project_id))
    rows = [(w, end) for w in found if (end := until(timing_of(w), at)) is not None]
    if not rows:
        return {}
    chosen: dict[int, set[int]] = {}
    for link in conn.execute(sa.select(maintenance_checks)
                             .where(maintenance_checks.c.window_id.in_([w.id for w, _ in rows]))):
        chosen.setdefault(link.window_id, set()).add(link.check_id)
    out: dict[int, tuple[str, datetime]] = {}
    for check_id, tags in check_tags.items():
        mine_tags = set(tags.split())
        for w, end in rows:
            picked = chosen.get(w.id, set())
            whole = not w.tags and not picked
            if not (whole or check_id in picked or mine_tags & set(w.tags.split())):
                continue
            if check_id not in out or end > out[check_id][1]:
                out[check_id] = (w.name or "maintenance", end)
    return out
