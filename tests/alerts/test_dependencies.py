"""Dependencies end to end (Uptime Kuma #1089, Healthchecks #316: neither has
the feature, so there is no upstream test to follow): a real worker, real SMTP
and a real webhook receiver. While a parent is down its children's downs are
recorded and held; the parent's alerts list them; when it recovers, each child
still down is sent once and one that recovered meanwhile sends nothing.

Each test ends with a witness (an alert that must arrive), so that "no mail"
is not merely "no mail yet".
"""

import time

import sqlalchemy as sa

from support import api_call as call
from support import make_user, push
from webapp.core.dependencies import find_loop
from webapp.core.models import Check, Flip
from webapp.db import db


def make(live_server, key, name, **fields) -> str:
    r = call(live_server, key, "post", "/checks/", {"name": name, "timeout": 3600, **fields})
    assert r.status_code == 201, r.text
    return r.json()["uuid"]


def family(live_server, key, receiver=None, **parent_fields):
    """An email channel (and a webhook), a parent backup-host and two children,
    all up."""
    r = call(live_server, key, "post", "/channels/",
             {"kind": "email", "name": "ops", "value": "ops@example.com"})
    assert r.status_code == 201, r.text
    if receiver is not None:
        r = call(live_server, key, "post", "/channels/",
                 {"kind": "webhook", "name": "hook", "value": receiver.url})
        assert r.status_code == 201, r.text
    parent = make(live_server, key, "backup-host", **parent_fields)
    kids = [make(live_server, key, name, depends_on=[parent]) for name in ("db-dump", "rsync")]
    for uuid in (parent, *kids):
        push(live_server, uuid)
    return parent, kids


def reasons(app, uuid) -> list[tuple[str, str]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Flip.new_status, Flip.reason).join(Check, Check.id == Flip.check_id)
            .where(Check.uuid == uuid).order_by(Flip.id)).all()
        db.session.remove()
    return [tuple(r) for r in rows]


def subjects(mailbox) -> list[str]:
    return [m["Subject"] for m in mailbox.messages]


def test_children_of_a_down_parent_are_held_and_the_one_still_down_is_sent_once_after(
        app, live_server, worker, user, mailbox):
    parent, (dump, rsync) = family(live_server, user[1])
    push(live_server, parent, "down")
    assert mailbox.wait_for(1)[0]["Subject"] == "DOWN: backup-host"
    push(live_server, dump, "down")
    push(live_server, rsync, "down")
    # Recorded, with why nothing was sent.
    assert reasons(app, dump)[-1] == ("down", "failure reported (held: parent backup-host is down)")
    assert call(live_server, user[1], "get", f"/checks/{dump}").json()["status"] == "down"
    push(live_server, rsync)  # rsync recovers while the parent is down: owed nothing
    push(live_server, parent)  # the parent recovers: db-dump, still down, is sent now
    mails = mailbox.wait_for(3)
    time.sleep(1)  # the sweep has had four cycles to send anything more
    assert sorted(subjects(mailbox)) == ["DOWN: backup-host", "DOWN: db-dump", "UP: backup-host"]
    [dump_mail] = [m for m in mails if m["Subject"] == "DOWN: db-dump"]
    body = dump_mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "Reason:       failure reported\n" in body  # what happened, without the held note
    # db-dump's down was sent, so its recovery is too: the witness.
    push(live_server, dump)
    mailbox.wait_for(4)
    assert subjects(mailbox)[-1] == "UP: db-dump"
    assert len(mailbox.messages) == 4


