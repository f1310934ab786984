"""Status badges without login, in Healthchecks' URLs and formats.

- /badge/<badge_key>/<signature>[-2]/<tag>.<fmt> and, for every check of the
  project, /badge/<badge_key>/<signature>[-2].<fmt> (hc/api/urls.py hc-badge
  and hc-badge-all): the project's badge key, and a signature of the tag that
  only this installation can make (webapp.core.badges.signature);
- /b/2/<badge_key>.<fmt> and /b/3/<badge_key>.<fmt>: one check, named by its
  own badge key, never by its uuid (hc/api/tests/test_check_badge.py).

<fmt> is svg (an image showing the label and the state), json
({status, total, grace, down}) or shields (Shields.io's endpoint document).
Two states ("-2", /b/2/) show a late check as up; three show it as late. A
wrong signature, an unknown key or format is a 404. Answers are never cached
(Django's never_cache, which Healthchecks' badge views wear): a cached badge
would go on showing "up" after the check went down.
"""

from __future__ import annotations

from urllib.parse import unquote

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request

from ..core.badges import (
    ALL,
    COLORS,
    FORMATS,
    SHIELDS_COLORS,
    BadgeState,
    check_badge_status,
    signed_by,
    split_signature,
    summarise,
    text_width,
)
from ..core.models import Check, Project
from ..core.text import can_name_a_row
from ..core.times import utcnow
from ..db import db
from ..db.secrets import old_keys

bp = Blueprint("badges", __name__)

METHODS = ["GET", "OPTIONS"]
# Django's never_cache, as on Healthchecks' badges (test_check_badge.py
# test_it_returns_svg looks for "no-cache").
NEVER_CACHE = "max-age=0, no-cache, no-store, must-revalidate, private"
# Healthchecks' cors decorator: a page on any site may fetch the JSON formats.
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
        "Access-Control-Max-Age": "600"}


@bp.before_request
def preflight():
    """A CORS preflight is a 204, whatever the URL names (test_badge.py test_it_handles_options)."""
    if request.method == "OPTIONS":
        return Response(status=204)
    return None


@bp.after_request
def badge_headers(response: Response) -> Response:
    response.headers.update(CORS)
    response.headers["Cache-Control"] = NEVER_CACHE
    return response


@bp.route("/badge/<badge_key>/<all_file>", methods=METHODS)
def project_all(badge_key: str, all_file: str):
    """Every check of the project: /badge/<badge_key>/<signature>[-2].<fmt>."""
    signed, fmt = split_format(all_file)
    return project_badge(badge_key, signed, ALL, fmt)


@bp.route("/badge/<badge_key>/<signature>/<path:tag_file>", methods=METHODS)
def project_tag(badge_key: str, signature: str, tag_file: str):
    """The project's checks carrying one tag: /badge/<badge_key>/<signature>[-2]/<tag>.<fmt>."""
    tag, fmt = split_format(tag_file)
    return project_badge(badge_key, signature, tag, fmt)


@bp.route("/b/<int:states>/<check_key>.<fmt>", methods=METHODS)
def check_badge(states: int, check_key: str, fmt: str):
    """One check, named by its badge key: /b/2|3/<badge_key>.<fmt>."""
    if states not in (2, 3) or fmt not in FORMATS or not can_name_a_row(check_key):
        abort(404)
    check = db.session.scalar(sa.select(Check).where(Check.badge_key == check_key))
    if check is None:
        abort(404)
    status = check_badge_status(check.status, check.next_ping, utcnow())
    # A check without a name is labelled by neither its uuid (a ping token,
    # which Healthchecks' name_then_code would show) nor its badge key.
    label = check.name or check.slug or "check"
    return answer(label, summarise([status], states), fmt)


def split_format(filename: str) -> tuple[str, str]:
    """("name", "fmt") of "name.fmt", split at the last dot: a tag may hold dots."""
    name, dot, fmt = filename.rpartition(".")
    if not dot:
        abort(404)
    return name, fmt


def project_badge(badge_key: str, signed: str, tag: str, fmt: str) -> Response:
    if fmt not in FORMATS:
        abort(404)
    parts = split_signature(signed)
    if parts is None:
        abort(404)
    sig, states = parts
    tag = signed_tag(badge_key, tag, sig)
    project = db.session.scalar(sa.select(Project).where(Project.badge_key == badge_key))
    if project is None:
        abort(404)
    query = sa.select(Check.status, Check.next_ping, Check.tags).where(
        Check.project_id == project.id)
    if tag != ALL:
        # Narrowed in SQL, then matched whole: "db" must not count "db-replica".
        query = query.where(Check.tags.contains(tag, autoescape=True))
    now = utcnow()
    statuses = [check_badge_status(row.status, row.next_ping, now)
                for row in db.session.execute(query)
                if tag == ALL or tag in row.tags.split()]
    label = current_app.config["MASTER_BADGE_LABEL"] if tag == ALL else tag
    return answer(label, summarise(statuses, states), fmt)


def signed_tag(badge_key: str, tag: str, sig: str) -> str:
    """The tag `sig` signs, or a 404. Our URLs percent-encode a tag once;
    Healthchecks' twice ("db@dc1" is db%2540dc1, hc/front/tests/test_badges.py
    test_it_handles_special_characters_in_tags), which arrives here still
    encoded once: its signature is of the decoded tag."""
    config = current_app.config
    secrets = (config["SECRET_KEY"], *old_keys(config.get("OLD_SECRET_KEYS", "")))
    for candidate in dict.fromkeys((tag, unquote(tag))):
        if (can_name_a_row(badge_key) and can_name_a_row(candidate)
                and signed_by(badge_key, candidate, sig, secrets)):
            return candidate
    abort(404)


def answer(label: str, state: BadgeState, fmt: str) -> Response:
    if fmt == "shields":
        return jsonify(schemaVersion=1, label=label, message=state.status,
                       color=SHIELDS_COLORS[state.status])
    if fmt == "json":
        return jsonify(state._asdict())
    return Response(badge_svg(label, state.status), mimetype="image/svg+xml")


def badge_svg(label: str, status: str) -> str:
    label_width, status_width = text_width(label) + 10, text_width(status) + 10
    return render_template(
        "public/badge.svg", label=label, status=status, color=COLORS[status],
        width=label_width + status_width, label_width=label_width, status_width=status_width,
        label_x=label_width / 2, status_x=label_width + status_width / 2)
