"""Recording a ping: the one place where input changes a check's state.

Every ping endpoint parses its own request and hands the fields to
`ping.common.record`, which makes the `PingData`, calls `apply_ping` and
then dispatches the notifications. `apply_ping` stores the ping, moves the
check to its new state and records the flip and its notifications in one
transaction; the endpoint answers only after that commit, so a 200 means the
ping is stored.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import current_app

from ..db import db
from ..db.connections import ping_connection
from ..db.prepared import Prepared, Row
from ..db.write_lock import ping_writer
from .flips import record_flip
from .keyword_fields import keywords_of
from .keywords import Verdict, classify
from .models import Check, Ping
from .schedules import schedule_of
from .times import utcnow
from .transitions import CheckState, next_state

checks = Check.__table__
pings = Ping.__table__

MSG_LIMIT = 1000
# The widths of the pings table's text columns: longer values are cut to fit.
ADDRESS_LIMIT = 64
UA_LIMIT = 200


class PingData(NamedTuple):
    kind: str = "success"  # one of transitions.KINDS
    msg: str | None = None
    value: float | None = None
    method: str = "GET"
    scheme: str = "http"
    remote_addr: str = ""
    ua: str = ""
    rid: str | None = None
    exitstatus: int | None = None
    body: bytes | None = None
    # Whether the check's keyword filters may reclassify the ping by its body:
    # Healthchecks' /ping/ URLs, where Healthchecks applies them.
    keywords: bool = False


class Applied(NamedTuple):
    check_id: int
    ping_id: int
    n: int
    kind: str
    created: datetime
    old_status: str
    new_status: str
    notifications: list[tuple[int, str]]


class StateRow(NamedTuple):
    """The columns apply_ping reads: the state, and the deadlines it may replace."""

    id: int
    project_id: int
    n_pings: int
    status: str
    kind: str
    timeout: int
    grace: int
    schedule: str
    tz: str
    grace_to_end_of_day: bool
    max_runtime: int | None
    min_runtime: int | None
    manual_resume: bool
    methods: str
    last_ping: datetime | None
    last_start: datetime | None
    last_start_rid: str | None
    last_duration: float | None
    failure_threshold: int
    fail_count: int
    value_min: float | None
    value_max: float | None
    nag_period: int
    next_nag: datetime | None
    next_ping: datetime | None
    alert_after: datetime | None
    start_kw: str
    success_kw: str
    failure_kw: str
    filter_body: bool
    filter_default_fail: bool


class NewPing(NamedTuple):
    id: int


_STATE_COLUMNS = tuple(checks.c[name] for name in StateRow._fields)


def state_of(row: StateRow) -> CheckState:
    return CheckState(row.status, schedule_of(row), row.last_ping, row.last_start,
                      row.last_start_rid, row.last_duration, row.methods, row.manual_resume,
                      row.failure_threshold, row.fail_count, row.value_min, row.value_max,
                      row.nag_period, row.next_nag, min_runtime=row.min_runtime)


def run_start_of(conn: sa.Connection, check_id: int, state: CheckState,
                 rid: str | None) -> datetime | None:
    """When the run that a success or failure with this rid began, if it was signalled."""
    if state.last_start is not None and state.last_start_rid == rid:
        return state.last_start
    if rid is None:
        return None
    # Overlapping runs: an older run's start is in the log, found by index.
    return conn.scalar(
        sa.select(pings.c.created)
        .where(pings.c.check_id == check_id, pings.c.rid == rid, pings.c.kind == "start")
        .order_by(pings.c.n.desc())
        .limit(1)
    )


def flip_reason(data: PingData, failure: str | None) -> str:
    if failure:
        return failure
    if data.kind != "fail":
        return "ping received"
    if data.msg:
        return data.msg
    if data.exitstatus is not None:
        return f"exit status {data.exitstatus}"
    return "failure reported"


# Built once, at import, and run as Prepared statements: on this path
# SQLAlchemy's per-execution work would cost more than the database does.
#
# The check's row is locked before it is read, so concurrent pings of one
# check queue up: each gets its own n, and the state it reads is the state it
# replaces (reading without the lock would let two pings both see "down" and
# both record a recovery). PostgreSQL locks the row with FOR UPDATE; SQLite,
# which compiles FOR UPDATE away, takes its one write lock with BEGIN IMMEDIATE.
_BEGIN_IMMEDIATE = Prepared(sa.text("BEGIN IMMEDIATE"))
_READ = Prepared(sa.select(*_STATE_COLUMNS).where(checks.c.uuid == sa.bindparam("p_uuid"))
                 .with_for_update(), returning=_STATE_COLUMNS, row=StateRow)
_READ_BY_PUSH_TOKEN = Prepared(
    sa.select(*_STATE_COLUMNS).where(checks.c.push_token == sa.bindparam("p_push_token"))
    .with_for_update(), returning=_STATE_COLUMNS, row=StateRow)
# What a URL's token may be, per column, as `apply_ping`'s `by` names them.
_LOOKUPS = {"uuid": (_READ, "p_uuid"), "push_token": (_READ_BY_PUSH_TOKEN, "p_push_token")}
BY_UUID = ("uuid",)
_STATE_FIELDS = ("status", "last_ping", "last_start", "last_start_rid", "last_duration",
                 "next_ping", "alert_after", "fail_count", "next_nag")


@functools.cache
def _update(fields: tuple[str, ...]) -> Prepared[Row]:
    """An UPDATE of these columns of one check. The p_ prefix keeps parameter
    names apart from column names, which SQLAlchemy requires in SET clauses."""
    return Prepared(sa.update(checks).where(checks.c.id == sa.bindparam("p_id"))
                    .values({f: sa.bindparam(f"p_{f}") for f in fields}))


_PING_COLUMNS = ("check_id", "n", "created", "kind", "scheme", "method", "remote_addr", "ua",
                 "msg", "value", "rid", "exitstatus", "duration", "body")
_INSERT_PING = Prepared(sa.insert(pings).returning(pings.c.id), column_keys=_PING_COLUMNS,
                        returning=(pings.c.id,), row=NewPing)
_PRUNE = Prepared(sa.delete(pings).where(pings.c.check_id == sa.bindparam("p_id"),
                                         pings.c.n <= sa.bindparam("p_upto")))


def apply_ping(token: str, data: PingData, now: datetime | None = None,
               by: tuple[str, ...] = BY_UUID) -> Applied | None:
    """Store a ping for the check `token` names and apply it; None if there is no such check.

    `by` is where the token is looked for, in order: the uuid (every ping
    URL), then the push token an imported monitor kept (the push URL only).
    Commits before returning. Raises SQLAlchemy errors when the database is
    unavailable, after rolling back.
    """
    now = now or utcnow()
    read: list[bool] = []  # set once the check's row was read: from then on, no retry
    try:
        return _apply_ping(token, by, data, now, read)
    except sa.exc.DBAPIError as e:
        if read or not e.connection_invalidated:
            raise
    # The thread's kept connection had died (PostgreSQL restarted since the last
    # ping, say) and failed the first statement, before anything was written:
    # one more try, on a fresh connection, cannot store the ping twice.
    return _apply_ping(token, by, data, now, [])


def read_check(conn: sa.Connection, token: str, by: tuple[str, ...]) -> StateRow | None:
    """The state of the check `token` names, its row locked; the one place a
    ping's token becomes a check. Each column of `by` is unique, and a push
    token may never equal another check's uuid (`core.push_tokens`), so at
    most one check can answer."""
    for column in by:
        statement, name = _LOOKUPS[column]
        row = statement.first(conn, {name: token})
        if row is not None:
            return row
    return None


def _apply_ping(token: str, by: tuple[str, ...], data: PingData, now: datetime,
                read: list[bool]) -> Applied | None:
    # A Core connection of the thread's own rather than the ORM session: on
    # this path the session's bookkeeping would cost more than the statements
    # do. The ping-writer lock covers only the transaction; begin() commits
    # when its block ends, and rolls back on any error.
    with (ping_connection(db.engine) as conn, ping_writer(db.engine), conn.begin()):
        begin_writing(conn)
        return apply_in(conn, token, by, data, now, read)


def begin_writing(conn: sa.Connection) -> None:
    """Start the ping transaction's writing at once (SQLite's one write lock)."""
    if conn.dialect.name == "sqlite":
        _BEGIN_IMMEDIATE.execute(conn, {})


def apply_in(conn: sa.Connection, token: str, by: tuple[str, ...], data: PingData,
             now: datetime | None = None, read: list[bool] | None = None) -> Applied | None:
    """One ping, inside the caller's writing transaction, which commits it;
    at `now`, else at the time it is written."""
    now = now or utcnow()
    row = read_check(conn, token, by)
    if read is not None:
        read.append(True)
    if row is None:
        return None
    n = row.n_pings + 1
    state = state_of(row)
    # The keyword filters may make the ping another kind than its URL says;
    # a pause or a POST-only check still ignores it (next_state).
    verdict = classify(data.kind, data.body, keywords_of(row)) if data.keywords \
        else Verdict(data.kind)
    kind = verdict.kind
    run_start = None
    if kind in ("success", "fail"):
        run_start = run_start_of(conn, row.id, state, data.rid)
    out = next_state(state, kind, data.method, data.rid, run_start, now, data.value)
    # Why the ping is not what it claimed (a value out of bounds, a keyword)
    # is told in the log as the message, when the ping had none.
    note = out.failure or (verdict.reason if out.kind == kind else None)
    msg = data.msg if data.msg or not note else note
    changes: dict[str, Any] = {"n_pings": n}
    if out.kind not in ("ign", "log"):
        # Only what changed: an unchanged indexed column (next_nag, most
        # of the time) then costs its index nothing.
        changes.update({f: value for f in _STATE_FIELDS
                        if (value := getattr(out, f)) != getattr(row, f)})
        if out.kind != "start":  # a start signal is not a report
            changes.update(last_msg=msg, last_value=data.value)
    _update(tuple(changes)).execute(
        conn, {"p_id": row.id, **{f"p_{f}": value for f, value in changes.items()}})
    ping_id = _INSERT_PING.one(conn, {
        "check_id": row.id, "n": n, "created": now, "kind": out.kind,
        "scheme": data.scheme, "method": data.method,
        "remote_addr": data.remote_addr[:ADDRESS_LIMIT], "ua": data.ua[:UA_LIMIT],
        "msg": msg, "value": data.value, "rid": data.rid,
        "exitstatus": data.exitstatus, "duration": out.duration, "body": data.body,
    }).id
    keep = current_app.config["PING_RETENTION"]
    if n > keep:
        # n is dense per check, so this range is at most a row or two,
        # found through the (check_id, n) index.
        _PRUNE.execute(conn, {"p_id": row.id, "p_upto": n - keep})
    notifications: list[tuple[int, str]] = []
    if out.status != row.status:
        notifications = record_flip(
            conn, row.id, row.project_id, row.status, out.status,
            reason=flip_reason(data._replace(kind=kind), note), actor="ping", now=now,
        )
    return Applied(row.id, ping_id, n, out.kind, now, row.status, out.status, notifications)
