"""The maintenance page: making windows in the form (read back through the
API), ending and deleting them, who may do what; and the "in maintenance
until" note of covered checks on the checks list and a check's page."""

import html as html_lib
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from conftest import Web

from support import field_error, make_user, project_of
from webapp.core.maintenance import windows_covering
from webapp.core.models import Check, MaintenanceWindow, Project, User
from webapp.core.projects import add_member
from webapp.core.times import utc_iso, utcnow
from webapp.db import db

TZ = "Europe/Berlin"


@pytest.fixture
def berlin(app, logged_in):
    """alice, logged in, reading times in Berlin (UTC+2 in June, +1 in January)."""
    set_timezone(app, "alice@example.com", TZ)
    return logged_in


def set_timezone(app, email: str, tz: str) -> None:
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.email == email)).timezone = tz
        db.session.commit()


def add(web, **data):
    """Post the add form as a browser without JavaScript does: every field."""
    form = {"name": "", "kind": "once", "start": "", "end": "", "schedule": "", "duration": "",
            "tz": "UTC", "covers": "project", "tags": "", **data}
    return web.post(web.at("maintenance/"), form)


def windows(api) -> list[dict]:
    r = api("get", "/maintenance/")
    assert r.status_code == 200
    return r.get_json()["maintenance"]


def page(web) -> str:
    r = web.get(web.at("maintenance/"))
    assert r.status_code == 200
    return html_lib.unescape(r.get_data(as_text=True))


def api_window(api, **fields) -> dict:
    r = api("post", "/maintenance/", json={"name": "db upgrade", **fields})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def local_clock(dt: datetime, tz: str) -> str:
    """How a page words a time of today (or another day) in `tz`, by hand."""
    local, today = dt.astimezone(ZoneInfo(tz)), datetime.now(ZoneInfo(tz))
    return local.strftime("%H:%M" if local.date() == today.date() else "%b %d, %H:%M")


# --- making windows ---------------------------------------------------------------------

def test_a_one_off_window_is_read_in_the_users_timezone_and_stored(berlin, api):
    r = add(berlin, name="db upgrade", start="2099-06-01T02:00", end="2099-06-01T04:30")
    assert r.status_code == 302 and r.headers["Location"].endswith("/maintenance/")
    [w] = windows(api)
    assert (w["name"], w["start"], w["end"], w["schedule"]) == (
        "db upgrade", "2099-06-01T00:00:00+00:00", "2099-06-01T02:30:00+00:00", "")
    assert w["whole_project"] and w["active_until"] is None
    html = page(berlin)
    assert "from 2099-06-01 02:00 to 2099-06-01 04:30" in html
    assert "next at 2099-06-01 02:00" in html and "the whole project" in html


