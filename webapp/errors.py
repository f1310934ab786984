"""App-wide error answers: JSON for machines, a page for people.

A ping or API call never sees an HTML error page or a bare 500: anything the
database refuses becomes a 503 that says to try again, and the session is
rolled back so the next request starts clean.
"""

from flask import Flask, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from .extensions import db

MACHINE_PREFIXES = ("/api/", "/ping/")
# What a client is told when the database fails it, and when anything else does;
# the ping lane (ping_lane.py), which answers in front of Flask, says the same.
DATABASE_UNAVAILABLE = "database unavailable, try again shortly"
INTERNAL_ERROR = "internal error"


def wants_json() -> bool:
    return request.path.startswith(MACHINE_PREFIXES)


def error_body(status: int, message: str):
    if request.path.startswith("/ping/"):
        return message, status, {"Content-Type": "text/plain; charset=utf-8"}
    if wants_json():
        return jsonify(error=message), status
    return render_template("error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(e: HTTPException):
        message = "not found" if e.code == 404 else e.description
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
