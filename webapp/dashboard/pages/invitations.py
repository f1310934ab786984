"""Invitations: the owner invites by email and revokes; the invitee follows the
mailed link and accepts, logged in or by signing up there.

Signing up through an invitation works even while REGISTRATION_OPEN is off:
the owner chose to let this one address in. The address is the invited one,
never another, and the sign-up counts against RATELIMIT_SIGNUP like /signup.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_login.utils import login_url

from ...alerts.transports.base import DeliveryError
from ...core import invitations
from ...core.invitations import InvitationError, Refusal
from ...core.models import Invitation, User
from ...core.users import create_user
from ...db import db
from ...web.loaders import project_or_404
from ..forms.invitation import InvitationForm, InvitationSignupForm
from .auth import log_in
from .invitation_mail import invitation_url, send_invitation
from .members import to_members
from .projects import render_settings

bp = Blueprint("invitations", __name__)


@bp.post("/projects/<code>/invitations")
@login_required
def create(code: str):
    """Invite an address with a role, and mail it the link.

    The invitation is saved before the mail is sent, and kept when sending
    fails: the owner is told why and given the link to pass on another way.
    """
    project = project_or_404(code, "own")
    form = InvitationForm()
    if not form.validate_on_submit():
        return render_settings(project, 400, invite_form=form)
    try:
        invitation = invitations.invite(project, form.email.data, form.role.data, current_user)
    except InvitationError as e:
        # Not `sentence()`: the reason begins with the address, which keeps its case.
        form.email.errors = [*form.email.errors, f"{e}."]
        return render_settings(project, 400, invite_form=form)
    db.session.commit()
    url = invitation_url(invitation)
    try:
        send_invitation(invitation, url)
    except DeliveryError as e:
        flash(f"The invitation of {invitation.email} is saved, but the email could not be "
              f"sent: {e}. Send them this link yourself: {url}", "error")
    else:
        flash(f"Invitation sent to {invitation.email} (as a {invitation.role}).", "info")
    return to_members(project)


@bp.post("/projects/<code>/invitations/<int:invitation_id>/revoke")
@login_required
def revoke(code: str, invitation_id: int):
    """Close an open invitation: the links mailed for it stop working."""
    project = project_or_404(code, "own")
    invitation = invitations.invitation_in(project, invitation_id)
    if invitation is None:
        abort(404)
    email = invitation.email
    invitations.revoke(invitation)
    db.session.commit()
    flash(f"The invitation of {email} is revoked.", "info")
    return to_members(project)


def refused(refusal: Refusal):
    """The page of a link that opens nothing: 410 when expired, 404 otherwise."""
    return (render_template("invitations/refused.html", reason=refusal.reason,
                            status=refusal.status), refusal.status)


def has_account(email: str) -> bool:
    return db.session.scalar(sa.select(User.id).where(User.email == email)) is not None


def show_page(invitation: Invitation, token: str, status: int = 200, *, form=None):
    """What the invitation is, and the way in for whoever opened it: accept when
    logged in; else log in, or sign up when the invited address has no account."""
    here = url_for("invitations.show", token=token)
    ctx = {"invitation": invitation, "token": token,
           "inviter": invitation.invited_by.email if invitation.invited_by else None,
           "login_url": login_url("auth.login", next_url=here)}
    if not current_user.is_authenticated and not has_account(invitation.email):
        ctx["form"] = form or InvitationSignupForm(formdata=None)
    return render_template("invitations/show.html", **ctx), status


@bp.get("/invitations/<token>")
def show(token: str):
    """The invitation a mailed link names."""
    found = invitations.find_by_token(token)
    if isinstance(found, Refusal):
        return refused(found)
    return show_page(found, token)


@bp.post("/invitations/<token>")
@login_required
def accept(token: str):
    """Join the project as the logged-in user, with the invited role."""
    found = invitations.find_by_token(token)
    if isinstance(found, Refusal):
        return refused(found)
    return joined(found, current_user)


def joined(invitation: Invitation, user: User):
    """Accept for `user`, commit, and go to the project's checks."""
    project = invitation.project
    membership = invitations.accept(invitation, user)
    db.session.commit()
    if membership.role == "owner":
        flash(f"You own “{project.name}” already.", "info")
    else:
        flash(f"You are now a {membership.role} of “{project.name}”.", "info")
    return redirect(url_for("dashboard.project", code=project.code))


@bp.post("/invitations/<token>/signup")
def signup(token: str):
    """Make an account under the invited address, join the project, and log in."""
    found = invitations.find_by_token(token)
    if isinstance(found, Refusal):
        return refused(found)
    if current_user.is_authenticated:  # logged in meanwhile, in another tab
        return redirect(url_for("invitations.show", token=token))
    form = InvitationSignupForm()
    if has_account(found.email) or not form.validate_on_submit():
        return show_page(found, token, 400, form=form)
    # The invited address, whatever else the request says: the link proves only that one.
    user = create_user(found.email, form.password.data, form.timezone.data or None)
    if user is None:  # made meanwhile, by another request
        return show_page(found, token, 400, form=form)
    db.session.flush()
    response = joined(found, user)
    log_in(user)
    return response
