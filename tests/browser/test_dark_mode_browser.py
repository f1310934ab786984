"""Dark mode in a real browser: the system's scheme by default, the header's
theme button overriding it (kept in localStorage), text contrast of WCAG AA
(>= 4.5:1) in both schemes, and a screenshot tour of the main pages, light and
dark, on a desktop and on a phone, none of which may scroll sideways there.

The contrast figures measured are written to the artifacts folder
(contrast-light.json, contrast-dark.json), the screenshots as
tour-<page>-<light|dark>-<desktop|phone>.png.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from support import project_of
from webapp.core.models import Channel
from webapp.core.times import utcnow
from webapp.db import db

EMAIL, PASSWORD = "alice@example.com", "correct horse"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}
STATES = ("up", "down", "late", "new", "paused", "started")

# One JS helper for every measure: the WCAG contrast of an element's computed
# colour (or an SVG's fill/stroke) against the first opaque background behind it.
CONTRAST_JS = """() => {
window.__hbContrast = (el, prop = "color", against = null) => {
  const parse = c => {
    const n = (c.match(/[\\d.]+/g) || []).map(Number);
    return {rgb: n.slice(0, 3), a: n.length > 3 ? n[3] : 1};
  };
  const lum = ([r, g, b]) => [r, g, b].map(v => {
    v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const behind = e => {
    for (; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c.rgb.length === 3 && c.a > 0.99) return c.rgb;
    }
    return parse(getComputedStyle(document.body).backgroundColor).rgb;
  };
  const fg = parse(getComputedStyle(el)[prop]).rgb;
  const bg = against ? behind(document.querySelector(against)) : behind(el);
  const [a, b] = [lum(fg), lum(bg)];
  return {ratio: Math.round((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) * 100) / 100,
          fg: getComputedStyle(el)[prop], lum_fg: a, lum_bg: b,
          text: (el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 40)};
};
}"""


# --- the data: a dozen checks in every state, channels -----------------------

@pytest.fixture
def mixed(app, client, api, new_check, monkeypatch):
    """Twelve checks: up, down, late, started, paused and new ones, and one
    (nightly-backup) with a day of values and timed runs. {name: uuid}."""
    import webapp.core.pings as pings

    ago = {"delta": timedelta(0)}
    monkeypatch.setattr(pings, "utcnow", lambda: utcnow() - ago["delta"])

    def at(hours_ago: float, path: str):
        ago["delta"] = timedelta(hours=hours_ago)
        r = client.get(path)
        assert r.status_code == 200, r.get_data(as_text=True)

    made = {}
    for name, tags, fields in (
            ("nightly-backup", "prod db", {"timeout": 86400, "grace": 3600, "value_max": 80}),
            ("web-frontend", "prod web", {}), ("api-gateway", "prod web", {}),
            ("db-replica", "prod db", {}), ("cert-renewal", "ops", {"grace": 1800}),
            ("log-rotate", "ops", {"grace": 1800}), ("queue-worker", "prod", {}),
            ("staging-deploy", "staging", {}), ("invoice-export", "billing", {}),
            ("search-reindex", "", {}), ("metrics-push", "ops", {}), ("mail-relay", "prod", {})):
        made[name] = new_check(name=name, tags=tags, **{"timeout": 3600, **fields})
    backup = made["nightly-backup"]
    # Runs with a start signal, each reporting the GB it wrote; 91 is over the
    # bound (down), the next run brings it up again.
    for start, minutes, gb in ((22, 4, 40), (19, 5, 42), (16, 6, 45), (13, 9, 60),
                               (10, 12, 91), (7, 8, 55), (4, 7, 50), (1, 6, 48)):
        at(start, f"/ping/{backup}/start")
        at(start - minutes / 60, f"/api/push/{backup}?value={gb}&msg=backup+ok")
    at(1.2, f"/api/push/{made['cert-renewal']}?msg=renewed")  # due 0.2 h ago, grace 0.5 h
    at(1.1, f"/api/push/{made['log-rotate']}")
    ago["delta"] = timedelta(0)
    for name in ("web-frontend", "metrics-push", "mail-relay", "staging-deploy"):
        at(0, f"/api/push/{made[name]}?msg=ok&value=12")
    at(0, f"/api/push/{made['api-gateway']}?status=down&msg=HTTP+502")
    at(0, f"/api/push/{made['db-replica']}?status=down&msg=replication+lag+900+s")
    at(0, f"/ping/{made['queue-worker']}/start")
    assert api("post", f"/checks/{made['staging-deploy']}/pause").status_code == 200

    project_id, _ = project_of(app)
    with app.app_context():
        db.session.add(Channel(project_id=project_id, kind="webhook", name="ops-webhook",
                               value="https://hooks.example.com/heartbeats/ops",
                               headers={"X-Token": "secret"}))
        db.session.add(Channel(project_id=project_id, kind="email", name="on-call",
                               value="oncall@example.com, alice@example.com",
                               events="down up", delay=300))
        db.session.commit()
        db.session.remove()
    return made


# --- helpers -------------------------------------------------------------------

def measure(page: Page, selector: str, prop: str = "color", against: str | None = None):
    """The contrast of every visible element matching selector: a list of dicts."""
    page.evaluate(CONTRAST_JS)
    return page.locator(selector).evaluate_all(
        """(els, [prop, against]) => els
             .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== "hidden")
             .map(e => window.__hbContrast(e, prop, against))""", [prop, against])


def body_colours(page: Page) -> dict:
    [body] = measure(page, "body")
    return body


def log_in(page: Page, to: str = "/") -> None:
    page.goto(f"/login?next={to}")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def theme_button(page: Page):
    return page.get_by_role("button", name=re.compile(r"^Theme: "))


# --- (a) contrast in both schemes -----------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_and_badges_read_well_in_both_schemes(logged_in_page, mixed, artifacts, scheme):
    page = logged_in_page
    page.emulate_media(color_scheme=scheme)
    page.goto("/")
    expect(page.locator("tr.check-row")).to_have_count(12)
    figures: dict[str, float] = {}
    low: list[str] = []

    def keep(name: str, found: list[dict], least: float = 4.5) -> None:
        assert found, f"nothing visible to measure for {name}"
        worst = min(found, key=lambda f: f["ratio"])
        figures[name] = worst["ratio"]
        low.extend(f"{name} {f['text']!r}: {f['ratio']}" for f in found if f["ratio"] < least)

    body = body_colours(page)
    if scheme == "dark":
        assert body["lum_bg"] < 0.03 and body["lum_fg"] > 0.6, body  # dark page, light text
    else:
        assert body["lum_bg"] > 0.85 and body["lum_fg"] < 0.05, body
    keep("body text", [body])
    keep("table text", measure(page, "table.checks td.cell-schedule"))
    keep("muted text", measure(page, "table.checks .muted"))
    keep("table heads", measure(page, "table.checks th"))
    keep("links", measure(page, "a:not(.skip-link)"))
    keep("buttons", measure(page, ".button, button"))
    for state in STATES:
        keep(f"status-{state}", measure(page, f"tr .status-{state}"))
    keep("down message", measure(page, "td .text-down"))
    # The 24 h strips: up and down spans stand out from the row (non-text: 3:1).
    keep("strip span-up", measure(page, "svg.strip rect.span-up", "fill", "table.checks"), 3)
    keep("strip span-down", measure(page, "svg.strip rect.span-down", "fill", "table.checks"), 3)

    page.locator("a.check-name", has_text="nightly-backup").click()
    expect(page.get_by_role("heading", name="nightly-backup")).to_be_visible()
    keep("check page text", measure(page, "#check-status .facts dd"))
    keep("check page links", measure(page, "main a"))
    keep("check page badge", measure(page, "#check-badge .status"))
    keep("values chart line", measure(page, "#chart .line", "stroke", "#chart"), 3)
    keep("values chart dots", measure(page, "#chart .dot", "stroke", "#chart"), 3)
    keep("values chart labels", measure(page, "#chart .axis-label", "fill", "#chart"))
    keep("run-time chart line", measure(page, "#runs-chart .line", "stroke", "#runs-chart"), 3)
    keep("run-time chart labels", measure(page, "#runs-chart .axis-label", "fill", "#runs-chart"))
    keep("code snippet", measure(page, ".copy-box.multiline pre"))

    (artifacts / f"contrast-{scheme}.json").write_text(json.dumps(figures, indent=1) + "\n")
    print(f"\ncontrast, {scheme} (lowest of each):", json.dumps(figures, indent=1))
    assert low == [], f"below WCAG AA in {scheme}"


# --- (b) the theme button ------------------------------------------------------

def test_the_theme_button_overrides_the_system_and_survives_a_reload(logged_in_page, console):
    page = logged_in_page
    # Whether the stored theme is on <html> before the body is parsed (so
    # before the first paint): recorded as the <body> element arrives.
    page.add_init_script("""new MutationObserver((records, observer) => {
        if (!document.body) return;
        window.__themeAtBody = document.documentElement.getAttribute("data-theme") || "auto";
        observer.disconnect();
    }).observe(document, {childList: true, subtree: true});""")
    html = page.locator("html")
    page.emulate_media(color_scheme="dark")
    page.reload()
    button = theme_button(page)
    expect(button).to_have_text("Theme: auto")
    expect(html).not_to_have_attribute("data-theme", re.compile(".*"))
    assert body_colours(page)["lum_bg"] < 0.03  # the system's dark

    button.click()
    expect(button).to_have_text("Theme: light")
    expect(html).to_have_attribute("data-theme", "light")
    assert body_colours(page)["lum_bg"] > 0.85  # light, though the system is dark
    assert page.evaluate("localStorage.getItem('hb-theme')") == "light"
    page.reload()
    expect(theme_button(page)).to_have_text("Theme: light")
    assert page.evaluate("window.__themeAtBody") == "light"  # theme.js, before the body
    assert body_colours(page)["lum_bg"] > 0.85

    theme_button(page).click()
    expect(theme_button(page)).to_have_text("Theme: dark")
    page.emulate_media(color_scheme="light")
    assert body_colours(page)["lum_bg"] < 0.03  # dark, though the system is light now
    page.goto("/settings/")  # another page keeps it too
    expect(theme_button(page)).to_have_text("Theme: dark")
    assert page.evaluate("window.__themeAtBody") == "dark"
    assert body_colours(page)["lum_bg"] < 0.03

    theme_button(page).click()  # back to auto: the system's scheme again
    expect(theme_button(page)).to_have_text("Theme: auto")
    expect(html).not_to_have_attribute("data-theme", re.compile(".*"))
    assert page.evaluate("localStorage.getItem('hb-theme')") is None
    assert body_colours(page)["lum_bg"] > 0.85
    page.emulate_media(color_scheme="dark")
    assert body_colours(page)["lum_bg"] < 0.03
    page.reload()
    expect(theme_button(page)).to_have_text("Theme: auto")
    assert console.unexpected() == []


def test_without_javascript_the_system_scheme_still_applies(browser, live_server, user):
    for scheme, dark in (("dark", True), ("light", False)):
        context = browser.new_context(base_url=live_server, java_script_enabled=False,
                                      color_scheme=scheme)
        page = context.new_page()
        page.goto("/login")
        expect(page.get_by_role("heading", name="Log in")).to_be_visible()
        # The page runs no script of its own; Playwright's evaluate still reads the colours.
        body = body_colours(page)
        if dark:
            assert body["lum_bg"] < 0.03 and body["lum_fg"] > 0.6, body
        else:
            assert body["lum_bg"] > 0.85 and body["lum_fg"] < 0.05, body
        expect(page.locator("#theme-toggle")).to_be_hidden()  # it could do nothing
        context.close()


# --- (d) the screenshot tour ----------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_screenshot_tour(browser, live_server, app, user, mixed, artifacts, device, scheme):
    """The login page, the list, a check's page, channels and settings, shot
    whole; none may scroll sideways, on a phone above all (each one that does is named)."""
    _, code = project_of(app)
    pages = (("list", "/", "Checks"), ("check", f"/checks/{mixed['nightly-backup']}", None),
             ("channels", f"/projects/{code}/channels/", "Channels"),
             ("settings", "/settings/", "Account settings"))
    phone = device == "phone"
    context = browser.new_context(
        base_url=live_server, viewport=PHONE if phone else DESKTOP, color_scheme=scheme,
        timezone_id="Europe/Berlin", locale="en-GB", is_mobile=phone, has_touch=phone)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    sideways: list[str] = []

    def shoot(name: str) -> None:
        expect(theme_button(page)).to_have_text("Theme: auto")  # app.js ran
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=artifacts / f"tour-{name}-{scheme}-{device}.png", full_page=True)
        # Asked of the phone; the desktop is held to it too (a full top bar once was not).
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > (PHONE if phone else DESKTOP)["width"]:
            sideways.append(f"{name}: scrollWidth {width}")

    page.goto("/login")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    shoot("login")
    log_in(page)
    expect(page.get_by_role("heading", name="Checks", exact=True)).to_be_visible()
    for name, path, heading in pages:
        page.goto(path)
        expect(page.get_by_role("heading", name=heading or "nightly-backup",
                                exact=True)).to_be_visible()
        if name == "list":
            expect(page.locator("tr.check-row")).to_have_count(12)
        shoot(name)
    context.close()
    assert errors == [], "the browser reported errors"
    assert sideways == [], f"scrolls sideways ({device}, {scheme}): " + "; ".join(sideways)
