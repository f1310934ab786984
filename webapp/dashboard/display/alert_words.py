"""A check's alert settings in words, for its page: who hears, when, and about what."""

from __future__ import annotations

from ...core.channels import Target
from ...core.keywords import keyword_list
from ...core.models import Check
from ...core.routing import DEFAULT_EVENTS, routing_words
from ...core.schedules import every_words, seconds_in_words
from ...core.transitions import run_limit
from .flap_words import flap_rule_words


def audience_words(targets: list[Target]) -> str:
    """`core.channels.alert_targets`, said: the channels, nobody, or the members' addresses."""
    if not targets:
        return "nobody: no channel is chosen for this check"
    if targets[0].channel_id is None:
        addresses = ", ".join(t.target for t in targets)
        return f"email to {addresses} (the project has no channels)"
    # A channel's routing is said only where it narrows "every event, at once".
    return ", ".join(f"{t.name} ({t.kind}"
                     + ("" if t.events == DEFAULT_EVENTS and not t.delay
                        else f": {routing_words(t.events, t.delay)}") + ")"
                     for t in targets)


def bounds_words(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"a value below {low:g} or above {high:g} counts as a failure"
    if low is not None:
        return f"a value below {low:g} counts as a failure"
    if high is not None:
        return f"a value above {high:g} counts as a failure"
    return "any value"


def keyword_words(check: Check) -> str:
    """The keyword filters in words: which words decide, and what a ping without any does."""
    parts = [f"{label} if it holds {' or '.join(repr(w) for w in words)}"
             for label, words in (("a failure", keyword_list(check.failure_kw)),
                                  ("a success", keyword_list(check.success_kw)),
                                  ("a start", keyword_list(check.start_kw))) if words]
    rest = "a failure" if check.filter_default_fail else "ignored"
    if not parts:
        return f"no keywords set: every /ping/ ping is {rest}"
    return f"a /ping/ ping's body makes it {'; '.join(parts)}; else it is {rest}"


def alert_words(check: Check, targets: list[Target]) -> list[tuple[str, str]]:
    """(term, words) pairs for the check page's Alerts card; `targets` are the check's."""
    n = check.failure_threshold
    rows = [
        ("Alerts go to", audience_words(targets)),
        ("Reminders", f"{every_words(check.nag_period)} while down" if check.nag_period else "off"),
        ("Failures", "the first one alerts" if n == 1 else f"{n} in a row alert"),
        ("Values", bounds_words(check.value_min, check.value_max)),
        ("Runs", f"a started run may take {seconds_in_words(run_limit(check.schedule_spec))}"
         + ("" if check.max_runtime else " (the grace time)")
         + (f", and one that succeeds in under {seconds_in_words(check.min_runtime)} fails"
            if check.min_runtime else "")),
        ("Flapping", flap_rule_words(check)),
    ]
    if check.methods == "POST":
        rows.append(("Pings", "only POST pings count"))
    if check.manual_resume:
        rows.append(("Pausing", "stays paused until resumed by hand"))
    if check.filter_body:
        rows.append(("Keywords", keyword_words(check)))
    if check.filter_subject:
        # Set through the API, as a Healthchecks client would: shown, not hidden,
        # so nobody expects it to work.
        rows.append(("Email subjects", "filtering is set but does nothing: Heartbeats takes "
                                       "no email pings"))
    return rows


def dependency_rows(parents: list[Check], children: list[Check]) -> list[tuple[str, list[Check]]]:
    """(term, checks) pairs for the Alerts card, each check drawn as a link to
    its page: the checks this one depends on, and those depending on it. A
    check in neither has no row, rather than a "none" nobody asked about."""
    rows = [("Depends on", parents), ("Checks that depend on it", children)]
    return [(term, checks) for term, checks in rows if checks]
