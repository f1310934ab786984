"""Several checks at once, chosen in the list: pause, resume, mute, unmute,
tag, untag or delete them. Each goes through the same code as the one-check
action does, so a bulk pause records a flip per check, as a pause does."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_login import login_required

from ...core import check_actions
from ...core.models import Check, normalize_tags
from ...core.times import utcnow
from ...db import db
from ...web.loaders import project_or_404
from ..display.list_filter import natural_key
from .check import MUTE_HOURS, actor
from .confirm import Confirm, confirm_page, confirmed

bp = Blueprint("bulk", __name__)

ACTIONS = ("pause", "resume", "mute", "unmute", "tag", "untag", "delete")
# More than a page of the list: a selection is made on one page.
MAX_CHECKS = 500
TAGS_LIMIT = 500  # the width of checks.tags


def back_url(code: str) -> str:
    """The list the form was on, with its search, if `next` is one; else the list."""
    home = url_for("dashboard.project", code=code)
    wanted = request.form.get("next", "")
    return wanted if wanted.startswith(home) and "//" not in wanted else home


def chosen(project_id: int) -> list[Check]:
    uuids = list(dict.fromkeys(request.form.getlist("check")))
    if not uuids:
        abort(400, "Select one or more checks first.")
    if len(uuids) > MAX_CHECKS:
        abort(400, f"Select at most {MAX_CHECKS} checks at once.")
    # In the list's order by name, as the flash and the question name them.
    checks = sorted(db.session.scalars(
        sa.select(Check).where(Check.project_id == project_id, Check.uuid.in_(uuids))),
        key=lambda c: (natural_key(c.name), c.id))
    if len(checks) != len(uuids):
        missing = len(uuids) - len(checks)
        abort(400, f"{missing} of the selected checks are not in this project any more "
                   "(deleted meanwhile?): nothing was changed. Reload the list and try again.")
    return checks


def one_tag() -> str:
    tag = normalize_tags(request.form.get("tag", ""))
    if not tag or " " in tag:
        abort(400, "Give one tag (no spaces or commas) to add or remove.")
    return tag


@bp.post("/projects/<code>/checks/bulk")
@login_required
def bulk(code: str):
    """Apply one action to the checks ticked in the list, once every one of
    them is found in the project (else nothing is done)."""
    project = project_or_404(code, "write")
    action = request.form.get("action", "")
    if action not in ACTIONS:
        abort(400, f"Choose what to do with the selected checks: {', '.join(ACTIONS)}.")
    checks = chosen(project.id)
    n = len(checks)
    names = ", ".join(c.name or c.uuid for c in checks[:10]) + (" …" if n > 10 else "")
    if action == "delete" and not confirmed():
        return confirm_page(Confirm(f"Delete {n} check{'s' * (n != 1)}?",
                                    f"{names} will be deleted with their pings and history. "
                                    "Their URLs will answer 404.", "Delete"),
                            back_url(code), keep=[("action", "delete"), ("next", back_url(code))]
                            + [("check", c.uuid) for c in checks])
    done = apply(action, checks)
    db.session.commit()
    flash(f"{done}: {n} check{'s' * (n != 1)} ({names}).", "info")
    return redirect(back_url(code), code=303)


def apply(action: str, checks: list[Check]) -> str:
    """Carry the action out on each check (uncommitted); the past tense for the flash."""
    now, who = utcnow(), actor()
    if action == "pause":
        for c in checks:
            check_actions.pause(c, actor=who, reason="paused from the checks list", now=now)
        return "Paused"
    if action == "resume":
        for c in checks:
            check_actions.resume(c, actor=who, reason="resumed from the checks list", now=now)
        return "Resumed"
    if action == "mute":
        until = request.form.get("until", "")
        if until not in (*MUTE_HOURS, "up"):
            abort(400, "Mute for 1, 8 or 24 hours, or until up.")
        end = None if until == "up" else now + timedelta(hours=MUTE_HOURS[until])
        for c in checks:
            check_actions.mute(c, end, until_up=until == "up")
        return "Muted"
    if action == "unmute":
        for c in checks:
            check_actions.mute(c, None)
        return "Unmuted"
    if action in ("tag", "untag"):
        tag = one_tag()
        for c in checks:
            tags = c.tag_list
            c.tags = normalize_tags(tags + [tag] if action == "tag" else
                                    [t for t in tags if t != tag])
            if len(c.tags) > TAGS_LIMIT:
                abort(400, f"“{c.name}” would have more than {TAGS_LIMIT} characters of "
                           "tags: nothing was changed.")
        return f"Tagged “{tag}”" if action == "tag" else f"Took “{tag}” off"
    for c in checks:
        db.session.delete(c)
    return "Deleted"
