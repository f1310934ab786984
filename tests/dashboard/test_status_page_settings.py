"""Status pages in a project's settings: making, changing and deleting them
through the form, each field stored (read back from the database and from
the public page) or refused next to itself; and who may do what."""

from __future__ import annotations

import html as html_lib
import re

import pytest
import sqlalchemy as sa
from conftest import Web
from status_forms import edit_status_page, form_data, form_rows, make_status_page

from support import field_error, make_user, project_of
from webapp.core.models import Check, Project, User
from webapp.core.projects import add_member
from webapp.core.status_pages import StatusPage
from webapp.db import db


@pytest.fixture(autouse=True)
def no_cache(app, monkeypatch):
    """The public page read afresh each time: these tests change pages and look."""
    monkeypatch.setitem(app.config, "STATUS_CACHE_SECONDS", 0)
    app.extensions["hb_status_cache"].clear()


@pytest.fixture
def code(app, user) -> str:
    return project_of(app)[1]


def stored(app) -> list[dict]:
    """Every status page as stored, with its chosen checks by name."""
    with app.app_context():
        pages = db.session.scalars(sa.select(StatusPage).order_by(StatusPage.id)).all()
        names = dict(db.session.execute(sa.select(Check.id, Check.name)).all())
        found = [{"title": p.title, "slug": p.slug, "description": p.description, "tz": p.tz,
                  "tags": p.tags, "checks": {names[e.check_id]: e.public_name for e in p.entries}}
                 for p in pages]
        db.session.remove()
    return found


def page_id(app, slug: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(StatusPage.id).where(StatusPage.slug == slug))


def settings(web, code: str) -> str:
    r = web.get(f"/projects/{code}/settings/")
    assert r.status_code == 200
    return html_lib.unescape(r.get_data(as_text=True))


def public_names(client, slug: str) -> list[str]:
    r = client.get(f"/status/{slug}.json")
    assert r.status_code == 200, slug
    return [c["name"] for c in r.get_json()["checks"]]


def test_a_page_is_made_with_every_field_stored_and_listed_in_settings(app, logged_in, code,
                                                                       new_check, client):
    backup, sync = new_check(name="backup", tags="prod"), new_check(name="sync")
    new_check(name="web", tags="prod edge")
    r = make_status_page(logged_in, code, title="Acme status", slug="acme",
                         description="Line one\nline two", tz="Europe/Berlin", tags="edge, prod",
                         checks={backup: "Nightly backups", sync: ""})
    assert r.status_code == 302 and r.headers["Location"].endswith("/settings/#status-pages")
    assert stored(app) == [{"title": "Acme status", "slug": "acme",
                            "description": "Line one\nline two", "tz": "Europe/Berlin",
                            "tags": "edge prod", "checks": {"backup": "Nightly backups",
                                                            "sync": ""}}]
    html = settings(logged_in, code)
    assert "Status page “Acme status” made: it is public at /status/acme." in html
    row = re.search(r'<tr id="status-page-\d+">(.*?)</tr>', html, re.S).group(1)
    assert "Acme status" in row and 'href="http://hb.test/status/acme"' in row
    assert "2 checks; tags" in row and ">Edit<" in row and ">Delete<" in row
    # Chosen under a public name or their own; the tags bring "web" along.
    assert public_names(client, "acme") == ["Nightly backups", "sync", "web"]
    feed = client.get("/status/acme.json").get_json()
    assert (feed["description"], feed["timezone"]) == ("Line one\nline two", "Europe/Berlin")


def test_an_empty_address_is_made_from_the_title(app, logged_in, code, new_check):
    uuid = new_check(name="backup")
    assert make_status_page(logged_in, code, title="Acme Services — Status!",
                            checks={uuid: ""}).status_code == 302
    assert stored(app)[0]["slug"] == "acme-services-status"


def test_a_page_is_changed_in_every_field(app, logged_in, code, new_check, client):
    backup, sync = new_check(name="backup"), new_check(name="sync", tags="db")
    assert make_status_page(logged_in, code, title="Acme", slug="acme",
                            checks={backup: "Backups", sync: ""}).status_code == 302
    pid = page_id(app, "acme")
    edit = logged_in.get(f"/projects/{code}/status-pages/{pid}/edit").get_data(as_text=True)
    # The form starts from what is stored.
    assert re.search(r'id="title"[^>]*value="Acme"', edit)
    assert re.search(rf'name="{form_rows(edit)[backup]}-public_name"[^>]*value="Backups"', edit)
    r = edit_status_page(logged_in, code, pid, title="Acme, renamed", slug="acme-2",
                         description="Now described", tz="America/New_York", tags="db",
                         checks={backup: "Our backups"})
    assert r.status_code == 302
    assert stored(app) == [{"title": "Acme, renamed", "slug": "acme-2",
                            "description": "Now described", "tz": "America/New_York",
                            "tags": "db", "checks": {"backup": "Our backups"}}]
    assert "Status page “Acme, renamed” saved." in settings(logged_in, code)
    assert client.get("/status/acme").status_code == 404
    # sync is no longer chosen, but comes back through its tag, under its own name.
    assert public_names(client, "acme-2") == ["Our backups", "sync"]
    # Keeping its own slug is no clash with itself.
    assert edit_status_page(logged_in, code, pid, title="Acme", slug="acme-2",
                            checks={backup: ""}).status_code == 302


