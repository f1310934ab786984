"""What names a check across imports (its uuid, its push token) and across
DNS moves (its badge key), and sources that are malformed: a push token that
cannot be carried refuses its check, so no run makes another; two checks of
one source with the same uuid or token are not merged; a Healthchecks check's
badge URL and an export's badge key come over, so README badges keep
working; an export's unknown field and a malformed Kuma backup are reported,
never dropped nor a traceback."""

from __future__ import annotations

import json

import sqlalchemy as sa

from support import load_check, make_user, own_project, project_of
from webapp.core.check_actions import create_check
from webapp.core.models import Check, Project
from webapp.db import db

FS = "31365bce-8da9-4729-8ff3-aaa71d56b712"  # "Filesystem Backup" in the recorded answer
DB = "803f680d-e89b-492b-82ef-2be7b774a92d"  # "Database Backup"
BADGE = "a6c7b0a8-a1b2-4c3d-9e8f-0123456789ab"


def checks_of(app, project_id: int) -> list[tuple[str, str | None]]:
    with app.app_context():
        return [(c.name, c.push_token) for c in db.session.scalars(
            sa.select(Check).where(Check.project_id == project_id).order_by(Check.id))]


def kuma_monitor(id_: int, name: str, token: str) -> str:
    return ("INSERT INTO monitor (id, name, type, active, interval, push_token, user_id) "
            f"VALUES ({id_}, {name!r}, 'push', 1, 60, {token!r}, NULL)")


def export_doc(*checks: dict) -> dict:
    return {"format": "heartbeats-project", "version": 1, "channels": [],
            "checks": list(checks)}


def import_json(flask_cli, tmp_path, doc: dict, code: str):
    path = tmp_path / "project.json"
    path.write_text(json.dumps(doc))
    return flask_cli("import", "heartbeats", str(path), "--project", code)


# --- a refused push token refuses its check ------------------------------------------

def test_a_push_token_that_cannot_be_carried_refuses_the_check(app, user, kuma_db, flask_cli):
    # Kept without its token, the check would answer no old push URL, and the
    # next run, finding no check with that token, would make one more.
    pid, code = project_of(app)
    path = kuma_db(kuma_monitor(1, "Spaced", "has space/slash"))
    for _ in range(2):
        result = flask_cli("import", "uptime-kuma", str(path), "--project", code)
        assert "checks 0 created, 0 updated, 0 unchanged, 1 not imported" in result.output
        assert "not imported: its push_token cannot be carried (push_token may contain only " \
               "letters" in result.output
    assert checks_of(app, pid) == []


def test_an_exports_bad_push_token_refuses_the_check(app, user, flask_cli, tmp_path):
    pid, code = project_of(app)
    doc = export_doc({"name": "long", "timeout": 60, "push_token": "x" * 129})
    for _ in range(2):
        result = import_json(flask_cli, tmp_path, doc, code)
        assert "not imported: its push_token cannot be carried (push_token must be 1 to 128" \
               in result.output
    assert checks_of(app, pid) == []


# --- one source, two checks with the same name for a URL --------------------------

def test_two_kuma_monitors_with_one_push_token_are_not_merged(app, user, kuma_db, flask_cli):
    pid, code = project_of(app)
    path = kuma_db(kuma_monitor(1, "first", "SameToken123"),
                   kuma_monitor(2, "second", "SameToken123"))
    for _ in range(2):
        result = flask_cli("import", "uptime-kuma", str(path), "--project", code)
        assert "not imported: check 'second' (monitor 2)" in result.output
        assert "not imported: an earlier check of the source has the same push token " \
               "'SameToken123', and a ping URL names one check" in result.output
    assert checks_of(app, pid) == [("first", "SameToken123")]


def test_two_checks_with_one_uuid_are_not_merged(app, user, hc, flask_cli):
    pid, code = project_of(app)
    hc.edit_check("Database Backup", ping_url=f"{hc.url}/ping/{FS}", update_url="")
    result = flask_cli("import", "healthchecks", "--url", hc.url, "--api-key", hc.rw_key,
                       "--project", code)
    assert "checks 1 created, 0 updated, 0 unchanged, 1 not imported" in result.output
    assert f"an earlier check of the source has the same uuid '{FS}'" in result.output
    assert load_check(app, FS).name == "Filesystem Backup"


# --- badge keys -------------------------------------------------------------------------

def hc_import(flask_cli, hc, code: str):
    return flask_cli("import", "healthchecks", "--url", hc.url, "--api-key", hc.rw_key,
                     "--project", code)


