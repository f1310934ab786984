"""`flask import uptime-kuma` from a kuma.db made with Kuma's own SQL
(conftest.py KUMA_SCHEMA, each statement from the louislam/uptime-kuma file it
names) and from a Kuma JSON backup: push monitors keep their push tokens, so
/api/push/<token> answers here, and running it twice changes nothing."""

from __future__ import annotations

import json

from support import load_check, make_user, own_project, project_of
from webapp.core.check_actions import create_check
from webapp.core.models import Check, Ping
from webapp.db import db

TOKEN = "Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56"  # Kuma 2 makes 32 letters and digits
OLD_TOKEN = "tok3n0ld1x"  # Kuma 1 made 10


def monitor(id_, name, type_="push", *, token=None, active=1, interval=60, retry=60,
            retries=0, resend=0, description=None, upside_down=0) -> str:
    """An INSERT of a monitor row as Kuma's server/model/monitor.js stores one."""
    def sql(value):
        return "NULL" if value is None else repr(value)
    return ("INSERT INTO monitor (id, name, type, active, interval, retry_interval, maxretries, "
            "resend_interval, push_token, description, upside_down, user_id, url) VALUES "
            f"({id_}, {sql(name)}, {sql(type_)}, {active}, {interval}, {retry}, {retries}, "
            f"{resend}, {sql(token)}, {sql(description)}, {upside_down}, 1, "
            f"{sql('https://example.com' if type_ == 'http' else None)})")


ROWS = (
    "INSERT INTO user (id, username, password) VALUES (1, 'admin', 'x')",
    monitor(1, "Nightly backup", token=TOKEN, interval=86400, retry=300, retries=3, resend=2,
            description="rsync to the NAS"),
    monitor(2, "Old agent", token=OLD_TOKEN, active=0, interval=120, retry=0, retries=0),
    monitor(3, "Website", "http"),
    monitor(4, "Inverted", token="upsidedowntoken1", upside_down=1),
    "INSERT INTO tag (id, name, color) VALUES (1, 'prod', '#059669'), (2, 'Home Lab', '#2563EB')",
    "INSERT INTO monitor_tag (monitor_id, tag_id, value) VALUES (1, 1, ''), (1, 2, 'rack 2')",
    "INSERT INTO notification (id, name, config) VALUES (1, 'Mail', '{\"type\": \"smtp\"}')",
    "INSERT INTO monitor_notification (monitor_id, notification_id) VALUES (1, 1)",
)


def check_by_token(app, token: str) -> Check:
    with app.app_context():
        from sqlalchemy import select

        check = db.session.scalar(select(Check).where(Check.push_token == token))
        db.session.expunge_all()
        return check


def test_push_monitors_come_over_with_their_push_tokens(app, client, user, kuma_db, flask_cli):
    path = kuma_db(*ROWS)
    result = flask_cli("import", "uptime-kuma", str(path), "--project", project_of(app)[1])
    assert result.exit_code == 0, result.output
    assert "checks 2 created, 0 updated, 0 unchanged, 2 not imported" in result.output

    nightly = check_by_token(app, TOKEN)
    assert (nightly.name, nightly.desc, nightly.kind, nightly.timeout) == (
        "Nightly backup", "rsync to the NAS", "simple", 86400)
    # Three retries 300 s apart before Kuma says down; the fourth failure counts.
    assert (nightly.grace, nightly.failure_threshold) == (900, 4)
    assert nightly.nag_period == 2 * 86400  # resend every 2nd beat while down
    assert nightly.tags == "prod Home-Lab:rack-2"
    assert nightly.status == "new" and not nightly.manual_resume

    r = client.get(f"/api/push/{TOKEN}?status=up&msg=OK&ping=12")
    assert (r.status_code, r.get_json()["ok"]) == (200, True)
    with app.app_context():
        [ping] = db.session.query(Ping).filter_by(check_id=nightly.id).all()
        assert (ping.kind, ping.msg, ping.value) == ("success", "OK", 12.0)
    # Its own uuid works too, as for every check.
    assert client.get(f"/api/push/{nightly.uuid}").status_code == 200


def test_what_is_not_a_push_monitor_is_reported(app, user, kuma_db, flask_cli):
    result = flask_cli("import", "uptime-kuma", str(kuma_db(*ROWS)),
                       "--project", project_of(app)[1])
    out = result.output
    assert "not imported: check 'Website' (monitor 3)" in out
    assert "a http monitor: Kuma polls it, and Heartbeats polls nothing" in out
    assert "not imported: check 'Inverted' (monitor 4)" in out and "upside-down mode" in out
    assert "tag 'Home Lab' = 'rack 2' carried as 'Home-Lab:rack-2'" in out
    assert "its 1 Kuma notification(s) not carried" in out


def test_an_inactive_monitor_is_paused_and_pushes_do_not_resume_it(app, client, user, kuma_db,
                                                                  flask_cli):
    flask_cli("import", "uptime-kuma", str(kuma_db(*ROWS)), "--project", project_of(app)[1])
    old = check_by_token(app, OLD_TOKEN)
    assert (old.status, old.manual_resume, old.timeout) == ("paused", True, 120)
    # No retries: Kuma says down as soon as the interval passes; one failure counts.
    assert (old.grace, old.failure_threshold) == (1, 1)
    assert client.get(f"/api/push/{OLD_TOKEN}").status_code == 200
    assert load_check(app, old.uuid).status == "paused"


