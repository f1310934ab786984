"""The per-project change counter: the database's own triggers bump it with
every write to a project's checks and maintenance windows, whichever code
path writes, in the writing transaction; nothing else moves it."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from support import make_user, project_of
from webapp.alerts.sweep import sweep_once
from webapp.core.changes import change_count
from webapp.core.models import Check, MaintenanceWindow, Project
from webapp.core.times import utcnow
from webapp.db import db


def count(app, project_id: int) -> int:
    with app.app_context():
        return change_count(db.session.connection(), project_id)


def test_every_write_path_bumps_its_own_projects_counter(app, client, api, user, new_check):
    make_user(app, "bob@example.com")
    mine, bobs = project_of(app)[0], project_of(app, "bob@example.com")[0]
    seen = [count(app, mine)]

    def moved() -> bool:
        seen.append(count(app, mine))
        return seen[-1] > seen[-2]

    uuid = new_check(name="backup", timeout=60, grace=60)  # the API (ORM)
    assert moved()
    assert client.get(f"/ping/{uuid}").status_code == 200  # the ping's prepared statements
    assert moved()
    assert client.get(f"/api/push/{uuid}?status=down&msg=x").status_code == 200
    assert moved()
    assert api("post", f"/checks/{uuid}", json={"tags": "prod"}).status_code == 200
    assert moved()
    with app.app_context():  # the sweep's Core updates: a missed deadline flips it
        db.session.execute(sa.update(Check).where(Check.uuid == uuid).values(
            status="up", alert_after=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert moved()
    with app.app_context():
        sweep_once()
        assert db.session.scalar(sa.select(Check.status).where(Check.uuid == uuid)) == "down"
    assert moved()
    with app.app_context():  # a maintenance window, made and deleted
        window = MaintenanceWindow(project_id=mine, name="w", start=utcnow(),
                                   end=utcnow() + timedelta(hours=1))
        db.session.add(window)
        db.session.commit()
        assert moved()
        db.session.delete(window)
        db.session.commit()
    assert moved()
    assert api("delete", f"/checks/{uuid}").status_code == 200
    assert moved()
    # bob's project saw none of it.
    assert count(app, bobs) == 0


def test_a_rolled_back_write_leaves_the_counter_alone(app, user, new_check):
    uuid = new_check(name="backup")
    mine = project_of(app)[0]
    before = count(app, mine)
    with app.app_context():
        db.session.execute(sa.update(Check).where(Check.uuid == uuid).values(name="renamed"))
        db.session.rollback()
    assert count(app, mine) == before


def test_a_check_moved_to_another_project_bumps_both(app, user, new_check):
    make_user(app, "bob@example.com")
    mine, bobs = project_of(app)[0], project_of(app, "bob@example.com")[0]
    uuid = new_check(name="backup")
    before = count(app, mine), count(app, bobs)
    with app.app_context():
        db.session.execute(sa.update(Check).where(Check.uuid == uuid).values(project_id=bobs))
        db.session.commit()
    assert count(app, mine) > before[0] and count(app, bobs) > before[1]


def test_deleting_a_project_with_checks_succeeds(app, user, new_check):
    """Its checks' triggers write shards of a project being deleted: there is
    no foreign key for them to trip over."""
    new_check(name="backup")
    mine = project_of(app)[0]
    with app.app_context():
        db.session.delete(db.session.get(Project, mine))
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Check)) == 0

