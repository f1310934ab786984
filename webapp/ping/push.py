"""The push URL of Uptime Kuma and Tianji: /api/push/<token>.

Answers are JSON: {"ok": true}, or {"ok": false, "msg": ..., "error": ...},
because Uptime Kuma's clients read `msg` and Tianji's read `error`.
"""

from __future__ import annotations

from ..core.text import can_name_a_row
from .common import (
    BadPing,
    PingRefused,
    json_bytes,
    param,
    parse_value,
    record,
    stored_text,
)
from .request import PingRequest

STATUS_WORDS = {"up": "success", "ok": "success", "down": "fail", "fail": "fail"}

# Made once: every accepted ping answers it.
OK_BODY = json_bytes({"ok": True})


def parse_status(raw: str | None) -> str:
    word = (raw or "up").strip().lower()
    if word not in STATUS_WORDS:
        raise BadPing(f"status must be one of up, down, ok, fail (got {raw!r})")
    return STATUS_WORDS[word]


def push(request: PingRequest, token: str) -> None:
    """Record a heartbeat: ?status=up|down&msg=...&value=... (or Kuma's ping=)."""
    kind = parse_status(param(request, "status"))
    raw_value = param(request, "value")
    # Uptime Kuma sends its response time as `ping`, empty when unknown.
    value = parse_value(raw_value if raw_value not in (None, "") else param(request, "ping"))
    if not can_name_a_row(token) or record(token, request, kind=kind,
                                       msg=stored_text(param(request, "msg")),
                                       value=value) is None:
        raise PingRefused(404, "no check has this push token")


def answer(status: int, message: str | None, payload: None = None
           ) -> tuple[bytes, list[tuple[str, str]]]:
    """The body and headers of a push answer."""
    headers = [("Content-Type", "application/json")]
    if status == 200:
        return OK_BODY, headers
    return json_bytes({"ok": False, "msg": message, "error": message}), headers
