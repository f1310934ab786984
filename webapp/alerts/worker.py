"""The worker process: RQ's job loop, the sweep beside it, and the watchdog.

Nothing an outage does ends the process. The sweep is a thread that catches
every error of its own (see `sweeper`). RQ's job loop quits when Redis goes
away at the wrong moment (in the middle of a job, say); `run_jobs` then waits
for Redis and starts a new loop. Only a signal (SIGTERM, Ctrl+C) stops it.
Run several of these and nothing is sent twice: each flip and each delivery
claim is a conditional UPDATE that only one process can win.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable

import redis
from flask import Flask
from rq import SimpleWorker

from ..core.times import utcnow
from ..db import db
from .liveness import JOB_LOOP_BEAT_EVERY, Liveness
from .outages import Outage, dependency, summary
from .queue import get_queue, get_redis
from .sweeper import Sweeper
from .watchdog import run_watchdog

log = logging.getLogger(__name__)

# RQ's worker heartbeat runs once per `worker_ttl - 15` seconds of waiting for
# a job, which keeps the job loop's heartbeat fresh enough to tell a stopped
# loop from an idle one.
WORKER_TTL = JOB_LOOP_BEAT_EVERY + 15
RESTART_AFTER = 5.0  # seconds before a job loop that ended on a fault is started anew


class AppWorker(SimpleWorker):
    """RQ's in-process worker, with the app's context around each job, one log
    line per failed job (the row keeps the reason) and its liveness told."""

    app: Flask
    liveness: Liveness
    redis_outage: Outage
    stop_asked = False

    def execute_job(self, job, queue):
        with self.app.app_context():
            try:
                return super().execute_job(job, queue)
            finally:
                db.session.remove()

    def heartbeat(self, *args, **kwargs):
        try:
            super().heartbeat(*args, **kwargs)
        except redis.RedisError as e:
            self.redis_outage.failed(e)
            raise  # RQ waits and retries, or quits and run_jobs starts a new loop
        self.redis_outage.ok()
        self.liveness.jobs_at = utcnow()

    def request_stop(self, signum, frame):
        self.stop_asked = True
        super().request_stop(signum, frame)

    def handle_exception(self, job, *exc_info):
        # deliver() keeps each failure's reason on its row and logs its own
        # faults with their traceback; one line here is enough.
        self.log.warning("job %s failed: %s", job.id, summary(exc_info[1]))
        for handler in self._exc_handlers:
            if handler(job, *exc_info) is False:
                break


class QuietRedisTrouble(logging.Filter):
    """RQ logs a traceback, or a line per retry, for every Redis hiccup: the
    job loop's Outage says it once instead."""

    def __init__(self, outage: Outage):
        super().__init__()
        self.outage = outage

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if exc is not None and dependency(exc) == "Redis":
            self.outage.failed(exc)
            return False
        return "could not connect to Redis" not in record.getMessage()


def run_jobs(app: Flask, liveness: Liveness, outage: Outage, stopping: threading.Event) -> None:
    """RQ's job loop, started anew each time it ends on anything but a signal."""
    while not stopping.is_set():
        with app.app_context():
            queue, connection = get_queue(), get_redis()
        worker = AppWorker([queue], connection=connection, worker_ttl=WORKER_TTL)
        worker.app, worker.liveness, worker.redis_outage = app, liveness, outage
        try:
            # No RQ scheduler (a forked process of its own): retries wait on
            # their rows for the sweep to start them.
            worker.work()
        except Exception as e:  # its teardown too may meet the outage
            if dependency(e) == "Redis":
                outage.failed(e)
            else:
                log.exception("job loop: ended on an unexpected error")
        if worker.stop_asked:
            break
        # RQ's own signal handlers went with its loop: ours until the next one.
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stopping.set())
        wait_for_redis(connection, outage, stopping)
        if not stopping.is_set():
            log.warning("job loop: starting again")


def wait_for_redis(connection: redis.Redis, outage: Outage, stopping: threading.Event) -> None:
    """Return once Redis answers (at once if it does), or when stopping."""
    while not stopping.is_set():
        try:
            connection.ping()
        except redis.RedisError as e:
            outage.failed(e)
            stopping.wait(1.0)
            continue
        if outage.active:
            outage.ok()
        else:
            # Redis is fine: the loop ended on a fault, which RQ has logged.
            stopping.wait(RESTART_AFTER)
        return


def supervised(name: str, run: Callable[[], None], stop: threading.Event) -> Callable[[], None]:
    """`run` as a thread's target that is started again if it ever ends on an
    error before `stop` is set (the sweep catches its own; this is the net below)."""

    def keep_running() -> None:
        while not stop.is_set():
            try:
                run()
            except Exception:
                log.exception("%s: stopped on an unexpected error; starting it again", name)
                stop.wait(RESTART_AFTER)

    return keep_running


def main(app: Flask) -> None:
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    outage = Outage(log, "job loop", "Redis")
    logging.getLogger("rq.worker").addFilter(QuietRedisTrouble(outage))
    liveness, stop, stopping = Liveness(), threading.Event(), threading.Event()
    parts = {"sweep": Sweeper(app, stop, liveness).run}
    if app.config["WATCHDOG_URL"]:
        parts["watchdog"] = lambda: run_watchdog(app, stop, liveness)
    threads = [threading.Thread(target=supervised(name, run, stop), name=name, daemon=True)
               for name, run in parts.items()]
    for thread in threads:
        thread.start()
    try:
        run_jobs(app, liveness, outage, stopping)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=5)
        log.info("worker: stopped")
