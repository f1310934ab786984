"""The worker's parts kept alive and their outages said once (the real processes
are in test_outages.py)."""

import logging
import sys
import threading

import redis
import sqlalchemy as sa

from webapp.alerts import worker as worker_module
from webapp.alerts.outages import Outage, dependency
from webapp.alerts.worker import QuietRedisTrouble, supervised


def test_a_part_that_ends_on_an_error_is_started_again(monkeypatch, caplog):
    monkeypatch.setattr(worker_module, "RESTART_AFTER", 0.01)
    stop, calls = threading.Event(), []

    def run():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("boom")
        stop.set()  # the second run ends as a stop request would end it

    supervised("sweep", run, stop)()
    assert len(calls) == 2
    assert "sweep: stopped on an unexpected error; starting it again" in caplog.text


def test_an_outage_is_one_line_when_it_begins_and_one_when_it_ends(caplog):
    outage = Outage(logging.getLogger("test"), "sweep", "Redis")
    for _ in range(5):
        outage.failed(redis.ConnectionError("Error 111 connecting. Connection refused."))
    outage.ok()
    outage.ok()
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0] == ("sweep: Redis is unavailable (ConnectionError: Error 111 connecting. "
                        "Connection refused.); retrying until it is back")
    assert len(lines) == 2 and lines[1].startswith("sweep: Redis is back after ")


def test_rq_tracebacks_for_redis_trouble_become_the_outage_line(caplog):
    outage = Outage(logging.getLogger("test"), "job loop", "Redis")
    quiet = QuietRedisTrouble(outage)
    try:
        raise redis.ConnectionError("Connection closed by server.")
    except redis.ConnectionError:
        crash = logging.LogRecord("rq.worker", logging.ERROR, __file__, 1,
                                  "found an unhandled exception, quitting...", None, sys.exc_info())
    retry = logging.LogRecord("rq.worker", logging.ERROR, __file__, 1,
                              "Worker x: could not connect to Redis instance: %s",
                              ("refused",), None)
    other = logging.LogRecord("rq.worker", logging.INFO, __file__, 1, "Job OK", None, None)
    assert [quiet.filter(r) for r in (crash, retry, other)] == [False, False, True]
    assert outage.active and "job loop: Redis is unavailable" in caplog.text


def test_which_dependency_an_error_names():
    assert dependency(redis.TimeoutError()) == "Redis"
    assert dependency(sa.exc.OperationalError("SELECT 1", {}, Exception("gone"))) == "the database"
    assert dependency(ValueError("a bug")) is None
