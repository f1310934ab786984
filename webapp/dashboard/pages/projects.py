"""Projects: the overview of the user's projects, making one, and a project's
settings (name, API keys, ping key, badge key; transfer and delete).

Members and invitations are in `members`, status pages in `status_pages`.
Any member may see the settings page; a viewer sees no key and no control.
Owners and members manage keys; only the owner renames, transfers or deletes
the project.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ...core import projects
from ...core.models import ApiKey, Project, new_ping_key
from ...core.urls import ping_url
from ...db import db
from ...web.extensions import htmx
from ...web.loaders import project_or_404
from ...web.urls import base_url
from ..display.badge_links import badge_links, preview_path
from ..forms.project import ApiKeyForm, ProjectForm, TransferForm
from .confirm import Confirm, confirm_page, confirmed
from .members import members_context
from .status_pages import delete_confirm as delete_status_page
from .status_pages import status_page_rows

bp = Blueprint("projects", __name__)


# The project's two URL keys: what rotating each breaks, and what it says after.
ROTATIONS = {
    "ping": (Confirm(
        "Rotate the ping key?",
        "Slug URLs with the current key (/ping/<ping-key>/<slug>) answer 404 from now on: "
        "jobs that use them must be given the new key. URLs with a check's uuid keep working.",
        "Rotate ping key"), "New ping key made: give your jobs' slug URLs the new key."),
    "badge": (Confirm(
        "Rotate the badge key?",
        "The project's badge URLs (/badge/…) and every check's own badge URLs (/b/2/…, "
        "/b/3/…) made until now answer 404 from now on: pages that show them must be "
        "given the new ones.", "Rotate badge key"),
        "New badge keys made: the project's and every check's badge URLs have changed."),
}


def delete_confirm(project: Project) -> Confirm:
    return Confirm(f"Delete the project “{project.name}”?",
                   "Its checks with all their pings and history, its channels, API keys and "
                   "memberships are deleted, and its ping URLs answer 404. This cannot be undone.",
                   "Delete project")


def transfer_choices(project: Project) -> list[tuple[int, str]]:
    return [(m.id, f"{m.user.email} ({m.role})") for m in projects.members_of(project.id)
            if m.role != "owner"]


def project_keys(project: Project) -> list[ApiKey]:
    return list(db.session.scalars(
        sa.select(ApiKey).where(ApiKey.project_id == project.id).order_by(ApiKey.id)))


def render_settings(project: Project, status: int = 200, *, name_form=None, key_form=None,
                    transfer_form=None, new_key: str | None = None, **members):
    """The whole settings page, or only the keys section when htmx asked for it."""
    transfer_form = transfer_form or TransferForm(formdata=None)
    transfer_form.new_owner.choices = transfer_choices(project)
    ctx = {
        "project": project,
        "keys": project_keys(project),
        "key_form": key_form or ApiKeyForm(formdata=None),
        "name_form": name_form or ProjectForm(formdata=None, name=project.name),
        "transfer_form": transfer_form,
        "new_key": new_key,
        "rotations": ROTATIONS,
        "delete_confirm": delete_confirm(project),
        "slug_url": ping_url(base_url(), f"{project.ping_key}/"),
        "badges": badge_links(project, base_url()),
        "badge_preview": preview_path(project),
        **members_context(project, **members),
        # The status pages section (templates/projects/partials/_status_pages.html).
        "status_pages": status_page_rows(project),
        "delete_status_page": delete_status_page,
    }
    if htmx and htmx.target == "api-keys":
        return render_template("projects/partials/_keys.html", **ctx), status
    return render_template("projects/settings.html", **ctx), status


def to_settings(project: Project, anchor: str):
    return redirect(url_for("projects.settings", code=project.code, _anchor=anchor))


@bp.get("/projects/")
@login_required
def index():
    """Every project of the user, with how many of its checks are up and down."""
    mine = projects.projects_of(current_user.id)
    counts = projects.check_counts([p.id for p, _ in mine])
    return render_template("projects/index.html", mine=mine, counts=counts,
                           form=ProjectForm(formdata=None))


@bp.post("/projects/")
@login_required
def create():
    """A new, empty project owned by the user."""
    form = ProjectForm()
    if not form.validate_on_submit():
        mine = projects.projects_of(current_user.id)
        return render_template("projects/index.html", mine=mine, form=form,
                               counts=projects.check_counts([p.id for p, _ in mine])), 400
    project = projects.create_project(current_user, form.name.data)
    db.session.commit()
    flash(f"Project “{project.name}” created.", "info")
    return redirect(url_for("dashboard.project", code=project.code))


@bp.get("/projects/<code>/settings/")
@login_required
def settings(code: str):
    """The project's name, members, API keys, ping key, badge key and danger zone."""
    return render_settings(project_or_404(code))


