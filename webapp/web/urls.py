"""The public base URL as a web request sees it."""

from flask import current_app, has_request_context, request

from ..core.urls import site_root


def base_url() -> str:
    """BASE_URL, else the host this request came to (else, outside a request,
    the site root the worker uses)."""
    if current_app.config["BASE_URL"] or not has_request_context():
        return site_root()
    return request.host_url.rstrip("/")
