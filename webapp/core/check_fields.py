"""Validating and applying a check's editable fields: the API's rules, which the
dashboard's check form obeys too."""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from typing import Any

from .channels import resolve_channels
from .dependencies import parse_depends_on, resolve_parents
from .errors import FieldError
from .flapping import MAX_WINDOW as MAX_FLAP_WINDOW
from .keyword_fields import NOT_COLUMNS as KEYWORD_ONLY
from .keyword_fields import apply_keywords, parse_keywords
from .models import Check, normalize_tags, slugify
from .push_tokens import claim_push_token, parse_push_token
from .schedules import MAX_SECONDS, MIN_SECONDS, schedule_error, schedule_kind, tz_error
from .snooze import parse_mute
from .text import control_error
from .times import utcnow
from .transitions import deadlines_for

SLUG_RE = re.compile(r"^[a-z0-9_-]*$")
UNIQUE_FIELDS = {"name", "slug", "tags", "timeout", "grace"}


def _str(data: dict, key: str, limit: int, *, lines: bool = False) -> str:
    """A string field: at most `limit` characters, and no control characters
    (but line breaks and tabs where the field has `lines`)."""
    value = data[key]
    if not isinstance(value, str):
        raise FieldError(f"{key} must be a string")
    if len(value) > limit:
        raise FieldError(f"{key} is too long (at most {limit} characters)")
    if err := control_error(key, value, lines=lines):
        raise FieldError(err)
    return value


def _seconds(data: dict, key: str) -> int:
    value = data[key]
    # bool is an int in Python; `"timeout": true` is a type error, not 1 second.
    if isinstance(value, bool) or not isinstance(value, int):
        raise FieldError(f"{key} must be a whole number of seconds")
    if not MIN_SECONDS <= value <= MAX_SECONDS:
        raise FieldError(f"{key} must be between {MIN_SECONDS} and {MAX_SECONDS} seconds")
    return value


def _int(data: dict, key: str, low: int, high: int, unit: str = "") -> int:
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise FieldError(f"{key} must be a whole number from {low} to {high}{unit}")
    return value


def _bound(data: dict, key: str) -> float | None:
    value = data[key]
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise FieldError(f"{key} must be a finite number or null")
    return float(value)


def _bool(data: dict, key: str) -> bool:
    if not isinstance(data[key], bool):
        raise FieldError(f"{key} must be true or false")
    return data[key]


