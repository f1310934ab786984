"""The request the ping door hands its handlers: what a ping reads, straight from the WSGI environ.

werkzeug's Request builds, for every request, a header view, an immutable
MultiDict of the query and a UserAgent; a ping reads three query parameters,
the method and two headers, and all that building was about 6 % of a
ping's instructions (counted by callgrind). A PingRequest reads those few
things itself. A POST's form and body, and Basic auth, are left to a werkzeug
Request made when first needed, so they behave exactly as they do in Flask,
under the same limits (MAX_CONTENT_LENGTH, MAX_FORM_MEMORY_SIZE, MAX_FORM_PARTS).
"""

from __future__ import annotations

from functools import cached_property
from urllib.parse import unquote

from flask import current_app
from werkzeug.wrappers import Request
from werkzeug.wsgi import get_content_length

from ..web.errors import over_limit


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

    def declares_too_much(self, config) -> bool:
        """Whether the Content-Length header announces more than MAX_CONTENT_LENGTH,
        so the ping is refused before a byte is read. A ping without a body pays
        one dict lookup; a body of unknown length is cut at the limit by the
        stream instead (see `_werkzeug`)."""
        if not self.environ.get("CONTENT_LENGTH"):
            return False
        # werkzeug's reading of the header: a bad one is 0.
        return over_limit(get_content_length(self.environ), config)

    @cached_property
    def _werkzeug(self) -> Request:
        request = Request(self.environ)
        # Flask's Request reads these from the config; werkzeug's has class
        # defaults (no length limit at all), so they are set here. Past any of
        # them werkzeug raises RequestEntityTooLarge, which the door answers 413.
        config = current_app.config
        request.max_content_length = config["MAX_CONTENT_LENGTH"]
        request.max_form_memory_size = config["MAX_FORM_MEMORY_SIZE"]
        request.max_form_parts = config["MAX_FORM_PARTS"]
        return request

    @property
    def content_length(self) -> int | None:
        """The declared body length; None for a body of unknown length (chunked)."""
        return self._werkzeug.content_length

    @property
    def mimetype(self) -> str:
        return self._werkzeug.mimetype

    @cached_property
    def form(self):
        form = self._werkzeug.form
        self.read_to_the_end()
        return form

    def read_to_the_end(self) -> None:
        """Read what is left of a body of unknown length (chunked): werkzeug stops
        reading one at MAX_CONTENT_LENGTH without a word (a form is cut short,
        a body kept in part), while reading on makes its stream raise
        RequestEntityTooLarge, a 413, as for a declared length. What is read
        here is dropped."""
        if self.content_length is None:
            stream = self._werkzeug.stream
            while stream.read(64 * 1024):
                pass

    @property
    def stream(self):
        return self._werkzeug.stream

    @property
    def authorization(self):
        """The Authorization header parsed, or None (also for one that is not
        valid base64 or UTF-8, which werkzeug refuses with a ValueError)."""
        try:
            return self._werkzeug.authorization
        except ValueError:
            return None


def _unquote(text: str) -> str:
    if "%" in text or "+" in text:
        # werkzeug's own error handler: invalid UTF-8 stays as it was sent.
        return unquote(text.replace("+", " "), errors="werkzeug.url_quote")
    return text
