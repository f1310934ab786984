"""Defects testers found in the dashboard, held in a real browser: the check form
forgetting its values after a kind switch and a refused save, htmx dropping a
refused request without a word, a CSP error while filtering the list, the
"new" badge's contrast, the display timezone at sign-up and first login, and
the wide-screen layouts."""

from __future__ import annotations

import re

import requests
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from support import load_check
from webapp.core.models import ApiKey, User
from webapp.db import db

EMAIL, PASSWORD = "alice@example.com", "correct horse"


def log_in(page: Page, next_: str = "") -> None:
    page.goto("/login" + (f"?next={next_}" if next_ else ""))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def test_switching_kinds_and_a_refused_save_keep_the_check_s_values(app, page, console, user,
                                                                    new_check):
    """The tester's steps: an interval check (5 minutes, Europe/Berlin), Cron,
    an invalid expression, back to "Every…"; then Cron, Save (refused), back
    to "Every…", Save. It used to show "1 days" and save 86,400 s and UTC."""
    console.allow(r"status of 422")  # Chrome logs the refused save; it is the point
    uuid = new_check(timeout=300, grace=600, tz="Europe/Berlin")
    log_in(page, f"/checks/{uuid}/edit")
    every, unit = page.get_by_label("Every", exact=True), page.get_by_label("Interval unit")
    cron = page.get_by_role("textbox", name="Cron expression")
    expect(every).to_have_value("5")

    page.get_by_role("radio", name="Cron expression").check()
    expect(every).to_be_hidden()
    cron.fill("0 25 * * *")
    expect(page.locator("#cron-preview")).to_contain_text("Bad hour")
    page.get_by_role("radio", name="Every…").check()
    expect(every).to_have_value("5")
    expect(unit).to_have_value("minutes")

    page.get_by_role("radio", name="Cron expression").check()
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#cron-error")).to_contain_text("Invalid cron expression")
    expect(page.get_by_label("Timezone")).to_have_value("Europe/Berlin")
    page.wait_for_load_state()
    page.get_by_role("radio", name="Every…").check()
    expect(every).to_have_value("5")
    expect(unit).to_have_value("minutes")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Changes saved.")).to_be_visible()
    check = load_check(app, uuid)
    assert (check.kind, check.timeout, check.grace, check.tz) == (
        "simple", 300, 600, "Europe/Berlin")

    # What was typed in a kind before switching away is sent too, and kept.
    page.goto(f"/checks/{uuid}/edit")
    every.fill("10")
    page.get_by_role("radio", name="Cron expression").check()
    cron.fill("0 25 * * *")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator("#cron-error")).to_be_visible()
    page.wait_for_load_state()
    page.get_by_role("radio", name="Every…").check()
    expect(every).to_have_value("10")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Changes saved.")).to_be_visible()
    assert load_check(app, uuid).timeout == 600


