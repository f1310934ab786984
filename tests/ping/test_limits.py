"""Bounded requests at the ping door: MAX_CONTENT_LENGTH is checked before a
body is read, forms are held to Flask's limits, and each family answers the
413 in its own format."""

import base64
import http.client
import io
import urllib.parse

import pytest

from support import pings_of


class Unreadable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = readlines = read


def limit(app) -> int:
    return app.config["MAX_CONTENT_LENGTH"]


def test_the_default_limit_leaves_room_for_a_full_ping_body_and_its_framing(app):
    assert limit(app) == app.config["PING_BODY_LIMIT"] + 16 * 1024
    assert app.config["MAX_FORM_MEMORY_SIZE"] == limit(app)


def kuma_format(r) -> bool:
    body = r.get_json()
    return body["ok"] is False and body["msg"] == body["error"]


@pytest.mark.parametrize("path, check_body", [
    ("/api/push/{}", kuma_format),
    ("/ping/{}", lambda r: r.mimetype == "text/plain" and r.headers["Ping-Body-Limit"]),
    ("/api/pings/?service={}", lambda r: set(r.get_json()) == {"error"}),
])
def test_a_declared_body_over_the_limit_is_a_413_before_it_is_read(app, client, check, path,
                                                                    check_body):
    # 150 MB announced, none of it read: the attack that grew a worker by 250 MB.
    r = client.post(path.format(check), environ_overrides={
        "CONTENT_LENGTH": str(150 * 1024 * 1024), "wsgi.input": Unreadable()})
    assert r.status_code == 413
    assert check_body(r)
    assert f"at most {limit(app)} bytes" in r.get_data(as_text=True)
    assert pings_of(app, check) == []


def test_a_push_to_an_unknown_token_is_refused_by_size_first(client):
    r = client.post("/api/push/not-a-real-token", data={"msg": "x" * (200 * 1024)})
    assert r.status_code == 413 and r.get_json()["ok"] is False


def test_a_multipart_push_field_over_500_kb_is_a_413_not_a_500(app, client, check, caplog):
    r = client.post(f"/api/push/{check}", data={"msg": "x" * 600_000},
                    content_type="multipart/form-data")
    assert r.status_code == 413 and "request too large" in r.get_json()["msg"]
    assert "unhandled error" not in caplog.text
    assert pings_of(app, check) == []


def test_a_ping_body_at_the_limit_in_a_multipart_form_passes(app, client, check):
    field = "m" * app.config["PING_BODY_LIMIT"]
    r = client.post(f"/api/push/{check}", data={"msg": field, "status": "up"},
                    content_type="multipart/form-data")
    assert r.status_code == 200
    r = client.post(f"/ping/{check}", data=b"b" * app.config["PING_BODY_LIMIT"])
    assert r.status_code == 200
    assert pings_of(app, check)[1].body == b"b" * app.config["PING_BODY_LIMIT"]


@pytest.fixture
def roomy(app):
    """A request limit above the form limits, so werkzeug's own form checks are
    what refuses (the ping door's werkzeug Request must honour them)."""
    saved = {k: app.config[k] for k in ("MAX_CONTENT_LENGTH", "MAX_FORM_MEMORY_SIZE",
                                        "MAX_FORM_PARTS")}
    app.config.update(MAX_CONTENT_LENGTH=10_000_000, MAX_FORM_MEMORY_SIZE=1000,
                      MAX_FORM_PARTS=10)
    yield
    app.config.update(saved)


def test_a_form_field_over_max_form_memory_size_is_a_413(app, client, check, roomy):
    r = client.post(f"/api/push/{check}", data={"msg": "x" * 2000},
                    content_type="multipart/form-data")
    assert r.status_code == 413 and r.get_json()["ok"] is False
    assert pings_of(app, check) == []


def test_a_form_of_too_many_fields_is_a_413(app, client, check, roomy):
    fields = {f"f{i}": "1" for i in range(50)}
    r = client.post(f"/api/pings/?service={check}", data=fields, headers={
        "Authorization": "Basic " + base64.b64encode(b"x:hb_nokey").decode()})
    # Auth comes first and fails: the form is not parsed for a stranger.
    assert r.status_code == 401
    r = client.post(f"/api/push/{check}", data=fields, content_type="multipart/form-data")
    assert r.status_code == 413 and "10 form fields" in r.get_json()["msg"]


def chunked_post(live_server: str, path: str, chunks: list[bytes],
                 headers: dict | None = None) -> tuple[int, bytes]:
    """POST a body of unknown length (Transfer-Encoding: chunked) over a real socket."""
    url = urllib.parse.urlsplit(live_server)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    try:
        conn.request("POST", path, body=iter(chunks), encode_chunked=True,
                     headers={"Transfer-Encoding": "chunked", **(headers or {})})
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


def test_a_chunked_body_over_the_limit_is_a_413_and_stores_nothing(app, live_server, check):
    status, body = chunked_post(live_server, f"/ping/{check}",
                                [b"z" * 65536] * (limit(app) // 65536 + 2))
    assert status == 413 and body.startswith(b"request too large")
    assert pings_of(app, check) == []


def test_a_chunked_body_under_the_limit_is_kept_up_to_the_ping_body_limit(app, live_server,
                                                                           check):
    status, _ = chunked_post(live_server, f"/ping/{check}", [b"a" * 60_000, b"b" * 50_000])
    assert status == 200
    (ping,) = pings_of(app, check)
    assert ping.body == b"a" * 60_000 + b"b" * (app.config["PING_BODY_LIMIT"] - 60_000)


def test_a_body_shorter_than_its_content_length_is_kept_as_it_came(app, client, check):
    # A Content-Length that lies upwards: what arrived is kept, nothing waits or fails.
    r = client.post(f"/ping/{check}", environ_overrides={
        "CONTENT_LENGTH": "3000", "wsgi.input": io.BytesIO(b"only this")})
    assert r.status_code == 200
    assert pings_of(app, check)[0].body == b"only this"


def test_a_chunked_push_form_over_the_limit_is_a_413_and_stores_nothing(app, live_server,
                                                                        check):
    """Found by re-running issue #12's attacks: werkzeug cut such a form at the
    limit silently, and the push was stored (200)."""
    chunks = [b"status=down&msg=hi&a="] + [b"z" * 65536] * (limit(app) // 65536 + 2)
    status, body = chunked_post(live_server, f"/api/push/{check}", chunks,
                                {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 413 and b'"ok":false' in body
    assert pings_of(app, check) == []
