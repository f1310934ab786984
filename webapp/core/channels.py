"""Channels: validating and saving them, choosing them per check, and the
rule of who hears of a check's flips."""

from __future__ import annotations

import re
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app

from ..db import db
from .addresses import url_refusal
from .errors import FieldError
from .models import Channel, Check, check_channels
from .projects import alert_emails
from .routing import DEFAULT_EVENTS, parse_delay, parse_events
from .text import control_error
from .users import email_error

KINDS = ("email", "webhook", "apprise")
# RFC 9110 field names: a "token".
HEADER_NAME_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


def split_addresses(value: str) -> list[str]:
    return [a for a in re.split(r"[\s,;]+", value) if a]


def parse_name(data: dict) -> str:
    name = data.get("name", "")
    if not isinstance(name, str) or len(name) > 100:
        raise FieldError("name must be a string of at most 100 characters")
    if err := control_error("name", name):
        raise FieldError(err)
    return name


def parse_channel(data: Any) -> dict:
    """kind, name, value (and headers for a webhook) of a new channel, validated."""
    if not isinstance(data, dict):
        raise FieldError("the request body must be a JSON object")
    kind = data.get("kind")
    if kind not in KINDS:
        raise FieldError(f"kind must be one of {', '.join(KINDS)}")
    name = parse_name(data)
    value = data.get("value")
    headers: dict = {}
    if kind == "webhook" and isinstance(value, dict):
        spec = value  # {"url": ..., "headers": {...}}
        value, headers = spec.get("url"), spec.get("headers", {})
    if not isinstance(value, str) or not value.strip():
        raise FieldError(f"value is required: {VALUE_HELP[kind]}")
    value = value.strip()
    # Whitespace may separate email addresses; nothing else of the kind may stand in a value.
    if err := control_error("value", value, separators=kind == "email"):
        raise FieldError(err)
    if kind == "email":
        addresses = split_addresses(value)
        bad = [a for a in addresses if email_error(a)]
        if bad or not addresses:
            raise FieldError(f"not an email address: {', '.join(bad) or value}")
        value = ", ".join(addresses)
    elif kind == "webhook":
        try:
            parts = urlsplit(value)
            hostname, _ = parts.hostname, parts.port  # both raise on a malformed URL
        except ValueError as e:
            raise FieldError(f"the webhook URL cannot be read: {e}") from e
        if parts.scheme not in ("http", "https") or not hostname:
            raise FieldError("a webhook needs an http:// or https:// URL")
        if not isinstance(headers, dict) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
            raise FieldError("webhook headers must be an object of strings")
        for header, header_value in headers.items():
            if err := header_error(header, header_value):
                raise FieldError(err)
        if err := private_target_error(value, resolve=True):
            raise FieldError(err)
    elif kind == "apprise":
        if not current_app.config["APPRISE_ENABLED"]:
            raise FieldError("Apprise channels are disabled here "
                             "(APPRISE_ENABLED=true enables them)")
        if "://" not in value:
            raise FieldError("an Apprise URL looks like slack://... or ntfy://...")
        # Only an address written in the URL: in slack://, tgram:// and many
        # others the "host" is a token or a topic, which a lookup would leak to DNS.
        if err := private_target_error(value, resolve=False):
            raise FieldError(err)
    fields = {"kind": kind, "name": name or default_name(kind, value), "value": value,
              "headers": headers}
    # Only when given: a channel made without them gets every event at once
    # (the model's defaults), and an import that re-saves a channel leaves
    # the routing someone chose for it alone.
    if "events" in data:
        fields["events"] = parse_events(data["events"])
    if "delay" in data:
        fields["delay"] = parse_delay(data["delay"])
    return fields


UPDATE_FIELDS = ("kind", "name", "value", "events", "delay")


def parse_channel_update(channel: Channel, data: Any) -> dict:
    """The fields an update names, validated as a new channel's are; the
    others keep their values. The kind cannot change (a new channel can)."""
    if not isinstance(data, dict):
        raise FieldError("the request body must be a JSON object")
    for key in data:
        if key not in UPDATE_FIELDS:
            raise FieldError(f"unknown field {str(key)[:40]!r}: a channel update takes "
                             + ", ".join(UPDATE_FIELDS[1:]))
    if data.get("kind", channel.kind) != channel.kind:
        raise FieldError("kind cannot be changed: add a channel of the other kind instead")
    if "value" in data:  # a new value is checked as a new channel's
        return parse_channel({**data, "kind": channel.kind,
                              "name": data.get("name", channel.name)})
    fields: dict[str, Any] = {"name": channel.name, "value": channel.value,
                              "headers": channel.headers or {}}
    if "name" in data:
        fields["name"] = parse_name(data) or default_name(channel.kind, channel.value)
    if "events" in data:
        fields["events"] = parse_events(data["events"])
    if "delay" in data:
        fields["delay"] = parse_delay(data["delay"])
    return fields


