"""Load-or-404: one owner's check or channel for the API and the dashboard alike."""

from __future__ import annotations

import sqlalchemy as sa

from ..core.models import Channel, Check
from ..db import db


def check_or_404(uuid: str, user_id: int) -> Check:
    """The user's check; 404 whether it does not exist or is someone else's,
    so that nobody can probe for other people's uuids."""
    return db.first_or_404(sa.select(Check).where(Check.uuid == uuid, Check.user_id == user_id))


def channel_or_404(code: str, user_id: int) -> Channel:
    """The user's channel; 404 whether it does not exist or is someone else's."""
    return db.first_or_404(sa.select(Channel).where(Channel.code == code,
                                                    Channel.user_id == user_id))
