"""Defects testers found in the dashboard, each fixed and held here with the
test client: a refused check form that forgot the values it had, an API key
refused without a word, error pages that said nothing useful or quoted an
exception, inline styles the CSP refuses, an ambiguous zone in the cron
preview, and the display timezone at the first login. (The "new" badge's
contrast is measured in tests/browser/test_form_defects_browser.py.)"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import requests
import sqlalchemy as sa
from browser_form import submitted

from support import load_check
from webapp.alerts.transports import email as email_transport
from webapp.alerts.transports import webhook as webhook_transport
from webapp.core.models import User
from webapp.dashboard.display import zone_names
from webapp.db import db

# --- 1. a refused check form keeps the values it had -------------------------------

def edit_page(web, uuid: str) -> str:
    return web.get(f"/checks/{uuid}/edit").get_data(as_text=True)


def test_a_refused_cron_edit_keeps_the_interval_it_was_not_sent(logged_in, app, new_check):
    """The tester's steps, as an app.js that disabled the hidden kinds sent them:
    an interval check (5 minutes, Europe/Berlin) switched to Cron, an invalid
    expression, Save; then back to "Every…" and Save."""
    uuid = new_check(timeout=300, grace=600, tz="Europe/Berlin")
    edit = f"/checks/{uuid}/edit"
    data = submitted(edit_page(logged_in, uuid), edit, kind="cron", cron="0 25 * * *")
    for name in ("every", "every_unit"):  # the interval panel was disabled, so not sent
        data.pop(name)
    r = logged_in.client.post(edit, data=data)
    assert r.status_code == 422
    drawn = submitted(r.get_data(as_text=True), edit)
    assert (drawn["every"], drawn["every_unit"], drawn["tz"]) == ("5", "minutes", "Europe/Berlin")

    r = logged_in.client.post(edit, data=submitted(r.get_data(as_text=True), edit,
                                                   kind="interval"))
    assert r.status_code == 302
    check = load_check(app, uuid)
    assert (check.kind, check.timeout, check.grace, check.tz) == (
        "simple", 300, 600, "Europe/Berlin")


def test_a_refused_interval_edit_keeps_the_check_timezone(logged_in, app, new_check):
    """Refused while "Every…" was chosen (the timezone field hidden, not sent),
    then switched to Cron: the zone shown, and saved, is the check's, not UTC."""
    uuid = new_check(timeout=300, tz="Asia/Shanghai")
    edit = f"/checks/{uuid}/edit"
    data = submitted(edit_page(logged_in, uuid), edit, name="")
    data.pop("tz")
    r = logged_in.client.post(edit, data=data)
    assert r.status_code == 422 and "Give the check a name." in r.get_data(as_text=True)
    assert submitted(r.get_data(as_text=True), edit)["tz"] == "Asia/Shanghai"

    r = logged_in.client.post(edit, data=submitted(
        r.get_data(as_text=True), edit, name="nightly-backup", kind="cron", cron="0 3 * * *"))
    assert r.status_code == 302
    check = load_check(app, uuid)
    assert (check.schedule, check.tz) == ("0 3 * * *", "Asia/Shanghai")


def test_a_refused_edit_keeps_what_was_typed_in_the_hidden_kinds(logged_in, app, new_check):
    """Today's app.js sends the hidden kinds' fields: what was typed there
    before switching is drawn again, not the stored value."""
    uuid = new_check(timeout=300, tz="Europe/Berlin")
    edit = f"/checks/{uuid}/edit"
    r = logged_in.client.post(edit, data=submitted(
        edit_page(logged_in, uuid), edit, every="10", kind="cron", cron="61 * * * *",
        tz="Europe/Paris", nag="off", nag_every="45", nag_unit="minutes"))
    assert r.status_code == 422
    drawn = submitted(r.get_data(as_text=True), edit)
    assert (drawn["every"], drawn["every_unit"], drawn["tz"]) == ("10", "minutes", "Europe/Paris")
    assert (drawn["nag_every"], drawn["nag_unit"]) == ("45", "minutes")
    assert load_check(app, uuid).timeout == 300  # nothing saved


# --- 2. an API key without a label is refused with a reason -------------------------

