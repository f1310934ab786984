"""The check API's history: pings, ping bodies and flips (Healthchecks v3 shapes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import Blueprint, Response, jsonify, request

from ..core.errors import FieldError
from ..core.models import Flip, Ping
from ..core.times import utc_iso
from ..db import db
from ..web.urls import base_url
from .common import api_check, api_url, error

bp = Blueprint("history", __name__)

def ping_json(ping: Ping, check_url: str) -> dict:
    return {
        "type": ping.kind,
        "date": utc_iso(ping.created),
        "n": ping.n,
        "scheme": ping.scheme,
        "remote_addr": ping.remote_addr,
        "method": ping.method,
        "ua": ping.ua,
        "rid": ping.rid,
        "exitstatus": ping.exitstatus,
        "duration": ping.duration,
        "msg": ping.msg,
        "value": ping.value,
        "body_url": f"{check_url}/pings/{ping.n}/body" if ping.body is not None else None,
    }


@bp.get("/checks/<uuid>/pings/")
def list_pings(uuid: str):
    """The check's kept pings, newest first."""
    check = api_check(uuid)
    rows = db.session.scalars(
        sa.select(Ping).where(Ping.check_id == check.id).order_by(Ping.n.desc())
    )
    check_url = api_url(check.uuid, base_url())
    return jsonify(pings=[ping_json(p, check_url) for p in rows])


@bp.get("/checks/<uuid>/pings/<int:n>/body")
def ping_body(uuid: str, n: int):
    """The request body ping #n carried, as it came (cut at PING_BODY_LIMIT)."""
    check = api_check(uuid)
    body = db.session.scalar(sa.select(Ping.body).where(Ping.check_id == check.id, Ping.n == n))
    if body is None:
        return error("not found", 404)
    return Response(body, mimetype="text/plain")


def timestamp_arg(name: str) -> datetime | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    if not raw.isdigit():
        raise FieldError(f"{name} must be a UNIX timestamp in whole seconds")
    try:
        return datetime.fromtimestamp(int(raw), UTC)
    except (OverflowError, ValueError, OSError):
        raise FieldError(f"{name} is out of range") from None


@bp.get("/checks/<uuid>/flips/")
def list_flips(uuid: str):
    """State changes, newest first; ?seconds= or ?start=&end= narrow them."""
    check = api_check(uuid)
    query = sa.select(Flip).where(Flip.check_id == check.id)
    seconds = request.args.get("seconds")
    if seconds is not None:
        if not seconds.isdigit() or int(seconds) > 10 * 365 * 86400:
            raise FieldError("seconds must be a whole number of seconds (at most ten years)")
        query = query.where(Flip.created >= datetime.now(UTC) - timedelta(seconds=int(seconds)))
    if (start := timestamp_arg("start")) is not None:
        query = query.where(Flip.created >= start)
    if (end := timestamp_arg("end")) is not None:
        query = query.where(Flip.created < end)
    flips = db.session.scalars(query.order_by(Flip.id.desc()))
    # An object holding the list, as Healthchecks answers
    # (hc/api/tests/test_get_flips.py test_it_works: doc["flips"]).
    return jsonify(flips=[
        {"timestamp": utc_iso(f.created), "up": 1 if f.new_status == "up" else 0,
         "old_status": f.old_status, "new_status": f.new_status, "reason": f.reason}
        for f in flips
    ])
