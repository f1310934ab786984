"""Apprise URLs (slack://, ntfy://, tgram://, ...), when APPRISE_ENABLED allows them."""

from __future__ import annotations

from flask import current_app

from ...core.channels import private_target_error
from ...core.text import one_line
from .base import Content, DeliveryError


def send(url: str, headers: dict[str, str], content: Content) -> None:
    if not current_app.config["APPRISE_ENABLED"]:
        raise DeliveryError("Apprise is disabled (APPRISE_ENABLED=true enables it)")
    # Apprise opens its own connections, out of the guarded session's reach; a
    # private address written in the URL is refused here at least (names are not
    # looked up: in many Apprise URLs the "host" is a token or a topic).
    if refused := private_target_error(url, resolve=False):
        raise DeliveryError(refused)
    import apprise  # imported on use: it is large, and most installations never need it

    notifier = apprise.Apprise()
    if not notifier.add(url):
        raise DeliveryError("Apprise does not understand this URL")
    if not notifier.notify(title=one_line(content.subject), body=content.text):
        raise DeliveryError("Apprise could not deliver the notification (see the worker log)")