def test_a_refused_htmx_form_says_why_and_a_refused_page_too(app, page, console, user):
    """An API key with no label: the keys section comes back with the reason
    beside the field. A key revoked meanwhile (a whole 404 page back): one
    sentence in an alert after the form. Nothing is dropped."""
    console.allow(r"status of (400|404)")  # Chrome logs each refused request
    console.allow(r"Response Status Error Code 404")  # and htmx the one it did not swap
    log_in(page)
    page.get_by_role("link", name="Project", exact=True).click()
    page.get_by_label("Label").fill("   ")
    page.get_by_role("button", name="Create key").click()
    expect(page.locator("#label-error")).to_have_text(
        "Give the key a label, e.g. the host that uses it.")
    expect(page.get_by_label("Label")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("Label").fill("ci runner")
    page.get_by_role("button", name="Create key").click()
    expect(page.locator("#new-api-key")).to_be_visible()
    expect(page.locator("#label-error")).to_have_count(0)
    with app.app_context():
        db.session.execute(sa.delete(ApiKey).where(ApiKey.label == "ci runner"))
        db.session.commit()
        db.session.remove()
    page.get_by_role("button", name="Revoke the key ci runner").click()
    page.get_by_role("dialog").get_by_role("button", name="Confirm").click()
    alert = page.locator("#api-keys .htmx-refusal[role=alert]")
    expect(alert).to_have_text(re.compile(r"^There is no page at this address: .* \(HTTP 404\)$"))


def test_filtering_the_list_raises_no_console_error(app, page, console, user, new_check):
    """The Content-Security-Policy forbids inline styles: nothing the list or
    htmx draws while filtering may use one (console.error otherwise)."""
    for name, tags in (("db-backup", "prod db"), ("web-frontend", "prod web"),
                       ("cert-renewal", "ops")):
        new_check(name=name, tags=tags, timeout=300)
    log_in(page)
    expect(page.locator("a.check-name")).to_have_count(3)
    search = page.locator("#search")
    search.fill("prod")
    expect(page.locator("a.check-name")).to_have_count(2)
    search.fill("nothing-matches")
    expect(page.get_by_text("No check matches this search")).to_be_visible()
    search.press("Escape")  # Chrome clears a search box and fires "search"
    expect(page.locator("a.check-name")).to_have_count(3)
    page.locator("a.chip", has_text="ops").first.click()  # a boosted link
    expect(page.locator("a.check-name")).to_have_count(1)
    page.get_by_role("link", name="clear filter").click()
    expect(page.locator("a.check-name")).to_have_count(3)
    # htmx was told (base.html's htmx-config) to add no <style> of its own.
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("document.querySelectorAll('style, [style]').length") == 0
    page.wait_for_timeout(500)  # a late violation report still reaches `console`
    assert console.unexpected() == []


def test_sign_up_and_first_login_take_the_browser_timezone(app, browser, live_server, user,
                                                           monkeypatch):
    monkeypatch.setitem(app.config, "REGISTRATION_OPEN", True)
    context = browser.new_context(base_url=live_server, timezone_id="Asia/Shanghai",
                                  locale="en-GB")
    try:
        page = context.new_page()
        log_in(page)  # alice, made with the default zone, logs in for the first time
        expect(page.get_by_text("Times are shown in Asia/Shanghai, your browser's timezone"))\
            .to_be_visible()
        expect(page.locator("footer")).to_contain_text("Times are shown in Asia/Shanghai")
        page.get_by_role("button", name="Log out").click()

        page.goto("/signup")
        expect(page.get_by_label("Timezone")).to_have_value("Asia/Shanghai")
        page.get_by_label("Email").fill("bob@example.com")
        page.get_by_label("Password", exact=True).fill("long enough")
        page.get_by_label("Repeat the password").fill("long enough")
        page.get_by_role("button", name="Sign up").click()
        expect(page.locator("footer")).to_contain_text("Times are shown in Asia/Shanghai")
    finally:
        context.close()
    with app.app_context():
        zones = dict(db.session.execute(sa.select(User.email, User.timezone)).all())
        db.session.remove()
    assert zones == {"alice@example.com": "Asia/Shanghai", "bob@example.com": "Asia/Shanghai"}


CONTRAST = """(el) => {
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = rgb(c).map((v) => { v /= 255;
      return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const style = getComputedStyle(el);
  const [hi, lo] = [lum(style.color), lum(style.backgroundColor)].sort((a, b) => b - a);
  return (hi + 0.05) / (lo + 0.05);
}"""


def test_every_state_badge_has_aa_contrast(app, page, console, user):
    """As drawn: the word's colour on the badge's background, from the styles
    the browser computed (the "new" badge was 4.32:1, under WCAG AA's 4.5:1)."""
    log_in(page)
    states = ("new", "up", "down", "late", "paused", "started")
    page.evaluate("""(states) => document.querySelector("main").insertAdjacentHTML("beforeend",
        states.map((s) => `<span class="status status-${s}" id="badge-${s}">`
                          + `<span class="status-word">${s}</span></span>`).join(""))""",
                  list(states))
    ratios = {s: page.locator(f"#badge-{s}").evaluate(CONTRAST) for s in states}
    assert all(r >= 4.5 for r in ratios.values()), ratios


def boxes(page: Page, *selectors: str) -> list[dict]:
    return [page.locator(s).first.bounding_box() for s in selectors]


def test_settings_and_channels_use_a_wide_screen(app, page, console, user, live_server):
    requests.post(f"{live_server}/api/v3/channels/", headers={"X-Api-Key": user[1]},
                  json={"kind": "email", "name": "ops", "value": "ops@example.com"}, timeout=10)
    log_in(page)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/settings/")
    zone, password, sessions = boxes(page, "#timezone", "#password", "#sessions")
    assert zone["y"] == password["y"] and password["x"] > zone["x"] + zone["width"]  # side by side
    assert sessions["y"] > zone["y"] and sessions["width"] > 2 * zone["width"]  # across both

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Channels").click()
    channel, add = boxes(page, "section.channel", "#add-channel")
    assert add["x"] > channel["x"] + channel["width"] and abs(add["y"] - channel["y"]) < 2

    page.set_viewport_size({"width": 1000, "height": 900})  # narrower: one column again
    channel, add = boxes(page, "section.channel", "#add-channel")
    assert add["y"] > channel["y"] + channel["height"] and add["x"] == channel["x"]
    page.goto("/settings/")
    zone, password = boxes(page, "#timezone", "#password")
    assert password["y"] > zone["y"] + zone["height"]
