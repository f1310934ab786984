"""Projects shared by several people: roles on the pages, the members card,
the projects overview and switcher, and who hears a project's alerts."""

import re

import pytest
import sqlalchemy as sa
from conftest import Web

from support import make_user, project_of, settle_deliveries
from webapp.core.models import Check, Membership, Project, User
from webapp.core.projects import add_member
from webapp.db import db


def join(app, email: str, role: str, owner: str = "alice@example.com") -> None:
    """Make the user `email` a `role` of `owner`'s own project."""
    with app.app_context():
        project = db.session.get(Project, project_of(app, owner)[0])
        user = db.session.scalar(sa.select(User).where(User.email == email))
        add_member(project, user, role)
        db.session.commit()


@pytest.fixture
def team(app, user):
    """alice owns her project; bob is a member of it and carol a viewer."""
    make_user(app, "bob@example.com")
    make_user(app, "carol@example.com")
    join(app, "bob@example.com", "member")
    join(app, "carol@example.com", "viewer")
    return project_of(app)[1]


def as_user(app, email: str) -> Web:
    web = Web(app.test_client())
    assert web.login(email).status_code == 302
    return web


def snapshot(app) -> list:
    with app.app_context():
        rows = [(c.uuid, c.name, c.status, c.project_id) for c in
                db.session.scalars(sa.select(Check).order_by(Check.id))]
        rows += [(m.user_id, m.role, m.alerts) for m in
                 db.session.scalars(sa.select(Membership).order_by(Membership.id))]
        db.session.remove()
    return rows


CONTROLS = ("New check", ">Edit<", ">Pause<", "Rotate token", ">Delete<", "Add a channel",
            "Send test notification", "Create key", "Rotate ping key", "Danger zone")


def test_a_viewer_sees_every_page_without_a_control_that_changes_something(
        app, team, new_check, api):
    uuid = new_check(name="backup")
    api("post", "/channels/", json={"kind": "webhook", "name": "hook",
                                    "value": "https://hooks.example.com/s3cret-path"})
    carol = as_user(app, "carol@example.com")
    for path in (f"/projects/{team}/", f"/checks/{uuid}", f"/projects/{team}/channels/",
                 f"/projects/{team}/settings/"):
        r = carol.get(path)
        html = r.get_data(as_text=True)
        assert r.status_code == 200, path
        for control in CONTROLS:
            assert control not in html, (path, control)
        assert "s3cret-path" not in html and "hb_" not in html, path
    assert "backup" in carol.get(f"/projects/{team}/").get_data(as_text=True)
    # A member sees the controls.
    bob = as_user(app, "bob@example.com")
    assert "New check" in bob.get(f"/projects/{team}/").get_data(as_text=True)
    assert "Rotate token" in bob.get(f"/checks/{uuid}").get_data(as_text=True)


@pytest.mark.parametrize("path, data", [
    ("/checks/{uuid}/pause", {}), ("/checks/{uuid}/delete", {"confirmed": "yes"}),
    ("/checks/{uuid}/rotate", {"confirmed": "yes"}), ("/checks/{uuid}/edit", {"name": "x"}),
    ("/projects/{code}/checks/new", {"name": "x"}), ("/projects/{code}/keys", {"label": "x"}),
    ("/projects/{code}/ping-key/rotate", {"confirmed": "yes"}),
    ("/projects/{code}/channels/", {"kind": "email", "value": "x@example.com"}),
])
def test_every_write_refuses_a_viewer_with_403_and_changes_nothing(app, team, new_check,
                                                                    path, data):
    uuid = new_check(name="backup")
    carol = as_user(app, "carol@example.com")
    before = snapshot(app)
    r = carol.post(path.format(uuid=uuid, code=team), data)
    assert r.status_code == 403
    assert snapshot(app) == before


def test_a_member_adds_checks_to_the_shared_project(app, team):
    bob = as_user(app, "bob@example.com")
    r = bob.post(f"/projects/{team}/checks/new", {"name": "bobs-job", "kind": "interval",
                                                  "every": "1", "every_unit": "days",
                                                  "grace": "1", "grace_unit": "hours",
                                                  "tz": "UTC", "deadline": "end_of_day"})
    assert r.status_code == 302
    with app.app_context():
        check = db.session.scalar(sa.select(Check).where(Check.name == "bobs-job"))
        assert check.project_id == project_of(app)[0]
    alice = as_user(app, "alice@example.com")
    assert "bobs-job" in alice.get(f"/projects/{team}/").get_data(as_text=True)


