"""A check's history on its page: uptime, the downtime summary, why a down check
is down, run times, and the values chart placed by time.

Pings go through the test client's ping URLs and downs through the sweep, as
in production; the clock they and the page read is moved by `clock`.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from webapp.alerts.sweep import sweep_once
from webapp.core.models import Check
from webapp.db import db


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def at(self, *args) -> Clock:
        self.now = datetime(*args, tzinfo=UTC)
        return self

    def advance(self, **kwargs) -> Clock:
        self.now += timedelta(**kwargs)
        return self


@pytest.fixture
def clock(monkeypatch):
    """The time pings are stored at and the check's page is drawn at."""
    import webapp.core.pings as pings
    import webapp.dashboard.pages.check as page

    c = Clock(datetime(2031, 3, 10, 12, tzinfo=UTC))
    monkeypatch.setattr(pings, "utcnow", lambda: c.now)
    monkeypatch.setattr(page, "utcnow", lambda: c.now)
    return c


def sweep(app, clock: Clock) -> int:
    with app.app_context():
        flipped = sweep_once(clock.now)
        db.session.remove()
    return flipped


def set_timezone(web, tz: str) -> None:
    r = web.post("/settings/timezone", {"timezone": tz}, token_from="/settings/")
    assert r.status_code == 302, r.get_data(as_text=True)


def page(web, uuid: str) -> str:
    r = web.get(f"/checks/{uuid}")
    assert r.status_code == 200
    return r.get_data(as_text=True)


def section(html: str, element_id: str) -> str:
    """The element with this id (a section, figure or dd: none nests in its own
    kind here), up to its end tag."""
    start = html.rindex("<", 0, html.index(f'id="{element_id}"'))
    tag = re.match(r"<(\w+)", html[start:]).group(1)
    return html[start:html.index(f"</{tag}>", start)]


