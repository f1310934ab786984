"""App-wide error answers: JSON for machines, a page for people.

A ping or API call never sees an HTML error page or a bare 500: anything the
database refuses becomes a 503 that says to try again, and the session is
rolled back so the next request starts clean. A request longer than
MAX_CONTENT_LENGTH is a 413 before its body is read, in every door's format.
"""

from collections.abc import Mapping
from typing import Any

import flask_wtf
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


# What the error page tells people, per status: what went wrong and what to do.
# Machines keep the one-line reasons above (scripts and tests match them).
PAGE_SENTENCES = {
    400: "The request could not be understood. Go back, reload the page and try again.",
    403: "Your role in this project does not allow this. Ask the project's owner "
         "if you need to change it.",
    404: "There is no page at this address: what it showed may have been deleted or "
         "moved, or the link is mistyped. Your checks and projects are linked below.",
    405: "This address does not take that kind of request. Go back and use the page's "
         "own buttons and forms.",
    500: "Something went wrong on our side; the details are in the server's log. "
         "Try again in a moment.",
    503: "The database is unavailable just now. Try again in a moment.",
}
CSRF_SENTENCE = ("This form has expired, or was not sent from this site's own page. "
                 "Reload the page and send it again.")


def page_sentence(e: HTTPException, config: Mapping[str, Any]) -> str:
    """The error page's sentence for one of werkzeug's refusals. werkzeug's own
    descriptions (and Flask-WTF's "The CSRF token is missing.") are the
    exception's text, written for developers: people get a sentence of ours.
    A description a view gave with abort() is ours already, and is kept."""
    if isinstance(e, flask_wtf.csrf.CSRFError):
        return CSRF_SENTENCE
    code = e.code or 500
    if code == 413:
        return sentence(too_large_message(config))
    given = e.description
    if code != 404 and given and given != type(e).description:
        return sentence(given)
    return PAGE_SENTENCES.get(code, sentence(e.description or e.name))


def sentence(message: str) -> str:
    """"role must be member or viewer" as a page says it: capital, full stop."""
    message = message.strip()
    return message[:1].upper() + message[1:] + ("" if message.endswith((".", "?", "!")) else ".")


def error_body(status: int, message: str, page_message: str | None = None):
    """The error answer: JSON with `message` for the API; for people, the error
    page with `page_message` (a sentence of what to do), else `message`."""
    if wants_json():
        return jsonify(error=message), status
    shown = page_message or PAGE_SENTENCES.get(status) or sentence(message)
    return render_template("error.html", status=status, message=shown), status


def init_app(app: Flask) -> None:
    app.before_request(refuse_oversized)

    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        return error_body(e.code or 500, http_message(e, app.config),
                          page_sentence(e, app.config))

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
