"""Snooze end to end ("mute until", Healthchecks #451): a real worker, real
SMTP. A muted check keeps its state and history; only what is sent changes.

Each test ends with a witness: an alert that is sent once the mute is over,
so that "no mail" is not merely "no mail yet".
"""

import os
import re
import subprocess
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from support import ROOT, make_user, own_project, push, wait_until
from support import api_call as call
from webapp.alerts.sweep import send_reminders
from webapp.core.models import Check, Flip, Notification
from webapp.core.projects import add_member
from webapp.core.times import utc_iso, utcnow
from webapp.db import db


def setup(live_server, key, **mute) -> str:
    """An email channel and a check alerting it, up, then muted as told."""
    r = call(live_server, key, "post", "/channels/",
             {"kind": "email", "name": "ops", "value": "ops@example.com"})
    assert r.status_code == 201, r.text
    r = call(live_server, key, "post", "/checks/", {"name": "backup", "timeout": 3600})
    uuid = r.json()["uuid"]
    push(live_server, uuid)
    r = call(live_server, key, "post", f"/checks/{uuid}", mute)
    assert r.status_code == 200, r.text
    return uuid


def flips(app) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(sa.select(Flip.new_status, Flip.reason).order_by(Flip.id)).all()
        db.session.remove()
    return [tuple(r) for r in rows]


def add_viewer(app, alice_id: int, email: str, password: str):
    """Another user, a viewer of alice's project."""
    bob_id, _ = make_user(app, email, password)
    with app.app_context():
        from webapp.core.accounts import User
        add_member(own_project(alice_id), db.session.get(User, bob_id), "viewer")
        db.session.commit()
        db.session.remove()


def n_notifications(app) -> int:
    with app.app_context():
        n = db.session.scalar(sa.select(sa.func.count()).select_from(Notification))
        db.session.remove()
    return n


def test_a_muted_down_is_recorded_but_not_sent_and_its_recovery_neither(
        app, live_server, worker, user, mailbox):
    uuid = setup(live_server, user[1], muted_until=utc_iso(utcnow() + timedelta(hours=1)))
    push(live_server, uuid, "down")
    body = call(live_server, user[1], "get", f"/checks/{uuid}").json()
    assert body["status"] == "down"  # its state goes on as ever
    assert body["muted_until"] is not None and body["mute_until_up"] is False
    assert [s for s, _ in flips(app)] == ["up", "down"]
    assert flips(app)[1][1].endswith("(muted: not sent)")
    assert n_notifications(app) == 0  # no row: nothing can send it later

    # Unmuted: the recovery from the muted down is not sent (nobody heard of
    # the down), the next down is: the witness that mail works.
    assert call(live_server, user[1], "post", f"/checks/{uuid}",
                {"muted_until": None}).json()["muted_until"] is None
    push(live_server, uuid)
    push(live_server, uuid, "down")
    [mail] = mailbox.wait_for(1)
    assert mail["Subject"] == "DOWN: backup"
    time.sleep(0.5)
    assert len(mailbox.messages) == 1
    assert [s for s, _ in flips(app)] == ["up", "down", "up", "down"]


def test_a_mute_ends_by_itself_at_its_time(app, live_server, worker, user, mailbox):
    uuid = setup(live_server, user[1], muted_until=utc_iso(utcnow() + timedelta(seconds=2)))
    push(live_server, uuid, "down")
    wait_until(lambda: call(live_server, user[1], "get",
                            f"/checks/{uuid}").json()["muted_until"] is None, timeout=5)
    push(live_server, uuid)  # recovery from a muted down: not sent
    push(live_server, uuid, "down")  # the mute has ended: sent
    [mail] = mailbox.wait_for(1)
    assert mail["Subject"] == "DOWN: backup"
    time.sleep(0.5)
    assert len(mailbox.messages) == 1


def test_mute_until_up_is_ended_by_the_recovery(app, live_server, worker, user, mailbox):
    uuid = setup(live_server, user[1], mute_until_up=True)
    push(live_server, uuid, "down")
    push(live_server, uuid, "down")  # still down, still muted
    assert call(live_server, user[1], "get", f"/checks/{uuid}").json()["mute_until_up"] is True
    push(live_server, uuid)  # ends the mute; this "up" is sent to nobody
    body = call(live_server, user[1], "get", f"/checks/{uuid}").json()
    assert (body["status"], body["mute_until_up"], body["muted_until"]) == ("up", False, None)
    assert n_notifications(app) == 0
    push(live_server, uuid, "down")
    [mail] = mailbox.wait_for(1)
    assert mail["Subject"] == "DOWN: backup"
    push(live_server, uuid)  # that down was heard, so its recovery is sent
    assert mailbox.wait_for(2)[1]["Subject"] == "UP: backup"
    assert [s for s, _ in flips(app)] == ["up", "down", "up", "down", "up"]


