"""A check's alerts in the dashboard: the form's Alerts section, and what the check page says."""

import html as html_lib
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from support import NAME_ONLY, field_error, load_check, settle_deliveries
from webapp.alerts.delivery import MAX_ATTEMPTS
from webapp.core.models import Check, Notification
from webapp.core.times import utcnow
from webapp.db import db


def channel(api, name, kind="email", value=None):
    value = value or (f"{name}@example.com" if kind == "email" else f"https://example.com/{name}")
    r = api("post", "/channels/", json={"kind": kind, "name": name, "value": value})
    return r.get_json()["id"]


def alerts_form(listed: list[str], **changes) -> dict:
    """The check form as a browser sends it, listing `listed` channel codes."""
    return {**NAME_ONLY, "channels_shown": ",".join(listed), "nag": "off", "nag_every": "1",
            "nag_unit": "hours", "failure_threshold": "1", "value_min": "", "value_max": "",
            "max_runtime": "", "max_runtime_unit": "minutes", **changes}


def test_a_new_check_form_ticks_every_channel(logged_in, api):
    ops, hook = channel(api, "ops"), channel(api, "hook", kind="webhook")
    html = logged_in.get(logged_in.at("checks/new")).get_data(as_text=True)
    for code in (ops, hook):
        assert re.search(rf'value="{code}" id="channel-{code}" checked', html)
    assert f'value="{ops},{hook}"' in html
    for label in ("Remind every", "Reminder unit", "Failures in a row before alerting",
                  "Lowest good value", "Highest good value", "Longest run", "Run time unit"):
        assert re.search(rf'<label for="[a-z_]+">{label}</label>', html), label
    for label in ("Only POST pings count", "Stay paused until resumed by hand"):
        assert re.search(rf'<label class="checkbox" for="[a-z_]+"><input[^>]*> {label}</label>',
                         html), label


def test_without_channels_the_form_says_alerts_go_to_the_members(logged_in):
    html = logged_in.get(logged_in.at("checks/new")).get_data(as_text=True)
    assert "alerts go by email to its members who asked for them" in html
    assert f'<a href="{logged_in.at("channels/")}">Add a channel</a>' in html


def test_it_saves_every_alert_setting(logged_in, api, app):
    ops, hook = channel(api, "ops"), channel(api, "hook", kind="webhook")
    r = logged_in.post(logged_in.at("checks/new"), alerts_form(
        [ops, hook], channels=[hook], nag="every", nag_every="2", nag_unit="hours",
        failure_threshold="3", value_min="-1.5", value_max="90", max_runtime="45",
        max_runtime_unit="minutes", min_runtime="2", min_runtime_unit="minutes",
        post_only="y", manual_resume="y"))
    assert r.status_code == 302
    uuid = r.headers["Location"].rsplit("/", 1)[1]
    check = api("get", f"/checks/{uuid}").get_json()
    assert (check["channels"], check["max_runtime"], check["methods"], check["manual_resume"]) == (
        hook, 2700, "POST", True)
    assert check["min_runtime"] == 120
    stored = load_check(app, uuid)
    assert (stored.nag_period, stored.failure_threshold, stored.value_min, stored.value_max) == (
        7200, 3, -1.5, 90.0)

    # The edit form shows them again, and unticking everything means: alert nobody.
    edit = logged_in.get(f"/checks/{uuid}/edit").get_data(as_text=True)
    assert re.search(rf'value="{hook}" id="channel-{hook}" checked', edit)
    assert not re.search(rf'value="{ops}" id="channel-{ops}" checked', edit)
    assert re.search(r'checked[^>]*value="every"|value="every"[^>]*checked', edit)
    for value in ('id="nag_every"[^>]*value="2"', 'id="failure_threshold"[^>]*value="3"',
                  'id="value_min"[^>]*value="-1.5"', 'id="max_runtime"[^>]*value="45"',
                  'id="min_runtime"[^>]*value="2"',
                  'checked id="post_only"', 'checked id="manual_resume"'):
        assert re.search(value, edit), value
    r = logged_in.post(f"/checks/{uuid}/edit", alerts_form([ops, hook]),
                       token_from=f"/checks/{uuid}/edit")
    assert r.status_code == 302
    check = api("get", f"/checks/{uuid}").get_json()
    assert (check["channels"], check["max_runtime"], check["methods"], check["manual_resume"]) == (
        "", None, "", False)
    stored = load_check(app, uuid)
    assert (stored.nag_period, stored.failure_threshold, stored.value_min, stored.value_max) == (
        0, 1, None, None)


def test_a_channel_added_after_the_form_was_drawn_keeps_its_place(logged_in, api, new_check):
    ops = channel(api, "ops")
    uuid = new_check(name="backup")
    late = channel(api, "late")  # joins every check, while the edit form is open
    r = logged_in.post(f"/checks/{uuid}/edit", alerts_form([ops], channels=[ops], name="backup"),
                       token_from=f"/checks/{uuid}/edit")
    assert r.status_code == 302
    assert api("get", f"/checks/{uuid}").get_json()["channels"] == f"{ops},{late}"


def test_a_form_without_the_alerts_section_leaves_channels_alone(logged_in, api, new_check):
    ops = channel(api, "ops")
    uuid = new_check(name="backup")
    r = logged_in.post(f"/checks/{uuid}/edit", {**NAME_ONLY, "name": "backup"},
                       token_from=f"/checks/{uuid}/edit")
    assert r.status_code == 302 and api("get", f"/checks/{uuid}").get_json()["channels"] == ops