def header_error(name: str, value: str) -> str | None:
    """Why a webhook header cannot be sent as it is, or None when it can."""
    if not HEADER_NAME_RE.fullmatch(name):
        return f"{name!r} is not a header name"
    # A tab may stand in a header's value; nothing else of the kind.
    if err := control_error(f"the header {name}", value.replace("\t", " ")):
        return err
    # HTTP sends header values as Latin-1 bytes; anything beyond it cannot be sent.
    beyond = sorted({c for c in value if ord(c) > 0xFF})
    if beyond:
        return (f"the header {name} contains {''.join(beyond)!r}, which a header cannot carry "
                "(only Latin-1 characters)")
    return None


def private_target_error(url: str, *, resolve: bool) -> str | None:
    """The refusal of a URL on a private network, unless INTEGRATIONS_ALLOW_PRIVATE_IPS."""
    if current_app.config["INTEGRATIONS_ALLOW_PRIVATE_IPS"]:
        return None
    return url_refusal(url, resolve=resolve)


VALUE_HELP = {
    "email": "one or more email addresses, comma-separated",
    "webhook": "the URL to POST to, or {\"url\": ..., \"headers\": {...}}",
    "apprise": "an Apprise URL, such as ntfy://topic or slack://...",
}


def default_name(kind: str, value: str) -> str:
    return (value if kind == "email" else f"{kind}: {urlsplit(value).hostname or value}")[:100]


def add_channel(project_id: int, fields: dict, *, join_checks: bool = True) -> Channel:
    """Save a channel (`parse_channel`'s fields) that every existing check alerts too; commits.

    New checks alert all channels, so a new channel joining the old checks
    keeps "every check alerts every channel" true until someone narrows it.
    `join_checks=False` leaves the old checks as they are: an import, which
    then says itself which checks alert the channel.
    """
    channel = Channel(project_id=project_id, **fields)
    if join_checks:
        channel.checks = list(db.session.scalars(
            sa.select(Check).where(Check.project_id == project_id)))
    db.session.add(channel)
    db.session.commit()
    return channel


def update_channel(channel: Channel, fields: dict) -> None:
    """Change name, value, headers, and the routing when given (not the kind); commits.

    Notifications already queued keep the target and due time they were made with.
    """
    channel.name, channel.value = fields["name"], fields["value"]
    channel.headers = fields["headers"]
    if "events" in fields:
        channel.events = fields["events"]
    if "delay" in fields:
        channel.delay = fields["delay"]
    db.session.commit()


def project_channels(project_id: int) -> list[Channel]:
    return list(db.session.scalars(
        sa.select(Channel).where(Channel.project_id == project_id).order_by(Channel.id)))


def resolve_channels(project_id: int, spec: str) -> list[Channel]:
    """The channels a check's `channels` field names: "*" all, "" none, or ids/names.

    `spec` has passed `check_fields.parse_fields`, which checks that it is a string.
    """
    owned = project_channels(project_id)
    if spec.strip() == "*":
        return owned
    chosen = []
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        matches = [c for c in owned if item in (c.code, c.name)]
        if len(matches) != 1:
            problem = "no channel" if not matches else "more than one channel"
            raise FieldError(f"{problem} of this project has the id or name {item!r}")
        chosen.append(matches[0])
    return chosen


class Target(NamedTuple):
    """Where one alert about a check goes."""

    channel_id: int | None  # None: a member's own address
    kind: str
    target: str  # the channel's value: addresses, a URL
    name: str
    events: str = DEFAULT_EVENTS  # core.routing: which events it is sent
    delay: int = 0  # seconds a down waits before it is sent


def alert_targets(conn: sa.Connection, check_id: int, project_id: int) -> list[Target]:
    """Who hears of the check's flips: one Target per channel it alerts.

    A project with no channels at all still alerts by email: its owner and
    members, each who has "email me this project's alerts" on; one that has
    channels alerts only through those the check names (which may be none).
    Flips queue their notifications from this, and the check page says it in
    words, so the two cannot disagree.
    """
    rows = conn.execute(
        sa.select(Channel.id, Channel.kind, Channel.value, Channel.name, Channel.events,
                  Channel.delay)
        .join(check_channels, check_channels.c.channel_id == Channel.id)
        .where(check_channels.c.check_id == check_id)
        .order_by(Channel.id)
    ).all()
    if rows:
        return [Target(r.id, r.kind, r.value, r.name, r.events, r.delay) for r in rows]
    if conn.scalar(sa.select(Channel.id).where(Channel.project_id == project_id).limit(1)):
        return []
    return [Target(None, "email", email, "") for email in alert_emails(conn, project_id)]
