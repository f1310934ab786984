"""Logging in and out, and signing up when REGISTRATION_OPEN allows it."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_htmx.responses import HTMXResponseClientRedirect
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.utils import login_url

from ...core.models import User
from ...core.users import authenticate, create_user
from ...db import db
from ...web.extensions import htmx, login_manager
from ..forms.account import LoginForm, SignupForm

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


@login_manager.unauthorized_handler
def unauthorized():
    """To the login page, and back here after it.

    An htmx request (the list's refresh after the session ended) gets a
    client-side redirect of the whole page; a plain redirect would be followed
    by htmx and the login form swapped into the middle of the list.
    """
    if htmx:
        here = urlsplit(htmx.current_url or "")
        back = here.path + (f"?{here.query}" if here.query else "")
        return HTMXResponseClientRedirect(login_url("auth.login", next_url=safe_next(back)))
    return redirect(login_url("auth.login", next_url=request.full_path.rstrip("?")))


def safe_next(target: str | None) -> str:
    """Only same-site paths: `next` must never send people to another host."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return url_for("dashboard.index")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return url_for("dashboard.index")
    return target


def registration_open() -> bool:
    return bool(current_app.config.get("REGISTRATION_OPEN"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The login form."""
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
        flash("Wrong email or password.", "error")
        status = 401
    elif form.is_submitted():
        status = 400
    return render_template("auth/login.html", form=form,
                           registration_open=registration_open()), status


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    """Make an account (only when REGISTRATION_OPEN is set; otherwise there is no such page)."""
    if not registration_open():
        abort(404)
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = SignupForm()
    if form.validate_on_submit():
        user = create_user(form.email.data, form.password.data, form.timezone.data or "UTC")
        if user is None:
            form.email.errors.append("An account with this email exists already: log in instead.")
        else:
            db.session.commit()
            login_user(user)
            flash("Welcome! Create your first check below.", "info")
            return redirect(url_for("dashboard.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/signup.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    """Log out (a POST, so no link or image can do it for you)."""
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
