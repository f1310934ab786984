"""App-wide error answers: JSON for machines, a page for people.

A ping or API call never sees an HTML error page or a bare 500: anything the
database refuses becomes a 503 that says to try again, and the session is
rolled back so the next request starts clean. A request longer than
MAX_CONTENT_LENGTH is a 413 before its body is read, in every door's format.
"""

from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..db import db

# What a client is told when the database fails it, and when anything else does;
# the ping door (webapp.ping), which answers in front of Flask, says the same.
DATABASE_UNAVAILABLE = "database unavailable, try again shortly"
INTERNAL_ERROR = "internal error"


def too_large_message(config: Mapping[str, Any]) -> str:
    """What a 413 says, in every door: the limit, so a client can tell what to cut."""
    return (f"request too large: at most {config['MAX_CONTENT_LENGTH']} bytes, "
            f"in at most {config['MAX_FORM_PARTS']} form fields")


def http_message(e: HTTPException, config: Mapping[str, Any]) -> str:
    """The one-line reason for one of werkzeug's refusals."""
    if e.code == 404:
        return "not found"
    if e.code == 413:
        # werkzeug's own text ("The data value transmitted exceeds the capacity
        # limit.") names no limit, whichever of the three was passed.
        return too_large_message(config)
    return e.description or e.name


def over_limit(length: int | None, config: Mapping[str, Any]) -> bool:
    """Whether a declared body length is past MAX_CONTENT_LENGTH (None: no limit)."""
    limit = config["MAX_CONTENT_LENGTH"]
    return length is not None and limit is not None and length > limit


def refuse_oversized() -> None:
    """A declared body over MAX_CONTENT_LENGTH is refused before any hook or view
    reads it (werkzeug would only refuse it once something read the body, and a
    view that never does would answer as if it had not been sent)."""
    if over_limit(request.content_length, current_app.config):
        raise RequestEntityTooLarge()


def wants_json() -> bool:
    # Pings never get here: every ping URL is answered by the ping door.
    return request.path.startswith("/api/")


def error_body(status: int, message: str):
    if wants_json():
        return jsonify(error=message), status
    return render_template("error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    app.before_request(refuse_oversized)

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        return error_body(e.code or 500, http_message(e, app.config))

    @app.errorhandler(OperationalError)
    @app.errorhandler(DBAPIError)
    def database_unavailable(e):
        db.session.rollback()
        app.logger.error("database error: %s", e)
        return error_body(503, DATABASE_UNAVAILABLE)

    @app.errorhandler(Exception)
    def unexpected(e):
        db.session.rollback()
        app.logger.exception("unhandled error")
        return error_body(500, INTERNAL_ERROR)
