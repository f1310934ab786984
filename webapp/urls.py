"""Public addresses of a check, built from BASE_URL or, failing that, the request."""

from flask import current_app, has_request_context, request


def base_url() -> str:
    if current_app.config["BASE_URL"]:
        return current_app.config["BASE_URL"]
    if has_request_context():
        return request.host_url.rstrip("/")
    # Outside a request (the worker writing an email) there is no host to copy.
    return f"http://localhost:{current_app.config['PORT']}"


def ping_url(path: str) -> str:
    """A Healthchecks-style URL: /ping/<uuid>, or /ping/<ping-key>/<slug>."""
    return f"{base_url()}/ping/{path}"


def push_url(uuid: str) -> str:
    return f"{base_url()}/api/push/{uuid}"


def check_page_url(uuid: str) -> str:
    return f"{base_url()}/checks/{uuid}"
