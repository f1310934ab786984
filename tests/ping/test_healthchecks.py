"""Healthchecks' ping URLs: uuid and slug forms, actions, exit codes, run ids, bodies."""

import uuid as uuidlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from support import load_check, make_user, own_project, ping_key_of, pings_of
from webapp.alerts.sweep import sweep_once
from webapp.core.models import Check, Flip, Ping
from webapp.core.times import utcnow
from webapp.db import db


@pytest.fixture
def ping_key(app, user):
    with app.app_context():
        return own_project(user[0]).ping_key


@pytest.fixture
def slugged(api, check):
    """`check` with the slug nightly-backup (v3 makes none from the name)."""
    assert api("post", f"/checks/{check}", json={"slug": "nightly-backup"}).status_code == 200
    return check


@pytest.mark.parametrize("method", ["get", "post", "head"])
def test_it_answers_ok_in_plain_text_with_cors_and_the_body_limit(client, check, method):
    r = getattr(client, method)(f"/ping/{check}")
    assert r.status_code == 200
    assert r.mimetype == "text/plain"
    if method != "head":
        assert r.get_data(as_text=True) == "OK"
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert r.headers["Ping-Body-Limit"] == "100000"


def test_an_unknown_uuid_is_a_plain_404(client):
    r = client.get(f"/ping/{uuidlib.uuid4()}")
    assert (r.status_code, r.get_data(as_text=True)) == (404, "not found")
    assert r.headers["Access-Control-Allow-Origin"] == "*"


def test_every_ping_form_answers_with_cors(client, check):
    assert client.get(f"/api/push/{check}").headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/api/push/nope").headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/api/pings/?service=x").headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "suffix, kind, status, exitstatus",
    [("", "success", "up", None), ("/fail", "fail", "down", None), ("/0", "success", "up", 0),
     ("/1", "fail", "down", 1), ("/255", "fail", "down", 255)],
)
def test_actions_and_exit_statuses(app, client, check, suffix, kind, status, exitstatus):
    assert client.post(f"/ping/{check}{suffix}").status_code == 200
    [ping] = pings_of(app, check)
    assert (ping.kind, ping.exitstatus) == (kind, exitstatus)
    assert load_check(app, check).status == status


def test_an_exit_status_above_255_is_a_400(app, client, check):
    r = client.get(f"/ping/{check}/256")
    assert r.status_code == 400 and "between 0 and 255" in r.get_data(as_text=True)
    assert pings_of(app, check) == []


def test_an_unknown_action_is_a_404(client, check):
    assert client.get(f"/ping/{check}/explode").status_code == 404
    assert client.get(f"/ping/{check}/start/extra").status_code == 404


def test_a_failure_by_exit_status_names_it_in_the_flip(app, client, check):
    client.get(f"/ping/{check}/3")
    with app.app_context():
        assert db.session.scalar(sa.select(Flip.reason)) == "exit status 3"


def test_log_is_recorded_without_changing_state(app, client, check):
    client.get(f"/ping/{check}")
    before = load_check(app, check)
    client.post(f"/ping/{check}/log", data=b"just saying")
    after = load_check(app, check)
    assert (after.status, after.last_ping, after.alert_after) == ("up", before.last_ping,
                                                                  before.alert_after)
    assert [p.kind for p in pings_of(app, check)] == ["success", "log"]
    assert after.n_pings == 2


def test_start_shows_started_and_the_success_records_the_duration(app, client, api, check):
    client.get(f"/ping/{check}/start")
    # v3 says `started` apart from the status, as Healthchecks' v2 and v3 do.
    assert api("get", f"/checks/{check}").get_json()["status"] == "new"
    assert api("get", f"/checks/{check}").get_json()["started"] is True
    with app.app_context():
        # Pretend the run began 42 seconds ago.
        db.session.execute(sa.update(Check).values(last_start=utcnow() - timedelta(seconds=42)))
        db.session.commit()
    client.get(f"/ping/{check}")
    body = api("get", f"/checks/{check}").get_json()
    assert body["status"] == "up" and body["started"] is False
    assert 41 <= body["last_duration"] <= 44
    assert 41 <= pings_of(app, check)[-1].duration <= 44


