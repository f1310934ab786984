"""Alert storms end to end (Uptime Kuma #1137, #4779; no peer has the rule,
so there is no upstream test to port): a real worker, real SMTP and a real
webhook receiver. More than ALERT_GROUP_THRESHOLD checks of a project going
down within ALERT_GROUP_WINDOW seconds: the first ones go out as usual, the
rest as one message per channel at the end of the window.

Grouping is decided where the flip is recorded: here the web process these
tests ping, so they turn it on in its config (the run has it off).
"""

import time

import pytest
import sqlalchemy as sa

from support import api_call as call
from support import push
from webapp.alerts.content import group_subject
from webapp.core.models import Notification
from webapp.db import db

THRESHOLD, WINDOW = 3, 4.0


@pytest.fixture
def storms(app, monkeypatch):
    monkeypatch.setitem(app.config, "ALERT_GROUP_THRESHOLD", THRESHOLD)
    monkeypatch.setitem(app.config, "ALERT_GROUP_WINDOW", WINDOW)


def fleet(live_server, key, receiver, n) -> dict[str, str]:
    """An email channel, a webhook and `n` checks, up: name -> uuid."""
    for body in ({"kind": "email", "name": "ops", "value": "ops@example.com"},
                 {"kind": "webhook", "name": "hook", "value": receiver.url}):
        assert call(live_server, key, "post", "/channels/", body).status_code == 201
    uuids = {}
    for i in range(n):
        r = call(live_server, key, "post", "/checks/", {"name": f"host-{i:02}", "timeout": 3600})
        uuids[f"host-{i:02}"] = r.json()["uuid"]
        push(live_server, uuids[f"host-{i:02}"])
    return uuids


def test_fifty_checks_going_down_at_once_send_threshold_plus_one_messages_per_channel(
        app, live_server, worker, user, mailbox, receiver, storms):
    uuids = fleet(live_server, user[1], receiver, 50)
    started = time.monotonic()
    for uuid in uuids.values():
        push(live_server, uuid, "down")
    assert time.monotonic() - started < WINDOW, "the storm must fall in one window"
    mails = mailbox.wait_for(THRESHOLD + 1, timeout=WINDOW + 10)
    hooks = receiver.wait_for(THRESHOLD + 1, timeout=10)
    time.sleep(1.0)  # anything more would be sent by now
    assert len(mailbox.messages) == THRESHOLD + 1, [m["Subject"] for m in mailbox.messages]
    assert len(receiver.requests) == THRESHOLD + 1
    singles, group = mails[:THRESHOLD], mails[THRESHOLD]
    assert [m["Subject"] for m in singles] == [f"DOWN: host-{i:02}" for i in range(THRESHOLD)]
    assert group["Subject"] == "47 more checks went down"
    text = group.get_body(("plain",)).get_content()
    named = {f"host-{i:02}" for i in range(50) if f"DOWN  host-{i:02}: failure reported" in text}
    assert named == {f"host-{i:02}" for i in range(THRESHOLD, 50)}  # all 50, with the singles
    assert "/?sort=state" in text
    # The webhook: three POSTs as ever, then one with an `events` list.
    payloads = [receiver.json(i) for i in range(len(hooks))]
    assert [p["event"] for p in payloads] == ["down"] * THRESHOLD + ["group"]
    storm = payloads[THRESHOLD]
    assert storm["count"] == 47 and len(storm["events"]) == 47
    assert {e["name"] for e in storm["events"]} == {f"host-{i:02}" for i in range(THRESHOLD, 50)}
    assert all(e["event"] == "down" and e["status"] == "down" for e in storm["events"])
    with app.app_context():
        states = db.session.execute(sa.select(Notification.status, sa.func.count())
                                    .group_by(Notification.status)).all()
        db.session.remove()
    assert dict(states) == {"sent": 100}  # every row is accounted for, none lost
    # Once the window is over, a change goes out on its own again: the witness.
    time.sleep(WINDOW)
    push(live_server, uuids["host-00"])
    assert mailbox.wait_for(THRESHOLD + 2)[-1]["Subject"] == "UP: host-00"


def test_a_group_that_cannot_be_sent_is_retried_whole(app, live_server, worker, user, mailbox,
                                                     receiver, storms):
    uuids = fleet(live_server, user[1], receiver, 6)
    receiver.status = 500  # the webhook fails: its group waits for a retry
    for uuid in uuids.values():
        push(live_server, uuid, "down")
    mails = mailbox.wait_for(THRESHOLD + 1, timeout=WINDOW + 10)
    assert mails[THRESHOLD]["Subject"] == "3 more checks went down"
    receiver.wait_for(THRESHOLD + 1, timeout=10)
    assert group_posts(receiver) == [3]
    receiver.status = 200
    # The retry (after the first backoff, 5 s) sends the same group again, once.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(group_posts(receiver)) < 2:
        time.sleep(0.2)
    assert group_posts(receiver) == [3, 3]


def group_posts(receiver) -> list[int]:
    """The count of each group the webhook was sent, in order."""
    payloads = [receiver.json(i) for i in range(len(receiver.requests))]
    return [p["count"] for p in payloads if p["event"] == "group"]


def test_a_groups_subject_counts_what_it_holds():
    def rows(*events):
        return [Notification(event=e) for e in events]

    assert group_subject(rows("down")) == "1 more check went down"
    assert group_subject(rows("up", "up")) == "2 more checks are up again"
    assert group_subject(rows("down", "up", "down")) == "3 more checks changed state: 2 down, 1 up"
