"""A check's history in a real browser: uptime and downtime summary, why it is
down, the charts placed by time, and an event log a phone can read without
scrolling sideways; in light and dark, on a desktop and on a phone.

The history is made through the ping URLs and the sweep, hours in the past:
the ping path's clock is moved back, while the page (and the browser's own
relative times) run on the real one.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from browser_pages import watched_page
from playwright.sync_api import Browser, Page, expect

from webapp.alerts.sweep import sweep_once
from webapp.core.models import Check
from webapp.core.times import utcnow
from webapp.db import db

EMAIL, PASSWORD = "alice@example.com", "correct horse"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def history(app, client, new_check, monkeypatch, no_worker):
    """A backup check with values, runs and a downtime, down again now: its uuid.
    Its deadlines are in the past: no worker may sweep them before this does."""
    import webapp.core.pings as pings

    ago = {"delta": timedelta(0)}
    monkeypatch.setattr(pings, "utcnow", lambda: utcnow() - ago["delta"])

    def at(hours_ago: float, path: str, **kwargs):
        ago["delta"] = timedelta(hours=hours_ago)
        r = client.post(path, **kwargs) if "data" in kwargs else client.get(path)
        assert r.status_code == 200, r.get_data(as_text=True)

    def sweep(hours_ago: float):
        with app.app_context():
            assert sweep_once(utcnow() - timedelta(hours=hours_ago)) == 1
            db.session.remove()

    uuid = new_check(name="nightly-backup", timeout=3600, grace=1800, value_min=10,
                     value_max=80, tags="prod db")
    # Made a day ago: uptime counts from a check's creation, and the pings below
    # come that far back (a check's creation is no ping or flip: set, not replayed).
    with app.app_context():
        db.session.execute(sa.update(Check).where(Check.uuid == uuid)
                           .values(created=utcnow() - timedelta(days=1)))
        db.session.commit()
        db.session.remove()
    # Runs with a start signal, each reporting how many GB it wrote: runs half
    # an hour apart, then hours apart; the chart shows which is which.
    for start, minutes, gb in ((20, 4, 40), (19, 5, 42), (18, 6, 45), (17.5, 6, 44),
                               (14, 9, 60), (13, 12, 75), (12.5, 13, 91)):
        at(start, f"/ping/{uuid}/start")
        at(start - minutes / 60, f"/api/push/{uuid}?value={gb}&msg=backup+ok")
    # 91 GB is over the bound: that ping put it down; the next run brings it up.
    at(11, f"/ping/{uuid}/start")
    at(10.9, f"/api/push/{uuid}?value=50&msg=backup+ok")
    at(10.8, f"/ping/{uuid}/log", data=b"pruned 3 old snapshots with a long line of output")
    # Then nothing: the sweep puts it down 90 minutes after the last report.
    sweep(10.9 - 1.5)
    ago["delta"] = timedelta(0)
    return uuid


def log_in(page: Page, to: str) -> None:
    page.goto(f"/login?next={to}")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def open_check(browser: Browser, live_server: str, uuid: str, viewport: dict, scheme: str):
    context, page, errors = watched_page(browser, live_server, viewport, scheme)
    log_in(page, f"/checks/{uuid}")
    expect(page.get_by_role("heading", name="nightly-backup")).to_be_visible()
    return context, page, errors


def luminance(page: Page, selector: str, prop: str) -> float:
    """The relative luminance (WCAG) of a computed colour of the first match."""
    return page.evaluate("""([selector, prop]) => {
        const el = document.querySelector(selector);
        const value = getComputedStyle(el)[prop];
        const [r, g, b] = value.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => {
            v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    }""", [selector, prop])


def contrast(a: float, b: float) -> float:
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_check_page_tells_its_history(app, browser, live_server, user, history, artifacts,
                                          scheme):
    context, page, errors = open_check(browser, live_server, history, DESKTOP, scheme)
    expect(page.locator("#check-badge .status-word")).to_have_text("down")
    down = page.locator("#down-since")
    expect(down).to_contain_text("because no ping within the schedule and grace time")
    expect(down).to_contain_text(re.compile(r"\(for 9\sh 2[45]\smin\)"))  # 9.4 h ago
    # The sweep put it down: no message of the success before it.
    expect(page.locator("#check-status")).not_to_contain_text("backup ok")
    expect(page.locator("#check-status")).not_to_contain_text("Next ping due")

    figures = page.locator(".uptime-figures li")
    expect(figures).to_have_count(3)
    expect(figures.nth(0)).to_contain_text("last 24 hours")
    # Down by the 91 GB ping for 83 min, and by the sweep for 9.4 h: 10.78 of 24 h.
    day = float(page.locator(".uptime-value").first.inner_text().rstrip("%"))
    assert day == pytest.approx(55.06, abs=0.05)
    rows = page.locator("table.downtime-summary tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("downtime")  # this month's: the one going on

    values = page.locator("#chart")
    expect(values.locator("circle.dot")).to_have_count(8)
    expect(values.locator("circle.dot-fail")).to_have_count(1)
    expect(values.locator("line.rule")).to_have_count(2)
    expect(values.locator("figcaption")).to_be_hidden()  # the axes say it on a desktop
    runs = page.locator("#runs-chart")
    expect(runs.locator("circle.dot")).to_have_count(8)
    # Placed by time: the 0.5 h between two runs is drawn narrower than the 3.5 h after it.
    xs = [float(x) for x in runs.locator("circle.dot").evaluate_all(
        "els => els.map(e => e.getAttribute('cx'))")]
    assert (xs[3] - xs[2]) * 3 < xs[4] - xs[3]

    # Readable whichever the scheme: lines and labels stand out from the card.
    card = luminance(page, "#run-times", "backgroundColor")
    assert contrast(luminance(page, "#chart .line", "stroke"), card) >= 3
    assert contrast(luminance(page, "#chart .axis-label", "fill"), card) >= 4.5
    assert contrast(luminance(page, "#chart .rule", "stroke"), card) >= 3
    assert contrast(luminance(page, ".uptime-value", "color"), card) >= 4.5
    page.screenshot(path=artifacts / f"check-history-{scheme}.png", full_page=True)
    assert errors == []
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_on_a_phone_the_event_log_is_stacked_and_never_scrolls_sideways(
        app, browser, live_server, user, history, artifacts, scheme):
    context, page, errors = open_check(browser, live_server, history, PHONE, scheme)
    log = page.locator("#event-log .table-scroll")
    log.scroll_into_view_if_needed()
    sizes = log.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert sizes[0] <= sizes[1], f"the event log scrolls sideways: {sizes}"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Each cell says what it is, as the hidden header row would.
    first_ping = page.locator("#event-log tr.event-ping").first
    label = first_ping.locator("td[data-label=Source]").evaluate(
        "el => getComputedStyle(el, '::before').content")
    assert label == '"Source: "'
    expect(page.locator("#event-log thead")).to_be_hidden()
    expect(page.locator("#event-log")).to_contain_text("pruned 3 old snapshots")
    # The charts' labels would be a few pixels high at this size: said below them instead.
    expect(page.locator("#chart .axis-label").first).to_be_hidden()
    caption = page.locator("#chart figcaption")
    expect(caption).to_be_visible()
    expect(caption).to_contain_text("lowest 40, highest 91 · max 80 · min 10")
    page.locator("#check-history").screenshot(path=artifacts / f"check-uptime-phone-{scheme}.png")
    # The log's first screenful (an element shot of all of it would show the
    # sticky top bar over its middle).
    page.locator("#events-h").scroll_into_view_if_needed()
    page.screenshot(path=artifacts / f"check-events-phone-{scheme}.png")
    page.screenshot(path=artifacts / f"check-history-phone-{scheme}.png", full_page=True)
    assert errors == []
    context.close()
