"""The push endpoint: /api/push/<token> as Uptime Kuma and Tianji send it."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from support import load_check, overrides_from, pings_of
from webapp import create_app
from webapp.core.models import Flip, Notification
from webapp.db import db


def test_it_records_a_plain_ping_and_answers_ok(app, client, check):
    r = client.post(f"/api/push/{check}", headers={"User-Agent": "curl/8.0"})
    assert r.status_code == 200
    assert r.get_json() == {"ok": True, "message": "Push received successfully"}
    c = load_check(app, check)
    assert c.status == "up" and c.n_pings == 1
    assert c.next_ping == c.last_ping + timedelta(seconds=60)
    assert c.alert_after == c.last_ping + timedelta(seconds=90)
    [ping] = pings_of(app, check)
    assert (ping.kind, ping.method, ping.ua, ping.remote_addr) == (
        "success", "POST", "curl/8.0", "127.0.0.1")


@pytest.mark.parametrize("method", ["get", "post", "head"])
def test_it_accepts_get_post_and_head(app, client, check, method):
    assert getattr(client, method)(f"/api/push/{check}").status_code == 200
    assert pings_of(app, check)[0].method == method.upper()


def test_it_keeps_msg_and_value(app, client, check):
    client.get(f"/api/push/{check}?status=up&msg=backup-completed&value=123.5")
    c = load_check(app, check)
    assert (c.last_msg, c.last_value) == ("backup-completed", 123.5)


def test_it_takes_kumas_ping_as_the_value(app, client, check):
    client.get(f"/api/push/{check}?status=up&msg=OK&ping=42")
    assert pings_of(app, check)[0].value == 42.0


def test_an_empty_kuma_ping_means_no_value(app, client, check):
    assert client.get(f"/api/push/{check}?status=up&msg=OK&ping=").status_code == 200
    assert pings_of(app, check)[0].value is None


def test_value_wins_over_ping(app, client, check):
    client.get(f"/api/push/{check}?value=1&ping=2")
    assert pings_of(app, check)[0].value == 1.0


def test_it_reads_form_fields_of_a_post(app, client, check):
    client.post(f"/api/push/{check}", data={"status": "down", "msg": "disk full"})
    c = load_check(app, check)
    assert (c.status, c.last_msg) == ("down", "disk full")


def test_it_truncates_long_messages(app, client, check):
    assert client.get(f"/api/push/{check}?msg=" + "x" * 5000).status_code == 200
    assert len(pings_of(app, check)[0].msg) == 1000


# Case-sensitive, as Kuma and Tianji compare: "UP" is no "up" (tests/compat/ has the rest).
@pytest.mark.parametrize("word, kind", [("up", "success"), ("ok", "success"), ("", "success"),
                                        ("UP", "fail"), ("down", "fail"), ("fail", "fail")])
def test_it_knows_the_status_words(app, client, check, word, kind):
    assert client.get(f"/api/push/{check}?status={word}").status_code == 200
    assert pings_of(app, check)[0].kind == kind


@pytest.mark.parametrize(
    "query, needle",
    [
        ("value=abc", "value must be a number"),
        ("value=nan", "finite"),
        ("value=inf", "finite"),
        # A ping that is no number is left out, not refused (tests/compat/); out of range is.
        ("ping=-1", "ping must be from 0 to 86400000 milliseconds"),
        ("ping=86400001", "ping must be from 0 to 86400000 milliseconds"),
    ],
)
def test_it_refuses_bad_input_with_a_reason(app, client, check, query, needle):
    r = client.get(f"/api/push/{check}?{query}")
    assert r.status_code == 400
    body = r.get_json()
    assert body["ok"] is False and needle in body["msg"] and body["error"] == body["msg"]
    assert pings_of(app, check) == []  # nothing half-recorded


def test_an_unknown_token_is_a_404_that_kuma_and_tianji_can_read(client):
    r = client.get("/api/push/no-such-token")
    assert r.status_code == 404
    body = r.get_json()
    assert body["ok"] is False and body["msg"] and body["error"]


def test_status_down_flips_the_check_down_and_queues_an_alert(app, client, check):
    client.get(f"/api/push/{check}")
    client.get(f"/api/push/{check}?status=down&msg=backup-failed")
    c = load_check(app, check)
    assert c.status == "down" and c.alert_after is None
    with app.app_context():
        flips = db.session.scalars(sa.select(Flip).order_by(Flip.id)).all()
        assert [(f.old_status, f.new_status) for f in flips] == [("new", "up"), ("up", "down")]
        assert flips[1].reason == "backup-failed" and flips[1].actor == "ping"
        [note] = db.session.scalars(sa.select(Notification)).all()
        assert (note.status, note.target, note.flip_id) == (
            "pending", "alice@example.com", flips[1].id)


def test_an_up_ping_recovers_a_down_check(app, client, check):
    client.get(f"/api/push/{check}?status=down")
    client.get(f"/api/push/{check}?status=up")
    assert load_check(app, check).status == "up"
    with app.app_context():
        # The first ping (new -> down) and the recovery each notify; new -> up would not.
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 2


def test_a_repeated_failure_does_not_flip_again(app, client, check):
    client.get(f"/api/push/{check}?status=down")
    client.get(f"/api/push/{check}?status=down")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Flip.id))) == 1


def test_a_ping_resumes_a_paused_check(app, client, api, check):
    api("post", f"/checks/{check}/pause")
    client.get(f"/api/push/{check}")
    assert load_check(app, check).status == "up"


def test_manual_resume_keeps_a_paused_check_paused(app, client, api, check):
    api("post", f"/checks/{check}", json={"manual_resume": True})
    api("post", f"/checks/{check}/pause")
    client.get(f"/api/push/{check}")
    c = load_check(app, check)
    assert c.status == "paused" and c.n_pings == 1 and c.alert_after is None


def test_it_keeps_only_the_last_n_pings(app, client, check):
    app.config["PING_RETENTION"] = 5
    try:
        for i in range(12):
            client.get(f"/api/push/{check}?msg=p{i}")
    finally:
        app.config["PING_RETENTION"] = 1000
    rows = pings_of(app, check)
    assert [p.n for p in rows] == [8, 9, 10, 11, 12]
    assert load_check(app, check).n_pings == 12


def test_it_trusts_x_forwarded_for_only_behind_a_configured_proxy(app, client, check, settings):
    client.get(f"/api/push/{check}", headers={"X-Forwarded-For": "203.0.113.9"})
    assert pings_of(app, check)[0].remote_addr == "127.0.0.1"

    proxied = create_app({**overrides_from(settings), "PROXY_COUNT": 1})
    proxied.test_client().get(f"/api/push/{check}",
                              headers={"X-Forwarded-For": "10.0.0.1, 203.0.113.9"})
    assert pings_of(app, check)[1].remote_addr == "203.0.113.9"


def test_it_answers_503_not_200_when_the_database_is_unavailable(settings, tmp_path):
    broken = create_app({**overrides_from(settings),
                         "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/x.db"})
    r = broken.test_client().get("/api/push/any-token")
    assert r.status_code == 503
    assert r.get_json()["ok"] is False and "database unavailable" in r.get_json()["msg"]


def test_a_token_with_a_nul_is_a_404_not_a_database_error(client):
    # %00 reaches the lookup as a NUL, which PostgreSQL refuses in any text (a 503).
    r = client.get("/api/push/a%00b")
    assert r.status_code == 404 and r.get_json()["error"] == "no check has this push token"


def test_a_nul_in_msg_is_kept_as_a_replacement_character(app, client, check):
    r = client.get(f"/api/push/{check}?msg=disk%00full")
    assert r.status_code == 200
    assert pings_of(app, check)[0].msg == "disk\ufffdfull"
