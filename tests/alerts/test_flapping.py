"""Flapping end to end: a real worker, real SMTP and a webhook receiver. A
check that changes state more than flap_threshold times within flap_window
sends one "flapping" message, holds the rest, and once stable for the window
is sent the state people were not yet told (Healthchecks and Uptime Kuma
have no such rule: there is no upstream test to follow).
"""

import time

import sqlalchemy as sa

from support import api_call as call
from support import push, wait_until
from webapp.core.flapping import flap_words, flaps
from webapp.core.models import Check, Flip
from webapp.db import db


def setup(live_server, key, receiver=None, **fields) -> str:
    r = call(live_server, key, "post", "/channels/",
             {"kind": "email", "name": "ops", "value": "ops@example.com"})
    assert r.status_code == 201, r.text
    if receiver is not None:
        r = call(live_server, key, "post", "/channels/",
                 {"kind": "webhook", "name": "hook", "value": receiver.url})
        assert r.status_code == 201, r.text
    r = call(live_server, key, "post", "/checks/", {"name": "vpn", "timeout": 3600, **fields})
    assert r.status_code == 201, r.text
    uuid = r.json()["uuid"]
    push(live_server, uuid)
    return uuid


def subjects(mailbox) -> list[str]:
    return [m["Subject"] for m in mailbox.messages]


def test_a_flapping_check_sends_one_message_then_its_state_once_stable(
        app, live_server, worker, user, mailbox, receiver):
    key = user[1]
    uuid = setup(live_server, key, receiver, flap_threshold=3, flap_window=3)
    for status in ("down", "up", "down"):  # three changes: sent as ever
        push(live_server, uuid, status)
    mailbox.wait_for(3)
    for status in ("up", "down", "up"):  # the fourth is one too many
        push(live_server, uuid, status)
    last_change = time.monotonic()
    mails = mailbox.wait_for(4)
    assert subjects(mailbox) == ["DOWN: vpn", "UP: vpn", "DOWN: vpn", "FLAPPING: vpn"]
    text = mails[3].get_body(("plain",)).get_content()
    assert "vpn is FLAPPING: it changed state more than 3 times within 3 seconds." in text
    body = call(live_server, key, "get", f"/checks/{uuid}").json()
    assert body["flapping_since"] is not None and body["status"] == "up"
    with app.app_context():
        reasons = db.session.execute(
            sa.select(Flip.reason).join(Check, Check.id == Flip.check_id)
            .where(Check.uuid == uuid).order_by(Flip.id)).scalars().all()
        db.session.remove()
    assert len(reasons) == 7  # every change is recorded
    assert all(r.endswith(f"(held: {flap_words(3, 3)})") for r in reasons[-3:])
    # Stable for the window: it is up, and people were last sent "down", so
    # they are sent "up", once, no sooner than the window after the last change.
    mailbox.wait_for(5, timeout=10)
    assert time.monotonic() - last_change >= 2.5
    assert subjects(mailbox)[4] == "UP: vpn"
    time.sleep(0.5)
    assert len(mailbox.messages) == 5
    assert call(live_server, key, "get", f"/checks/{uuid}").json()["flapping_since"] is None
    hooks = [receiver.json(i)["event"] for i in range(len(receiver.wait_for(5)))]
    assert hooks == ["down", "up", "down", "flapping", "up"]
    # No longer flapping: the next change is sent at once (the witness).
    push(live_server, uuid, "down")
    mailbox.wait_for(6)
    assert subjects(mailbox)[5] == "DOWN: vpn"


def test_flapping_that_ends_where_people_were_last_told_sends_nothing_more(
        app, live_server, worker, user, mailbox):
    key = user[1]
    uuid = setup(live_server, key, flap_threshold=2, flap_window=2)
    for status in ("down", "up", "down", "up"):  # sent, sent, FLAPPING, held
        push(live_server, uuid, status)
    mailbox.wait_for(3)
    wait_until(lambda: call(live_server, key, "get", f"/checks/{uuid}").json()[
        "flapping_since"] is None, timeout=10)
    time.sleep(0.5)
    # Up now, as people were last sent before the flapping: nothing more.
    assert subjects(mailbox) == ["DOWN: vpn", "UP: vpn", "FLAPPING: vpn"]
    push(live_server, uuid, "down")  # the witness: sent at once
    mailbox.wait_for(4)
    assert subjects(mailbox)[3] == "DOWN: vpn"


def test_flap_threshold_zero_sends_every_change(app, live_server, worker, user, mailbox):
    uuid = setup(live_server, user[1], flap_threshold=0)
    for status in ("down", "up") * 4:
        push(live_server, uuid, status)
    mailbox.wait_for(8)
    assert subjects(mailbox) == ["DOWN: vpn", "UP: vpn"] * 4


def test_flap_fields_are_checked(api, new_check):
    uuid = new_check()
    body = api("get", f"/checks/{uuid}").get_json()
    assert (body["flap_threshold"], body["flap_window"], body["flapping_since"]) == (6, 3600, None)
    for field, value, message in [
        ("flap_threshold", -1, "flap_threshold must be a whole number from 0 to 1000 (0: off)"),
        ("flap_threshold", "6", "flap_threshold must be a whole number from 0 to 1000 (0: off)"),
        ("flap_window", 0, "flap_window must be a whole number from 1 to 86400 seconds"),
    ]:
        r = api("post", f"/checks/{uuid}", json={field: value})
        assert (r.status_code, r.get_json()["error"]) == (400, message)
    r = api("post", f"/checks/{uuid}", json={"flap_threshold": 0, "flap_window": 600})
    assert (r.get_json()["flap_threshold"], r.get_json()["flap_window"]) == (0, 600)


def test_flapping_counts_changes_beyond_the_threshold_only():
    assert not flaps(6, 6) and flaps(7, 6)
    assert not flaps(100, 0)  # off