@pytest.mark.parametrize("changes, field_id, message", [
    ({"value_min": "10", "value_max": "5"}, "value_max",
     "Must not be below the lowest good value (10)."),
    ({"value_min": "nan"}, "value_min", "Give a finite number, or leave it empty."),
    ({"value_max": "lots"}, "value_max", "Not a valid float value."),
    ({"failure_threshold": "0"}, "failure_threshold", "Give a whole number from 1 to 1000."),
    ({"failure_threshold": ""}, "failure_threshold", "Give a whole number from 1 to 1000."),
    ({"nag": "every", "nag_every": "0"}, "nag_every",
     "The reminder period must be between 1 second and 365 days."),
    ({"nag": "every", "nag_every": ""}, "nag_every", "Not a valid integer value."),
    ({"max_runtime": "400", "max_runtime_unit": "days"}, "max_runtime",
     "The longest run must be between 1 second and 365 days."),
])
def test_bad_alert_settings_are_shown_next_to_the_field(logged_in, app, changes, field_id, message):
    r = logged_in.post(logged_in.at("checks/new"), alerts_form([], tags="keep-me", **changes))
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert field_error(html, field_id).startswith(message)
    assert 'value="keep-me"' in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Check.id))) == 0


def test_reminder_fields_are_ignored_while_reminders_are_off(logged_in, app):
    r = logged_in.post(logged_in.at("checks/new"), alerts_form([], nag="off", nag_every="0"))
    assert r.status_code == 302
    assert load_check(app, r.headers["Location"].rsplit("/", 1)[1]).nag_period == 0


def test_the_check_page_says_how_it_alerts(logged_in, api, new_check):
    ops = channel(api, "ops")
    uuid = new_check(name="backup", channels=ops)
    api("post", f"/checks/{uuid}", json={"nag_period": 3600, "failure_threshold": 3, "value_min": 1,
                                         "value_max": 90, "methods": "POST", "manual_resume": True})
    html = html_lib.unescape(logged_in.get(f"/checks/{uuid}").get_data(as_text=True))
    card = html[html.index('id="alerts"'):html.index("</section>", html.index('id="alerts"'))]
    for words in ("<dt>Alerts go to</dt><dd>ops (email)</dd>",
                  "<dt>Reminders</dt><dd>every hour while down</dd>",
                  "<dt>Failures</dt><dd>3 in a row alert</dd>",
                  "<dt>Values</dt><dd>a value below 1 or above 90 counts as a failure</dd>",
                  "<dt>Runs</dt><dd>a started run may take 1 hour (the grace time)</dd>",
                  "<dt>Pings</dt><dd>only POST pings count</dd>",
                  "<dt>Pausing</dt><dd>stays paused until resumed by hand</dd>"):
        assert words in card, words
    api("post", f"/checks/{uuid}", json={"channels": ""})
    html = logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    assert "nobody: no channel is chosen for this check" in html


def test_without_channels_the_check_page_names_ones_own_address(logged_in, new_check):
    uuid = new_check(name="backup")
    html = logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    assert "<dd>email to alice@example.com (the project has no channels)</dd>" in html
    assert "<dt>Reminders</dt><dd>off</dd>" in html and (
        "<dt>Failures</dt><dd>the first one alerts</dd>" in html)


def test_the_check_page_shows_the_last_run_time(logged_in, new_check):
    uuid = new_check(name="backup")
    assert "Last run" not in logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    logged_in.get(f"/ping/{uuid}/start")
    logged_in.get(f"/ping/{uuid}")
    html = logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    assert re.search(r"<dt>Last run</dt><dd>took \d+\.\d s</dd>", html)


def test_the_pause_control_is_where_the_alert_email_points(logged_in, api, new_check):
    uuid = new_check(name="backup")
    html = logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    assert re.search(rf'<form method="post" id="pause" action="/checks/{uuid}/pause">', html)
    api("post", f"/checks/{uuid}/pause")
    html = logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    assert re.search(rf'<form method="post" id="pause" action="/checks/{uuid}/resume">', html)


def test_failed_and_retried_alerts_appear_in_the_event_log(logged_in, api, app, client, receiver,
                                                           new_check):
    receiver.status = 500
    channel(api, "hook", kind="webhook", value=f"{receiver.url}/hook")
    uuid = new_check(name="backup")
    client.get(f"/api/push/{uuid}?status=down")
    page = logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    live = re.search(r'id="check-status"[^>]*hx-get="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert logged_in.htmx(live).status_code == 204
    settle_deliveries(app)
    html = logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    log = html[html.index('id="event-log"'):]
    row = log[log.index('<tr class="event-alert">'):]
    assert "alert failed" in row and (
        f"DOWN alert to webhook <span class=\"mono small\">{receiver.url}/hook</span>" in row)
    assert "the webhook answered HTTP 500" in row and f"{MAX_ATTEMPTS} tries" in row
    # Listed above the flip that caused it; the live refresh notices it,
    # though the check itself did not change.
    assert log.index("event-alert") < log.index("event-flip")
    assert logged_in.htmx(live).status_code == 200

    # A delivery still being retried after a second failed try shows too; one failed try does not.
    with app.app_context():
        check_id = db.session.scalar(sa.select(Check.id).where(Check.uuid == uuid))
        now = utcnow()
        for attempts, error in ((2, "SMTP: timed out"), (1, "SMTP: first try")):
            db.session.add(Notification(check_id=check_id, event="up", kind="email",
                                        target="ops@example.com",
                                        status="pending", attempts=attempts, error=error,
                                        created=now + timedelta(seconds=attempts)))
        db.session.commit()
    html = logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    assert "alert retrying" in html and "SMTP: timed out" in html and (
        "2 tries, still retrying" in html)
    assert "SMTP: first try" not in html
