"""Uptime Kuma's push handler, ported black-box: what a Kuma push client sees.

Uptime Kuma has no test of its push route, so the expectations come from the
handler itself, `router.all("/api/push/:pushToken", ...)` in
louislam/uptime-kuma server/routers/api-router.js, in its two shapes:

- K1, the 1.x line (commit e58680f0): `msg || "OK"`, `parseFloat(ping) || null`,
  `status || "up"` then `=== "up" ? UP : DOWN`, `push_token = ? AND active = 1`,
  404 {ok: false, msg} when no monitor answers, `determineStatus` for retries;
- K2, the 2.x line (commit 005a8c2b): the same, with `validatePingValue`
  (a 400 for a ping that is negative or above MAX_PING_VALUE = 86400000 ms).

Where we answer otherwise on purpose, the test says "Deviation" and why
(README, "Uptime Kuma / Tianji", lists them for users).
"""

import pytest
import sqlalchemy as sa

from support import flips, load_check, pings_of
from webapp.core.models import Notification
from webapp.db import db

# A push token as Kuma makes one (genSecret(pushTokenLength = 32): letters and digits).
KUMA_TOKEN = "hV3kQ9xLmP2sT7wZ4bN8cR1dF6gJ0yEa"


@pytest.fixture
def kuma(new_check):
    """A check imported from Kuma: it keeps the monitor's push token."""
    return new_check(name="kuma-monitor", timeout=60, grace=30, push_token=KUMA_TOKEN)


def push(client, query: str = "", token: str = KUMA_TOKEN, method: str = "get"):
    return getattr(client, method)(f"/api/push/{token}" + (f"?{query}" if query else ""))


def notification_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Notification.id)))


# --- the token: `R.findOne("monitor", " push_token = ? AND active = 1 ", [pushToken])`

def test_the_kept_kuma_token_reaches_the_check(app, client, kuma):
    """K1/K2: the monitor is found by its push_token; the answer is {ok: true}."""
    r = push(client, "status=up&msg=OK&ping=")
    assert r.status_code == 200 and r.get_json()["ok"] is True
    assert r.mimetype == "application/json"
    assert load_check(app, kuma).n_pings == 1


def test_the_check_uuid_reaches_it_too(app, client, kuma):
    """Ours beside K1: the uuid URL of an imported check keeps working."""
    assert push(client, token=kuma).status_code == 200
    assert load_check(app, kuma).n_pings == 1


def test_an_unknown_token_is_a_404_kuma_clients_can_read(client, kuma):
    """K1: `throw new Error("Monitor not found or not active.")`, answered 404
    {ok: false, msg}. (K2 answers it 500; a missing monitor is no server error.)"""
    r = push(client, token="x" + KUMA_TOKEN[1:])
    assert r.status_code == 404
    assert r.get_json()["ok"] is False and r.get_json()["msg"]


def test_the_token_matches_exactly(app, client, kuma):
    """K1 on SQLite (its default database): `push_token = ?` compares case-sensitively."""
    assert push(client, token=KUMA_TOKEN.lower()).status_code == 404
    assert push(client, token=KUMA_TOKEN + "x").status_code == 404
    assert load_check(app, kuma).n_pings == 0


def test_rotating_retires_the_kuma_token(app, client, api, kuma):
    """Kuma's "Reset Token" makes a new one and the old URL stops working; ours
    rotates the uuid and drops the kept token (the new push URL is the uuid's)."""
    rotated = api("post", f"/checks/{kuma}/rotate").get_json()
    assert push(client).status_code == 404
    assert push(client, token=kuma).status_code == 404
    assert rotated["push_url"] == f"http://hb.test/api/push/{rotated['uuid']}"
    assert client.get(rotated["push_url"].removeprefix("http://hb.test")).status_code == 200


# --- status: `let statusString = request.query.status || "up"`, then `=== "up" ? UP : DOWN`

def test_no_status_is_up(app, client, kuma):
    """K1/K2: `request.query.status || "up"`."""
    push(client)
    assert pings_of(app, kuma)[0].kind == "success" and load_check(app, kuma).status == "up"


def test_an_empty_status_is_up(app, client, kuma):
    """K1/K2: "" is falsy, so `|| "up"` applies."""
    r = push(client, "status=")
    assert "warning" not in r.get_json()
    assert pings_of(app, kuma)[0].kind == "success"


def test_status_up_is_up(app, client, kuma):
    push(client, "status=up")
    assert load_check(app, kuma).status == "up"


