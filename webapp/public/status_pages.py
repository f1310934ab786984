"""Public status pages, without login: /status/<slug> (HTML) and
/status/<slug>.json (the same facts as JSON).

The JSON feed:

    {"title", "description", "timezone",
     "state": "operational" | "partial_outage" | "major_outage",
     "state_words": "All systems operational" | "Partial outage" | "Major outage",
     "checks": [{"name", "state": "up" | "down" | "paused" | "new", "uptime_90d",
                 "days": [{"date": "2031-03-10", "uptime", "downtimes", "down_seconds"}]}],
     "incidents": [{"check", "start", "end", "seconds"}],
     "generated_at"}

Uptimes are fractions (0..1); a day before the check existed has uptime
null. Days are the page's zone's, oldest first; incidents newest first, an
ongoing one with end null and its seconds so far. Times are ISO 8601 in UTC.

Both are cached: each web process keeps a page's facts for
STATUS_CACHE_SECONDS (keyed by slug), and says so in Cache-Control, so a
page that many people reload costs one read of its checks' flips per
process every few seconds. Like the badges, these answers are not rate
limited: the cache bounds what a known slug costs, and an unknown one costs
one lookup by a unique index (answered by a plain 404 page, not cached, so a
page made a moment ago is found at once).
"""

from __future__ import annotations

import math
import time
from datetime import datetime

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template

from ..core.status_pages import RESERVED_SLUGS, SLUG_MAX, SLUG_RE, page_by_slug
from ..core.status_report import Report, build_report
from ..core.times import utc_iso, utcnow
from ..db import db
from .status_words import (
    BAR_HEIGHT,
    STATE_WORDS,
    bars,
    bars_width,
    clock,
    incident_line,
    percent,
)

bp = Blueprint("status_pages", __name__)

CACHE_LIMIT = 1000  # pages kept per process; past it, expired ones are dropped
# The page lists this many incidents, newest first (a flapping check can have
# thousands in 90 days); the JSON feed has them all.
INCIDENTS_SHOWN = 100
monotonic = time.monotonic  # the cache's clock (tests move it)


def cache_of(app: Flask) -> dict[str, tuple[float, Report]]:
    return app.extensions["hb_status_cache"]


def cached_report(slug: str) -> Report | None:
    """The page's facts, from this process's cache while they are fresh; None
    for a slug no page has."""
    ttl = current_app.config["STATUS_CACHE_SECONDS"]
    cache = cache_of(current_app)
    now = monotonic()
    hit = cache.get(slug)
    if hit is not None and hit[0] > now:
        return hit[1]
    # A slug no page can have is not looked up (a NUL would be a 503 on PostgreSQL).
    if len(slug) > SLUG_MAX or not SLUG_RE.match(slug) or slug in RESERVED_SLUGS:
        return None
    page = page_by_slug(slug)
    if page is None:
        cache.pop(slug, None)
        return None
    report = build_report(db.session.connection(), page, utcnow())
    if ttl > 0:
        if len(cache) >= CACHE_LIMIT:
            for key in [k for k, (until, _) in cache.items() if until <= now]:
                cache.pop(key, None)
        if len(cache) < CACHE_LIMIT:
            cache[slug] = (now + ttl, report)
    return report


def cache_headers(response: Response) -> Response:
    response.headers["Cache-Control"] = (
        f"public, max-age={max(0, int(current_app.config['STATUS_CACHE_SECONDS']))}")
    return response


def not_found(as_json: bool):
    if as_json:
        response = jsonify(error="not found")
    else:
        response = Response(render_template("public/status_missing.html"), mimetype="text/html")
    response.status_code = 404
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/status/<slug>")
def page(slug: str):
    report = cached_report(slug)
    if report is None:
        return not_found(False)
    html = render_template(
        "public/status.html", report=report, slug=slug, bars=bars, bars_width=bars_width,
        bar_height=BAR_HEIGHT, percent=percent, state_words=STATE_WORDS,
        incidents=[incident_line(i, report.tz, report.generated_at)
                   for i in report.incidents[:INCIDENTS_SHOWN]],
        more_incidents=max(0, len(report.incidents) - INCIDENTS_SHOWN),
        updated=clock(report.generated_at, report.tz))
    return cache_headers(Response(html, mimetype="text/html"))


@bp.get("/status/<slug>.json")
def feed(slug: str):
    report = cached_report(slug)
    if report is None:
        return not_found(True)
    response = cache_headers(jsonify(feed_body(report)))
    # Any site may show these facts: they are public by the owner's choice.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def seconds(start: datetime, end: datetime) -> int:
    return int((end - start).total_seconds())


def fraction(value: float) -> float:
    """To six places, rounded down as the page's percentages are: never 1.0
    for a check that was down at all."""
    return math.floor(value * 1_000_000) / 1_000_000


def feed_body(report: Report) -> dict:
    now = report.generated_at
    return {
        "title": report.title,
        "description": report.description,
        "timezone": report.tz,
        "state": report.state,
        "state_words": report.state_words,
        "checks": [{
            "name": c.name,
            "state": c.state,
            "uptime_90d": fraction(c.uptime),
            "days": [{"date": d.date.isoformat(),
                      "uptime": None if d.uptime is None else fraction(d.uptime),
                      "downtimes": d.downtimes, "down_seconds": int(d.down_seconds)}
                     for d in c.days],
        } for c in report.checks],
        "incidents": [{"check": i.check, "start": utc_iso(i.period.start),
                       "end": utc_iso(i.period.end),
                       "seconds": seconds(i.period.start, i.period.end_or(now))}
                      for i in report.incidents],
        "generated_at": utc_iso(now),
    }


def init_app(app: Flask) -> None:
    app.extensions["hb_status_cache"] = {}
    app.register_blueprint(bp)
