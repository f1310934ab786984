"""The public base URL as a web request sees it, and the URL map's numbers."""

from flask import current_app, has_request_context, request
from werkzeug.routing import IntegerConverter

from ..core.urls import site_root


def base_url() -> str:
    """BASE_URL, else the host this request came to (else, outside a request,
    the site root the worker uses)."""
    if current_app.config["BASE_URL"] or not has_request_context():
        return site_root()
    return request.host_url.rstrip("/")


class BoundedInt(IntegerConverter):
    """`<int:...>` up to the largest INTEGER, the type of every number a URL
    holds (row ids, ping numbers): a larger one names no row, and PostgreSQL
    would refuse it (a 503) instead of finding nothing (a 404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)