def test_a_stranger_gets_404_for_the_project_and_its_objects(app, team, new_check):
    uuid = new_check(name="backup")
    make_user(app, "dave@example.com")
    dave = as_user(app, "dave@example.com")
    for path in (f"/projects/{team}/", f"/checks/{uuid}", f"/projects/{team}/settings/",
                 f"/projects/{team}/channels/"):
        assert dave.get(path).status_code == 404, path
    before = snapshot(app)
    assert dave.post(f"/checks/{uuid}/delete", {"confirmed": "yes"}).status_code == 404
    assert snapshot(app) == before


def test_the_owner_changes_a_role_and_removes_a_member(app, team):
    alice = as_user(app, "alice@example.com")
    html = alice.get(f"/projects/{team}/settings/").get_data(as_text=True)
    bob_id = re.search(r'/members/(\d+)/role" class="inline-form">\s*<input[^>]*>\s*'
                       r'<label class="visually-hidden" for="role-\d+">Role of bob@', html)
    assert bob_id, "the owner sees a role control for bob"
    member_id = bob_id.group(1)
    r = alice.post(f"/projects/{team}/members/{member_id}/role", {"role": "viewer"})
    assert r.status_code == 302
    bob = as_user(app, "bob@example.com")
    assert bob.post(f"/projects/{team}/checks/new", {"name": "x"}).status_code == 403
    # Members cannot manage members.
    carol = as_user(app, "carol@example.com")
    assert carol.post(f"/projects/{team}/members/{member_id}/remove",
                      {"confirmed": "yes"}).status_code == 403
    r = alice.post(f"/projects/{team}/members/{member_id}/remove", {"confirmed": "yes"})
    assert r.status_code == 302
    assert bob.get(f"/projects/{team}/").status_code == 404


def test_a_member_leaves_but_the_owner_cannot(app, team):
    bob = as_user(app, "bob@example.com")
    assert bob.post(f"/projects/{team}/leave", {"confirmed": "yes"}).status_code == 302
    assert bob.get(f"/projects/{team}/").status_code == 404
    alice = as_user(app, "alice@example.com")
    r = alice.post(f"/projects/{team}/leave", {"confirmed": "yes"})
    assert r.status_code == 400 and "transfer the project first" in r.get_data(as_text=True)


def test_ownership_moves_to_a_member_and_the_old_owner_stays_a_member(app, team):
    pid = project_of(app)[0]
    alice = as_user(app, "alice@example.com")
    html = alice.get(f"/projects/{team}/settings/").get_data(as_text=True)
    bob_choice = re.search(r'<option value="(\d+)">bob@example.com \(member\)</option>', html)
    r = alice.post(f"/projects/{team}/transfer", {"new_owner": bob_choice.group(1)})
    assert r.status_code == 302
    with app.app_context():
        roles = dict(db.session.execute(sa.select(User.email, Membership.role).join(Membership)
                                        .where(Membership.project_id == pid)).all())
    assert roles == {"alice@example.com": "member", "bob@example.com": "owner",
                     "carol@example.com": "viewer"}
    assert alice.post(f"/projects/{team}/delete", {"confirmed": "yes"}).status_code == 403


def test_only_the_owner_renames_and_deletes_and_deleting_takes_the_checks(
        app, team, new_check, client):
    uuid = new_check(name="backup")
    bobs = project_of(app, "bob@example.com")[0]
    bob = as_user(app, "bob@example.com")
    assert bob.post(f"/projects/{team}/settings/name", {"name": "Ops"}).status_code == 403
    alice = as_user(app, "alice@example.com")
    assert alice.post(f"/projects/{team}/settings/name", {"name": "Ops"}).status_code == 302
    assert "Ops" in alice.get("/projects/").get_data(as_text=True)
    r = alice.post(f"/projects/{team}/delete")
    assert r.status_code == 200 and "Delete the project “Ops”?" in r.get_data(as_text=True)
    assert alice.post(f"/projects/{team}/delete", {"confirmed": "yes"}).status_code == 302
    assert client.get(f"/ping/{uuid}").status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Check.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Membership.id)).where(
            Membership.project_id == bobs)) == 1  # bob's own project stays


