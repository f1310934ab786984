"""Load-or-404: one owner's check or channel for the API and the dashboard alike."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from ..core.models import Channel, Check
from ..core.text import can_name_a_row
from ..db import db


def refuse_nul(code: str) -> None:
    """404 for a code that cannot name a row (a NUL, %00 in a URL)."""
    if not can_name_a_row(code):
        abort(404)


def check_or_404(uuid: str, user_id: int) -> Check:
    """The user's check; 404 whether it does not exist or is someone else's,
    so that nobody can probe for other people's uuids."""
    refuse_nul(uuid)
    return db.first_or_404(sa.select(Check).where(Check.uuid == uuid, Check.user_id == user_id))


def channel_or_404(code: str, user_id: int) -> Channel:
    """The user's channel; 404 whether it does not exist or is someone else's."""
    refuse_nul(code)
    return db.first_or_404(sa.select(Channel).where(Channel.code == code,
                                                    Channel.user_id == user_id))
