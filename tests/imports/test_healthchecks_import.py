"""`flask import healthchecks` (and the dashboard's Import page) against a
Healthchecks site that answers with Healthchecks' recorded API answers
(conftest.py, fixtures/README.md): the checks come over with their uuids, so
their /ping/<uuid> URLs work here, and running it again changes nothing."""

from __future__ import annotations

import sqlalchemy as sa

from fake_network import PRIVATE_REFUSAL
from support import load_check, make_user, own_project, pings_of, project_of
from webapp.core.channels import add_channel, parse_channel
from webapp.core.check_actions import create_check
from webapp.core.models import Channel, Check, User
from webapp.db import db

FS = "31365bce-8da9-4729-8ff3-aaa71d56b712"  # "Filesystem Backup" in the recorded answer
DB = "803f680d-e89b-492b-82ef-2be7b774a92d"  # "Database Backup"
WORK_EMAIL = "4ec5a071-2d08-4baa-898a-eb4eb3cd6941"  # the integrations example's email
PHONE = "746a083e-f542-4554-be1a-707ce16d3acc"  # and its sms


def run_import(flask_cli, hc, code: str, key: str | None = None):
    return flask_cli("import", "healthchecks", "--url", hc.url, "--api-key", key or hc.rw_key,
                     "--project", code)


def test_it_makes_the_checks_with_their_uuids_and_their_ping_urls_work(
        app, client, user, hc, flask_cli):
    code = project_of(app)[1]
    result = run_import(flask_cli, hc, code)
    assert result.exit_code == 0, result.output
    assert "checks 2 created, 0 updated, 0 unchanged, 0 not imported" in result.output
    # The key went in Healthchecks' header, to both of the calls the import makes.
    assert [(r["path"], r["headers"]["X-Api-Key"]) for r in hc.requests] == [
        ("/api/v3/checks/", hc.rw_key), ("/api/v3/channels/", hc.rw_key)]

    fs, db_backup = load_check(app, FS), load_check(app, DB)
    assert (fs.name, fs.slug, fs.tags, fs.desc) == (
        "Filesystem Backup", "filesystem-backup", "backup fs", "Runs incremental backup every hour")
    assert (fs.kind, fs.timeout, fs.grace, fs.methods, fs.manual_resume) == (
        "simple", 3600, 600, "", False)
    assert (fs.start_kw, fs.success_kw, fs.failure_kw, fs.filter_subject, fs.filter_body) == (
        "START", "SUCCESS", "ERROR", True, False)
    assert (db_backup.kind, db_backup.schedule, db_backup.tz, db_backup.grace) == (
        "cron", "15 5 * * *", "UTC", 1200)
    # Its state is its own here: a check that has not been pinged here is new.
    assert fs.status == db_backup.status == "new"

    r = client.get(f"/ping/{FS}")
    assert (r.status_code, r.get_data(as_text=True)) == (200, "OK")
    assert [p.kind for p in pings_of(app, FS)] == ["success"]
    assert client.post(f"/ping/{DB}/fail", data="disk full").status_code == 200
    assert load_check(app, DB).status == "down"


def test_what_could_not_be_carried_is_reported(app, user, hc, flask_cli):
    result = run_import(flask_cli, hc, project_of(app)[1])
    out = result.output
    # Neither integration exists here, and the API never gives an address or URL.
    assert "not imported: channel 'My Work Email' (4ec5a071" in out
    assert "add an email channel named 'My Work Email' here" in out
    assert "a Healthchecks 'sms' integration: an Apprise URL can send to" in out
    # The recorded checks name two integrations the recorded list does not have.
    assert out.count("not carried: its alerts to channels missing from the source's list of "
                     "channels (1bdea468-03bf-47b8-ab27-29a9dd0e4b94, "
                     "51c6eb2b-2ae1-456b-99fe-6f1e0a36cd3c)") == 2
    assert "filter_subject is kept, but it has no effect here" in out


def test_running_it_again_changes_nothing(app, user, hc, flask_cli, snapshot):
    code = project_of(app)[1]
    assert run_import(flask_cli, hc, code).exit_code == 0
    before = snapshot()
    again = run_import(flask_cli, hc, code)
    assert again.exit_code == 0, again.output
    assert "checks 0 created, 0 updated, 2 unchanged, 0 not imported" in again.output
    assert snapshot() == before


def test_a_change_made_in_healthchecks_is_carried_by_the_next_run(app, user, hc, flask_cli):
    code = project_of(app)[1]
    run_import(flask_cli, hc, code)
    hc.edit_check("Filesystem Backup", grace=900, tags="backup fs nightly")
    result = run_import(flask_cli, hc, code)
    assert "checks 0 created, 1 updated, 1 unchanged" in result.output
    assert "changed: grace, tags" in result.output
    assert (load_check(app, FS).grace, load_check(app, FS).tags) == (900, "backup fs nightly")


