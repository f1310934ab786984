"""Public status pages: /status/<slug> and /status/<slug>.json, without login.

Pages are made through the settings form, pings go through the ping URLs and
downs through the sweep, as in production; the clock pings are stored at
and the page is drawn at is moved by `clock`.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from status_forms import make_status_page

from support import project_of
from webapp.alerts.sweep import sweep_once
from webapp.core.models import Check, Project
from webapp.core.status_report import overall_state
from webapp.db import db

NOW = datetime(2031, 3, 10, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def at(self, *args) -> Clock:
        self.now = datetime(*args, tzinfo=UTC)
        return self


@pytest.fixture
def clock(monkeypatch):
    import webapp.core.pings as pings
    import webapp.public.status_pages as status_pages

    c = Clock(NOW)
    monkeypatch.setattr(pings, "utcnow", lambda: c.now)
    monkeypatch.setattr(status_pages, "utcnow", lambda: c.now)
    return c


@pytest.fixture(autouse=True)
def fresh_cache(app, monkeypatch):
    """No page's facts kept from another test (the app lives for the session);
    no caching unless a test turns it on."""
    app.extensions["hb_status_cache"].clear()
    monkeypatch.setitem(app.config, "STATUS_CACHE_SECONDS", 0)
    yield
    app.extensions["hb_status_cache"].clear()


def sweep(app, now: datetime) -> int:
    with app.app_context():
        flipped = sweep_once(now)
        db.session.remove()
    return flipped


def push(web, uuid: str, msg: str = "ok") -> None:
    assert web.get(f"/api/push/{uuid}?msg={msg}").status_code == 200


def text(html: str) -> str:
    return html_lib.unescape(" ".join(re.sub(r"<[^>]+>", " ", html).split()))


def section(html: str, element_id: str) -> str:
    start = html.rindex("<", 0, html.index(f'id="{element_id}"'))
    tag = re.match(r"<(\w+)", html[start:]).group(1)
    return html[start:html.index(f"</{tag}>", start)]


@pytest.fixture
def acme(app, logged_in, new_check, api, clock):
    """Four checks, three on the page "Acme status" at /status/acme:
    nightly-backup (chosen, shown as "Backups"), db-replica (through the tag
    prod), paused-job (chosen, under its own name, paused); hidden-job not.
    Backups was down 10:30-11:00 on Mar 8; db-replica is down since 10:30 today."""
    uuids = {
        "backup": new_check(name="nightly-backup", timeout=3600, grace=1800,
                            tags="secret-tag", desc="internal notes about the backup"),
        "replica": new_check(name="db-replica", timeout=3600, grace=1800, tags="prod"),
        "paused": new_check(name="paused-job", timeout=3600, grace=1800),
        "hidden": new_check(name="hidden-job", timeout=3600, grace=1800, tags="hidden-tag"),
    }
    assert api("post", f"/checks/{uuids['paused']}/pause").status_code == 200
    _, code = project_of(app)
    r = make_status_page(logged_in, code, title="Acme status", slug="acme", tags="prod",
                         description="Our public services.",
                         checks={uuids["backup"]: "Backups", uuids["paused"]: ""})
    assert r.status_code == 302, r.get_data(as_text=True)

    clock.at(2031, 3, 8, 9, 0)
    push(logged_in, uuids["backup"], "secret-message")
    assert sweep(app, datetime(2031, 3, 8, 10, 30, tzinfo=UTC)) == 1
    clock.at(2031, 3, 8, 11, 0)
    push(logged_in, uuids["backup"], "secret-message")
    clock.at(2031, 3, 10, 9, 0)
    push(logged_in, uuids["backup"])
    push(logged_in, uuids["replica"])
    clock.at(2031, 3, 10, 10, 0)
    push(logged_in, uuids["backup"])
    # Backups was pinged at 10:00, so only the replica is due.
    assert sweep(app, datetime(2031, 3, 10, 10, 30, tzinfo=UTC)) == 1
    clock.at(2031, 3, 10, 12, 0)
    return uuids


def test_the_page_shows_the_chosen_checks_their_states_bars_and_incidents(client, acme):
    r = client.get("/status/acme")
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    assert "<h1>Acme status</h1>" in html and "Our public services." in html
    # One of its two watched checks is down: partial (paused-job does not count).
    assert text(section(html, "overall")) == "Partial outage"
    checks = [c.split('">', 1)[1] for c in section(html, "status-checks").split(
        '<div class="status-check" id="')[1:]]
    rows = [text(c.split('<svg class="uptime-bars"')[0]) for c in checks]
    assert rows == ["Backups up 99.97% uptime", "db-replica down 99.93% uptime",
                    "paused-job paused 100% uptime"]

    # 90 bars each, oldest first, coloured and worded by the day's uptime.
    bars = [re.findall(r'<rect class="([\w-]+)"[^>]*><title>([^<]+)</title>', c) for c in checks]
    assert [len(b) for b in bars] == [90, 90, 90]
    backup, replica, _ = bars
    assert backup[0] == ("bar-full", "Dec 11: 100% up, no downtime")
    assert backup[-3] == ("bar-low", "Mar 8: 97.9% up, 1 downtime, 30 min down")
    assert {css for css, _ in backup[:-3] + backup[-2:]} == {"bar-full"}
    # Today is counted up to now: 90 minutes of 12 hours.
    assert replica[-1] == ("bar-bad", "Mar 10: 87.5% up, 1 downtime, 1 h 30 min down")

    incidents = re.findall(r'<li class="incident[^"]*">(.*?)</li>', section(html, "incidents"),
                           re.S)
    assert [text(i) for i in incidents] == [
        "Mar 10 db-replica : down since 10:30 (ongoing, 1 h 30 min so far) ongoing",
        "Mar 8 Backups : down 10:30–11:00 (30 min)"]
    # No inline script or style: the Content-Security-Policy would refuse them.
    assert "<script" not in html and "style=" not in html
    assert "style-src 'self'" in r.headers["Content-Security-Policy"]


def test_nothing_internal_is_shown_in_the_page_or_the_feed(app, client, acme):
    with app.app_context():
        project = db.session.scalar(sa.select(Project))
        secrets = [project.ping_key, project.badge_key, project.code, project.name]
        secrets += list(db.session.scalars(sa.select(Check.badge_key)))
        db.session.remove()
    for url in ("/status/acme", "/status/acme.json"):
        body = client.get(url).get_data(as_text=True)
        leaked = [s for s in [*acme.values(), *secrets, "nightly-backup", "hidden-job",
                              "secret-tag", "prod", "hidden-tag", "internal notes",
                              "secret-message", "/ping/", "/api/push", "alice@example.com"]
                  if s in body]
        assert leaked == [], url


def test_the_json_feed_has_the_same_facts(client, acme):
    """The keys README's *Status pages* lists, each with the page's facts."""
    r = client.get("/status/acme.json")
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    feed = r.get_json()
    assert set(feed) == {"title", "description", "timezone", "state", "state_words", "checks",
                         "incidents", "generated_at"}
    assert (feed["title"], feed["state"], feed["state_words"], feed["timezone"]) == (
        "Acme status", "partial_outage", "Partial outage", "UTC")
    assert feed["generated_at"] == "2031-03-10T12:00:00+00:00"
    assert [(c["name"], c["state"]) for c in feed["checks"]] == [
        ("Backups", "up"), ("db-replica", "down"), ("paused-job", "paused")]
    backup = feed["checks"][0]
    assert set(backup) == {"name", "state", "uptime_90d", "days"}
    # 30 minutes down out of 89.5 days, rounded down to six places.
    assert backup["uptime_90d"] == pytest.approx(1 - 1800 / (89.5 * 86400), abs=1e-6)
    assert backup["uptime_90d"] < 1
    assert len(backup["days"]) == 90 and backup["days"][0]["date"] == "2030-12-11"
    assert backup["days"][-3] == {"date": "2031-03-08", "uptime": pytest.approx(1 - 1800 / 86400,
                                                                                 abs=1e-6),
                                  "downtimes": 1, "down_seconds": 1800}
    assert backup["days"][-1] == {"date": "2031-03-10", "uptime": 1.0, "downtimes": 0,
                                  "down_seconds": 0}
    assert feed["incidents"] == [
        {"check": "db-replica", "start": "2031-03-10T10:30:00+00:00", "end": None,
         "seconds": 5400},
        {"check": "Backups", "start": "2031-03-08T10:30:00+00:00",
         "end": "2031-03-08T11:00:00+00:00", "seconds": 1800}]
    json.dumps(feed)  # plain JSON all through


def test_a_page_whose_one_watched_check_is_down_is_a_major_outage(app, client, logged_in,
                                                                new_check, clock):
    uuid = new_check(name="api", timeout=3600, grace=1800)
    _, code = project_of(app)
    assert make_status_page(logged_in, code, title="API", slug="api-status",
                            checks={uuid: "Public API"}).status_code == 302
    feed = client.get("/status/api-status.json").get_json()
    # Never pinged: "no data yet", which is no outage.
    assert (feed["state"], feed["checks"][0]["state"]) == ("operational", "new")
    assert "no data yet" in client.get("/status/api-status").get_data(as_text=True)
    clock.at(2031, 3, 10, 9, 0)
    push(logged_in, uuid)
    # Late (past its period, inside grace) is up.
    clock.at(2031, 3, 10, 10, 15)
    assert client.get("/status/api-status.json").get_json()["checks"][0]["state"] == "up"
    assert sweep(app, datetime(2031, 3, 10, 10, 30, tzinfo=UTC)) == 1
    clock.at(2031, 3, 10, 11, 0)
    html = client.get("/status/api-status").get_data(as_text=True)
    assert text(section(html, "overall")) == "Major outage"
    assert 'class="status-overall overall-major_outage"' in html


def test_the_overall_rule():
    assert overall_state([]) == "operational"
    assert overall_state(["paused", "new"]) == "operational"
    assert overall_state(["up", "paused"]) == "operational"
    assert overall_state(["down"]) == "major_outage"
    assert overall_state(["down", "paused", "new"]) == "major_outage"
    assert overall_state(["up", "down"]) == "partial_outage"
    assert overall_state(["up", "down", "down"]) == "major_outage"
    assert overall_state(["up", "up", "down", "down"]) == "partial_outage"


def test_days_and_times_are_in_the_pages_zone(app, client, logged_in, new_check, clock):
    uuid = new_check(name="web", timeout=3600, grace=1800)
    _, code = project_of(app)
    assert make_status_page(logged_in, code, title="Web", slug="web", tz="Europe/Berlin",
                            checks={uuid: ""}).status_code == 302
    # Down 22:30-23:30 UTC on Mar 9: 23:30 to 00:30 in Berlin, across its midnight.
    clock.at(2031, 3, 9, 21, 0)
    push(logged_in, uuid)
    assert sweep(app, datetime(2031, 3, 9, 22, 30, tzinfo=UTC)) == 1
    clock.at(2031, 3, 9, 23, 30)
    push(logged_in, uuid)
    clock.now = NOW
    html = client.get("/status/web").get_data(as_text=True)
    assert text(section(html, "incidents")).startswith(
        "Incidents Mar 9 web : down 23:30–Mar 10, 00:30 (1 h)")
    titles = re.findall(r"<title>([^<]+)</title>", html)
    assert "Mar 9: 97.9% up, 1 downtime, 30 min down" in titles
    assert "Mar 10: 96.1% up, 1 downtime, 30 min down" in titles  # 30 min of 13 h so far
    assert "days and times in Europe/Berlin" in html
    days = client.get("/status/web.json").get_json()["checks"][0]["days"]
    assert [(d["date"], d["down_seconds"]) for d in days[-2:]] == [
        ("2031-03-09", 1800), ("2031-03-10", 1800)]


def test_answers_are_cached_for_a_few_seconds_then_read_afresh(app, client, logged_in, acme,
                                                              monkeypatch, clock):
    import webapp.public.status_pages as status_pages

    ticks = [1000.0]
    monkeypatch.setattr(status_pages, "monotonic", lambda: ticks[0])
    monkeypatch.setitem(app.config, "STATUS_CACHE_SECONDS", 10)
    r = client.get("/status/acme")
    assert r.headers["Cache-Control"] == "public, max-age=10"
    # A shared cache may keep it: it sets no cookie, even for a logged-in reader.
    assert "Set-Cookie" not in r.headers
    assert client.get("/status/acme.json").headers["Cache-Control"] == "public, max-age=10"
    assert text(section(r.get_data(as_text=True), "overall")) == "Partial outage"

    push(logged_in, acme["replica"])  # back up
    ticks[0] += 9
    assert text(section(client.get("/status/acme").get_data(as_text=True),
                        "overall")) == "Partial outage"
    assert client.get("/status/acme.json").get_json()["state"] == "partial_outage"
    ticks[0] += 2
    assert text(section(client.get("/status/acme").get_data(as_text=True),
                        "overall")) == "All systems operational"
    assert client.get("/status/acme.json").get_json()["state"] == "operational"


def test_unknown_and_impossible_slugs_are_a_plain_404(client, acme):
    for slug in ("nope", "admin", "Acme", "a" * 61, "acme%00", "ac.me"):
        r = client.get(f"/status/{slug}")
        assert r.status_code == 404, slug
        body = r.get_data(as_text=True)
        assert "No status page here" in body and "Log in" not in body
        assert r.headers["Cache-Control"] == "no-store"
        r = client.get(f"/status/{slug}.json")
        assert (r.status_code, r.get_json()) == (404, {"error": "not found"}), slug


def test_head_answers_like_get_without_a_body(client, acme):
    r = client.head("/status/acme")
    assert r.status_code == 200 and r.get_data() == b""
    assert r.headers["Cache-Control"] == "public, max-age=0"
    assert client.head("/status/acme.json").status_code == 200
    assert client.head("/status/nope").status_code == 404


def test_the_flips_are_read_in_a_bounded_number_of_queries(app, client, logged_in, new_check,
                                                         clock):
    """However many checks a page lists, and however many flips they have."""
    _, code = project_of(app)

    def queries(slug: str) -> int:
        seen = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get(f"/status/{slug}.json").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    one = new_check(name="one", timeout=3600, grace=1800)
    clock.now = NOW - timedelta(days=1)
    push(logged_in, one)  # flipped once, as the others: the same queries are needed
    assert make_status_page(logged_in, code, title="One", slug="one",
                            checks={one: ""}).status_code == 302
    many = [new_check(name=f"many-{n}", timeout=3600, grace=1800, tags="many")
            for n in range(6)]
    assert make_status_page(logged_in, code, title="Many", slug="many",
                            tags="many").status_code == 302
    for day in range(5):
        clock.now = NOW - timedelta(days=10 - day, hours=3)
        for uuid in many:
            push(logged_in, uuid)
        sweep(app, clock.now + timedelta(hours=2))
    clock.now = NOW
    assert queries("many") == queries("one")
    assert len(client.get("/status/many.json").get_json()["incidents"]) == 6 * 5


def test_the_page_lists_the_newest_incidents_and_the_feed_all(app, client, logged_in,
                                                            new_check, clock, monkeypatch):
    import webapp.public.status_pages as status_pages

    monkeypatch.setattr(status_pages, "INCIDENTS_SHOWN", 3)
    uuid = new_check(name="flaky", timeout=3600, grace=1800)
    _, code = project_of(app)
    assert make_status_page(logged_in, code, title="Flaky", slug="flaky",
                            checks={uuid: ""}).status_code == 302
    for day in range(5, 0, -1):
        clock.now = NOW - timedelta(days=day)
        push(logged_in, uuid)
        assert sweep(app, clock.now + timedelta(hours=2)) == 1
    clock.now = NOW
    html = client.get("/status/flaky").get_data(as_text=True)
    shown = re.findall(r'<li class="incident[^"]*">\s*<time datetime="[^"]+">([^<]+)<', html)
    assert shown == ["Mar 9", "Mar 8", "Mar 7"]  # the newest; Mar 9's still going on
    assert text(section(html, "more-incidents")) == (
        "And 2 earlier; the JSON feed lists them all.")
    assert len(client.get("/status/flaky.json").get_json()["incidents"]) == 5
