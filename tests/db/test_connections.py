"""Each thread's kept ping connection, and when it is dropped."""


import pytest
import sqlalchemy as sa

from webapp.core.models import Check
from webapp.db import db
from webapp.db.connections import ping_connection


def test_a_thread_keeps_its_ping_connection_until_something_goes_wrong(app, check):
    with app.app_context():
        with ping_connection(db.engine) as first:
            pass
        with ping_connection(db.engine) as again:
            assert again is first and not first.closed
        with pytest.raises(RuntimeError), ping_connection(db.engine):
            raise RuntimeError("the transaction broke")
        assert first.closed
        with ping_connection(db.engine) as fresh, fresh.begin():
            assert fresh is not first
            assert fresh.scalar(
                sa.select(Check.name).where(Check.uuid == check)) == "nightly-backup"
