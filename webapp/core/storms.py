"""Alert storms: when more than ALERT_GROUP_THRESHOLD checks of a project go
down or up within ALERT_GROUP_WINDOW seconds, the first ones go out as usual
and the rest wait and go as one message per channel at the end of the window
("12 more checks went down: …"). One host failing should not text ten people
fifty times (Uptime Kuma #1137, #4779; Healthchecks has no such rule, so there
is no upstream test to port).

Counted per channel (a channel belongs to one project), from the outbox
itself, in the flip's own transaction: the rows a channel was given in the
window say whether the next one is part of a storm. A grouped row waits with
no job, due at the end of the window, so a crash loses nothing; the delivery
job of the first one due sends the channel's whole group (`alerts.delivery`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from .models import Notification

notifications = Notification.__table__
GROUPED_EVENTS = ("down", "up")


def storm_due(conn: sa.Connection, channel_id: int | None, event: str,
              now: datetime) -> datetime | None:
    """When a row for this channel and event is to go as part of a storm; None
    when it goes as usual (below the threshold, grouping off, not a down or
    up, or a member's own address, which has no channel to group by)."""
    threshold = current_app.config["ALERT_GROUP_THRESHOLD"]
    window = timedelta(seconds=current_app.config["ALERT_GROUP_WINDOW"])
    if threshold <= 0 or channel_id is None or event not in GROUPED_EVENTS:
        return None
    recent = notifications.c.channel_id == channel_id
    row = conn.execute(
        sa.select(sa.func.count(), sa.func.min(notifications.c.created))
        .where(recent, notifications.c.event.in_(GROUPED_EVENTS),
               notifications.c.created > now - window)
    ).one()
    if row[0] < threshold:
        return None
    # Join the group already waiting, or start one that ends with the window.
    waiting = conn.execute(
        sa.select(sa.func.min(notifications.c.next_attempt))
        .where(recent, notifications.c.grouped, notifications.c.status == "pending")
    ).scalar()
    return waiting or max(row[1] + window, now)
