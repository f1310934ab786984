"""Healthchecks' keyword filters, end to end over HTTP: the API fields (names,
types, limits, JSON) and what they do to /ping/ pings.

API expectations follow hc/api/tests/test_create_check.py, test_update_check.py
and test_get_check.py (named per test). The ping behaviour follows Healthchecks'
HTTP body filter (blog.healthchecks.io 2025-12 "Filter HTTP Pings by Keywords":
filter_http_body, filter_default_fail) with the precedence of its email filter
(hc/api/tests/test_smtpd.py). We take no email: `filter_body` and
`filter_http_body` are one switch here, and `filter_subject` does nothing.
"""

import json
import re

import pytest

from support import ROOT, ping_key_of

KEYWORDS = {"start_kw": "START", "success_kw": "SUCCESS", "failure_kw": "FAILURE, ERROR"}


@pytest.fixture
def filtered(new_check):
    """A check whose /ping/ bodies decide: FAILURE or ERROR, SUCCESS, START."""
    return new_check(timeout=3600, grace=60, filter_http_body=True, **KEYWORDS)


def kinds(api, uuid):
    """The check's pings, oldest first, as the API lists them: (type, msg)."""
    pings = api("get", f"/checks/{uuid}/pings/").get_json()["pings"]
    return [(p["type"], p["msg"]) for p in reversed(pings)]


def state(api, uuid):
    doc = api("get", f"/checks/{uuid}").get_json()
    return doc["status"], doc["started"]


# --- the API ----------------------------------------------------------------------

def test_it_works(api):
    # test_create_check.py test_it_works: the keyword fields are stored and shown.
    r = api("post", "/checks/", json={"name": "Foo", "timeout": 3600, **KEYWORDS,
                                     "filter_subject": True, "filter_body": True})
    assert r.status_code == 201
    doc = r.get_json()
    assert (doc["start_kw"], doc["success_kw"], doc["failure_kw"]) == (
        "START", "SUCCESS", "FAILURE, ERROR")
    assert doc["filter_subject"] is True and doc["filter_body"] is True
    again = api("get", f"/checks/{doc['uuid']}").get_json()
    assert {k: again[k] for k in KEYWORDS} == KEYWORDS


def test_get_shows_every_keyword_field_as_healthchecks_does(api, new_check):
    # test_get_check.py test_it_works: subject/subject_fail mirror the keywords
    # while filter_subject is on; filter_http_body is ours and filter_body's twin.
    uuid = new_check(filter_subject=True, **KEYWORDS)
    doc = api("get", f"/checks/{uuid}").get_json()
    assert {k: doc[k] for k in ("subject", "subject_fail", "start_kw", "success_kw", "failure_kw",
                                "filter_subject", "filter_body", "filter_http_body",
                                "filter_default_fail")} == {
        "subject": "SUCCESS", "subject_fail": "FAILURE, ERROR", **KEYWORDS,
        "filter_subject": True, "filter_body": False, "filter_http_body": False,
        "filter_default_fail": False}


def test_a_new_check_has_empty_keywords_and_filters_off(api, check):
    doc = api("get", f"/checks/{check}").get_json()
    assert [doc[k] for k in ("start_kw", "success_kw", "failure_kw", "subject")] == [""] * 4
    assert not any(doc[k] for k in ("filter_subject", "filter_body", "filter_http_body",
                                    "filter_default_fail"))


def test_read_only_keys_see_the_keyword_fields_too(app, api, filtered):
    from webapp.core.models import ApiKey, Check
    from webapp.db import db

    with app.app_context():
        check = db.session.query(Check).filter_by(uuid=filtered).one()
        row, key = ApiKey.issue(check.project, "ro", read_only=True)
        db.session.add(row)
        db.session.commit()
    [doc] = api("get", "/checks/", key=key).get_json()["checks"]
    assert doc["failure_kw"] == "FAILURE, ERROR" and doc["filter_http_body"] is True


@pytest.mark.parametrize("field", ["filter_subject", "filter_body", "filter_http_body",
                                   "filter_default_fail"])
def test_it_rejects_non_boolean_filter_flags(api, field):
    # test_create_check.py test_it_rejects_non_boolean_filter_flags
    r = api("post", "/checks/", json={field: "surprise"})
    assert r.status_code == 400 and r.get_json()["error"] == f"{field} must be true or false"


@pytest.mark.parametrize("field", ["subject", "subject_fail", "start_kw", "success_kw",
                                   "failure_kw"])
def test_it_rejects_long_filtering_keywords(api, field):
    # test_create_check.py test_it_rejects_long_filtering_keywords
    r = api("post", "/checks/", json={field: "A" * 201})
    assert r.status_code == 400 and r.get_json()["error"] == (
        f"{field} is too long (at most 200 characters)")
    assert api("post", "/checks/", json={field: "A" * 200}).status_code == 201