def parse_fields(data: Any) -> dict:
    """The recognised fields of a create/update request, validated.

    Fields that are absent stay absent, so an update changes only what it names.
    """
    if not isinstance(data, dict):
        raise FieldError("the request body must be a JSON object")
    out: dict[str, Any] = {}
    if "name" in data:
        out["name"] = _str(data, "name", 100)
    if "slug" in data:
        slug = _str(data, "slug", 100)
        if not SLUG_RE.match(slug):
            raise FieldError("slug may contain only a-z, 0-9, hyphens and underscores")
        out["slug"] = slug
    if "tags" in data:
        tags = data["tags"]
        if isinstance(tags, list) and all(isinstance(t, str) for t in tags):
            tags = " ".join(tags)
        elif not isinstance(tags, str):
            raise FieldError("tags must be a string (space- or comma-separated) "
                             "or a list of strings")
        if err := control_error("tags", tags, separators=True):
            raise FieldError(err)
        out["tags"] = normalize_tags(tags)
        if len(out["tags"]) > 500:
            raise FieldError("tags are too long (at most 500 characters in all)")
    if "desc" in data:
        out["desc"] = _str(data, "desc", 10_000, lines=True)
    for key in ("timeout", "grace"):
        if key in data:
            out[key] = _seconds(data, key)
    if "max_runtime" in data:
        # null (or 0) clears it: runs may then last as long as the grace time.
        out["max_runtime"] = _seconds(data, "max_runtime") if data["max_runtime"] else None
    if "min_runtime" in data:
        # null (or 0) clears it: a run may then be as short as it likes.
        out["min_runtime"] = _seconds(data, "min_runtime") if data["min_runtime"] else None
    if "schedule" in data:
        # Several OnCalendar expressions go on lines of their own, as in Healthchecks.
        out["schedule"] = _str(data, "schedule", 100, lines=True).strip()
        if err := schedule_error(out["schedule"]):
            raise FieldError(err)
    if "tz" in data:
        out["tz"] = _str(data, "tz", 64)
        if err := tz_error(out["tz"]):
            raise FieldError(err)
    for key in ("manual_resume", "grace_to_end_of_day"):
        if key in data:
            out[key] = _bool(data, key)
    if "methods" in data:
        if data["methods"] not in ("", "POST"):
            raise FieldError('methods must be "" (any method) or "POST"')
        out["methods"] = data["methods"]
    if "nag_period" in data:
        out["nag_period"] = _int(data, "nag_period", 0, MAX_SECONDS, " seconds (0: no reminders)")
    if "flap_threshold" in data:
        out["flap_threshold"] = _int(data, "flap_threshold", 0, 1000, " (0: off)")
    if "flap_window" in data:
        out["flap_window"] = _int(data, "flap_window", MIN_SECONDS, MAX_FLAP_WINDOW, " seconds")
    if "failure_threshold" in data:
        out["failure_threshold"] = _int(data, "failure_threshold", 1, 1000)
    for key in ("value_min", "value_max"):
        if key in data:
            out[key] = _bound(data, key)
    if out.get("value_min") is not None and out.get("value_max") is not None \
            and out["value_min"] > out["value_max"]:
        raise FieldError("value_min must not be above value_max")
    if "channels" in data:
        channels = data["channels"]
        # Healthchecks takes a string only; a list of strings says the same thing,
        # and a published client (healthchecks-manager) sends ["*"].
        if isinstance(channels, list) and channels and all(isinstance(c, str) for c in channels):
            channels = "*" if channels == ["*"] else ",".join(channels)
        if not isinstance(channels, str):
            raise FieldError('channels must be "*", "" or a comma-separated list of ids or names')
        out["channels"] = channels
        parts = out["channels"].split(",")
        if out["channels"].strip() not in ("", "*") and any(not p.strip() for p in parts):
            # "a,,b" or "," names nothing between its commas: a typo, refused as
            # Healthchecks refuses it (test_create_check.py
            # test_it_rejects_multiple_empty_channel_names), not read as fewer channels.
            raise FieldError("channels has an empty id or name between its commas")
    if "depends_on" in data:
        out["depends_on"] = parse_depends_on(data["depends_on"])
    if "push_token" in data:
        out["push_token"] = parse_push_token(data["push_token"])
    if "unique" in data:
        unique = data["unique"]
        if not isinstance(unique, list) or not all(f in UNIQUE_FIELDS for f in unique):
            raise FieldError(f"unique must be a list drawn from {', '.join(sorted(UNIQUE_FIELDS))}")
        out["unique"] = unique
    out.update(parse_keywords(data))
    out.update(parse_mute(data, utcnow()))
    return out


def apply_fields(check: Check, fields: dict, now: datetime) -> None:
    """Set the fields on `check` and keep its deadlines consistent with them.

    Raises FieldConflict for a push token another check is pushed to by."""
    if fields.get("push_token") is not None:
        claim_push_token(check, fields["push_token"])
    old_name = check.name or ""
    for key, value in fields.items():
        if key not in ("unique", "channels", "depends_on") and key not in KEYWORD_ONLY:
            setattr(check, key, value)
    apply_keywords(check, fields)
    if "channels" in fields:
        check.channels = resolve_channels(check.project_id, fields["channels"])
    elif check.id is None:
        check.channels = resolve_channels(check.project_id, "*")  # new checks alert everywhere
    if "depends_on" in fields:
        check.parents = resolve_parents(check, fields["depends_on"])
        if check.release_at is not None:
            check.release_at = now  # a held alert is looked at again under its new parents
    if "name" in fields and "slug" not in fields and check.name != old_name \
            and (check.slug or "") == slugify(old_name):
        # A slug made from the name follows a rename; one set by hand never
        # changes with the name, so the slug URLs scripts use keep working.
        check.slug = slugify(check.name)
    # As in Healthchecks: a schedule makes a cron or OnCalendar check (by its
    # shape), a timeout alone an interval check.
    if "schedule" in fields:
        check.kind = schedule_kind(check.schedule)
    elif "timeout" in fields:
        check.kind = "simple"
    check.next_ping, check.alert_after = deadlines_for(
        check.status, check.schedule_spec, check.last_ping, check.last_start)
    if "nag_period" in fields:
        down_and_nagging = check.status == "down" and check.nag_period
        check.next_nag = now + timedelta(seconds=check.nag_period) if down_and_nagging else None
