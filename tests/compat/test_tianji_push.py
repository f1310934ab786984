"""Tianji's push handler, ported black-box: what a Tianji push client sees.

Tianji has no test of its push route, so the expectations come from the
handler and the docs of msgbyte/tianji (commit 2ca6487f):

- R: src/server/router/push.ts, `pushRouter.all('/:pushToken', ...)`:
  `msg || 'OK'`, `status === 'down' ? 'DOWN' : 'UP'`, `Number(value || 1)`
  for UP and -1 for DOWN, the monitor found by `payload.pushToken` and
  `active: true`, `res.json({ok: true, message: 'Push received successfully'})`,
  and 404 {ok: false, error} when anything fails;
- P: src/server/model/monitor/provider/push.ts, the token (`nanoid(16)`);
- D: website/docs/monitor/push-monitor.md, the URL forms and examples.

Where we answer otherwise on purpose, the test says "Deviation" and why
(README, "Uptime Kuma / Tianji", lists them for users).
"""

import pytest

from support import flips, load_check, pings_of

# A push token as Tianji makes one: nanoid(16), of A-Z a-z 0-9 _ -.
TIANJI_TOKEN = "V1StGXR8_Z5jdH-6"


@pytest.fixture
def tianji(new_check):
    """A check imported from Tianji: it keeps the monitor's push token."""
    return new_check(name="tianji-monitor", timeout=60, grace=30, push_token=TIANJI_TOKEN)


def push(client, query: str = "", token: str = TIANJI_TOKEN, method: str = "post"):
    return getattr(client, method)(f"/api/push/{token}" + (f"?{query}" if query else ""))


# --- the answer and the token

def test_a_plain_post_answers_as_tianji_does(app, client, tianji):
    """R: `res.json({ok: true, message: 'Push received successfully'})`; D: a
    bare POST is the normal heartbeat."""
    r = push(client)
    assert r.status_code == 200 and r.mimetype == "application/json"
    assert r.get_json() == {"ok": True, "message": "Push received successfully"}
    assert pings_of(app, tianji)[0].kind == "success"


def test_a_get_pushes_too(app, client, tianji):
    """R: `pushRouter.all`; the monitor form says "send GET or POST requests"."""
    assert push(client, method="get").status_code == 200
    assert pings_of(app, tianji)[0].method == "GET"


def test_the_kept_nanoid_token_reaches_the_check(app, client, tianji):
    """P: `nanoid(16)`, whose alphabet has - and _: the URL is the token as it is."""
    assert push(client, "status=up").status_code == 200
    assert load_check(app, tianji).n_pings == 1


def test_an_unknown_token_is_a_404_tianji_clients_can_read(client, tianji):
    """R: `throw new Error('Monitor not found or not active')`, caught as
    `res.status(404).json({ok: false, error: String(err)})`."""
    r = push(client, token="V1StGXR8_Z5jdH-7")
    assert r.status_code == 404
    body = r.get_json()
    assert body["ok"] is False and body["error"]


def test_rotating_retires_the_tianji_token(app, client, api, tianji):
    """D, "Security Considerations": rotate push tokens; the old URL then stops."""
    rotated = api("post", f"/checks/{tianji}/rotate").get_json()
    assert push(client).status_code == 404
    assert rotated["push_token"] is None
    assert client.post(rotated["push_url"].removeprefix("http://hb.test")).status_code == 200


# --- status: `req.query.status === 'down' ? 'DOWN' : 'UP'`

def test_status_up_is_up(app, client, tianji):
    """D: "Normal Status: send without parameters or with ?status=up"."""
    push(client, "status=up")
    assert load_check(app, tianji).status == "up"


def test_an_empty_status_is_up(app, client, tianji):
    """R: "" is not 'down'."""
    push(client, "status=")
    assert pings_of(app, tianji)[0].kind == "success"


def test_status_down_is_down_with_its_message_as_the_reason(app, client, tianji):
    """R: DOWN, and `updateMonitorErrorMessage(monitor.id, String(msg))`: the
    message is what the alert tells."""
    push(client, "status=up")
    push(client, "status=down&msg=backup-failed")
    assert load_check(app, tianji).status == "down"
    assert flips(app)[-1] == ("up", "down", "backup-failed")


def test_the_docs_cron_example_goes_down_and_comes_back(app, client, tianji):
    """D, "Cron Jobs": status=up&msg=backup-completed, status=down&msg=backup-failed."""
    push(client, "status=up&msg=backup-completed")
    push(client, "status=down&msg=backup-failed")
    push(client, "status=up&msg=backup-completed")
    assert [f[:2] for f in flips(app)] == [("new", "up"), ("up", "down"), ("down", "up")]
    assert load_check(app, tianji).last_msg == "backup-completed"


