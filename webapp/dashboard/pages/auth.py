"""Logging in and out, and signing up when REGISTRATION_OPEN allows it."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_htmx.responses import HTMXResponseClientRedirect
from flask_login import current_user, login_required, login_user, logout_user
from flask_login.utils import login_url

from ...core import logins
from ...core.models import User
from ...core.users import adopt_browser_timezone, authenticate, create_user
from ...db import db
from ...web.extensions import htmx, login_manager
from ..forms.account import LoginForm, SignupForm

bp = Blueprint("auth", __name__)


# Flask-Login keeps what it calls the user id here, and puts it in the
# remember cookie too; we give it the login session's token instead, so that
# ending the session (logins.end) makes both cookies worthless.
TOKEN = "_user_id"


@login_manager.user_loader
def load_user(token: str) -> User | None:
    found = logins.find(token, current_app.config["REMEMBER_COOKIE_DURATION"])
    if found is None:
        return None
    g.login_session, user = found
    return user


def log_in(user: User, *, remember: bool = False) -> None:
    """Start a login session for `user` in this browser."""
    login_user(user, remember=remember)
    session[TOKEN] = logins.start(user, remember=remember,
                                  user_agent=request.user_agent.string,
                                  address=request.remote_addr or "")


def current_token() -> str | None:
    return session.get(TOKEN)


def log_out() -> None:
    """End this browser's login session, server-side too."""
    token = current_token()
    if token:
        logins.end(token)
    logout_user()


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
            adopted = adopt_browser_timezone(user, form.browser_tz.data)
            log_in(user, remember=bool(form.remember.data))  # commits the zone too
            if adopted:
                # Said, not done silently: the person may want another zone.
                flash(f"Times are shown in {user.timezone}, your browser's timezone; "
                      "Account settings can change it.", "info")
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
        user = create_user(form.email.data, form.password.data, form.timezone.data or None)
        if user is None:
            form.email.errors.append("An account with this email exists already: log in instead.")
        else:
            db.session.commit()
            log_in(user)
            flash("Welcome! Create your first check below.", "info")
            return redirect(url_for("dashboard.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("auth/signup.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    """Log out (a POST, so no link or image can do it for you)."""
    log_out()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
