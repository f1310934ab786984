"""A check's public addresses, and the site root they hang from.

The root is BASE_URL. Without it a web request knows the host it came to
(`web.urls.base_url`), but the worker, which writes the links in alerts, knows
none: it uses the address the web recorded when it began serving
(`web.address`), and only when there is none yet, http://localhost:PORT.
"""

from flask import current_app

from .heartbeats import web_address


def site_root() -> str:
    """BASE_URL, else the web's recorded address, else http://localhost:PORT."""
    config = current_app.config
    return config["BASE_URL"] or web_address() or f"http://localhost:{config['PORT']}"


def ping_url(base: str, path: str) -> str:
    """A Healthchecks-style URL: /ping/<uuid>, or /ping/<ping-key>/<slug>."""
    return f"{base}/ping/{path}"


def push_url(base: str, uuid: str) -> str:
    """The Uptime Kuma / Tianji push URL."""
    return f"{base}/api/push/{uuid}"


def check_page_url(base: str, uuid: str) -> str:
    return f"{base}/checks/{uuid}"
