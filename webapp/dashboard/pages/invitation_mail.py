"""The invitation email: who invites whom into what, and the link to accept.

Sent while the owner waits, through the same SMTP connection (with its
timeout) and the same one-sentence reasons as email alerts, so that a mail
that could not be sent is said at once, and why.
"""

from __future__ import annotations

import smtplib

from flask import current_app, render_template, url_for
from flask_mail import Message

from ...alerts.transports.base import DeliveryError
from ...alerts.transports.email import TimeoutConnection, readable
from ...core.invitations import token_for
from ...core.models import Invitation
from ...core.text import one_line
from ...web.urls import base_url


def invitation_url(invitation: Invitation) -> str:
    """The absolute link the invitee follows (a fresh token: it works INVITATION_DAYS from now)."""
    return base_url() + url_for("invitations.show", token=token_for(invitation))


def send_invitation(invitation: Invitation, url: str) -> None:
    """Mail the invitation with its link; raises DeliveryError, saying why, when it was not sent."""
    mail = current_app.extensions["mail"]
    if not mail.server:
        raise DeliveryError("email is not configured here (MAIL_SERVER is unset)")
    inviter = invitation.invited_by.email if invitation.invited_by is not None else None
    ctx = {"invitation": invitation, "project": invitation.project, "inviter": inviter,
           "url": url, "days": current_app.config["INVITATION_DAYS"]}
    msg = Message(
        subject=one_line(f"{inviter or 'Someone'} invited you to “{invitation.project.name}” "
                         "on Heartbeats"),
        recipients=[invitation.email],
        # Replies go to the person who invited, not to the installation's sender.
        reply_to=inviter,
        body=render_template("email/invitation.txt", **ctx),
        html=render_template("email/invitation.html", **ctx))
    try:
        with TimeoutConnection(mail) as conn:
            conn.send(msg)
    except (smtplib.SMTPException, OSError) as e:
        raise DeliveryError(readable(e, f"{mail.server}:{mail.port}")) from e
