"""A project's public status pages, managed from its settings: the list (on
the settings page), and the form that makes or changes one; deleting one.

Any member sees the list and each page's public address; owners and members
(can_write) make, change and delete pages, and only they reach the form:
a viewer gets 403 on every one of these routes.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ...core.models import Check, Project
from ...core.status_pages import StatusPage, choose_checks, pages_of
from ...db import db
from ...web.loaders import project_or_404
from ...web.urls import base_url
from ..forms.status_page import StatusPageForm
from .confirm import Confirm, confirm_page, confirmed

bp = Blueprint("status_page_settings", __name__)


@dataclass(frozen=True)
class PageRow:
    page: StatusPage
    url: str  # its public address, in full
    n_checks: int  # chosen ones; tags add more


def status_page_rows(project: Project) -> list[PageRow]:
    """The settings page's list of the project's status pages."""
    root = base_url()
    return [PageRow(p, root + url_for("status_pages.page", slug=p.slug), len(p.entries))
            for p in pages_of(project.id)]


def delete_confirm(page: StatusPage) -> Confirm:
    return Confirm(f"Delete the status page “{page.title}”?",
                   f"/status/{page.slug} answers 404 from now on, and its address may be "
                   "taken by any project. Its checks are not touched.", "Delete status page")


def project_checks(project: Project) -> list[Check]:
    found = db.session.scalars(sa.select(Check).where(Check.project_id == project.id))
    return sorted(found, key=lambda c: ((c.name or "").casefold(), c.id))


def page_in(project: Project, page_id: int) -> StatusPage:
    """The project's page with this id; 404 for any other."""
    return db.first_or_404(sa.select(StatusPage).where(StatusPage.id == page_id,
                                                       StatusPage.project_id == project.id))


def render_form(project: Project, form: StatusPageForm, page: StatusPage | None,
                status: int = 200):
    tags = sorted({t for c in form.by_uuid.values() for t in c.tag_list}, key=str.casefold)
    return render_template("status_pages/form.html", project=project, form=form, page=page,
                           project_tags=tags), status


def blank_form(project: Project, page: StatusPage | None) -> StatusPageForm:
    checks = project_checks(project)
    if page is None:
        return StatusPageForm(formdata=None, project_checks=checks, tz=current_user.timezone,
                              checks=StatusPageForm.entries_for(checks, None))
    return StatusPageForm(formdata=None, obj=page, project_checks=checks, page=page,
                          checks=StatusPageForm.entries_for(checks, page))


def save(project: Project, form: StatusPageForm, page: StatusPage | None) -> StatusPage | None:
    """Store what a valid form says; None when the slug was taken by another
    request meanwhile, which is then refused next to its field, as the form's
    own check would have."""
    chosen = form.chosen
    assert chosen is not None
    if page is None:
        page = StatusPage(project_id=project.id)
        db.session.add(page)
    page.title, page.slug, page.description = chosen.title, chosen.slug, chosen.description
    page.tz, page.tags = chosen.tz, chosen.tags
    choose_checks(page, chosen.checks)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()
        form.slug.errors = [f"/status/{chosen.slug} is taken: choose another address."]
        return None
    return page


def to_list(project: Project):
    return redirect(url_for("projects.settings", code=project.code, _anchor="status-pages"))


@bp.get("/projects/<code>/status-pages/new")
@login_required
def new(code: str):
    project = project_or_404(code, "write")
    return render_form(project, blank_form(project, None), None)


@bp.post("/projects/<code>/status-pages/")
@login_required
def create(code: str):
    project = project_or_404(code, "write")
    return submitted(project, None, "made: it is public at /status/{slug}")


@bp.get("/projects/<code>/status-pages/<int:page_id>/edit")
@login_required
def edit(code: str, page_id: int):
    project = project_or_404(code, "write")
    page = page_in(project, page_id)
    return render_form(project, blank_form(project, page), page)


@bp.post("/projects/<code>/status-pages/<int:page_id>/edit")
@login_required
def update(code: str, page_id: int):
    project = project_or_404(code, "write")
    return submitted(project, page_in(project, page_id), "saved")


def submitted(project, page, done: str):
    """The form posted for a new page (`page` None) or an edit: saved and back
    to the list with `done` said, or drawn again with its refusals (400)."""
    form = StatusPageForm(project_checks=project_checks(project), page=page)
    saved = save(project, form, page) if form.validate_on_submit() else None
    if saved is None:
        return render_form(project, form, page, 400)
    flash(f"Status page “{saved.title}” {done.format(slug=saved.slug)}.", "info")
    return to_list(project)


@bp.post("/projects/<code>/status-pages/<int:page_id>/delete")
@login_required
def delete(code: str, page_id: int):
    project = project_or_404(code, "write")
    page = page_in(project, page_id)
    if not confirmed():
        return confirm_page(delete_confirm(page), url_for(
            "projects.settings", code=project.code, _anchor="status-pages"))
    title = page.title
    db.session.delete(page)
    db.session.commit()
    flash(f"Status page “{title}” deleted.", "info")
    return to_list(project)
