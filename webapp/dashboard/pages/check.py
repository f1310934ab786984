"""One check's pages: create and edit, details, and the actions on it.

Each loads its check through `web.loaders`, which goes to the check's project
and the user's role there: any member reads, owners and members change.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ...core import check_actions
from ...core.channels import alert_targets, project_channels
from ...core.check_fields import apply_fields, parse_fields
from ...core.dependencies import children_of
from ...core.errors import CheckLimitReached, FieldError
from ...core.models import Check, Project
from ...core.projects import can_write
from ...core.push_tokens import push_token_of
from ...core.times import utcnow
from ...core.urls import push_url
from ...db import db
from ...web.extensions import htmx
from ...web.loaders import check_or_404, project_or_404
from ...web.urls import base_url
from ..display.alert_words import alert_words, dependency_rows
from ..display.chart import duration_chart, value_chart
from ..display.check_history import check_history
from ..display.event_log import duration_points, event_page, value_points
from ..display.fingerprint import check_fingerprint
from ..display.schedule_words import one_expression_a_line, schedule_preview
from ..display.snippets import push_forms, push_snippets
from ..display.snooze_words import mute_words
from ..forms.check import CheckForm, shown_kind
from ..forms.fields import sentence
from .confirm import Confirm, confirm_page, confirmed
from .home import REFRESH_SECONDS, no_change

bp = Blueprint("checks", __name__)


def page_number() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def actor() -> str:
    return f"user:{current_user.email}"


def confirmations(check: Check) -> dict[str, Confirm]:
    """What the rotate and delete buttons ask, in the dialog and on the page alike."""
    name = check.name or check.uuid
    return {
        "rotate": Confirm(f"Rotate the token of “{name}”?",
                          "The current push URLs stop working at once: "
                          "every job must be given the new one.", "Rotate token"),
        "delete": Confirm(f"Delete “{name}”?", "The check and all its pings and history "
                          "will be deleted. This cannot be undone.", "Delete"),
    }


def other_checks(project: Project, check: Check | None) -> list[Check]:
    """The checks the form offers as parents: the project's others, by name."""
    found = db.session.scalars(sa.select(Check).where(Check.project_id == project.id))
    return sorted((c for c in found if check is None or c.id != check.id),
                  key=lambda c: ((c.name or c.uuid).casefold(), c.id))


def refuse(form: CheckForm, error: FieldError | CheckLimitReached) -> None:
    """Show the core's refusal on the form: next to the Depends on picker when it
    is about depends_on (the core's reasons start with the field's name: a loop,
    a check deleted since the form was drawn), else above the form."""
    # What was applied before the refusal is undone now, not at the request's
    # end: the page drawn again names the check as it is stored.
    db.session.rollback()
    reason = str(error)
    if isinstance(error, FieldError) and reason.startswith("depends_on"):
        form.depends_on.errors.append(sentence(reason.removeprefix("depends_on").lstrip(": ")))
    else:
        form.form_errors.append(sentence(reason))


def render_form(form: CheckForm, project: Project, check: Check | None):
    status = 422 if form.is_submitted() else 200
    form.offer_parents(other_checks(project, check))
    return render_template("checks/form.html", form=form, check=check, project=project,
                           channels=project_channels(project.id)), status


@bp.route("/projects/<code>/checks/new", methods=["GET", "POST"])
@login_required
def new(code: str):
    """The form for a new check in the project; only a name is needed."""
    project = project_or_404(code, "write")
    form = CheckForm()
    if request.method == "GET":
        form.tz.data = current_user.timezone  # the browser's zone replaces it (app.js)
        form.channels.data = [c.code for c in project_channels(project.id)]  # all, by default
    if form.validate_on_submit():
        try:
            check = check_actions.create_check(project.id, form_fields(form, project, None))
        except (FieldError, CheckLimitReached) as e:
            refuse(form, e)
        else:
            db.session.commit()
            flash(f"Check “{check.name}” created. Point your job at its push URL below.", "info")
            return redirect(url_for("checks.detail", uuid=check.uuid))
    return render_form(form, project, None)