def test_retries_hold_off_down_as_kuma_does(app, client, user, kuma_db, flask_cli):
    # api-router.js determineStatus: with maxretries 3, three status=down pushes in a
    # row leave the monitor pending; the fourth makes it down.
    flask_cli("import", "uptime-kuma", str(kuma_db(*ROWS)), "--project", project_of(app)[1])
    uuid = check_by_token(app, TOKEN).uuid
    assert client.get(f"/api/push/{TOKEN}").status_code == 200
    for _ in range(3):
        assert client.get(f"/api/push/{TOKEN}?status=down&msg=failed").status_code == 200
        assert load_check(app, uuid).status == "up"
    client.get(f"/api/push/{TOKEN}?status=down&msg=failed")
    assert load_check(app, uuid).status == "down"


def test_running_it_twice_changes_nothing(app, user, kuma_db, flask_cli, snapshot):
    path, code = kuma_db(*ROWS), project_of(app)[1]
    flask_cli("import", "uptime-kuma", str(path), "--project", code)
    before = snapshot()
    again = flask_cli("import", "uptime-kuma", str(path), "--project", code)
    assert "checks 0 created, 0 updated, 2 unchanged, 2 not imported" in again.output
    assert snapshot() == before


def test_a_json_backup_is_read_too(app, client, user, flask_cli, tmp_path, kuma_db, snapshot):
    # src/components/settings/Backup.vue downloadBackup: {version, notificationList,
    # monitorList}, each monitor as server/model/monitor.js toJSON() writes it.
    backup = {"version": "1.23.16", "notificationList": [], "monitorList": [
        {"id": 7, "name": "Cron job", "type": "push", "active": True, "interval": 300,
         "retryInterval": 60, "maxretries": 2, "resendInterval": 0, "upsideDown": False,
         "pushToken": "JsonBackupToken1", "description": "from a backup",
         "notificationIDList": {}, "tags": [{"id": 1, "monitor_id": 7, "tag_id": 1,
                                             "value": "", "name": "cron", "color": "#000"}]},
        {"id": 8, "name": "DNS", "type": "dns", "active": True, "interval": 60},
    ]}
    path = tmp_path / "Uptime_Kuma_Backup.json"
    path.write_text(json.dumps(backup))
    result = flask_cli("import", "uptime-kuma", str(path), "--project", project_of(app)[1])
    assert result.exit_code == 0, result.output
    assert "Uptime Kuma backup Uptime_Kuma_Backup.json (version 1.23.16)" in result.output
    assert "checks 1 created, 0 updated, 0 unchanged, 1 not imported" in result.output
    check = check_by_token(app, "JsonBackupToken1")
    assert (check.timeout, check.grace, check.failure_threshold, check.tags, check.desc) == (
        300, 120, 3, "cron", "from a backup")
    assert client.get("/api/push/JsonBackupToken1?status=up").status_code == 200
    before = snapshot()
    flask_cli("import", "uptime-kuma", str(path), "--project", project_of(app)[1])
    assert snapshot() == before


def test_a_change_in_kuma_is_carried_by_the_next_run(app, user, kuma_db, flask_cli, tmp_path):
    code = project_of(app)[1]
    flask_cli("import", "uptime-kuma", str(kuma_db(*ROWS)), "--project", code)
    import sqlite3

    with sqlite3.connect(tmp_path / "kuma.db") as conn:
        conn.execute("UPDATE monitor SET interval = 3600, active = 1 WHERE id = 2")
    conn.close()
    result = flask_cli("import", "uptime-kuma", str(tmp_path / "kuma.db"), "--project", code)
    assert "checks 0 created, 1 updated, 1 unchanged" in result.output
    old = check_by_token(app, OLD_TOKEN)
    assert (old.timeout, old.status, old.manual_resume) == (3600, "new", False)


def test_a_push_token_of_another_projects_check_is_not_taken(app, user, kuma_db, flask_cli):
    bob = make_user(app, "bob@example.com")[0]
    with app.app_context():
        create_check(own_project(bob).id, {"name": "bob's", "push_token": TOKEN})
        db.session.commit()
    result = flask_cli("import", "uptime-kuma", str(kuma_db(*ROWS)),
                       "--project", project_of(app)[1])
    assert "its push token belongs to a check of another project here" in result.output
    assert check_by_token(app, TOKEN).name == "bob's"


def test_a_file_that_is_no_kuma_is_refused(app, user, flask_cli, tmp_path):
    code = project_of(app)[1]
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    result = flask_cli("import", "uptime-kuma", str(text), "--project", code)
    assert result.exit_code != 0
    assert "neither an Uptime Kuma database (kuma.db) nor a Kuma JSON backup" in result.output
    other = tmp_path / "other.db"
    import sqlite3

    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE things (id INTEGER)")
    conn.close()
    result = flask_cli("import", "uptime-kuma", str(other), "--project", code)
    assert result.exit_code != 0 and "not an Uptime Kuma database" in result.output
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"monitors": []}')
    result = flask_cli("import", "uptime-kuma", str(wrong), "--project", code)
    assert result.exit_code != 0 and "not an Uptime Kuma backup: it has no monitorList" in \
        result.output
