"""The sweep's loop: sweep, remind, replace lost jobs, record a heartbeat, sleep.

It runs in a thread of the worker process, beside RQ's job loop, and nothing
that happens there can end it: each cycle catches what went wrong, says so
once per outage (see `outages`), and tries again. Flipping needs only the
database, so checks still go down (and their notifications wait in the outbox)
while Redis is away; replacing lost jobs needs Redis, so it has its own step.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime

from flask import Flask, current_app

from ..core.heartbeats import beat
from ..core.times import utcnow
from ..db import db
from .liveness import Liveness
from .outages import Outage, dependency, summary
from .sweep import (
    REQUEUE_EVERY,
    next_deadline,
    release_held,
    requeue_due,
    send_late_notices,
    send_reminders,
    sweep_once,
)

log = logging.getLogger(__name__)

BEAT_EVERY = 1.0  # seconds between heartbeats written to the database
BACKOFF = 1.0  # the least sleep after a failed cycle


class Sweeper:
    """The sweep's loop in one worker process, and what it knows of its own health."""

    def __init__(self, app: Flask, stop: threading.Event, liveness: Liveness):
        self.app, self.stop, self.liveness = app, stop, liveness
        self.database = Outage(log, "sweep", "the database")
        self.redis = Outage(log, "sweep", "Redis")
        self.last_requeue = self.last_beat = 0.0
        self.jobs_written: datetime | None = None  # the job loop's beat last written
        self.last_fault = ""  # the unexpected error last logged, to log each once

    def run(self) -> None:
        """Sweep until `stop` is set."""
        with self.app.app_context():
            while not self.stop.is_set():
                self.stop.wait(self.cycle())
            db.session.remove()

    def cycle(self) -> float:
        """One look for due work; how long to sleep before the next."""
        interval = current_app.config["SWEEP_INTERVAL"]
        try:
            now = utcnow()
            sweep_once(now)
            release_held(now)
            send_reminders(now)
            send_late_notices(now)
            self.heartbeat()
            deadline = next_deadline()
        except Exception as e:
            self.trouble(e)
            return max(interval, BACKOFF)
        self.database.ok()
        self.last_fault = ""
        self.liveness.sweep_ok_at = time.monotonic()
        if time.monotonic() - self.last_requeue >= REQUEUE_EVERY:
            self.last_requeue = time.monotonic()
            try:
                requeue_due(now)
            except Exception as e:
                self.trouble(e)
            else:
                self.redis.ok()
        if deadline is not None:
            interval = min(interval, max(0.0, (deadline - utcnow()).total_seconds()))
        return interval

    def heartbeat(self) -> None:
        """The sweep's own heartbeat, and the job loop's, at most once a second."""
        if time.monotonic() - self.last_beat < BEAT_EVERY:
            return
        beat("sweep", utcnow())
        jobs_at = self.liveness.jobs_at
        if jobs_at is not None and jobs_at != self.jobs_written:
            beat("jobs", jobs_at)
            self.jobs_written = jobs_at
        self.last_beat = time.monotonic()

    def trouble(self, e: Exception) -> None:
        db.session.rollback()
        away = dependency(e)
        if away == "Redis":
            self.redis.failed(e)
        elif away == "the database":
            self.database.failed(e)
        elif summary(e) != self.last_fault:
            # Not an outage but a fault of ours: its traceback, once.
            self.last_fault = summary(e)
            log.exception("sweep: unexpected error; retrying")