def test_a_channel_named_as_the_integration_stands_for_it(app, user, hc, flask_cli):
    pid, code = project_of(app)
    with app.app_context():
        ours = add_channel(pid, parse_channel(
            {"kind": "email", "name": "My Work Email", "value": "ops@example.com"})).code
        other = add_channel(pid, parse_channel(
            {"kind": "email", "name": "Someone else", "value": "else@example.com"})).code
    # The recorded checks name integrations the recorded list lacks (fixtures/README.md):
    # here the first one names the two listed integrations instead.
    hc.edit_check("Filesystem Backup", channels=f"{WORK_EMAIL},{PHONE}")
    hc.edit_check("Database Backup", channels="")
    result = run_import(flask_cli, hc, code)
    assert "linked: channel 'My Work Email'" in result.output
    assert "stands for the email channel 'My Work Email' here" in result.output
    assert "its alerts to 'My Phone' not carried: that channel is not imported" in result.output
    with app.app_context():
        fs = db.session.scalar(sa.select(Check).where(Check.uuid == FS))
        assert [c.code for c in fs.channels] == [ours]
        database = db.session.scalar(sa.select(Check).where(Check.uuid == DB))
        assert database.channels == []  # it alerts no integration in Healthchecks either
        # The import made no channel, and left the other one's checks alone.
        assert db.session.scalar(sa.select(sa.func.count(Channel.id))) == 2
        assert db.session.scalar(sa.select(Channel).where(Channel.code == other)).checks == []


def test_a_paused_check_comes_over_paused(app, user, hc, flask_cli, snapshot):
    code = project_of(app)[1]
    hc.edit_check("Database Backup", status="paused")
    run_import(flask_cli, hc, code)
    assert load_check(app, DB).status == "paused"
    before = snapshot()
    assert "2 unchanged" in run_import(flask_cli, hc, code).output
    assert snapshot() == before


def test_the_newest_healthchecks_answer_is_read_too(app, user, hc, flask_cli):
    # hc/api/models.py Check.to_dict of the newest versions: "uuid" itself, and
    # filter_http_body / filter_default_fail (keywords in an HTTP ping's body).
    hc.edit_check("Filesystem Backup", uuid=FS, ping_url="", update_url="",
                  filter_http_body=True, filter_default_fail=True, filter_body=True)
    run_import(flask_cli, hc, project_of(app)[1])
    fs = load_check(app, FS)
    assert (fs.filter_body, fs.filter_default_fail) == (True, True)


def test_an_http_body_filter_is_not_made_from_the_email_one(app, user, hc, flask_cli):
    # Before filter_http_body, Healthchecks' filter_body searched email bodies only:
    # switching on body filters for HTTP pings here would ignore pings it counted.
    hc.edit_check("Filesystem Backup", filter_body=True)
    result = run_import(flask_cli, hc, project_of(app)[1])
    assert load_check(app, FS).filter_body is False
    assert "filter_body (keywords in an email's body) not carried" in result.output


def test_a_read_only_key_is_refused_saying_why(app, user, hc, flask_cli, snapshot):
    before = snapshot()
    result = run_import(flask_cli, hc, project_of(app)[1], key=hc.ro_key)
    assert result.exit_code != 0
    assert "this is a read-only API key: Healthchecks shows it no check's uuid" in result.output
    assert snapshot() == before


def test_a_wrong_key_is_refused_in_healthchecks_words(app, user, hc, flask_cli):
    result = run_import(flask_cli, hc, project_of(app)[1], key="W" * 32)
    assert result.exit_code != 0
    assert "Healthchecks refused the API key: 401 wrong api key" in result.output


def test_an_address_that_is_no_healthchecks_is_refused(app, user, flask_cli, receiver):
    # The receiver answers 200 with an empty body: no JSON, no Healthchecks.
    code = project_of(app)[1]
    result = flask_cli("import", "healthchecks", "--url", receiver.url, "--api-key", "k" * 32,
                       "--project", code)
    assert result.exit_code != 0 and "did not answer with JSON" in result.output
    result = flask_cli("import", "healthchecks", "--url", "ftp://hc.example.com",
                       "--api-key", "k", "--project", code)
    assert result.exit_code != 0 and "not a Healthchecks address" in result.output


def test_a_redirect_is_not_followed_with_the_key(app, user, hc, flask_cli, receiver):
    hc.redirect_to = f"{receiver.url}/elsewhere"
    result = run_import(flask_cli, hc, project_of(app)[1])
    assert result.exit_code != 0 and "answered with a redirect to" in result.output
    assert receiver.requests == []  # the key went nowhere else


def test_a_uuid_of_another_projects_check_is_not_taken(app, user, hc, flask_cli):
    bob = make_user(app, "bob@example.com")[0]
    with app.app_context():
        create_check(own_project(bob).id, {"name": "bob's"}, uuid=FS)
        db.session.commit()
    result = run_import(flask_cli, hc, project_of(app)[1])
    assert "checks 1 created, 0 updated, 0 unchanged, 1 not imported" in result.output
    assert "its uuid belongs to a check of another project here" in result.output
    assert load_check(app, FS).name == "bob's"


