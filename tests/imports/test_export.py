"""`flask export PROJECT` and `flask import heartbeats FILE`: a project's checks
and channels out as versioned JSON and into another project, equal on the
other side; secrets (uuids, push tokens, channel settings) only with
--include-secrets; an import run twice changes nothing. And the README's
Migrating commands, run as they are written there."""

from __future__ import annotations

import json
import re
import shlex

import sqlalchemy as sa

from support import ROOT, load_check, make_user, own_project, project_of
from webapp.core.channels import add_channel, parse_channel
from webapp.core.models import Channel, Check, Project, User
from webapp.db import db

PUSH_TOKEN = "KumaToken0123456789abcdefABCDEF0"


def seed(api, receiver) -> dict[str, str]:
    """Alice's project as someone would have set it up: checks of every kind and
    setting, an email and a webhook channel, one check paused. {name: uuid}."""
    email = api("post", "/channels/", json={"kind": "email", "name": "ops",
                                            "value": "ops@example.com"}).get_json()["id"]
    # The on-call hook: routed (downs only, after 15 minutes), which a move keeps.
    api("post", "/channels/", json={"kind": "webhook", "name": "hook", "value": {
        "url": f"{receiver.url}/hook", "headers": {"X-Token": "s3cret-header"}},
        "events": ["down"], "delay": 900})
    made = {}
    for fields in (
        {"name": "nightly", "slug": "nightly-db", "tags": "db prod", "desc": "pg_dump\nto S3",
         "timeout": 3600, "grace": 600, "methods": "POST", "manual_resume": True,
         "max_runtime": 900, "nag_period": 7200, "failure_threshold": 2, "value_min": 0,
         "value_max": 10.5, "start_kw": "BEGIN", "success_kw": "OK", "failure_kw": "ERROR",
         "filter_http_body": True, "filter_default_fail": True, "channels": email},
        {"name": "weekly", "schedule": "15 5 * * 1", "tz": "Europe/Riga", "grace": 1800},
        {"name": "agent", "timeout": 60, "grace": 30, "push_token": PUSH_TOKEN,
         "channels": ""},
        {"name": "twin", "timeout": 120},
        {"name": "twin", "timeout": 240},  # two alike: both must come over, once
    ):
        r = api("post", "/checks/", json=fields)
        assert r.status_code == 201, r.get_json()
        made.setdefault(fields["name"], r.get_json()["uuid"])
    assert api("post", f"/checks/{made['weekly']}/pause").status_code == 200
    return made


def export(flask_cli, code: str, *flags: str) -> dict:
    result = flask_cli("export", code, *flags)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def comparable(doc: dict) -> dict:
    """An export without what differs between two projects alike: its time, the
    project's name, and the channels' ids (each project's own)."""
    named = {c["id"]: (c["kind"], c["name"]) for c in doc["channels"]}
    return {
        "channels": sorted(({k: v for k, v in c.items() if k != "id"} for c in doc["channels"]),
                           key=repr),
        "checks": [{**c, "channels": sorted(named[i] for i in c["channels"])}
                   for c in doc["checks"]],
    }


def bobs_project(app) -> tuple[int, str]:
    bob = make_user(app, "bob@example.com")[0]
    with app.app_context():
        project = own_project(bob)
        return project.id, project.code


