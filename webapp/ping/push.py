"""The push URL of Uptime Kuma and Tianji: /api/push/<token>.

The token is a check's uuid, or the push token an imported monitor kept
(`core.push_tokens`). The parameters mean what the two peers make of them
where they agree, and what Uptime Kuma makes of them where they do not
(README, "Uptime Kuma / Tianji"; tests/compat/ port both handlers' behaviour):

- `status` is case-sensitive, as in both: absent, empty or `up` is a success,
  `down` a failure, and our own `ok` and `fail` the same two. Any other word
  (`UP`, `DOWN`, `error`) is a failure, as Kuma reads it; Tianji reads it as a
  success, which would pass a job's failure off as a success without a word,
  while a false alarm is seen and fixed. The answer's `warning` says so.
- `ping` (Kuma's response time, in ms): a number from 0 to 24 hours is the
  ping's value; outside that range a 400, as Kuma 2 answers. Anything that is
  no number is left out and the heartbeat recorded, as Kuma 1 records it
  (`parseFloat(ping) || null`): a job's heartbeat is never lost for its
  response time. The answer's `warning` says so.
- `value` (Tianji's number) is kept and judged against the check's bounds,
  so it must be a finite number (else a 400); it wins over `ping`.

Answers are JSON: {"ok": true, "message": ...} as Tianji gives it (Kuma's
clients read only `ok`), with a `warning` when part of the request was read
otherwise than a client may expect; errors are {"ok": false, "msg": ...,
"error": ...}, because Kuma's clients read `msg` and Tianji's read `error`.
"""

from __future__ import annotations

import math

from ..core.pings import Applied
from ..core.push_tokens import PUSH_TOKEN_LIMIT
from ..core.text import can_name_a_row
from .common import (
    BadPing,
    PingRefused,
    is_uuid,
    json_bytes,
    param,
    parse_value,
    record,
    stored_text,
)
from .request import PingRequest

# Case-sensitive, as Kuma (`statusString === "up"`) and Tianji
# (`req.query.status === 'down'`) compare; "ok" and "fail" are ours.
STATUS_WORDS = {"": "success", "up": "success", "ok": "success",
                "down": "fail", "fail": "fail"}
# Kuma 2's bounds for `ping` (server/routers/api-router.js, MAX_PING_VALUE).
MAX_PING_MS = 86_400_000
# A uuid-shaped token may be a check's uuid, or a kept push token (a Kuma
# token of 32 hex digits is a UUID to the parser); any other, a push token only.
BY_UUID_OR_PUSH_TOKEN = ("uuid", "push_token")
BY_PUSH_TOKEN = ("push_token",)
# Tianji's words for an accepted push (src/server/router/push.ts).
RECEIVED = "Push received successfully"
# Made once: nearly every accepted ping answers it.
OK_BODY = json_bytes({"ok": True, "message": RECEIVED})


def parse_status(raw: str | None) -> tuple[str, str | None]:
    """The ping's kind, and a warning when `raw` is read as Kuma reads a word it does not know."""
    if raw is None or raw in STATUS_WORDS:
        return STATUS_WORDS[raw or ""], None
    return "fail", (f"status {raw[:50]!r} is neither 'up' nor 'down' (they are lower case): "
                    "recorded as down, as Uptime Kuma reads it")


def parse_ping(raw: str | None) -> tuple[float | None, str | None]:
    """Kuma's `ping`: milliseconds, or None when absent, empty or no number
    (with a warning saying it was left out). Out of range is a BadPing."""
    if raw is None or raw.strip() == "":
        return None, None
    try:
        # Python reads "1_000" as 1000; JavaScript's Number, which Kuma uses, does not.
        number = math.nan if "_" in raw else float(raw)
    except ValueError:
        number = math.nan
    if math.isnan(number):
        return None, f"ping {raw[:50]!r} is not a number: the heartbeat is recorded without it"
    if not 0 <= number <= MAX_PING_MS:
        raise BadPing(f"ping must be from 0 to {MAX_PING_MS} milliseconds (24 hours) "
                      f"(got {raw[:50]!r})")
    return number + 0.0, None  # -0 is 0


def push(request: PingRequest, token: str) -> list[str]:
    """Record a heartbeat: ?status=up|down&msg=...&value=... (or Kuma's ping=).

    Returns the warnings for the answer (empty for a plain heartbeat)."""
    kind, status_warning = parse_status(param(request, "status"))
    value = parse_value(param(request, "value"))
    ping, ping_warning = parse_ping(param(request, "ping"))
    warnings = [w for w in (status_warning, ping_warning) if w]
    applied = None
    if can_name_a_row(token) and len(token) <= PUSH_TOKEN_LIMIT:
        applied = record(token, request, BY_UUID_OR_PUSH_TOKEN if is_uuid(token) else BY_PUSH_TOKEN,
                         kind=kind, msg=stored_text(param(request, "msg")),
                         value=ping if value is None else value)
    if applied is None:
        raise PingRefused(404, "no check has this push token")
    if applied.kind == "ign":
        warnings.append(ignored_because(applied))
    return warnings


def ignored_because(applied: Applied) -> str:
    """Why a stored ping changed nothing (Kuma and Tianji answer 404 for a
    paused monitor; we keep the ping, and say it was not applied)."""
    if applied.old_status == "paused":
        return "the check is paused until resumed by hand: the ping is logged, not applied"
    return "the check counts only POST pings: the ping is logged, not applied"


def answer(status: int, message: str | None, payload: list[str] | None = None
           ) -> tuple[bytes, list[tuple[str, str]]]:
    """The body and headers of a push answer."""
    headers = [("Content-Type", "application/json")]
    if status == 200:
        if not payload:
            return OK_BODY, headers
        return json_bytes({"ok": True, "message": RECEIVED, "warning": " ".join(
            f"{w[0].upper()}{w[1:]}." for w in payload)}), headers
    return json_bytes({"ok": False, "msg": message, "error": message}), headers
