"""Prometheus metrics of one project, as Healthchecks serves them
(hc/integrations/prometheus/views.py; its tests/test_metrics.py):

    /projects/<project code>/metrics/<read-only API key>
    /projects/<project code>/checks/metrics/<read-only API key>   (its older URL)
    /projects/<project code>/metrics/   with  Authorization: Bearer <read-only key>

Healthchecks' metrics, labelled name, tags and unique_key (a SHA-1 of the uuid,
never the uuid, which pings): hc_check_up, hc_check_started, hc_check_grace,
hc_check_paused, hc_tag_up{tag}, hc_checks_total, hc_checks_down_total; and
ours, for checks that have a value: hb_check_last_ping_timestamp_seconds,
hb_check_last_duration_seconds, hb_check_last_value. The text is
prometheus_client's exposition format.

As in Healthchecks only a read-only key is taken: a key in a URL ends up in
proxies' and scrapers' logs, and a read-write one there could change checks.
Something not shaped like a key is a 400, a key that is not this project's
read-only key a 403, a missing bearer token a 401. No login and no per-scrape
rate limit: Prometheus scrapes as often as it is told to. Only scrapes with
a wrong key count, per address, on the API's wrong-key budget
(RATELIMIT_API_WRONG_KEY).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, current_app, request
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

from ..core.badges import check_badge_status
from ..core.check_ids import unique_key
from ..core.models import ApiKey, Check
from ..core.times import utcnow
from ..db import db
from ..web.ratelimits import limiter_of

bp = Blueprint("metrics", __name__)

# What ApiKey.issue makes: "hb_" and 40 URL-safe characters.
KEY_SHAPE = re.compile(r"hb_[A-Za-z0-9_-]{40}")
LABELS = ("name", "tags", "unique_key")


@bp.get("/projects/<code>/checks/metrics/<key>")  # registered second: url_for gives the first
@bp.get("/projects/<code>/metrics/<key>")
def scrape(code: str, key: str):
    """The project's metrics, for the read-only key in the URL."""
    return metrics_for(code, key)


@bp.get("/projects/<code>/metrics/")
def scrape_with_token(code: str):
    """The project's metrics, for the read-only key in `Authorization: Bearer`
    (Prometheus' `authorization` setting), which keeps it out of URLs and logs."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return text("send the project's read-only API key as Authorization: Bearer <key>",
                    401, {"WWW-Authenticate": 'Bearer realm="metrics"'})
    return metrics_for(code, token.strip())


def metrics_for(code: str, key: str) -> Response:
    if not KEY_SHAPE.fullmatch(key):
        return text("that is not an API key: keys are hb_ and 40 more characters", 400)
    api_key = ApiKey.find(key)
    if api_key is None or api_key.project.code != code:
        return text("wrong key: not an API key of this project", 403)
    if not api_key.read_only:
        return text("a read-write key is not taken here: use one of the project's "
                    "read-only keys", 403)
    checks = db.session.scalars(sa.select(Check).where(Check.project_id == api_key.project_id)
                                .order_by(Check.id)).all()
    registry = CollectorRegistry(auto_describe=False)
    registry.register(Families(checks))
    return Response(generate_latest(registry), 200,
                    {"Content-Type": CONTENT_TYPE_PLAIN_0_0_4, "Cache-Control": "no-store"})


def text(message: str, status: int, headers: dict | None = None) -> Response:
    return Response(message + "\n", status, {"Content-Type": "text/plain; charset=utf-8",
                                              "Cache-Control": "no-store", **(headers or {})})


class Families:
    """A collector of one scrape: the project's checks as they were read."""

    def __init__(self, checks: Sequence[Check]):
        self.checks = checks

    def collect(self) -> Iterable[Metric]:
        return families(self.checks)


def gauge(name: str, documentation: str, labels: Sequence[str] = LABELS) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, labels=labels)


def families(checks: Sequence[Check]) -> list[Metric]:
    now = utcnow()
    up = gauge("hc_check_up", "Whether the check is up (1) or down (0).")
    started = gauge("hc_check_started", "Whether a run of the check is under way (1 or 0).")
    grace = gauge("hc_check_grace", "Whether the check is late, inside its grace time (1 or 0).")
    paused = gauge("hc_check_paused", "Whether the check is paused (1 or 0).")
    last_ping = gauge("hb_check_last_ping_timestamp_seconds",
                      "When the check's last ping arrived, in seconds since the epoch.")
    duration = gauge("hb_check_last_duration_seconds",
                     "How long the check's last run took, from its start signal to its end.")
    value = gauge("hb_check_last_value", "The value the check's last ping reported.")
    tags: dict[str, bool] = {}
    down_total = 0
    for check in checks:
        labels = [check.name, check.tags, unique_key(check.uuid)]
        # "down", "late" or "up", as a badge shows it: a run under way hides neither.
        status = check_badge_status(check.status, check.next_ping, now)
        is_down = status == "down"
        down_total += is_down
        up.add_metric(labels, 0 if is_down else 1)
        started.add_metric(labels, int(check.last_start is not None))
        grace.add_metric(labels, int(status == "late"))
        paused.add_metric(labels, int(check.status == "paused"))
        # Unknown is no sample, as Prometheus expects, rather than a made-up 0.
        if check.last_ping is not None:
            last_ping.add_metric(labels, check.last_ping.timestamp())
        if check.last_duration is not None:
            duration.add_metric(labels, check.last_duration)
        if check.last_value is not None:
            value.add_metric(labels, check.last_value)
        for tag in check.tag_list:
            tags[tag] = tags.get(tag, True) and not is_down
    tag_up = gauge("hc_tag_up", "Whether every check with this tag is up (1 or 0).", ["tag"])
    for tag in sorted(tags):
        tag_up.add_metric([tag], int(tags[tag]))
    total = gauge("hc_checks_total", "The number of checks.", [])
    total.add_metric([], len(checks))
    down = gauge("hc_checks_down_total", "The number of checks that are down.", [])
    down.add_metric([], down_total)
    return [up, started, grace, paused, tag_up, total, down, last_ping, duration, value]


def init_app(app: Flask) -> None:
    """Count scrapes with a wrong key against the address's API wrong-key budget."""
    limiter_of(app).shared_limit(
        lambda: current_app.config["RATELIMIT_API_WRONG_KEY"], scope="api-wrong-key",
        deduct_when=lambda response: response.status_code in (400, 401, 403))(bp)
