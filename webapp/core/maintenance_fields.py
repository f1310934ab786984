"""Validating a maintenance window's fields (the API's rules, which the
dashboard's form obeys too) and describing one (its JSON)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from ..db import db
from .errors import FieldError
from .maintenance import timing_of
from .maintenance_times import MAX_DURATION, next_start, until
from .models import Check, MaintenanceWindow, normalize_tags
from .schedules import cron_error, tz_error
from .snooze import parse_time
from .text import control_error
from .times import utc_iso

FIELDS = ("name", "start", "end", "schedule", "duration", "tz", "checks", "tags")
MIN_DURATION = 60


def parse_window(data: Any, now: datetime) -> dict:
    """A new window's fields, validated: one-off (start, end) or recurring
    (schedule, duration, tz); covering `checks` (uuids), `tags`, or, with
    neither, the whole project. A field it does not take is refused, not
    dropped."""
    if not isinstance(data, dict):
        raise FieldError("the request body must be a JSON object")
    for key in data:
        if key not in FIELDS:
            raise FieldError(f"unknown field {str(key)[:40]!r}: a window takes "
                             + ", ".join(FIELDS))
    out: dict[str, Any] = {"name": _name(data.get("name", "")), "tags": _tags(data.get("tags", ""))}
    out["checks"] = _uuids(data.get("checks", []))
    if data.get("start") is not None:
        out["start"] = _time(data["start"], "start")
    if data.get("schedule"):
        if "end" in data:
            raise FieldError("a recurring window has a duration, not an end")
        if not isinstance(data["schedule"], str) or (err := cron_error(data["schedule"].strip())):
            raise FieldError(err if isinstance(data["schedule"], str) and err
                             else "schedule must be a cron expression")
        out["schedule"] = data["schedule"].strip()
        out["duration"] = _duration(data.get("duration"))
        tz = data.get("tz", "UTC")
        if not isinstance(tz, str) or (err := tz_error(tz)):
            raise FieldError(err if isinstance(tz, str) and err else "tz must be a timezone name")
        out["tz"] = tz
        return out
    for key in ("duration", "tz"):
        if key in data:
            raise FieldError(f"{key} is for a recurring window (with a schedule)")
    if "end" not in data:
        raise FieldError("end is required (or a schedule and a duration for a recurring window)")
    out["end"] = _time(data["end"], "end")
    out.setdefault("start", now)
    if out["end"] <= now:
        raise FieldError("end must be in the future")
    if out["end"] <= out["start"]:
        raise FieldError("end must be after start")
    return out


def _name(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 100:
        raise FieldError("name must be a string of at most 100 characters")
    if err := control_error("name", value):
        raise FieldError(err)
    return value


def _tags(value: Any) -> str:
    if isinstance(value, list) and all(isinstance(t, str) for t in value):
        value = " ".join(value)
    if not isinstance(value, str):
        raise FieldError("tags must be a string (space- or comma-separated) or a list of strings")
    if err := control_error("tags", value, separators=True):
        raise FieldError(err)
    tags = normalize_tags(value)
    if len(tags) > 500:
        raise FieldError("tags are too long (at most 500 characters in all)")
    return tags


def _uuids(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FieldError("checks must be a list of check uuids")
    return list(dict.fromkeys(value))


def _time(value: Any, key: str) -> datetime:
    """Any time with an offset: a start in the past is how "from now on" is said."""
    return parse_time(value, key, example="2026-12-02T01:00:00+00:00").astimezone(UTC)


def _duration(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) \
            or not MIN_DURATION <= value <= MAX_DURATION:
        raise FieldError(f"duration must be a whole number of seconds from {MIN_DURATION} "
                         f"to {MAX_DURATION} (a week)")
    return value


def make_window(project_id: int, fields: dict) -> MaintenanceWindow:
    """The new window, added to the session; its checks must be the project's."""
    uuids = fields["checks"]
    found = {c.uuid: c for c in db.session.scalars(
        sa.select(Check).where(Check.project_id == project_id, Check.uuid.in_(uuids)))}
    for uuid in uuids:
        if uuid not in found:
            raise FieldError(f"checks: no check {uuid[:40]!r} in this project")
    window = MaintenanceWindow(project_id=project_id, **{
        k: v for k, v in fields.items() if k != "checks"})
    window.checks = [found[u] for u in uuids]
    db.session.add(window)
    return window


def window_json(w: MaintenanceWindow, now: datetime, *, with_checks: bool = True) -> dict:
    """A window as the API shows it. `with_checks`: its checks' uuids, which are
    ping secrets (a read-only key is shown how many instead)."""
    timing = timing_of(w)
    out: dict[str, Any] = {
        "uuid": w.code,
        "name": w.name,
        "start": utc_iso(w.start),
        "end": utc_iso(w.end),
        "schedule": w.schedule,
        "duration": w.duration,
        "tz": w.tz,
        "tags": w.tags,
        "whole_project": not w.tags and not w.checks,
        "active_until": utc_iso(until(timing, now)),
        "next_start": utc_iso(next_start(timing, now)),
        "ended_at": utc_iso(w.ended_at),
    }
    if with_checks:
        out["checks"] = [c.uuid for c in w.checks]
    else:
        out["n_checks"] = len(w.checks)
    return out
