"""Group commit (core.ping_batches): pings that wait for the writer are written
together, each answered after its commit; order, counts and failures are as
if each had been written alone."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from support import load_check
from webapp.core import ping_batches, pings
from webapp.core.models import Ping
from webapp.core.ping_batches import _Slot, record_ping, write
from webapp.core.pings import PingData
from webapp.db import db


def test_concurrent_pings_are_all_stored_in_order(app, new_check, monkeypatch):
    uuids = [new_check(name=f"job-{i}") for i in range(3)]
    threads, per_thread, errors = 12, 25, []
    sizes: list[int] = []
    monkeypatch.setattr(ping_batches, "write", lambda batch: sizes.append(len(batch))
                        or write(batch))

    def send(k: int):
        with app.app_context():
            for i in range(per_thread):
                try:
                    assert record_ping(uuids[(k + i) % 3], PingData(msg=f"{k}-{i}")) is not None
                except Exception as e:  # noqa: BLE001 - reported below
                    errors.append(e)

    started = [threading.Thread(target=send, args=(k,)) for k in range(threads)]
    for t in started:
        t.start()
    for t in started:
        t.join()
    assert errors == []
    total = 0
    for uuid in uuids:
        check = load_check(app, uuid)
        with app.app_context():
            rows = db.session.execute(sa.select(Ping.n, Ping.created)
                                      .where(Ping.check_id == check.id).order_by(Ping.n)).all()
        # n is dense, and times never go back as n grows.
        assert [r.n for r in rows] == list(range(1, check.n_pings + 1))
        assert all(a.created <= b.created for a, b in zip(rows, rows[1:], strict=False))
        assert check.last_ping == rows[-1].created and check.status == "up"
        total += check.n_pings
    assert total == threads * per_thread
    # Twelve threads at once: pings did wait and were written together.
    assert sum(sizes) == total and max(sizes) > 1


def test_a_failing_ping_costs_the_others_nothing(app, new_check, monkeypatch):
    good, bad = new_check(name="good"), new_check(name="bad")
    real = pings.apply_in

    def flaky(conn, token, *args, **kwargs):
        if token == bad:
            raise RuntimeError("boom")
        return real(conn, token, *args, **kwargs)

    monkeypatch.setattr(ping_batches, "apply_in", flaky)
    monkeypatch.setattr(pings, "apply_in", flaky)  # the one-by-one retry meets it too
    batch = [_Slot(good, PingData(msg="first"), pings.BY_UUID, None),
             _Slot(bad, PingData(msg="doomed"), pings.BY_UUID, None),
             _Slot(good, PingData(msg="second"), pings.BY_UUID, None)]
    with app.app_context():
        write(batch)
    assert all(s.done for s in batch)
    assert [type(s.error) for s in batch] == [type(None), RuntimeError, type(None)]
    assert load_check(app, good).n_pings == 2 and load_check(app, good).last_msg == "second"
    assert load_check(app, bad).n_pings == 0


def test_the_callers_error_is_raised_to_that_caller(app, new_check, monkeypatch):
    uuid = new_check(name="bad")
    monkeypatch.setattr(ping_batches, "write", lambda batch: [
        setattr(s, "error", ValueError("its own")) or setattr(s, "done", True) for s in batch])
    with app.app_context(), pytest.raises(ValueError, match="its own"):
        record_ping(uuid, PingData())
    # The writer is free again for the next ping.
    monkeypatch.undo()
    with app.app_context():
        assert record_ping(uuid, PingData()) is not None


def test_group_commit_off_writes_each_alone(app, new_check, monkeypatch):
    uuid = new_check(name="job")
    monkeypatch.setitem(app.config, "PING_GROUP_COMMIT", False)
    monkeypatch.setattr(ping_batches, "write", None)  # never reached
    with app.app_context():
        assert record_ping(uuid, PingData(msg="alone")) is not None
    assert load_check(app, uuid).last_msg == "alone"