def test_a_field_our_rules_refuse_is_reported_and_a_bad_schedule_refuses_the_check(
        app, user, hc, flask_cli):
    hc.edit_check("Filesystem Backup", desc="bad\x00text", methods="PUT")
    hc.edit_check("Database Backup", schedule="61 * * * *")
    result = run_import(flask_cli, hc, project_of(app)[1])
    out = result.output
    assert "desc not carried: desc must not contain control characters" in out
    assert 'methods not carried: methods must be "" (any method) or "POST"' in out
    assert load_check(app, FS).desc == ""
    assert "not imported: its schedule cannot be carried" in out
    assert load_check(app, DB) is None


def test_the_check_limit_holds(app, user, hc, flask_cli, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CHECKS_PER_PROJECT", 1)
    result = run_import(flask_cli, hc, project_of(app)[1])
    assert "checks 1 created, 0 updated, 0 unchanged, 1 not imported" in result.output
    assert "the project has reached its check limit" in result.output


def test_the_key_is_prompted_for_when_left_out(app, user, hc, flask_cli):
    # So that it need not stand in the shell's history.
    result = flask_cli("import", "healthchecks", "--url", hc.url, "--project",
                       project_of(app)[1], input=f"{hc.rw_key}\n")
    assert result.exit_code == 0, result.output
    assert hc.rw_key not in result.output and "2 created" in result.output


def test_without_project_it_takes_the_only_one_and_else_asks(app, user, hc, flask_cli):
    result = flask_cli("import", "healthchecks", "--url", hc.url, "--api-key", hc.rw_key)
    assert result.exit_code == 0, result.output
    make_user(app, "bob@example.com")
    result = flask_cli("import", "healthchecks", "--url", hc.url, "--api-key", hc.rw_key)
    assert result.exit_code != 0 and "name the project to import into with --project" in \
        result.output


# --- the dashboard: project settings, Import ----------------------------------------

def test_the_import_page_imports_and_shows_the_report(app, logged_in, hc, client):
    code = project_of(app)[1]
    page = logged_in.get(f"/projects/{code}/settings/").get_data(as_text=True)
    assert f"/projects/{code}/import" in page
    r = logged_in.post(f"/projects/{code}/import", {"url": hc.url, "api_key": hc.rw_key},
                       token_from=f"/projects/{code}/import")
    html = r.get_data(as_text=True)
    assert r.status_code == 200, html
    assert "checks 2 created, 0 updated, 0 unchanged, 0 not imported" in html
    assert f'href="/checks/{FS}"' in html and "Filesystem Backup" in html
    assert "add an email channel named &#39;My Work Email&#39; here" in html
    assert hc.rw_key not in html  # the key is not shown back, nor kept
    assert client.get(f"/ping/{FS}").status_code == 200


def test_the_import_page_says_what_is_wrong(app, logged_in, hc):
    code = project_of(app)[1]
    r = logged_in.post(f"/projects/{code}/import", {"url": hc.url, "api_key": hc.ro_key},
                       token_from=f"/projects/{code}/import")
    assert r.status_code == 400 and "this is a read-only API key" in r.get_data(as_text=True)
    r = logged_in.post(f"/projects/{code}/import", {"url": "", "api_key": ""},
                       token_from=f"/projects/{code}/import")
    assert r.status_code == 400 and "Give the address of the Healthchecks site" in \
        r.get_data(as_text=True)
    for url in ("http://[::1", "http://hc.example.com:99999", "hc.example.com"):
        r = logged_in.post(f"/projects/{code}/import", {"url": url, "api_key": hc.rw_key},
                           token_from=f"/projects/{code}/import")
        assert r.status_code == 400 and "not a Healthchecks address" in r.get_data(as_text=True)


def test_the_import_page_keeps_to_public_addresses(app, logged_in, hc, guarded, snapshot):
    code = project_of(app)[1]
    before = snapshot()
    r = logged_in.post(f"/projects/{code}/import", {"url": hc.url, "api_key": hc.rw_key},
                       token_from=f"/projects/{code}/import")
    assert r.status_code == 400
    assert PRIVATE_REFUSAL.format("127.0.0.1 is") in r.get_data(as_text=True)
    assert hc.requests == []  # not even a connection reached it
    assert snapshot() == before


def test_a_viewer_cannot_import(app, web, hc):
    make_user(app, "alice@example.com")
    carol = make_user(app, "carol@example.com")[0]
    with app.app_context():
        from webapp.core.projects import add_member

        project = own_project(db.session.scalar(
            sa.select(User.id).where(User.email == "alice@example.com")))
        add_member(project, db.session.get(User, carol), "viewer")
        db.session.commit()
        code = project.code
    assert web.login("carol@example.com").status_code == 302
    assert web.get(f"/projects/{code}/import").status_code == 403
