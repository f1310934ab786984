"""Email, through Flask-Mail over SMTP."""

from __future__ import annotations

import logging
import smtplib

from flask import current_app
from flask_mail import Connection, Message

from ...core.channels import split_addresses
from ...core.text import one_line
from ...core.users import email_error
from .base import Content, DeliveryError, connection_trouble

log = logging.getLogger(__name__)


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
    mail = current_app.extensions["mail"]
    if not mail.server:
        raise DeliveryError("email is not configured here: set MAIL_SERVER (and MAIL_PORT, "
                            "MAIL_USERNAME, MAIL_PASSWORD) to send alerts by email")
    # Headers are built from what the database holds, which older releases
    # took unchecked: no stored value may make the message undeliverable.
    recipients: list[str | tuple[str, str]] = [
        a for a in split_addresses(addresses) if email_error(a) is None]
    if not recipients:
        raise DeliveryError(f"no address to send to in {one_line(addresses)!r}")
    msg = Message(subject=one_line(content.subject), recipients=recipients, body=content.text,
                  html=content.html)
    try:
        with TimeoutConnection(mail) as conn:
            conn.send(msg)
    except (smtplib.SMTPException, OSError) as e:
        raise DeliveryError(readable(e, f"{mail.server}:{mail.port}")) from e


def readable(e: smtplib.SMTPException | OSError, server: str) -> str:
    """One sentence for a mail that could not be sent."""
    if isinstance(e, smtplib.SMTPAuthenticationError):
        return f"the mail server {server} refused the login (check MAIL_USERNAME and MAIL_PASSWORD)"
    if isinstance(e, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(f"{address} ({code} {text(reply)})"
                            for address, (code, reply) in e.recipients.items())
        return f"the mail server {server} refused the addresses {refused}"
    if isinstance(e, smtplib.SMTPSenderRefused):
        return (f"the mail server {server} refused the sender {e.sender} "
                f"({e.smtp_code} {text(e.smtp_error)})")
    if isinstance(e, smtplib.SMTPResponseException):
        return f"the mail server {server} answered {e.smtp_code} {text(e.smtp_error)}"
    if isinstance(e, smtplib.SMTPServerDisconnected):
        return f"the mail server {server} closed the connection"
    trouble = connection_trouble(e)
    if trouble is None:
        # An OSError's own text ("[Errno 101] ...") is not for people: it is logged.
        log.warning("mail to %s not sent: %s", server, one_line(str(e)))
        trouble = "the connection failed (the log has the details)"
    return f"could not connect to the mail server {server}: {trouble}"


def text(reply: bytes | str) -> str:
    """An SMTP reply as one line of text."""
    return one_line(reply.decode(errors="replace") if isinstance(reply, bytes) else reply)
