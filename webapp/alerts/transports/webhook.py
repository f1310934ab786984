"""Webhooks: the alert's JSON POSTed to a URL, through the guarded session."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import requests
from flask import current_app

from ...core.channels import header_error
from .. import outbound
from .base import Content, DeliveryError, causes, connection_trouble

log = logging.getLogger(__name__)


def readable(e: requests.RequestException, url: str, timeout: float) -> str:
    """One sentence for a webhook that could not be sent."""
    host = urlsplit(url).hostname or url
    for cause in causes(e):
        if isinstance(cause, outbound.PrivateAddressRefused):
            return str(cause)
    if isinstance(e, requests.TooManyRedirects):
        return f"{host} redirected more than {outbound.MAX_REDIRECTS} times"
    if isinstance(e, requests.ReadTimeout):
        return f"{host} did not answer within {timeout:g} s"
    if isinstance(e, (requests.exceptions.InvalidURL, requests.exceptions.InvalidHeader,
                      requests.exceptions.URLRequired)):
        # requests' own text ("Invalid URL 'x': No scheme supplied...") is for
        # developers: the person reads a sentence, the log keeps the detail.
        log.warning("webhook to %s not sent: %s", host, e)
        return ("the webhook cannot be sent as configured: its URL or a header is not one "
                "that can be sent (the log has the details)")
    trouble = connection_trouble(e)
    return f"could not connect to {host}: {trouble or 'the connection failed'}"


def send(url: str, headers: dict[str, str], content: Content) -> None:
    config = current_app.config
    # Rows saved by older releases were not checked for what a header can carry.
    for name, value in headers.items():
        if err := header_error(name, value):
            raise DeliveryError(f"the webhook cannot be sent as configured: {err}")
    session = outbound.session(allow_private=config["INTEGRATIONS_ALLOW_PRIVATE_IPS"])
    try:
        response = session.post(url, json=content.payload, headers=headers,
                                 timeout=config["INTEGRATIONS_TIMEOUT"])
    except requests.RequestException as e:
        raise DeliveryError(readable(e, url, config["INTEGRATIONS_TIMEOUT"])) from e
    finally:
        session.close()
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"the webhook answered HTTP {response.status_code}")
