"""Email, through Flask-Mail over SMTP."""

from __future__ import annotations

import smtplib

from flask import current_app
from flask_mail import Connection, Message

from ...core.channels import split_addresses
from ...core.text import one_line
from ...core.users import email_error
from .base import Content, DeliveryError


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


def send(addresses: str, headers: dict[str, str], content: Content) -> None:
    # Headers are built from what the database holds, which older releases
    # took unchecked: no stored value may make the message undeliverable.
    recipients: list[str | tuple[str, str]] = [
        a for a in split_addresses(addresses) if email_error(a) is None]
    if not recipients:
        raise DeliveryError(f"no address to send to in {one_line(addresses)!r}")
    msg = Message(subject=one_line(content.subject), recipients=recipients, body=content.text,
                  html=content.html)
    try:
        with TimeoutConnection(current_app.extensions["mail"]) as conn:
            conn.send(msg)
    except (smtplib.SMTPException, OSError) as e:
        raise DeliveryError(f"SMTP: {type(e).__name__}: {e}") from e
