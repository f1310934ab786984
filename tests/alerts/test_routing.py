"""Routing per channel, end to end: which events each channel is sent, and a
delay that makes an escalation (a real worker, real SMTP, a real receiver)."""

import json
import re
import time
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa

from support import ROOT, wait_until
from webapp.alerts.delivery import deliver
from webapp.alerts.sweep import requeue_due, send_reminders
from webapp.core.models import Channel, Check, Flip, Notification
from webapp.core.times import utcnow
from webapp.db import db


def post(live_server, key, path, body) -> dict:
    r = requests.post(f"{live_server}/api/v3{path}", headers={"X-Api-Key": key}, json=body,
                      timeout=10)
    assert r.status_code in (200, 201), r.text
    return r.json()


def email(live_server, key, **routing) -> dict:
    return post(live_server, key, "/channels/",
                {"kind": "email", "name": "ops", "value": "ops@example.com", **routing})


def webhook(live_server, key, receiver, **routing) -> dict:
    return post(live_server, key, "/channels/",
                {"kind": "webhook", "name": "on-call", "value": f"{receiver.url}/hook", **routing})


def new_check(live_server, key) -> str:
    # Made after the channels: a new check alerts every channel.
    return post(live_server, key, "/checks/", {"name": "backup", "timeout": 3600})["uuid"]


def push(live_server, uuid, status="up") -> float:
    r = requests.get(f"{live_server}/api/push/{uuid}?status={status}", timeout=10)
    assert r.status_code == 200, r.text
    return time.time()


def outbox(app) -> list[tuple[str, str, str]]:
    """(channel name, event, status) of every notification, oldest first."""
    with app.app_context():
        found = db.session.execute(
            sa.select(Channel.name, Notification.event, Notification.status)
            .join(Channel, Channel.id == Notification.channel_id)
            .order_by(Notification.id)).all()
        db.session.remove()
        return [tuple(r) for r in found]


def events_of(receiver) -> list[str]:
    return [json.loads(r["body"])["event"] for r in receiver.requests]


def test_a_channel_without_up_hears_of_the_down_but_not_the_recovery(
        app, live_server, worker, user, mailbox, receiver):
    key = user[1]
    email(live_server, key, events=["down"])
    webhook(live_server, key, receiver)  # every event: the witness that "up" was sent
    uuid = new_check(live_server, key)
    push(live_server, uuid)
    push(live_server, uuid, "down")
    push(live_server, uuid)

    receiver.wait_for(2)
    assert sorted(events_of(receiver)) == ["down", "up"]
    [mail] = mailbox.wait_for(1)
    assert mail["Subject"] == "DOWN: backup"
    # No row was made for the email channel's "up": none can arrive later.
    wait_until(lambda: all(status == "sent" for _, _, status in outbox(app)))
    assert sorted(outbox(app)) == [("on-call", "down", "sent"), ("on-call", "up", "sent"),
                                   ("ops", "down", "sent")]
    assert len(mailbox.messages) == 1
    with app.app_context():  # the flips are recorded all the same
        assert db.session.scalars(sa.select(Flip.new_status).order_by(Flip.id)).all() == [
            "up", "down", "up"]


def test_escalation_mails_at_once_and_calls_the_webhook_after_its_delay(
        app, live_server, worker, user, mailbox, receiver):
    key = user[1]
    email(live_server, key)
    webhook(live_server, key, receiver, events=["down"], delay=2)
    uuid = new_check(live_server, key)
    push(live_server, uuid)
    downed = push(live_server, uuid, "down")

    [mail] = mailbox.wait_for(1, timeout=5)
    assert mail["Subject"] == "DOWN: backup"
    assert mail.received_at - downed < 1.5  # the first alert is not held back
    [hook] = receiver.wait_for(1, timeout=10)
    late_by = hook["received_at"] - downed
    # Not before its delay; then within the sweep's next look for due rows (1 s).
    assert 2.0 <= late_by < 4.5, late_by
    assert json.loads(hook["body"])["event"] == "down"
    wait_until(lambda: outbox(app) == [("ops", "down", "sent"), ("on-call", "down", "sent")])


def test_a_recovery_within_the_delay_cancels_the_webhook_and_sends_it_nothing(
        app, live_server, worker, user, mailbox, receiver):
    key = user[1]
    email(live_server, key)
    webhook(live_server, key, receiver, delay=60)  # up is among its events
    uuid = new_check(live_server, key)
    push(live_server, uuid)
    push(live_server, uuid, "down")
    mailbox.wait_for(1, timeout=5)
    push(live_server, uuid)

    up = mailbox.wait_for(2, timeout=5)[1]
    assert up["Subject"] == "UP: backup"
    wait_until(lambda: outbox(app) == [("ops", "down", "sent"), ("on-call", "down", "cancelled"),
                                       ("ops", "up", "sent")])
    with app.app_context():
        held = db.session.scalar(sa.select(Notification).where(Notification.kind == "webhook"))
        assert held.error == "not sent: the check recovered within the channel's delay"
        # Even once its time has come, nothing can send it: no job is started,
        # and a job that ran anyway would find it cancelled.
        assert requeue_due(utcnow() + timedelta(seconds=120)) == 0
        assert deliver(held.id).startswith("skipped")
        db.session.remove()
    assert receiver.requests == []


