"""What the channels page shows beside each channel: how many checks alert it,
and its recent failed deliveries."""

from __future__ import annotations

import sqlalchemy as sa
import sqlalchemy.orm as so

from ...core.models import Channel, Notification, check_channels
from ...db import db


def checks_per_channel(project_id: int) -> dict[int, int]:
    """{channel id: how many checks alert it}, for the project's channels."""
    rows = db.session.execute(
        sa.select(check_channels.c.channel_id, sa.func.count())
        .join(Channel, Channel.id == check_channels.c.channel_id)
        .where(Channel.project_id == project_id)
        .group_by(check_channels.c.channel_id)
    ).all()
    return dict(rows)


def failed_deliveries(channel_ids: list[int], limit: int = 5) -> dict[int, list[Notification]]:
    """Each channel's latest notifications that were given up on, newest first,
    at most `limit` a channel: one query for the whole channels page."""
    newest_first = (Notification.created.desc(), Notification.id.desc())
    rank = sa.func.row_number().over(partition_by=Notification.channel_id,
                                     order_by=newest_first).label("rank")
    ranked = (sa.select(Notification.id, rank)
              .where(Notification.channel_id.in_(channel_ids), Notification.status == "failed")
              .subquery())
    found: dict[int, list[Notification]] = {channel_id: [] for channel_id in channel_ids}
    for n in db.session.scalars(
        sa.select(Notification).join(ranked, ranked.c.id == Notification.id)
        .where(ranked.c.rank <= limit).order_by(*newest_first)
        .options(so.joinedload(Notification.check))
    ):
        assert n.channel_id is not None  # chosen by its channel_id
        found[n.channel_id].append(n)
    return found