def test_a_page_is_deleted_after_confirmation(app, logged_in, code, new_check, client):
    uuid = new_check(name="backup")
    assert make_status_page(logged_in, code, title="Acme", slug="acme",
                            checks={uuid: ""}).status_code == 302
    url = f"/projects/{code}/status-pages/{page_id(app, 'acme')}/delete"
    settings_html = settings(logged_in, code)
    assert f'action="{url}"' in settings_html
    assert 'data-confirm-title="Delete the status page “Acme”?"' in settings_html
    # Without JavaScript the first post asks on a page of its own.
    r = logged_in.post(url, token_from=f"/projects/{code}/settings/")
    assert r.status_code == 200 and "Delete the status page “Acme”?" in html_lib.unescape(
        r.get_data(as_text=True))
    assert len(stored(app)) == 1
    r = logged_in.post(url, {"confirmed": "yes"}, token_from=f"/projects/{code}/settings/")
    assert r.status_code == 302
    assert stored(app) == [] and client.get("/status/acme").status_code == 404
    assert "Status page “Acme” deleted." in settings(logged_in, code)
    # The check itself is untouched.
    assert logged_in.get(f"/checks/{uuid}").status_code == 200


@pytest.mark.parametrize("slug, message", [
    ("admin", "/status/admin is reserved: choose another address."),
    ("status", "/status/status is reserved: choose another address."),
    ("Acme", "Use lowercase letters, digits and single dashes only, neither first nor last "
             "(e.g. acme-backups)."),
    ("acme_1", "Use lowercase letters, digits and single dashes only, neither first nor last "
               "(e.g. acme-backups)."),
    ("-acme", "Use lowercase letters, digits and single dashes only, neither first nor last "
              "(e.g. acme-backups)."),
    ("a--b", "Use lowercase letters, digits and single dashes only, neither first nor last "
             "(e.g. acme-backups)."),
    ("a" * 61, "The address may have at most 60 characters."),
])
def test_a_bad_or_reserved_address_is_refused_next_to_it(app, logged_in, code, new_check, slug,
                                                         message):
    uuid = new_check(name="backup")
    r = make_status_page(logged_in, code, title="Acme", slug=slug, checks={uuid: ""})
    assert r.status_code == 400
    assert field_error(r.get_data(as_text=True), "slug") == message
    assert stored(app) == []


def test_an_address_taken_in_any_project_is_refused(app, logged_in, code, new_check):
    make_user(app, "bob@example.com")
    bob = Web(app.test_client())
    assert bob.login("bob@example.com").status_code == 302
    bob_code = project_of(app, "bob@example.com")[1]
    assert make_status_page(bob, bob_code, title="Bob", slug="acme",
                            tags="anything").status_code == 302
    uuid = new_check(name="backup")
    r = make_status_page(logged_in, code, title="Acme", slug="acme", checks={uuid: ""})
    assert r.status_code == 400
    assert field_error(r.get_data(as_text=True), "slug") == \
        "/status/acme is taken: choose another address."
    # So is one made from a title.
    r = make_status_page(logged_in, code, title="ACME", checks={uuid: ""})
    assert field_error(r.get_data(as_text=True), "slug") == \
        "/status/acme is taken: choose another address."
    assert [p["title"] for p in stored(app)] == ["Bob"]


@pytest.mark.parametrize("fields, field_id, message", [
    ({"title": ""}, "title", "Give the page a title, e.g. Acme status."),
    ({"title": "x" * 101}, "title", "Field cannot be longer than 100 characters."),
    ({"title": "Acme\x07"}, "title",
     "The title must not contain control characters such as line breaks."),
    ({"title": "!!!", "slug": ""}, "slug", "Enter an address for the page, e.g. acme."),
    ({"description": "x" * 1001}, "description", "Field cannot be longer than 1000 characters."),
    ({"tz": "Mars/Olympus"}, "tz",
     "Unknown timezone 'Mars/Olympus': use an IANA name such as Europe/Berlin."),
    ({"tags": "db\x07"}, "tags", "Tags must not contain control characters such as line breaks."),
])
def test_a_refused_field_says_why_next_to_it_and_nothing_is_stored(app, logged_in, code,
                                                                  new_check, fields, field_id,
                                                                  message):
    uuid = new_check(name="backup")
    r = make_status_page(logged_in, code, **{"title": "Acme", "slug": "acme",
                                             "checks": {uuid: ""}, **fields})
    assert r.status_code == 400
    assert field_error(r.get_data(as_text=True), field_id) == message
    assert stored(app) == []


