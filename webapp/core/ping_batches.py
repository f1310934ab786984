"""Group commit: pings that arrive while another is being written are written
together after it, in one transaction, each answered after that commit.

A ping's own work is small next to what every write transaction costs: on
SQLite taking the one write lock (which the web processes queue for) and
committing; on PostgreSQL the commit's round trips and its WAL flush. So the
first ping to come writes alone; those that arrive meanwhile wait, and the
first of them to wake writes them all, in arrival order, in one transaction.
No thread is added: whoever finds the writer free becomes it. A 200 still
means the ping is stored: every caller waits for the commit of its own batch.

If a batch fails (a database error, a bug hit by one ping), nothing of it was
committed, and each of its pings is written again on its own, through
`apply_ping`, with its retry on a dead connection: one bad ping never costs
the others theirs, and its caller gets its own error.

Each ping takes its time when its turn comes, not when it was queued, so
a check's pings keep their `n` and their times in the same order.
"""

from __future__ import annotations

import os
import threading
from datetime import datetime

from flask import current_app

from ..db import db
from ..db.connections import ping_connection
from ..db.write_lock import ping_writer
from .pings import BY_UUID, Applied, PingData, apply_in, apply_ping, begin_writing


class _Slot:
    __slots__ = ("token", "data", "by", "now", "result", "error", "done")

    def __init__(self, token: str, data: PingData, by: tuple[str, ...], now: datetime | None):
        self.token, self.data, self.by, self.now = token, data, by, now
        self.result: Applied | None = None
        self.error: BaseException | None = None
        self.done = False


class GroupWriter:
    """One per web process and app: the queue of pings waiting to be written."""

    def __init__(self):
        self._cond = threading.Condition()
        self._queue: list[_Slot] = []
        self._writing = False

    def apply(self, token: str, data: PingData, now: datetime | None = None,
              by: tuple[str, ...] = BY_UUID) -> Applied | None:
        """`apply_ping`, written with whatever else is waiting; raises what it would."""
        slot = _Slot(token, data, by, now)
        with self._cond:
            self._queue.append(slot)
            while self._writing and not slot.done:
                self._cond.wait()
            if not slot.done:
                self._writing = True
                batch, self._queue = self._queue, []
        if not slot.done:
            try:
                write(batch)
            finally:
                with self._cond:
                    self._writing = False
                    self._cond.notify_all()
        if slot.error is not None:
            raise slot.error
        return slot.result


def write(batch: list[_Slot]) -> None:
    """Every ping of the batch in one transaction; each alone if that fails."""
    try:
        with (ping_connection(db.engine) as conn, ping_writer(db.engine), conn.begin()):
            begin_writing(conn)
            results = [apply_in(conn, s.token, s.by, s.data, s.now) for s in batch]
    except Exception:  # noqa: BLE001 - rolled back: each ping is tried again alone
        for s in batch:
            try:
                s.result = apply_ping(s.token, s.data, s.now, s.by)
            except Exception as e:  # noqa: BLE001 - its caller raises it
                s.error = e
    else:
        for s, result in zip(batch, results, strict=True):
            s.result = result
    for s in batch:
        s.done = True


_writers: dict[tuple[int, int], GroupWriter] = {}
_made = threading.Lock()


def group_writer() -> GroupWriter:
    """This process's writer for the current app (made after a fork, never
    inherited: a Condition copied mid-wait would never wake)."""
    key = (os.getpid(), id(current_app._get_current_object()))  # type: ignore[attr-defined]
    writer = _writers.get(key)
    if writer is None:
        with _made:
            writer = _writers.setdefault(key, GroupWriter())
    return writer


def record_ping(token: str, data: PingData, by: tuple[str, ...] = BY_UUID) -> Applied | None:
    """Store a ping as the ping URLs do: grouped with others unless
    PING_GROUP_COMMIT is off."""
    if current_app.config["PING_GROUP_COMMIT"]:
        return group_writer().apply(token, data, by=by)
    return apply_ping(token, data, by=by)
