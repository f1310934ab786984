"""OnCalendar schedules through the API, as Healthchecks takes them: a schedule
that is not one line of five fields is a systemd OnCalendar expression
(hc/api/views.py guess_kind), shown as `schedule` and `tz` like a cron one, and
its firings in the check's zone set when a ping is due and when it goes down.
Tests named after hc/api/tests/test_create_check.py and test_update_check.py."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from support import load_check
from webapp.alerts.sweep import sweep_once


def iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_it_supports_oncalendar_syntax(api):
    # test_create_check.py test_it_supports_oncalendar_syntax
    r = api("post", "/checks/", json={"schedule": "12:34", "tz": "Europe/Riga", "grace": 60})
    assert r.status_code == 201
    doc = r.get_json()
    assert (doc["schedule"], doc["tz"], doc["grace"]) == ("12:34", "Europe/Riga", 60)
    assert "timeout" not in doc


def test_it_validates_oncalendar_expression(api):
    # test_create_check.py test_it_validates_oncalendar_expression
    r = api("post", "/checks/", json={"schedule": "12:34\nsurprise", "tz": "Europe/Riga"})
    assert r.status_code == 400
    assert r.get_json()["error"].startswith(
        "invalid OnCalendar expression '12:34\\nsurprise': bad day-of-week")
    assert api("get", "/checks/").get_json()["checks"] == []


def test_it_validates_cron_expression(api):
    # test_create_check.py test_it_validates_cron_expression: not five fields, so
    # read (and refused) as OnCalendar, and the answer says how it was read.
    error = api("post", "/checks/", json={"schedule": "bad-expression"}).get_json()["error"]
    assert "invalid OnCalendar expression 'bad-expression'" in error
    assert "five fields on one line is read as cron" in error


def test_it_validates_schedule(api, new_check):
    # test_update_check.py test_it_validates_schedule
    uuid = new_check(schedule="5 * * * *")
    for sample in ["* invalid *", "1,2 61 * * *", "0 0 31 2 *",
                   "Surprise 12:34", "12:34 Europe/surprise"]:
        r = api("post", f"/checks/{uuid}", json={"schedule": sample})
        assert r.status_code == 400, f"did not reject {sample!r}"
    assert api("get", f"/checks/{uuid}").get_json()["schedule"] == "5 * * * *"


def test_it_updates_cron_to_oncalendar_and_back(app, api, new_check):
    # test_update_check.py test_it_updates_cron_to_oncalendar, test_it_updates_cron_to_simple
    uuid = new_check(schedule="5 * * * *")
    doc = api("post", f"/checks/{uuid}", json={"schedule": "12:34"}).get_json()
    assert doc["schedule"] == "12:34" and "timeout" not in doc
    assert (load_check(app, uuid).kind, load_check(app, uuid).schedule) == ("oncalendar", "12:34")
    doc = api("post", f"/checks/{uuid}", json={"timeout": 3600}).get_json()
    assert doc["timeout"] == 3600 and "schedule" not in doc
    assert load_check(app, uuid).kind == "simple"


def test_the_kind_is_stored(app, api, new_check):
    uuid = new_check(schedule="Mon..Fri 09:00", tz="Europe/Berlin")
    assert load_check(app, uuid).kind == "oncalendar"
    api("post", f"/checks/{uuid}", json={"schedule": "0 9 * * 1-5"})
    assert load_check(app, uuid).kind == "cron"


def test_several_expressions_go_on_lines_of_their_own(api, new_check):
    uuid = new_check(schedule="Sat 10:00\nMon..Fri 07:00 Europe/Berlin")
    assert api("get", f"/checks/{uuid}").get_json()["schedule"] == (
        "Sat 10:00\nMon..Fri 07:00 Europe/Berlin")


def test_a_ping_is_due_at_the_next_firing_in_the_checks_zone(app, client, api, new_check):
    uuid = new_check(schedule="Mon..Fri 09:00", tz="Europe/Berlin", grace=600)
    client.get(f"/ping/{uuid}")
    doc = api("get", f"/checks/{uuid}").get_json()
    last, nxt = iso(doc["last_ping"]), iso(doc["next_ping"])
    local = nxt.astimezone(ZoneInfo("Europe/Berlin"))
    assert (local.hour, local.minute, local.weekday() < 5) == (9, 0, True)
    # The next one: no weekday 09:00 is skipped (Friday to Monday is the longest gap).
    assert timedelta(0) < nxt - last <= timedelta(days=3, hours=1)
    stored = load_check(app, uuid)
    assert stored.alert_after == stored.next_ping + timedelta(seconds=600)
    with app.app_context():
        assert sweep_once(stored.alert_after - timedelta(seconds=1)) == 0
        assert sweep_once(stored.alert_after + timedelta(seconds=1)) == 1
    assert api("get", f"/checks/{uuid}").get_json()["status"] == "down"


def test_an_expression_with_a_zone_of_its_own_is_walked_there(app, client, api, new_check):
    # "hourly" in Asia/Kolkata (UTC+05:30) fires at half past every UTC hour.
    uuid = new_check(schedule="hourly", tz="Asia/Kolkata")
    client.get(f"/ping/{uuid}")
    doc = api("get", f"/checks/{uuid}").get_json()
    nxt = iso(doc["next_ping"])
    assert (nxt.minute, nxt.second) == (30, 0)
    assert timedelta(0) < nxt - iso(doc["last_ping"]) <= timedelta(hours=1)


def test_a_schedule_that_fires_no_more_never_alerts(app, client, api, new_check):
    # Healthchecks' NEVER: a valid date in the past expects no ping after it.
    uuid = new_check(schedule="2001-01-01 00:00", grace=60)
    client.get(f"/ping/{uuid}")
    doc = api("get", f"/checks/{uuid}").get_json()
    assert (doc["status"], doc["next_ping"]) == ("up", None)
    with app.app_context():
        assert sweep_once(datetime.now(ZoneInfo("UTC")) + timedelta(days=3650)) == 0


@pytest.mark.parametrize("schedule", ["Mon..Fri 09:00", "0 9 * * 1-5"])
def test_the_schedule_is_shown_with_its_tz_for_both_kinds(api, new_check, schedule):
    doc = api("get", f"/checks/{new_check(schedule=schedule, tz='Europe/Berlin')}").get_json()
    assert (doc["schedule"], doc["tz"]) == (schedule, "Europe/Berlin")
