"""The ping door in front of Flask: preflights, methods, formats, headers and errors."""


import pytest

from support import load_check, pings_of
from webapp.core.pings import _INSERT_PING

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
    assert r.headers["Content-Length"] == str(len(
        b'{"ok":true,"message":"Push received successfully"}\n'))


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


def test_a_post_forms_fields_and_body_reach_the_ping(app, client, check):
    r = client.post(f"/api/push/{check}", data={"status": "down", "msg": "from a form"},
                    headers={"User-Agent": "form-client/1"})
    assert r.status_code == 200
    r = client.post(f"/ping/{check}", data=b"log line", headers={"User-Agent": "hc-client/2"})
    assert r.status_code == 200
    first, second = pings_of(app, check)
    assert (first.kind, first.msg, first.ua) == ("fail", "from a form", "form-client/1")
    assert (second.kind, second.body, second.ua) == ("success", b"log line", "hc-client/2")
