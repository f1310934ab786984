"""Maintenance windows end to end: a real worker and real SMTP, windows of a
few seconds. During a window flips are recorded and not sent; at its end
each case of the issue behaves as named (Uptime Kuma #7148 and #6022 are the
peer bugs each case guards against; neither has a test upstream to port).

Each test ends with a witness (an alert that must arrive), so that "no mail"
is not merely "no mail yet".
"""

import time
from datetime import timedelta

import sqlalchemy as sa

from support import api_call as call
from support import push, wait_until
from webapp.core.models import Check, Flip
from webapp.core.times import utc_iso, utcnow
from webapp.db import db


def setup(live_server, key, *names, **fields) -> list[str]:
    r = call(live_server, key, "post", "/channels/",
             {"kind": "email", "name": "ops", "value": "ops@example.com"})
    assert r.status_code == 201, r.text
    uuids = []
    for name in names:
        r = call(live_server, key, "post", "/checks/", {"name": name, "timeout": 3600, **fields})
        assert r.status_code == 201, r.text
        uuids.append(r.json()["uuid"])
        push(live_server, uuids[-1])
    return uuids


def window(live_server, key, seconds: float, **fields) -> dict:
    r = call(live_server, key, "post", "/maintenance/",
             {"name": "db upgrade", "end": utc_iso(utcnow() + timedelta(seconds=seconds)),
              **fields})
    assert r.status_code == 201, r.text
    return r.json()


def last_flip(app, uuid) -> tuple[str, str]:
    with app.app_context():
        row = db.session.execute(
            sa.select(Flip.new_status, Flip.reason).join(Check, Check.id == Flip.check_id)
            .where(Check.uuid == uuid).order_by(Flip.id.desc()).limit(1)).one()
        db.session.remove()
    return tuple(row)


def subjects(mailbox) -> list[str]:
    return sorted(m["Subject"] for m in mailbox.messages)


def test_at_the_end_of_a_window_each_check_owes_what_the_issue_says(
        app, live_server, worker, user, mailbox):
    key = user[1]
    was_down, goes_down, blips = setup(live_server, key, "was-down", "goes-down", "blips")
    push(live_server, was_down, "down")  # before the window: sent, as ever
    assert mailbox.wait_for(1)[0]["Subject"] == "DOWN: was-down"
    w = window(live_server, key, 3)
    assert w["whole_project"] is True and w["active_until"] is not None
    push(live_server, goes_down, "down")
    push(live_server, blips, "down")
    push(live_server, blips)
    push(live_server, was_down, "down")  # still down, failing again: no news
    status, reason = last_flip(app, goes_down)
    assert status == "down" and "(held: in maintenance (db upgrade) until " in reason
    body = call(live_server, key, "get", f"/checks/{goes_down}").json()
    assert body["status"] == "down" and body["maintenance_until"] == w["active_until"]
    time.sleep(1)
    assert len(mailbox.messages) == 1  # nothing sent during the window
    # At its end: goes-down (down in the window, still down) sends one alert;
    # was-down (its down was sent already) and blips (up again) send nothing.
    mailbox.wait_for(2, timeout=10)
    time.sleep(1)
    assert subjects(mailbox) == ["DOWN: goes-down", "DOWN: was-down"]
    assert call(live_server, key, "get", f"/checks/{goes_down}").json()[
        "maintenance_until"] is None
    push(live_server, was_down)  # its down was sent, so its recovery is: the witness
    mailbox.wait_for(3)
    assert subjects(mailbox) == ["DOWN: goes-down", "DOWN: was-down", "UP: was-down"]


def test_a_deadline_missed_in_a_window_gets_a_fresh_period_after_it(
        app, live_server, worker, user, mailbox):
    key = user[1]
    [job] = setup(live_server, key, "nightly", timeout=2, grace=1)
    w = window(live_server, key, 4, checks=[job])
    assert w["checks"] == [job] and w["whole_project"] is False
    # The deadline (3 s after the ping) passes in the window: not a down...
    time.sleep(3.5)
    assert call(live_server, key, "get", f"/checks/{job}").json()["status"] == "up"
    # ...but a fresh period + grace from the window's end (4 + 2 + 1 s), then down.
    ended = utcnow()
    wait_until(lambda: call(live_server, key, "get", f"/checks/{job}").json()["status"]
               == "down", timeout=10)
    down_at = utcnow()
    assert (down_at - ended).total_seconds() >= 2.5  # not the moment the window ended
    assert mailbox.wait_for(1)[0]["Subject"] == "DOWN: nightly"
    assert last_flip(app, job) == ("down", "no ping within the schedule and grace time")