def test_reminders_follow_each_channels_events_and_wait_for_its_delay(
        app, client, api, user, receiver):
    # In-process, with the clock passed in: reminders a minute apart, not waited for.
    for body in ({"kind": "email", "name": "ops", "value": "ops@example.com",
                  "events": "down up"},
                 {"kind": "webhook", "name": "on-call", "value": f"{receiver.url}/hook",
                  "delay": 900}):
        assert api("post", "/channels/", json=body).status_code == 201
    r = api("post", "/checks/", json={"name": "backup", "timeout": 3600, "nag_period": 60})
    uuid = r.get_json()["uuid"]
    client.get(f"/api/push/{uuid}")
    client.get(f"/api/push/{uuid}?status=down")
    with app.app_context():
        down_at = db.session.scalar(sa.select(Check.next_nag)) - timedelta(seconds=60)
        assert send_reminders(down_at + timedelta(seconds=61)) == 1
        db.session.remove()
    # ops takes no reminders; on-call's delay (15 min) has not passed: no row for either.
    assert [name for name, event, _ in outbox(app) if event == "reminder"] == []
    with app.app_context():
        assert send_reminders(down_at + timedelta(seconds=901)) == 1
        db.session.remove()
    assert [name for name, event, _ in outbox(app) if event == "reminder"] == ["on-call"]


@pytest.mark.parametrize("routing, needle", [
    ({"events": ["down", "grace"]}, "unknown event 'grace': events are down, up, reminder, late"),
    ({"events": ["down", "sideways"]}, "unknown event 'sideways': events are down, up, reminder"),
    ({"events": {"down": True}}, "events must be a list of event names"),
    ({"events": [1]}, "events must be a list of event names"),
    ({"delay": -1}, "delay must be from 0 to 86400 seconds"),
    ({"delay": 86401}, "delay must be from 0 to 86400 seconds"),
    ({"delay": "900"}, "delay must be a whole number of seconds"),
    ({"delay": 1.5}, "delay must be a whole number of seconds"),
    ({"delay": True}, "delay must be a whole number of seconds"),
    ({"delay": None}, "delay must be a whole number of seconds"),
])
def test_bad_routing_fields_are_refused_and_no_channel_is_made(app, api, routing, needle):
    r = api("post", "/channels/", json={"kind": "email", "value": "ops@example.com", **routing})
    assert r.status_code == 400
    assert needle in r.get_json()["error"]
    assert api("get", "/channels/").get_json() == {"channels": []}


def test_the_readme_escalation_example_makes_that_channel(api):
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("**Routing per channel"):]
    body = json.loads(re.search(r"-d '(\{.*?\})'", section).group(1))
    r = api("post", "/channels/", json=body)
    assert r.status_code == 201, r.get_json()
    made = r.get_json()
    assert (made["name"], made["kind"], made["events"], made["delay"]) == (
        "on-call", "webhook", ["down"], 900)
    assert api("get", "/channels/").get_json()["channels"] == [made]


def test_a_pause_within_the_delay_cancels_the_held_down(app, client, api, user, receiver):
    # "Only if still down after the delay": a paused check is not.
    api("post", "/channels/", json={"kind": "webhook", "name": "on-call",
                                    "value": f"{receiver.url}/hook", "delay": 60})
    uuid = api("post", "/checks/", json={"name": "backup", "timeout": 3600}).get_json()["uuid"]
    client.get(f"/api/push/{uuid}")
    client.get(f"/api/push/{uuid}?status=down")
    assert outbox(app) == [("on-call", "down", "pending")]
    assert api("post", f"/checks/{uuid}/pause").status_code == 200
    assert outbox(app) == [("on-call", "down", "cancelled")]
    with app.app_context():
        assert db.session.scalar(sa.select(Notification.error)) == (
            "not sent: the check was no longer down when the channel's delay ended")
        db.session.remove()


def test_the_check_page_says_each_channels_routing(app, logged_in, api):
    api("post", "/channels/", json={"kind": "email", "name": "ops", "value": "ops@example.com"})
    api("post", "/channels/", json={"kind": "webhook", "name": "on-call",
                                    "value": "https://oncall.example.com/hook",
                                    "events": ["down"], "delay": 900})
    uuid = api("post", "/checks/", json={"name": "backup"}).get_json()["uuid"]
    page = logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    assert "ops (email), on-call (webhook: down · after 15 min)" in page
