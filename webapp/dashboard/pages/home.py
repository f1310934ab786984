"""A project's checks list, its search box and its live refresh; and `/`,
which opens the project the user was last in."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, redirect, render_template, request, session, url_for
from flask_htmx import make_response as htmx_response
from flask_login import current_user, login_required

from ...core.models import Check, Project
from ...core.projects import projects_of, role_in
from ...core.times import utcnow
from ...core.urls import push_url
from ...db import db
from ...web.extensions import htmx
from ...web.loaders import project_or_404
from ...web.urls import base_url
from ..display.fingerprint import fingerprint
from ..display.list_filter import SORTS, ListFilter, sort_checks
from ..display.maintenance_words import list_notes
from ..display.snippets import push_snippets

bp = Blueprint("dashboard", __name__)

# How often the list asks whether anything changed, in seconds.
REFRESH_SECONDS = 5
# The session key of the project `/` opens.
LAST_PROJECT = "project"


def list_context(project: Project) -> dict:
    """Everything the list partial needs; the page, the search and the refresh share it."""
    now = utcnow()
    # The fingerprint is taken before the rows are read: a ping landing in
    # between then makes the page newer than its fingerprint (the next refresh
    # renders once more), never older (which would hide the ping until the next
    # change).
    fp = fingerprint(project.id, current_user.timezone, now)
    every = list(db.session.scalars(sa.select(Check).where(Check.project_id == project.id)))
    known_tags = sorted({t for c in every for t in c.tag_list}, key=str.lower)
    flt = ListFilter.from_args(request.args, set(known_tags))
    statuses = {c.id: c.get_status(now) for c in every}
    base = base_url()
    return {
        "project": project,
        "checks": sort_checks([c for c in every if flt.matches(c)], flt.sort, now),
        "statuses": statuses,
        # "in maintenance until 03:00" by check id, from one read of the windows.
        "held": list_notes(project.id, every, current_user.timezone, now),
        "n_total": len(every),
        "n_down": sum(1 for s in statuses.values() if s == "down"),
        "known_tags": known_tags,
        "flt": flt,
        "now": now,
        "fp": fp,
        "refresh": REFRESH_SECONDS,
        "sorts": SORTS,
        "base": base,
        # The empty list shows how a job reports in; nobody needs it after that.
        "snippets": [] if every else push_snippets(push_url(base, "<token>")),
    }


def last_project() -> Project | None:
    """The project the user last opened, while they still belong to it; else their first."""
    code = session.get(LAST_PROJECT)
    if code:
        project = db.session.scalar(sa.select(Project).where(Project.code == code))
        if project is not None and role_in(current_user.id, project.id):
            return project
    mine = projects_of(current_user.id)
    return mine[0][0] if mine else None


@bp.get("/")
@login_required
def index():
    """The project the user was last in (the projects page when they have none)."""
    project = last_project()
    if project is None:
        return redirect(url_for("projects.index"))
    # Old links (?tags=, ?q=) keep their search.
    query = ("?" + request.query_string.decode()) if request.query_string else ""
    return redirect(url_for("dashboard.project", code=project.code) + query)


@bp.get("/projects/<code>/")
@login_required
def project(code: str):
    """Every check of the project, the ones in trouble first, narrowed by the search box."""
    ctx = list_context(project_or_404(code))
    session[LAST_PROJECT] = code
    canonical = url_for("dashboard.project", code=code) + ctx["flt"].query_string()
    if htmx and not htmx.boosted:
        # The search box or the sort control: the list alone, and the address
        # rewritten to the canonical ?tags=&q= form so it can be shared.
        body = render_template("dashboard/partials/_live.html", **ctx)
        return htmx_response(body, replace_url=canonical)
    if "search" in request.args:
        return redirect(canonical)  # the box submitted without JavaScript
    return render_template("dashboard/index.html", **ctx)


@bp.get("/projects/<code>/live")
@login_required
def live(code: str):
    """The list again, or 204 when nothing it shows changed since the browser's copy."""
    project = project_or_404(code)
    if request.args.get("fp") == fingerprint(project.id, current_user.timezone, utcnow()):
        return no_change()
    body = render_template("dashboard/partials/_live.html", **list_context(project))
    return Response(body, headers={"Cache-Control": "no-store"})


def no_change() -> Response:
    # htmx leaves the page alone on a 204.
    return Response(status=204, headers={"Cache-Control": "no-store"})


@bp.get("/worker-status")
@login_required
def worker_status():
    """The banner that says when the worker is not sending alerts (empty when it is)."""
    body = render_template("dashboard/partials/_worker_banner.html")
    return Response(body, headers={"Cache-Control": "no-store"})


@bp.get("/favicon.svg")
def favicon():
    """The tab icon: a heart, red with the number of checks down when there are any."""
    try:
        down = max(0, min(int(request.args.get("down", 0)), 99))
    except ValueError:
        down = 0
    svg = render_template("favicon.svg", down=down)
    return Response(svg, mimetype="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=86400"})
