"""Our own project JSON: `flask export` writes it, `flask import heartbeats` reads it.

    {"format": "heartbeats-project", "version": 1, "exported": "...",
     "secrets": false, "project": {"name": ...},
     "channels": [{"id", "kind", "name", "events", "delay"[, "value", "headers"]}],
     "checks": [{"name", "slug", ..., "paused", "channels": [channel ids][, "uuid",
                 "push_token", "badge_key"]}]}

Secrets are what a viewer of the project is not shown: a check's uuid and
push token (its ping URLs) and a channel's value and headers (addresses,
URLs, tokens). They are written only when asked for (`--include-secrets`),
and so is a check's badge key: not secret, but like the uuid it names one
check, so only a move (not a copy beside the original) can keep it.

An export with secrets moves a project: its checks keep their uuids, push
tokens and badge keys, so every ping and badge URL keeps working where it is
imported, and its
channels are made there. One without them copies a project: the checks get
new ping URLs, are found again by name and slug when the import runs again,
and each channel must exist where it is imported (by kind and name).

The version says what the file holds; a file of a newer version is refused
rather than read in part.
"""

from __future__ import annotations

import contextlib
import uuid as uuidlib
from typing import Any

import sqlalchemy as sa

from ..core.channels import project_channels
from ..core.models import Check, Project
from ..core.times import utc_iso, utcnow
from ..db import db
from .apply import ChannelSpec, CheckSpec, apply_channels, apply_checks
from .report import ImportRefused, Report

FORMAT, VERSION = "heartbeats-project", 1
# A check's settings, as the API names them; "schedule" only where the kind uses it.
CHECK_FIELDS = ("name", "slug", "tags", "desc", "timeout", "grace", "tz", "grace_to_end_of_day",
                "methods", "manual_resume", "max_runtime", "nag_period", "failure_threshold",
                "value_min", "value_max", "start_kw", "success_kw", "failure_kw",
                "filter_subject", "filter_body", "filter_default_fail")
CHECK_SECRETS = ("uuid", "push_token", "badge_key")
# What else a check of an export holds; any other field is reported, not dropped.
CHECK_KNOWN = frozenset({*CHECK_FIELDS, *CHECK_SECRETS, "kind", "schedule", "paused",
                         "channels"})


def export_project(project: Project, *, include_secrets: bool = False) -> tuple[dict, list[str]]:
    """(the project's JSON document, warnings for the person exporting)."""
    warnings: list[str] = []
    channels = []
    for channel in project_channels(project.id):
        # Its routing is no secret: it goes with or without --include-secrets.
        doc: dict[str, Any] = {"id": channel.code, "kind": channel.kind, "name": channel.name,
                               "events": channel.events.split(), "delay": channel.delay}
        if include_secrets:
            if channel.settings_unreadable:
                warnings.append(f"channel {channel.name!r}: its settings cannot be decrypted "
                                "(SECRET_KEY changed), so they are not in the export")
            else:
                doc.update(value=channel.value, headers=channel.headers or {})
        channels.append(doc)
    checks = [check_doc(c, include_secrets) for c in db.session.scalars(
        sa.select(Check).where(Check.project_id == project.id).order_by(Check.created, Check.id))]
    return {"format": FORMAT, "version": VERSION, "exported": utc_iso(utcnow()),
            "secrets": include_secrets, "project": {"name": project.name},
            "channels": channels, "checks": checks}, warnings


def check_doc(check: Check, include_secrets: bool) -> dict:
    doc: dict[str, Any] = {"kind": check.kind}
    doc.update({key: getattr(check, key) for key in CHECK_FIELDS})
    if check.kind != "simple":
        doc["schedule"] = check.schedule
    doc["paused"] = check.status == "paused"
    doc["channels"] = [c.code for c in check.channels]
    if include_secrets:
        doc.update({key: getattr(check, key) for key in CHECK_SECRETS})
    return doc


def read_document(doc: Any) -> tuple[list[ChannelSpec], list[CheckSpec]]:
    """The specs of an export; ImportRefused when it is not one we can read whole."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ImportRefused(f"not a Heartbeats project export (its \"format\" is not {FORMAT!r})")
    if doc.get("version") != VERSION:
        raise ImportRefused(f"an export of version {doc.get('version')!r}: this Heartbeats "
                            f"reads version {VERSION} (a newer export needs a newer Heartbeats)")
    channels, checks = doc.get("channels", []), doc.get("checks", [])
    for name, items in (("channels", channels), ("checks", checks)):
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ImportRefused(f"the export's {name} must be a list of objects")
    return [channel_spec(c) for c in channels], [check_spec(c) for c in checks]


def channel_spec(doc: dict) -> ChannelSpec:
    ref, kind, name = (str(doc.get(k) or "") for k in ("id", "kind", "name"))
    spec = ChannelSpec(ref, kind, name, missing=(
        "the export holds no channel settings (it was made without --include-secrets): add "
        f"a {kind} channel named {name!r} here, or import an export made with them"))
    if "value" in doc:
        value = doc["value"]
        if kind == "webhook":
            value = {"url": value, "headers": doc.get("headers") or {}}
        spec.fields = {"value": value}
    spec.routing = {k: doc[k] for k in ("events", "delay") if k in doc}
    if spec.fields is not None:
        spec.fields.update(spec.routing)
    return spec


def check_spec(doc: dict) -> CheckSpec:
    data = {key: doc[key] for key in CHECK_FIELDS if key in doc}
    if doc.get("kind", "simple") != "simple" and "schedule" in doc:
        data["schedule"] = doc["schedule"]  # a schedule makes the check cron or OnCalendar
    notes = [f"{key} not carried: a check of a Heartbeats export has no such field"
             for key in doc if key not in CHECK_KNOWN]
    if "schedule" in doc and "schedule" not in data:
        notes.append("schedule not carried: the check's kind is simple (a schedule needs "
                     "\"kind\": \"cron\" or \"oncalendar\")")
    if doc.get("push_token"):
        data["push_token"] = doc["push_token"]
    name = data.get("name") if isinstance(data.get("name"), str) else ""
    uuid = doc.get("uuid") if isinstance(doc.get("uuid"), str) else None
    with contextlib.suppress(ValueError):  # one that is no UUID is refused when it is used
        uuid = str(uuidlib.UUID(uuid)) if uuid else None
    channels = doc.get("channels")
    spec = CheckSpec(str(name), uuid or "", data, uuid=uuid,
                     channels=[str(c) for c in channels] if isinstance(channels, list) else None,
                     paused=bool(doc.get("paused")), notes=notes,
                     badge_key=doc.get("badge_key"))
    if "channels" in doc and not isinstance(channels, list):
        spec.notes.append("channels not carried: they must be a list of the export's "
                          "channel ids")
    return spec


def import_document(project_id: int, doc: Any, source: str) -> Report:
    """Carry an export into the project; ImportRefused, before anything is
    written, when the document is not an export this version reads."""
    channel_specs, check_specs = read_document(doc)
    report = Report(source)
    codes = apply_channels(project_id, channel_specs, report)
    apply_checks(project_id, check_specs, codes, report)
    return report
