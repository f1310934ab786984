"""The ping lane: pings addressed by token, answered without Flask's request machinery.

Machines ping far more often than people load pages, and for a ping Flask's
own per-request work (request context, URL map, session, login and CSRF
hooks, response finalisation) cost more CPU than storing the ping did. The
lane is a WSGI layer in front of the Flask app. It serves

    /api/push/<token>          the Uptime Kuma / Tianji form, JSON answers
    /ping/<uuid>[/<action>]    the Healthchecks form, plain-text answers

and hands every other request to Flask unchanged (pings by ping key and slug,
and the original Heartbeats' /api/pings/, stay Flask views: they log in or
look a check up through the ORM, which costs more than Flask does).

Each form module gives a handler, which records the ping or raises BadPing
(400) or PingRefused, and an `answer` that renders a status and message in
its format. The lane runs the handler inside an app context, so apply_ping
and dispatch work as they do everywhere, and gives every answer the headers
Flask would: CORS for any origin and the security headers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import Flask
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.http import HTTP_STATUS_CODES

from .errors import DATABASE_UNAVAILABLE, INTERNAL_ERROR
from .ping_request import PingRequest
from .security import HEADERS as SECURITY_HEADERS
from .views import hc_ping, push
from .views.ping_common import ANY_ORIGIN, BadPing, PingRefused, is_uuid

METHODS = ("GET", "HEAD", "POST")
# What a browser's preflight asks before a cross-origin POST with a body.
PREFLIGHT = [
    ("Allow", "GET, HEAD, POST, OPTIONS"),
    ("Access-Control-Allow-Methods", "GET, HEAD, POST"),
    ("Access-Control-Allow-Headers", "Content-Type"),
    ("Access-Control-Max-Age", "86400"),
]


class Form:
    """One ping protocol: its handler and how it renders answers."""

    def __init__(self, handle: Callable[..., None],
                 answer: Callable[[int, str | None], tuple[bytes, list]]):
        self.handle, self.answer = handle, answer


PUSH = Form(push.push, push.answer)
HEALTHCHECKS = Form(hc_ping.ping_by_uuid, hc_ping.answer)


def route(path: str) -> tuple[Form, tuple] | None:
    """The form and handler arguments for a lane URL; None leaves it to Flask."""
    parts = path.split("/")
    if parts[1:3] == ["api", "push"] and len(parts) > 3:
        # Any token, even an empty or slashed one, so that every answer under
        # /api/push/ is one Kuma and Tianji can read (those are 404s).
        return PUSH, ("/".join(parts[3:]),)
    if parts[1:2] == ["ping"]:
        if len(parts) == 3 and parts[2]:
            return HEALTHCHECKS, (parts[2], None)
        if len(parts) == 4 and is_uuid(parts[2]):
            return HEALTHCHECKS, (parts[2], parts[3])
    return None


class PingLane:
    """WSGI middleware: lane URLs are answered here, everything else by `wsgi_app`."""

    def __init__(self, app: Flask, wsgi_app: Callable):
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        found = route(environ.get("PATH_INFO", ""))
        if found is None:
            return self.wsgi_app(environ, start_response)
        form, args = found
        method = environ.get("REQUEST_METHOD", "GET")
        if method == "OPTIONS":
            return respond(start_response, 204, b"", PREFLIGHT, head=True)
        with self.app.app_context():
            if method in METHODS:
                status, message = self.run(form, PingRequest(environ), args)
                extra = []
            else:
                status, message = 405, f"method {method} is not allowed: use GET, HEAD or POST"
                extra = [("Allow", ", ".join(METHODS))]
            body, headers = form.answer(status, message)
        return respond(start_response, status, body, headers + extra, head=method == "HEAD")

    def run(self, form: Form, request: PingRequest, args: tuple) -> tuple[int, str | None]:
        """The handler's outcome as (status, message); the message is None for a 200."""
        try:
            form.handle(request, *args)
        except BadPing as e:
            return 400, str(e)
        except PingRefused as e:
            return e.status, e.message
        except (DBAPIError, PoolTimeout) as e:
            # Never a 200 without the commit; the client may try again.
            self.app.logger.error("database error: %s", e)
            return 503, DATABASE_UNAVAILABLE
        except Exception:
            self.app.logger.exception("unhandled error")
            return 500, INTERNAL_ERROR
        return 200, None


def respond(start_response: Callable, status: int, body: bytes,
            headers: list[tuple[str, str]], *, head: bool = False) -> list[bytes]:
    start_response(f"{status} {HTTP_STATUS_CODES.get(status, 'Unknown')}", [
        *headers, ANY_ORIGIN, *SECURITY_HEADERS, ("Content-Length", str(len(body))),
    ])
    return [] if head else [body]
