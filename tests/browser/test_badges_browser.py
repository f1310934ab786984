"""The project settings' badge card in a real browser: the preview badge is
drawn under the dashboard's Content-Security-Policy (img-src 'self', no
inline style), and the listed URLs are the ones that answer."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import Page, expect

EMAIL, PASSWORD = "alice@example.com", "correct horse"


def test_the_badge_card_previews_the_badge_and_lists_working_urls(page: Page, console, user,
                                                                  api, live_server, artifacts):
    api("post", "/checks/", json={"name": "db-backup", "tags": "db"})
    page.goto("/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="Project", exact=True).click()
    card = page.locator("#badge-key")
    expect(card.get_by_role("heading", name="Tag db")).to_be_visible()

    preview = card.locator("#badge-preview")
    expect(preview).to_be_visible()
    # Drawn, not refused: a blocked or broken image has no natural size.
    page.wait_for_function("document.getElementById('badge-preview').complete")
    assert preview.evaluate("img => img.naturalWidth") > 40
    assert preview.evaluate("img => img.naturalHeight") == 20

    svg = card.locator("#badge-2-svg").inner_text()
    assert re.fullmatch(r"http://hb\.test/badge/[^/]+/[^/]{8}-2/db\.svg", svg)
    r = requests.get(live_server + svg.removeprefix("http://hb.test"), timeout=10)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("image/svg+xml")
    card.screenshot(path=artifacts / "badge-card.png")
