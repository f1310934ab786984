"""Invitations: an owner asks someone, by email, into a project with a role.

The invitee is mailed a link that names the invitation row, signed with
SECRET_KEY and stamped with the time it was made (itsdangerous), so that it
cannot be forged or edited and stops working after INVITATION_DAYS. The row is
what keeps it alive: accepting or revoking deletes it, and a link whose row is
gone works no more, however fresh its signature.

Whoever holds a live link may accept it, logged in under any address or by
signing up under the invited one: the link was only ever mailed to that
address, so holding it is all the proof of the address there is (and asking
for more would only make people with a work and a personal address sign up
twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from ..db import db
from .models import Invitation, Membership, Project, User
from .projects import add_member
from .times import utcnow
from .users import email_error, normalize_email

INVITED_ROLES = ("member", "viewer")
# Keeps invitation links apart from anything else SECRET_KEY signs (sessions, CSRF).
SALT = "heartbeats-invitation"


class InvitationError(ValueError):
    """An invitation we refuse to make, with the reason the owner is shown."""


@dataclass(frozen=True)
class Refusal:
    """Why a link names no invitation: the HTTP status its page answers, and why."""

    status: int
    reason: str


EXPIRED = Refusal(410, "This invitation link has expired. Ask the project's owner to "
                       "invite you again: the new email has a fresh link.")
BAD_LINK = Refusal(404, "This is not a valid invitation link. Check that the whole link "
                        "was copied from the email.")
GONE = Refusal(404, "This invitation is no longer open: it was accepted already, or the "
                    "project's owner revoked it.")


def max_age() -> int:
    """Seconds an invitation link works: INVITATION_DAYS."""
    return int(current_app.config["INVITATION_DAYS"]) * 86400


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def pending(project_id: int) -> list[Invitation]:
    """The project's open invitations, the newest first."""
    return list(db.session.scalars(
        sa.select(Invitation).where(Invitation.project_id == project_id)
        .order_by(Invitation.created.desc(), Invitation.id.desc())))


def invitation_in(project: Project, invitation_id: int) -> Invitation | None:
    """One of the project's invitations; None for another project's."""
    row = db.session.get(Invitation, invitation_id)
    return row if row is not None and row.project_id == project.id else None


def link_expired(invitation: Invitation) -> bool:
    """Whether the last link mailed for this invitation has expired (it was
    mailed when the row was made or last re-invited)."""
    return utcnow() - invitation.created > timedelta(seconds=max_age())


def invite(project: Project, email: str, role: str, invited_by: User) -> Invitation:
    """Invite `email` into `project` with `role`; for the caller to commit, then mail.

    Raises InvitationError for an address we cannot mail, a role an invitee
    cannot have, or someone who is a member already. Inviting an address
    with an open invitation again gives that invitation the new role and
    starts its time again, rather than making a second one: the owner sees
    one line per address, and revoking it closes every link sent.
    """
    email = normalize_email(email)
    if error := email_error(email):
        raise InvitationError(error)
    if role not in INVITED_ROLES:
        raise InvitationError(f"an invitation's role is member or viewer, not {role!r}")
    member = db.session.scalar(
        sa.select(Membership).join(User).where(Membership.project_id == project.id,
                                               User.email == email))
    if member is not None:
        who = "the owner" if member.role == "owner" else f"a {member.role}"
        raise InvitationError(f"{email} is {who} of this project already")
    row = db.session.scalar(sa.select(Invitation).where(Invitation.project_id == project.id,
                                                        Invitation.email == email))
    if row is None:
        row = Invitation(project=project, email=email)
        db.session.add(row)
    row.role, row.invited_by, row.created = role, invited_by, utcnow()
    return row


def token_for(invitation: Invitation) -> str:
    """The signed, timestamped token of the invitation's link (the row must have its id).

    It carries the project's code and the address as well as the row's id:
    SQLite may give a deleted row's id to a new row, and the old link must
    not open the new invitation of someone else.
    """
    return _serializer().dumps({"i": invitation.id, "p": invitation.project.code,
                                "e": invitation.email})


def find_by_token(token: str) -> Invitation | Refusal:
    """The open invitation a link's token names, or why there is none."""
    try:
        data = _serializer().loads(token, max_age=max_age())
    except SignatureExpired:  # checked after the signature: only our own tokens expire
        return EXPIRED
    except BadData:  # a wrong signature, or none
        return BAD_LINK
    if not (isinstance(data, dict) and isinstance(data.get("i"), int)):
        return BAD_LINK
    row = db.session.get(Invitation, data["i"])
    if row is None or row.email != data.get("e") or row.project.code != data.get("p"):
        return GONE
    return row


def accept(invitation: Invitation, user: User) -> Membership:
    """Make `user` a member with the invited role, and close the invitation; for
    the caller to commit.

    Someone in the project already takes the invited role (the owner stays
    owner), as `projects.add_member` does: the owner chose it last.
    """
    row, _ = add_member(invitation.project, user, invitation.role)
    db.session.delete(invitation)
    return row


def revoke(invitation: Invitation) -> None:
    """Close the invitation: every link mailed for it stops working. For the caller to commit."""
    db.session.delete(invitation)
