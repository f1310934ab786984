"""The dashboard: the list of checks and each check's page."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..extensions import db
from ..models import Check, Flip, Ping
from ..schedules import describe
from ..urls import base_url

bp = Blueprint("dashboard", __name__)

# Down first: the checks that need someone come before those that do not.
STATUS_ORDER = {"down": 0, "late": 1, "started": 2, "up": 3, "new": 4, "paused": 5}


def get_own_check(uuid: str) -> Check:
    """The user's check, or 404 — whether it is missing or someone else's."""
    return db.first_or_404(
        sa.select(Check).where(Check.uuid == uuid, Check.user_id == current_user.id)
    )


@bp.get("/")
@login_required
def index():
    """Every check of the user, the ones in trouble first."""
    rows = db.session.scalars(sa.select(Check).where(Check.user_id == current_user.id)).all()
    rows.sort(key=lambda c: (STATUS_ORDER.get(c.get_status(), 9), c.name.lower()))
    return render_template("dashboard/index.html", checks=rows, describe=describe,
                           base=base_url())


@bp.get("/checks/<uuid>")
@login_required
def check_page(uuid: str):
    """One check: its push URL, schedule, recent pings and state changes."""
    check = get_own_check(uuid)
    pings = db.session.scalars(
        sa.select(Ping).where(Ping.check_id == check.id).order_by(Ping.n.desc()).limit(50)
    ).all()
    flips = db.session.scalars(
        sa.select(Flip).where(Flip.check_id == check.id).order_by(Flip.id.desc()).limit(20)
    ).all()
    return render_template("dashboard/check.html", check=check, pings=pings, flips=flips,
                           describe=describe, base=base_url())


@bp.post("/checks/<uuid>/rotate")
@login_required
def rotate_token(uuid: str):
    """Replace the check's secret token; the old URLs answer 404 from now on."""
    check = get_own_check(uuid)
    check.rotate_token()
    db.session.commit()
    flash("New token made: update your jobs with the new push URL.", "info")
    return redirect(url_for("dashboard.check_page", uuid=check.uuid))
