"""A project's maintenance windows: the list, the form that makes one, and
ending or deleting one.

Any member sees the list; owners and members make, end and delete windows.
Making one goes through the API's rules (`core.maintenance_fields`), and
ending and deleting do what the API does (`core.maintenance`), so held
alerts are looked at the same way whichever door was used.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ...core.errors import FieldError
from ...core.maintenance import end_now, remove_window
from ...core.maintenance_fields import make_window
from ...core.models import Check, MaintenanceWindow, Project
from ...core.times import utcnow
from ...db import db
from ...web.loaders import authorise, project_or_404, refuse_nul
from ..display.maintenance_words import is_on, state_words, when_words
from ..forms.maintenance import MaintenanceForm
from .confirm import Confirm, confirm_page, confirmed

bp = Blueprint("maintenance", __name__)


def window_or_404(code: str, need: str) -> tuple[MaintenanceWindow, Project]:
    """The window and its project, when the user's role there allows `need`."""
    refuse_nul(code)
    window = db.session.scalar(sa.select(MaintenanceWindow).where(MaintenanceWindow.code == code))
    project = authorise(db.session.get(Project, window.project_id) if window else None, need)
    assert window is not None
    return window, project


def delete_confirm(window: MaintenanceWindow) -> Confirm:
    return Confirm(f"Delete the window “{window.name or 'maintenance'}”?",
                   "Its checks alert as usual from now on, and an alert it held back "
                   "is sent if it is still due. This cannot be undone.", "Delete")


def project_checks(project: Project) -> list[Check]:
    """What the form offers to cover, by name."""
    found = db.session.scalars(sa.select(Check).where(Check.project_id == project.id))
    return sorted(found, key=lambda c: ((c.name or c.uuid).casefold(), c.id))


def new_form(project: Project, **kwargs) -> MaintenanceForm:
    return MaintenanceForm(checks=project_checks(project), tz=current_user.timezone, **kwargs)


def render_list(project: Project, status: int = 200, *, form: MaintenanceForm | None = None):
    windows = db.session.scalars(sa.select(MaintenanceWindow)
                                 .where(MaintenanceWindow.project_id == project.id)
                                 .order_by(MaintenanceWindow.id.desc())).all()
    now = utcnow()
    return render_template(
        "maintenance/index.html", project=project, windows=windows, now=now,
        form=form or new_form(project, formdata=None), when_words=when_words,
        state_words=state_words, is_on=is_on, delete_confirm=delete_confirm,
    ), status


def to_list(project: Project):
    return redirect(url_for("maintenance.index", code=project.code))


@bp.get("/projects/<code>/maintenance/")
@login_required
def index(code: str):
    """The project's windows, newest first, and (for owners and members) the form."""
    return render_list(project_or_404(code))


@bp.post("/projects/<code>/maintenance/")
@login_required
def create(code: str):
    project = project_or_404(code, "write")
    form = new_form(project)
    if not form.validate_on_submit():
        return render_list(project, 400, form=form)
    try:
        window = make_window(project.id, form.fields())
    except FieldError as e:  # a chosen check deleted since the form was drawn
        db.session.rollback()
        form.refuse(e)
        return render_list(project, 400, form=form)
    db.session.commit()
    flash(f"Maintenance window “{window.name or 'maintenance'}” added: "
          f"{state_words(window, current_user.timezone, utcnow())}.", "info")
    return to_list(project)


@bp.post("/maintenance/<code>/end")
@login_required
def end(code: str):
    """End it now, as the API's end does: what its checks held back is sent by the next sweep."""
    window, project = window_or_404(code, "write")
    end_now(window, utcnow())
    db.session.commit()
    flash(f"Maintenance window “{window.name or 'maintenance'}” ended.", "info")
    return to_list(project)


@bp.post("/maintenance/<code>/delete")
@login_required
def delete(code: str):
    window, project = window_or_404(code, "write")
    if not confirmed():
        return confirm_page(delete_confirm(window), url_for("maintenance.index", code=project.code))
    name = window.name or "maintenance"
    remove_window(window, utcnow())
    db.session.commit()
    flash(f"Maintenance window “{name}” deleted.", "info")
    return to_list(project)