@bp.post("/projects/<code>/settings/name")
@login_required
def rename(code: str):
    project = project_or_404(code, "own")
    form = ProjectForm()
    if not form.validate_on_submit():
        return render_settings(project, 400, name_form=form)
    project.name = form.name.data
    db.session.commit()
    flash("Project renamed.", "info")
    return to_settings(project, "name")


@bp.post("/projects/<code>/keys")
@login_required
def create_key(code: str):
    """Make an API key of the project; it is shown once, in this answer, and never stored."""
    project = project_or_404(code, "write")
    form = ApiKeyForm()
    if not form.validate_on_submit():
        return render_settings(project, 400, key_form=form)
    row, key = ApiKey.issue(project, form.label.data, read_only=form.read_only.data,
                            created_by=current_user)
    db.session.add(row)
    db.session.commit()
    return render_settings(project, 201, new_key=key)


@bp.post("/projects/<code>/keys/<int:key_id>/revoke")
@login_required
def revoke_key(code: str, key_id: int):
    """Delete an API key: scripts using it get 401 from now on."""
    project = project_or_404(code, "write")
    key = db.first_or_404(sa.select(ApiKey).where(ApiKey.id == key_id,
                                                  ApiKey.project_id == project.id))
    db.session.delete(key)
    db.session.commit()
    if htmx:
        return render_settings(project)
    flash(f"API key {key.prefix}… revoked.", "info")
    return to_settings(project, "api-keys-card")


@bp.post("/projects/<code>/<any(ping, badge):which>-key/rotate")
@login_required
def rotate_key(code: str, which: str):
    """A new ping key (slug URLs with the old one answer 404 from now on) or
    new badge keys (the project's and its checks' old badge URLs stop working)."""
    project = project_or_404(code, "write")
    confirm, done = ROTATIONS[which]
    if not confirmed():
        return confirm_page(confirm, url_for("projects.settings", code=code,
                                             _anchor=f"{which}-key"))
    if which == "badge":
        projects.rotate_badge_key(project)
    else:
        project.ping_key = new_ping_key()
    db.session.commit()
    flash(done, "info")
    return to_settings(project, f"{which}-key")


@bp.post("/projects/<code>/transfer")
@login_required
def transfer(code: str):
    """Hand the project to another member; the owner stays on as a member."""
    project = project_or_404(code, "own")
    form = TransferForm()
    form.new_owner.choices = transfer_choices(project)
    if not form.validate_on_submit():
        return render_settings(project, 400, transfer_form=form)
    new_owner = next(m for m in projects.members_of(project.id) if m.id == form.new_owner.data)
    projects.transfer_ownership(project, new_owner)
    db.session.commit()
    flash(f"{new_owner.user.email} owns the project now; you stay on as a member.", "info")
    return to_settings(project, "danger")


@bp.post("/projects/<code>/delete")
@login_required
def delete(code: str):
    """Delete the project with everything in it."""
    project = project_or_404(code, "own")
    if not confirmed():
        return confirm_page(delete_confirm(project),
                            url_for("projects.settings", code=code, _anchor="danger"))
    name = project.name
    db.session.delete(project)
    db.session.commit()
    flash(f"Project “{name}” deleted.", "info")
    return redirect(url_for("projects.index"))
