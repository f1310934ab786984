"""A check's alert settings in words, for its page: who hears, when, and about what."""

from __future__ import annotations

from .schedules import seconds_in_words
from .transitions import run_limit


def channel_list_words(check, has_channels: bool, own_address: str) -> str:
    if check.channels:
        return ", ".join(f"{c.name} ({c.kind})" for c in check.channels)
    if has_channels:
        return "nobody: no channel is chosen for this check"
    # The rule of flips.alert_targets: no channels at all means one's own address.
    return f"email to {own_address} (you have no channels)"


def bounds_words(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"a value below {low:g} or above {high:g} counts as a failure"
    if low is not None:
        return f"a value below {low:g} counts as a failure"
    if high is not None:
        return f"a value above {high:g} counts as a failure"
    return "any value"


def alert_words(check, *, has_channels: bool, own_address: str) -> list[tuple[str, str]]:
    """(term, words) pairs for the check page's Alerts card."""
    n = check.failure_threshold
    rows = [
        ("Alerts go to", channel_list_words(check, has_channels, own_address)),
        ("Reminders", f"every {seconds_in_words(check.nag_period)} while down"
         if check.nag_period else "off"),
        ("Failures", "the first one alerts" if n == 1 else f"{n} in a row alert"),
        ("Values", bounds_words(check.value_min, check.value_max)),
        ("Runs", f"a started run may take {seconds_in_words(run_limit(check.schedule_spec))}"
         + ("" if check.max_runtime else " (the grace time)")),
    ]
    if check.methods == "POST":
        rows.append(("Pings", "only POST pings count"))
    if check.manual_resume:
        rows.append(("Pausing", "stays paused until resumed by hand"))
    return rows