def test_an_api_key_without_a_label_is_refused_with_a_message(logged_in, app):
    settings = logged_in.at("settings/")
    code = settings.rstrip("/").split("/")[-2]
    token = logged_in.csrf(settings)
    r = logged_in.client.post(f"/projects/{code}/keys", data={"label": "  "}, headers={
        "HX-Request": "true", "HX-Target": "api-keys", "X-CSRFToken": token})
    html = r.get_data(as_text=True)
    # The keys section alone, with the reason next to the field: app.js swaps
    # a 4xx fragment in like a success.
    assert r.status_code == 400 and html.lstrip().startswith('<div id="api-keys">')
    assert "Give the key a label, e.g. the host that uses it." in html
    assert 'aria-invalid="true"' in html


# --- 3. error pages: a useful sentence, never an exception's text --------------------

def test_the_404_page_says_what_was_not_found_and_where_to_go(client, logged_in):
    r = logged_in.get("/checks/00000000-0000-4000-8000-000000000000")
    html = r.get_data(as_text=True)
    assert r.status_code == 404
    assert "Page not found" in html and "There is no page at this address" in html
    assert "<p data-error-message>not found</p>" not in html  # was: "Not found / not found"
    assert 'href="/projects/"' in html and "Go to your checks" in html
    logged_in.post("/logout")
    html = client.get("/no-such-page").get_data(as_text=True)
    assert "There is no page at this address" in html and 'href="/login"' in html


def test_error_pages_say_sentences_of_ours_not_the_exceptions(logged_in):
    # Flask-WTF's "The CSRF token is missing." is the exception's text.
    r = logged_in.client.post("/settings/timezone", data={"timezone": "UTC"})
    html = r.get_data(as_text=True)
    assert r.status_code == 400 and "This form has expired" in html
    assert "CSRF" not in html.replace("csrf-token", "")
    # werkzeug's "The method is not allowed for the requested URL."
    r = logged_in.get("/settings/timezone")
    html = r.get_data(as_text=True)
    assert r.status_code == 405 and "does not take that kind of request" in html
    assert "requested URL" not in html
    # The API keeps its one-line reasons: scripts match them.
    r = logged_in.get("/api/v3/nothing-here")
    assert r.status_code == 404 and r.get_json() == {"error": "not found"}


# --- 5. no inline style anywhere: the CSP (style-src 'self') refuses them ----------------

def test_no_page_or_fragment_carries_an_inline_style(logged_in, new_check):
    uuid = new_check(tags="prod db", timeout=300)
    home = logged_in.home
    pages = [home, home + "?tags=prod", logged_in.at("channels/"), logged_in.at("settings/"),
             logged_in.at("checks/new"), f"/checks/{uuid}", f"/checks/{uuid}/edit", "/settings/",
             "/checks/00000000-0000-4000-8000-000000000000"]
    for path in pages:
        html = logged_in.get(path).get_data(as_text=True)
        assert not re.search(r"<style|\sstyle=", html), path
        assert '"includeIndicatorStyles":false' in html, path  # htmx adds no <style> either
    fragment = logged_in.htmx(home + "?tags=prod", **{"HX-Target": "checks"})
    assert fragment.status_code == 200
    assert not re.search(r"<style|\sstyle=", fragment.get_data(as_text=True))


def test_delivery_reasons_never_quote_the_exception(caplog):
    """A channel's test result and failed deliveries show these sentences."""
    bad_url = requests.exceptions.InvalidURL("Failed to parse: http://hooks.example:99999/")
    reason = webhook_transport.readable(bad_url, "http://hooks.example:99999/", 2)
    assert "Failed to parse" not in reason and "the log has the details" in reason
    assert "Failed to parse" in caplog.text
    reason = email_transport.readable(OSError(101, "Network is unreachable"), "mx:25")
    assert reason == ("could not connect to the mail server mx:25: the connection failed "
                      "(the log has the details)")
    assert "Network is unreachable" in caplog.text


# --- 6. the cron preview names the zone in full -------------------------------------------

