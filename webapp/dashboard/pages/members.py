"""A project's members: their roles, removing one, leaving, and each member's
own "email me this project's alerts".

Only the owner changes roles or removes people; any member may leave (but
the owner, who must hand the project over first) and may choose whether the
project's alerts reach them by email.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import current_user, login_required

from ...core import invitations, projects
from ...core.models import Membership, Project
from ...db import db
from ...web.loaders import project_or_404
from ..forms.invitation import InvitationForm
from .confirm import Confirm, confirm_page, confirmed

bp = Blueprint("members", __name__)


def members_context(project: Project, **extra) -> dict:
    """What the settings page's members section shows; the open invitations
    and the invite form only to the owner, who alone invites."""
    mine = projects.membership(project.id, current_user.id)
    owner = mine is not None and mine.role == "owner"
    return {"members": projects.members_of(project.id), "me": mine,
            "leave_confirm": leave_confirm(project), "remove_confirm": remove_confirm,
            "invitations": invitations.pending(project.id) if owner else [],
            "invite_form": InvitationForm(formdata=None), "link_expired": invitations.link_expired,
            **extra}


def leave_confirm(project: Project) -> Confirm:
    return Confirm(f"Leave “{project.name}”?", "You lose access to its checks at once, and "
                   "the API keys you made in it stop working; only its owner can add you "
                   "again.", "Leave project")


def remove_confirm(member: Membership) -> Confirm:
    return Confirm(f"Remove {member.user.email}?", "They lose access to the project's checks "
                   "at once, and the API keys they made in it stop working. If they knew "
                   "the ping key, rotate it too.", "Remove")


def member_of(project: Project, member_id: int) -> Membership:
    """One of the project's memberships; 404 for another project's."""
    row = db.session.get(Membership, member_id)
    if row is None or row.project_id != project.id:
        abort(404)
    return row


def to_members(project: Project):
    return redirect(url_for("projects.settings", code=project.code, _anchor="members"))


@bp.post("/projects/<code>/members/<int:member_id>/role")
@login_required
def set_role(code: str, member_id: int):
    """Make a member a viewer or a viewer a member (the owner's role moves by transfer)."""
    project = project_or_404(code, "own")
    member = member_of(project, member_id)
    role = request.form.get("role", "")
    if role not in ("member", "viewer"):
        abort(400, description="role must be member or viewer")
    if member.role == "owner":
        abort(400, description="the owner's role changes only by transferring the project")
    member.role = role
    db.session.commit()
    flash(f"{member.user.email} is now a {role}.", "info")
    return to_members(project)


@bp.post("/projects/<code>/members/<int:member_id>/remove")
@login_required
def remove(code: str, member_id: int):
    """Take someone out of the project."""
    project = project_or_404(code, "own")
    member = member_of(project, member_id)
    if member.role == "owner":
        abort(400, description="the owner cannot be removed; transfer the project first")
    if not confirmed():
        return confirm_page(remove_confirm(member),
                            url_for("projects.settings", code=code, _anchor="members"))
    email = member.user.email
    keys = projects.remove_member(member)
    db.session.commit()
    flash(f"{email} is no longer a member" + (f"; {keys} API key(s) they made were revoked."
                                              if keys else "."), "info")
    return to_members(project)


@bp.post("/projects/<code>/leave")
@login_required
def leave(code: str):
    """Leave a project one does not own."""
    project = project_or_404(code)
    mine = projects.membership(project.id, current_user.id)
    assert mine is not None  # project_or_404 found a role
    if mine.role == "owner":
        abort(400, description="the owner cannot leave; transfer the project first")
    if not confirmed():
        return confirm_page(leave_confirm(project),
                            url_for("projects.settings", code=code, _anchor="members"))
    keys = projects.remove_member(mine)
    db.session.commit()
    flash(f"You left “{project.name}”" + (f"; {keys} API key(s) you made were revoked."
                                         if keys else "."), "info")
    return redirect(url_for("projects.index"))


@bp.post("/projects/<code>/my-alerts")
@login_required
def my_alerts(code: str):
    """Whether the project's alerts reach the user by email when it has no channels.

    A member's own preference, so viewers may set it too: it changes nothing
    of the project's."""
    project = project_or_404(code)
    mine = projects.membership(project.id, current_user.id)
    assert mine is not None
    mine.alerts = request.form.get("alerts") == "on"
    db.session.commit()
    flash("You get this project's alerts by email." if mine.alerts
          else "You no longer get this project's alerts by email.", "info")
    return to_members(project)
