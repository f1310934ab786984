"""What every ping form shares: request parameters, bad-input errors, and `record`."""

from __future__ import annotations

import json
import math
import uuid as uuidlib

from flask import current_app

from ..alerts.delivery import dispatch
from ..core.pings import Applied, PingData, apply_ping
from .request import PingRequest


class BadPing(ValueError):
    """Input we refuse, with the one-line reason the client is told."""


class PingRefused(Exception):
    """A ping answered with another status than 400, and the message to give."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


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


def read_body(request: PingRequest) -> bytes | None:
    """The request body, cut at PING_BODY_LIMIT bytes (Healthchecks does the same
    and says so in the Ping-Body-Limit header); None when there is none."""
    limit = current_app.config["PING_BODY_LIMIT"]
    body = request.stream.read(limit) if request.method == "POST" else b""
    return body or None


def record(uuid: str, request: PingRequest, **fields) -> Applied | None:
    """Apply a ping from `request` to check `uuid`, then queue any alerts."""
    applied = apply_ping(uuid, PingData(method=request.method, scheme=request.scheme,
                                        remote_addr=request.remote_addr or "",
                                        ua=request.user_agent, **fields))
    if applied is not None:
        dispatch(applied.notifications)
    return applied