def test_a_healthchecks_badge_url_keeps_working(app, client, user, hc, flask_cli, snapshot):
    # hc/api/tests/test_check_badge.py: a check's badge is /b/2/<badge_key>.svg,
    # and the API gives each check's badge_url (hc/api/models.py Check.to_dict).
    code = project_of(app)[1]
    hc.edit_check("Filesystem Backup", badge_url=f"{hc.url}/b/2/{BADGE.upper()}.svg")
    result = hc_import(flask_cli, hc, code)
    assert f"badge URLs kept: /b/2/{BADGE}.svg" in result.output
    assert load_check(app, FS).badge_key == BADGE
    r = client.get(f"/b/2/{BADGE}.svg")
    assert r.status_code == 200 and "Filesystem Backup" in r.get_data(as_text=True)
    assert client.get(f"/b/3/{BADGE}.json").get_json()["total"] == 1
    before = snapshot()
    assert "2 unchanged" in hc_import(flask_cli, hc, code).output
    assert snapshot() == before


def test_a_badge_key_changed_in_healthchecks_is_carried(app, user, hc, flask_cli):
    code = project_of(app)[1]
    hc_import(flask_cli, hc, code)
    hc.edit_check("Filesystem Backup", badge_url=f"{hc.url}/b/2/{BADGE}.svg")
    result = hc_import(flask_cli, hc, code)
    assert "checks 0 created, 1 updated, 1 unchanged" in result.output
    assert "changed: badge_key" in result.output
    assert load_check(app, FS).badge_key == BADGE


def test_a_badge_key_another_check_has_is_not_taken(app, client, user, hc, flask_cli):
    bob = make_user(app, "bob@example.com")[0]
    with app.app_context():
        bobs = create_check(own_project(bob).id, {"name": "bob's"})
        bobs.badge_key = BADGE
        db.session.commit()
    hc.edit_check("Filesystem Backup", badge_url=f"{hc.url}/b/2/{BADGE}.svg")
    hc.edit_check("Database Backup", badge_url=f"{hc.url}/badge/whatever.svg")
    result = hc_import(flask_cli, hc, project_of(app)[1])
    assert "checks 2 created" in result.output
    assert f"badge key {BADGE} not carried: another check here has it" in result.output
    assert "badge_url not carried: " in result.output and "is not a check's badge URL" in \
        result.output
    assert load_check(app, FS).badge_key != BADGE
    assert "bob" in client.get(f"/b/2/{BADGE}.svg").get_data(as_text=True)  # still bob's


def test_an_export_with_secrets_carries_the_badge_keys(app, client, api, flask_cli, tmp_path):
    r = api("post", "/checks/", json={"name": "readme badge", "timeout": 60})
    badge_url = r.get_json()["badge_url"]
    key = badge_url.rsplit("/", 1)[-1].removesuffix(".svg")
    alice_id, alice_code = project_of(app)
    plain = flask_cli("export", alice_code).stdout
    assert key not in plain  # a copy beside the original cannot have it
    doc = json.loads(flask_cli("export", alice_code, "--include-secrets").stdout)
    assert doc["checks"][0]["badge_key"] == key
    bob = make_user(app, "bob@example.com")[0]
    with app.app_context():
        bobs_code = own_project(bob).code
        db.session.delete(db.session.get(Project, alice_id))  # the old server is gone
        db.session.commit()
    result = import_json(flask_cli, tmp_path, doc, bobs_code)
    assert f"badge URLs kept: /b/2/{key}.svg" in result.output
    r = client.get(f"/b/2/{key}.svg")
    assert r.status_code == 200 and "readme badge" in r.get_data(as_text=True)


# --- malformed sources --------------------------------------------------------------

def test_an_exports_unknown_field_is_reported(app, user, flask_cli, tmp_path):
    doc = export_doc({"name": "edited", "timeout": 60, "colour": "red",
                      "filter_http_body": True, "schedule": "* * * * *"})
    result = import_json(flask_cli, tmp_path, doc, project_of(app)[1])
    out = result.output
    assert "created: check 'edited'" in out
    assert "colour not carried: a check of a Heartbeats export has no such field" in out
    assert "filter_http_body not carried: a check of a Heartbeats export has no such field" \
        in out
    assert "schedule not carried: the check's kind is simple" in out


def test_a_kuma_backup_with_a_malformed_monitor_is_refused_saying_why(
        app, user, flask_cli, tmp_path, snapshot):
    code = project_of(app)[1]
    before = snapshot()
    for field, value, says in (("notificationIDList", 3, "'3', not an object of notification ids"),
                               ("tags", "cron", "'cron', not a list of tags")):
        backup = {"version": "1.23.16", "monitorList": [
            {"id": 7, "name": "Cron job", "type": "push", "interval": 60,
             "pushToken": "JsonBackupToken1", field: value}]}
        path = tmp_path / "backup.json"
        path.write_text(json.dumps(backup))
        result = flask_cli("import", "uptime-kuma", str(path), "--project", code)
        # A refusal the command prints, not a traceback.
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), \
            result.output
        assert (f"not an Uptime Kuma backup as Kuma writes it: the {field} of monitor '7' "
                f"is {says}") in result.output
    assert snapshot() == before
