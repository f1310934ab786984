"""The user's own settings: password, login sessions and the timezone times
are shown in (a project's keys and members are in `projects`)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ...core import logins
from ...db import db
from ..forms.account import PasswordChangeForm, TimezoneForm
from .auth import current_token, log_out
from .confirm import Confirm, confirm_page, confirmed

bp = Blueprint("settings", __name__, url_prefix="/settings")

LOG_OUT_EVERYWHERE = Confirm(
    "Log out everywhere?",
    "Every browser logged in to this account, this one included, is logged out, "
    "and \"keep me logged in\" cookies stop working. API keys are not affected.",
    "Log out everywhere")


def render_settings(status: int = 200, *, password_form=None, tz_form=None):
    """The settings page."""
    ctx = {
        "password_form": password_form or PasswordChangeForm(formdata=None),
        "tz_form": tz_form or TimezoneForm(formdata=None, timezone=current_user.timezone),
        "sessions": logins.of_user(current_user.id),
        "this_session": lambda row: logins.is_token_of(row, current_token()),
        "log_out_everywhere": LOG_OUT_EVERYWHERE,
    }
    return render_template("settings/index.html", **ctx), status


@bp.get("/")
@login_required
def index():
    """The settings page."""
    return render_settings()


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
    current_user.timezone, current_user.timezone_chosen = form.timezone.data, True
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
