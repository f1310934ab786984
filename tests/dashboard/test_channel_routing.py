"""A channel's routing in the dashboard: the add and edit forms, and the list's words."""

import re

import pytest
import sqlalchemy as sa

from support import field_error
from webapp.core.models import Channel
from webapp.db import db


def add(web, **data):
    return web.post(web.at("channels/"), {"kind": "email", "name": "ops",
                                          "value": "ops@example.com", "headers": "",
                                          "routing_shown": "1", **data})


def routing(app) -> list[tuple[str, str, int]]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Channel.name, Channel.events, Channel.delay).order_by(Channel.id)).all()
        db.session.remove()
        return [tuple(r) for r in rows]


def test_the_add_form_offers_every_event_ticked_and_no_delay(logged_in):
    page = logged_in.get(logged_in.at("channels/")).get_data(as_text=True)
    for event in ("down", "up", "reminder"):
        assert re.search(rf'<input type="checkbox" name="events" value="{event}" '
                         rf'id="events-{event}" checked>', page), event
    assert re.search(r'id="delay"[^>]*value="0"', page)


def test_it_adds_an_escalation_channel_and_the_list_says_so(logged_in, app):
    r = add(logged_in, name="on-call", events=["down", "up"], delay="15", delay_unit="minutes")
    assert r.status_code == 302
    assert routing(app) == [("on-call", "down up", 900)]
    page = logged_in.get(logged_in.at("channels/")).get_data(as_text=True)
    assert "down and up · after 15 min" in page


def test_it_edits_the_routing_and_shows_it_filled_in(logged_in, app):
    add(logged_in, events=["down"], delay="2", delay_unit="hours")
    with app.app_context():
        code = db.session.scalar(sa.select(Channel.code))
        db.session.remove()
    edit = logged_in.get(f"/channels/{code}/edit").get_data(as_text=True)
    assert re.search(r'value="down" id="events-down" checked>', edit)
    assert re.search(r'value="up" id="events-up">', edit)
    assert re.search(r'id="delay"[^>]*value="2"', edit)
    assert '<option selected value="hours">' in edit
    r = logged_in.post(f"/channels/{code}/edit", {
        "name": "ops", "value": "ops@example.com", "routing_shown": "1",
        "events": ["up", "reminder"], "delay": "0", "delay_unit": "minutes"})
    assert r.status_code == 302
    assert routing(app) == [("ops", "up reminder", 0)]


def test_a_form_that_never_showed_the_routing_leaves_it_alone(logged_in, app):
    # A page drawn before this release posts no boxes: that is not "no events".
    add(logged_in, events=["down"], delay="90", delay_unit="seconds")
    with app.app_context():
        code = db.session.scalar(sa.select(Channel.code))
        db.session.remove()
    r = logged_in.post(f"/channels/{code}/edit", {"name": "renamed", "value": "ops@example.com"})
    assert r.status_code == 302
    assert routing(app) == [("renamed", "down", 90)]


@pytest.mark.parametrize("data, message", [
    ({"delay": "2", "delay_unit": "days"}, "Delay must be from 0 to 86400 seconds (a day)."),
    ({"delay": "-1"}, "Delay must be from 0 to 86400 seconds (a day)."),
    ({"delay": "soon"}, "Not a valid integer value."),
])
def test_a_bad_delay_is_refused_next_to_its_field(logged_in, app, data, message):
    r = add(logged_in, **{"events": ["down"], **data})
    assert r.status_code == 422
    assert field_error(r.get_data(as_text=True), "delay") == message
    assert routing(app) == []


def test_an_unknown_event_is_refused_with_the_events_we_have(logged_in, app):
    r = add(logged_in, events=["down", "grace"])
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert re.search(r'<p class="error" id="events-error">Unknown event [^:]*grace[^:]*: '
                     r'events are down, up, reminder, late\.</p>', html)
    assert routing(app) == []
