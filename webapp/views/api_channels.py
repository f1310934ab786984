"""Channels in the API: Healthchecks' list, and our create and delete."""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, jsonify

from ..channels import add_channel, parse_channel, user_channels
from ..extensions import db
from ..models import Channel
from .api import authorize, bp, json_body


def channel_json(channel: Channel) -> dict:
    return {"id": channel.code, "name": channel.name, "kind": channel.kind}


@bp.get("/channels/")
@authorize
def list_channels():
    """The user's channels, as Healthchecks lists its integrations."""
    return jsonify(channels=[channel_json(c) for c in user_channels(g.user.id)])


@bp.post("/channels/")
@authorize
def create_channel():
    """Add a channel (201); every existing check alerts it too, as new checks will."""
    channel = add_channel(g.user.id, parse_channel(json_body()))
    return jsonify(channel_json(channel)), 201


@bp.delete("/channels/<code>")
@authorize
def delete_channel(code: str):
    """Remove a channel, with its pending notifications."""
    channel = db.first_or_404(
        sa.select(Channel).where(Channel.code == code, Channel.user_id == g.user.id))
    body = channel_json(channel)
    db.session.delete(channel)
    db.session.commit()
    return jsonify(body)
