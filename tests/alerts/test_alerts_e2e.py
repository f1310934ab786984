"""End to end: real HTTP, a real worker process, real Redis and a real SMTP server."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import requests
import sqlalchemy as sa
from rq import Retry

from support import wait_until
from webapp.alerts.delivery import deliver
from webapp.alerts.queue import RETRY_INTERVALS, get_queue
from webapp.alerts.sweep import requeue_due, sweep_once
from webapp.core.flips import record_flip
from webapp.core.models import Channel, Check, Flip, Notification, Ping
from webapp.core.times import utcnow
from webapp.db import db


def create_check(live_server, key, **fields) -> str:
    r = requests.post(f"{live_server}/api/v3/checks/", headers={"X-Api-Key": key},
                      json={"name": "nightly-backup", **fields}, timeout=10)
    assert r.status_code == 201, r.text
    return r.json()["uuid"]


def notification_states(app) -> list[str]:
    with app.app_context():
        states = db.session.scalars(sa.select(Notification.status).order_by(Notification.id)).all()
        db.session.remove()
        return states


def test_it_mails_when_a_job_stops_reporting_and_when_it_comes_back(
        app, live_server, worker, user, mailbox):
    uuid = create_check(live_server, user[1], timeout=2, grace=1, tags="prod db")
    r = requests.post(f"{live_server}/api/push/{uuid}?msg=backup-completed&value=42", timeout=10)
    pinged = time.time()
    assert r.json() == {"ok": True, "message": "Push received successfully"}

    [down] = mailbox.wait_for(1, timeout=10)
    late_by = down.received_at - (pinged + 3)
    # Not before the deadline (timeout 2 s + grace 1 s), and promptly after it.
    assert -0.05 <= late_by < 2.0, late_by
    assert down["Subject"] == "DOWN: nightly-backup"
    assert down["To"] == "alice@example.com"
    text = down.get_body(("plain",)).get_content()
    html = down.get_body(("html",)).get_content()
    for needle in ("nightly-backup is DOWN", "backup-completed", "42.0",
                   "every 2 seconds, grace 1 second",
                   f"http://hb.test/checks/{uuid}", "prod db", "no ping within"):
        assert needle in text, needle
    assert "nightly-backup is DOWN" in html and f"http://hb.test/checks/{uuid}" in html

    requests.get(f"{live_server}/api/push/{uuid}?msg=back", timeout=10)
    up = mailbox.wait_for(2, timeout=10)[1]
    assert up["Subject"] == "UP: nightly-backup"
    assert "nightly-backup is UP again" in up.get_body(("plain",)).get_content()
    wait_until(lambda: notification_states(app) == ["sent", "sent"])


def test_status_down_alerts_at_once(live_server, worker, user, mailbox):
    uuid = create_check(live_server, user[1], timeout=3600)
    requests.get(f"{live_server}/api/push/{uuid}", timeout=10)
    sent = time.time()
    requests.get(f"{live_server}/api/push/{uuid}?status=down&msg=backup-failed", timeout=10)
    [mail] = mailbox.wait_for(1, timeout=5)
    assert mail["Subject"] == "DOWN: nightly-backup"
    assert mail.received_at - sent < 2.0
    assert "backup-failed" in mail.get_body(("plain",)).get_content()


def test_concurrent_sweeps_flip_each_check_once_and_mail_once(app, live_server, worker, user,
                                                             mailbox):
    uuids = [create_check(live_server, user[1], name=f"job-{i}", timeout=3600) for i in range(10)]
    for uuid in uuids:
        requests.get(f"{live_server}/api/push/{uuid}", timeout=10)
    with app.app_context():
        # Every check became overdue a moment ago.
        db.session.execute(sa.update(Check).values(alert_after=utcnow() - timedelta(seconds=1)))
        db.session.commit()
        db.session.remove()

    barrier = threading.Barrier(3)
    flipped = []

    def sweeper():
        with app.app_context():
            barrier.wait()
            flipped.append(sweep_once())
            db.session.remove()

    # Three of ours race each other and the worker's own sweeper.
    threads = [threading.Thread(target=sweeper) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    mails = mailbox.wait_for(10, timeout=15)
    time.sleep(1.5)  # a duplicate, if any, would arrive now
    assert sorted(m["Subject"] for m in mailbox.messages) == sorted(
        f"DOWN: job-{i}" for i in range(10))
    assert len(mails) == 10
    with app.app_context():
        downs = db.session.scalar(
            sa.select(sa.func.count(Flip.id)).where(Flip.new_status == "down"))
        assert downs == 10
    assert sum(flipped) <= 10


def test_it_stores_all_of_300_concurrent_pings(app, live_server, user):
    uuid = create_check(live_server, user[1], timeout=3600)

    def ping(i):
        return requests.get(f"{live_server}/api/push/{uuid}?msg=n{i}&value={i}",
                            timeout=30).status_code

    with ThreadPoolExecutor(max_workers=30) as pool:
        codes = list(pool.map(ping, range(300)))
    assert codes == [200] * 300
    with app.app_context():
        check = db.session.scalar(sa.select(Check).where(Check.uuid == uuid))
        assert check.n_pings == 300
        rows = db.session.scalars(sa.select(Ping).where(Ping.check_id == check.id)).all()
        assert sorted(p.n for p in rows) == list(range(1, 301))
        assert sorted(p.value for p in rows) == [float(i) for i in range(300)]


def test_a_temporary_smtp_failure_is_retried_and_delivered_once(app, live_server, worker, user,
                                                               mailbox):
    uuid = create_check(live_server, user[1], timeout=3600)
    mailbox.refuse = 1  # the first attempt gets "451 try again later"
    requests.get(f"{live_server}/api/push/{uuid}?status=down", timeout=10)
    # RQ retries after the first backoff step (5 s).
    [mail] = mailbox.wait_for(1, timeout=15)
    assert mail["Subject"] == "DOWN: nightly-backup"
    wait_until(lambda: notification_states(app) == ["sent"])
    with app.app_context():
        note = db.session.scalar(sa.select(Notification))
        assert note.attempts == 2
    time.sleep(1)
    assert len(mailbox.messages) == 1


def test_a_notification_whose_job_vanished_is_requeued_and_sent(app, live_server, worker, user,
                                                                mailbox):
    uuid = create_check(live_server, user[1], timeout=3600)
    with app.app_context():
        check = db.session.scalar(sa.select(Check).where(Check.uuid == uuid))
        # A flip committed long ago whose job never reached Redis (flushed, or
        # Redis was down when the ping came).
        long_ago = utcnow() - timedelta(minutes=5)
        record_flip(db.session.connection(), check.id, check.project_id, "up", "down",
                    reason="test", actor="test", now=long_ago)
        check.status = "down"
        db.session.commit()
        assert requeue_due() == 1
        assert requeue_due() == 0  # its new job exists: no second one
        db.session.remove()
    [mail] = mailbox.wait_for(1, timeout=10)
    assert mail["Subject"] == "DOWN: nightly-backup"
    wait_until(lambda: notification_states(app) == ["sent"])


def test_a_job_an_older_release_queued_under_another_name_is_replaced(app, live_server, worker,
                                                                      user, mailbox):
    # Before the package was grouped by area, delivery jobs were queued as
    # webapp.notify.deliver_job; after an upgrade such a job can only fail.
    uuid = create_check(live_server, user[1], timeout=3600)
    with app.app_context():
        check = db.session.scalar(sa.select(Check).where(Check.uuid == uuid))
        long_ago = utcnow() - timedelta(minutes=5)
        [(note_id, job_id)] = record_flip(db.session.connection(), check.id, check.project_id,
                                          "up", "down", reason="test", actor="test",
                                          now=long_ago)
        check.status = "down"
        db.session.commit()
        get_queue().enqueue("webapp.notify.deliver_job", note_id, job_id=job_id,
                            retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS))
        assert requeue_due() == 1
        assert db.session.scalar(sa.select(Notification.job_id)) != job_id
        db.session.remove()
    [mail] = mailbox.wait_for(1, timeout=10)
    assert mail["Subject"] == "DOWN: nightly-backup"
    wait_until(lambda: notification_states(app) == ["sent"])


def test_a_healthchecks_failure_mails_its_body(live_server, worker, user, mailbox):
    uuid = create_check(live_server, user[1], timeout=3600)
    requests.post(f"{live_server}/ping/{uuid}/1", data=b"rsync: connection refused\n", timeout=10)
    [mail] = mailbox.wait_for(1, timeout=5)
    text = mail.get_body(("plain",)).get_content()
    assert "exit status 1" in text and "rsync: connection refused" in text
    assert "rsync: connection refused" in mail.get_body(("html",)).get_content()


def test_a_retry_waits_on_its_row_for_its_backoff_then_the_sweep_starts_it(app, client, check,
                                                                           receiver, no_worker):
    with app.app_context():
        # The check's only channel: a webhook that fails.
        project_id = db.session.scalar(sa.select(Check.project_id))
        hook = Channel(project_id=project_id, kind="webhook", name="hook",
                       value=f"{receiver.url}/h")
        hook.checks = list(db.session.scalars(sa.select(Check)))
        db.session.add(hook)
        db.session.commit()
    receiver.status = 500
    assert client.get(f"/api/push/{check}?status=down").status_code == 200
    with app.app_context():
        note = db.session.scalar(sa.select(Notification))
        assert deliver(note.id) == "attempt 1 failed, next in 5 s: the webhook answered HTTP 500"
        db.session.refresh(note)
        assert note.job_id is None and note.status == "pending"
        assert 4 <= (note.next_attempt - utcnow()).total_seconds() <= 5
        assert requeue_due(utcnow()) == 0  # the backoff is not over
        later = utcnow() + timedelta(seconds=6)
        assert requeue_due(later) == 1
        db.session.refresh(note)
        assert note.next_attempt == later and get_queue().fetch_job(note.job_id) is not None
        assert requeue_due(later) == 0  # its job is queued: no second one
        db.session.remove()