def test_no_reminders_while_muted(app, client, api, user):
    # In-process with the clock passed in, as test_routing's reminder test.
    api("post", "/channels/", json={"kind": "email", "name": "ops", "value": "ops@example.com"})
    uuid = api("post", "/checks/", json={"name": "backup", "timeout": 3600,
                                         "nag_period": 60}).get_json()["uuid"]
    client.get(f"/api/push/{uuid}")
    client.get(f"/api/push/{uuid}?status=down")  # sent: not muted yet
    until = utcnow() + timedelta(minutes=30)
    assert api("post", f"/checks/{uuid}", json={"muted_until": utc_iso(until)}).status_code == 200

    def reminders() -> int:
        with app.app_context():
            n = db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                                  .where(Notification.event == "reminder"))
            db.session.remove()
        return n

    with app.app_context():
        first_nag = db.session.scalar(sa.select(Check.next_nag))
        assert send_reminders(first_nag + timedelta(seconds=1)) == 1  # due, but muted
        db.session.remove()
    assert reminders() == 0
    with app.app_context():  # the next one, after the mute's time: sent
        assert send_reminders(until + timedelta(minutes=1)) == 1
        db.session.remove()
    assert reminders() == 1


@pytest.mark.parametrize("body, needle", [
    ({"muted_until": "2020-01-01T00:00:00+00:00"}, "muted_until must be in the future"),
    ({"muted_until": "soon"}, "muted_until is not an ISO 8601 time"),
    ({"muted_until": "2030-01-01T03:00:00"}, "muted_until needs an offset"),
    ({"muted_until": 1893466800}, "muted_until must be an ISO 8601 time with an offset"),
    ({"mute_until_up": "yes"}, "mute_until_up must be true or false"),
    ({"mute_until_up": None}, "mute_until_up must be true or false"),
])
def test_bad_mute_values_are_400s_and_change_nothing(api, new_check, body, needle):
    uuid = new_check()
    r = api("post", f"/checks/{uuid}", json=body)
    assert r.status_code == 400 and needle in r.get_json()["error"], r.get_json()
    got = api("get", f"/checks/{uuid}").get_json()
    assert (got["muted_until"], got["mute_until_up"]) == (None, False)


def test_the_dashboard_mutes_and_unmutes_and_the_list_shows_it(app, logged_in, api, new_check):
    uuid = new_check(name="backup")
    r = logged_in.post(f"/checks/{uuid}/mute", {"until": "8"}, token_from=f"/checks/{uuid}")
    assert r.status_code == 302
    got = api("get", f"/checks/{uuid}").get_json()
    assert got["mute_until_up"] is False
    ends = got["muted_until"]
    assert ends is not None
    page = logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    assert 'id="check-muted"' in page and "muted until" in page
    listing = logged_in.get("/").get_data(as_text=True)
    if "check-row" not in listing:  # the home page may redirect to the project's list
        listing = logged_in.get(logged_in.get("/").headers["Location"]).get_data(as_text=True)
    assert re.search(r'<s aria-hidden="true">🔔</s> muted until \S', listing)

    logged_in.post(f"/checks/{uuid}/mute", {"until": "up"}, token_from=f"/checks/{uuid}")
    got = api("get", f"/checks/{uuid}").get_json()
    assert (got["muted_until"], got["mute_until_up"]) == (None, True)
    assert "muted until it is up again" in logged_in.get(f"/checks/{uuid}").get_data(as_text=True)

    logged_in.post(f"/checks/{uuid}/mute", {"until": "off"}, token_from=f"/checks/{uuid}")
    got = api("get", f"/checks/{uuid}").get_json()
    assert (got["muted_until"], got["mute_until_up"]) == (None, False)
    assert 'id="check-muted"' not in logged_in.get(f"/checks/{uuid}").get_data(as_text=True)

    r = logged_in.post(f"/checks/{uuid}/mute", {"until": "forever"}, token_from=f"/checks/{uuid}")
    assert r.status_code == 400


def test_a_viewer_may_not_mute(app, web, api, user, new_check):
    uuid = new_check(name="backup")
    add_viewer(app, user[0], "bob@example.com", "bob-password")
    assert web.login("bob@example.com", "bob-password").status_code == 302
    assert "check-muted" not in web.get(f"/checks/{uuid}").get_data(as_text=True)
    r = web.post(f"/checks/{uuid}/mute", {"until": "8"}, token_from=f"/checks/{uuid}")
    assert r.status_code == 403
    assert api("get", f"/checks/{uuid}").get_json()["muted_until"] is None


