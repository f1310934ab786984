"""Who may reach what: the one loader every door uses for a project's objects.

A dashboard route names an object (a project, a check, a channel); the loader
finds it, goes to its project, asks `core.projects.role_in` for the logged-in
user's role there, and answers what that role allows:

- no role, or no such object: 404, the same answer, so nobody can probe for
  other projects' uuids;
- a role below the one the route needs: 403 ("read" is any member, "write"
  an owner or member, "own" the owner).

The API's key names its project, so the API asks `check_in`/`channel_in`,
which answer 404 for any object outside that project.

What was loaded is kept on `g` (`g.project`, `g.role`) for the page's header
and controls.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, g
from flask_login import current_user

from ..core.models import Channel, Check, Project
from ..core.projects import can_write, role_in
from ..core.text import can_name_a_row
from ..db import db

NEEDS = ("read", "write", "own")


def refuse_nul(code: str) -> None:
    """404 for a code that cannot name a row (a NUL, %00 in a URL)."""
    if not can_name_a_row(code):
        abort(404)


def allows(role: str | None, need: str) -> bool:
    """Whether `role` may do what `need` names."""
    if need == "read":
        return role is not None
    if need == "write":
        return can_write(role)
    return role == "owner"


def authorise(project: Project | None, need: str) -> Project:
    """The project, when the logged-in user's role there allows `need`; else 404 or 403."""
    assert need in NEEDS
    if project is None or not current_user.is_authenticated:
        abort(404)
    role = role_in(current_user.id, project.id)
    if role is None:
        abort(404)
    if not allows(role, need):
        abort(403)
    g.project, g.role = project, role
    return project


def project_or_404(code: str, need: str = "read") -> Project:
    refuse_nul(code)
    return authorise(db.session.scalar(sa.select(Project).where(Project.code == code)), need)


def check_or_404(uuid: str, need: str = "read") -> Check:
    """The check, when the user's role in its project allows `need`."""
    refuse_nul(uuid)
    check = db.session.scalar(sa.select(Check).where(Check.uuid == uuid))
    authorise(check.project if check is not None else None, need)
    assert check is not None
    return check


def channel_or_404(code: str, need: str = "read") -> Channel:
    """The channel, when the user's role in its project allows `need`."""
    refuse_nul(code)
    channel = db.session.scalar(sa.select(Channel).where(Channel.code == code))
    authorise(channel.project if channel is not None else None, need)
    assert channel is not None
    return channel


def check_in(project_id: int, uuid: str) -> Check:
    """The project's check with this uuid (an API key's); 404 for any other."""
    refuse_nul(uuid)
    return db.first_or_404(sa.select(Check).where(Check.uuid == uuid,
                                                  Check.project_id == project_id))


def channel_in(project_id: int, code: str) -> Channel:
    """The project's channel with this code; 404 for any other."""
    refuse_nul(code)
    return db.first_or_404(sa.select(Channel).where(Channel.code == code,
                                                    Channel.project_id == project_id))
