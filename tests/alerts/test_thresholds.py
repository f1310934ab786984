"""Failure thresholds, value thresholds and reminders, through real pings."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from support import load_check
from webapp.alerts.sweep import send_reminders
from webapp.core.models import Check, Flip, Notification, Ping
from webapp.core.times import utcnow
from webapp.db import db


def kinds(app, uuid) -> list[str]:
    with app.app_context():
        return db.session.scalars(
            sa.select(Ping.kind).join(Check).where(Check.uuid == uuid).order_by(Ping.n)).all()


def test_it_goes_down_only_after_the_threshold_of_failures_in_a_row(app, client, new_check):
    uuid = new_check(timeout=3600, failure_threshold=3)
    client.get(f"/api/push/{uuid}")
    client.get(f"/api/push/{uuid}?status=down")
    client.get(f"/ping/{uuid}/fail")
    assert load_check(app, uuid).status == "up" and load_check(app, uuid).fail_count == 2
    client.get(f"/api/push/{uuid}")  # a success resets the count
    client.get(f"/api/push/{uuid}?status=down")
    client.get(f"/ping/{uuid}/1")
    assert load_check(app, uuid).status == "up"
    client.get(f"/ping/{uuid}/fail")
    assert load_check(app, uuid).status == "down"
    # The log shows each failure as it came.
    assert kinds(app, uuid) == ["success", "fail", "fail", "success", "fail", "fail", "fail"]


@pytest.mark.parametrize("query, reason", [("value=97", "value 97 above max 90"),
                                           ("value=-3.5", "value -3.5 below min 0")])
def test_a_value_out_of_bounds_is_a_failure_naming_value_and_bound(app, client, new_check, query,
                                                                   reason):
    uuid = new_check(timeout=3600, value_min=0, value_max=90)
    client.get(f"/api/push/{uuid}?value=50")
    assert load_check(app, uuid).status == "up"
    client.get(f"/api/push/{uuid}?{query}")
    assert load_check(app, uuid).status == "down"
    with app.app_context():
        assert db.session.scalar(sa.select(Flip.reason).where(Flip.new_status == "down")) == reason
        ping = db.session.scalars(sa.select(Ping).order_by(Ping.n.desc())).first()
        assert (ping.kind, ping.msg) == ("fail", reason)


def test_value_bounds_work_with_kumas_ping_and_thresholds_together(app, client, new_check):
    uuid = new_check(timeout=3600, value_max=500, failure_threshold=2)
    client.get(f"/api/push/{uuid}?status=up&msg=OK&ping=900")
    assert load_check(app, uuid).status == "up"
    client.get(f"/api/push/{uuid}?status=up&msg=OK&ping=901")
    assert load_check(app, uuid).status == "down"


@pytest.mark.parametrize("fields, needle", [
    ({"failure_threshold": 0}, "failure_threshold must be a whole number from 1"),
    ({"nag_period": -1}, "nag_period must be a whole number from 0"),
    ({"value_min": "low"}, "value_min must be a finite number"),
    ({"value_min": 10, "value_max": 5}, "value_min must not be above value_max"),
])
def test_bad_alerting_fields_are_a_400(api, fields, needle):
    r = api("post", "/checks/", json={"name": "x", **fields})
    assert r.status_code == 400 and needle in r.get_json()["error"]


def test_reminders_come_each_period_while_down_and_stop_on_recovery(app, client, new_check):
    uuid = new_check(timeout=3600, nag_period=60)
    client.get(f"/api/push/{uuid}?status=down")
    down_at = load_check(app, uuid).next_nag - timedelta(seconds=60)
    with app.app_context():
        assert send_reminders(down_at + timedelta(seconds=59)) == 0
        assert send_reminders(down_at + timedelta(seconds=61)) == 1
        assert send_reminders(down_at + timedelta(seconds=62)) == 0  # not twice a period
        assert send_reminders(down_at + timedelta(seconds=122)) == 1
        events = db.session.scalars(sa.select(Notification.event).order_by(Notification.id)).all()
        assert events == ["down", "reminder", "reminder"]
    client.get(f"/api/push/{uuid}")
    assert load_check(app, uuid).next_nag is None
    with app.app_context():
        assert send_reminders(utcnow() + timedelta(days=1)) == 0


def test_paused_checks_get_no_reminders(app, api, client, new_check):
    uuid = new_check(timeout=3600, nag_period=60)
    client.get(f"/api/push/{uuid}?status=down")
    api("post", f"/checks/{uuid}/pause")
    with app.app_context():
        assert send_reminders(utcnow() + timedelta(days=1)) == 0


def test_turning_reminders_on_for_a_down_check_schedules_one(app, api, client, new_check):
    uuid = new_check(timeout=3600)
    client.get(f"/api/push/{uuid}?status=down")
    assert load_check(app, uuid).next_nag is None
    api("post", f"/checks/{uuid}", json={"nag_period": 300})
    assert load_check(app, uuid).next_nag is not None
    body = api("get", f"/checks/{uuid}").get_json()
    assert (body["nag_period"], body["failure_threshold"]) == (300, 1)


def test_a_run_that_finishes_too_fast_goes_down_saying_so(app, api, client, new_check, mailbox,
                                                          worker):
    """min_runtime (Healthchecks #236): start, then a success 0 s later, against 60 s."""
    uuid = new_check(timeout=3600, min_runtime=60)
    assert api("get", f"/checks/{uuid}").get_json()["min_runtime"] == 60
    client.get(f"/ping/{uuid}")  # up first: the alert below is a change of state
    client.get(f"/ping/{uuid}/start")
    client.get(f"/ping/{uuid}")
    assert load_check(app, uuid).status == "down"
    reason = "ran 0 s, expected at least 60 s"
    with app.app_context():
        assert db.session.scalar(sa.select(Flip.reason).where(Flip.new_status == "down")) == reason
        ping = db.session.scalars(sa.select(Ping).order_by(Ping.n.desc())).first()
        assert (ping.kind, ping.msg) == ("fail", reason)
    [mail] = mailbox.wait_for(1, timeout=10)
    assert mail["Subject"] == "DOWN: nightly-backup" and reason in mail.get_body(
        ("plain",)).get_content()
    # Cleared with null, as max_runtime is; then a short run is a success.
    assert api("post", f"/checks/{uuid}", json={"min_runtime": None}).get_json()[
        "min_runtime"] is None
    client.get(f"/ping/{uuid}/start")
    client.get(f"/ping/{uuid}")
    assert load_check(app, uuid).status == "up"


@pytest.mark.parametrize("value", [-1, 0.5, "60", True, 400 * 86400])
def test_a_bad_min_runtime_is_a_400(api, value):
    r = api("post", "/checks/", json={"name": "x", "min_runtime": value})
    assert r.status_code == 400 and "min_runtime must" in r.get_json()["error"]


def test_the_readmes_too_fast_example_runs_as_written(app, live_server, user, new_check,
                                                      tmp_path):
    """README, "Less noise": its two lines, run by bash with curl against a live
    server, a backup.sh that returns at once: the check goes down saying why."""
    import os
    import re
    import subprocess

    from support import ROOT

    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("**Runs that finish too fast**"):]
    script = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    uuid = new_check(timeout=3600)
    backup = tmp_path / "backup.sh"
    backup.write_text("#!/bin/sh\nexit 0\n")
    backup.chmod(0o755)
    env = {**os.environ, "HB": live_server, "KEY": user[1], "UUID": uuid}
    subprocess.run(["bash", "-e", "-c", script.replace("curl ", "curl -sf ")], cwd=tmp_path,
                   env=env, check=True, capture_output=True, timeout=30)
    check = load_check(app, uuid)
    assert (check.min_runtime, check.status) == (60, "down")
    with app.app_context():
        assert db.session.scalar(sa.select(Flip.reason).where(Flip.new_status == "down")) == (
            "ran 0 s, expected at least 60 s")
