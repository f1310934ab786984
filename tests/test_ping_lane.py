"""The ping lane (token-addressed pings served in front of Flask), its prepared
statements and the SQLite ping-writer lock."""

import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import sqlite
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from support import load_check, pings_of
from webapp.db import db
from webapp.core.models import Check, Ping
from webapp.db.types import UTCDateTime
from webapp.db.connections import ping_connection
from webapp.ping.request import PingRequest
from webapp.core.pings import _INSERT_PING, _READ
from webapp.db.write_lock import lock_path, ping_writer


@pytest.fixture
def check(api):
    r = api("post", "/checks/", json={"name": "lane", "timeout": 60, "grace": 30})
    return r.get_json()["uuid"]


LANE_URLS = ["/api/push/{}", "/ping/{}", "/ping/{}/start"]


@pytest.mark.parametrize("url", LANE_URLS)
def test_a_cors_preflight_is_answered_and_records_nothing(app, client, check, url):
    r = client.options(url.format(check), headers={
        "Origin": "https://status.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "Content-Type"})
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    assert r.headers["Access-Control-Allow-Headers"] == "Content-Type"
    assert pings_of(app, check) == []


def test_another_method_is_a_405_in_each_forms_own_format(app, client, check):
    r = client.put(f"/api/push/{check}")
    assert r.status_code == 405 and r.headers["Allow"] == "GET, HEAD, POST"
    body = r.get_json()
    assert body["ok"] is False and "PUT" in body["msg"] and body["msg"] == body["error"]
    r = client.delete(f"/ping/{check}")
    assert r.status_code == 405 and r.mimetype == "text/plain"
    assert "DELETE" in r.get_data(as_text=True)
    assert pings_of(app, check) == []


@pytest.mark.parametrize("path", ["/api/push/", "/api/push/a/b", "/api/push/x/"])
def test_every_push_url_answers_in_the_push_format(client, path):
    r = client.get(path)
    assert r.status_code == 404
    assert r.get_json() == {"ok": False, "msg": "no check has this push token",
                            "error": "no check has this push token"}


def test_head_answers_without_a_body_but_with_its_length(client, check):
    r = client.head(f"/api/push/{check}")
    assert r.status_code == 200 and r.get_data() == b""
    assert r.headers["Content-Length"] == str(len(b'{"ok":true}\n'))


@pytest.mark.parametrize("url", LANE_URLS)
def test_lane_answers_carry_the_security_headers(client, check, url):
    r = client.get(url.format(check))
    assert r.status_code == 200
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]


def test_an_unexpected_error_is_a_500_in_the_forms_format_and_logged(client, check, monkeypatch,
                                                                       caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("webapp.ping.push.record", broken)
    r = client.get(f"/api/push/{check}")
    assert r.status_code == 500
    assert r.get_json() == {"ok": False, "msg": "internal error", "error": "internal error"}
    assert "boom" in caplog.text


def test_a_database_error_inside_the_ping_is_a_503_and_stores_nothing(app, client, check,
                                                                       monkeypatch):
    # Every ping's INSERT collides with an existing (check_id, n): the driver's
    # IntegrityError must come out as SQLAlchemy's, and roll the whole ping back.
    client.get(f"/api/push/{check}")
    real_first = _INSERT_PING.first

    def colliding(conn, params):
        return real_first(conn, {**params, "n": 1})

    monkeypatch.setattr(_INSERT_PING, "first", colliding)
    r = client.get(f"/api/push/{check}")
    assert r.status_code == 503
    assert r.get_json()["ok"] is False
    assert load_check(app, check).n_pings == 1
    assert len(pings_of(app, check)) == 1


def test_prepared_statements_give_back_python_types(app, check):
    now = datetime.now(UTC).replace(microsecond=123456)
    with app.app_context():
        with db.engine.begin() as conn:
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
        with pytest.raises(sa.exc.IntegrityError):
            with db.engine.begin() as conn:
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


TRY_LOCK = """
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    sys.exit(3)
"""


def try_lock(path: str) -> int:
    return subprocess.run([sys.executable, "-c", TRY_LOCK, path], timeout=30).returncode


def test_only_sqlite_has_a_ping_writer_lock(app):
    with app.app_context():
        path = lock_path(db.engine)
        # PostgreSQL queues pings on the row lock.
        assert (path is not None) == (db.engine.dialect.name == "sqlite")


def test_sqlite_ping_writers_of_other_processes_wait_for_the_lock(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the lock exists only for SQLite")
        path = lock_path(db.engine)
        with ping_writer(db.engine):
            assert try_lock(path) == 3
        assert try_lock(path) == 0


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
            assert fresh.scalar(sa.select(Check.name).where(Check.uuid == check)) == "lane"


# A PingRequest's parameters must be the ones werkzeug (and so Flask) reads.
QUERIES = [
    "status=up&msg=bench&value=1",
    "msg=two+words%21&msg=second",      # + and %-escapes; the first value wins
    "msg=&status",                      # blank values, a name without "="
    "msg=caf%C3%A9&x=%E2%82%AC",        # UTF-8 escapes
    "msg=bad%FFbyte",                   # not UTF-8: stays escaped
    "&&a=1&&b=%zz",                     # empty pairs, a broken escape
    "m%73g=name%20escaped",
    "",
]


@pytest.mark.parametrize("query", QUERIES)
def test_ping_request_reads_parameters_as_werkzeug_does(query):
    environ = EnvironBuilder(path="/ping/x", query_string=query).get_environ()
    expected = Request(environ).args
    got = PingRequest(environ).args
    assert got == {name: expected.get(name) for name in expected}


def test_ping_request_reads_raw_utf8_in_the_query():
    # WSGI gives the query's raw bytes as latin-1 text.
    environ = {"QUERY_STRING": "msg=café".encode().decode("latin-1")}
    assert PingRequest(environ).args == {"msg": "café"}


def test_a_post_forms_fields_and_body_reach_the_ping(app, client, check):
    r = client.post(f"/api/push/{check}", data={"status": "down", "msg": "from a form"},
                    headers={"User-Agent": "form-client/1"})
    assert r.status_code == 200
    r = client.post(f"/ping/{check}", data=b"log line", headers={"User-Agent": "hc-client/2"})
    assert r.status_code == 200
    first, second = pings_of(app, check)
    assert (first.kind, first.msg, first.ua) == ("fail", "from a form", "form-client/1")
    assert (second.kind, second.body, second.ua) == ("success", b"log line", "hc-client/2")


WHENS = [
    datetime(2026, 11, 22, 2, 25, tzinfo=UTC),                        # no microseconds
    datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=UTC),                      # a three-digit year
    datetime(2026, 3, 29, 1, 30, tzinfo=ZoneInfo("Europe/Berlin")),   # another offset
    datetime(2026, 1, 1, tzinfo=ZoneInfo("Europe/London")),           # zero offset, not UTC
    datetime(2026, 6, 1, 12, 0, 0, 999999, tzinfo=timezone(timedelta(hours=-7))),
]


@pytest.mark.parametrize("when", WHENS)
def test_sqlite_times_are_the_text_sqlalchemy_writes(when):
    dialect = sqlite.dialect()
    ours = UTCDateTime().dialect_impl(dialect)
    text = ours.bind_processor(dialect)(when)
    sqlalchemys = sa.DateTime().dialect_impl(dialect).bind_processor(dialect)
    assert text == sqlalchemys(when.astimezone(UTC).replace(tzinfo=None))
    back = ours.result_processor(dialect, None)(text)
    assert back == when and back.tzinfo is UTC


def test_sqlite_times_in_other_formats_still_read_and_naive_times_are_refused():
    dialect = sqlite.dialect()
    ours = UTCDateTime().dialect_impl(dialect)
    read = ours.result_processor(dialect, None)
    # What SQLite's own CURRENT_TIMESTAMP and date() write.
    assert read("2026-11-22 02:25:00") == datetime(2026, 11, 22, 2, 25, tzinfo=UTC)
    assert read("2026-11-22") == datetime(2026, 11, 22, tzinfo=UTC)
    assert read(None) is None
    with pytest.raises(ValueError, match="naive"):
        ours.bind_processor(dialect)(datetime(2026, 11, 22))
