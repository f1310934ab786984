"""The request the ping door hands its handlers: what a ping reads, straight from the WSGI environ.

werkzeug's Request builds, for every request, a header view, an immutable
MultiDict of the query and a UserAgent; a ping reads three query parameters,
the method and two headers, and all that building was about 6 % of a
ping's instructions (counted by callgrind). A PingRequest reads those few
things itself. A POST's form and body, and Basic auth, are left to a werkzeug
Request made when first needed, so they behave exactly as they do in Flask.
"""

from __future__ import annotations

from functools import cached_property
from urllib.parse import unquote

from werkzeug.wrappers import Request


class PingRequest:
    def __init__(self, environ: dict):
        self.environ = environ
        self.method = environ.get("REQUEST_METHOD", "GET").upper()
        self.scheme = environ.get("wsgi.url_scheme", "http")
        self.remote_addr = environ.get("REMOTE_ADDR")
        self.user_agent = environ.get("HTTP_USER_AGENT", "")

    @cached_property
    def args(self) -> dict[str, str]:
        """The query parameters, the first value of each name, decoded as
        werkzeug decodes them (bytes that are not UTF-8 stay %-escaped)."""
        query = self.environ.get("QUERY_STRING", "")
        if not query.isascii():
            # WSGI hands the raw bytes over as latin-1 text.
            query = query.encode("latin-1").decode("utf-8", "replace")
        args: dict[str, str] = {}
        for pair in query.split("&"):
            if pair:
                name, _, value = pair.partition("=")
                args.setdefault(_unquote(name), _unquote(value))
        return args

    @cached_property
    def _werkzeug(self) -> Request:
        return Request(self.environ)

    @property
    def mimetype(self) -> str:
        return self._werkzeug.mimetype

    @property
    def form(self):
        return self._werkzeug.form

    @property
    def stream(self):
        return self._werkzeug.stream

    @property
    def authorization(self):
        return self._werkzeug.authorization


def _unquote(text: str) -> str:
    if "%" in text or "+" in text:
        # werkzeug's own error handler: invalid UTF-8 stays as it was sent.
        return unquote(text.replace("+", " "), errors="werkzeug.url_quote")
    return text
