"""Flapping in the dashboard: the rule on the check form, in words on the check
page, and a check flapping now as its page and the checks list show it."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from support import NAME_ONLY, field_error, live_fp, load_check
from webapp.core.models import Check, User
from webapp.db import db

ZONE = "Asia/Kolkata"  # +05:30: a time shown in UTC would show other minutes


def form(**changes) -> dict:
    """The check form as a browser sends it."""
    return {**NAME_ONLY, "flap_threshold": "6", "flap_window": "1", "flap_window_unit": "hours",
            **changes}


def edit(web, uuid: str, **changes):
    return web.post(f"/checks/{uuid}/edit", form(**changes), token_from=f"/checks/{uuid}/edit")


def stored(api, uuid: str) -> tuple:
    body = api("get", f"/checks/{uuid}").get_json()
    return body["name"], body["flap_threshold"], body["flap_window"]


def page(web, uuid: str) -> str:
    r = web.get(f"/checks/{uuid}")
    assert r.status_code == 200
    return r.get_data(as_text=True)


def flapping_fact(html: str) -> str:
    m = re.search(r"<dt>Flapping</dt><dd>([^<]*)</dd>", html)
    assert m, "the Alerts card has no Flapping row"
    return m.group(1)


def list_row(web, app, uuid: str) -> str:
    """The check's row in the checks list."""
    check_id = load_check(app, uuid).id
    html = web.get(web.home).get_data(as_text=True)
    m = re.search(rf'<tr id="check-{check_id}".*?</tr>', html, re.S)
    assert m, "the check is not listed"
    return m.group(0)



def push(web, uuid: str, *statuses: str) -> None:
    for status in statuses:
        r = web.get(f"/api/push/{uuid}?status={status}")
        assert r.status_code == 200, r.get_data(as_text=True)


def test_a_new_check_form_offers_the_default_rule(logged_in):
    html = logged_in.get(logged_in.at("checks/new")).get_data(as_text=True)
    assert re.search(r'<label for="flap_threshold">Flapping: more than</label>', html)
    assert re.search(r'id="flap_threshold"[^>]*value="6"', html)
    assert re.search(r'id="flap_window"[^>]*value="1"', html)
    assert re.search(r'<option selected value="hours">hours</option>', html.split(
        'id="flap_window_unit"')[1].split("</select>")[0])
    assert ("A check that changes state more often sends one FLAPPING message and holds its "
            "alerts until it has been stable that long; 0 turns this off.") in html


def test_the_form_stores_the_rule_and_shows_it_again(logged_in, api):
    r = logged_in.post(logged_in.at("checks/new"),
                       form(flap_threshold="4", flap_window="30", flap_window_unit="minutes"))
    assert r.status_code == 302
    uuid = r.headers["Location"].rsplit("/", 1)[1]
    assert stored(api, uuid) == ("nightly-backup", 4, 1800)
    assert flapping_fact(page(logged_in, uuid)) == (
        "more than 4 changes within 30 minutes send one message, "
        "then alerts wait until it is stable")

    # The edit form is filled from the check, in the unit that divides it.
    api("post", f"/checks/{uuid}", json={"flap_threshold": 9, "flap_window": 7200})
    html = logged_in.get(f"/checks/{uuid}/edit").get_data(as_text=True)
    assert re.search(r'id="flap_threshold"[^>]*value="9"', html)
    assert re.search(r'id="flap_window"[^>]*value="2"', html)
    unit = html.split('id="flap_window_unit"')[1].split("</select>")[0]
    assert re.findall(r"<option selected value=\"(\w+)\"", unit) == ["hours"]

    assert edit(logged_in, uuid, flap_threshold="3", flap_window="90",
                flap_window_unit="seconds").status_code == 302
    assert stored(api, uuid) == ("nightly-backup", 3, 90)


def test_zero_turns_it_off_and_the_page_says_so(logged_in, api, new_check):
    uuid = new_check()
    assert flapping_fact(page(logged_in, uuid)) == (
        "more than 6 changes within 1 hour send one message, then alerts wait until it is stable")
    assert edit(logged_in, uuid, flap_threshold="0").status_code == 302
    assert stored(api, uuid)[1] == 0
    assert flapping_fact(page(logged_in, uuid)) == "off"


