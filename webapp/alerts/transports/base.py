"""What every transport takes and how it fails."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable, Iterator
from typing import Any, NamedTuple


class DeliveryError(Exception):
    """A delivery that did not happen, with the one-line reason to show
    (kept on the notification row, and shown in the check's log)."""


class Content(NamedTuple):
    """One message, in every shape a transport may want."""

    subject: str
    text: str
    html: str
    payload: dict[str, Any]  # the webhook's JSON


# send(target, headers, content): returns when delivered, raises DeliveryError when not.
# `target` is the channel's value (addresses, a URL); `headers` a webhook's own.
Send = Callable[[str, dict[str, str], Content], None]


def causes(e: BaseException) -> Iterator[BaseException]:
    """`e` and every exception behind it, however the libraries wrapped them
    (cause, context, arguments, urllib3's `reason`)."""
    seen: set[int] = set()
    stack: list[object] = [e]
    while stack:
        current = stack.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        stack.extend([current.__cause__, current.__context__, *getattr(current, "args", ()),
                      getattr(current, "reason", None)])


def connection_trouble(e: BaseException) -> str | None:
    """Why a connection failed, in a few words: "name does not resolve",
    "connection refused", "timed out"; None when it was something else."""
    for cause in causes(e):
        if isinstance(cause, socket.gaierror) or type(cause).__name__ == "NameResolutionError":
            return "name does not resolve"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, TimeoutError):  # socket.timeout is its other name
            return "timed out"
        if isinstance(cause, ssl.SSLError):
            return f"TLS failed ({cause.reason or cause.strerror or 'handshake'})"
        if isinstance(cause, ConnectionResetError):
            return "the connection was reset"
    return None
