"""Playwright, driving Debian's Chromium (never a downloaded browser build).

`make test` installs /usr/bin/chromium with apt when it is missing. Without it
these tests are skipped with the reason, except under CI, where that fails.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).parent / "artifacts"
# Headless Chromium in a container: no sandbox (we run as root), no GPU, and
# nothing that phones home.
ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        message = f"Debian's Chromium is not at {CHROMIUM}; `make test` installs it with apt"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    return {
        **browser_context_args,
        "base_url": live_server,
        "viewport": {"width": 1280, "height": 860},
        "timezone_id": "Europe/Berlin",  # the new-check form should preselect it
        "locale": "en-GB",
        "permissions": ["clipboard-read", "clipboard-write"],
    }


class Console(list):
    """Console errors and uncaught exceptions; a test may allow ones it causes on purpose."""

    def __init__(self):
        super().__init__()
        self.allowed: list[re.Pattern] = []

    def allow(self, pattern: str) -> None:
        self.allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [e for e in self if not any(p.search(e) for p in self.allowed)]


@pytest.fixture
def console(page):
    """Fails the test on any console error or uncaught exception it did not allow."""
    errors = Console()
    page.on("console", lambda msg: errors.append(f"console.{msg.type}: {msg.text}")
            if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"uncaught: {exc}"))
    yield errors
    assert errors.unexpected() == [], "the browser reported errors"


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


EMAIL, PASSWORD = "alice@example.com", "correct horse"


@pytest.fixture
def logged_in_page(app, page, console, user):
    """A page logged in as `user` (alice@example.com) through the login form,
    having followed `/` to the checks list."""
    from playwright.sync_api import expect

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login\?next=%2F$"))
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Checks", exact=True)).to_be_visible()
    return page