@pytest.mark.parametrize(("changes", "field_id", "message"), [
    ({"flap_threshold": "1001"}, "flap_threshold",
     "Give a whole number from 0 to 1000 (0 turns this off)."),
    ({"flap_threshold": "-1"}, "flap_threshold",
     "Give a whole number from 0 to 1000 (0 turns this off)."),
    ({"flap_threshold": "often"}, "flap_threshold",
     "Give a whole number from 0 to 1000 (0 turns this off)."),
    ({"flap_threshold": ""}, "flap_threshold",
     "Give a whole number from 0 to 1000 (0 turns this off)."),
    ({"flap_window": "25", "flap_window_unit": "hours"}, "flap_window",
     "The window must be between 1 second and 1 day."),
    ({"flap_window": "0"}, "flap_window", "The window must be between 1 second and 1 day."),
    ({"flap_window": "1.5"}, "flap_window", "Not a valid integer value."),
    ({"flap_window_unit": "weeks"}, "flap_window_unit", "Not a valid choice."),
])
def test_a_bad_value_is_refused_on_its_field_and_nothing_is_saved(logged_in, api, new_check,
                                                                 changes, field_id, message):
    uuid = new_check(flap_threshold=5, flap_window=600)
    r = edit(logged_in, uuid, name="renamed", **changes)
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert field_error(html, field_id) == message
    assert stored(api, uuid) == ("nightly-backup", 5, 600)  # not even the new name


def test_the_window_may_be_a_whole_day_but_no_more(logged_in, api, new_check):
    uuid = new_check()
    assert edit(logged_in, uuid, flap_window="1", flap_window_unit="days").status_code == 302
    assert stored(api, uuid)[2] == 86400
    assert edit(logged_in, uuid, flap_window="86401",
                flap_window_unit="seconds").status_code == 422
    assert stored(api, uuid)[2] == 86400


def test_a_flapping_check_shows_the_notice_and_the_badge(logged_in, app, api, new_check, user):
    with app.app_context():
        db.session.execute(sa.update(User).where(User.id == user[0]).values(timezone=ZONE))
        db.session.commit()
    flapping = new_check(name="vpn", timeout=3600, flap_threshold=2)
    calm = new_check(name="calm", timeout=3600, flap_threshold=2)
    push(logged_in, calm, "up", "down", "up")  # two changes: not more than 2
    push(logged_in, flapping, "up", "down", "up")
    assert api("get", f"/checks/{flapping}").get_json()["flapping_since"] is None
    assert "status-flapping" not in list_row(logged_in, app, flapping)
    assert 'id="check-flapping"' not in page(logged_in, flapping)
    push(logged_in, flapping, "down")  # the third change is one too many
    since = api("get", f"/checks/{flapping}").get_json()["flapping_since"]
    assert since is not None

    html = page(logged_in, flapping)
    m = re.search(r'<p class="hint-box" id="check-flapping" role="status" title="([^"]+)">'
                  r"([^<]+)</p>", html)
    assert m, "no flapping notice on the check page"
    local = datetime.fromisoformat(since).astimezone(ZoneInfo(ZONE))
    assert m.group(2) == (f"Flapping since {local:%H:%M} — alerts are held until it has been "
                          "stable for 1 hour")
    calm_at = (datetime.fromisoformat(since) + timedelta(hours=1)).astimezone(ZoneInfo(ZONE))
    assert f"alerts are sent again from {calm_at:%Y-%m-%d %H:%M:%S} IST" in m.group(1)
    # By the title's badge, above the status card.
    assert html.index('id="check-badge"') < html.index('id="check-flapping"') < html.index(
        'id="check-status"')

    row = list_row(logged_in, app, flapping)
    assert re.search(r'<span class="status status-flapping" title="Flapping since '
                     rf'{local:%Y-%m-%d %H:%M:%S} IST[^"]*">flapping</span>', row)

    # The calm one, changing as often as it may, shows neither.
    assert 'id="check-flapping"' not in page(logged_in, calm)
    assert "Flapping since" not in page(logged_in, calm)
    assert "status-flapping" not in list_row(logged_in, app, calm)


def test_the_list_redraws_when_a_check_starts_or_stops_flapping(logged_in, app, new_check):
    uuid = new_check(name="vpn", timeout=3600)
    html = logged_in.get(logged_in.home).get_data(as_text=True)
    fp = live_fp(html)
    assert logged_in.htmx(f"{logged_in.home}live?fp={fp}").status_code == 204

    def set_flapping(since):  # that column alone, as the worker's sweep clears it
        with app.app_context():
            db.session.execute(sa.update(Check).where(Check.uuid == uuid)
                               .values(flapping_since=since))
            db.session.commit()

    set_flapping(load_check(app, uuid).created)
    r = logged_in.htmx(f"{logged_in.home}live?fp={fp}")
    assert r.status_code == 200 and "status-flapping" in r.get_data(as_text=True)
    new_fp = live_fp(r.get_data(as_text=True))
    set_flapping(None)
    r = logged_in.htmx(f"{logged_in.home}live?fp={new_fp}")
    assert r.status_code == 200 and "status-flapping" not in r.get_data(as_text=True)
