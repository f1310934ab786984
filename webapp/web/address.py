"""The web's own address, recorded for links written where there is no request.

Alerts are written by the worker, which has no request to copy a host from and,
under honcho or a Procfile platform, is not even given the web's port (honcho
hands the worker PORT=5100). So each web process, on its first request, records
the address it serves, from HOST and PORT (never from a request's Host header,
which anyone can set), and `core.urls.site_root` uses it when BASE_URL is unset.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterable

from flask import Flask

from ..core.heartbeats import beat
from ..core.times import utcnow

log = logging.getLogger(__name__)


def served_address(host: str, port: int) -> str:
    """http://HOST:PORT, with a wildcard bind named by the machine's name."""
    if host in ("", "0.0.0.0", "::"):
        host = socket.gethostname()
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal
    return f"http://{host}:{port}"


class RecordAddress:
    """WSGI middleware: on the first request, the web records its address, once."""

    def __init__(self, app: Flask, wsgi_app: Callable):
        self.app, self.wsgi_app = app, wsgi_app
        self.recorded = False

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if not self.recorded:
            self.recorded = True
            self.record()
        return self.wsgi_app(environ, start_response)

    def record(self) -> None:
        address = served_address(self.app.config["HOST"], self.app.config["PORT"])
        with self.app.app_context():
            try:
                beat("web", utcnow(), detail=address)
            except Exception as e:  # the database is away: links fall back to localhost
                log.warning("could not record the web's address %s: %s", address, e)
