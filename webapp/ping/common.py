"""What every ping form shares: request parameters, bad-input errors, and `record`."""

from __future__ import annotations

import json
import math
import uuid as uuidlib
from typing import NamedTuple

from flask import current_app

from ..alerts.delivery import dispatch
from ..core.ping_batches import record_ping
from ..core.pings import BY_UUID, MSG_LIMIT, Applied, PingData
from .request import PingRequest


class BadPing(ValueError):
    """Input we refuse, with the one-line reason the client is told."""


class PingRefused(Exception):
    """A ping answered with another status than 400, and the message to give."""

    def __init__(self, status: int, message: str, headers: list[tuple[str, str]] | None = None):
        super().__init__(message)
        self.status, self.message = status, message
        self.headers = headers or []  # e.g. a 429's Retry-After


class Answered(NamedTuple):
    """What a handler returns for a success that is not the plain 200: the
    status and the message its answer carries (e.g. 201 Created)."""

    status: int
    message: str


def rate_limited(what: str, wait: int) -> PingRefused:
    """A 429 that says what was too much and when to try again (also as Retry-After)."""
    return PingRefused(429, f"{what}; try again in {wait} s", headers=[("Retry-After", str(wait))])


def json_bytes(document: object) -> bytes:
    """A JSON answer's body, compact and newline-ended, as jsonify writes it."""
    return json.dumps(document, separators=(",", ":")).encode() + b"\n"


def param(request: PingRequest, name: str) -> str | None:
    """A query parameter, or a form field of a POST; None when absent."""
    value = request.args.get(name)
    if value is None and request.method == "POST" and request.mimetype in (
        "application/x-www-form-urlencoded", "multipart/form-data"
    ):
        value = request.form.get(name)
    return value


def parse_value(raw: str | None) -> float | None:
    """A finite number, or None for an absent or empty parameter."""
    if raw is None or raw.strip() == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise BadPing(f"value must be a number (got {raw[:50]!r})") from None
    if not math.isfinite(value):
        raise BadPing(f"value must be a finite number (got {raw[:50]!r})")
    return value


def parse_rid(raw: str | None) -> str | None:
    """Healthchecks' run id: a UUID, kept in its canonical form."""
    if raw is None or raw == "":
        return None
    try:
        return str(uuidlib.UUID(raw))
    except ValueError:
        raise BadPing(f"rid must be a UUID (got {raw[:50]!r})") from None


def is_uuid(text: str) -> bool:
    try:
        uuidlib.UUID(text)
    except ValueError:
        return False
    return True


def stored_text(raw: str | None) -> str | None:
    """A ping's message as it is kept: cut at MSG_LIMIT characters, a NUL (which
    PostgreSQL's text cannot hold) shown as U+FFFD, as bytes that are not UTF-8
    are; None when empty."""
    if not raw:
        return None
    return raw[:MSG_LIMIT].replace("\x00", "\ufffd")


def read_body(request: PingRequest) -> bytes | None:
    """The request body, cut at PING_BODY_LIMIT bytes (Healthchecks does the same
    and says so in the Ping-Body-Limit header); None when there is none."""
    if request.method != "POST":
        return None
    body = request.stream.read(current_app.config["PING_BODY_LIMIT"])
    request.read_to_the_end()
    return body or None


def record(token: str, request: PingRequest, by: tuple[str, ...] = BY_UUID,
           **fields) -> Applied | None:
    """Apply a ping from `request` to the check `token` names (see `apply_ping`
    for `by`), then queue any alerts."""
    applied = record_ping(token, PingData(method=request.method, scheme=request.scheme,
                                         remote_addr=request.remote_addr or "",
                                         ua=request.user_agent, **fields), by=by)
    if applied is not None:
        dispatch(applied.notifications)
    return applied
