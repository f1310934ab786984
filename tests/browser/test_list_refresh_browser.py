"""The checks list's live refresh in a real browser: a change shows within two
seconds and keeps the reader's place; an idle list is answered 204."""

from __future__ import annotations

import time

import requests
from playwright.sync_api import Page, expect

N_CHECKS = 60


def row(page: Page, name: str):
    return page.locator("tr.check-row", has=page.locator(f'a.check-name:text-is("{name}")'))


def ping(live_server: str, uuid: str, query: str = "") -> int:
    return requests.get(f"{live_server}/api/push/{uuid}{query}", timeout=10).status_code


def make_checks(api, n: int) -> dict[str, str]:
    """n new checks named svc-1 … svc-n; {name: uuid}."""
    made = {}
    for i in range(1, n + 1):
        r = api("post", "/checks/", json={"name": f"svc-{i}", "timeout": 3600})
        assert r.status_code == 201
        made[f"svc-{i}"] = r.get_json()["uuid"]
    return made


def test_a_change_shows_within_two_seconds_and_keeps_focus_and_scroll(
        logged_in_page, api, live_server, artifacts):
    page = logged_in_page
    checks = make_checks(api, N_CHECKS)
    page.goto(page.url.split("?")[0] + "?sort=name")
    # Natural order: svc-2 before svc-10.
    names = page.locator("a.check-name").all_inner_texts()
    assert names[:3] == ["svc-1", "svc-2", "svc-3"] and names[9] == "svc-10"

    answers: list[int] = []
    page.on("response", lambda r: answers.append(r.status) if "/live?" in r.url else None)
    target = row(page, "svc-30").locator("a.check-name")
    target.focus()
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
    scroll = page.evaluate("window.scrollY")
    assert scroll > 200
    # A mark on the focused element itself (a property: a morph makes the
    # attributes the server's): a row re-created rather than morphed loses it.
    page.evaluate("document.activeElement.hbMarked = true")

    assert ping(live_server, checks["svc-31"]) == 200
    started = time.monotonic()
    expect(row(page, "svc-31").locator(".status-word")).to_have_text("up", timeout=2500)
    assert time.monotonic() - started < 2.5

    assert page.evaluate("document.activeElement.textContent") == "svc-30"
    assert page.evaluate("document.activeElement.hbMarked") is True
    assert abs(page.evaluate("window.scrollY") - scroll) < 2
    page.screenshot(path=artifacts / "list-after-refresh.png")

    # Once the change is shown, the list asks with the new token: 204s again.
    answers.clear()
    page.wait_for_timeout(3200)
    assert answers and set(answers) == {204}, answers


def test_the_list_pages_and_its_state_counts_filter(logged_in_page, api, live_server):
    page = logged_in_page
    checks = make_checks(api, 105)
    for name in ("svc-7", "svc-70"):
        assert ping(live_server, checks[name], "?status=down&msg=disk+full") == 200
    page.reload()
    pager = page.get_by_role("navigation", name="Pages")
    expect(pager).to_contain_text("1–100 of 105")
    # The checks in trouble come first.
    expect(page.locator("a.check-name").first).to_have_text("svc-7")
    row(page, "svc-7").locator(".msg").wait_for()
    expect(row(page, "svc-7").locator(".msg")).to_have_text("disk full")

    states = page.get_by_role("navigation", name="Filter by state")
    states.get_by_role("link", name="2 down").click()
    expect(page.locator("a.check-name")).to_have_text(["svc-7", "svc-70"])
    assert "state=down" in page.url
    # The search keeps the state filter; the counts are the search's.
    page.get_by_label("Search by tags or name").fill("svc-7")
    states = page.get_by_role("navigation", name="Filter by state")
    expect(states).to_contain_text("all 11")
    expect(states).to_contain_text("9 new")
    expect(page.locator("a.check-name")).to_have_text(["svc-7", "svc-70"])


def test_tick_checks_keep_the_ticks_through_a_refresh_then_pause_and_delete_them(
        logged_in_page, api, live_server, app):
    page = logged_in_page
    checks = make_checks(api, 4)
    page.reload()
    bar = page.get_by_role("form", name="Selected checks")
    expect(bar).to_be_hidden()
    for name in ("svc-1", "svc-2"):
        page.get_by_label(f"Tick {name}").check()
    expect(bar).to_be_visible()
    expect(page.locator("#bulk-count")).to_have_text("2 checks ticked:")
    # A refresh brings svc-4's ping; the ticks stay.
    assert ping(live_server, checks["svc-4"]) == 200
    expect(row(page, "svc-4").locator(".status-word")).to_have_text("up", timeout=2500)
    assert all(page.get_by_label(f"Tick {n}").is_checked() for n in ("svc-1", "svc-2"))

    bar.get_by_role("button", name="Pause").click()
    expect(page.locator(".flash")).to_contain_text("Paused: 2 checks (svc-1, svc-2).")
    for name in ("svc-1", "svc-2"):
        expect(row(page, name).locator(".status-word")).to_have_text("paused")
    expect(row(page, "svc-3").locator(".status-word")).to_have_text("new")

    page.get_by_label("Tick every check on this page").check()
    expect(page.locator("#bulk-count")).to_have_text("4 checks ticked:")
    page.get_by_label("Tick svc-4").uncheck()
    bar.get_by_role("button", name="Delete").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Delete the ticked checks?")
    dialog.get_by_role("button", name="Delete").click()
    expect(page.locator(".flash")).to_contain_text("Deleted: 3 checks")
    expect(page.locator("a.check-name")).to_have_text(["svc-4"])