@pytest.mark.parametrize("value", [None, False, 12, ["SUCCESS"]])
def test_it_rejects_keywords_that_are_not_strings(api, value):
    # test_create_check.py test_it_rejects_null_values and test_it_rejects_non_string_subject
    for field in ("subject", "subject_fail", "success_kw"):
        r = api("post", "/checks/", json={field: value})
        assert r.status_code == 400 and f"{field} must be a string" in r.get_json()["error"]
    assert api("get", "/checks/").get_json()["checks"] == []


def test_it_rejects_control_characters_in_keywords(api):
    r = api("post", "/checks/", json={"failure_kw": "ERROR\nFAILED"})
    assert r.status_code == 400 and "control characters" in r.get_json()["error"]


def test_it_sets_success_kw_and_failure_kw_through_subject(api, check):
    # test_update_check.py test_it_sets_success_kw and test_it_sets_failure_kw
    doc = api("post", f"/checks/{check}", json={"subject": "SUCCESS,COMPLETE"}).get_json()
    assert (doc["success_kw"], doc["filter_subject"], doc["subject"]) == (
        "SUCCESS,COMPLETE", True, "SUCCESS,COMPLETE")
    doc = api("post", f"/checks/{check}", json={"subject_fail": "FAILED,FAILURE"}).get_json()
    assert (doc["failure_kw"], doc["subject_fail"]) == ("FAILED,FAILURE", "FAILED,FAILURE")


def test_creating_with_subject_sets_the_keywords_too(api):
    # test_create_check.py test_it_sets_success_kw and test_it_sets_failure_kw
    doc = api("post", "/checks/", json={"subject": "SUCCESS,COMPLETE"}).get_json()
    assert (doc["success_kw"], doc["filter_subject"]) == ("SUCCESS,COMPLETE", True)
    doc = api("post", "/checks/", json={"subject_fail": "FAILED,FAILURE"}).get_json()
    assert (doc["failure_kw"], doc["filter_subject"], doc["success_kw"]) == (
        "FAILED,FAILURE", True, "")


def test_it_unsets_filter_subject_flag(api, new_check):
    # test_update_check.py test_it_unsets_filter_subject_flag
    uuid = new_check(filter_subject=True, success_kw="SUCCESS")
    doc = api("post", f"/checks/{uuid}", json={"subject": ""}).get_json()
    assert (doc["filter_subject"], doc["success_kw"], doc["subject"]) == (False, "", "")


def test_it_prioritizes_filter_subject_field(api, check):
    # test_update_check.py test_it_prioritizes_filter_subject_field
    doc = api("post", f"/checks/{check}", json={"subject": "SUCCESS",
                                                "filter_subject": False}).get_json()
    assert (doc["filter_subject"], doc["success_kw"], doc["subject"]) == (False, "SUCCESS", "")


def test_an_update_leaves_keywords_it_does_not_name(api, filtered):
    doc = api("post", f"/checks/{filtered}", json={"success_kw": "DONE"}).get_json()
    assert (doc["success_kw"], doc["failure_kw"], doc["filter_http_body"]) == (
        "DONE", "FAILURE, ERROR", True)


def test_filter_body_and_filter_http_body_are_one_switch(api, check):
    doc = api("post", f"/checks/{check}", json={"filter_body": True}).get_json()
    assert (doc["filter_body"], doc["filter_http_body"]) == (True, True)
    doc = api("post", f"/checks/{check}", json={"filter_http_body": False}).get_json()
    assert (doc["filter_body"], doc["filter_http_body"]) == (False, False)
    # A client of Healthchecks' newest API sends both; the HTTP one decides.
    doc = api("post", f"/checks/{check}", json={"filter_body": True,
                                                "filter_http_body": False}).get_json()
    assert (doc["filter_body"], doc["filter_http_body"]) == (False, False)


# --- what the keywords do to pings --------------------------------------------------

def test_a_failure_keyword_puts_the_check_down_and_says_why(app, client, api, filtered):
    r = client.post(f"/ping/{filtered}", data=b"[SUCCESS] 1 ok, [ERROR] 1 failed")
    assert r.status_code == 200
    assert kinds(api, filtered) == [("fail", 'failure keyword "ERROR" in the body')]
    assert state(api, filtered) == ("down", False)
    [flip] = api("get", f"/checks/{filtered}/flips/").get_json()["flips"]
    assert flip["up"] == 0


def test_a_success_keyword_brings_it_back_up(client, api, filtered):
    client.post(f"/ping/{filtered}/fail", data=b"FAILURE")  # the URL agrees: nothing to say
    client.post(f"/ping/{filtered}/fail", data=b"[SUCCESS] Backup completed")
    assert kinds(api, filtered) == [
        ("fail", None), ("success", 'success keyword "SUCCESS" in the body')]
    assert state(api, filtered) == ("up", False)


