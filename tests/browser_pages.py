"""A fresh browser context for the page tours of the browser tests: a viewport
and a colour scheme, Berlin's time, and the console errors it reports."""

from __future__ import annotations

PHONE = {"width": 390, "height": 844}


def watched_page(browser, live_server: str, viewport: dict, scheme: str):
    """(context, page, errors): `errors` fills with the page's console errors
    and uncaught exceptions. A phone-sized viewport is a touch phone."""
    phone = viewport == PHONE
    context = browser.new_context(base_url=live_server, viewport=viewport, color_scheme=scheme,
                                  timezone_id="Europe/Berlin", locale="en-GB",
                                  is_mobile=phone, has_touch=phone)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page, errors
