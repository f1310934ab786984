"""The check form's OnCalendar schedule and keyword filters in a real browser:
the panel shows for its choice only, the preview lists firings as you type,
and a keyword failure sent over HTTP shows on the check's page."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import expect


def test_an_oncalendar_check_with_keywords_made_in_the_form(logged_in_page, live_server):
    page = logged_in_page
    page.get_by_role("link", name="New check").click()
    page.get_by_label("Name").fill("weekday-report")
    expression = page.get_by_role("textbox", name="OnCalendar expression")
    expect(expression).to_be_hidden()
    page.get_by_role("radio", name="systemd OnCalendar").check()
    expect(expression).to_be_visible()
    expect(page.get_by_role("textbox", name="Cron expression")).to_be_hidden()
    page.get_by_label("Timezone").select_option("Europe/Berlin")
    preview = page.locator("#oncalendar-preview")
    expect(preview).to_contain_text("Fires at its times")  # the default, explained on load
    page.wait_for_load_state()  # htmx (a deferred script) listens from then on
    expression.fill("Mon..Fri 09:30")
    # The zone in full with its offset, not the ambiguous abbreviation.
    expect(preview).to_contain_text(re.compile(
        r"next at \S+ 09:30.*, then .*09:30.*Central European (Standard|Summer) Time "
        r"\(UTC\+[12]\)"))
    expect(preview).not_to_contain_text(re.compile(r"\bCES?T\b"))
    page.get_by_label("Decide by keywords in the ping's body").check()
    page.get_by_label("Failure keywords").fill("ERROR")
    page.get_by_role("button", name="Create check").click()

    facts = page.locator("#check-status .facts")
    expect(facts).to_contain_text("systemd OnCalendar, Europe/Berlin Mon..Fri 09:30 fires next")
    expect(page.locator("body")).to_contain_text('a failure if it holds \'ERROR\'')
    uuid = page.url.rsplit("/", 1)[-1]
    assert requests.post(f"{live_server}/ping/{uuid}", data=b"tar: ERROR", timeout=10).text == "OK"
    # The page refreshes itself: the state and the log line that says why.
    expect(page.locator("#check-badge .status-word")).to_have_text("down", timeout=15_000)
    expect(page.locator("body")).to_contain_text('failure keyword "ERROR" in the body')
