"""Pure state rules: what each kind of ping does, and when a check is due."""

from datetime import UTC, datetime, timedelta

import pytest

from webapp.core.schedules import Schedule
from webapp.core.transitions import CheckState, deadlines_for, down_reason, next_state

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
EVERY_HOUR = Schedule(kind="simple", timeout=3600, grace=300)


def state(**kw) -> CheckState:
    return CheckState(**{"status": "up", "schedule": EVERY_HOUR,
                         "last_ping": NOW - timedelta(minutes=30), **kw})


def test_a_success_puts_the_check_up_with_fresh_deadlines():
    out = next_state(state(status="new", last_ping=None), "success", "GET", None, None, NOW)
    assert (out.kind, out.status, out.last_ping) == ("success", "up", NOW)
    assert out.next_ping == NOW + timedelta(hours=1)
    assert out.alert_after == NOW + timedelta(hours=1, minutes=5)


def test_a_failure_puts_the_check_down_without_deadlines():
    out = next_state(state(), "fail", "GET", None, None, NOW)
    assert (out.status, out.next_ping, out.alert_after) == ("down", None, None)


def test_log_changes_nothing_but_is_recorded():
    before = state()
    out = next_state(before, "log", "POST", None, None, NOW)
    assert (out.kind, out.status, out.last_ping) == ("log", "up", before.last_ping)
    assert out.alert_after == before.last_ping + timedelta(hours=1, minutes=5)


def test_start_opens_a_run_with_its_own_deadline():
    out = next_state(state(), "start", "GET", "r1", None, NOW)
    assert (out.status, out.last_start, out.last_start_rid) == ("up", NOW, "r1")
    # The run may last the grace time (no max_runtime), sooner than the schedule.
    assert out.alert_after == NOW + timedelta(minutes=5)


def test_max_runtime_bounds_a_run_instead_of_grace():
    schedule = Schedule(kind="simple", timeout=3600, grace=300, max_runtime=60)
    out = next_state(state(schedule=schedule), "start", "GET", None, None, NOW)
    assert out.alert_after == NOW + timedelta(seconds=60)


def test_a_success_closes_its_own_run_and_measures_it():
    started = state(last_start=NOW - timedelta(seconds=90), last_start_rid=None)
    out = next_state(started, "success", "GET", None, started.last_start, NOW)
    assert (out.last_start, out.duration, out.last_duration) == (None, 90.0, 90.0)


def test_a_success_of_another_run_leaves_the_open_run_open():
    started = state(last_start=NOW - timedelta(seconds=10), last_start_rid="b")
    out = next_state(started, "success", "GET", "a", NOW - timedelta(seconds=100), NOW)
    assert out.duration == 100.0
    assert (out.last_start, out.last_start_rid) == (started.last_start, "b")
    assert out.alert_after == started.last_start + timedelta(minutes=5)


# Healthchecks' rule (hc/api/models.py, Check.ping; hc/api/tests/test_ping.py):
# (start rid, end rid, kind) -> does the open run stay open?
RUN_PAIRING = [
    (None, None, "success", False), (None, None, "fail", False),
    (None, "a", "success", True), (None, "a", "fail", False),
    ("a", None, "success", False), ("a", None, "fail", False),
    ("a", "a", "success", False), ("a", "a", "fail", False),
    ("a", "b", "success", True), ("a", "b", "fail", False),
]


@pytest.mark.parametrize("start_rid, end_rid, kind, stays_open", RUN_PAIRING)
def test_which_success_or_failure_ends_the_open_run(start_rid, end_rid, kind, stays_open):
    schedule = Schedule(kind="simple", timeout=3600, grace=300, max_runtime=60)
    started = state(schedule=schedule, last_start=NOW - timedelta(seconds=30),
                    last_start_rid=start_rid)
    out = next_state(started, kind, "GET", end_rid, None, NOW)
    assert (out.last_start is not None) is stays_open
    assert out.last_start_rid == (start_rid if stays_open else None)
    if stays_open:  # the open run keeps its own deadline
        assert out.alert_after == started.last_start + timedelta(seconds=60)
    elif out.status == "up":  # only the schedule is left to go down by
        assert out.alert_after == NOW + timedelta(hours=1, minutes=5)


@pytest.mark.parametrize("kind", ["success", "fail", "start"])
def test_methods_post_turns_other_methods_into_ignored_pings(kind):
    before = state(methods="POST")
    out = next_state(before, kind, "GET", None, None, NOW)
    assert (out.kind, out.status, out.last_ping, out.last_start) == (
        "ign", "up", before.last_ping, None)


def test_a_paused_check_resumes_on_a_ping_unless_manual_resume():
    assert next_state(state(status="paused"), "success", "GET", None, None, NOW).status == "up"
    out = next_state(state(status="paused", manual_resume=True), "success", "GET", None, None, NOW)
    assert (out.kind, out.status, out.alert_after) == ("ign", "paused", None)


def test_only_new_and_up_checks_have_a_deadline():
    for status in ("down", "paused"):
        assert deadlines_for(status, EVERY_HOUR, NOW, NOW) == (None, None)
    assert deadlines_for("new", EVERY_HOUR, None, None) == (None, None)
    assert deadlines_for("new", EVERY_HOUR, None, NOW) == (None, NOW + timedelta(minutes=5))


def test_down_reasons():
    assert down_reason(EVERY_HOUR, NOW - timedelta(minutes=6), NOW) == "started but did not finish"
    assert down_reason(EVERY_HOUR, None, NOW) == "no ping within the schedule and grace time"
    assert down_reason(EVERY_HOUR, NOW - timedelta(minutes=1), NOW) == (
        "no ping within the schedule and grace time")


def test_a_run_shorter_than_min_runtime_is_a_failure_saying_how_long_it_ran():
    """Healthchecks #236: a job that "succeeds" in 2 s has not done its work."""
    started = state(last_start=NOW - timedelta(seconds=2), min_runtime=60)
    out = next_state(started, "success", "GET", None, started.last_start, NOW)
    assert (out.kind, out.status, out.failure) == ("fail", "down",
                                                   "ran 2 s, expected at least 60 s")
    long_enough = state(last_start=NOW - timedelta(seconds=61), min_runtime=60)
    out = next_state(long_enough, "success", "GET", None, long_enough.last_start, NOW)
    assert (out.kind, out.status, out.failure) == ("success", "up", None)


def test_min_runtime_needs_a_measured_run_and_leaves_failures_alone():
    # No start signal: the run's length is unknown, so it is not judged.
    out = next_state(state(min_runtime=60), "success", "GET", None, None, NOW)
    assert (out.kind, out.failure) == ("success", None)
    started = state(last_start=NOW - timedelta(seconds=2), min_runtime=60)
    out = next_state(started, "fail", "GET", None, started.last_start, NOW)
    assert (out.kind, out.failure) == ("fail", None)  # a failure is one already
