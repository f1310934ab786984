"""What people do to a check by hand: pausing and resuming that cannot lose a race
with a ping, and the one check limit every way of making a check obeys."""

import html as html_lib

import pytest
import sqlalchemy as sa

from support import NAME_ONLY, own_project
from webapp.core import check_actions
from webapp.core.models import Check, Flip
from webapp.db import db


def test_pausing_names_the_state_it_replaces(app, new_check):
    uuid = new_check(name="backup")
    with app.app_context():
        check = db.session.scalar(sa.select(Check).where(Check.uuid == uuid))
        assert check.status == "new"
        # A ping lands (on another connection) between our read of the check and our write.
        with db.engine.begin() as other:
            other.execute(sa.update(Check).where(Check.id == check.id).values(status="up"))
        assert check_actions.pause(check, actor="user:test") is True
        flip = db.session.scalar(sa.select(Flip))
        assert (flip.old_status, flip.new_status) == ("up", "paused")  # not "new"
        assert check.status == "paused" and check.next_ping is None
        assert check_actions.pause(check, actor="user:test") is False
        assert check_actions.resume(check, actor="user:test") is True
        assert check_actions.resume(check, actor="user:test") is False
        assert db.session.scalar(sa.select(sa.func.count(Flip.id))) == 2
        db.session.remove()


@pytest.fixture
def limit_of_two(app):
    app.config["MAX_CHECKS_PER_PROJECT"] = 2
    yield
    app.config["MAX_CHECKS_PER_PROJECT"] = 1000


def test_every_way_of_making_a_check_stops_at_the_limit(app, api, client, logged_in, user,
                                                        new_check, limit_of_two):
    new_check(name="one")
    new_check(name="two")
    r = api("post", "/checks/", json={"name": "three"})
    assert r.status_code == 403 and r.get_json() == {"error": "check limit reached"}
    with app.app_context():
        ping_key = own_project(user[0]).ping_key
    r = client.get(f"/ping/{ping_key}/three?create=1")
    assert r.status_code == 403 and r.get_data(as_text=True) == "check limit reached"
    r = logged_in.post(logged_in.at("checks/new"), NAME_ONLY)
    assert r.status_code == 422
    assert "Check limit reached." in html_lib.unescape(r.get_data(as_text=True))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Check.id))) == 2
