"""Healthchecks' keyword filters: words in a ping's body that decide what it is.

Healthchecks classifies an email ping by keywords in its subject or body, and
since December 2025 an HTTP ping by keywords in its request body
(`filter_http_body`, blog.healthchecks.io "Filter HTTP Pings by Keywords"):
a failure keyword makes it a failure, else a success keyword a success, else
a start keyword a start; a ping with none of them is ignored (logged, no
effect), or a failure with `filter_default_fail`. Keywords are comma-separated,
matched as they are written (case-sensitive), any one of them is enough.

We take no email, so one switch says whether a ping's body is searched: the
check's `filter_body` column, which the API also reads and writes as
`filter_http_body` (see `keyword_fields`). Pure: no I/O, no clock.
"""

from __future__ import annotations

from typing import NamedTuple


class Keywords(NamedTuple):
    """A check's keyword settings."""

    start: str = ""
    success: str = ""
    failure: str = ""
    body: bool = False  # search the ping's body (filter_body / filter_http_body)
    default_fail: bool = False  # a ping with no keyword is a failure, not ignored


class Verdict(NamedTuple):
    kind: str  # success | fail | start | log | ign
    # Why the keywords gave another kind than the URL did, for the ping's log
    # line and the flip; None when they left it as it was.
    reason: str | None = None


def keyword_list(keywords: str) -> list[str]:
    """The keywords of a comma-separated field, trimmed, empty ones dropped
    (Healthchecks' reading: "ERROR, FAILED" is two keywords)."""
    return [word.strip() for word in keywords.split(",") if word.strip()]


def first_match(text: str, keywords: str) -> str | None:
    """The first of `keywords` found in `text`, or None."""
    return next((word for word in keyword_list(keywords) if word in text), None)


def classify(kind: str, body: bytes | None, rules: Keywords) -> Verdict:
    """The kind of a ping that its URL made `kind`, once the keywords have looked at
    its body. Without body filtering the URL decides; with it, the body does,
    whatever the URL said (as in Healthchecks, where only an ignored ping is
    left alone: pauses and POST-only checks still ignore pings after this).

    A body that is not UTF-8 is searched as decoded with replacements; a ping
    without a body (a GET) holds no keyword.
    """
    if not rules.body:
        return Verdict(kind)
    text = (body or b"").decode("utf-8", "replace")
    for new_kind, keywords, label in (("fail", rules.failure, "failure"),
                                      ("success", rules.success, "success"),
                                      ("start", rules.start, "start")):
        if (word := first_match(text, keywords)) is not None:
            reason = None if new_kind == kind else f'{label} keyword "{word}" in the body'
            return Verdict(new_kind, reason)
    if rules.default_fail:
        return Verdict("fail", None if kind == "fail"
                       else "no keyword in the body, which counts as a failure")
    return Verdict("ign", "no keyword in the body: ignored")
