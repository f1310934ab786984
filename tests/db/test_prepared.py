"""Prepared statements: typed rows, SQLAlchemy's errors, times that survive the round trip."""

from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import pytest
import sqlalchemy as sa

from support import load_check
from webapp.core.models import Check, Ping
from webapp.core.pings import _INSERT_PING, _READ
from webapp.db import db
from webapp.db.prepared import Prepared


def test_prepared_statements_give_back_python_types(app, check):
    now = datetime.now(UTC).replace(microsecond=123456)
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(sa.update(Check).where(Check.uuid == check)
                     .values(last_ping=now, last_value=1.5, next_nag=None))
        row = _READ.first(conn, {"p_uuid": check})
        missing = _READ.first(conn, {"p_uuid": "no-such-check"})
    assert missing is None
    assert row.last_ping == now and row.last_ping.tzinfo is not None
    assert row.next_nag is None
    assert (row.n_pings, row.status, row.timeout, row.grace) == (0, "new", 60, 30)
    assert isinstance(row.manual_resume, bool)


def test_prepared_errors_are_sqlalchemy_errors(app, check):
    with app.app_context():
        check_id = db.session.scalar(sa.select(Check.id).where(Check.uuid == check))
        row = {"check_id": check_id, "n": 7, "created": datetime.now(UTC), "kind": "success",
               "scheme": "http", "method": "GET", "remote_addr": "", "ua": "", "msg": None,
               "value": None, "rid": None, "exitstatus": None, "duration": None, "body": None}
        inserted = []
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as conn:
            inserted.append(_INSERT_PING.first(conn, row).id)
            _INSERT_PING.first(conn, row)
        assert len(inserted) == 1  # the first went in; the second collided
        # The failed transaction left nothing behind.
        assert db.session.scalar(
            sa.select(sa.func.count()).select_from(Ping).where(Ping.check_id == check_id)) == 0


def test_ping_times_survive_the_round_trip(app, client, check):
    before = datetime.now(UTC)
    client.get(f"/api/push/{check}")
    c = load_check(app, check)
    assert before <= c.last_ping <= datetime.now(UTC)
    assert c.alert_after == c.last_ping + timedelta(seconds=90)


def test_a_row_type_must_name_the_columns_the_statement_returns():
    class Wrong(NamedTuple):
        uuid: str

    checks = Check.__table__
    with pytest.raises(ValueError, match=r"Wrong must be a NamedTuple of the columns \('id',\)"):
        Prepared(sa.select(checks.c.id), returning=(checks.c.id,), row=Wrong)
