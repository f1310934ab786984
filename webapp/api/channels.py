"""Channels in the API: Healthchecks' list, and our create, read, update and delete."""

from __future__ import annotations

from flask import Blueprint, jsonify

from ..core.channels import (
    add_channel,
    parse_channel,
    parse_channel_update,
    project_channels,
    update_channel,
)
from ..core.models import Channel
from ..db import db
from ..web.loaders import channel_in
from .common import api_project, json_body

bp = Blueprint("channels", __name__)


def channel_json(channel: Channel) -> dict:
    # Healthchecks' three fields, then ours: the routing (`core.routing`).
    return {"id": channel.code, "name": channel.name, "kind": channel.kind,
            "events": channel.events.split(), "delay": channel.delay}


@bp.get("/channels/")
def list_channels():
    """The user's channels, as Healthchecks lists its integrations."""
    return jsonify(channels=[channel_json(c) for c in project_channels(api_project().id)])


@bp.post("/channels/")
def create_channel():
    """Add a channel (201); every existing check alerts it too, as new checks will."""
    channel = add_channel(api_project().id, parse_channel(json_body()))
    return jsonify(channel_json(channel)), 201


@bp.get("/channels/<code>")
def get_channel(code: str):
    return jsonify(channel_json(channel_in(api_project().id, code)))


@bp.post("/channels/<code>")
def change_channel(code: str):
    """Change what the request names (name, value, events, delay); the rest stays."""
    channel = channel_in(api_project().id, code)
    update_channel(channel, parse_channel_update(channel, json_body()))
    return jsonify(channel_json(channel))


@bp.delete("/channels/<code>")
def delete_channel(code: str):
    """Remove a channel, with its pending notifications."""
    channel = channel_in(api_project().id, code)
    body = channel_json(channel)
    db.session.delete(channel)
    db.session.commit()
    return jsonify(body)