def test_the_overview_counts_each_projects_checks_and_the_switcher_lists_them(
        app, team, new_check, api):
    up, down = new_check(name="fine"), new_check(name="broken")
    api("post", f"/checks/{up}/pause")
    with app.app_context():
        db.session.execute(sa.update(Check).where(Check.uuid == down).values(status="down"))
        db.session.execute(sa.update(Check).where(Check.uuid == up).values(status="up"))
        db.session.commit()
    bob = as_user(app, "bob@example.com")
    html = bob.get("/projects/").get_data(as_text=True)
    alices = html[html.index("alice@example.com&#39;s project"):]
    assert re.search(r"1 up</span> ·\s*<span class=\"text-down\">1 down", alices)
    assert "you are its member" in alices and "bob@example.com&#39;s project" in html
    switcher = html[html.index('<details class="switcher">'):html.index("</details>")]
    assert "alice@example.com&#39;s project</a> <span class=\"muted small\">member" in switcher
    r = bob.post("/projects/", {"name": "Side project"})
    assert r.status_code == 302
    assert "Side project" in bob.get(r.headers["Location"]).get_data(as_text=True)


def test_slash_opens_the_project_last_opened(app, team):
    bob = as_user(app, "bob@example.com")
    own = bob.home
    assert own == f"/projects/{project_of(app, 'bob@example.com')[1]}/"
    bob.get(f"/projects/{team}/")
    assert bob.home == f"/projects/{team}/"


def test_without_channels_alerts_mail_the_members_who_want_them(app, team, api, new_check,
                                                                 mailbox):
    uuid = new_check(name="backup")
    carol = as_user(app, "carol@example.com")
    r = carol.post(f"/projects/{team}/my-alerts", {})  # unticked: no mail for carol
    assert r.status_code == 302
    api("get", f"/checks/{uuid}")  # nothing yet
    assert api("post", f"/checks/{uuid}").status_code == 200
    from webapp.core.flips import record_flip
    with app.app_context():
        check = db.session.scalar(sa.select(Check).where(Check.uuid == uuid))
        from webapp.core.times import utcnow
        record_flip(db.session.connection(), check.id, check.project_id, "up", "down",
                    reason="test", actor="test", now=utcnow())
        db.session.commit()
    settle_deliveries(app)
    got = sorted(m["To"] for m in mailbox.wait_for(2, timeout=10))
    assert got == ["alice@example.com", "bob@example.com"]
    page = carol.get(f"/checks/{uuid}").get_data(as_text=True)
    assert "email to alice@example.com, bob@example.com (the project has no channels)" in page


def test_a_removed_or_leaving_members_api_keys_go_with_them(app, team, client, user):
    bob = as_user(app, "bob@example.com")
    r = bob.post(f"/projects/{team}/keys", {"label": "bob-laptop"})
    bobs_key = re.search(r'id="new-api-key" class="copy-text">(hb_[^<]+)<',
                         r.get_data(as_text=True)).group(1)
    assert client.get("/api/v3/checks/", headers={"X-Api-Key": bobs_key}).status_code == 200
    alice = as_user(app, "alice@example.com")
    page = alice.get(f"/projects/{team}/settings/").get_data(as_text=True)
    assert "<td>bob@example.com</td>" in page  # the owner sees who made which key
    with app.app_context():
        member_id = db.session.scalar(sa.select(Membership.id).join(User).where(
            User.email == "bob@example.com", Membership.project_id == project_of(app)[0]))
    r = alice.post(f"/projects/{team}/members/{member_id}/remove", {"confirmed": "yes"})
    assert "1 API key(s) they made were revoked" in alice.get(r.headers["Location"]).get_data(
        as_text=True)
    assert client.get("/api/v3/checks/", headers={"X-Api-Key": bobs_key}).status_code == 401
    # alice's own key (made by make_user, by nobody in particular) is untouched.
    assert client.get("/api/v3/checks/", headers={"X-Api-Key": user[1]}).status_code == 200
    # Leaving does the same.
    carol = as_user(app, "carol@example.com")
    join(app, "carol@example.com", "member")
    r = carol.post(f"/projects/{team}/keys", {"label": "carols"})
    carols_key = re.search(r'id="new-api-key" class="copy-text">(hb_[^<]+)<',
                           r.get_data(as_text=True)).group(1)
    assert carol.post(f"/projects/{team}/leave", {"confirmed": "yes"}).status_code == 302
    assert client.get("/api/v3/checks/", headers={"X-Api-Key": carols_key}).status_code == 401
