"""The dashboard in a real browser: log in, create, copy, watch a ping arrive, filter, rotate,
channels."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import Page, expect

EMAIL, PASSWORD = "alice@example.com", "correct horse"


def row(page: Page, name: str):
    return page.locator("tr.check-row", has=page.locator(f'a.check-name:text-is("{name}")'))


def names(page: Page) -> list[str]:
    return page.locator("a.check-name").all_inner_texts()


def ping(live_server: str, uuid: str, query: str = "") -> int:
    return requests.get(f"{live_server}/api/push/{uuid}{query}", timeout=10).status_code


def test_create_a_check_copy_its_url_and_see_a_ping_arrive_live(logged_in_page, live_server,
                                                                artifacts):
    page = logged_in_page
    expect(page.get_by_text("No checks yet — create one")).to_be_visible()
    page.get_by_role("link", name="New check").click()

    page.get_by_label("Name").fill("nightly-backup")
    page.get_by_label("Tags").fill("prod db")
    page.get_by_label("Daily at a fixed time").check()
    expect(page.get_by_label("Every", exact=True)).to_be_hidden()
    page.get_by_label("At", exact=True).fill("16:05")
    expect(page.get_by_label("Timezone")).to_have_value("Europe/Berlin")  # the browser's zone
    page.get_by_role("button", name="Create check").click()

    expect(page.get_by_role("heading", name="nightly-backup")).to_be_visible()
    expect(page.locator(".check-title .status-word")).to_have_text("new")
    expect(page.locator("#check-status .facts")).to_contain_text("at 16:05 daily, Europe/Berlin")
    push_url = page.locator("#url-push").inner_text()
    uuid = re.fullmatch(r"http://hb\.test/api/push/([0-9a-f-]{36})", push_url).group(1)

    page.get_by_role("button", name="Copy Push URL (Uptime Kuma, Tianji)").click()
    expect(page.get_by_role("button", name="Copy Push URL (Uptime Kuma, Tianji)")).to_have_text(
        "Copied")
    assert page.evaluate("navigator.clipboard.readText()") == push_url

    page.get_by_role("tab", name="Python").click()
    expect(page.get_by_role("tabpanel", name="Python")).to_contain_text(
        f'requests.post("{push_url}"')
    expect(page.get_by_role("tabpanel", name="curl")).to_be_hidden()

    page.get_by_role("link", name="Checks", exact=True).first.click()
    expect(row(page, "nightly-backup").locator(".status-word")).to_have_text("new")
    page.evaluate("window.__stillTheSamePage = true")
    assert ping(live_server, uuid, "?msg=backup-completed&value=42") == 200
    # The list refreshes itself: the row turns up, the page was never reloaded.
    expect(row(page, "nightly-backup").locator(".status-word")).to_have_text("up", timeout=15_000)
    expect(row(page, "nightly-backup")).to_contain_text("backup-completed")
    assert page.evaluate("window.__stillTheSamePage") is True
    expect(page).to_have_title("Checks · Heartbeats")

    assert ping(live_server, uuid, "?status=down&msg=disk-full") == 200
    expect(page).to_have_title("(1 down) Checks · Heartbeats", timeout=15_000)
    expect(page.locator("#favicon")).to_have_attribute("href", "/favicon.svg?down=1")
    assert page.evaluate("window.__stillTheSamePage") is True

    for value in (12, 30, 18, 44, 25):
        ping(live_server, uuid, f"?value={value}&msg=rows-synced")
    page.get_by_role("link", name="nightly-backup").click()
    expect(page.locator(".chart circle.dot")).to_have_count(6)
    # The check's page follows its pings too, without a reload.
    page.evaluate("window.__stillTheSamePage = true")
    ping(live_server, uuid, "?status=down&msg=disk-full-again")
    expect(page.locator("#check-badge .status-word")).to_have_text("down", timeout=15_000)
    expect(page.locator("#event-log tbody tr").first).to_contain_text("down")
    expect(page.locator("#event-log")).to_contain_text("disk-full-again")
    assert page.evaluate("window.__stillTheSamePage") is True
    page.screenshot(path=artifacts / "details.png", full_page=True)


def test_filter_by_two_tags_and_keep_it_in_the_address(logged_in_page, live_server, artifacts,
                                                        new_check):
    page = logged_in_page
    uuids = {}
    for name, tags in (("db-backup", "prod db"), ("web-frontend", "prod web"),
                       ("staging-db", "staging db"), ("cert-renewal", "ops"),
                       ("queue-worker", "prod")):
        uuids[name] = new_check(name=name, tags=tags, timeout=300)
    ping(live_server, uuids["web-frontend"], "?status=down&msg=HTTP+502")
    ping(live_server, uuids["db-backup"], "?msg=dump+ok")
    ping(live_server, uuids["queue-worker"])
    page.reload()
    expect(page.locator("a.check-name")).to_have_count(5)
    assert names(page)[0] == "web-frontend"  # down first
    page.screenshot(path=artifacts / "list.png", full_page=True)

    page.keyboard.press("/")
    expect(page.locator("#search")).to_be_focused()
    page.keyboard.type("prod, db")
    expect(page.locator("a.check-name")).to_have_count(1)
    assert names(page) == ["db-backup"]
    expect(page).to_have_url(re.compile(r"/\?tags=prod%2Cdb$"))

    # The filter survives the live refresh...
    ping(live_server, uuids["staging-db"])
    ping(live_server, uuids["db-backup"], "?status=down")
    expect(row(page, "db-backup").locator(".status-word")).to_have_text("down", timeout=15_000)
    assert names(page) == ["db-backup"]
    # ...and a reload: the address holds it.
    page.reload()
    expect(page.locator("#search")).to_have_value("prod, db")
    assert names(page) == ["db-backup"]

    page.get_by_role("link", name="clear filter").click()
    expect(page.locator("a.check-name")).to_have_count(5)
    row(page, "staging-db").get_by_role("link", name="staging", exact=True).click()
    expect(page).to_have_url(re.compile(r"/\?tags=staging$"))
    expect(page.locator("a.check-name")).to_have_count(1)
    expect(page.locator("#search")).to_have_value("staging")


def test_a_refused_form_says_why_next_to_the_field_and_keeps_the_input(logged_in_page, console):
    page = logged_in_page
    # Chrome logs every 4xx page as "Failed to load resource"; this 422 is the point.
    console.allow(r"status of 422")
    page.goto("/")
    page.get_by_role("link", name="New check").click()
    page.get_by_label("Name").fill("weekday-report")
    page.get_by_role("radio", name="Cron expression").check()
    cron = page.get_by_role("textbox", name="Cron expression")
    cron.fill("0 25 * * 1-5")
    expect(page.locator("#cron-preview")).to_contain_text("Bad hour")  # explained while typing
    page.get_by_role("button", name="Create check").click()

    expect(page.locator("#cron-error")).to_contain_text("Invalid cron expression '0 25 * * 1-5'")
    expect(cron).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Name")).to_have_value("weekday-report")
    expect(cron).to_have_value("0 25 * * 1-5")

    # The refused form is a new page: typing before htmx (a deferred script)
    # has set up its listeners would go unexplained.
    page.wait_for_load_state()
    cron.fill("0 9 * * 1-5")
    expect(page.locator("#cron-preview")).to_contain_text("At 09:00 on Monday through Friday")
    page.get_by_role("button", name="Create check").click()
    expect(page.locator("#check-status .facts")).to_contain_text(
        "at 09:00 on Monday through Friday, Europe/Berlin")


def test_rotate_the_token_after_confirming(logged_in_page, api, live_server, new_check):
    page = logged_in_page
    old = new_check(name="backup")
    page.goto(f"/checks/{old}")

    page.get_by_role("button", name="Rotate token").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("stop working at once")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    assert ping(live_server, old) == 200

    page.get_by_role("button", name="Rotate token").click()
    dialog.get_by_role("button", name="Rotate token").click()
    expect(page.get_by_text("New token made")).to_be_visible()
    new = re.search(r"/checks/([0-9a-f-]{36})$", page.url).group(1)
    assert new != old
    expect(page.locator("#url-push")).to_have_text(f"http://hb.test/api/push/{new}")
    assert ping(live_server, old) == 404
    assert ping(live_server, new) == 200


def test_settings_make_an_api_key_that_works(logged_in_page, live_server):
    page = logged_in_page
    page.get_by_role("link", name="Project", exact=True).click()
    page.get_by_label("Label").fill("ci runner")
    page.get_by_role("button", name="Create key").click()
    key = page.locator("#new-api-key").inner_text()
    assert key.startswith("hb_")
    page.get_by_role("button", name="Copy the new API key").click()
    assert page.evaluate("navigator.clipboard.readText()") == key
    r = requests.get(f"{live_server}/api/v3/checks/", headers={"X-Api-Key": key}, timeout=10)
    assert r.status_code == 200

    page.get_by_role("button", name="Revoke the key ci runner").click()
    page.get_by_role("dialog").get_by_role("button", name="Confirm").click()
    expect(page.locator("#api-keys")).not_to_contain_text("ci runner")
    r = requests.get(f"{live_server}/api/v3/checks/", headers={"X-Api-Key": key}, timeout=10)
    assert r.status_code == 401


def test_a_phone_sized_screen_gets_one_card_per_check(app, browser, live_server, api, artifacts):
    api("post", "/checks/", json={"name": "db-backup", "tags": "prod db"})
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844},
                                  is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("a.check-name")).to_have_text(["db-backup"])
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the list must not scroll sideways on a phone"
    page.screenshot(path=artifacts / "list-phone.png", full_page=True)
    context.close()


def test_add_a_webhook_channel_and_send_it_a_test_notification(logged_in_page, receiver, artifacts,
                                                               new_check):
    page = logged_in_page
    uuid = new_check(name="nightly-backup")
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Channels", exact=True).click()
    expect(page.get_by_text("No channels yet.")).to_be_visible()

    headers = page.get_by_label("Custom headers")
    expect(headers).to_be_hidden()  # email is chosen: no headers
    page.get_by_label("Kind").select_option("webhook")
    expect(headers).to_be_visible()
    # Only the chosen kind's sentence is left showing.
    expect(page.locator("#value-hint")).to_have_text(
        "Webhook: the URL the alert's JSON is POSTed to (https://…).", use_inner_text=True)
    page.get_by_label("Name").fill("receiver")
    page.get_by_label("Send to").fill(f"{receiver.url}/hook")
    headers.fill("X-Token: abc123")
    page.get_by_role("button", name="Add channel").click()

    card = page.locator("section.channel", has=page.get_by_role("heading", name="receiver"))
    expect(page.get_by_text("Channel “receiver” added")).to_be_visible()
    expect(card).to_contain_text(f"{receiver.url}/hook")
    expect(card).to_contain_text("X-Token (values hidden)")
    expect(card).not_to_contain_text("abc123")
    expect(card).to_contain_text("alerts 1 of 1 check")

    page.evaluate("window.__stillTheSamePage = true")
    card.get_by_role("button", name="Send test notification").click()
    expect(card.locator(".test-result")).to_contain_text("Sent.")
    assert page.evaluate("window.__stillTheSamePage") is True  # swapped in, not reloaded
    [request] = receiver.wait_for(1)
    assert request["headers"]["X-Token"] == "abc123"
    assert receiver.json(0)["event"] == "test"
    page.evaluate("window.scrollTo(0, 0)")  # else the sticky top bar is drawn mid-page
    page.screenshot(path=artifacts / "channels.png", full_page=True)

    # The check's form lists the channel, ticked; reminders show their fields when chosen.
    page.goto(f"/checks/{uuid}/edit")
    expect(page.get_by_label("receiver webhook")).to_be_checked()
    expect(page.get_by_label("Remind every")).to_be_hidden()
    page.get_by_label("Send reminders").check()
    expect(page.get_by_label("Remind every")).to_be_visible()
    page.get_by_label("Remind every").fill("30")
    page.get_by_label("Reminder unit").select_option("minutes")
    page.get_by_label("Failures in a row before alerting").fill("2")
    page.locator("#alerts-settings").screenshot(path=artifacts / "check-form-alerts.png")
    page.screenshot(path=artifacts / "check-form.png", full_page=True)
    page.get_by_role("button", name="Save changes").click()
    alerts = page.locator("#alerts")
    expect(alerts).to_contain_text("receiver (webhook)")
    expect(alerts).to_contain_text("every 30 minutes while down")
    expect(alerts).to_contain_text("2 in a row alert")
    page.screenshot(path=artifacts / "check-alerts.png", full_page=True)


def test_a_banner_says_when_the_worker_stops_and_goes_when_it_is_back(logged_in_page, worker,
                                                                      artifacts):
    page = logged_in_page
    banner = page.locator("#worker-banner .banner")
    expect(banner).to_have_count(0, timeout=10_000)  # the worker beats every second
    worker.kill()
    try:
        # As the README says: within 10 s of the worker stopping.
        expect(banner).to_contain_text(
            re.compile(r"Alerts are not being sent: the worker has not run for \d+ s\."),
            timeout=10_000)
        page.screenshot(path=str(artifacts / "worker-stopped.png"))
    finally:
        worker.start()
    expect(banner).to_have_count(0, timeout=15_000)


def test_switch_to_a_project_one_only_views(app, logged_in_page, live_server):
    """The header's switcher lists alice's projects; in one she views, the list
    shows its checks with no control that changes anything."""
    import sqlalchemy as sa

    from support import make_user, own_project
    from webapp.core.models import Project, User
    from webapp.core.projects import add_member
    from webapp.db import db

    _, bobs_key = make_user(app, "bob@example.com")
    requests.post(f"{live_server}/api/v3/checks/", headers={"X-Api-Key": bobs_key},
                  json={"name": "bobs-backup"}, timeout=10)
    with app.app_context():
        bob = db.session.scalar(sa.select(User.id).where(User.email == "bob@example.com"))
        project = db.session.get(Project, own_project(bob).id)
        project.name = "Ops"
        alice = db.session.scalar(sa.select(User).where(User.email == EMAIL))
        add_member(project, alice, "viewer")
        db.session.commit()
    page = logged_in_page
    page.reload()
    page.get_by_label("Switch project").click()
    page.get_by_role("link", name="Ops", exact=True).click()
    expect(page.locator("a.check-name")).to_have_text(["bobs-backup"])
    expect(page.get_by_role("link", name="New check")).to_have_count(0)
    page.get_by_role("link", name="bobs-backup").click()
    expect(page.get_by_role("heading", name="bobs-backup")).to_be_visible()
    for control in ("Edit", "Pause", "Rotate token", "Delete"):
        expect(page.get_by_role("button", name=control, exact=True)).to_have_count(0)
        expect(page.get_by_role("link", name=control, exact=True)).to_have_count(0)
