"""Healthchecks' own expectations of its ping URLs, ported test by test.

Each test names the upstream file (healthchecks/healthchecks, hc/api/tests/)
and test it follows. Upstream stores a success's kind as None; ours is
"success" (the API shows "success" in both). Deliberate deviations are said
where they are: our wording of a 400, and X-Forwarded-For read only behind a
configured proxy (upstream's test_it_reads_forwarded_* are not ported).
"""

from __future__ import annotations

import uuid as uuidlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from support import load_check, ping_key_of, pings_of
from webapp.core.models import Flip
from webapp.core.times import utcnow
from webapp.db import db


@pytest.fixture
def check(made):
    """setUp of test_ping.py: a check with the defaults (a day, an hour of grace)."""
    return made()


@pytest.fixture
def slug_url(app, made):
    """setUp of test_ping_by_slug.py: the check foo, and its slug URL."""
    uuid = made(name="foo", slug="foo")
    return f"/ping/{ping_key_of(app)}/foo", uuid


# --- test_ping.py -------------------------------------------------------------------

def test_it_works(app, client, check):
    """test_ping.py test_it_works."""
    r = client.get(f"/ping/{check}")
    assert r.status_code == 200 and r.get_data() == b"OK"
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert r.headers["Ping-Body-Limit"] == str(app.config["PING_BODY_LIMIT"])
    stored = load_check(app, check)
    assert stored.status == "up"
    assert stored.alert_after == stored.last_ping + timedelta(days=1, hours=1)
    [ping] = pings_of(app, check)
    assert (ping.scheme, ping.kind, ping.created, ping.exitstatus) == (
        "http", "success", stored.last_ping, None)


def test_a_trailing_slash_is_a_success_ping(app, client, check):
    """hc/api/urls.py, the hc-ping-slash route: /ping/<uuid>/ is /ping/<uuid>."""
    r = client.get(f"/ping/{check}/")
    assert (r.status_code, r.get_data()) == (200, b"OK")
    assert [p.kind for p in pings_of(app, check)] == ["success"]


def test_it_changes_status_of_paused_check_and_clears_last_start(app, client, hc, check,
                                                                 set_columns):
    """test_ping.py test_it_changes_status_of_paused_check, test_it_clears_last_start."""
    hc("post", f"/checks/{check}/pause")
    set_columns(check, last_start=utcnow())
    assert client.get(f"/ping/{check}").status_code == 200
    stored = load_check(app, check)
    assert (stored.status, stored.last_start) == ("up", None)


def test_post_and_head_work(app, client, check):
    """test_ping.py test_post_works, test_head_works."""
    assert client.post(f"/ping/{check}", data=b"hello world",
                       content_type="text/plain").status_code == 200
    assert client.head(f"/ping/{check}").status_code == 200
    post, head = pings_of(app, check)
    assert (post.method, post.body, head.method) == ("POST", b"hello world", "HEAD")


@pytest.mark.parametrize("path", ["/ping/not-uuid/", "/ping/07c2f54898504b27af5d6c9dc157ec02/",
                                  "/ping/07c2f548-9850-4b27-af5d-6c9dc157ec02/"])
def test_bad_alternative_and_missing_uuids_are_a_404(client, path):
    """test_ping.py test_it_handles_bad_uuid, test_it_rejects_alternative_uuid_formats,
    test_it_handles_missing_check."""
    r = client.get(path)
    assert (r.status_code, r.get_data(as_text=True)) == (404, "not found")


def test_it_keeps_a_120_char_ua_and_truncates_a_long_one(app, client, check):
    """test_ping.py test_it_handles_120_char_ua, test_it_truncates_long_ua."""
    ua = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_4) AppleWebKit/537.36 "
          "(KHTML, like Gecko) Chrome/44.0.2403.89 Safari/537.36")
    client.get(f"/ping/{check}", headers={"User-Agent": ua})
    client.get(f"/ping/{check}", headers={"User-Agent": "01234567890" * 30})
    first, second = pings_of(app, check)
    assert first.ua == ua and len(second.ua) == 200 and ("01234567890" * 30).startswith(second.ua)


