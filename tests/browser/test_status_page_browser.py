"""A public status page in a real browser: made in the project settings,
then opened by someone logged out; drawn under the Content-Security-Policy
(no inline style or script: the bars are SVG rects coloured by class), in
light and dark, on a desktop and on a phone, without sideways scrolling.

The history comes through the ping URLs and the sweep, hours in the past
(the ping path's clock is moved back); the page runs on the real clock.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from browser_pages import watched_page
from playwright.sync_api import Browser, Page, expect

import webapp.core.pings as pings
from webapp.alerts.sweep import sweep_once
from webapp.core.models import Check
from webapp.core.times import utcnow
from webapp.db import db

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def checks(app, client, new_check, monkeypatch, no_worker):
    """nightly-backup, down for 90 minutes yesterday; db-replica, down for
    the last 90 minutes; web (tag prod), up. Their uuids. Their deadlines are
    in the past: no worker may sweep them before this does."""
    monkeypatch.setitem(app.config, "STATUS_CACHE_SECONDS", 0)
    app.extensions["hb_status_cache"].clear()
    ago = {"delta": timedelta(0)}
    monkeypatch.setattr(pings, "utcnow", lambda: utcnow() - ago["delta"])

    def push(hours_ago: float, uuid: str):
        ago["delta"] = timedelta(hours=hours_ago)
        assert client.get(f"/api/push/{uuid}?msg=internal+message").status_code == 200

    def sweep(hours_ago: float):
        with app.app_context():
            assert sweep_once(utcnow() - timedelta(hours=hours_ago)) == 1
            db.session.remove()

    uuids = {name: new_check(name=name, timeout=3600, grace=1800, tags=tags)
             for name, tags in (("nightly-backup", "secret"), ("db-replica", ""),
                                ("web", "prod"))}
    with app.app_context():
        db.session.execute(sa.update(Check).values(created=utcnow() - timedelta(days=3)))
        db.session.commit()
        db.session.remove()
    # Down 10:00-11:30 UTC yesterday: within one day in UTC and in Berlin
    # (the zone the page is made in), whatever the hour now.
    now = utcnow()
    down = now.replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(days=1)
    hours = (now - down).total_seconds() / 3600
    push(hours + 1.5, uuids["nightly-backup"])
    sweep(hours)
    push(hours - 1.5, uuids["nightly-backup"])
    push(0.5, uuids["nightly-backup"])
    push(3, uuids["db-replica"])
    sweep(1.5)
    push(0.2, uuids["web"])
    ago["delta"] = timedelta(0)
    return uuids


def shot(page: Page, selector: str, path) -> None:
    """A picture of one element, clear of the sticky top bar (which an element
    screenshot would draw over it)."""
    element = page.locator(selector)
    element.evaluate("el => el.scrollIntoView({block: 'center'})")
    page.screenshot(path=path, clip=element.bounding_box())


def make_page_in_settings(page: Page, artifacts) -> None:
    page.get_by_role("link", name="Project", exact=True).click()
    card = page.locator("#status-pages")
    expect(card).to_contain_text("No status pages yet.")
    card.get_by_role("link", name="New status page").click()
    page.get_by_label("Title").fill("Acme status")
    page.get_by_label("Address").fill("acme")
    page.get_by_label("Description").fill("Backups and databases of Acme.")
    page.get_by_label("Tags", exact=True).fill("prod")
    page.get_by_label("nightly-backup", exact=True).check()
    page.get_by_label("Public name of nightly-backup").fill("Backups")
    page.get_by_label("db-replica", exact=True).check()
    # The top bar is sticky: a whole-page picture would draw it over the middle.
    page.evaluate("document.querySelector('.topbar').style.position = 'static'")
    page.screenshot(path=artifacts / "status-page-form.png", full_page=True)
    page.get_by_role("button", name="Make status page").click()
    expect(page.locator(".flash-info")).to_have_text(
        "Status page “Acme status” made: it is public at /status/acme.")
    expect(page.locator("#status-pages")).to_contain_text("Acme status")


def open_logged_out(browser: Browser, live_server: str, viewport: dict, scheme: str):
    context, page, errors = watched_page(browser, live_server, viewport, scheme)
    page.goto("/status/acme")
    return context, page, errors


def luminance(page: Page, selector: str, prop: str) -> float:
    """The relative luminance (WCAG) of a computed colour of the first match."""
    return page.evaluate("""([selector, prop]) => {
        const value = getComputedStyle(document.querySelector(selector))[prop];
        const [r, g, b] = value.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => {
            v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    }""", [selector, prop])


def test_a_status_page_made_in_settings_is_public(logged_in_page: Page, browser: Browser,
                                                  live_server, checks, artifacts):
    make_page_in_settings(logged_in_page, artifacts)
    shot(logged_in_page, "#status-pages", artifacts / "status-pages-card.png")

    for scheme in ("light", "dark"):
        for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            context, page, errors = open_logged_out(browser, live_server, viewport, scheme)
            expect(page.get_by_role("heading", name="Acme status", level=1)).to_be_visible()
            expect(page.locator("#overall")).to_have_text(re.compile(r"\s*Partial outage\s*"))
            names = page.locator(".status-check-name")
            expect(names).to_have_text(["Backups", "db-replica", "web"])
            expect(page.locator(".status-check .status-word")).to_have_text(["up", "down", "up"])
            bars = page.locator("#check-1 svg.uptime-bars rect")
            expect(bars).to_have_count(90)
            # Yesterday, 90 minutes down (in the page's zone, the maker's Berlin,
            # as in UTC): the one bar not full; days before the check have no data.
            dented = page.locator("#check-1 rect:not(.bar-full):not(.bar-none)")
            expect(dented).to_have_count(1)
            expect(dented.locator("title")).to_have_text(
                re.compile(r"^\w{3} \d+: 93\.7% up, 1 downtime, 1 h 30 min down$"))
            expect(page.locator(".incident").first).to_contain_text("db-replica")
            expect(page.locator(".incident-ongoing .incident-chip")).to_have_text("ongoing")
            body = page.content()
            for secret in (*checks.values(), "nightly-backup", "secret", "internal message",
                           "/ping/", "Log in"):
                assert secret not in body
            # The theme's colours: dark when the system says so, readable either way.
            background = luminance(page, "body", "backgroundColor")
            assert (background < 0.05) == (scheme == "dark")
            card = luminance(page, "#status-checks", "backgroundColor")
            assert (max(card, luminance(page, ".status-check-name", "color")) + 0.05) / (
                min(card, luminance(page, ".status-check-name", "color")) + 0.05) >= 4.5
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            page.screenshot(path=artifacts / f"status-page-{name}-{scheme}.png", full_page=True)
            assert errors == [], errors
            context.close()
