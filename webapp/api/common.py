"""What every API call shares: the version in its URL, its key, its errors."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, g, jsonify, request

from ..core.errors import FieldError
from ..core.models import ApiKey, User


def error(message: str, status: int) -> tuple[Response, int]:
    """The API's one error shape: {"error": "..."}."""
    return jsonify(error=message), status


def pull_version(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """/api/v1/, /api/v2/ and /api/v3/ are served alike, as Healthchecks does."""
    g.api_version = (values or {}).pop("version", None)
    if g.api_version not in (1, 2, 3):
        abort(404)


def add_version(endpoint: str, values: dict[str, Any]) -> None:
    values.setdefault("version", g.get("api_version", 3))


def authenticate() -> tuple[Response, int] | None:
    """Every call names its user by X-Api-Key (or `api_key` in a JSON body, as
    Healthchecks allows); the answer is a 401 when it does not."""
    if request.method == "OPTIONS":
        return None  # Flask's own answer to OPTIONS says which methods a URL takes
    key = request.headers.get("X-Api-Key")
    if not key and request.method == "POST":
        body = request.get_json(silent=True)
        key = body.get("api_key") if isinstance(body, dict) else None
    if not key:
        return error("missing API key: send it in the X-Api-Key header", 401)
    api_key = ApiKey.find(key)
    if api_key is None:
        return error("wrong API key", 401)
    g.user = api_key.user
    return None


def api_user() -> User:
    """The user the call's API key belongs to."""
    return g.user


def json_body() -> dict:
    """The request's JSON object; an empty body counts as {}."""
    if not request.get_data():
        return {}
    data = request.get_json(silent=True)
    if data is None:
        raise FieldError("could not parse the request body as JSON")
    if not isinstance(data, dict):
        raise FieldError("the request body must be a JSON object")
    return data


def api_url(check_uuid: str, base: str) -> str:
    """The check's URL in the API version this call used."""
    return f"{base}/api/v{g.api_version}/checks/{check_uuid}"
