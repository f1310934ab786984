"""/health and Healthchecks' /api/v3/status/: is this installation alerting?"""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from support import record_beats, wait_until
from webapp.alerts.health import assess, due_by
from webapp.core.models import Notification
from webapp.core.times import utcnow
from webapp.db import db

KEYS = {"status", "stale", "sweep_lag_s", "jobs_lag_s", "queue_depth",
        "oldest_pending_notification_s", "database", "redis"}


def test_without_a_worker_it_is_503_naming_the_silent_parts(client, no_worker):
    r = client.get("/health")
    assert r.status_code == 503 and r.headers["Cache-Control"] == "no-store"
    body = r.get_json()
    assert set(body) == KEYS
    assert body["status"] == "stale" and body["stale"] == ["sweep", "jobs"]
    assert (body["sweep_lag_s"], body["jobs_lag_s"]) == (None, None)
    assert (body["database"], body["redis"]) == ("ok", "ok")


def test_fresh_heartbeats_and_nothing_overdue_are_200(app, client, no_worker):
    record_beats(app, sweep=1, jobs=3)
    body = client.get("/health").get_json()
    assert body["status"] == "ok" and body["stale"] == []
    assert 0.5 <= body["sweep_lag_s"] < 5 and 2.5 <= body["jobs_lag_s"] < 8
    assert body["queue_depth"] == 0 and body["oldest_pending_notification_s"] is None


def test_a_sweep_silent_for_over_ten_seconds_is_stale(app, client, no_worker):
    record_beats(app, sweep=12, jobs=1)
    r = client.get("/health")
    assert r.status_code == 503 and r.get_json()["stale"] == ["sweep"]


def test_a_delivery_overdue_by_its_retry_schedule_is_stale(app, client, check, no_worker):
    record_beats(app, sweep=0, jobs=0)
    assert client.get(f"/api/push/{check}?status=down").status_code == 200
    body = client.get("/health").get_json()
    assert body["status"] == "ok" and body["oldest_pending_notification_s"] < 5
    with app.app_context():
        long_ago = utcnow() - timedelta(minutes=10)
        db.session.execute(sa.update(Notification).values(created=long_ago,
                                                          next_attempt=long_ago))
        db.session.commit()
    r = client.get("/health")
    assert r.status_code == 503 and r.get_json()["stale"] == ["deliveries"]
    assert r.get_json()["oldest_pending_notification_s"] >= 600


def test_a_pending_delivery_is_overdue_past_its_next_attempt_and_time_limit(app, client, check,
                                                                           no_worker):
    now = utcnow()
    # Its next attempt (after a backoff, say) is due in a minute: not overdue for a while.
    assert due_by(now + timedelta(minutes=1), 35.0) == now + timedelta(minutes=1, seconds=35 + 30)
    # A row without one (made by an older release) counts from its creation.
    record_beats(app, sweep=0, jobs=0)
    assert client.get(f"/api/push/{check}?status=down").status_code == 200
    with app.app_context():
        db.session.execute(sa.update(Notification).values(
            created=now - timedelta(seconds=70), next_attempt=None))
        db.session.commit()
    assert client.get("/health").get_json()["stale"] == ["deliveries"]


def test_the_database_and_redis_are_named_when_away(app):
    with app.app_context():
        now = utcnow()
        body = assess(now, {"sweep": now, "jobs": now}, None, None, database=False,
                      redis=False, queue_depth=None)
    assert body["stale"] == ["database", "redis"]
    assert (body["database"], body["redis"], body["queue_depth"]) == (
        "unavailable", "unavailable", None)


@pytest.mark.parametrize("version", [1, 2, 3])
def test_the_healthchecks_status_endpoint_says_ok_without_a_key(client, version):
    r = client.get(f"/api/v{version}/status/")
    assert r.status_code == 200 and r.get_data(as_text=True) == "OK"
    assert client.get("/api/v4/status/").status_code == 404


def test_with_the_worker_running_and_stopped(app, client, worker):
    wait_until(lambda: client.get("/health").status_code == 200, timeout=15)
    body = client.get("/health").get_json()
    assert body["sweep_lag_s"] < 2 and body["jobs_lag_s"] < 8
    worker.kill()
    try:
        wait_until(lambda: client.get("/health").status_code == 503, timeout=20)
        assert "sweep" in client.get("/health").get_json()["stale"]
    finally:
        worker.start()
    wait_until(lambda: client.get("/health").status_code == 200, timeout=15)
