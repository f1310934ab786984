"""The JSON management API, Healthchecks' v1/v2/v3 shapes: one blueprint,
`bp`, under /api/v<version>/, holding the checks, history, channels and badges routes.

Every call is authenticated by its API key before it reaches a view, and
every error, the API's own and Flask's, is {"error": "..."}.
"""

from __future__ import annotations

from flask import Blueprint, Flask

from ..core.errors import FieldConflict, FieldError
from ..web import ratelimits
from ..web.extensions import csrf
from . import badges, channels, checks, cors, history, maintenance, mute
from .common import add_version, authenticate, error, presented_key, pull_version

__all__ = ["bp", "init_app"]

PARTS = (checks.bp, mute.bp, history.bp, channels.bp, badges.bp, maintenance.bp)
bp = Blueprint("api", __name__, url_prefix="/api/v<int:version>")
bp.url_value_preprocessor(pull_version)
bp.url_defaults(add_version)
bp.before_request(authenticate)
for part in PARTS:
    bp.register_blueprint(part)


@bp.errorhandler(FieldError)
def field_error(e: FieldError):
    return error(str(e), 409 if isinstance(e, FieldConflict) else 400)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    cors.init_app(app)
    ratelimits.protect_api(app, bp, presented_key)
    # API clients authenticate by key, not by a browser session (the CSRF
    # check goes by the blueprint a view is in: each part is exempt).
    for exempt in (bp, *PARTS):
        csrf.exempt(exempt)