def test_status_down_is_down_and_alerts(app, client, kuma):
    """K1/K2: DOWN, and `Monitor.sendNotification` for the important beat UP -> DOWN."""
    push(client, "status=up")
    push(client, "status=down&msg=disk%20full")
    assert load_check(app, kuma).status == "down"
    assert flips(app)[-1] == ("up", "down", "disk full")
    assert notification_count(app) == 1


@pytest.mark.parametrize("word", ["UP", "Up", "DOWN", "error", "up%20"])
def test_any_other_status_is_down_as_kuma_reads_it(app, client, kuma, word):
    """K1/K2: `statusString === "up"` is case- and space-sensitive: everything
    else is DOWN. Ours says so in the answer's warning."""
    r = push(client, f"status={word}")
    assert r.status_code == 200
    body = r.get_json()
    assert body["ok"] is True and "recorded as down" in body["warning"]
    assert pings_of(app, kuma)[0].kind == "fail" and load_check(app, kuma).status == "down"


# --- msg: `let msg = request.query.msg || "OK"`

def test_msg_is_kept(app, client, kuma):
    push(client, "status=up&msg=backup-completed")
    assert load_check(app, kuma).last_msg == "backup-completed"
    assert pings_of(app, kuma)[0].msg == "backup-completed"


def test_no_msg_is_no_message(app, client, kuma):
    """Deviation: K1 stores "OK" for a missing msg. We keep none, so that a
    failure without a message is told as "failure reported", not as "OK"."""
    push(client, "status=down")
    assert pings_of(app, kuma)[0].msg is None
    assert flips(app) == [("new", "down", "failure reported")]


# --- ping: K1 `parseFloat(request.query.ping) || null`; K2 `validatePingValue`

@pytest.mark.parametrize("raw, value", [("42", 42.0), ("12.5", 12.5), ("86400000", 86400000.0),
                                        ("0", 0.0)])
def test_a_ping_in_range_is_kept_as_the_value(app, client, kuma, raw, value):
    """K2: 0 to MAX_PING_VALUE inclusive (`pingValue > MAX_PING_VALUE` refuses).
    K1 made 0 into null (`0 || null`); K2 keeps it, and so do we."""
    assert push(client, f"ping={raw}").status_code == 200
    assert pings_of(app, kuma)[0].value == value
    assert load_check(app, kuma).last_value == value


def test_an_empty_ping_is_no_value(app, client, kuma):
    """K1: parseFloat("") is NaN, so null; K2: `ping === ""` is null. The UI's URL ends in ping=."""
    r = push(client, "status=up&msg=OK&ping=")
    assert r.status_code == 200 and "warning" not in r.get_json()
    assert pings_of(app, kuma)[0].value is None


@pytest.mark.parametrize("raw", ["abc", "12ms", "NaN", "1_000"])
def test_a_ping_that_is_no_number_is_left_out_and_the_heartbeat_kept(app, client, kuma, raw):
    """K1: `parseFloat(ping) || null` never refuses a heartbeat for its ping.
    Deviations: K1 takes the number a text starts with ("12ms" is 12), which
    we do not guess at; K2 refuses such a ping with a 400, losing the beat.
    Ours keeps the heartbeat without a value, and the answer says so."""
    r = push(client, f"status=up&ping={raw}")
    assert r.status_code == 200
    body = r.get_json()
    assert body["ok"] is True and "is not a number" in body["warning"]
    [ping] = pings_of(app, kuma)
    assert (ping.kind, ping.value) == ("success", None)


@pytest.mark.parametrize("raw", ["-1", "-0.5", "86400001", "1e12", "Infinity"])
def test_a_ping_out_of_range_is_a_400_and_nothing_is_stored(app, client, kuma, raw):
    """K2: negative ("cannot be negative") or above 86400000 ms ("exceeds
    maximum allowed") is `response.status(400).json({ok: false, msg})`."""
    r = push(client, f"ping={raw}")
    assert r.status_code == 400
    body = r.get_json()
    assert body["ok"] is False and "0 to 86400000 milliseconds" in body["msg"]
    assert pings_of(app, kuma) == []


def test_a_bad_ping_is_refused_before_the_token_is_looked_up(client):
    """K2: `validatePingValue` runs before `R.findOne`: a 400, even for no monitor."""
    assert push(client, "ping=-5", token="no-such-monitor").status_code == 400


# --- which beats alert: `determineStatus`, `Monitor.isImportantForNotification`

