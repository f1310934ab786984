"""A project's channels: list, add, edit, remove, and send a test notification.

Any member sees the list; a viewer sees no channel's value or headers (URLs
and headers carry tokens). Owners and members change them.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import login_required

from ...alerts.delivery import send_test
from ...core.channels import add_channel, project_channels, update_channel
from ...core.check_actions import check_count
from ...core.models import Channel, Project
from ...core.routing import routing_words
from ...db import db
from ...web.extensions import htmx
from ...web.loaders import channel_or_404, project_or_404
from ..display.channel_stats import checks_per_channel, failed_deliveries
from ..forms.channel import KIND_LABELS, MASK, VALUE_HINTS, VALUE_LABELS, ChannelForm
from .confirm import Confirm, confirm_page, confirmed

bp = Blueprint("channels", __name__)
# The words the list, the add form and the edit page use for each kind.
WORDS = {"kind_labels": KIND_LABELS, "value_labels": VALUE_LABELS, "value_hints": VALUE_HINTS,
         "routing_words": routing_words}


def remove_confirm(channel: Channel) -> Confirm:
    return Confirm(f"Remove the channel “{channel.name}”?",
                   "Checks stop alerting it at once, and its delivery history goes with it. "
                   "This cannot be undone.", "Remove")


def render_list(project: Project, status: int = 200, *, form: ChannelForm | None = None,
                results: dict[str, str | None] | None = None):
    """The channels page; `results` holds test outcomes to show (code: error or None)."""
    channels = project_channels(project.id)
    n_checks = check_count(project.id)
    return render_template(
        "channels/index.html", project=project, channels=channels,
        form=form or ChannelForm(formdata=None),
        n_checks=n_checks, counts=checks_per_channel(project.id),
        failures=failed_deliveries([c.id for c in channels]),
        results=results or {}, remove_confirm=remove_confirm, **WORDS,
    ), status


def to_list(channel: Channel, **anchor):
    return redirect(url_for("channels.index", code=channel.project.code, **anchor))


@bp.get("/projects/<code>/channels/")
@login_required
def index(code: str):
    """The project's channels, each with its recent failed deliveries, and the add form."""
    return render_list(project_or_404(code))


@bp.post("/projects/<code>/channels/")
@login_required
def create(code: str):
    """Add a channel; every existing check alerts it too, as the API does."""
    project = project_or_404(code, "write")
    form = ChannelForm()
    if not form.validate_on_submit():
        return render_list(project, 422, form=form)
    channel = add_channel(project.id, form.fields())
    flash(f"Channel “{channel.name}” added: every check alerts it. "
          "Send a test notification to see that it works.", "info")
    return to_list(channel, _anchor=f"channel-{channel.code}")


@bp.route("/channels/<code>/edit", methods=["GET", "POST"])
@login_required
def edit(code: str):
    """Change a channel's name, where it sends, a webhook's headers or its routing; not its kind."""
    channel = channel_or_404(code, "write")
    form = ChannelForm(saved_headers=channel.headers or {})
    form.value.label.text = VALUE_LABELS[channel.kind]
    form.headers.description = (f"One Name: value per line. Saved values show as {MASK}: leave it "
                                "to keep a value, type over it to change it, delete the line to "
                                "drop the header.")
    if not form.is_submitted():
        form.fill_from(channel)
    else:
        form.kind.data = channel.kind  # whatever was posted: the kind is fixed once made
        if form.validate_on_submit():
            update_channel(channel, form.fields())
            flash(f"Channel “{channel.name}” saved.", "info")
            return to_list(channel, _anchor=f"channel-{channel.code}")
    status = 422 if form.is_submitted() else 200
    return render_template("channels/edit.html", form=form, channel=channel, **WORDS), status


@bp.post("/channels/<code>/delete")
@login_required
def delete(code: str):
    """Remove a channel; checks stop alerting it, its notifications go with it."""
    channel = channel_or_404(code, "write")
    project = channel.project
    if not confirmed():
        return confirm_page(remove_confirm(channel), url_for("channels.index", code=project.code))
    name = channel.name
    db.session.delete(channel)
    db.session.commit()
    flash(f"Channel “{name}” removed.", "info")
    return redirect(url_for("channels.index", code=project.code))


@bp.post("/channels/<code>/test")
@login_required
def test(code: str):
    """Send a test notification now, and say how it went beside the button."""
    channel = channel_or_404(code, "write")
    # Sent here, not queued: the person is waiting to see whether it works,
    # and the sender's time limit (INTEGRATIONS_TIMEOUT, MAIL_TIMEOUT) bounds the wait.
    error = send_test(channel)
    if htmx:
        return render_template("channels/partials/_test_result.html", error=error)
    return render_list(channel.project, results={channel.code: error})
