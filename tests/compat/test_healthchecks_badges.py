"""Healthchecks' badge tests, ported black-box: what a badge reader sees.

Each test names the upstream test it follows (healthchecks/healthchecks):
hc/api/tests/test_badge.py (a project's tag badges), test_check_badge.py (one
check's /b/2|3/ badges), test_get_badges.py (GET /api/v*/badges/) and
hc/front/tests/test_badges.py (tags with special characters). Upstream sets a
check's fields in the database; here checks are made through the API, pinged
through the ping URLs and aged with `backdate`. Healthchecks' checks default
to a day's period and an hour's grace, so those are the checks made here.

Deviation, on purpose: a check badge without a name is labelled "check", not
with the check's code (Healthchecks' name_then_code), because our code is the
uuid, which pings.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import urlsplit

import pytest

from support import backdate, own_project
from webapp.db import db

DAY, HOUR = 86400, 3600
LATE = DAY + 10 * 60  # upstream's last_ping = now() - td(days=1, minutes=10)


def django_base64_hmac(salt: str, value: str, secret: str) -> str:
    """django.core.signing.base64_hmac, which upstream's setUp signs badge URLs
    with: HMAC-SHA1 of the value under SHA-1(salt + secret), URL-safe base64
    without padding."""
    key = hashlib.sha1((salt + secret).encode()).digest()
    mac = hmac.new(key, value.encode(), hashlib.sha1).digest()
    return base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


@pytest.fixture
def badge_key(app, user) -> str:
    with app.app_context():
        key = own_project(user[0]).badge_key
        db.session.remove()
    return key


@pytest.fixture
def foo_urls(app, badge_key):
    """test_badge.py setUp: the svg and json URLs of tag "foo", signed by the
    bare 8 characters (three states)."""
    sig = django_base64_hmac(badge_key, "foo", app.config["SECRET_KEY"])[:8]
    return {"svg": f"/badge/{badge_key}/{sig}/foo.svg",
            "json": f"/badge/{badge_key}/{sig}/foo.json"}


def day_check(new_check, **fields) -> str:
    return new_check(timeout=DAY, grace=HOUR, **fields)


# --- hc/api/tests/test_badge.py ---------------------------------------------------------

def test_it_rejects_bad_signature(client, new_check, badge_key):
    day_check(new_check, tags="foo bar")
    assert client.get(f"/badge/{badge_key}/12345678/foo.svg").status_code == 404


def test_it_returns_svg(client, new_check, foo_urls):
    day_check(new_check, tags="foo bar")
    r = client.get(foo_urls["svg"])
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "#4c1" in r.get_data(as_text=True)


def test_it_handles_options(client, new_check, foo_urls):
    day_check(new_check, tags="foo bar")
    r = client.options(foo_urls["svg"])
    assert r.status_code == 204 and r.headers["Access-Control-Allow-Origin"] == "*"


def test_it_handles_started_but_down(client, new_check, foo_urls):
    uuid = day_check(new_check, tags="foo")
    assert client.get(f"/ping/{uuid}/fail").status_code == 200
    assert client.get(f"/ping/{uuid}/start").status_code == 200
    assert client.get(foo_urls["json"]).get_json()["status"] == "down"


def test_it_shows_grace_badge(app, client, new_check, foo_urls):
    uuid = day_check(new_check, tags="foo")
    client.get(f"/ping/{uuid}")
    backdate(app, uuid, LATE)
    assert client.get(foo_urls["json"]).get_json()["status"] == "late"


def test_it_shows_started_but_grace_badge(app, client, new_check, foo_urls):
    uuid = day_check(new_check, tags="foo")
    client.get(f"/ping/{uuid}")
    backdate(app, uuid, LATE)
    client.get(f"/ping/{uuid}/start")  # last_start = now()
    assert client.get(foo_urls["json"]).get_json()["status"] == "late"


# --- hc/api/tests/test_check_badge.py ----------------------------------------------------

@pytest.fixture
def foobar(api, new_check):
    """setUp: a check named foobar, and its badge URLs from its badge_url."""
    uuid = day_check(new_check, name="foobar")
    badge_url = api("get", f"/checks/{uuid}").get_json()["badge_url"]
    path = urlsplit(badge_url).path
    assert path.startswith("/b/2/") and path.endswith(".svg")
    key = path[len("/b/2/"):-len(".svg")]
    assert key != uuid  # never the uuid: that would let anyone ping
    return uuid, {"svg": f"/b/2/{key}.svg", "json": f"/b/2/{key}.json",
                  "with_late": f"/b/3/{key}.json", "shields": f"/b/2/{key}.shields"}


def test_it_handles_bad_badge_key(client, foobar):
    assert client.get("/b/2/869fe06a-a604-4140-b15a-118637c25f3e.svg").status_code == 404


def test_check_badge_returns_svg(client, foobar):
    r = client.get(foobar[1]["svg"])
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "no-cache" in r.headers["Cache-Control"]
    assert "#4c1" in r.get_data(as_text=True)


def test_it_rejects_bad_format(client, foobar):
    assert client.get(foobar[1]["json"] + "foo").status_code == 404


def test_check_badge_handles_options(client, foobar):
    r = client.options(foobar[1]["svg"])
    assert r.status_code == 204 and r.headers["Access-Control-Allow-Origin"] == "*"


def test_it_handles_new(client, foobar):
    assert client.get(foobar[1]["json"]).get_json() == {
        "status": "up", "total": 1, "grace": 0, "down": 0}


def test_it_ignores_started_when_down(client, foobar):
    uuid, urls = foobar
    client.get(f"/ping/{uuid}/fail")
    client.get(f"/ping/{uuid}/start")
    assert client.get(urls["json"]).get_json() == {
        "status": "down", "total": 1, "grace": 0, "down": 1}


def test_it_treats_late_as_up(app, client, foobar):
    uuid, urls = foobar
    client.get(f"/ping/{uuid}")
    backdate(app, uuid, LATE)
    assert client.get(urls["json"]).get_json() == {
        "status": "up", "total": 1, "grace": 1, "down": 0}


def test_late_mode_returns_late_status(app, client, foobar):
    uuid, urls = foobar
    client.get(f"/ping/{uuid}")
    backdate(app, uuid, LATE)
    assert client.get(urls["with_late"]).get_json() == {
        "status": "late", "total": 1, "grace": 1, "down": 0}


def test_late_mode_ignores_started_when_late(app, client, foobar):
    uuid, urls = foobar
    client.get(f"/ping/{uuid}")
    backdate(app, uuid, LATE)
    client.get(f"/ping/{uuid}/start")
    assert client.get(urls["with_late"]).get_json() == {
        "status": "late", "total": 1, "grace": 1, "down": 0}


def test_it_returns_shields_json(client, foobar):
    assert client.get(foobar[1]["shields"]).get_json() == {
        "schemaVersion": 1, "label": "foobar", "message": "up", "color": "success"}


# --- hc/api/tests/test_get_badges.py ------------------------------------------------------

def test_get_badges_works(api, new_check):
    day_check(new_check, name="Alice 1", tags="foo bar")
    r = api("get", "/badges/")
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    badges = r.get_json()["badges"]
    assert "foo" in badges and "svg" in badges["foo"]
    # hc/api/views.py badges: "*" and every tag, six URLs each.
    assert set(badges) == {"*", "foo", "bar"}
    assert set(badges["foo"]) == {"svg", "svg3", "json", "json3", "shields", "shields3"}


def test_readonly_key_is_allowed(app, api, user):
    from webapp.core.models import ApiKey

    with app.app_context():
        row, key = ApiKey.issue(own_project(user[0]), "ro", read_only=True)
        db.session.add(row)
        db.session.commit()
    assert api("get", "/badges/", key=key).status_code == 200


def test_get_badges_rejects_post(api):
    assert api("post", "/badges/").status_code == 405


def test_get_badges_handles_missing_api_key(client):
    r = client.get("/api/v1/badges/")
    assert r.status_code == 401 and "missing api key" in r.get_data(as_text=True).lower()


def test_listed_urls_have_upstreams_shape_and_signature(app, api, badge_key, new_check):
    """hc/lib/badges.py get_badge_url: the signature is base64_hmac(...)[:8], "-2"
    added for two states; "*" has no tag segment."""
    day_check(new_check, tags="foo")
    badges = api("get", "/badges/").get_json()["badges"]
    secret = app.config["SECRET_KEY"]
    foo = django_base64_hmac(badge_key, "foo", secret)[:8]
    every = django_base64_hmac(badge_key, "*", secret)[:8]
    base = app.config["BASE_URL"]
    assert badges["foo"]["svg"] == f"{base}/badge/{badge_key}/{foo}-2/foo.svg"
    assert badges["foo"]["json3"] == f"{base}/badge/{badge_key}/{foo}/foo.json"
    assert badges["*"]["shields"] == f"{base}/badge/{badge_key}/{every}-2.shields"
    assert badges["*"]["svg3"] == f"{base}/badge/{badge_key}/{every}.svg"


# --- hc/front/tests/test_badges.py --------------------------------------------------------

def test_it_handles_special_characters_in_tags(app, client, api, badge_key, new_check):
    """Upstream's dashboard shows db@dc1's badge as .../db%2540dc1.svg (the tag
    encoded twice); that URL works here, and so does ours, encoded once."""
    day_check(new_check, tags="db@dc1")
    sig = django_base64_hmac(badge_key, "db@dc1", app.config["SECRET_KEY"])[:8]
    upstream = client.get(f"/badge/{badge_key}/{sig}-2/db%2540dc1.svg")
    assert upstream.status_code == 200 and "db@dc1" in upstream.get_data(as_text=True)
    ours = urlsplit(api("get", "/badges/").get_json()["badges"]["db@dc1"]["svg"]).path
    assert ours == f"/badge/{badge_key}/{sig}-2/db%40dc1.svg"
    assert client.get(ours).status_code == 200


def test_the_all_checks_badge_is_labelled_master_badge_label(app, client, api, monkeypatch,
                                                              new_check):
    """test_it_previews_master_svg, @override_settings(MASTER_BADGE_LABEL="Overall Status")."""
    monkeypatch.setitem(app.config, "MASTER_BADGE_LABEL", "Overall Status")
    day_check(new_check)
    svg = api("get", "/badges/").get_json()["badges"]["*"]["svg"]
    assert ">Overall Status<" in client.get(urlsplit(svg).path).get_data(as_text=True)


# --- a published client: healthchecks-io (PyPI), over real HTTP -----------------------------

def test_the_healthchecks_io_client_lists_badges_that_answer(app, live_server, user, new_check):
    import requests
    from healthchecks_io import Client

    day_check(new_check, tags="prod")
    client = Client(api_key=user[1], api_url=f"{live_server}/api/", api_version=3)
    listed = client.get_badges()
    assert set(listed) == {"*", "prod"}
    base = app.config["BASE_URL"]
    r = requests.get(live_server + listed["prod"].json3_url.removeprefix(base), timeout=10)
    assert r.status_code == 200 and r.json() == {"status": "up", "total": 1, "grace": 0,
                                                 "down": 0}
    r = requests.get(live_server + listed["*"].shields.removeprefix(base), timeout=10)
    assert r.json()["label"] == "Heartbeats" and r.json()["color"] == "success"
