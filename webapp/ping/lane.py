"""The ping door: every ping URL, answered in front of Flask.

Machines ping far more often than people load pages, and for a ping Flask's
own per-request work (request context, URL map, session, login and CSRF
hooks, response finalisation) cost more CPU than storing the ping did. The
door is a WSGI layer in front of the Flask app: it answers the URLs that
`routes.route` names, and hands every other request to Flask unchanged.

It runs the handler inside an app context, so apply_ping, the ORM session and
dispatch work as they do everywhere, and gives every answer the headers Flask
would: CORS for any origin (pings may come from browser code on any site)
and the security headers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Flask
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.http import HTTP_STATUS_CODES

from ..web.errors import DATABASE_UNAVAILABLE, INTERNAL_ERROR
from ..web.security import HEADERS as SECURITY_HEADERS
from .common import BadPing, PingRefused
from .request import PingRequest
from .routes import Routed, route

METHODS = ("GET", "HEAD", "POST")
ANY_ORIGIN = ("Access-Control-Allow-Origin", "*")
# What a browser's preflight asks before a cross-origin POST with a body.
PREFLIGHT = [
    ("Allow", "GET, HEAD, POST, OPTIONS"),
    ("Access-Control-Allow-Methods", "GET, HEAD, POST"),
    ("Access-Control-Allow-Headers", "Content-Type"),
    ("Access-Control-Max-Age", "86400"),
]


class PingLane:
    """WSGI middleware: ping URLs are answered here, everything else by `wsgi_app`."""

    def __init__(self, app: Flask, wsgi_app: Callable):
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.isascii():
            # WSGI hands the raw bytes over as latin-1 text; Flask reads them as UTF-8.
            path = path.encode("latin-1").decode("utf-8", "replace")
        found = route(path)
        if found is None:
            return self.wsgi_app(environ, start_response)
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "OPTIONS":
            return respond(start_response, 204, b"", PREFLIGHT, head=True)
        with self.app.app_context():
            if method in METHODS:
                status, message, payload = self.run(found, PingRequest(environ))
                extra = []
            else:
                status, payload = 405, None
                message = f"method {method} is not allowed: use GET, HEAD or POST"
                extra = [("Allow", ", ".join(METHODS))]
            body, headers = found.answer(status, message, payload)
        return respond(start_response, status, body, headers + extra, head=method == "HEAD")

    def run(self, found: Routed, request: PingRequest) -> tuple[int, str | None, object]:
        """The handler's outcome as (status, message, payload); the message is None for a 200."""
        try:
            payload = found.handle(request, *found.args)
        except BadPing as e:
            return 400, str(e), None
        except PingRefused as e:
            return e.status, e.message, None
        except (DBAPIError, PoolTimeout) as e:
            # Never a 200 without the commit; the client may try again.
            self.app.logger.error("database error: %s", e)
            return 503, DATABASE_UNAVAILABLE, None
        except Exception:
            self.app.logger.exception("unhandled error")
            return 500, INTERNAL_ERROR, None
        return 200, None, payload


def respond(start_response: Callable, status: int, body: bytes,
            headers: list[tuple[str, str]], *, head: bool = False) -> list[bytes]:
    start_response(f"{status} {HTTP_STATUS_CODES.get(status, 'Unknown')}", [
        *headers, ANY_ORIGIN, *SECURITY_HEADERS, ("Content-Length", str(len(body))),
    ])
    return [] if head else [body]