def test_the_docs_python_example_sends_params_with_a_post(app, client, tianji):
    """D, "Database Sync Jobs": requests.post(url, params={'status': 'down', 'msg': ...})."""
    push(client, "status=down&msg=sync-failed")
    assert (pings_of(app, tianji)[0].kind, load_check(app, tianji).last_msg) == (
        "fail", "sync-failed")


def test_ok_is_up(app, client, tianji):
    """R: any word but 'down' is UP; "ok" is also our own word for up."""
    push(client, "status=ok")
    assert pings_of(app, tianji)[0].kind == "success"


@pytest.mark.parametrize("word", ["UP", "DOWN", "error"])
def test_a_status_tianji_would_read_as_up_is_down_and_said_so(app, client, tianji, word):
    """Deviation: R reads every word but 'down' as UP, so `status=DOWN` from a
    failing job would be recorded as a success without a word. We read such a
    word as Uptime Kuma does, as down: a false alarm is seen and fixed, a
    failure passed off as a success is not. The answer says so."""
    r = push(client, f"status={word}")
    assert r.status_code == 200
    body = r.get_json()
    assert body["ok"] is True and body["message"] == "Push received successfully"
    assert f"Status '{word}'" in body["warning"] and "recorded as down" in body["warning"]
    assert load_check(app, tianji).status == "down"


# --- msg: `const msg = req.query.msg || 'OK'`

def test_msg_is_kept_with_the_ping(app, client, tianji):
    """R: `saveMonitorStatus(..., {lastMessage: msg})`; D: &msg= "additional information"."""
    push(client, "msg=synced-120-records")
    assert pings_of(app, tianji)[0].msg == "synced-120-records"
    assert load_check(app, tianji).last_msg == "synced-120-records"


def test_a_down_without_msg_is_a_reported_failure(app, client, tianji):
    """Deviation: R records 'OK' as the error message of a DOWN push without
    msg. Ours keeps no message, and the alert says "failure reported"."""
    push(client, "status=down")
    assert flips(app) == [("new", "down", "failure reported")]


# --- value: `Number(req.query.value || 1)` for UP, -1 for DOWN

@pytest.mark.parametrize("raw, value", [("123", 123.0), ("12.5", 12.5), ("0", 0.0),
                                        ("-3", -3.0)])
def test_value_is_kept(app, client, tianji, raw, value):
    """R: `Number(req.query.value)`; D: "&value=123 to track numeric values"."""
    assert push(client, f"value={raw}").status_code == 200
    assert pings_of(app, tianji)[0].value == value
    assert load_check(app, tianji).last_value == value


def test_no_value_is_no_value(app, client, tianji):
    """Deviation, unseen by clients: R stores 1 for an UP push without value
    (and -1 for any DOWN push), its chart's marks. We store the value sent, or none."""
    push(client)
    push(client, "status=down&value=7")
    assert [p.value for p in pings_of(app, tianji)] == [None, 7.0]


@pytest.mark.parametrize("raw", ["abc", "nan", "inf"])
def test_a_value_that_is_no_finite_number_is_a_400(app, client, tianji, raw):
    """Deviation: R stores `Number('abc')`, NaN, and answers ok. Ours judges
    the value against the check's bounds (value_min/value_max), which NaN
    cannot be, so it is refused, with the reason, and nothing is stored."""
    r = push(client, f"value={raw}")
    assert r.status_code == 400
    body = r.get_json()
    assert body["ok"] is False and "value must be" in body["error"]
    assert pings_of(app, tianji) == []


def test_a_value_out_of_the_checks_bounds_is_a_failure(app, client, api, tianji):
    """Ours beyond R: a value outside value_min/value_max counts as a failure."""
    api("post", f"/checks/{tianji}", json={"value_max": 100})
    push(client, "value=250")
    assert load_check(app, tianji).status == "down"
    assert flips(app)[-1][2] == "value 250 above max 100"


# --- a paused monitor: `active: true` in the lookup

def test_a_paused_check_takes_the_push(app, client, api, tianji):
    """Deviation: R answers an inactive monitor 404 and drops the push. Ours
    stores it and resumes the check (with manual_resume it stays paused and
    the answer says the push was not applied)."""
    api("post", f"/checks/{tianji}/pause")
    assert push(client).status_code == 200
    assert load_check(app, tianji).status == "up"