def write(tmp_path, doc: dict, name: str = "project.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(doc))
    return str(path)


def test_an_export_holds_no_secret_unless_asked(app, api, receiver, flask_cli):
    made = seed(api, receiver)
    code = project_of(app)[1]
    result = flask_cli("export", code)
    text = result.stdout
    doc = json.loads(text)
    assert (doc["format"], doc["version"], doc["secrets"]) == ("heartbeats-project", 1, False)
    assert [c["name"] for c in doc["checks"]] == ["nightly", "weekly", "agent", "twin", "twin"]
    for secret in (*made.values(), PUSH_TOKEN, "ops@example.com", receiver.url, "s3cret-header"):
        assert secret not in text
    nightly = doc["checks"][0]
    assert (nightly["filter_body"], nightly["value_max"], nightly["desc"]) == (
        True, 10.5, "pg_dump\nto S3")
    assert doc["checks"][1]["paused"] is True and doc["checks"][1]["schedule"] == "15 5 * * 1"

    with_secrets = export(flask_cli, code, "--include-secrets")
    assert with_secrets["secrets"] is True
    assert with_secrets["checks"][0]["uuid"] == made["nightly"]
    assert with_secrets["checks"][2]["push_token"] == PUSH_TOKEN
    hook = next(c for c in with_secrets["channels"] if c["kind"] == "webhook")
    assert (hook["value"], hook["headers"]) == (f"{receiver.url}/hook",
                                                {"X-Token": "s3cret-header"})


def test_a_copy_into_another_project_is_equal_without_secrets(app, api, receiver, flask_cli,
                                                              tmp_path, snapshot):
    made = seed(api, receiver)
    original = export(flask_cli, project_of(app)[1])
    bob_id, bob_code = bobs_project(app)
    with app.app_context():  # without secrets, the channels must exist there: by kind and name
        add_channel(bob_id, parse_channel({"kind": "email", "name": "ops",
                                           "value": "bob@example.com"}))
        add_channel(bob_id, parse_channel({"kind": "webhook", "name": "hook",
                                           "value": f"{receiver.url}/bobs",
                                           "events": ["down"], "delay": 900}))
    path = write(tmp_path, original)
    result = flask_cli("import", "heartbeats", path, "--project", bob_code)
    assert result.exit_code == 0, result.output
    assert "checks 5 created, 0 updated, 0 unchanged, 0 not imported" in result.output
    assert result.output.count("linked: channel") == 2
    copy = export(flask_cli, bob_code)
    assert comparable(copy) == comparable(original)

    # New ping URLs there; the original's are the original's still.
    with app.app_context():
        bobs = db.session.scalars(sa.select(Check.uuid).where(Check.project_id == bob_id)).all()
    assert not set(bobs) & set(made.values())
    assert load_check(app, made["nightly"]).project_id == project_of(app)[0]

    before = snapshot()
    again = flask_cli("import", "heartbeats", path, "--project", bob_code)
    assert "checks 0 created, 0 updated, 5 unchanged, 0 not imported" in again.output
    assert snapshot() == before


def test_without_secrets_a_missing_channel_is_reported(app, api, receiver, flask_cli, tmp_path):
    seed(api, receiver)
    path = write(tmp_path, export(flask_cli, project_of(app)[1]))
    result = flask_cli("import", "heartbeats", path, "--project", bobs_project(app)[1])
    assert "not imported: channel 'hook'" in result.output
    assert "the export holds no channel settings (it was made without --include-secrets)" in \
        result.output
    assert "its alerts to 'ops' not carried" in result.output


def test_moving_a_project_with_its_secrets_keeps_every_url(app, client, api, receiver,
                                                          flask_cli, tmp_path, snapshot):
    made = seed(api, receiver)
    alice_id, alice_code = project_of(app)
    original = export(flask_cli, alice_code, "--include-secrets")
    path = write(tmp_path, original)
    # While the original exists, its uuids and push token are its own.
    bob_id, bob_code = bobs_project(app)
    clash = flask_cli("import", "heartbeats", path, "--project", bob_code)
    assert "checks 0 created, 0 updated, 0 unchanged, 5 not imported" in clash.output
    assert "its uuid belongs to a check of another project here" in clash.output

    with app.app_context():  # the old server is gone
        db.session.delete(db.session.get(Project, alice_id))
        db.session.commit()
    result = flask_cli("import", "heartbeats", path, "--project", bob_code)
    assert "checks 5 created, 0 updated, 0 unchanged, 0 not imported" in result.output
    moved = export(flask_cli, bob_code, "--include-secrets")
    assert comparable(moved) == comparable(original)
    assert {(c["name"], tuple(c["events"]), c["delay"]) for c in moved["channels"]} == {
        ("ops", ("down", "up", "reminder"), 0), ("hook", ("down",), 900)}
    assert client.post(f"/ping/{made['nightly']}", data="OK").status_code == 200
    assert client.get(f"/api/push/{PUSH_TOKEN}").status_code == 200
    assert load_check(app, made["nightly"]).project_id == bob_id

    before = snapshot()
    again = flask_cli("import", "heartbeats", path, "--project", bob_code)
    assert "checks 0 created, 0 updated, 5 unchanged, 0 not imported" in again.output
    assert snapshot() == before


def test_an_export_it_cannot_read_whole_is_refused(app, user, flask_cli, tmp_path, snapshot):
    code = project_of(app)[1]
    before = snapshot()
    cases = [
        ({"format": "heartbeats-project", "version": 2, "checks": []}, "an export of version 2"),
        ({"checks": []}, "not a Heartbeats project export"),
        ({"format": "heartbeats-project", "version": 1, "checks": {"a": 1}},
         "the export's checks must be a list of objects"),
    ]
    for doc, needle in cases:
        result = flask_cli("import", "heartbeats", write(tmp_path, doc), "--project", code)
        assert result.exit_code != 0 and needle in result.output, result.output
    (tmp_path / "bad.json").write_text("{nope")
    result = flask_cli("import", "heartbeats", str(tmp_path / "bad.json"), "--project", code)
    assert result.exit_code != 0 and "is not JSON" in result.output
    assert snapshot() == before


def test_a_bad_field_in_an_edited_export_is_reported(app, user, flask_cli, tmp_path):
    doc = {"format": "heartbeats-project", "version": 1, "channels": [], "checks": [
        {"name": "edited", "slug": "edited", "timeout": 60, "grace": "soon", "tags": "a b"},
        {"name": "bad uuid", "timeout": 60, "uuid": "not-a-uuid"}]}
    result = flask_cli("import", "heartbeats", write(tmp_path, doc),
                       "--project", project_of(app)[1])
    assert "created: check 'edited'" in result.output
    assert "grace not carried: grace must be a whole number of seconds" in result.output
    assert "not imported: uuid must be a UUID (got 'not-a-uuid')" in result.output


# --- the README's commands ------------------------------------------------------------

def readme_block(marker: str) -> list[str]:
    """The `.venv/bin/flask ...` lines of the README's bash block holding `marker`."""
    text = (ROOT / "README.md").read_text()
    block = next(b for b in re.findall(r"```bash\n(.*?)```", text, re.S) if marker in b)
    return [line for line in block.splitlines() if line.startswith(".venv/bin/flask ")]


def test_the_readmes_migrating_commands_work(app, client, user, flask_cli, hc, kuma_db,
                                            tmp_path, monkeypatch):
    with app.app_context():
        alice = db.session.scalar(sa.select(User.id).where(User.email == "alice@example.com"))
        own_project(alice).name = "Backups"
        copy = Project(name="Backups copy")
        db.session.add(copy)
        db.session.commit()
        copy_id = copy.id
    kuma = kuma_db("INSERT INTO monitor (id, name, type, interval, push_token) "
                   "VALUES (1, 'Cron job', 'push', 60, 'ReadmeToken0123')")
    monkeypatch.chdir(tmp_path)  # where the export lands
    lines = readme_block("flask import healthchecks")
    assert len(lines) == 5
    for line in lines:
        line = (line.replace("https://healthchecks.example.com", hc.url)
                .replace("/var/lib/uptime-kuma/kuma.db", str(kuma)))
        words, out = shlex.split(line)[1:], None
        if ">" in words:
            words, out = words[:words.index(">")], words[words.index(">") + 1]
        words = [hc.rw_key if w == "$HC_API_KEY" else w for w in words]
        result = flask_cli(*words)
        assert result.exit_code == 0, f"{line}\n{result.output}"
        if out:
            (tmp_path / out).write_text(result.stdout)

    assert client.get("/ping/31365bce-8da9-4729-8ff3-aaa71d56b712").status_code == 200
    assert client.get("/api/push/ReadmeToken0123").status_code == 200
    backups = json.loads((tmp_path / "backups.json").read_text())
    assert len(backups["checks"]) == 3 and not backups["secrets"]
    assert json.loads((tmp_path / "backups-with-secrets.json").read_text())["secrets"] is True
    with app.app_context():
        copied = db.session.scalars(sa.select(Check.name).where(Check.project_id == copy_id))
        assert sorted(copied) == sorted(c["name"] for c in backups["checks"])


def test_a_linked_channel_keeps_its_own_routing_and_the_report_says_so(app, api, receiver,
                                                                         flask_cli, tmp_path):
    seed(api, receiver)
    original = export(flask_cli, project_of(app)[1])
    bob_id, bob_code = bobs_project(app)
    with app.app_context():
        add_channel(bob_id, parse_channel({"kind": "email", "name": "ops",
                                           "value": "bob@example.com"}))
        add_channel(bob_id, parse_channel({"kind": "webhook", "name": "hook",
                                           "value": f"{receiver.url}/bobs"}))
    result = flask_cli("import", "heartbeats", write(tmp_path, original), "--project", bob_code)
    assert result.exit_code == 0, result.output
    assert result.output.count("is kept, not the source's") == 1  # the hook, not ops
    with app.app_context():
        hook = db.session.scalar(sa.select(Channel).where(Channel.project_id == bob_id,
                                                          Channel.name == "hook"))
        assert (hook.events, hook.delay) == ("down up reminder", 0)