def test_a_start_keyword_opens_a_run(client, api, filtered):
    client.post(f"/ping/{filtered}", data=b"[START] Starting backup...")
    assert kinds(api, filtered) == [("start", 'start keyword "START" in the body')]
    assert state(api, filtered)[1] is True


def test_a_ping_without_keywords_is_logged_as_ignored(client, api, filtered):
    # test_smtpd.py test_it_handles_success_filter_miss, for an HTTP body.
    assert client.post(f"/ping/{filtered}", data=b"hello world").get_data(as_text=True) == "OK"
    assert client.get(f"/ping/{filtered}").status_code == 200  # a GET has no body
    assert kinds(api, filtered) == [("ign", "no keyword in the body: ignored")] * 2
    assert state(api, filtered) == ("new", False)
    assert api("get", f"/checks/{filtered}").get_json()["n_pings"] == 2


def test_filter_default_fail_makes_a_ping_without_keywords_a_failure(client, api, filtered):
    api("post", f"/checks/{filtered}", json={"filter_default_fail": True})
    client.post(f"/ping/{filtered}", data=b"Some unknown output")
    assert kinds(api, filtered) == [
        ("fail", "no keyword in the body, which counts as a failure")]
    assert state(api, filtered) == ("down", False)


def test_matching_is_case_sensitive(client, api, filtered):
    client.post(f"/ping/{filtered}", data=b"error: disk full")
    assert kinds(api, filtered)[0][0] == "ign"


def test_keywords_apply_to_slug_urls_and_exit_statuses(app, client, api, new_check):
    uuid = new_check(slug="nightly-backup", filter_http_body=True, success_kw="SUCCESS")
    key = ping_key_of(app)
    client.post(f"/ping/{key}/nightly-backup/1", data=b"SUCCESS after a retry")
    assert kinds(api, uuid)[0][0] == "success"
    assert state(api, uuid) == ("up", False)


def test_without_the_switch_keywords_do_nothing(client, api, new_check):
    uuid = new_check(**KEYWORDS)  # keywords set, filtering off: the URL decides
    client.post(f"/ping/{uuid}", data=b"ERROR")
    assert kinds(api, uuid) == [("success", None)]


def test_filter_subject_alone_changes_no_http_ping(client, api, new_check):
    # Healthchecks' subject filter is for email, which we do not take.
    uuid = new_check(filter_subject=True, **KEYWORDS)
    client.post(f"/ping/{uuid}", data=b"hello")
    assert kinds(api, uuid) == [("success", None)]


def test_a_manual_resume_pause_and_post_only_still_ignore_first(client, api, filtered):
    # Healthchecks' order: the method rule and a manual-resume pause come before keywords.
    api("post", f"/checks/{filtered}", json={"methods": "POST", "filter_default_fail": True})
    client.get(f"/ping/{filtered}")
    assert kinds(api, filtered)[-1][0] == "ign" and state(api, filtered)[0] == "new"
    api("post", f"/checks/{filtered}", json={"methods": "", "manual_resume": True})
    api("post", f"/checks/{filtered}/pause")
    client.post(f"/ping/{filtered}", data=b"FAILURE")
    assert kinds(api, filtered)[-1][0] == "ign" and state(api, filtered)[0] == "paused"


def test_keywords_past_the_body_limit_are_not_seen(client, api, filtered, limits):
    # Healthchecks looks only in the part of the body it keeps (the first 100 kB there).
    limits(PING_BODY_LIMIT=10)
    r = client.post(f"/ping/{filtered}", data=b"x" * 20 + b"SUCCESS")
    assert r.headers["Ping-Body-Limit"] == "10"
    assert kinds(api, filtered)[0][0] == "ign"


def test_push_urls_are_not_filtered(client, api, filtered):
    # Keyword filters are Healthchecks'; an Uptime Kuma push has no body to search.
    assert client.get(f"/api/push/{filtered}?status=up&msg=hello").status_code == 200
    assert kinds(api, filtered) == [("success", "hello")]


def test_the_readme_example(client, api, check):
    """README, "Ping reference", Healthchecks: the JSON its curl line sends, as written."""
    readme = (ROOT / "README.md").read_text()
    [body] = re.findall(r"""-d '(\{"filter_http_body".*\})'""", readme)
    assert api("post", f"/checks/{check}", json=json.loads(body)).status_code == 200
    client.post(f"/ping/{check}", data=b"backup: 3 files, SUCCESS")
    client.post(f"/ping/{check}", data=b"tar: ERROR writing archive")
    client.post(f"/ping/{check}", data=b"")  # the script printed nothing: a failure too
    assert [kind for kind, _ in kinds(api, check)] == ["success", "fail", "fail"]
