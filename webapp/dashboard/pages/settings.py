"""The user's settings: API keys, the ping key, password, login sessions and
the timezone times are shown in."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ...core import logins
from ...core.models import ApiKey, new_ping_key
from ...core.urls import ping_url
from ...db import db
from ...web.extensions import htmx
from ...web.urls import base_url
from ..forms.account import ApiKeyForm, PasswordChangeForm, TimezoneForm
from .auth import current_token, log_out
from .confirm import Confirm, confirm_page, confirmed

bp = Blueprint("settings", __name__, url_prefix="/settings")

ROTATE_PING_KEY = Confirm(
    "Rotate the ping key?",
    "Slug URLs with the current key (/ping/<ping-key>/<slug>) answer 404 from now on: "
    "jobs that use them must be given the new key. URLs with a check's uuid keep working.",
    "Rotate ping key")


LOG_OUT_EVERYWHERE = Confirm(
    "Log out everywhere?",
    "Every browser logged in to this account, this one included, is logged out, "
    "and \"keep me logged in\" cookies stop working. API keys are not affected.",
    "Log out everywhere")


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
        "sessions": logins.of_user(current_user.id),
        "this_session": lambda row: logins.is_token_of(row, current_token()),
        "log_out_everywhere": LOG_OUT_EVERYWHERE,
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
            # Whoever knew the old password may have logged in with it.
            ended = logins.end_all(current_user.id, keep=current_token())
            flash("Password changed." + (f" {ended} other login session(s) ended." if ended
                                         else ""), "info")
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


@bp.post("/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    """Log one of the user's other browsers out."""
    if not logins.end_one(current_user.id, session_id):
        flash("That session had ended already.", "info")
    else:
        flash("Session ended: that browser is logged out.", "info")
    return redirect(url_for("settings.index", _anchor="sessions"))


@bp.post("/sessions/end-all")
@login_required
def end_all_sessions():
    """Log every browser of this account out, this one too."""
    if not confirmed():
        return confirm_page(LOG_OUT_EVERYWHERE, url_for("settings.index", _anchor="sessions"))
    logins.end_all(current_user.id)
    log_out()
    flash("Every session of your account is logged out.", "info")
    return redirect(url_for("auth.login"))
