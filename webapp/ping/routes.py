"""The ping URL space, in one table: which handler answers a path, in which format.

Every ping URL is served here, by the ping door in front of Flask; Flask has
no ping routes at all, so there is one set of rules to read and to change:

    /api/push/<token>                     push.push            JSON (Kuma/Tianji)
    /api/pings[/]                         legacy.report        JSON (original Heartbeats)
    /ping/<uuid>[/<action>]               ping_by_uuid         plain text (Healthchecks)
    /ping/<ping-key>/<slug>[/<action>]    ping_by_slug         plain text
    /ping/<anything else>                 not_found (404)      plain text

Any token under /api/push/, even an empty or slashed one, is the push form,
so that every answer there is one Kuma and Tianji can read (those are 404s).
A ping key is never shaped like a UUID (see `core.models.new_ping_key`), so
/ping/<x>/<y> is a uuid with an action when x is a UUID, else a slug URL;
/ping/<uuid>/ (an empty action) is a success.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

from . import healthchecks, legacy, push
from .common import is_uuid

# answer(status, message, payload) -> (body, headers); the message is None
# for a 200, and the payload is what the handler returned.
Answer = Callable[[int, str | None, Any], tuple[bytes, list[tuple[str, str]]]]


class Routed(NamedTuple):
    handle: Callable[..., Any]  # handle(request, *args): records, or raises BadPing/PingRefused
    answer: Answer
    args: tuple[str, ...]
    # What names the check, for its rate limit: the token, or ping key and slug
    # (whatever the action). None where no check is named by the URL.
    check: str | None = None


def route(path: str) -> Routed | None:
    """The handler for a ping URL; None for every other URL, which is Flask's."""
    parts = path.split("/")
    if parts[1:3] == ["api", "push"] and len(parts) > 3:
        token = "/".join(parts[3:])
        return Routed(push.push, push.answer, (token,), token)
    if parts[1:3] == ["api", "pings"] and parts[3:] in ([], [""]):
        return Routed(legacy.report, legacy.answer, ())
    if parts[1:2] != ["ping"] or len(parts) < 3:
        return None
    rest = parts[2:]
    if len(rest) == 1 and rest[0]:
        return Routed(healthchecks.ping_by_uuid, healthchecks.answer, (rest[0],), rest[0])
    if len(rest) == 2 and is_uuid(rest[0]):
        # /ping/<uuid>/ is a success, as Healthchecks' hc-ping-slash route has it.
        args = (rest[0], rest[1]) if rest[1] else (rest[0],)
        return Routed(healthchecks.ping_by_uuid, healthchecks.answer, args, rest[0])
    if len(rest) in (2, 3) and all(rest):
        return Routed(healthchecks.ping_by_slug, healthchecks.answer, tuple(rest),
                      f"{rest[0]}/{rest[1]}")
    return Routed(healthchecks.not_found, healthchecks.answer, ())
