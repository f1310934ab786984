"""The user's settings: API keys, the ping key, password and the timezone times are shown in."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ...core.models import ApiKey, new_ping_key
from ...core.urls import ping_url
from ...db import db
from ...web.extensions import htmx
from ...web.urls import base_url
from ..forms.account import ApiKeyForm, PasswordChangeForm, TimezoneForm
from .confirm import Confirm, confirm_page, confirmed

bp = Blueprint("settings", __name__, url_prefix="/settings")

ROTATE_PING_KEY = Confirm(
    "Rotate the ping key?",
    "Slug URLs with the current key (/ping/<ping-key>/<slug>) answer 404 from now on: "
    "jobs that use them must be given the new key. URLs with a check's uuid keep working.",
    "Rotate ping key")


def user_keys() -> list[ApiKey]:
    return list(db.session.scalars(
        sa.select(ApiKey).where(ApiKey.user_id == current_user.id).order_by(ApiKey.id)))


def render_settings(status: int = 200, *, key_form=None, password_form=None, tz_form=None,
                    new_key: str | None = None):
    """The whole page, or only the keys section when htmx asked for it."""
    ctx = {
        "keys": user_keys(),
        "key_form": key_form or ApiKeyForm(formdata=None),
        "password_form": password_form or PasswordChangeForm(formdata=None),
        "tz_form": tz_form or TimezoneForm(formdata=None, timezone=current_user.timezone),
        "new_key": new_key,
        "rotate_ping_key": ROTATE_PING_KEY,
        "slug_url": ping_url(base_url(), f"{current_user.ping_key}/"),
    }
    if htmx and htmx.target == "api-keys":
        return render_template("settings/partials/_keys.html", **ctx), status
    return render_template("settings/index.html", **ctx), status


@bp.get("/")
@login_required
def index():
    """The settings page."""
    return render_settings()


@bp.post("/keys")
@login_required
def create_key():
    """Make an API key; it is shown once, in this answer, and never stored."""
    form = ApiKeyForm()
    if not form.validate_on_submit():
        return render_settings(400, key_form=form)
    row, key = ApiKey.issue(current_user, form.label.data.strip())
    db.session.add(row)
    db.session.commit()
    return render_settings(201, new_key=key)


@bp.post("/keys/<int:key_id>/revoke")
@login_required
def revoke_key(key_id: int):
    """Delete an API key: scripts using it get 401 from now on."""
    key = db.first_or_404(sa.select(ApiKey).where(ApiKey.id == key_id,
                                                  ApiKey.user_id == current_user.id))
    db.session.delete(key)
    db.session.commit()
    if htmx:
        return render_settings()
    flash(f"API key {key.prefix}… revoked.", "info")
    return redirect(url_for("settings.index"))


@bp.post("/ping-key/rotate")
@login_required
def rotate_ping_key():
    """A new ping key: slug URLs with the old one answer 404 from now on."""
    if not confirmed():
        return confirm_page(ROTATE_PING_KEY, url_for("settings.index", _anchor="ping-key"))
    current_user.ping_key = new_ping_key()
    db.session.commit()
    flash("New ping key made: give your jobs' slug URLs the new key.", "info")
    return redirect(url_for("settings.index", _anchor="ping-key"))


@bp.post("/password")
@login_required
def change_password():
    """Change the password, given the current one."""
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if current_user.check_password(form.current.data):
            current_user.set_password(form.new.data)
            db.session.commit()
            flash("Password changed.", "info")
            return redirect(url_for("settings.index"))
        form.current.errors.append("That is not your current password.")
    return render_settings(400, password_form=form)


@bp.post("/timezone")
@login_required
def set_timezone():
    """The timezone every page shows times in."""
    form = TimezoneForm()
    if not form.validate_on_submit():
        return render_settings(400, tz_form=form)
    current_user.timezone = form.timezone.data
    db.session.commit()
    flash(f"Times are now shown in {form.timezone.data}.", "info")
    return redirect(url_for("settings.index"))