@pytest.mark.parametrize("path", ["/ping/{uuid}", "/ping/{uuid}/fail", "/ping/{uuid}/3",
                                  "/ping/{uuid}/256", "/ping/{uuid}?rid=12345",
                                  "/ping/{uuid}/nope"])
def test_it_never_caches(client, check, path):
    """test_ping.py and test_ping_by_slug.py test_it_never_caches, whatever the answer."""
    r = client.get(path.format(uuid=check))
    assert "no-cache" in r.headers["Cache-Control"] and "no-store" in r.headers["Cache-Control"]


def test_fail_endpoint_works(app, client, check):
    """test_ping.py test_fail_endpoint_works."""
    assert client.get(f"/ping/{check}/fail").status_code == 200
    stored = load_check(app, check)
    assert (stored.status, stored.alert_after) == ("down", None)
    assert [p.kind for p in pings_of(app, check)] == ["fail"]
    with app.app_context():
        [flip] = db.session.scalars(sa.select(Flip)).all()
        assert (flip.check_id, flip.new_status) == (stored.id, "down")


def test_start_endpoint_works_and_sets_last_start_rid(app, client, check, set_columns):
    """test_ping.py test_start_endpoint_works, test_start_sets_last_start_rid,
    test_it_saves_run_id."""
    last_ping = utcnow() - timedelta(hours=2)
    set_columns(check, last_ping=last_ping)
    rid = str(uuidlib.uuid4())
    assert client.get(f"/ping/{check}/start?rid={rid}").status_code == 200
    stored = load_check(app, check)
    assert stored.last_start is not None and stored.last_ping == last_ping
    assert stored.last_start_rid == rid
    [ping] = pings_of(app, check)
    assert (ping.kind, ping.rid) == ("start", rid)


def test_start_does_not_change_status_of_paused_check(app, client, hc, check):
    """test_ping.py test_start_does_not_change_status_of_paused_check."""
    hc("post", f"/checks/{check}/pause")
    assert client.get(f"/ping/{check}/start").status_code == 200
    stored = load_check(app, check)
    assert stored.last_start is not None and stored.status == "paused"


def test_it_sets_last_duration(app, client, check, set_columns):
    """test_ping.py test_it_sets_last_duration."""
    client.get(f"/ping/{check}/start")
    set_columns(check, last_start=utcnow() - timedelta(seconds=10))
    assert client.get(f"/ping/{check}").status_code == 200
    assert load_check(app, check).last_duration >= 10


def test_rid_pairs_a_success_with_its_own_start(app, client, check, set_columns):
    """test_ping.py test_it_does_not_update_last_ping_on_rid_mismatch,
    test_it_clears_last_ping_and_sets_last_duration_if_rid_matches."""
    rid = str(uuidlib.uuid4())
    client.get(f"/ping/{check}/start?rid={rid}")
    started = utcnow() - timedelta(seconds=10)
    set_columns(check, last_start=started)
    assert client.get(f"/ping/{check}?rid={uuidlib.uuid4()}").status_code == 200
    stored = load_check(app, check)
    assert (stored.last_start, stored.last_duration) == (started, None)
    assert client.get(f"/ping/{check}?rid={rid}").status_code == 200
    stored = load_check(app, check)
    assert stored.last_start is None and stored.last_duration >= 10


@pytest.mark.parametrize("suffix", ["", f"/fail?rid={uuidlib.uuid4()}"])
def test_a_success_without_rid_or_any_failure_ends_the_run(app, client, check, set_columns,
                                                           suffix):
    """test_ping.py test_it_clears_last_ping_if_rid_is_absent,
    test_it_clears_last_ping_on_failure."""
    client.get(f"/ping/{check}/start?rid={uuidlib.uuid4()}")
    set_columns(check, last_start=utcnow() - timedelta(seconds=10))
    assert client.get(f"/ping/{check}{suffix}").status_code == 200
    stored = load_check(app, check)
    assert (stored.last_start, stored.last_duration) == (None, None)


