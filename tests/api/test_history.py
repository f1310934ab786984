"""The check API's history: pings, bodies and flips."""

import time
import uuid as uuidlib

import pytest


def test_it_lists_pings_newest_first_with_their_facts(api, client, check):
    rid = str(uuidlib.uuid4())
    client.get(f"/ping/{check}/start?rid={rid}", headers={"User-Agent": "hc-client/1"})
    client.post(f"/ping/{check}?rid={rid}", data=b"all good")
    client.get(f"/api/push/{check}?msg=hi&value=3")
    pings = api("get", f"/checks/{check}/pings/").get_json()["pings"]
    assert [p["n"] for p in pings] == [3, 2, 1]
    assert [p["type"] for p in pings] == ["success", "success", "start"]
    start, success = pings[2], pings[1]
    assert (start["ua"], start["method"], start["rid"], start["scheme"]) == (
        "hc-client/1", "GET", rid, "http")
    assert start["remote_addr"] == "127.0.0.1" and start["date"].endswith("+00:00")
    assert success["duration"] is not None and success["duration"] >= 0
    assert success["body_url"].endswith(f"/api/v3/checks/{check}/pings/2/body")
    assert start["body_url"] is None and pings[0]["msg"] == "hi" and pings[0]["value"] == 3.0


def test_it_serves_a_ping_body_as_plain_text(api, client, check):
    client.post(f"/ping/{check}/fail", data=b"\xffraw output")
    r = api("get", f"/checks/{check}/pings/1/body")
    assert r.status_code == 200 and r.mimetype == "text/plain" and r.data == b"\xffraw output"
    assert api("get", f"/checks/{check}/pings/9/body").status_code == 404


def test_it_lists_flips_and_narrows_them_by_time(api, client, check):
    client.get(f"/ping/{check}")
    client.get(f"/ping/{check}/fail")
    # {"flips": [...]}, as Healthchecks answers (test_get_flips.py test_it_works).
    flips = api("get", f"/checks/{check}/flips/").get_json()["flips"]
    assert [(f["up"], f["new_status"]) for f in flips] == [(0, "down"), (1, "up")]
    assert len(api("get", f"/checks/{check}/flips/?seconds=3600").get_json()["flips"]) == 2
    future = int(time.time()) + 3600
    assert api("get", f"/checks/{check}/flips/?start={future}").get_json() == {"flips": []}
    assert len(api("get", f"/checks/{check}/flips/?end={future}").get_json()["flips"]) == 2


@pytest.mark.parametrize("query", ["seconds=abc", "seconds=-5", "start=yesterday", "end=1.5",
                                   "start=99999999999999999999"])
def test_bad_flip_filters_are_a_400(api, check, query):
    r = api("get", f"/checks/{check}/flips/?{query}")
    assert r.status_code == 400 and r.get_json()["error"]


def test_check_json_carries_the_run_fields(api, client, check):
    api("post", f"/checks/{check}", json={"max_runtime": 120})
    body = api("get", f"/checks/{check}").get_json()
    assert body["max_runtime"] == 120 and body["last_duration"] is None
    assert body["methods"] == "" and body["manual_resume"] is False and body["started"] is False
    body = api("post", f"/checks/{check}", json={"max_runtime": None}).get_json()
    assert body["max_runtime"] is None


def test_history_of_another_users_check_is_a_404(app, api, check):
    from support import make_user

    _, key = make_user(app, "mallory@example.com")
    for path in ("pings/", "pings/1/body", "flips/"):
        assert api("get", f"/checks/{check}/{path}", key=key).status_code == 404


@pytest.mark.parametrize("n", ["9223372036854775808", "2147483648", "99999999999999999999999"])
def test_a_ping_number_out_of_range_is_a_404_not_an_overflow(api, check, n):
    r = api("get", f"/checks/{check}/pings/{n}/body")
    assert r.status_code == 404 and r.get_json() == {"error": "not found"}
