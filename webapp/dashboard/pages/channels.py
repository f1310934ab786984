"""The user's channels: list, add, edit, remove, and send a test notification."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ...alerts.delivery import send_test
from ...core.channels import add_channel, update_channel, user_channels
from ...core.check_actions import check_count
from ...core.models import Channel
from ...db import db
from ...web.extensions import htmx
from ...web.loaders import channel_or_404
from ..display.channel_stats import checks_per_channel, failed_deliveries
from ..forms.channel import KIND_LABELS, MASK, VALUE_HINTS, VALUE_LABELS, ChannelForm
from .confirm import Confirm, confirm_page, confirmed

bp = Blueprint("channels", __name__, url_prefix="/settings/channels")
# The words the list, the add form and the edit page use for each kind.
WORDS = {"kind_labels": KIND_LABELS, "value_labels": VALUE_LABELS, "value_hints": VALUE_HINTS}


def own_channel(code: str) -> Channel:
    return channel_or_404(code, current_user.id)


def remove_confirm(channel: Channel) -> Confirm:
    return Confirm(f"Remove the channel “{channel.name}”?",
                   "Checks stop alerting it at once, and its delivery history goes with it. "
                   "This cannot be undone.", "Remove")


def render_list(status: int = 200, *, form: ChannelForm | None = None,
                results: dict[str, str | None] | None = None):
    """The channels page; `results` holds test outcomes to show (code: error or None)."""
    channels = user_channels(current_user.id)
    n_checks = check_count(current_user.id)
    return render_template(
        "channels/index.html", channels=channels, form=form or ChannelForm(formdata=None),
        n_checks=n_checks, counts=checks_per_channel(current_user.id),
        failures=failed_deliveries([c.id for c in channels]),
        results=results or {}, remove_confirm=remove_confirm, **WORDS,
    ), status


@bp.get("/")
@login_required
def index():
    """The user's channels, each with its recent failed deliveries, and the add form."""
    return render_list()


@bp.post("/")
@login_required
def create():
    """Add a channel; every existing check alerts it too, as the API does."""
    form = ChannelForm()
    if not form.validate_on_submit():
        return render_list(422, form=form)
    channel = add_channel(current_user.id, form.fields())
    flash(f"Channel “{channel.name}” added: every check alerts it. "
          "Send a test notification to see that it works.", "info")
    return redirect(url_for("channels.index", _anchor=f"channel-{channel.code}"))


@bp.route("/<code>/edit", methods=["GET", "POST"])
@login_required
def edit(code: str):
    """Change a channel's name, where it sends, or a webhook's headers; not its kind."""
    channel = own_channel(code)
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
            return redirect(url_for("channels.index", _anchor=f"channel-{channel.code}"))
    status = 422 if form.is_submitted() else 200
    return render_template("channels/edit.html", form=form, channel=channel, **WORDS), status


@bp.post("/<code>/delete")
@login_required
def delete(code: str):
    """Remove a channel; checks stop alerting it, its notifications go with it."""
    channel = own_channel(code)
    if not confirmed():
        return confirm_page(remove_confirm(channel), url_for("channels.index"))
    name = channel.name
    db.session.delete(channel)
    db.session.commit()
    flash(f"Channel “{name}” removed.", "info")
    return redirect(url_for("channels.index"))


@bp.post("/<code>/test")
@login_required
def test(code: str):
    """Send a test notification now, and say how it went beside the button."""
    channel = own_channel(code)
    # Sent here, not queued: the person is waiting to see whether it works,
    # and the sender's time limit (INTEGRATIONS_TIMEOUT, MAIL_TIMEOUT) bounds the wait.
    error = send_test(channel)
    if htmx:
        return render_template("channels/partials/_test_result.html", error=error)
    return render_list(results={channel.code: error})
