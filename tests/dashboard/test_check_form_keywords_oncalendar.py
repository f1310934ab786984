"""The check form's keyword filters and OnCalendar schedules, and how the check
page words them: what a browser sends, what is stored, what is shown."""

import re

import sqlalchemy as sa

from support import NAME_ONLY, field_error
from webapp.core.models import Check
from webapp.db import db


def create(web, **changes):
    return web.post(web.at("checks/new"), {**NAME_ONLY, **changes})


def stored(app) -> Check:
    with app.app_context():
        check = db.session.scalars(sa.select(Check).where(Check.name == "nightly-backup")).one()
        db.session.expunge_all()
        return check


def test_it_creates_an_oncalendar_check(logged_in, app):
    r = create(logged_in, kind="oncalendar", oncalendar="  Mon..Fri   09:00 \r\n\r\nSat 10:00",
               tz="Europe/Berlin", grace="15", grace_unit="minutes")
    assert r.status_code == 302
    check = stored(app)
    assert (check.kind, check.schedule, check.tz, check.grace) == (
        "oncalendar", "Mon..Fri 09:00\nSat 10:00", "Europe/Berlin", 900)


def test_a_bad_oncalendar_expression_is_refused_next_to_the_field(logged_in, app):
    r = create(logged_in, kind="oncalendar", oncalendar="Mon..Fry 09:00")
    assert r.status_code == 422
    assert field_error(r.get_data(as_text=True), "oncalendar").startswith(
        "Invalid OnCalendar expression 'Mon..Fry 09:00': bad day-of-week")
    assert "Mon..Fry 09:00" in r.get_data(as_text=True)  # kept for correcting


def test_an_oncalendar_check_is_edited_as_one(logged_in, new_check):
    uuid = new_check(schedule="Sat 10:00\nMon..Fri 07:00", tz="Europe/Berlin")
    html = logged_in.get(f"/checks/{uuid}/edit").get_data(as_text=True)
    assert re.search(r'checked[^>]*value="oncalendar"|value="oncalendar"[^>]*checked', html)
    assert re.search(r'<textarea[^>]*id="oncalendar"[^>]*>\s*Sat 10:00\nMon..Fri 07:00</textarea>',
                     html)


def test_saving_an_oncalendar_check_unchanged_keeps_its_schedule(logged_in, app, new_check):
    uuid = new_check(schedule="Sat 10:00\nMon..Fri 07:00", tz="Europe/Berlin")
    r = logged_in.post(f"/checks/{uuid}/edit", {
        **NAME_ONLY, "kind": "oncalendar", "oncalendar": "Sat 10:00\r\nMon..Fri 07:00",
        "tz": "Europe/Berlin"}, token_from=f"/checks/{uuid}/edit")
    assert r.status_code == 302
    assert (stored(app).kind, stored(app).schedule) == ("oncalendar", "Sat 10:00\nMon..Fri 07:00")


def test_the_preview_lists_the_next_firings_of_an_oncalendar_expression(logged_in):
    html = logged_in.htmx("/checks/cron-preview?oncalendar=Mon..Fri+09:00&tz=Europe/Berlin"
                          ).get_data(as_text=True)
    assert "Fires at its times" in html and "next at" in html and ", then " in html
    # In the check's zone, named in full with its offset (not "CET").
    assert re.search(r"09:00, .*Central European (Standard|Summer) Time \(UTC\+[12]\)", html)
    html = logged_in.htmx("/checks/cron-preview?oncalendar=Mon..Fry+09:00&tz=UTC").get_data(
        as_text=True)
    assert "invalid OnCalendar expression" in html
    html = logged_in.htmx("/checks/cron-preview?oncalendar=2001-01-01&tz=UTC").get_data(
        as_text=True)
    assert "It fires no more" in html


def test_the_check_page_shows_the_expression_and_its_next_firing(logged_in, new_check):
    uuid = new_check(schedule="Mon..Fri 09:00", tz="Europe/Berlin")
    html = logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    assert "systemd OnCalendar, Europe/Berlin" in html
    assert '<code class="small">Mon..Fri 09:00</code>' in html
    # In the viewer's zone (UTC here): 09:00 in Berlin is 08:00 or, in summer, 07:00.
    assert re.search(r"fires next \d{4}-\d\d-\d\d 0[78]:00:00 UTC", html)


def test_it_saves_the_keyword_filters(logged_in, app):
    r = create(logged_in, filter_body="y", failure_kw=" ERROR, FAILED ", success_kw="SUCCESS",
               start_kw="STARTED", filter_default_fail="fail")
    assert r.status_code == 302
    check = stored(app)
    assert (check.filter_body, check.failure_kw, check.success_kw, check.start_kw,
            check.filter_default_fail) == (True, "ERROR, FAILED", "SUCCESS", "STARTED", True)


def test_a_form_without_the_keyword_fields_leaves_filtering_off(logged_in, app):
    assert create(logged_in).status_code == 302
    check = stored(app)
    assert (check.filter_body, check.failure_kw, check.filter_default_fail) == (False, "", False)


def test_long_keywords_are_refused_next_to_the_field(logged_in, app):
    r = create(logged_in, success_kw="A" * 201)
    assert r.status_code == 422
    assert "200" in field_error(r.get_data(as_text=True), "success_kw")


def test_editing_shows_and_keeps_the_keywords_set_through_the_api(logged_in, app, new_check):
    uuid = new_check(filter_http_body=True, failure_kw="ERROR", filter_default_fail=True,
                     filter_subject=True)
    html = logged_in.get(f"/checks/{uuid}/edit").get_data(as_text=True)
    assert re.search(r'id="filter_body"[^>]*checked|checked[^>]*id="filter_body"', html)
    assert re.search(r'id="failure_kw"[^>]*value="ERROR"', html)
    assert re.search(r'checked[^>]*value="fail"|value="fail"[^>]*checked', html)
    r = logged_in.post(f"/checks/{uuid}/edit", {**NAME_ONLY, "filter_body": "y",
                                                "failure_kw": "ERROR",
                                                "filter_default_fail": "fail"},
                       token_from=f"/checks/{uuid}/edit")
    assert r.status_code == 302
    check = stored(app)
    assert (check.filter_body, check.failure_kw, check.filter_default_fail,
            check.filter_subject) == (True, "ERROR", True, True)


def test_the_check_page_words_the_keywords(logged_in, new_check):
    uuid = new_check(filter_http_body=True, failure_kw="ERROR, FAILED", success_kw="OK",
                     filter_subject=True)
    html = logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    assert ("a /ping/ ping&#39;s body makes it a failure if it holds &#39;ERROR&#39; or "
            "&#39;FAILED&#39;; a success if it holds &#39;OK&#39;; else it is ignored") in html
    assert "does nothing: Heartbeats takes no email pings" in html
