"""The push endpoint of Uptime Kuma and Tianji: /api/push/<token>."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from ..pings import MSG_LIMIT
from .ping_common import BadPing, allow_any_origin, param, parse_value, record

bp = Blueprint("push", __name__)
allow_any_origin(bp)

# What jsonify(ok=True) gives, made once: every accepted ping answers it.
OK_BODY = b'{"ok":true}\n'

STATUS_WORDS = {"up": "success", "ok": "success", "down": "fail", "fail": "fail"}


def push_error(message: str, status: int):
    # Uptime Kuma's clients read `msg`, Tianji's read `error`: give both.
    return jsonify(ok=False, msg=message, error=message), status


def parse_status(raw: str | None) -> str:
    word = (raw or "up").strip().lower()
    if word not in STATUS_WORDS:
        raise BadPing(f"status must be one of up, down, ok, fail (got {raw!r})")
    return STATUS_WORDS[word]


@bp.route("/api/push/<token>", methods=["GET", "POST", "HEAD"])
def push(token: str):
    """Record a heartbeat: ?status=up|down&msg=...&value=... (or Kuma's ping=)."""
    try:
        kind = parse_status(param("status"))
        raw_value = param("value")
        # Uptime Kuma sends its response time as `ping`, empty when unknown.
        value = parse_value(raw_value if raw_value not in (None, "") else param("ping"))
    except BadPing as e:
        return push_error(str(e), 400)
    msg = param("msg")
    if record(token, kind=kind, msg=msg[:MSG_LIMIT] if msg else None, value=value) is None:
        return push_error("no check has this push token", 404)
    return current_app.response_class(OK_BODY, mimetype="application/json")