def test_the_readmes_snooze_example_runs_as_written(app, live_server, user, new_check):
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("**Snooze: mute until"):]
    script = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    uuid = new_check()
    env = {**os.environ, "HB": live_server, "KEY": user[1], "UUID": uuid}
    subprocess.run(["bash", "-e", "-c", script.replace("curl ", "curl -sf ")],
                   env=env, check=True, capture_output=True, timeout=30)
    with app.app_context():
        check = db.session.scalar(sa.select(Check))
        assert utc_iso(check.muted_until) == "2030-01-01T03:00:00+00:00"
        db.session.remove()


def test_muting_a_tag_mutes_the_checks_that_carry_it_now(app, api, new_check, user):
    db_a, db_b = new_check(name="pg", tags="db nightly"), new_check(name="mysql", tags="db")
    web_check = new_check(name="web", tags="web")
    _, bobs_key = make_user(app, "bob@example.com", "bob-password")
    bobs = api("post", "/checks/", key=bobs_key, json={"name": "bobs", "tags": "db"}).get_json()
    r = api("post", "/checks/mute", json={"tag": "db", "until": "up"})
    assert r.status_code == 200, r.get_json()
    assert sorted(c["uuid"] for c in r.get_json()["checks"]) == sorted([db_a, db_b])

    def muted(uuid, key=None):
        return api("get", f"/checks/{uuid}", key=key).get_json()["mute_until_up"]

    assert (muted(db_a), muted(db_b), muted(web_check)) == (True, True, False)
    assert muted(bobs["uuid"], bobs_key) is False  # another project's, though tagged db
    later = new_check(name="redis", tags="db")
    assert muted(later) is False  # tagged after the mute: not muted (documented)

    until = utc_iso(utcnow() + timedelta(hours=2))
    r = api("post", "/checks/mute", json={"tag": "db", "until": until})
    assert [c["muted_until"] for c in r.get_json()["checks"]] == [until] * 3
    assert muted(db_a) is False  # a time replaces "until up"
    r = api("post", "/checks/mute", json={"tag": "db", "until": None})
    assert [(c["muted_until"], c["mute_until_up"]) for c in r.get_json()["checks"]] == [
        (None, False)] * 3


@pytest.mark.parametrize("body, needle", [
    ({"until": "up"}, "tag must be one tag"),
    ({"tag": "", "until": "up"}, "tag must be one tag"),
    ({"tag": "db web", "until": "up"}, "tag must be one tag"),
    ({"tag": ["db"], "until": "up"}, "tag must be one tag"),
    ({"tag": "db"}, "until is required"),
    ({"tag": "db", "until": "down"}, "until is not an ISO 8601 time"),
    ({"tag": "db", "until": "2020-01-01T00:00:00Z"}, "until must be in the future"),
    ({"tag": "db", "until": True}, "until must be an ISO 8601 time with an offset, or null"),
])
def test_bad_tag_mutes_are_400s_and_mute_nothing(api, new_check, body, needle):
    uuid = new_check(tags="db")
    r = api("post", "/checks/mute", json=body)
    assert r.status_code == 400 and needle in r.get_json()["error"], r.get_json()
    assert api("get", f"/checks/{uuid}").get_json()["mute_until_up"] is False


def test_a_down_waiting_for_a_channels_delay_is_not_sent_once_muted(
        app, live_server, worker, user, mailbox):
    key = user[1]
    r = call(live_server, key, "post", "/channels/",
             {"kind": "email", "name": "later", "value": "later@example.com", "delay": 1})
    assert r.status_code == 201, r.text
    r = call(live_server, key, "post", "/checks/", {"name": "backup", "timeout": 3600})
    uuid = r.json()["uuid"]
    push(live_server, uuid)
    push(live_server, uuid, "down")  # the channel is to hear of it in a second...
    assert call(live_server, key, "post", f"/checks/{uuid}",
                {"mute_until_up": True}).status_code == 200  # ...but it is muted first
    with app.app_context():
        wait_until(lambda: db.session.scalar(sa.select(Notification.status)) == "cancelled",
                   timeout=10)
        assert db.session.scalar(sa.select(Notification.error)) == (
            "not sent: the check was muted before this was sent")
        db.session.remove()
    assert mailbox.messages == []
    # Up (unheard, so unsent) ends the mute; the next down is sent: the witness.
    push(live_server, uuid)
    push(live_server, uuid, "down")
    assert mailbox.wait_for(1)[0]["Subject"] == "DOWN: backup"
