"""The transports: email (Flask-Mail over SMTP), webhooks, and Apprise.

Each sender either returns (delivered) or raises `DeliveryError` with a
one-line reason, which is kept on the notification row and shown to the user.
"""

from __future__ import annotations

import smtplib

import requests
from flask import current_app
from flask_mail import Connection, Message

from . import outbound
from .channels import split_addresses


class DeliveryError(Exception):
    """A delivery that did not happen, with the reason to show."""


class TimeoutConnection(Connection):
    """Flask-Mail's connection, with a socket timeout: a hung SMTP server must
    fail the attempt (and be retried) rather than hold the worker forever."""

    def configure_host(self):
        m, timeout = self.mail, current_app.config["MAIL_TIMEOUT"]
        smtp_class = smtplib.SMTP_SSL if m.use_ssl else smtplib.SMTP
        host = smtp_class(m.server, m.port, timeout=timeout)
        if m.use_tls:
            host.starttls()
        if m.username and m.password:
            host.login(m.username, m.password)
        return host


def send_email(addresses: str, subject: str, text: str, html: str) -> None:
    msg = Message(subject=subject, recipients=split_addresses(addresses), body=text, html=html)
    try:
        with TimeoutConnection(current_app.extensions["mail"]) as conn:
            conn.send(msg)
    except (smtplib.SMTPException, OSError) as e:
        raise DeliveryError(f"SMTP: {type(e).__name__}: {e}") from e


def refusal(e: BaseException) -> outbound.PrivateAddressRefused | None:
    """The guard's refusal, wherever requests and urllib3 wrapped it."""
    seen = set()
    stack = [e]
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


def send_webhook(url: str, headers: dict, payload: dict) -> None:
    config = current_app.config
    session = outbound.session(allow_private=config["INTEGRATIONS_ALLOW_PRIVATE_IPS"])
    try:
        response = session.post(url, json=payload, headers=headers,
                                 timeout=config["INTEGRATIONS_TIMEOUT"])
    except requests.RequestException as e:
        refused = refusal(e)
        raise DeliveryError(str(refused) if refused else f"{type(e).__name__}: {e}") from e
    finally:
        session.close()
    if not 200 <= response.status_code < 300:
        raise DeliveryError(f"the webhook answered HTTP {response.status_code}")


def send_apprise(url: str, title: str, body: str) -> None:
    if not current_app.config["APPRISE_ENABLED"]:
        raise DeliveryError("Apprise is disabled (APPRISE_ENABLED=true enables it)")
    import apprise  # imported on use: it is large, and most installations never need it

    notifier = apprise.Apprise()
    if not notifier.add(url):
        raise DeliveryError("Apprise does not understand this URL")
    if not notifier.notify(title=title, body=body):
        raise DeliveryError("Apprise could not deliver the notification (see the worker log)")