@bp.route("/checks/<uuid>/edit", methods=["GET", "POST"])
@login_required
def edit(uuid: str):
    """Change a check's name, tags, description, schedule or alerts."""
    check = check_or_404(uuid, "write")
    form = CheckForm()
    if request.method == "GET":
        form.fill_from(check)
        return render_form(form, check.project, check)
    # A field the browser did not send keeps the check's value, not the
    # form's default: saved, and drawn again if the form is refused.
    form.keep_unsent(check)
    if form.validate_on_submit() and save(check, form):
        db.session.commit()
        flash("Changes saved.", "info")
        return redirect(url_for("checks.detail", uuid=check.uuid))
    return render_form(form, check.project, check)


def form_fields(form: CheckForm, project: Project, current: set[str] | None,
                shown: str | None = None, parents: list[str] | None = None) -> dict:
    """The form as `parse_fields` validates it for the API too; raises FieldError.

    `current` is the check's channel codes, `shown` the kind of schedule the
    form drew it as and `parents` the uuids of the checks it depends on (all
    None for a new check). The form's validators mirror the API's rules, so a
    FieldError here is a safety net, but for a loop of dependencies, which
    only `apply_fields` sees.
    """
    data = form.api_fields(shown)
    spec = form.channels_spec([c.code for c in project_channels(project.id)], current)
    if spec is not None:
        data["channels"] = spec
    depends_on = form.depends_on_spec(parents or [])
    if depends_on is not None:
        data["depends_on"] = depends_on
    return parse_fields(data)


def save(check: Check, form: CheckForm) -> bool:
    """Apply the form to the check; False with the reason shown on the form."""
    try:
        fields = form_fields(form, check.project, {c.code for c in check.channels},
                             shown_kind(check), [p.uuid for p in check.parents])
        # The form has no slug field: a rename here keeps the slug, however it
        # was made, so the /ping/<ping-key>/<slug> URLs jobs use keep working
        # (a v3 client's slug "backup" on a check named "backup" looks derived).
        apply_fields(check, {**fields, "slug": check.slug}, utcnow())
    except FieldError as e:
        refuse(form, e)
        return False
    return True


def card_fingerprint(check: Check, now: datetime) -> str:
    """The status card's fingerprint. A down check's card changes with the
    clock alone ("for 2 h 5 min", its uptime), so its fingerprint also
    changes each minute: one render a minute, and only while it is down."""
    fp = check_fingerprint(check.id, current_user.timezone, now)
    return f"{fp}.{int(now.timestamp() // 60)}" if check.status == "down" else fp


def status_context(check: Check) -> dict:
    """What the status card needs; the page and its refresh share it."""
    now = utcnow()
    # Taken before the card is drawn, as on the list: never older than the page.
    fp = card_fingerprint(check, now)
    return {"check": check, "status": check.get_status(now), "fp": fp,
            "refresh": REFRESH_SECONDS, "log": event_page(check.id, page_number()),
            "history": check_history(check, current_user.timezone, now)}


@bp.get("/checks/<uuid>")
@login_required
def detail(uuid: str):
    """One check: its push URLs, snippets, schedule, alerts, chart and event log."""
    check = check_or_404(uuid)
    targets = alert_targets(db.session.connection(), check.id, check.project_id)
    return render_template(
        "checks/detail.html", **status_context(check), confirm=confirmations(check),
        alerts=alert_words(check, targets),
        dependencies=dependency_rows(check.parents, children_of(check)),
        # The ping key is the project's secret: a viewer sees no slug URL.
        forms=push_forms(check.uuid, check.slug,
                         check.project.ping_key if can_write(g.role) else None,
                         push_token=check.push_token),
        snippets=push_snippets(push_url(base_url(), push_token_of(check))),
        chart=value_chart(value_points(check.id), check.value_min, check.value_max),
        run_chart=duration_chart(duration_points(check.id)),
    )


@bp.get("/checks/<uuid>/live")
@login_required
def live(uuid: str):
    """The status card again, or 204 when nothing about the check changed."""
    check = check_or_404(uuid)
    if request.args.get("fp") == card_fingerprint(check, utcnow()):
        return no_change()
    body = render_template("checks/partials/_status_live.html", **status_context(check))
    return Response(body, headers={"Cache-Control": "no-store"})


