"""What every transport takes and how it fails."""

from __future__ import annotations

from collections.abc import Callable
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
