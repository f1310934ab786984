"""The cookie session, opened only when the request carries a session cookie.

Flask opens the session on every request, and its cookie interface builds a
signing serializer each time, even with no cookie to read. Machines (API
clients, pings by slug or to /api/pings/) never send one, and for them that
serializer was the largest piece of Flask's own work per request. Without a
cookie the session can only be a new, empty one, so that is what a request
without one gets.
"""

from __future__ import annotations

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface


class SessionInterface(SecureCookieSessionInterface):
    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if self.get_cookie_name(app) not in request.cookies:
            return self.session_class()
        return super().open_session(app, request)