def test_overlapping_runs_each_get_their_own_duration(app, client, check):
    rid_a, rid_b = str(uuidlib.uuid4()), str(uuidlib.uuid4())
    client.get(f"/ping/{check}/start?rid={rid_a}")
    with app.app_context():
        db.session.execute(sa.update(Ping).values(created=utcnow() - timedelta(seconds=100)))
        db.session.commit()
    client.get(f"/ping/{check}/start?rid={rid_b}")
    with app.app_context():
        db.session.execute(sa.update(Ping).where(Ping.rid == rid_b)
                           .values(created=utcnow() - timedelta(seconds=10)))
        db.session.execute(sa.update(Check).values(last_start=utcnow() - timedelta(seconds=10)))
        db.session.commit()
    client.get(f"/ping/{check}?rid={rid_a}")  # the older run ends first
    assert load_check(app, check).get_status() == "started"  # run B is still open
    client.get(f"/ping/{check}/fail?rid={rid_b}")
    pings = pings_of(app, check)
    assert [(p.kind, p.rid) for p in pings] == [("start", rid_a), ("start", rid_b),
                                                ("success", rid_a), ("fail", rid_b)]
    assert 99 <= pings[2].duration <= 103
    assert 9 <= pings[3].duration <= 13
    assert load_check(app, check).last_start is None


def test_a_malformed_rid_is_a_400(app, client, check):
    r = client.get(f"/ping/{check}/start?rid=not-a-uuid")
    assert r.status_code == 400 and "rid must be a UUID" in r.get_data(as_text=True)
    assert pings_of(app, check) == []


def test_a_start_that_never_finishes_goes_down_after_max_runtime(app, client, api, check):
    api("post", f"/checks/{check}", json={"max_runtime": 30})
    client.get(f"/ping/{check}")
    client.get(f"/ping/{check}/start")
    c = load_check(app, check)
    assert c.alert_after == c.last_start + timedelta(seconds=30)  # sooner than the schedule
    with app.app_context():
        assert sweep_once(c.alert_after + timedelta(seconds=1)) == 1
        flip = db.session.scalars(sa.select(Flip).order_by(Flip.id.desc())).first()
        assert (flip.new_status, flip.reason) == ("down", "started but did not finish")
    assert load_check(app, check).get_status() == "down"


@pytest.mark.parametrize("ends", [["/ping/{uuid}"],
                                  ["/ping/{uuid}/fail?rid={other}", "/ping/{uuid}"]],
                         ids=["a success without rid", "a failure of another rid, then a success"])
def test_a_finished_run_is_never_called_unfinished(app, client, api, check, ends):
    # Healthchecks closes the run in both cases (hc/api/models.py, Check.ping).
    api("post", f"/checks/{check}", json={"max_runtime": 5})
    rid, other = uuidlib.uuid4(), uuidlib.uuid4()
    client.get(f"/ping/{check}/start?rid={rid}")
    for url in ends:
        assert client.get(url.format(uuid=check, other=other)).status_code == 200
    c = load_check(app, check)
    assert c.last_start is None and c.get_status() == "up"
    assert c.alert_after == c.last_ping + timedelta(seconds=90)  # the schedule's, not the run's
    with app.app_context():
        assert sweep_once(utcnow() + timedelta(seconds=60)) == 0
    assert load_check(app, check).status == "up"


def test_without_max_runtime_a_run_may_last_the_grace_time(app, client, check):
    client.get(f"/ping/{check}/start")  # a new check: only the run can make it go down
    c = load_check(app, check)
    assert c.alert_after == c.last_start + timedelta(seconds=30)


def test_it_stores_the_body_up_to_the_limit(app, client, check):
    app.config["PING_BODY_LIMIT"] = 10
    try:
        r = client.post(f"/ping/{check}/fail", data=b"0123456789-and-more")
    finally:
        app.config["PING_BODY_LIMIT"] = 100_000
    assert r.status_code == 200 and r.headers["Ping-Body-Limit"] == "10"
    assert pings_of(app, check)[0].body == b"0123456789"