def test_a_first_beat_down_alerts_and_a_first_beat_up_does_not(app, client, kuma, new_check):
    """K1: `sendNotification(isFirstBeat, ...)` for a first DOWN; a first UP is not news."""
    push(client, "status=up")
    assert notification_count(app) == 0
    other = new_check(name="other", timeout=60, push_token="kuma-other-token-0000000000000000")
    push(client, "status=down", token="kuma-other-token-0000000000000000")
    assert load_check(app, other).status == "down"
    assert notification_count(app) == 1


def test_down_after_down_does_not_alert_again(app, client, kuma):
    """K1: DOWN -> DOWN is not important for notification (without resendInterval)."""
    push(client, "status=down")
    push(client, "status=down")
    assert [f[:2] for f in flips(app)] == [("new", "down")]
    assert notification_count(app) == 1


def test_up_after_down_recovers_and_alerts(app, client, kuma):
    """K1: DOWN -> UP is important: a recovery notification."""
    push(client, "status=down")
    push(client, "status=up")
    assert load_check(app, kuma).status == "up"
    assert notification_count(app) == 2


def test_retries_are_failures_in_a_row(app, client, api, kuma):
    """K1 `determineStatus`: with maxretries 2 the first two DOWN beats are
    PENDING and the third is DOWN; an UP beat sets retries back to 0. Ours is
    failure_threshold = maxretries + 1, and a pending check stays up."""
    api("post", f"/checks/{kuma}", json={"failure_threshold": 3})
    push(client, "status=down")
    push(client, "status=down")
    assert load_check(app, kuma).status == "up"
    assert "down" not in [new for _, new, _ in flips(app)]
    push(client, "status=up")
    push(client, "status=down")
    push(client, "status=down")
    assert load_check(app, kuma).status == "up"
    push(client, "status=down")
    assert load_check(app, kuma).status == "down"


# --- the request: `router.all`, `request.query`

@pytest.mark.parametrize("method", ["get", "post", "head"])
def test_get_post_and_head_all_push(app, client, kuma, method):
    """K1: `router.all`. Query parameters count whatever the method."""
    assert push(client, "status=down&msg=x", method=method).status_code == 200
    assert pings_of(app, kuma)[0].kind == "fail"


def test_other_methods_are_a_405(app, client, kuma):
    """Deviation: K1's `router.all` takes PUT and DELETE too. Every ping URL
    of ours takes GET, POST and HEAD (so a link checker's OPTIONS or a stray
    DELETE records nothing), and says so in the 405's Allow header."""
    r = push(client, method="put")
    assert r.status_code == 405 and r.headers["Allow"] == "GET, HEAD, POST"
    assert r.get_json()["ok"] is False
    assert pings_of(app, kuma) == []


# --- a paused monitor: `active = 1` in the lookup

def test_a_paused_check_takes_the_push_and_resumes(app, client, api, kuma):
    """Deviation: K1 answers a paused (inactive) monitor 404, and its job's
    beat is lost. Ours stores it and resumes, as Healthchecks does."""
    api("post", f"/checks/{kuma}/pause")
    assert push(client).status_code == 200
    assert load_check(app, kuma).status == "up"


def test_a_check_paused_by_hand_logs_the_push_and_says_so(app, client, api, kuma):
    """Nearest to K1's inactive monitor: with manual_resume the check stays
    paused; the push is logged (a 200 means stored) and the answer says it was
    not applied."""
    api("post", f"/checks/{kuma}", json={"manual_resume": True})
    api("post", f"/checks/{kuma}/pause")
    r = push(client, "status=down")
    assert r.status_code == 200 and "paused" in r.get_json()["warning"]
    assert load_check(app, kuma).status == "paused"
    assert pings_of(app, kuma)[0].kind == "ign"


def test_the_readme_examples(app, client, new_check):
    """README, "Migrating" and "Uptime Kuma / Tianji": the Kuma URL with only the host changed."""
    uuid = new_check(name="migrated", timeout=60, push_token="AbC123xyz")
    assert client.get("/api/push/AbC123xyz?status=up&msg=OK&ping=").status_code == 200
    assert client.get("/api/push/AbC123xyz?status=up&msg=OK&ping=42").status_code == 200
    r = client.get("/api/push/AbC123xyz?status=DOWN")
    assert r.status_code == 200 and "warning" in r.get_json()
    assert [(p.kind, p.value) for p in pings_of(app, uuid)] == [
        ("success", None), ("success", 42.0), ("fail", None)]
