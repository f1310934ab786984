"""Delivery end to end: a real worker process, real SMTP and a real HTTP receiver,
through outages, a killed worker and reminders."""

import json
import time

import requests
import sqlalchemy as sa

from support import wait_until
from webapp.core.models import Notification
from webapp.db import db


def api_post(live_server, key, path, body):
    r = requests.post(f"{live_server}/api/v3{path}", headers={"X-Api-Key": key}, json=body,
                      timeout=10)
    assert r.status_code in (200, 201), r.text
    return r.json()


def rows(app) -> list[tuple[str, str, int, str]]:
    with app.app_context():
        found = db.session.execute(
            sa.select(Notification.kind, Notification.status, Notification.attempts,
                      Notification.error).order_by(Notification.id)).all()
        db.session.remove()
        return [tuple(r) for r in found]


def test_down_and_up_reach_every_selected_channel(app, live_server, worker, user, mailbox,
                                                  receiver):
    key = user[1]
    api_post(live_server, key, "/channels/", {"kind": "email", "name": "ops",
                                              "value": "ops@example.com, oncall@example.com"})
    api_post(live_server, key, "/channels/", {"kind": "webhook", "name": "hook", "value": {
        "url": f"{receiver.url}/hook", "headers": {"Authorization": "Bearer t0ken"}}})
    api_post(live_server, key, "/channels/", {
        "kind": "apprise", "name": "apprise",
        "value": f"json://127.0.0.1:{receiver.url.rsplit(':', 1)[1]}/apprise"})
    check = api_post(live_server, key, "/checks/", {"name": "nightly-backup", "tags": "prod",
                                                    "timeout": 3600})
    uuid = check["uuid"]
    requests.get(f"{live_server}/api/push/{uuid}?msg=fine&value=1", timeout=10)
    requests.get(f"{live_server}/api/push/{uuid}?status=down&msg=disk%20full&value=97", timeout=10)

    [mail] = mailbox.wait_for(1, timeout=10)
    assert mail["Subject"] == "DOWN: nightly-backup"
    assert sorted(mail.envelope_to) == ["oncall@example.com", "ops@example.com"]
    hooks = receiver.wait_for(2, timeout=10)
    webhook = next(r for r in hooks if r["path"] == "/hook")
    assert webhook["headers"]["Authorization"] == "Bearer t0ken"
    payload = json.loads(webhook["body"])
    assert {k: payload[k] for k in ("event", "uuid", "name", "tags", "status", "reason",
                                    "last_message", "last_value")} == {
        "event": "down", "uuid": uuid, "name": "nightly-backup", "tags": ["prod"],
        "status": "down", "reason": "disk full", "last_message": "disk full", "last_value": 97.0}
    assert payload["url"] == f"http://hb.test/checks/{uuid}"
    assert payload["changed_at"].endswith("+00:00") and payload["last_ping"].endswith("+00:00")
    apprise = next(r for r in hooks if r["path"] == "/apprise")
    assert json.loads(apprise["body"])["title"] == "DOWN: nightly-backup"

    requests.get(f"{live_server}/api/push/{uuid}?msg=fixed", timeout=10)
    mailbox.wait_for(2, timeout=10)
    receiver.wait_for(4, timeout=10)
    assert mailbox.subjects() == ["DOWN: nightly-backup", "UP: nightly-backup"]
    events = sorted(json.loads(r["body"]).get("event", "apprise")
                    for r in receiver.requests)
    assert events == ["apprise", "apprise", "down", "up"]
    wait_until(lambda: [r[1] for r in rows(app)] == ["sent"] * 6)


def test_a_worker_killed_mid_delivery_is_replaced_and_the_row_delivered(
        app, live_server, worker, user, receiver):
    api_post(live_server, user[1], "/channels/", {"kind": "webhook", "name": "hook",
                                                  "value": f"{receiver.url}/hook"})
    check = api_post(live_server, user[1], "/checks/", {"name": "backup", "timeout": 3600})
    receiver.hang = 60  # the first delivery stalls inside the worker...
    requests.get(f"{live_server}/api/push/{check['uuid']}?status=down", timeout=10)
    wait_until(lambda: rows(app) and rows(app)[0][2] == 1, timeout=10)
    time.sleep(0.5)
    worker.kill()  # ...and the worker dies holding it
    assert rows(app)[0][1] == "pending"
    worker.start()
    # Once the lease runs out, the sweep finds the row and a new job delivers it.
    [delivered] = receiver.wait_for(1, timeout=45)
    assert json.loads(delivered["body"])["event"] == "down"
    wait_until(lambda: rows(app)[0][1] == "sent", timeout=10)
    time.sleep(1)
    assert len(receiver.requests) == 1


def test_reminders_arrive_each_period_and_stop_on_recovery(live_server, worker, user, mailbox):
    check = api_post(live_server, user[1], "/checks/", {"name": "backup", "timeout": 3600,
                                                        "nag_period": 2})
    requests.get(f"{live_server}/api/push/{check['uuid']}?status=down", timeout=10)
    mails = mailbox.wait_for(3, timeout=10)
    assert [m["Subject"] for m in mails[:3]] == [
        "DOWN: backup", "DOWN: backup (reminder)", "DOWN: backup (reminder)"]
    gaps = [b.received_at - a.received_at for a, b in zip(mails[:2], mails[1:3], strict=True)]
    assert all(1.5 <= gap <= 3.5 for gap in gaps), gaps
    assert "still DOWN" in mails[1].get_body(("plain",)).get_content()
    requests.get(f"{live_server}/api/push/{check['uuid']}", timeout=10)
    mailbox.wait_for(len(mailbox.messages) + 1, timeout=10)
    assert mailbox.subjects()[-1] == "UP: backup"
    settled = len(mailbox.messages)
    time.sleep(4)
    assert len(mailbox.messages) == settled
