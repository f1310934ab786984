"""Webhooks: the alert's JSON POSTed to a URL, through the guarded session."""

from __future__ import annotations

import requests
from flask import current_app

from .. import outbound
from .base import Content, DeliveryError


def refusal(e: BaseException) -> outbound.PrivateAddressRefused | None:
    """The guard's refusal, wherever requests and urllib3 wrapped it."""
    seen = set()
    stack: list[BaseException | None] = [e]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, outbound.PrivateAddressRefused):
            return current
        stack.extend([current.__cause__, current.__context__,
                      *[a for a in getattr(current, "args", ()) if isinstance(a, BaseException)],
                      getattr(current, "reason", None)])
    return None


def send(url: str, headers: dict[str, str], content: Content) -> None:
    config = current_app.config
    session = outbound.session(allow_private=config["INTEGRATIONS_ALLOW_PRIVATE_IPS"])
    try:
        response = session.post(url, json=content.payload, headers=headers,
                                 timeout=config["INTEGRATIONS_TIMEOUT"])
    except requests.RequestException as e:
        refused = refusal(e)
        raise DeliveryError(str(refused) if refused else f"{type(e).__name__}: {e}") from e
    finally:
        session.close()
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"the webhook answered HTTP {response.status_code}")