def test_a_public_name_for_an_unlisted_check_is_refused_not_dropped(app, logged_in, code,
                                                                   new_check):
    backup, sync = new_check(name="backup"), new_check(name="sync")
    r = make_status_page(logged_in, code, title="Acme", slug="acme", checks={backup: ""},
                         names_only={sync: "Sync job"})
    assert r.status_code == 400
    html = r.get_data(as_text=True)
    prefix = form_rows(html)[sync]
    assert field_error(html, f"{prefix}-public_name") == \
        "Tick the box to list this check, or clear its public name."
    # What was typed is still there to fix.
    assert re.search(rf'name="{prefix}-public_name"[^>]*value="Sync job"', html)
    assert stored(app) == []


def test_a_page_must_list_something(app, logged_in, code, new_check):
    new_check(name="backup")
    r = make_status_page(logged_in, code, title="Acme", slug="acme")
    assert r.status_code == 400
    assert '<div class="flash flash-error" role="alert">Choose at least one check or tag for ' \
           'the page to show.</div>' in r.get_data(as_text=True)
    assert stored(app) == []
    # A tag alone is enough, even one no check carries yet.
    assert make_status_page(logged_in, code, title="Acme", slug="acme",
                            tags="later").status_code == 302


def test_another_projects_check_cannot_be_listed(app, logged_in, code, new_check):
    mine = new_check(name="backup")
    _, bob_key = make_user(app, "bob@example.com")
    r = logged_in.client.post("/api/v3/checks/", json={"name": "bobs"},
                              headers={"X-Api-Key": bob_key})
    theirs = r.get_json()["uuid"]
    new = f"/projects/{code}/status-pages/new"
    data = form_data(logged_in.get(new).get_data(as_text=True), title="Acme", slug="acme",
                     checks={mine: ""})
    data.update({"checks-9-check": theirs, "checks-9-shown": "y", "checks-9-public_name": ""})
    r = logged_in.post(f"/projects/{code}/status-pages/", data, token_from=new)
    assert r.status_code == 400
    assert "A check chosen here was deleted since this form was drawn" in r.get_data(as_text=True)
    assert stored(app) == []


def as_viewer(app) -> Web:
    """carol, a viewer of alice's project, logged in."""
    make_user(app, "carol@example.com")
    with app.app_context():
        project = db.session.get(Project, project_of(app)[0])
        add_member(project, db.session.scalar(
            sa.select(User).where(User.email == "carol@example.com")), "viewer")
        db.session.commit()
    carol = Web(app.test_client())
    assert carol.login("carol@example.com").status_code == 302
    return carol


def test_a_viewer_sees_the_list_but_no_control_and_is_refused_every_write(app, logged_in, code,
                                                                         new_check):
    uuid = new_check(name="backup")
    assert make_status_page(logged_in, code, title="Acme", slug="acme",
                            checks={uuid: ""}).status_code == 302
    pid = page_id(app, "acme")
    carol = as_viewer(app)
    html = settings(carol, code)
    assert "Acme" in html and "http://hb.test/status/acme" in html
    for control in ("New status page", ">Edit<", ">Delete<", "/status-pages/"):
        assert control not in html
    base = f"/projects/{code}/status-pages"
    for path in (f"{base}/new", f"{base}/{pid}/edit"):
        assert carol.get(path).status_code == 403
    token = carol.csrf(f"/projects/{code}/settings/")
    data = {"csrf_token": token, "title": "Mine", "slug": "mine", "tz": "UTC", "tags": "x",
            "confirmed": "yes"}
    for path in (f"{base}/", f"{base}/{pid}/edit", f"{base}/{pid}/delete"):
        assert carol.client.post(path, data=data).status_code == 403, path
    assert [(p["title"], p["slug"]) for p in stored(app)] == [("Acme", "acme")]


def test_someone_elses_project_and_page_are_a_404(app, logged_in, code, new_check):
    uuid = new_check(name="backup")
    assert make_status_page(logged_in, code, title="Acme", slug="acme",
                            checks={uuid: ""}).status_code == 302
    pid = page_id(app, "acme")
    make_user(app, "dave@example.com")
    dave = Web(app.test_client())
    assert dave.login("dave@example.com").status_code == 302
    dave_code = project_of(app, "dave@example.com")[1]
    assert dave.get(f"/projects/{code}/status-pages/{pid}/edit").status_code == 404
    # Alice's page under dave's own project is no page of his.
    assert dave.get(f"/projects/{dave_code}/status-pages/{pid}/edit").status_code == 404
    token = dave.csrf(f"/projects/{dave_code}/settings/")
    r = dave.client.post(f"/projects/{dave_code}/status-pages/{pid}/delete",
                         data={"csrf_token": token, "confirmed": "yes"})
    assert r.status_code == 404 and len(stored(app)) == 1


def test_a_deleted_check_leaves_its_pages(app, logged_in, code, new_check, api, client):
    backup, sync = new_check(name="backup"), new_check(name="sync")
    assert make_status_page(logged_in, code, title="Acme", slug="acme",
                            checks={backup: "Backups", sync: ""}).status_code == 302
    assert api("delete", f"/checks/{backup}").status_code == 200
    assert stored(app)[0]["checks"] == {"sync": ""}
    assert public_names(client, "acme") == ["sync"]
