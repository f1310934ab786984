"""One transport per channel kind, found by kind in TRANSPORTS.

Each is a `send(target, headers, content)` that returns when the message is
delivered and raises DeliveryError, with a one-line reason, when it is not.
A new kind of channel is a module here, a line below, and its name in
`core.channels.KINDS`.
"""

from __future__ import annotations

from ...db.secrets import UNREADABLE_REASON, unreadable
from . import apprise, email, webhook
from .base import Content, DeliveryError, Send

__all__ = ["TRANSPORTS", "Content", "DeliveryError", "transmit"]

TRANSPORTS: dict[str, Send] = {
    "email": email.send,
    "webhook": webhook.send,
    "apprise": apprise.send,
}


def transmit(kind: str, target: str, headers: dict[str, str], content: Content) -> None:
    """Hand a message to the transport of its channel kind; raises DeliveryError."""
    send = TRANSPORTS.get(kind)
    if send is None:
        raise DeliveryError(f"unknown channel kind {kind!r}")
    # Sent to the marker's text, or without its headers, it would fail for a
    # puzzling reason (or reach a webhook unauthenticated): give the real one.
    if unreadable(target) or unreadable(headers):
        raise DeliveryError(UNREADABLE_REASON)
    send(target, headers, content)