@pytest.mark.parametrize("tz, label", [
    ("Asia/Shanghai", "China Standard Time (UTC+8)"),
    ("Asia/Kolkata", "India Standard Time (UTC+5:30)"),
    ("America/Lima", "America/Lima (UTC-5)"),  # not in the table: its IANA name
    ("UTC", "UTC"),
])
def test_the_cron_preview_names_the_zone_with_its_offset(logged_in, tz, label):
    r = logged_in.htmx(f"/checks/cron-preview?cron=5+16+*+*+*&tz={tz}")
    text = re.sub(r"<[^>]+>", "", r.get_data(as_text=True))
    assert re.search(r"next at \d{4}-\d\d-\d\d 16:05, then (\d{4}-\d\d-\d\d 16:05, )+"
                     + re.escape(label) + r"\s*$", text.strip()), text
    assert re.findall(r"\b[A-Z]{3,5}\b", text.replace(label, "")) == []  # no CST, no IST


def test_a_preview_across_a_clock_change_names_each_firing_s_zone():
    """Berlin's clocks went back on 25 October 2026: the firing before says
    summer time (UTC+2), the ones after standard time (UTC+1)."""
    firings = [datetime(2026, 10, day, hour, tzinfo=UTC) for day, hour in
               ((24, 7), (25, 8), (26, 8))]  # 09:00 in Berlin each day
    assert zone_names.firing_words(firings, "Europe/Berlin") == (
        "next at 2026-10-24 09:00 Central European Summer Time (UTC+2), "
        "then 2026-10-25 09:00 Central European Standard Time (UTC+1), "
        "2026-10-26 09:00 Central European Standard Time (UTC+1)")
    assert zone_names.firing_words(firings[1:], "Europe/Berlin") == (
        "next at 2026-10-25 09:00, then 2026-10-26 09:00, Central European Standard Time (UTC+1)")


# --- 7. the first login adopts the browser's timezone -----------------------------------

def timezone_of(app, email="alice@example.com") -> str:
    with app.app_context():
        zone = db.session.scalar(sa.select(User.timezone).where(User.email == email))
        db.session.remove()
        return zone


def login_from(web, zone: str):
    return web.post("/login", {"email": "alice@example.com", "password": "correct horse",
                               "browser_tz": zone}, token_from="/login")


def test_the_first_login_adopts_the_browser_timezone_and_says_so(web, app, user):
    r = login_from(web, "Asia/Shanghai")
    assert r.status_code == 302 and timezone_of(app) == "Asia/Shanghai"
    page = web.get(r.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "Times are shown in Asia/Shanghai, your browser&#39;s timezone" in page


def test_the_zone_is_adopted_once_and_a_chosen_one_is_left_alone(web, app, user, client):
    assert web.login().status_code == 302  # without JavaScript: no zone to adopt
    assert timezone_of(app) == "UTC"
    other = type(web)(app.test_client())  # another browser, which says its zone
    assert login_from(other, "Europe/Berlin").status_code == 302
    assert timezone_of(app) == "Europe/Berlin"
    for w in (web, other):
        w.post("/logout")
    # Adopted once, it counts as chosen: another browser's zone does not move it.
    assert login_from(web, "Asia/Tokyo").status_code == 302
    assert timezone_of(app) == "Europe/Berlin"
    # UTC chosen in the settings stays, whichever browser logs in next.
    web.post("/settings/timezone", {"timezone": "UTC"}, token_from="/settings/")
    web.post("/logout")
    assert login_from(web, "America/Chicago").status_code == 302
    assert timezone_of(app) == "UTC"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "localtime", "x" * 65, ""])
def test_a_browser_zone_that_is_not_one_is_ignored_and_the_login_goes_ahead(web, app, user, zone):
    r = login_from(web, zone)
    assert r.status_code == 302 and timezone_of(app) == "UTC"


def test_the_sign_up_keeps_the_zone_the_page_filled_in(web, app, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTRATION_OPEN", True)
    page = web.get("/signup").get_data(as_text=True)
    assert re.search(r'<select[^>]*data-browser-tz="1"[^>]*name="timezone"'
                     r'|<select[^>]*name="timezone"[^>]*data-browser-tz="1"', page)
    r = web.post("/signup", {"email": "new@example.com", "password": "long enough",
                             "confirm": "long enough", "timezone": "Asia/Tokyo"},
                 token_from="/signup")
    assert r.status_code == 302 and timezone_of(app, "new@example.com") == "Asia/Tokyo"