@bp.get("/checks/<uuid>/events")
@login_required
def events(uuid: str):
    """A page of the event log (the Newer/Older links swap only the log)."""
    check = check_or_404(uuid)
    log = event_page(check.id, page_number())
    if htmx:
        return render_template("checks/partials/_events.html", check=check, log=log)
    return redirect(url_for("checks.detail", uuid=uuid, page=log.page, _anchor="events"))


@bp.post("/checks/<uuid>/pause")
@login_required
def pause(uuid: str):
    """No alerts until the next ping (or a resume)."""
    check = check_or_404(uuid, "write")
    if check_actions.pause(check, actor=actor(), reason="paused from the dashboard"):
        flash("Paused: no alerts until the next ping.", "info")
    return redirect(url_for("checks.detail", uuid=uuid))


@bp.post("/checks/<uuid>/resume")
@login_required
def resume(uuid: str):
    """Watch the check again; it waits for its next ping, as a new check does."""
    check = check_or_404(uuid, "write")
    if check_actions.resume(check, actor=actor(), reason="resumed from the dashboard"):
        flash("Resumed: waiting for the next ping.", "info")
    return redirect(url_for("checks.detail", uuid=uuid))


# The mute form's choices: hours from now, "up" (until the check is up
# again) or "off" (unmute). A fixed list: a typed time is the API's job.
MUTE_HOURS = {"1": 1, "8": 8, "24": 24}


@bp.post("/checks/<uuid>/mute")
@login_required
def mute(uuid: str):
    """Snooze (core.snooze): the check is watched as ever, but nothing is sent."""
    check = check_or_404(uuid, "write")
    until, now = request.form.get("until", ""), utcnow()
    if until in MUTE_HOURS:
        check_actions.mute(check, now + timedelta(hours=MUTE_HOURS[until]))
    elif until in ("up", "off"):
        check_actions.mute(check, None, until_up=until == "up")
    else:
        return Response("until must be 1, 8, 24, up or off", status=400)
    db.session.commit()
    flash(f"Muted: {mute_words(check, current_user.timezone)[6:]}." if until != "off"
          else "Unmuted: alerts are sent again.", "info")
    return redirect(url_for("checks.detail", uuid=uuid))


@bp.post("/checks/<uuid>/rotate")
@login_required
def rotate(uuid: str):
    """Replace the check's secret token; the old URLs answer 404 from now on."""
    check = check_or_404(uuid, "write")
    if not confirmed():
        return confirm_page(confirmations(check)["rotate"], url_for("checks.detail", uuid=uuid))
    check.rotate_token()
    db.session.commit()
    flash("New token made: update your jobs with the new push URL.", "info")
    return redirect(url_for("checks.detail", uuid=check.uuid))


@bp.post("/checks/<uuid>/delete")
@login_required
def delete(uuid: str):
    """Delete the check with its pings and history."""
    check = check_or_404(uuid, "write")
    if not confirmed():
        return confirm_page(confirmations(check)["delete"], url_for("checks.detail", uuid=uuid))
    name = check.name or check.uuid
    db.session.delete(check)
    db.session.commit()
    flash(f"Check “{name}” deleted.", "info")
    return redirect(url_for("dashboard.project", code=check.project.code))


@bp.get("/checks/cron-preview")
@login_required
def cron_preview():
    """The form's live explanation of a cron expression (?cron=) or of OnCalendar
    ones (?oncalendar=), with the next firings."""
    if "oncalendar" in request.args:
        kind, expr = "oncalendar", one_expression_a_line(request.args["oncalendar"])
    else:
        kind, expr = "cron", " ".join(request.args.get("cron", "").split())
    tz = request.args.get("tz", "UTC")
    preview = schedule_preview(kind, expr, tz, utcnow())
    return render_template("checks/partials/_cron_preview.html", error=preview.error,
                           words=preview.words, next_ping=(preview.firings or [None])[0],
                           later=preview.firings[1:], tz=tz)
