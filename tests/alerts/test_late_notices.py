""""Late" notices end to end: a channel that asks for them hears when a ping
is overdue, before the grace time is over, once per lateness; the others do
not. A real worker, real SMTP and a real webhook receiver. (Healthchecks has
no such event, #231 asks for routing per channel; no upstream test to port.)
"""

import time
from datetime import timedelta

import requests

from support import api_call, push, wait_until
from webapp.core.times import utc_iso, utcnow


def call(live_server, key, method, path, body=None) -> requests.Response:
    r = api_call(live_server, key, method, path, body)
    assert r.status_code in (200, 201), r.text
    return r


def lates(receiver) -> list[dict]:
    return [p for p in map(receiver.json, range(len(receiver.requests))) if p["event"] == "late"]


def test_a_channel_that_asks_for_late_hears_it_once_per_lateness(
        app, live_server, worker, user, mailbox, receiver):
    key = user[1]
    call(live_server, key, "post", "/channels/",
         {"kind": "email", "name": "ops", "value": "ops@example.com"})  # the default events
    call(live_server, key, "post", "/channels/",
         {"kind": "webhook", "name": "early", "value": receiver.url, "events": ["late"]})
    uuid = call(live_server, key, "post", "/checks/",
                {"name": "sync", "timeout": 1, "grace": 3}).json()["uuid"]
    push(live_server, uuid)
    wait_until(lambda: len(receiver.requests) >= 1, timeout=5)
    [late] = lates(receiver)
    assert (late["name"], late["status"]) == ("sync", "late")
    assert late["reason"] == "its ping is overdue; the grace time is not over yet"
    assert mailbox.messages == []  # email did not ask for late
    # Still late: no second notice. Then down: email hears it, the webhook not.
    assert mailbox.wait_for(1, timeout=10)[0]["Subject"] == "DOWN: sync"
    time.sleep(0.5)
    assert len(receiver.requests) == 1
    # Up again and late again: a new lateness, a new notice (the witness).
    push(live_server, uuid)
    wait_until(lambda: len(lates(receiver)) == 2, timeout=5)
    assert mailbox.wait_for(2)[1]["Subject"] == "UP: sync"


def test_no_late_notice_for_a_muted_check(app, live_server, worker, user, receiver):
    key = user[1]
    call(live_server, key, "post", "/channels/",
         {"kind": "webhook", "name": "early", "value": receiver.url, "events": ["late", "down"]})
    muted = call(live_server, key, "post", "/checks/",
                 {"name": "muted", "timeout": 1, "grace": 60}).json()["uuid"]
    loud = call(live_server, key, "post", "/checks/",
                {"name": "loud", "timeout": 2, "grace": 60}).json()["uuid"]
    push(live_server, muted)
    push(live_server, loud)
    # Muted for an hour, well past its lateness.
    call(live_server, key, "post", f"/checks/{muted}",
         {"muted_until": utc_iso(utcnow() + timedelta(hours=1))})
    # loud is late a second after muted is: its notice is the witness.
    wait_until(lambda: len(receiver.requests) >= 1, timeout=8)
    time.sleep(0.5)
    assert [p["name"] for p in lates(receiver)] == ["loud"]
