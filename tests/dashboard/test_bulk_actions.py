"""Several checks at once from the list: pause, resume, mute, unmute, tag,
untag, delete; refused as a whole when the selection or the action is wrong."""

from __future__ import annotations

import sqlalchemy as sa

from support import load_check, make_user, project_of
from webapp.core.models import Check, Flip
from webapp.db import db


def bulk(web, action: str, uuids: list[str], code: str | None = None, **fields):
    """The list's bulk form, posted for `code`'s project (else the user's own)."""
    url = f"/projects/{code}/checks/bulk" if code else web.at("checks/bulk")
    return web.post(url, {"action": action, "check": uuids, **fields})


def test_pause_then_resume_several_records_a_flip_each(logged_in, app, new_check):
    uuids = [new_check(name=f"job-{i}") for i in range(3)]
    other = new_check(name="left-alone")
    for u in uuids + [other]:
        logged_in.get(f"/ping/{u}")
    r = bulk(logged_in, "pause", uuids)
    assert r.status_code == 303
    assert [load_check(app, u).status for u in uuids] == ["paused"] * 3
    assert load_check(app, other).status == "up"
    with app.app_context():
        reasons = db.session.scalars(sa.select(Flip.reason).where(Flip.new_status == "paused"))
        assert list(reasons) == ["paused from the checks list"] * 3
    page = logged_in.get(r.headers["Location"]).get_data(as_text=True)
    assert "Paused: 3 checks (job-0, job-1, job-2)." in page
    assert bulk(logged_in, "resume", uuids).status_code == 303
    assert [load_check(app, u).status for u in uuids] == ["new"] * 3


def test_mute_unmute_tag_and_untag(logged_in, app, new_check):
    uuids = [new_check(name=f"job-{i}", tags="prod") for i in range(2)]
    assert bulk(logged_in, "mute", uuids, until="8").status_code == 303
    assert all(load_check(app, u).muted_until is not None for u in uuids)
    assert bulk(logged_in, "mute", uuids, until="up").status_code == 303
    assert all(load_check(app, u).mute_until_up for u in uuids)
    assert bulk(logged_in, "unmute", uuids).status_code == 303
    assert not any(load_check(app, u).mute_until_up or load_check(app, u).muted_until
                   for u in uuids)
    assert bulk(logged_in, "tag", uuids, tag="db").status_code == 303
    assert [load_check(app, u).tags for u in uuids] == ["prod db"] * 2
    assert bulk(logged_in, "untag", uuids, tag="prod").status_code == 303
    assert [load_check(app, u).tags for u in uuids] == ["db"] * 2


def test_delete_asks_first_then_deletes_only_the_ticked(logged_in, app, new_check):
    uuids = [new_check(name=f"job-{i}") for i in range(2)]
    keep = new_check(name="keep")
    asked = bulk(logged_in, "delete", uuids)
    html = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "Delete 2 checks?" in html and "job-0, job-1" in html
    # The question carries the selection, to post it back confirmed.
    assert all(f'name="check" value="{u}"' in html for u in uuids)
    assert bulk(logged_in, "delete", uuids, confirmed="yes").status_code == 303
    with app.app_context():
        assert list(db.session.scalars(sa.select(Check.name))) == ["keep"]
    assert load_check(app, keep).name == "keep"


def test_a_wrong_selection_or_action_changes_nothing_and_says_why(logged_in, app, new_check):
    mine = new_check(name="mine")
    make_user(app, "bob@example.com")
    with app.app_context():
        bobs_project = project_of(app, "bob@example.com")[0]
        db.session.add(Check(project_id=bobs_project, name="bobs"))
        db.session.commit()
        bobs = db.session.scalar(sa.select(Check.uuid).where(Check.name == "bobs"))
    r = bulk(logged_in, "pause", [mine, bobs])
    assert r.status_code == 400 and "1 of the selected checks are not in this project" in \
        r.get_data(as_text=True)
    assert load_check(app, mine).status == "new"
    cases = [("pause", [], {}, "Select one or more checks first."),
             ("explode", [mine], {}, "Choose what to do with the selected checks"),
             ("mute", [mine], {"until": "7"}, "Mute for 1, 8 or 24 hours, or until up."),
             ("tag", [mine], {"tag": "two words"}, "Give one tag"),
             ("tag", [mine], {"tag": ""}, "Give one tag")]
    for action, uuids, fields, message in cases:
        r = bulk(logged_in, action, uuids, **fields)
        assert r.status_code == 400 and message in r.get_data(as_text=True), (action, fields)
    assert load_check(app, mine).tags == ""


def test_viewers_may_not(logged_in, app, new_check):
    from webapp.core.models import Membership

    uuid = new_check(name="job")
    viewer_id, _ = make_user(app, "viola@example.com")
    with app.app_context():
        db.session.add(Membership(project_id=project_of(app)[0], user_id=viewer_id,
                                  role="viewer"))
        db.session.commit()
    logged_in.client.post("/logout", data={"csrf_token": logged_in.csrf()})
    assert logged_in.login("viola@example.com").status_code == 302
    html = logged_in.get(f"/projects/{project_of(app)[1]}/").get_data(as_text=True)
    assert 'id="bulk"' not in html and 'class="pick"' not in html
    assert bulk(logged_in, "pause", [uuid], code=project_of(app)[1]).status_code == 403
    assert load_check(app, uuid).status == "new"