def test_it_requires_post(app, client, hc, check):
    """test_ping.py test_it_requires_post."""
    hc("post", f"/checks/{check}", json={"methods": "POST"})
    assert client.get(f"/ping/{check}").status_code == 200
    stored = load_check(app, check)
    assert (stored.status, stored.last_ping) == ("new", None)
    [ping] = pings_of(app, check)
    assert (ping.scheme, ping.kind) == ("http", "ign")


def test_it_chops_long_body(app, client, check, monkeypatch):
    """test_ping.py test_it_chops_long_body."""
    monkeypatch.setitem(app.config, "PING_BODY_LIMIT", 5)
    r = client.post(f"/ping/{check}", data=b"hello world", content_type="text/plain")
    assert r.headers["Ping-Body-Limit"] == "5"
    [ping] = pings_of(app, check)
    assert (ping.method, ping.body) == ("POST", b"hello")


def test_it_handles_manual_resume_flag(app, client, hc, check):
    """test_ping.py test_it_handles_manual_resume_flag."""
    hc("post", f"/checks/{check}", json={"manual_resume": True})
    hc("post", f"/checks/{check}/pause")
    assert client.get(f"/ping/{check}").status_code == 200
    assert load_check(app, check).status == "paused"
    assert [(p.scheme, p.kind) for p in pings_of(app, check)] == [("http", "ign")]


@pytest.mark.parametrize("code, kind, status", [(0, "success", "up"), (123, "fail", "down")])
def test_exit_status_works(app, client, check, code, kind, status):
    """test_ping.py test_zero_exit_status_works, test_nonzero_exit_status_works."""
    assert client.get(f"/ping/{check}/{code}").status_code == 200
    assert load_check(app, check).status == status
    [ping] = pings_of(app, check)
    assert (ping.kind, ping.exitstatus) == (kind, code)


def test_it_rejects_exit_status_over_255(app, client, check):
    """test_ping.py test_it_rejects_exit_status_over_255. Deviation: our wording
    ("exit status must be between 0 and 255", "invalid url format" upstream)."""
    r = client.get(f"/ping/{check}/256")
    assert r.status_code == 400 and "255" in r.get_data(as_text=True)
    assert pings_of(app, check) == []


def test_it_accepts_bad_unicode(app, client, check):
    """test_ping.py test_it_accepts_bad_unicode."""
    r = client.post(f"/ping/{check}", data=b"Hello \xe9 World", content_type="text/plain")
    assert r.status_code == 200
    [ping] = pings_of(app, check)
    assert (ping.method, ping.body) == ("POST", b"Hello \xe9 World")


def test_log_endpoint_works(app, client, check):
    """test_ping.py test_log_endpoint_works."""
    r = client.post(f"/ping/{check}/log", data=b"hello", content_type="text/plain")
    assert r.status_code == 200
    stored = load_check(app, check)
    assert (stored.status, stored.alert_after, stored.last_ping) == ("new", None, None)
    [ping] = pings_of(app, check)
    assert (ping.kind, ping.body) == ("log", b"hello")
    with app.app_context():
        assert db.session.scalars(sa.select(Flip)).all() == []


@pytest.mark.parametrize("rid", ["12345", "684e2e73-017e-465f-8149-d70b7c5aaa490"])
def test_it_handles_invalid_rid(app, client, check, rid):
    """test_ping.py test_it_handles_invalid_rid. Deviation: our wording
    ("rid must be a UUID", "invalid uuid format" upstream)."""
    r = client.get(f"/ping/{check}/start?rid={rid}")
    assert r.status_code == 400 and "rid" in r.get_data(as_text=True)
    assert pings_of(app, check) == []


# --- test_ping_by_slug.py ------------------------------------------------------------