def text(html: str) -> str:
    """The words, without tags, spaces made single."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def uptimes(html: str) -> dict[str, str]:
    card = section(html, "check-history")
    return {label: value for value, label in re.findall(
        r'class="uptime-value[^"]*">([^<]+)</span> <span class="uptime-label">last ([^<]+)<',
        card)}


def months(html: str) -> list[str]:
    card = section(html, "check-history")
    body = card[card.index("<tbody>"):card.index("</tbody>")]
    return [text(row) for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_uptime_and_the_downtime_summary_in_the_viewers_timezone(logged_in, app, clock,
                                                                   new_check):
    uuid = new_check(timeout=3600, grace=1800)
    set_timezone(logged_in, "Europe/Berlin")
    # Down from 23:00 UTC on Feb 28 to 01:00 on Mar 1: midnight to 2:00 in Berlin.
    clock.at(2031, 2, 28, 21, 30)
    logged_in.get(f"/api/push/{uuid}?msg=ok")
    assert sweep(app, clock.at(2031, 2, 28, 23, 0)) == 1
    clock.at(2031, 3, 1, 1, 0)
    logged_in.get(f"/api/push/{uuid}?msg=ok")
    # And half an hour on March 10th, over by noon.
    clock.at(2031, 3, 10, 9, 0)
    logged_in.get(f"/api/push/{uuid}?msg=ok")
    assert sweep(app, clock.at(2031, 3, 10, 10, 30)) == 1
    clock.at(2031, 3, 10, 11, 0)
    logged_in.get(f"/api/push/{uuid}?msg=ok")

    clock.at(2031, 3, 10, 12, 0)
    html = page(logged_in, uuid)
    # 30 min of 24 h; of 7 days; 2 h 30 min of 30 days; rounded down.
    assert uptimes(html) == {"24 hours": "97.91%", "7 days": "99.70%", "30 days": "99.65%"}
    # March in Berlin began at 23:00 UTC on Feb 28, so both downtimes are March's:
    # 2 h 30 min of the 229 h of March up to now.
    assert months(html) == ["March 2031 2 downtimes, 2 h 30 min in all 98.90%",
                            "February 2031 none 100%", "January 2031 none 100%"]
    assert "In Europe/Berlin." in html

    # In UTC the first downtime straddles the end of February.
    set_timezone(logged_in, "UTC")
    assert months(page(logged_in, uuid))[:2] == [
        "March 2031 2 downtimes, 1 h 30 min in all 99.34%",
        "February 2031 1 downtime, 1 h in all 99.85%"]


def test_a_young_checks_uptime_counts_from_its_creation(logged_in, app, clock, new_check):
    uuid = new_check(timeout=3600, grace=1800)
    with app.app_context():
        created = db.session.scalar(sa.select(Check.created).where(Check.uuid == uuid))
    clock.now = created
    logged_in.get(f"/api/push/{uuid}")
    assert sweep(app, clock.advance(minutes=90)) == 1
    clock.advance(minutes=30)
    # Down for the last 30 of its 2 hours: 75%, whatever the window.
    html = page(logged_in, uuid)
    assert uptimes(html) == {"24 hours": "75%", "7 days": "75%", "30 days": "75%"}
    assert months(html)[-1].endswith("before the check was created")


def test_a_check_the_sweep_put_down_says_since_when_for_how_long_and_why(logged_in, app, clock,
                                                                        new_check):
    uuid = new_check(timeout=3600, grace=1800)
    set_timezone(logged_in, "Europe/Berlin")
    clock.at(2031, 3, 10, 10, 2)
    logged_in.get(f"/api/push/{uuid}?msg=all+good")
    assert sweep(app, clock.at(2031, 3, 10, 11, 32)) == 1
    clock.at(2031, 3, 10, 13, 37)

    html = page(logged_in, uuid)
    card = section(html, "check-status")
    # 11:32 UTC is 12:32 in Berlin; 2 h 5 min since.
    assert text(section(card, "down-since")) == (
        "since 12:32 (for 2 h 5 min) because no ping within the schedule and grace time "
        "(every hour; grace 30 minutes)")
    assert 'datetime="2031-03-10T11:32:00+00:00"' in card
    # No ping made it go down: no message, not the last success's "all good".
    assert "all good" not in card and "Last message" not in card
    assert "Next ping due" not in card
    assert "97.91%" not in html and uptimes(html)["24 hours"] == "91.31%"  # 2 h 5 min of 24 h


def test_a_check_a_failure_put_down_shows_that_pings_message(logged_in, app, clock, new_check):
    uuid = new_check(timeout=3600, grace=1800)
    clock.at(2031, 3, 10, 9, 0)
    logged_in.get(f"/api/push/{uuid}?msg=ok")
    clock.at(2031, 3, 10, 9, 30)
    logged_in.client.post(f"/ping/{uuid}/fail", data=b"pg_dump: disk full")
    clock.at(2031, 3, 10, 9, 45)
    card = section(page(logged_in, uuid), "check-status")
    assert text(section(card, "down-since")) == "since 09:30 (for 15 min) because failure reported"
    # The message is the body of the failing ping (Healthchecks style), not "ok".
    assert re.search(r'<dd class="break" id="last-message">pg_dump: disk full</dd>', card)
    # A later failure while down changes no cause: the down began with the first.
    clock.advance(minutes=5)
    logged_in.get(f"/api/push/{uuid}?status=down&msg=still+full")
    card = section(page(logged_in, uuid), "check-status")
    assert "since 09:30 (for 20 min)" in text(card) and "pg_dump: disk full" in card
    # Back up: the usual rows, and the last message is the success's again.
    clock.advance(minutes=5)
    logged_in.get(f"/api/push/{uuid}?msg=recovered")
    card = section(page(logged_in, uuid), "check-status")
    assert 'id="down-since"' not in card and "Next ping due" in card
    assert ">recovered</dd>" in card


def test_the_status_refresh_brings_the_uptime_card_along(logged_in, app, clock, new_check):
    uuid = new_check(timeout=3600, grace=1800)
    clock.at(2031, 3, 10, 9, 0)
    logged_in.get(f"/api/push/{uuid}")
    html = page(logged_in, uuid)
    assert uptimes(html)["24 hours"] == "100%"
    live = re.search(r'id="check-status"[^>]*hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert logged_in.htmx(live).status_code == 204
    assert sweep(app, clock.at(2031, 3, 10, 10, 30)) == 1
    clock.at(2031, 3, 10, 16, 30)
    body = logged_in.htmx(live).get_data(as_text=True)
    assert '<section class="card" id="check-history" aria-labelledby="history-h" ' \
           'hx-swap-oob="true">' in body
    assert uptimes(body)["24 hours"] == "75%"  # 6 h down of 24
    assert "since 10:30 (for 6 h)" in text(body)


def dots(figure: str) -> list[tuple[float, float, str]]:
    return [(float(x), float(y), cls) for cls, x, y in re.findall(
        r'<circle class="(dot[^"]*)" cx="([\d.]+)" cy="([\d.]+)"', figure)]


def test_the_values_chart_places_pings_by_time_with_the_bounds_drawn(logged_in, api, clock,
                                                                     new_check):
    uuid = new_check(name="lag", timeout=3600, grace=1800)
    assert api("post", f"/checks/{uuid}", json={"value_min": 2, "value_max": 8}).status_code == 200
    for seconds, value in ((0, 5), (1, 6), (121, 9), (241, 1)):
        clock.at(2031, 3, 10, 9, 0).advance(seconds=seconds)
        logged_in.get(f"/api/push/{uuid}?value={value}")
    clock.advance(minutes=1)
    html = page(logged_in, uuid)
    figure = section(html, "chart")
    xs = [x for x, _, _ in dots(figure)]
    # A second apart, then two minutes apart, twice: drawn 1 : 120 : 120.
    assert (xs[2] - xs[1]) == pytest.approx(120 * (xs[1] - xs[0]), rel=0.02)
    assert (xs[3] - xs[2]) == pytest.approx(xs[2] - xs[1], abs=0.2)
    # The values out of bounds made failures, and are drawn as such.
    assert [cls for _, _, cls in dots(figure)] == ["dot", "dot", "dot dot-fail", "dot dot-fail"]
    rules = dict(re.findall(r'<line class="rule rule-(max|min)"[^>]*y1="([\d.]+)"', figure))
    ys = {v: y for v, (_, y, _) in zip((5, 6, 9, 1), dots(figure), strict=True)}
    assert ys[9] < float(rules["max"]) < ys[6] < ys[5] < float(rules["min"]) < ys[1]
    assert ">max 8</text>" in figure and ">min 2</text>" in figure
    assert "style=" not in figure  # the Content-Security-Policy forbids inline styles


def test_a_check_with_start_signals_shows_its_run_times(logged_in, clock, new_check):
    uuid = new_check(name="backup", timeout=3600, grace=1800)
    plain = new_check(name="plain", timeout=3600, grace=1800)
    logged_in.get(f"/ping/{plain}")
    assert 'id="run-times"' not in page(logged_in, plain)

    clock.at(2031, 3, 10, 9, 0)
    logged_in.get(f"/ping/{uuid}/start")
    clock.advance(seconds=30)
    logged_in.get(f"/ping/{uuid}")
    clock.at(2031, 3, 10, 10, 0)
    logged_in.get(f"/ping/{uuid}/start")
    clock.advance(seconds=90)
    logged_in.get(f"/ping/{uuid}/fail")
    html = page(logged_in, uuid)
    assert "<dt>Last run</dt><dd>took 1 min 30 s</dd>" in html
    figure = section(html, "runs-chart")
    assert "Run times of the last 2 runs that signalled their start" in figure
    (x1, y1, c1), (x2, y2, c2) = dots(figure)
    assert (c1, c2) == ("dot", "dot dot-fail")
    assert y2 < y1  # the longer run is drawn higher up
    # The axis starts at zero: 30 s sits at a third of the way up to 90 s.
    ticks = re.findall(r'class="axis-label" x="[\d.]+" y="([\d.]+)" text-anchor="end">([^<]+)<',
                       figure)
    zero = next(float(y) - 4 for y, label in ticks if label == "0.0 s")
    assert (zero - y1) == pytest.approx((zero - y2) / 3, rel=0.02)
    assert "<title>2031-03-10 10:01:30 UTC: 1 min 30 s (failed)</title>" in figure


def test_a_check_down_for_months_is_down_all_the_window_it_reads(logged_in, app, clock,
                                                                 new_check):
    uuid = new_check(timeout=3600, grace=1800)
    clock.at(2030, 10, 1, 0, 0)
    logged_in.get(f"/api/push/{uuid}")
    assert sweep(app, clock.at(2030, 10, 1, 1, 30)) == 1
    clock.at(2031, 3, 10, 12, 0)
    html = page(logged_in, uuid)
    # The flip that put it down is older than anything the page reads flips
    # from: the state at the window's start comes from it.
    assert uptimes(html) == {"24 hours": "0%", "7 days": "0%", "30 days": "0%"}
    assert months(html)[1] == "February 2031 1 downtime, 28 days in all 0%"
    assert text(section(html, "down-since")).startswith(
        "since 2030-10-01 01:30 (for 160 days 10 h) because no ping")


def test_the_flip_history_knows_the_state_at_its_start(app, logged_in, clock, new_check):
    from webapp.core.history import flip_history

    uuid = new_check(timeout=3600, grace=1800)
    with app.app_context():
        check_id = db.session.scalar(sa.select(Check.id).where(Check.uuid == uuid))

    def read(start, end):
        with app.app_context():
            history = flip_history(db.session.connection(), check_id, start, end, "paused")
            db.session.remove()
        return history.status_at_start, [(f.old_status, f.new_status) for f in history.flips]

    t = datetime(2031, 3, 10, 9, tzinfo=UTC)
    # No flip at all: the state it is in now (an imported check may start up or paused).
    assert read(t, t + timedelta(hours=9)) == ("paused", [])
    clock.now = t + timedelta(hours=1)
    logged_in.get(f"/api/push/{uuid}")
    assert sweep(app, clock.advance(minutes=90)) == 1
    # Before its first flip: that flip's old state, whether the window holds it or not.
    assert read(t, t + timedelta(hours=9)) == ("new", [("new", "up"), ("up", "down")])
    assert read(t, t + timedelta(minutes=30)) == ("new", [])
    # After them: the state the last one before the window's start left.
    assert read(t + timedelta(hours=2), t + timedelta(hours=3)) == ("up", [("up", "down")])
    assert read(t + timedelta(hours=3), t + timedelta(hours=4)) == ("down", [])


def test_a_down_checks_card_is_drawn_again_each_minute_to_keep_for_how_long_true(
        logged_in, app, clock, new_check):
    uuid = new_check(timeout=3600, grace=1800)
    clock.at(2031, 3, 10, 9, 0)
    logged_in.get(f"/api/push/{uuid}")
    assert sweep(app, clock.at(2031, 3, 10, 10, 30)) == 1
    clock.advance(seconds=5)
    html = page(logged_in, uuid)
    live = re.search(r'id="check-status"[^>]*hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert logged_in.htmx(live).status_code == 204  # within the minute: nothing changed
    clock.advance(minutes=1)
    body = logged_in.htmx(live).get_data(as_text=True)
    assert "since 10:30 (for 1 min)" in text(body)