def test_it_keeps_binary_and_invalid_utf8_bodies_as_they_came(app, client, check):
    raw = b"\xff\xfe\x00log\x80line"
    client.post(f"/ping/{check}/log", data=raw)
    assert pings_of(app, check)[0].body == raw


def test_methods_post_ignores_other_methods(app, client, api, check):
    api("post", f"/checks/{check}", json={"methods": "POST"})
    client.get(f"/ping/{check}")
    assert load_check(app, check).status == "new"
    client.post(f"/ping/{check}")
    assert load_check(app, check).status == "up"
    assert [p.kind for p in pings_of(app, check)] == ["ign", "success"]


def test_manual_resume_logs_pings_to_a_paused_check_as_ignored(app, client, api, check):
    api("post", f"/checks/{check}", json={"manual_resume": True})
    api("post", f"/checks/{check}/pause")
    client.get(f"/ping/{check}/fail")
    assert load_check(app, check).status == "paused"
    assert [p.kind for p in pings_of(app, check)] == ["ign"]


# --- the slug form -------------------------------------------------------------------

def test_it_pings_by_ping_key_and_slug(app, client, slugged, ping_key):
    check = slugged
    assert client.get(f"/ping/{ping_key}/nightly-backup").get_data(as_text=True) == "OK"
    assert client.get(f"/ping/{ping_key}/nightly-backup/fail").status_code == 200
    assert client.get(f"/ping/{ping_key}/nightly-backup/2").status_code == 200
    assert [p.kind for p in pings_of(app, check)] == ["success", "fail", "fail"]


def test_an_unknown_slug_or_key_is_a_404(client, slugged, ping_key):
    assert client.get(f"/ping/{ping_key}/nope").status_code == 404
    assert client.get("/ping/not-a-real-key/nightly-backup").status_code == 404
    assert client.get(f"/ping/{ping_key}").status_code == 404


def test_an_ambiguous_slug_is_a_409(api, client, slugged, ping_key):
    api("post", "/checks/", json={"name": "nightly backup", "slug": "nightly-backup"})
    r = client.get(f"/ping/{ping_key}/nightly-backup")
    assert r.status_code == 409 and "ambiguous" in r.get_data(as_text=True)


def test_create_1_makes_the_check_on_first_use(app, api, client, ping_key):
    r = client.get(f"/ping/{ping_key}/new-job/start?create=1")
    assert (r.status_code, r.get_data(as_text=True)) == (201, "Created")
    [made] = api("get", "/checks/").get_json()["checks"]
    assert (made["name"], made["slug"], made["status"]) == ("new-job", "new-job", "new")
    assert made["started"] is True
    client.get(f"/ping/{ping_key}/new-job?create=1")  # no second check
    assert len(api("get", "/checks/").get_json()["checks"]) == 1


def test_create_1_stops_at_the_per_user_limit(app, client, check, ping_key):
    app.config["MAX_CHECKS_PER_PROJECT"] = 1
    try:
        r = client.get(f"/ping/{ping_key}/one-too-many?create=1")
    finally:
        app.config["MAX_CHECKS_PER_PROJECT"] = 1000
    assert r.status_code == 403 and "limit" in r.get_data(as_text=True)


def test_slug_pings_only_reach_the_key_owners_checks(app, client, slugged):
    make_user(app, "mallory@example.com")
    other_key = ping_key_of(app, "mallory@example.com")
    assert client.get(f"/ping/{other_key}/nightly-backup").status_code == 404


@pytest.mark.parametrize("path", ["/ping/{key}/sl%00ug", "/ping/a%00b/slug",
                                  "/ping/{key}/%00/fail"])
def test_a_nul_in_a_ping_key_or_slug_is_a_404(client, ping_key, path):
    r = client.get(path.format(key=ping_key) + "?create=1")
    assert (r.status_code, r.get_data(as_text=True)) == (404, "not found")
