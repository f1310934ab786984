"""A check's public addresses, and the site root they hang from.

The root is BASE_URL. Without it a web request knows the host it came to
(`web.urls.base_url`), but the worker, which writes the links in alerts, knows
none: it uses http://localhost:PORT, which is right for `make run` and tells
anyone reading a mail from a real deployment to set BASE_URL.
"""

from flask import current_app


def site_root() -> str:
    """BASE_URL, else http://localhost:PORT."""
    return current_app.config["BASE_URL"] or f"http://localhost:{current_app.config['PORT']}"


def ping_url(base: str, path: str) -> str:
    """A Healthchecks-style URL: /ping/<uuid>, or /ping/<ping-key>/<slug>."""
    return f"{base}/ping/{path}"


def push_url(base: str, uuid: str) -> str:
    """The Uptime Kuma / Tianji push URL."""
    return f"{base}/api/push/{uuid}"


def check_page_url(base: str, uuid: str) -> str:
    return f"{base}/checks/{uuid}"
