"""The rules of "Less noise" together (#15): a maintenance window over a parent
with three children, a storm of 50 checks, one of them snoozed. A real worker,
real SMTP and a real webhook receiver; each phase waits out the storm window
before the next, so that every message counted belongs to one rule.
"""

import time
from datetime import timedelta

import pytest
import requests
import sqlalchemy as sa

from support import api_call, push
from webapp.core.models import Check, Flip
from webapp.core.times import utc_iso, utcnow
from webapp.db import db

THRESHOLD, WINDOW = 3, 3.0


@pytest.fixture
def storms(app, monkeypatch):
    monkeypatch.setitem(app.config, "ALERT_GROUP_THRESHOLD", THRESHOLD)
    monkeypatch.setitem(app.config, "ALERT_GROUP_WINDOW", WINDOW)


def call(live_server, key, method, path, body=None) -> requests.Response:
    r = api_call(live_server, key, method, path, body)
    assert r.status_code in (200, 201), r.text
    return r


def make(live_server, key, name, **fields) -> str:
    uuid = call(live_server, key, "post", "/checks/",
                {"name": name, "timeout": 3600, **fields}).json()["uuid"]
    push(live_server, uuid)
    return uuid


def subjects(mailbox) -> list[str]:
    return [m["Subject"] for m in mailbox.messages]


def events(receiver) -> list[str]:
    return [receiver.json(i)["event"] for i in range(len(receiver.requests))]


def test_maintenance_dependencies_a_storm_and_a_snooze_together(
        app, live_server, worker, user, mailbox, receiver, storms):
    key = user[1]
    call(live_server, key, "post", "/channels/",
         {"kind": "email", "name": "ops", "value": "ops@example.com"})
    call(live_server, key, "post", "/channels/",
         {"kind": "webhook", "name": "hook", "value": receiver.url})
    parent = make(live_server, key, "backup-host")
    kids = [make(live_server, key, f"child-{i}", depends_on=[parent]) for i in (1, 2, 3)]
    hosts = {f"host-{i:02}": make(live_server, key, f"host-{i:02}") for i in range(50)}
    call(live_server, key, "post", f"/checks/{hosts['host-07']}",
         {"muted_until": utc_iso(utcnow() + timedelta(hours=1))})

    # 1. A window over the parent: it goes down, and so do its children.
    call(live_server, key, "post", "/maintenance/",
         {"name": "nas firmware", "checks": [parent],
          "end": utc_iso(utcnow() + timedelta(seconds=2))})
    push(live_server, parent, "down")
    for kid in kids:
        push(live_server, kid, "down")
    push(live_server, kids[2])  # child-3 recovers while its parent is down
    time.sleep(1)
    assert mailbox.messages == []  # the parent is in maintenance, the children wait for it
    # The window ends: the parent, still down, is sent once, naming its children.
    [mail] = mailbox.wait_for(1, timeout=10)
    assert mail["Subject"] == "DOWN: backup-host"
    assert "Also down:    child-1, child-2" in mail.get_body(("plain",)).get_content()

    # 2. The parent recovers: child-1 and child-2, still down, are sent once
    #    each; child-3 (up again) sends nothing.
    time.sleep(WINDOW + 0.5)  # past the storm window of phase 1
    push(live_server, parent)
    mailbox.wait_for(4)
    assert sorted(subjects(mailbox)[1:]) == ["DOWN: child-1", "DOWN: child-2", "UP: backup-host"]

    # 3. A storm: all 50 hosts go down; host-07 is snoozed.
    time.sleep(WINDOW + 0.5)
    for uuid in hosts.values():
        push(live_server, uuid, "down")
    mailbox.wait_for(8, timeout=WINDOW + 10)
    receiver.wait_for(8, timeout=10)
    time.sleep(1.5)  # anything more would have come by now
    storm = subjects(mailbox)[4:]
    assert storm == ["DOWN: host-00", "DOWN: host-01", "DOWN: host-02",
                     "46 more checks went down"]
    text = mailbox.messages[7].get_body(("plain",)).get_content()
    assert "host-07" not in text and all(
        f"host-{i:02}" in text for i in range(3, 50) if i != 7)
    assert len(mailbox.messages) == 8
    hooks = events(receiver)
    assert hooks[0] == "down" and sorted(hooks[1:4]) == ["down", "down", "up"]
    assert hooks[4:] == ["down", "down", "down", "group"]
    assert len(receiver.requests) == 8 and receiver.json(7)["count"] == 46

    # Every change was recorded, whatever was sent: 1 + 3 + 1 (child-3's
    # recovery) + 1 (the parent's) + 50 flips after the first pings.
    with app.app_context():
        flips = db.session.scalar(sa.select(sa.func.count()).select_from(Flip)
                                  .where(Flip.old_status != "new"))
        muted = db.session.scalar(sa.select(Flip.reason).join(Check, Check.id == Flip.check_id)
                                  .where(Check.name == "host-07", Flip.new_status == "down"))
        db.session.remove()
    assert flips == 56
    assert muted.endswith("(muted: not sent)")
