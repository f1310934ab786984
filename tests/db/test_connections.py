"""Each thread's kept ping connection, and when it is dropped."""

import psycopg
import pytest
import sqlalchemy as sa

from support import pings_of
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


def test_a_ping_on_a_connection_postgresql_dropped_is_stored_once_on_a_fresh_one(app, client,
                                                                                 check, settings):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("only a server can drop a connection")
    assert client.get(f"/api/push/{check}").status_code == 200  # this thread keeps a connection
    url = sa.engine.make_url(settings["DATABASE_URL"])
    admin = url.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                     "WHERE datname = %s AND pid <> pg_backend_pid()", [url.database])
    assert client.get(f"/api/push/{check}").status_code == 200
    assert [p.n for p in pings_of(app, check)] == [1, 2]
