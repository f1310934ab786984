"""The push endpoint of Uptime Kuma and Tianji: /api/push/<token>."""

from __future__ import annotations

import math

from flask import Blueprint, jsonify, request

from ..notify import dispatch
from ..pings import MSG_LIMIT, PingData, apply_ping

bp = Blueprint("push", __name__)

STATUS_WORDS = {"up": "success", "ok": "success", "down": "fail", "fail": "fail"}


class BadPing(ValueError):
    """Input we refuse, with the one-line reason the client is told."""


def push_error(message: str, status: int):
    # Uptime Kuma's clients read `msg`, Tianji's read `error`: give both.
    return jsonify(ok=False, msg=message, error=message), status


def param(name: str) -> str | None:
    """A query parameter, or a form field of a POST; None when absent."""
    value = request.args.get(name)
    if value is None and request.method == "POST" and request.mimetype in (
        "application/x-www-form-urlencoded", "multipart/form-data"
    ):
        value = request.form.get(name)
    return value


def parse_status(raw: str | None) -> str:
    word = (raw or "up").strip().lower()
    if word not in STATUS_WORDS:
        raise BadPing(f"status must be one of up, down, ok, fail (got {raw!r})")
    return STATUS_WORDS[word]


def parse_value(raw: str | None) -> float | None:
    """`value`, or Uptime Kuma's `ping` when `value` is absent; empty means none."""
    if raw is None or raw.strip() == "":
        return None
    try:
        value = float(raw)
    except ValueError:
        raise BadPing(f"value must be a number (got {raw[:50]!r})") from None
    if not math.isfinite(value):
        raise BadPing(f"value must be a finite number (got {raw[:50]!r})")
    return value


def request_facts() -> dict:
    """Where a ping came from, as every ping form records it."""
    return {
        "method": request.method,
        "scheme": request.scheme,
        "remote_addr": request.remote_addr or "",
        "ua": request.user_agent.string or "",
    }


@bp.route("/api/push/<token>", methods=["GET", "POST", "HEAD"])
def push(token: str):
    """Record a heartbeat: ?status=up|down&msg=...&value=... (or Kuma's ping=)."""
    try:
        kind = parse_status(param("status"))
        raw_value = param("value")
        value = parse_value(raw_value if raw_value not in (None, "") else param("ping"))
    except BadPing as e:
        return push_error(str(e), 400)
    msg = param("msg")
    data = PingData(kind=kind, msg=msg[:MSG_LIMIT] if msg else None, value=value,
                    **request_facts())
    applied = apply_ping(token, data)
    if applied is None:
        return push_error("no check has this push token", 404)
    dispatch(applied.notifications)
    return jsonify(ok=True)
