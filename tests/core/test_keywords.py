"""The keyword filters' pure decision: what a ping is, given its URL's kind and its body.

The precedence and the "no keyword" outcome follow Healthchecks' email filter
(hc/api/tests/test_smtpd.py) and its HTTP body filter (blog.healthchecks.io,
2025-12, "Filter HTTP Pings by Keywords": comma-separated, any keyword,
case-sensitive, ignored unless filter_default_fail).
"""

import pytest

from webapp.core.keywords import Keywords, Verdict, classify, first_match, keyword_list

ON = Keywords(failure="FAIL, WARNING", success="SUCCESS, OK", start="START", body=True)


def test_filtering_off_leaves_the_urls_kind():
    rules = ON._replace(body=False)
    for kind in ("success", "fail", "start", "log"):
        assert classify(kind, b"[FAIL] it broke", rules) == Verdict(kind)


@pytest.mark.parametrize("body, kind", [
    # test_it_handles_success_filter_match / test_it_handles_multiple_success_keywords
    (b"[SUCCESS] Backup completed", "success"),
    (b"[OK] Backup completed", "success"),
    # test_it_handles_failure_filter_match / test_it_handles_multiple_failure_keywords
    (b"[FAIL] Backup did not complete", "fail"),
    (b"[WARNING] Backup did not complete", "fail"),
    # test_it_handles_failure_before_success
    (b"[SUCCESS] 1 Backup completed, [FAIL] 1 Backup did not complete", "fail"),
    # test_it_handles_start_filter_match
    (b"[START] Starting backup...", "start"),
    # test_it_handles_success_filter_miss / test_it_handles_failure_filter_miss
    (b"Subject goes here", "ign"),
])
def test_the_body_decides(body, kind):
    assert classify("success", body, ON).kind == kind


def test_success_wins_over_start():
    assert classify("success", b"START ... SUCCESS", ON).kind == "success"


def test_matching_is_case_sensitive():
    assert classify("success", b"backup failed: fail", ON).kind == "ign"


def test_the_body_overrides_the_url():
    # Healthchecks filters whatever the URL's suffix said, once filtering is on.
    assert classify("fail", b"SUCCESS", ON) == Verdict(
        "success", 'success keyword "SUCCESS" in the body')
    assert classify("start", b"FAIL", ON).kind == "fail"
    assert classify("log", b"nothing", ON).kind == "ign"


def test_no_reason_when_the_keywords_agree_with_the_url():
    assert classify("fail", b"[FAIL]", ON) == Verdict("fail")
    assert classify("success", b"OK", ON) == Verdict("success")


def test_a_ping_without_keywords_is_ignored_or_a_failure():
    assert classify("success", b"hello", ON) == Verdict("ign", "no keyword in the body: ignored")
    failing = ON._replace(default_fail=True)
    assert classify("success", b"hello", failing) == Verdict(
        "fail", "no keyword in the body, which counts as a failure")
    assert classify("fail", b"hello", failing) == Verdict("fail")


def test_a_get_has_no_body_and_so_no_keyword():
    assert classify("success", None, ON).kind == "ign"
    assert classify("success", None, ON._replace(default_fail=True)).kind == "fail"


def test_filtering_with_no_keywords_set_ignores_everything():
    assert classify("success", b"SUCCESS", Keywords(body=True)).kind == "ign"


def test_a_body_that_is_not_utf8_is_still_searched():
    assert classify("success", b"\xff\xfe FAIL \xe9", ON).kind == "fail"


def test_keyword_lists_are_trimmed_and_skip_empty_items():
    assert keyword_list(" ERROR,, FAILED ,") == ["ERROR", "FAILED"]
    assert keyword_list("") == [] and keyword_list(" , ") == []
    # A lone comma or space is no keyword that every body would hold.
    assert first_match("a, b", " , ") is None
    assert first_match("it FAILED", "ERROR, FAILED") == "FAILED"
