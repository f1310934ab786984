"""One log line when a dependency goes away, one when it is back, and quiet between.

The sweep runs several times a second and the job loop retries on its own; a
traceback per failed try would bury the one fact that matters (the database,
Redis or the mail server is away, and since when) under thousands of lines.
"""

from __future__ import annotations

import logging
import time

import redis
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from ..core.text import one_line


def dependency(e: BaseException) -> str | None:
    """Which dependency an error says is away: "the database", "Redis"; None for others."""
    if isinstance(e, (DBAPIError, PoolTimeout)):
        return "the database"
    if isinstance(e, (redis.ConnectionError, redis.TimeoutError)):
        return "Redis"
    return None


def summary(e: BaseException) -> str:
    """The error in one short line: its kind and the first line of its message."""
    text = one_line(str(getattr(e, "orig", None) or e).split("\n", 1)[0])
    return f"{type(e).__name__}: {text[:200]}" if text else type(e).__name__


class Outage:
    """The state of one dependency as one part of the worker sees it."""

    def __init__(self, log: logging.Logger, part: str, what: str):
        self.log, self.part, self.what = log, part, what
        self.since: float | None = None  # monotonic time of the first failure

    @property
    def active(self) -> bool:
        return self.since is not None

    def failed(self, e: BaseException) -> None:
        if self.since is None:
            self.since = time.monotonic()
            self.log.warning("%s: %s is unavailable (%s); retrying until it is back",
                             self.part, self.what, summary(e))

    def ok(self) -> None:
        if self.since is not None:
            self.log.warning("%s: %s is back after %.0f s", self.part, self.what,
                             time.monotonic() - self.since)
            self.since = None
