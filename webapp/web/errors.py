"""App-wide error answers: JSON for machines, a page for people.

A ping or API call never sees an HTML error page or a bare 500: anything the
database refuses becomes a 503 that says to try again, and the session is
rolled back so the next request starts clean.
"""

from flask import Flask, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from ..db import db

# What a client is told when the database fails it, and when anything else does;
# the ping door (webapp.ping), which answers in front of Flask, says the same.
DATABASE_UNAVAILABLE = "database unavailable, try again shortly"
INTERNAL_ERROR = "internal error"


def wants_json() -> bool:
    # Pings never get here: every ping URL is answered by the ping door.
    return request.path.startswith("/api/")


def error_body(status: int, message: str):
    if wants_json():
        return jsonify(error=message), status
    return render_template("error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        message = "not found" if e.code == 404 else (e.description or e.name)
        return error_body(e.code or 500, message)

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
