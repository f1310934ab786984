"""The ping door: every ping URL, answered in front of Flask.

Machines ping far more often than people load pages, and for a ping Flask's
own per-request work (request context, URL map, session, login and CSRF
hooks, response finalisation) cost more CPU than storing the ping did. The
door is a WSGI layer in front of the Flask app: it answers the URLs that
`routes.route` names, and hands every other request to Flask unchanged.

It runs the handler inside an app context, so apply_ping, the ORM session and
dispatch work as they do everywhere, and gives every answer the headers Flask
would: CORS for any origin (pings may come from browser code on any site)
and the security headers; and one Flask's would not, that no cache may keep it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Flask
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from ..web.errors import DATABASE_UNAVAILABLE, INTERNAL_ERROR, http_message, too_large_message
from ..web.security import headers_for
from . import throttle
from .common import Answered, BadPing, PingRefused
from .request import PingRequest
from .routes import Routed, route

METHODS = ("GET", "HEAD", "POST")
ANY_ORIGIN = ("Access-Control-Allow-Origin", "*")
# A ping answer a proxy or browser cache kept would mean later pings never
# reach us: Healthchecks' never_cache value (test_ping.py test_it_never_caches).
NEVER_CACHE = ("Cache-Control", "max-age=0, no-cache, no-store, must-revalidate, private")
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
        self.security = headers_for(app)
        self.throttle = throttle.init_app(app)

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
            return self.respond(start_response, 204, b"", PREFLIGHT, head=True)
        with self.app.app_context():
            if method in METHODS:
                status, message, payload, extra = self.run(found, PingRequest(environ))
            else:
                status, payload = 405, None
                message = f"method {method} is not allowed: use GET, HEAD or POST"
                extra = [("Allow", ", ".join(METHODS))]
            body, headers = found.answer(status, message, payload)
        return self.respond(start_response, status, body, headers + extra,
                            head=method == "HEAD")

    def run(self, found: Routed, request: PingRequest
            ) -> tuple[int, str | None, object, list[tuple[str, str]]]:
        """The handler's outcome as (status, message, payload, extra headers);
        the message is None for a 200."""
        if request.declares_too_much(self.app.config):
            return 413, too_large_message(self.app.config), None, []
        address = request.remote_addr or ""
        try:
            self.throttle.before_ping(found.check, address)
            payload = found.handle(request, *found.args)
        except BadPing as e:
            return 400, str(e), None, []
        except PingRefused as e:
            if e.status == 404:
                self.throttle.missed(address)
            return e.status, e.message, None, e.headers
        except HTTPException as e:
            # werkzeug's, while reading the body: 413 past a limit, 400 for a body
            # cut short of its Content-Length.
            return e.code or 400, http_message(e, self.app.config), None, []
        except (DBAPIError, PoolTimeout) as e:
            # Never a 200 without the commit; the client may try again.
            self.app.logger.error("database error: %s", e)
            return 503, DATABASE_UNAVAILABLE, None, []
        except Exception:
            self.app.logger.exception("unhandled error")
            return 500, INTERNAL_ERROR, None, []
        if isinstance(payload, Answered):
            return payload.status, payload.message, None, []
        return 200, None, payload, []

    def respond(self, start_response: Callable, status: int, body: bytes,
                headers: list[tuple[str, str]], *, head: bool = False) -> list[bytes]:
        start_response(f"{status} {HTTP_STATUS_CODES.get(status, 'Unknown')}", [
            *headers, ANY_ORIGIN, NEVER_CACHE, *self.security,
            ("Content-Length", str(len(body))),
        ])
        return [] if head else [body]
