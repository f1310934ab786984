"""The edit form saved back as a browser draws it: what the form cannot show
(grace_to_end_of_day on a check that is not daily) is kept, and text areas'
CRLF line breaks are stored, and measured, as the "\\n" the API stores."""

import pytest
from browser_form import submitted


def save_as_drawn(web, uuid: str, **changes: str):
    edit = f"/checks/{uuid}/edit"
    html = web.get(edit).get_data(as_text=True)
    return web.client.post(edit, data=submitted(html, edit, **changes))


@pytest.mark.parametrize("schedule", [
    {"timeout": 3600, "grace": 600},
    {"schedule": "Mon..Fri 09:00", "tz": "Europe/Berlin", "grace": 600},
    {"schedule": "*/5 * * * *", "grace": 600},
], ids=["interval", "oncalendar", "cron-not-daily"])
def test_saving_unchanged_keeps_an_end_of_day_grace_the_form_cannot_show(
        logged_in, api, new_check, schedule):
    uuid = new_check(grace_to_end_of_day=True, **schedule)
    before = api("get", f"/checks/{uuid}").get_json()
    r = save_as_drawn(logged_in, uuid)
    assert r.status_code == 302, r.get_data(as_text=True)
    after = api("get", f"/checks/{uuid}").get_json()
    assert after["grace_to_end_of_day"] is True
    assert after == {**before, "next_ping": after["next_ping"]}  # nothing else moved either


def test_the_daily_kind_sets_and_clears_the_end_of_day_grace(logged_in, api, new_check):
    uuid = new_check(schedule="30 2 * * *", grace_to_end_of_day=True)
    assert save_as_drawn(logged_in, uuid).status_code == 302
    assert api("get", f"/checks/{uuid}").get_json()["grace_to_end_of_day"] is True
    r = save_as_drawn(logged_in, uuid, deadline="by", deadline_at="04:00")
    assert r.status_code == 302
    check = api("get", f"/checks/{uuid}").get_json()
    assert (check["grace_to_end_of_day"], check["grace"]) == (False, 5400)


def test_moving_a_daily_check_to_another_kind_drops_its_end_of_day_grace(
        logged_in, api, new_check):
    """Shown as "alert by the end of that day", then changed to a cron schedule
    with an hour's grace: the grace typed is the one that applies."""
    uuid = new_check(schedule="30 2 * * *", grace_to_end_of_day=True)
    r = save_as_drawn(logged_in, uuid, kind="cron", cron="*/5 * * * *", grace="1",
                      grace_unit="hours")
    assert r.status_code == 302
    check = api("get", f"/checks/{uuid}").get_json()
    assert (check["schedule"], check["grace_to_end_of_day"], check["grace"]) == (
        "*/5 * * * *", False, 3600)


SIX_LINES = "\n".join(["Mon *-*-* 09:00:00", "Tue *-*-* 09:00:00", "Wed *-*-* 09:00:00",
                       "Thu *-*-* 09:00:00", "Fri 09:00:00", "Sat 10:00"])


def test_an_oncalendar_schedule_the_api_takes_saves_unchanged_in_the_dashboard(
        logged_in, api, new_check):
    """98 characters on 6 lines: the browser sends 103 (CRLF), the limit is 100
    characters of the stored text."""
    assert len(SIX_LINES) == 98
    uuid = new_check(schedule=SIX_LINES, tz="UTC", grace=600)
    r = save_as_drawn(logged_in, uuid)
    assert r.status_code == 302, r.get_data(as_text=True)
    assert api("get", f"/checks/{uuid}").get_json()["schedule"] == SIX_LINES
    r = save_as_drawn(logged_in, uuid, oncalendar=SIX_LINES.replace("\n", "\r\n") + "\r\nSun")
    assert r.status_code == 422  # 102 characters stored would be too long
    assert api("get", f"/checks/{uuid}").get_json()["schedule"] == SIX_LINES


def test_a_description_is_stored_with_newlines_and_measured_so(logged_in, api, new_check):
    uuid = new_check()
    r = save_as_drawn(logged_in, uuid, desc="Dumps the database.\r\nCall Sam.\rOr Kim.")
    assert r.status_code == 302
    assert api("get", f"/checks/{uuid}").get_json()["desc"] == (
        "Dumps the database.\nCall Sam.\nOr Kim.")
    longest = "\n".join(["x" * 999] * 10) + "x"  # 10,000 characters
    assert len(longest) == 10_000
    r = save_as_drawn(logged_in, uuid, desc=longest.replace("\n", "\r\n"))
    assert r.status_code == 302
    assert api("get", f"/checks/{uuid}").get_json()["desc"] == longest
    # And the form draws it back so that saving again changes nothing.
    assert save_as_drawn(logged_in, uuid).status_code == 302
    assert api("get", f"/checks/{uuid}").get_json()["desc"] == longest
