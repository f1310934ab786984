"""A check's keyword fields as the API takes and shows them (Healthchecks' names).

- `start_kw`, `success_kw`, `failure_kw`: comma-separated keywords, at most
  200 characters each (Healthchecks' limit).
- `filter_body` and `filter_http_body`: one switch here, "search the ping's
  body". Healthchecks has two because it takes email too (`filter_body` is
  the email's body, `filter_http_body` an HTTP ping's); every body we receive
  is an HTTP one. Both names are read and written, and both are shown with the
  stored value; a request that gives both is decided by `filter_http_body`,
  the switch Healthchecks' newest clients mean for HTTP pings.
- `filter_subject`: stored and shown, so that a Healthchecks client reads back
  what it wrote, but it has no effect: there is no subject without email.
- `filter_default_fail`: a ping with no keyword is a failure instead of ignored.
- `subject`, `subject_fail`: Healthchecks' deprecated spellings of `success_kw`
  and `failure_kw` that also turn `filter_subject` on or off
  (hc/api/tests/test_update_check.py test_it_sets_success_kw and
  test_it_unsets_filter_subject_flag); an explicit `filter_subject` wins
  (test_it_prioritizes_filter_subject_field).
"""

from __future__ import annotations

from typing import Any

from .errors import FieldError
from .keywords import Keywords
from .text import control_error

KEYWORD_LIMIT = 200
KEYWORD_COLUMNS = ("start_kw", "success_kw", "failure_kw")
# Request fields that are no column of their own: applied by `apply_keywords`.
NOT_COLUMNS = frozenset({"subject", "subject_fail"})


def _keywords(data: dict, key: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise FieldError(f"{key} must be a string of comma-separated keywords")
    if len(value) > KEYWORD_LIMIT:
        raise FieldError(f"{key} is too long (at most {KEYWORD_LIMIT} characters)")
    if err := control_error(key, value):
        raise FieldError(err)
    return value


def _flag(data: dict, key: str) -> bool:
    if not isinstance(data[key], bool):
        raise FieldError(f"{key} must be true or false")
    return data[key]


def parse_keywords(data: dict) -> dict[str, Any]:
    """The keyword fields of a create/update request, validated; absent ones stay absent."""
    out: dict[str, Any] = {}
    for key in (*KEYWORD_COLUMNS, *NOT_COLUMNS):
        if key in data:
            out[key] = _keywords(data, key)
    for key in ("filter_subject", "filter_default_fail"):
        if key in data:
            out[key] = _flag(data, key)
    body = [key for key in ("filter_body", "filter_http_body") if key in data]
    for key in body:
        out["filter_body"] = _flag(data, key)  # filter_http_body, when given, last
    return out


def apply_keywords(check: Any, fields: dict) -> None:
    """Apply `subject` and `subject_fail` (the column fields are set as any other)."""
    for old, column in (("subject", "success_kw"), ("subject_fail", "failure_kw")):
        if old in fields and column not in fields:
            setattr(check, column, fields[old])
    if NOT_COLUMNS & fields.keys() and "filter_subject" not in fields:
        check.filter_subject = bool(check.success_kw or check.failure_kw)


def keyword_json(check: Any) -> dict[str, Any]:
    """The keyword fields of a check's JSON, as Healthchecks' Check.to_dict gives
    them, with `filter_http_body` beside `filter_body` (the same switch here)."""
    return {
        "subject": check.success_kw if check.filter_subject else "",
        "subject_fail": check.failure_kw if check.filter_subject else "",
        "start_kw": check.start_kw,
        "success_kw": check.success_kw,
        "failure_kw": check.failure_kw,
        "filter_subject": check.filter_subject,
        "filter_body": check.filter_body,
        "filter_http_body": check.filter_body,
        "filter_default_fail": check.filter_default_fail,
    }


def keywords_of(row: Any) -> Keywords:
    """The Keywords of a check, or of a row of its columns."""
    return Keywords(row.start_kw, row.success_kw, row.failure_kw, row.filter_body,
                    row.filter_default_fail)