def test_a_window_covers_only_the_tags_and_checks_it_names(app, live_server, worker, user,
                                                           mailbox):
    key = user[1]
    db_check, web_check = setup(live_server, key, "db", "web")
    assert call(live_server, key, "post", f"/checks/{db_check}",
                {"tags": "db prod"}).status_code == 200
    window(live_server, key, 30, tags=["db"])
    push(live_server, db_check, "down")  # covered: held
    push(live_server, web_check, "down")  # not covered: sent, the witness
    [mail] = mailbox.wait_for(1)
    assert mail["Subject"] == "DOWN: web"
    time.sleep(0.5)
    assert len(mailbox.messages) == 1


def test_ending_a_window_early_sends_what_is_owed_and_deleting_one_too(
        app, live_server, worker, user, mailbox):
    key = user[1]
    first, second = setup(live_server, key, "first", "second")
    w = window(live_server, key, 3600)
    push(live_server, first, "down")
    r = call(live_server, key, "post", f"/maintenance/{w['uuid']}/end")
    assert r.status_code == 200 and r.json()["active_until"] is None
    assert r.json()["ended_at"] is not None
    assert mailbox.wait_for(1)[0]["Subject"] == "DOWN: first"
    w = window(live_server, key, 3600)
    push(live_server, second, "down")
    assert call(live_server, key, "delete", f"/maintenance/{w['uuid']}").status_code == 200
    mailbox.wait_for(2)
    assert subjects(mailbox) == ["DOWN: first", "DOWN: second"]
    assert call(live_server, key, "get", f"/maintenance/{w['uuid']}").status_code == 404


def test_the_maintenance_api_lists_shows_and_refuses_what_it_cannot_take(
        app, api, new_check, read_only_key):
    uuid = new_check()
    soon = utc_iso(utcnow() + timedelta(hours=1))
    r = api("post", "/maintenance/", json={"name": "nightly", "schedule": "0 2 * * *",
                                           "duration": 3600, "tz": "Europe/Berlin"})
    assert r.status_code == 201, r.get_json()
    nightly = r.get_json()
    assert (nightly["schedule"], nightly["duration"], nightly["tz"]) == (
        "0 2 * * *", 3600, "Europe/Berlin")
    assert nightly["next_start"] is not None and nightly["end"] is None
    r = api("post", "/maintenance/", json={"end": soon, "checks": [uuid], "tags": "a, b"})
    one_off = r.get_json()
    assert (one_off["end"], one_off["checks"], one_off["tags"]) == (soon, [uuid], "a b")
    listed = api("get", "/maintenance/").get_json()["maintenance"]
    assert [w["uuid"] for w in listed] == [nightly["uuid"], one_off["uuid"]]
    # A read-only key reads them, without the checks' uuids, and changes nothing.
    seen = api("get", f"/maintenance/{one_off['uuid']}", key=read_only_key).get_json()
    assert seen["n_checks"] == 1 and "checks" not in seen
    assert api("post", "/maintenance/", key=read_only_key,
               json={"end": soon}).status_code == 401
    past = utc_iso(utcnow() - timedelta(hours=1))
    for body, message in [
        ({"end": soon, "until": soon}, "unknown field 'until': a window takes name, start, "
                                       "end, schedule, duration, tz, checks, tags"),
        ({}, "end is required (or a schedule and a duration for a recurring window)"),
        ({"end": past}, "end must be in the future"),
        ({"start": soon, "end": soon}, "end must be after start"),
        ({"end": "2030-01-01T00:00:00"}, "end needs an offset (e.g. 2026-12-02T01:00:00+00:00 "
                                         "or ...Z)"),
        ({"end": 5}, "end must be an ISO 8601 time with an offset"),
        ({"end": soon, "duration": 60}, "duration is for a recurring window (with a schedule)"),
        ({"schedule": "0 2 * * *", "duration": 60, "end": soon},
         "a recurring window has a duration, not an end"),
        ({"schedule": "0 2 * *", "duration": 60}, "invalid cron expression '0 2 * *': a cron "
         "expression has five fields (minute, hour, day of month, month, day of week)"),
        ({"schedule": "0 2 * * *"}, "duration must be a whole number of seconds from 60 to "
                                    "604800 (a week)"),
        ({"schedule": "0 2 * * *", "duration": 60, "tz": "Mars/Olympus"},
         "unknown timezone 'Mars/Olympus': use an IANA name such as Europe/Berlin"),
        ({"end": soon, "checks": ["nope"]}, "checks: no check 'nope' in this project"),
        ({"end": soon, "checks": "nope"}, "checks must be a list of check uuids"),
        ({"end": soon, "name": 5}, "name must be a string of at most 100 characters"),
    ]:
        r = api("post", "/maintenance/", json=body)
        assert (r.status_code, r.get_json()["error"]) == (400, message), body
    assert len(api("get", "/maintenance/").get_json()["maintenance"]) == 2
    assert api("get", "/maintenance/nope").status_code == 404