def test_a_parents_alerts_list_its_children_that_are_down(app, live_server, worker, user,
                                                           mailbox, receiver):
    parent, (dump, rsync) = family(live_server, user[1], receiver, nag_period=1)
    push(live_server, dump, "down")  # down before its parent: sent as ever
    wait = mailbox.wait_for(1)
    assert wait[0]["Subject"] == "DOWN: db-dump"
    push(live_server, parent, "down")
    # The parent's down, then its reminders (every second), name db-dump.
    mails = mailbox.wait_for(3)
    parent_mails = [m for m in mails if "backup-host" in m["Subject"]]
    assert parent_mails[0]["Subject"] == "DOWN: backup-host"
    for mail in parent_mails:
        assert ("Also down:    db-dump (they depend on it; not alerted alone)"
                in mail.get_body(("plain",)).get_content())
    receiver.wait_for(3)
    hooks = [h for h in map(receiver.json, range(len(receiver.requests)))
             if h["name"] == "backup-host"]
    assert hooks and all(h["children_down"] == ["db-dump"] for h in hooks)
    assert {h["event"] for h in hooks} <= {"down", "reminder"}
    # db-dump's own reminders are held while its parent is down: only the
    # parent's come (db-dump has no nag period, so this holds by construction;
    # rsync going down now is held, and so never reminds either).
    push(live_server, rsync, "down")
    time.sleep(1.5)
    assert not [m for m in mailbox.messages if m["Subject"].endswith("rsync")]
    assert any("db-dump, rsync" in m.get_body(("plain",)).get_content()
               for m in mailbox.messages if "backup-host" in m["Subject"])


def test_a_child_held_by_a_parent_that_is_paused_is_sent(app, live_server, worker, user,
                                                          mailbox):
    parent, (dump, _) = family(live_server, user[1])
    push(live_server, parent, "down")
    mailbox.wait_for(1)
    push(live_server, dump, "down")
    # Paused, the parent is no longer down: db-dump's down is owed now.
    assert call(live_server, user[1], "post", f"/checks/{parent}/pause").status_code == 200
    mailbox.wait_for(2)
    assert subjects(mailbox) == ["DOWN: backup-host", "DOWN: db-dump"]


def test_depends_on_is_stored_shown_and_checked(app, api, new_check, user, read_only_key):
    a, b, c = (new_check(name=n) for n in ("a", "b", "c"))
    assert api("post", f"/checks/{b}", json={"depends_on": [a]}).get_json()["depends_on"] == [a]
    assert api("post", f"/checks/{c}", json={"depends_on": [b, a, b]}).get_json()[
        "depends_on"] == [a, b]  # each once, in the order the checks were made
    # A loop is refused and named, and nothing changes.
    r = api("post", f"/checks/{a}", json={"depends_on": [c]})
    assert r.status_code == 400
    assert r.get_json()["error"] == "depends_on would make a loop: a → c → a"
    r = api("post", f"/checks/{a}", json={"depends_on": [b]})
    assert r.get_json()["error"] == "depends_on would make a loop: a → b → a"
    assert api("get", f"/checks/{a}").get_json()["depends_on"] == []
    r = api("post", f"/checks/{a}", json={"depends_on": [a]})
    assert r.get_json()["error"] == "depends_on: a check cannot depend on itself"
    # Another project's check is as unknown as one that does not exist.
    other = make_user(app, "bob@example.com", "other password")
    r = api("post", "/checks/", key=other[1], json={"name": "theirs"})
    theirs = r.get_json()["uuid"]
    r = api("post", f"/checks/{a}", json={"depends_on": [theirs]})
    assert r.status_code == 400 and r.get_json()["error"].startswith(
        "depends_on: no check '" + theirs)
    for bad in ("x", [1], {"a": 1}):
        r = api("post", f"/checks/{a}", json={"depends_on": bad})
        assert r.get_json()["error"] == "depends_on must be a list of check uuids"
    # Parents' uuids are ping secrets: a read-only key is not shown them.
    assert "depends_on" not in api("get", f"/checks/{c}", key=read_only_key).get_json()
    # Clearing, and a parent deleted, leave no dependency behind.
    assert api("post", f"/checks/{b}", json={"depends_on": []}).get_json()["depends_on"] == []
    assert api("delete", f"/checks/{a}").status_code == 200
    assert api("get", f"/checks/{c}").get_json()["depends_on"] == [b]


def test_find_loop_names_the_path_it_closes():
    graph = {2: {1}, 3: {2}}  # 3 -> 2 -> 1
    assert find_loop(graph, 1, {3}) == [1, 3, 2, 1]
    assert find_loop(graph, 1, {4}) is None
    assert find_loop(graph, 3, {1}) is None  # a diamond is no loop
    assert find_loop({}, 5, {5}) == [5, 5]
