"""What every API call shares: the version in its URL, its key, its errors."""

from __future__ import annotations

import json
import re
from typing import Any

import sqlalchemy as sa
from flask import Response, abort, g, jsonify, request
from werkzeug.exceptions import MethodNotAllowed

from ..core import check_ids
from ..core.errors import FieldError
from ..core.models import ApiKey, Check, Project
from ..db import db
from ..web.loaders import check_in

# No field of ours nests: a check is an object of strings, numbers, booleans
# and lists of strings. Deeper documents are refused before any view walks them.
MAX_DEPTH = 32
# A lone UTF-16 surrogate ("\ud800" in JSON text) decodes to a str that
# cannot be encoded again, neither for the database nor for an answer.
SURROGATE = re.compile(r"[\ud800-\udfff]")
SHA1 = re.compile(r"[0-9a-f]{40}")
NOT_TEXT = "the request body is not valid text: it holds a lone surrogate such as \\ud800"


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


def presented_key() -> object:
    """The key a call presents: X-Api-Key, else `api_key` in a POST's JSON body
    (any JSON value: the caller says what is wrong with one that is no string);
    None when there is neither."""
    key = request.headers.get("X-Api-Key")
    if key or request.method != "POST":
        return key or None
    try:
        body = json_document()
    except FieldError:
        return None  # no key in a body that is not JSON (authenticate answers it 400)
    return body.get("api_key") if isinstance(body, dict) else None


# What a read-only key may call, as in Healthchecks (hc/api/views.py, the views
# under @authorize_read): list and get checks, their flips, and the project's
# badges. Pings (which hold bodies) and channels need a read-write key.
READ_ONLY_ENDPOINTS = frozenset({"api.checks.list_checks", "api.checks.get_check",
                                 "api.history.list_flips", "api.badges.list_badges",
                                 "api.maintenance.list_windows",
                                 "api.maintenance.get_window"})


def authenticate() -> tuple[Response, int] | None:
    """Every call names its project by an API key in X-Api-Key (or `api_key` in
    a JSON body, as Healthchecks allows); the answer is a 401 when it does not,
    and when a read-only key asks for more than reading (Healthchecks' answer,
    hc/api/tests/test_create_check.py test_it_rejects_read_only_key)."""
    if request.method == "OPTIONS":
        return None  # a CORS preflight carries no key: api.cors answers it
    if request.method == "POST":
        # The body first, as Healthchecks' authorize reads it: one that is not
        # a JSON object is a 400 saying so, key or no key, rather than a 401
        # that would send the caller looking for a key problem
        # (hc/api/tests/test_create_check.py test_it_handles_invalid_json).
        try:
            json_body()
        except FieldError as e:
            return error(str(e), 400)
    key = presented_key()
    if key is not None and not isinstance(key, str):
        return error("api_key must be a string: the API key", 401)
    if not key:
        return error("missing API key: send it in the X-Api-Key header", 401)
    api_key = ApiKey.find(key)
    if api_key is None:
        return error("wrong API key", 401)
    if api_key.read_only and request.endpoint not in READ_ONLY_ENDPOINTS:
        return error("this API key is read-only: it may list and read checks, their "
                     "flips and the badges, nothing more; use a read-write key", 401)
    g.api_key = api_key
    return None


def api_project() -> Project:
    """The project the call's API key belongs to."""
    return g.api_key.project


def read_only() -> bool:
    """Whether the call's key is read-only (its answers then hold no uuids)."""
    return g.api_key.read_only


def api_actor() -> str:
    """Who a flip logs for a change made through the API: the key, by label or prefix."""
    key = g.api_key
    return f"api:{key.label or key.prefix}"[:50]


def unique_key(check: Check) -> str:
    """The check's id for read-only keys, as Healthchecks' `unique_key`: a
    SHA-1 of the uuid, which names the check but cannot ping it."""
    return check_ids.unique_key(check.uuid)


def api_check(code: str) -> Check:
    """The key's project's check named by uuid, or by unique_key (what a
    read-only key is shown); 404 for any other.

    A unique_key names a check for reading only: a call that would change it
    is a 405, as Healthchecks serves only GET there
    (hc/api/tests/test_get_check.py test_it_rejects_post_unique_key)."""
    if SHA1.fullmatch(code):
        if request.method not in ("GET", "HEAD"):
            raise MethodNotAllowed(valid_methods=["GET", "HEAD", "OPTIONS"])
        for check in db.session.scalars(
                sa.select(Check).where(Check.project_id == api_project().id)):
            if unique_key(check) == code:
                return check
        abort(404)
    return check_in(api_project().id, code)


def json_body() -> dict:
    """The request's JSON object; an empty body counts as {}."""
    data = json_document()
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise FieldError("the request body must be a JSON object")
    return data


def json_document() -> Any:
    """The request body parsed as JSON, whatever its Content-Type (as Healthchecks
    reads it: `curl -d` sends a form's); None for an empty body. Parsed once per
    request, as the key may be read from it before the view reads its fields.

    FieldError for a body that is not JSON, nests deeper than MAX_DEPTH, or
    holds a lone surrogate."""
    if "api_json" not in g:
        g.api_json = _parse(request.get_data())
    return g.api_json


def _parse(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        # Bytes, so that json detects UTF-16 and UTF-32 as the RFC allows.
        document = json.loads(raw)
    except RecursionError:
        raise FieldError(f"the request body nests deeper than {MAX_DEPTH} levels") from None
    except ValueError:  # not JSON, not UTF-8, or a number of over 4300 digits
        raise FieldError("could not parse the request body as JSON") from None
    _check_shape(document)
    return document


def _check_shape(document: Any) -> None:
    """Refuse deep nesting and lone surrogates, walking without recursion."""
    stack = [(document, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if SURROGATE.search(value):
                raise FieldError(NOT_TEXT)
            continue
        if not isinstance(value, (dict, list)):
            continue
        if depth > MAX_DEPTH:
            raise FieldError(f"the request body nests deeper than {MAX_DEPTH} levels")
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for name, item in items:
            if isinstance(name, str) and SURROGATE.search(name):
                raise FieldError(NOT_TEXT)
            stack.append((item, depth + 1))


def api_url(check_uuid: str, base: str) -> str:
    """The check's URL in the API version this call used."""
    return f"{base}/api/v{g.api_version}/checks/{check_uuid}"
