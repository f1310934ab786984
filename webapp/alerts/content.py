"""What a notification says: the email's subject and bodies, and the webhook's JSON."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import render_template

from ..core.dependencies import children_down
from ..core.holds import plain_reason
from ..core.models import Check, Notification, Ping
from ..core.schedules import describe, seconds_in_words
from ..core.times import utc_iso
from ..core.urls import check_page_url, site_root
from ..db import db
from .transports import Content

BODY_EXCERPT = 1000  # characters of a ping body an alert quotes
RECENT_PINGS = 5
WORDS = {"down": "DOWN", "up": "UP", "reminder": "DOWN", "flapping": "FLAPPING",
         "late": "LATE"}


def body_excerpt(check_id: int, at: datetime) -> str | None:
    """The body of the last ping before `at`, decoded and trimmed."""
    body = db.session.scalar(
        sa.select(Ping.body).where(Ping.check_id == check_id, Ping.created <= at)
        .order_by(Ping.n.desc()).limit(1)
    )
    if not body:
        return None
    text = body.decode("utf-8", errors="replace")
    return text if len(text) <= BODY_EXCERPT else text[:BODY_EXCERPT] + "…"


def recent_pings(check_id: int) -> list[Ping]:
    return list(db.session.scalars(
        sa.select(Ping).where(Ping.check_id == check_id).order_by(Ping.n.desc())
        .limit(RECENT_PINGS)
    ))


def webhook_payload(event: str, check: Check, reason: str, changed_at: datetime | None,
                    url: str, children: list[str] | None = None) -> dict:
    """The JSON a webhook receives (documented in the README); `url` is the check's page."""
    return {
        "event": event,
        "uuid": check.uuid,
        "name": check.name,
        "tags": check.tag_list,
        "status": check.get_status(),
        "reason": reason,
        "changed_at": utc_iso(changed_at),
        "last_ping": utc_iso(check.last_ping),
        "last_message": check.last_msg,
        "last_value": check.last_value,
        "url": url,
        # The checks that depend on this one and are down too (`core.dependencies`).
        "children_down": children or [],
    }


def alert_content(row: Notification) -> Content:
    check, flip, event = row.check, row.flip, row.event
    name = check.name or check.uuid
    # A held alert's flip says why it was held; sent, it says what happened.
    reason = plain_reason(flip.reason) if flip is not None else ""
    if event == "late":
        reason = "its ping is overdue; the grace time is not over yet"
    changed_at = flip.created if flip is not None else row.created
    subject = f"{WORDS[event]}: {name}" + (" (reminder)" if event == "reminder" else "")
    url = check_page_url(site_root(), check.uuid)
    children = children_down(db.session.connection(), check.id) if event != "up" else []
    ctx = {
        "children_down": children,
        "check": check,
        "event": event,
        "word": WORDS[event],
        "reason": reason,
        "changed_at": changed_at,
        "schedule": describe(check.schedule_spec),
        "flap_window": seconds_in_words(check.flap_window),
        "url": url,
        # Members may live in several zones; the check's own is the one its schedule keeps.
        "tz": check.tz,
        "body": body_excerpt(check.id, changed_at),
        "pings": recent_pings(check.id),
    }
    return Content(
        subject=subject,
        text=render_template("email/alert.txt", **ctx),
        html=render_template("email/alert.html", **ctx),
        payload=webhook_payload(event, check, reason, changed_at, url, children),
    )


def test_content() -> Content:
    """What a "send test notification" sends: the same shapes, about no check."""
    text = "This is a test notification from Heartbeats: this channel works."
    return Content(
        subject="Test notification from Heartbeats",
        text=text,
        html=f"<p>{text}</p>",
        payload={"event": "test", "uuid": None, "name": None, "tags": [], "status": None,
                 "reason": "test notification", "changed_at": None, "last_ping": None,
                 "last_message": None, "last_value": None, "url": None,
                 "children_down": []},
    )


def group_subject(rows: list[Notification]) -> str:
    """"12 more checks went down", "2 more checks are up again", or both counted."""
    down = sum(r.event == "down" for r in rows)
    up = len(rows) - down
    n = len(rows)
    checks = "check" if n == 1 else "checks"
    if not up:
        return f"{n} more {checks} went down"
    if not down:
        return f"{n} more {checks} {'is' if n == 1 else 'are'} up again"
    return f"{n} more {checks} changed state: {down} down, {up} up"


def group_content(rows: list[Notification]) -> Content:
    """What a storm's group says (`core.storms`): every check in it, with the
    reason of each, and a link to the project's list, down first."""
    project = rows[0].check.project
    list_url = f"{site_root()}/projects/{project.code}/?sort=state"
    items = []
    for row in rows:
        check, flip = row.check, row.flip
        items.append({
            "word": WORDS[row.event],
            "name": check.name or check.uuid,
            "reason": plain_reason(flip.reason) if flip is not None else "",
            "changed_at": flip.created if flip is not None else row.created,
            "url": check_page_url(site_root(), check.uuid),
            "payload": webhook_payload(row.event, check,
                                       plain_reason(flip.reason) if flip else "",
                                       flip.created if flip else row.created,
                                       check_page_url(site_root(), check.uuid)),
        })
    subject = group_subject(rows)
    ctx = {"subject": subject, "items": items, "project": project, "list_url": list_url}
    return Content(
        subject=subject,
        text=render_template("email/group.txt", **ctx),
        html=render_template("email/group.html", **ctx),
        payload={"event": "group", "count": len(rows), "project": project.name,
                 "url": list_url, "events": [item["payload"] for item in items]},
    )
