"""A project's checks list, its search box and its live refresh; and `/`,
which opens the project the user was last in."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, redirect, render_template, request, session, url_for
from flask_htmx import make_response as htmx_response
from flask_login import current_user, login_required

from ...core.changes import (
    change_count,
    member_change_count,
    next_shown_change,
    still_holds,
    token,
)
from ...core.models import Project
from ...core.projects import projects_of, role_in
from ...core.times import utcnow
from ...core.urls import push_url
from ...db import db
from ...web.extensions import htmx
from ...web.loaders import project_or_404
from ...web.urls import base_url
from ..display.check_list import list_page
from ..display.list_filter import SORTS
from ..display.maintenance_words import list_notes, window_edges
from ..display.snippets import push_snippets
from ..display.status_strip import strips as status_strips

bp = Blueprint("dashboard", __name__)

# How often the list asks whether anything changed, in seconds: an unchanged
# list costs a read of the project's change counter (core.changes), so asking
# often is cheap, and a change shows within two seconds.
REFRESH_SECONDS = 1.5
# The session key of the project `/` opens.
LAST_PROJECT = "project"


def list_context(project: Project) -> dict:
    """Everything the list partial needs; the page, the search and the refresh share it."""
    now = utcnow()
    # The counter is read before the rows: a ping landing in between makes
    # the page newer than its token (the next refresh renders once more),
    # never older (which would hide the ping until the next change).
    count = change_count(db.session.connection(), project.id)
    page, flt = list_page(project.id, request.args, now)
    tz = current_user.timezone
    known_tags = sorted({t for e in page.every for t in e.tag_list}, key=str.lower)
    base = base_url()
    list_url = url_for("dashboard.project", code=project.code)
    strips, down_since = status_strips(page.checks, now)
    return {
        "project": project,
        "page": page,
        "checks": page.checks,
        "statuses": {e.id: e.status for e in page.shown},
        # "in maintenance until 03:00" by check id, from one read of the windows.
        "held": list_notes(project.id, page.checks, tz, now),
        "strips": strips,
        "down_since": down_since,
        "n_total": len(page.every),
        # The tab's title and icon count the whole project; the list's own counts, the search.
        "n_down": sum(1 for e in page.every if e.status == "down"),
        "known_tags": known_tags,
        "tag_links": {t: list_url + flt.with_tag(t) for t in known_tags},
        "flt": flt,
        "list_url": list_url,
        "now": now,
        "fp": token(count, next_shown_change(
            [t for t in [page.next_change] if t] + window_edges(project.id, now), now)),
        "refresh": REFRESH_SECONDS,
        "sorts": SORTS,
        "base": base,
        # The empty list shows how a job reports in; nobody needs it after that.
        "snippets": [] if page.every else push_snippets(push_url(base, "<token>")),
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
    # Most refreshes find nothing new: that answer comes from one query that
    # checks the membership and reads the counter. Anything else (a change,
    # a stranger) goes the whole way, through the loader's 404 and 403.
    count = member_change_count(db.session.connection(), code, current_user.id)
    if (count is not None and still_holds(request.args.get("fp"), count, utcnow())
            and request.args.get("tz", current_user.timezone) == current_user.timezone):
        return no_change()
    project = project_or_404(code)
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