def test_slug_it_works(app, client, slug_url):
    """test_ping_by_slug.py test_it_works, test_it_never_caches."""
    url, uuid = slug_url
    r = client.get(url)
    assert (r.status_code, r.get_data()) == (200, b"OK")
    assert r.headers["Access-Control-Allow-Origin"] == "*" and "no-cache" in r.headers[
        "Cache-Control"]
    assert [p.kind for p in pings_of(app, uuid)] == ["success"]


def test_slug_post_and_head_work(app, client, slug_url):
    """test_ping_by_slug.py test_post_works, test_head_works."""
    url, uuid = slug_url
    assert client.post(url, data=b"hello world", content_type="text/plain").status_code == 200
    assert client.head(url).status_code == 200
    post, head = pings_of(app, uuid)
    assert (post.method, post.body, head.method) == ("POST", b"hello world", "HEAD")


@pytest.mark.parametrize("suffix, kind, exitstatus", [("/fail", "fail", None),
                                                      ("/start", "start", None),
                                                      ("/0", "success", 0),
                                                      ("/123", "fail", 123)])
def test_slug_endpoints_work(app, client, slug_url, suffix, kind, exitstatus):
    """test_ping_by_slug.py test_fail_endpoint_works, test_start_endpoint_works,
    test_zero_exit_status_works, test_nonzero_exit_status_works."""
    url, uuid = slug_url
    assert client.get(url + suffix).status_code == 200
    [ping] = pings_of(app, uuid)
    assert (ping.kind, ping.exitstatus) == (kind, exitstatus)


def test_slug_handles_duplicates_and_a_wrong_ping_key(client, made, slug_url):
    """test_ping_by_slug.py test_it_handles_duplicates, test_it_handles_wrong_ping_key."""
    url, _ = slug_url
    assert client.get("/ping/rrrrrrrrrrrrrrrrrrrrrr/foo").status_code == 404
    made(name="foo", slug="foo")
    assert client.get(url).status_code == 409


def test_it_auto_provisions_missing_check(app, client, hc, channel):
    """test_ping_by_slug.py test_it_auto_provisions_missing_check, and _off_by_default."""
    url = f"/ping/{ping_key_of(app)}/foo"
    assert client.get(url).status_code == 404
    assert hc("get", "/checks/").get_json()["checks"] == []
    code = channel()
    r = client.get(url + "?create=1")
    assert (r.status_code, r.get_data()) == (201, b"Created")
    [made] = hc("get", "/checks/").get_json()["checks"]
    assert (made["name"], made["slug"], made["n_pings"], made["channels"]) == (
        "foo", "foo", 1, code)
    again = client.get(url + "?create=1")  # found now: a plain success
    assert (again.status_code, again.get_data()) == (200, b"OK")


def test_auto_provisioning_takes_any_valid_slug(app, client, hc):
    """test_ping_by_slug.py test_it_auto_provisions_missing_check, for a slug with an
    underscore: Healthchecks provisions every slug its URL pattern takes."""
    r = client.get(f"/ping/{ping_key_of(app)}/db_backup-2?create=1")
    assert r.status_code == 201
    assert hc("get", "/checks/?slug=db_backup-2").get_json()["checks"][0]["name"] == "db_backup-2"


@pytest.mark.parametrize("key", ["mine", "k" * 22])
def test_an_uppercase_slug_is_a_400_and_creates_nothing(app, client, hc, key):
    """Healthchecks answers /ping/<key>/AAA 400, even for a wrong key, where /aaa is a
    404 "not found" (the hc-ping.com transcript in bdd/runitor#176). Deviation: our
    wording says why ("invalid url format" upstream)."""
    ping_key = ping_key_of(app) if key == "mine" else key
    for path in ("AAA", "Foo/start", "NOCAPSALLOWED_oops/fail"):
        r = client.get(f"/ping/{ping_key}/{path}?create=1")
        assert r.status_code == 400 and "lowercase" in r.get_data(as_text=True)
        assert "no-cache" in r.headers["Cache-Control"]
    assert hc("get", "/checks/").get_json()["checks"] == []
