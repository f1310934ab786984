"""Pure state rules: what a ping does to a check, and when a check is due.

No I/O and no clock: pings.py reads the check, asks these functions what the
new state is, and writes it; check_fields (the API and the check form) uses
`deadlines_for` too, so that one rule decides every check's deadline.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from .schedules import Schedule, deadlines, is_late

KINDS = ("success", "fail", "start", "log")


class CheckState(NamedTuple):
    status: str
    schedule: Schedule
    last_ping: datetime | None = None
    last_start: datetime | None = None
    last_start_rid: str | None = None
    last_duration: float | None = None
    methods: str = ""
    manual_resume: bool = False
    failure_threshold: int = 1
    fail_count: int = 0
    value_min: float | None = None
    value_max: float | None = None
    nag_period: int = 0
    next_nag: datetime | None = None
    min_runtime: int | None = None


class Outcome(NamedTuple):
    kind: str  # what the ping is recorded as: a KIND, or "ign" when it does not count
    status: str
    last_ping: datetime | None
    last_start: datetime | None
    last_start_rid: str | None
    last_duration: float | None
    next_ping: datetime | None
    alert_after: datetime | None
    fail_count: int = 0
    next_nag: datetime | None = None
    duration: float | None = None  # the length of the run this ping ended
    failure: str | None = None  # why a ping that claimed success counts as a failure


def run_limit(schedule: Schedule) -> int:
    return schedule.max_runtime or schedule.grace


def deadlines_for(status: str, schedule: Schedule, last_ping: datetime | None,
                  last_start: datetime | None) -> tuple[datetime | None, datetime | None]:
    """(next_ping, alert_after) of a check in this state.

    Only `new` and `up` checks can go down: a new one only through an open
    run that overstays its max runtime, an up one by missing its schedule or
    through such a run, whichever comes first.
    """
    if status not in ("new", "up"):
        return None, None
    next_ping = alert_after = None
    if status == "up" and last_ping is not None:
        next_ping, alert_after = deadlines(schedule, last_ping)
    if last_start is not None:
        run_ends = last_start + timedelta(seconds=run_limit(schedule))
        alert_after = run_ends if alert_after is None else min(alert_after, run_ends)
    return next_ping, alert_after


def value_failure(value: float | None, low: float | None, high: float | None) -> str | None:
    """Why `value` is out of bounds, or None when it is within them (or absent)."""
    if value is None:
        return None
    if high is not None and value > high:
        return f"value {value:g} above max {high:g}"
    if low is not None and value < low:
        return f"value {value:g} below min {low:g}"
    return None


def next_nag(old_status: str, new_status: str, state: CheckState, now: datetime):
    """When the next reminder is due: set on going down, kept while down."""
    if new_status != "down" or not state.nag_period:
        return None
    if old_status == "down":
        return state.next_nag
    return now + timedelta(seconds=state.nag_period)


def ignored(state: CheckState, method: str) -> bool:
    if state.methods == "POST" and method != "POST":
        return True  # the check counts only POSTs (guards against link prefetchers)
    return state.status == "paused" and state.manual_resume


def too_fast(duration: float | None, min_runtime: int | None) -> str | None:
    """Why a run that reported success counts as a failure for being too short;
    None when it was long enough, or its length is unknown (no start signal)."""
    if duration is None or not min_runtime or duration >= min_runtime:
        return None
    return f"ran {duration:.0f} s, expected at least {min_runtime} s"


def run_stays_open(state: CheckState, kind: str, rid: str | None) -> bool:
    """Whether the open run outlives a success or failure with this rid, as in
    Healthchecks (hc/api/models.py, Check.ping): only a success that names
    another run leaves it open (overlapping runs). A success with the run's
    rid, or with none, ends it; so does any failure, whatever its rid, since
    the job has reported and no "did not finish" alert may follow.
    """
    return (state.last_start is not None and kind == "success"
            and rid is not None and rid != state.last_start_rid)


def next_state(state: CheckState, kind: str, method: str, rid: str | None,
               run_start: datetime | None, now: datetime, value: float | None = None) -> Outcome:
    """The check's state after a ping of `kind` at `now`.

    `run_start` is when the run this ping ends began (the matching start
    signal), or None when there was none.
    """
    kind = "ign" if ignored(state, method) else kind
    if kind in ("ign", "log", "start"):
        # Recorded, and for a start the run is open; nothing else changes,
        # and the check keeps the deadlines its state gives it.
        started = kind == "start"
        return _outcome(
            state.schedule,
            kind=kind,
            status=state.status,
            last_ping=state.last_ping,
            last_start=now if started else state.last_start,
            last_start_rid=rid if started else state.last_start_rid,
            last_duration=state.last_duration,
            fail_count=state.fail_count,
            next_nag=state.next_nag,
        )
    duration = (now - run_start).total_seconds() if run_start is not None else None
    failure = None
    if kind == "success":
        failure = (value_failure(value, state.value_min, state.value_max)
                   or too_fast(duration, state.min_runtime))
    if failure:
        kind = "fail"
    fail_count = state.fail_count + 1 if kind == "fail" else 0
    if kind == "fail" and fail_count >= state.failure_threshold:
        status = "down"
    else:
        # A success, or a failure still under the threshold: the job is alive
        # and reporting, so it keeps (or takes up) its schedule; it is only a
        # success that brings a down check back.
        status = "down" if state.status == "down" and kind == "fail" else "up"
    run_open = run_stays_open(state, kind, rid)
    return _outcome(
        state.schedule,
        kind=kind,
        status=status,
        last_ping=now,
        last_start=state.last_start if run_open else None,
        last_start_rid=state.last_start_rid if run_open else None,
        last_duration=duration,
        fail_count=fail_count,
        next_nag=next_nag(state.status, status, state, now),
        duration=duration,
        failure=failure,
    )


def _outcome(schedule: Schedule, **fields) -> Outcome:
    next_ping, alert_after = deadlines_for(fields["status"], schedule, fields["last_ping"],
                                           fields["last_start"])
    return Outcome(next_ping=next_ping, alert_after=alert_after, **fields)


def shown_status(status: str, schedule: Schedule, last_start: datetime | None,
                 next_ping: datetime | None, now: datetime) -> str:
    """The stored state, with 'started' and 'late' derived from it (they are
    the clock passing a time, with no write to the row)."""
    if (last_start is not None and status != "paused"
            and now < last_start + timedelta(seconds=run_limit(schedule))):
        return "started"
    if is_late(status, next_ping, now):
        return "late"
    return status


def down_reason(schedule: Schedule, last_start: datetime | None, now: datetime) -> str:
    """Why the sweep is flipping a check down."""
    if last_start is not None and last_start + timedelta(seconds=run_limit(schedule)) <= now:
        return "started but did not finish"
    return "no ping within the schedule and grace time"