def test_a_one_off_without_a_start_begins_now(berlin, api):
    add(berlin, end=(datetime.now(ZoneInfo(TZ)) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    [w] = windows(api)
    started = datetime.fromisoformat(w["start"])
    assert abs((started - utcnow()).total_seconds()) < 60
    assert w["active_until"] == w["end"]
    assert "on until" in page(berlin)


def test_a_recurring_window_of_tagged_checks_is_stored(berlin, api):
    r = add(berlin, name="nightly", kind="recurring", schedule="0 2 * * *", duration="90",
            tz="America/New_York", covers="tags", tags="db, prod",
            end="2000-01-01T00:00")  # a one-off's field, left filled in: not read
    assert r.status_code == 302
    [w] = windows(api)
    assert (w["schedule"], w["duration"], w["tz"], w["tags"], w["end"]) == (
        "0 2 * * *", 5400, "America/New_York", "db prod", None)
    assert not w["whole_project"] and w["next_start"] is not None
    html = page(berlin)
    assert "cron 0 2 * * * (America/New_York) for 90 minutes" in html
    assert "checks tagged" in html and ">db</a>" in html and ">prod</a>" in html


def test_a_window_of_chosen_checks_names_them(berlin, api, new_check):
    backup, sync = new_check(name="backup"), new_check(name="sync")
    new_check(name="untouched")
    r = berlin.client.post(berlin.at("maintenance/"), data={
        "csrf_token": berlin.csrf(), "kind": "recurring", "schedule": "30 1 * * 0",
        "duration": "60", "tz": TZ, "covers": "checks", "checks": [backup, sync]})
    assert r.status_code == 302
    [w] = windows(api)
    assert sorted(w["checks"]) == sorted([backup, sync])
    html = page(berlin)
    assert "cron 30 1 * * 0 (Europe/Berlin) for 1 hour" in html
    covers = re.search(r'<dd class="window-covers">(.*?)</dd>', html, re.S).group(1)
    assert "backup" in covers and "sync" in covers and "untouched" not in covers


@pytest.mark.parametrize("data, field_id, message", [
    ({"end": "2000-01-01T00:00"}, "end", "End must be in the future."),
    ({"start": "2099-01-02T00:00", "end": "2099-01-01T00:00"}, "end",
     "End must be after start."),
    ({}, "end", "Enter when it ends."),
    ({"end": "tomorrow"}, "end", "Not a valid datetime value."),
    ({"kind": "recurring", "schedule": "0 2 * *", "duration": "60"}, "schedule",
     "Invalid cron expression '0 2 * *': a cron expression has five fields"),
    ({"kind": "recurring", "duration": "60"}, "schedule", "Enter a cron schedule."),
    ({"kind": "recurring", "schedule": "0 2 * * *", "duration": "0"}, "duration",
     "Enter from 1 to 10080 minutes (a week)."),
    ({"kind": "recurring", "schedule": "0 2 * * *", "duration": "20000"}, "duration",
     "Enter from 1 to 10080 minutes (a week)."),
    ({"kind": "recurring", "schedule": "0 2 * * *"}, "duration",
     "Enter how many minutes each time lasts."),
    ({"kind": "recurring", "schedule": "0 2 * * *", "duration": "60", "tz": "Mars/Olympus"},
     "tz", "Unknown timezone 'Mars/Olympus'"),
    ({"end": "2099-01-01T00:00", "covers": "tags"}, "tags", "Enter one or more tags."),
    ({"end": "2099-01-01T00:00", "covers": "checks"}, "checks", "Choose one or more checks."),
    ({"end": "2099-01-01T00:00", "covers": "checks", "checks": "no-such-check"}, "checks",
     "Checks: no check 'no-such-check' in this project."),
    ({"end": "2099-01-01T00:00", "name": "x" * 101}, "name",
     "Field cannot be longer than 100 characters."),
])
def test_a_refused_form_says_why_next_to_the_field_and_stores_nothing(
        berlin, api, data, field_id, message):
    r = add(berlin, **data)
    assert r.status_code == 400
    assert field_error(r.get_data(as_text=True), field_id).startswith(message)
    assert windows(api) == []


def test_a_form_without_a_csrf_token_is_refused(berlin, api):
    r = berlin.client.post(berlin.at("maintenance/"), data={"end": "2099-01-01T00:00"})
    assert r.status_code == 400
    assert windows(api) == []


# --- ending and deleting ---------------------------------------------------------------

def hold(app, uuid: str) -> None:
    """Make the check hold an alert until far on, as a window does."""
    with app.app_context():
        check = db.session.scalar(sa.select(Check).where(Check.uuid == uuid))
        check.release_at = datetime(2099, 1, 1, tzinfo=UTC)
        db.session.commit()


def release_at(app, uuid: str) -> datetime | None:
    with app.app_context():
        return db.session.scalar(sa.select(Check.release_at).where(Check.uuid == uuid))


def test_end_now_ends_the_window_and_looks_at_held_alerts(berlin, app, api, check):
    w = api_window(api, end=utc_iso(utcnow() + timedelta(hours=1)))
    hold(app, check)
    assert "End now" in page(berlin)
    r = berlin.post(f"/maintenance/{w['uuid']}/end", token_from=berlin.at("maintenance/"))
    assert r.status_code == 302 and r.headers["Location"].endswith("/maintenance/")
    [after] = windows(api)
    assert after["active_until"] is None and after["ended_at"] is not None
    assert release_at(app, check) <= utcnow()
    html = page(berlin)
    assert "End now" not in html and re.search(r'window-state">over<', html)


def test_delete_asks_first_then_removes_the_window(berlin, app, api, check):
    w = api_window(api, end=utc_iso(utcnow() + timedelta(hours=1)))
    hold(app, check)
    asked = berlin.post(f"/maintenance/{w['uuid']}/delete")
    assert asked.status_code == 200 and "Delete the window" in asked.get_data(as_text=True)
    assert len(windows(api)) == 1 and release_at(app, check).year == 2099
    r = berlin.post(f"/maintenance/{w['uuid']}/delete", {"confirmed": "yes"})
    assert r.status_code == 302
    assert windows(api) == []
    assert release_at(app, check) <= utcnow()
    assert "No maintenance windows yet." in page(berlin)


def test_another_projects_window_is_a_404_and_stays(app, berlin, api):
    w = api_window(api, end="2099-01-01T00:00:00Z")
    make_user(app, "dave@example.com")
    dave = Web(app.test_client())
    assert dave.login("dave@example.com").status_code == 302
    for action in ("end", "delete"):
        assert dave.post(f"/maintenance/{w['uuid']}/{action}", {"confirmed": "yes"}).status_code \
            == 404
    assert windows(api)[0]["ended_at"] is None


# --- who may ---------------------------------------------------------------------------

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


def test_a_viewer_sees_the_windows_but_no_control_and_is_refused(app, user, api):
    w = api_window(api, end=utc_iso(utcnow() + timedelta(hours=1)))
    carol = as_viewer(app)
    code = project_of(app)[1]
    r = carol.get(f"/projects/{code}/maintenance/")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "db upgrade" in html and "on until" in html
    for control in ("Add a maintenance window", "End now", ">Delete<", 'name="schedule"'):
        assert control not in html
    token = carol.csrf(f"/projects/{code}/maintenance/")
    for path, data in ((f"/projects/{code}/maintenance/", {"kind": "once",
                                                           "end": "2099-01-01T00:00"}),
                       (f"/maintenance/{w['uuid']}/end", {}),
                       (f"/maintenance/{w['uuid']}/delete", {"confirmed": "yes"})):
        assert carol.client.post(path, data={"csrf_token": token, **data}).status_code == 403
    [after] = windows(api)
    assert after["ended_at"] is None and after["active_until"] is not None


def test_the_project_navigation_links_the_page(berlin):
    code = berlin.at("").rstrip("/").rsplit("/", 1)[1]
    link = f'href="/projects/{code}/maintenance/"'
    settings = berlin.get(berlin.at("settings/")).get_data(as_text=True)
    assert settings.count(link) == 2  # the top bar and the project's sub-navigation
    html = page(berlin)
    assert html.count(link) == 2 and 'aria-current="page">Maintenance<' in html
    # The schedule's timezone starts as the user's own.
    assert re.search(r'<option selected value="Europe/Berlin">', html)


# --- the note on the checks list and a check's page ------------------------------------

NOTE = "in maintenance until"


def row_of(html: str, name: str) -> str:
    rows = re.findall(r'<tr id="check-\d+".*?</tr>', html, re.S)
    [row] = [r for r in rows if f">{name}</a>" in r]
    return row


def test_the_list_and_the_check_page_note_a_covered_check_only(berlin, api, new_check):
    db_check = new_check(name="db-backup", tags="db")
    web_check = new_check(name="web-sync", tags="web")
    end = (utcnow() + timedelta(hours=2)).replace(second=0, microsecond=0)
    api_window(api, end=utc_iso(end), tags="db")
    api_window(api, name="later", start="2099-01-01T00:00:00Z", end="2099-01-02T00:00:00Z")
    listing = html_lib.unescape(berlin.get(berlin.home).get_data(as_text=True))
    assert f"{NOTE} {local_clock(end, TZ)}" in row_of(listing, "db-backup")
    assert NOTE not in row_of(listing, "web-sync")
    detail = html_lib.unescape(berlin.get(f"/checks/{db_check}").get_data(as_text=True))
    assert f"{NOTE} {local_clock(end, TZ)}" in detail and "db upgrade, until" in detail
    assert NOTE not in berlin.get(f"/checks/{web_check}").get_data(as_text=True)


def test_the_note_shows_the_window_that_ends_last(berlin, api, new_check):
    uuid = new_check(name="db-backup", tags="db")
    soon = (utcnow() + timedelta(hours=1)).replace(second=0, microsecond=0)
    later = soon + timedelta(hours=3)
    api_window(api, end=utc_iso(soon))
    api_window(api, name="chosen", end=utc_iso(later), checks=[uuid])
    listing = html_lib.unescape(berlin.get(berlin.home).get_data(as_text=True))
    assert f"{NOTE} {local_clock(later, TZ)}" in row_of(listing, "db-backup")
    detail = html_lib.unescape(berlin.get(f"/checks/{uuid}").get_data(as_text=True))
    assert f"{NOTE} {local_clock(later, TZ)}" in detail


def test_an_ended_window_leaves_no_note(berlin, api, new_check):
    uuid = new_check(name="db-backup")
    w = api_window(api, end=utc_iso(utcnow() + timedelta(hours=1)))
    assert NOTE in berlin.get(f"/checks/{uuid}").get_data(as_text=True)
    assert api("post", f"/maintenance/{w['uuid']}/end").status_code == 200
    assert NOTE not in berlin.get(f"/checks/{uuid}").get_data(as_text=True)
    assert NOTE not in berlin.get(berlin.home).get_data(as_text=True)


def test_the_live_list_redraws_when_a_window_begins(berlin, api, new_check):
    new_check(name="db-backup")
    html = berlin.get(berlin.home).get_data(as_text=True)
    live = html_lib.unescape(re.search(r'hx-get="([^"]+/live[^"]*)"', html).group(1))
    assert berlin.get(live).status_code == 204  # nothing changed yet
    api_window(api, end=utc_iso(utcnow() + timedelta(hours=1)))
    r = berlin.get(live)
    assert r.status_code == 200 and NOTE in r.get_data(as_text=True)


def test_the_lists_read_finds_the_window_that_ends_last_for_each_check(app, user, new_check,
                                                                       api):
    uuids = {name: new_check(name=name, tags=tags) for name, tags in (
        ("tagged", "db"), ("chosen", ""), ("both", "db web"), ("neither", "other"))}
    hour = timedelta(hours=1)
    now = utcnow()
    api_window(api, name="tags", end=utc_iso(now + hour), tags="db")
    api_window(api, name="pick", end=utc_iso(now + 3 * hour), checks=[uuids["chosen"]])
    # Recurring, on now (every minute, for ten): it ends before "tags" does.
    api_window(api, name="web", schedule="* * * * *", duration=600, tz="UTC", tags="web")
    api_window(api, name="future", start="2099-01-01T00:00:00Z", end="2099-01-02T00:00:00Z")
    # Not under the `ctx` fixture: requests would share its `g` (and the API's parsed body).
    with app.app_context():
        checks = db.session.scalars(sa.select(Check).where(Check.uuid.in_(uuids.values()))).all()
        conn = db.session.connection()
        at = utcnow()
        batch = windows_covering(conn, checks[0].project_id, {c.id: c.tags for c in checks}, at)
        names = {c.name: batch.get(c.id, ("", None))[0] for c in checks}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(MaintenanceWindow)) == 4
    assert names == {"tagged": "tags", "chosen": "pick", "both": "tags", "neither": ""}
