"""Recording a change of state (or a reminder) and, in the same transaction,
the notifications it owes each channel: the outbox its delivery jobs work from."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa

from .channels import alert_targets
from .dependencies import wake_children
from .flapping import STATES, starts_flapping
from .holds import Hold, held_reason, hold_of
from .models import Channel, Check, Flip, Notification
from .routing import route
from .snooze import is_muted, muted_reason
from .storms import storm_due

flips = Flip.__table__
notifications = Notification.__table__
checks = Check.__table__


def is_alert(old_status: str, new_status: str) -> bool:
    """Down always alerts; up alerts only as a recovery from down.

    new -> up (first ping) and paused -> up (resumed by a ping) are logged but
    not sent: nobody was told the check was in trouble. A pause is logged, and
    nothing is sent while paused.
    """
    return new_status == "down" or (new_status == "up" and old_status == "down")


def new_job_id() -> str:
    """Each delivery attempt chain gets a fresh job id, kept on its notification row."""
    return f"hb-notify-{uuid.uuid4().hex}"


def queue_notifications(conn: sa.Connection, check_id: int, project_id: int, flip_id: int | None,
                        event: str, now: datetime,
                        down_since: datetime | None = None) -> list[tuple[int, str]]:
    """One outbox row per channel the check alerts and the event is routed to
    (`core.routing`); returns the (id, job id) pairs to queue now.

    A down held back by a channel's delay gets its row now, due later, and no
    job: the sweep starts one when it is due, so a crash cannot lose it. A
    recovery cancels such a row while it waits, and then sends that channel
    no "up" either: nobody there heard of the down.
    """
    targets = alert_targets(conn, check_id, project_id)
    cancelled = cancel_held_downs(conn, check_id, now, RECOVERED_IN_DELAY) \
        if event == "up" else set()
    rows = []
    for t in targets:
        decision = route(t.events, t.delay, event, now, down_since)
        if not decision.send or t.channel_id in cancelled:
            continue
        # A storm's rows wait for its window's end with no job, as held ones do.
        storm = None if decision.held else storm_due(conn, t.channel_id, event, now)
        rows.append({"flip_id": flip_id, "check_id": check_id, "channel_id": t.channel_id,
                     "event": event, "kind": t.kind, "target": t.target, "status": "pending",
                     "attempts": 0, "error": "", "created": now, "grouped": storm is not None,
                     "job_id": None if decision.held or storm else new_job_id(),
                     "next_attempt": storm or decision.due or now})
    if not rows:
        return []
    result = conn.execute(
        sa.insert(notifications).returning(notifications.c.id, notifications.c.job_id,
                                           sort_by_parameter_order=True),
        rows,
    )
    return [(row.id, row.job_id) for row in result if row.job_id is not None]


def cancel_held_downs(conn: sa.Connection, check_id: int, now: datetime,
                      why: str) -> set[int | None]:
    """Cancel the check's downs still waiting for a channel's delay; the channels whose were.

    Only rows of channels with a delay: a channel told at once keeps its
    down (retried if it failed), as before. A row being sent right now (its
    lease holds) is left to finish: that channel hears of the down, so it
    hears of the recovery too.
    """
    delayed = sa.select(Channel.id).where(Channel.delay > 0).scalar_subquery()
    result = conn.execute(
        sa.update(notifications)
        .where(notifications.c.check_id == check_id, notifications.c.channel_id.in_(delayed),
               notifications.c.event == "down", notifications.c.status == "pending",
               sa.or_(notifications.c.lease_until.is_(None), notifications.c.lease_until < now))
        .values(status="cancelled", error=why, job_id=None, lease_until=None)
        .returning(notifications.c.channel_id)
    )
    return {row.channel_id for row in result}


RECOVERED_IN_DELAY = "not sent: the check recovered within the channel's delay"
LEFT_DOWN_IN_DELAY = "not sent: the check was no longer down when the channel's delay ended"


def record_flip(
    conn: sa.Connection,
    check_id: int,
    project_id: int,
    old_status: str,
    new_status: str,
    *,
    reason: str,
    actor: str,
    now: datetime,
) -> list[tuple[int, str]]:
    """Insert a flip and its notification rows; returns their (id, job id) pairs.

    The caller owns the transaction and passes its connection: the flip, its
    notifications (the outbox) and the state change itself must commit
    together, or not at all, so that a crash can neither lose an alert nor
    send one for a change that never was.
    """
    state = conn.execute(sa.select(checks.c.muted_until, checks.c.mute_until_up,
                                   checks.c.alerted)
                         .where(checks.c.id == check_id)).one()
    muted = is_muted(state.muted_until, state.mute_until_up, now)
    alert = is_alert(old_status, new_status)
    hold = hold_of(conn, check_id, new_status, now) if alert and not muted else None
    changes: dict = {}
    flapping = alert and not muted and hold is None and old_status in STATES \
        and starts_flapping(conn, check_id, now)
    if flapping:
        # This change is one too many: it sends "flapping" instead of itself,
        # and the ones after it are held until the check is stable.
        hold = Hold(*flapping)
        changes["flapping_since"] = now
    # An "up" is news only to those who were sent the down: not after a muted
    # or held one (nobody heard of it), as paused -> up is not sent either.
    owed = alert and not muted and hold is None \
        and (new_status == "down" or state.alerted == "down")
    if new_status == "up":
        changes["mute_until_up"] = False  # "until up" ends here (a time ends by itself)
    if new_status == "paused":
        changes["alerted"] = None  # a pause tells nobody anything, and owes nothing
    if owed:
        changes["alerted"] = new_status
    if hold is not None:
        reason = held_reason(reason, hold.why)
        changes["release_at"] = hold.until
    elif muted and alert:
        reason = muted_reason(reason)
    if changes:
        conn.execute(sa.update(checks).where(checks.c.id == check_id).values(**changes))
    if old_status == "down":
        wake_children(conn, check_id, now)  # whatever it is now, it is no longer down
    flip_id = conn.execute(
        sa.insert(flips)
        .values(check_id=check_id, created=now, old_status=old_status,
                new_status=new_status, reason=reason[:200], actor=actor)
        .returning(flips.c.id)
    ).scalar_one()
    if owed:
        return queue_notifications(conn, check_id, project_id, flip_id, new_status, now)
    if flapping:
        return queue_notifications(conn, check_id, project_id, flip_id, "flapping", now)
    if old_status == "down":
        # Recovered unheard, or paused, while a channel's down waits: when its
        # delay ends the check is not "still down", so that channel is told nothing.
        cancel_held_downs(conn, check_id, now,
                          RECOVERED_IN_DELAY if new_status == "up" else LEFT_DOWN_IN_DELAY)
    return []


def release(conn: sa.Connection, check_id: int, now: datetime) -> list[tuple[int, str]]:
    """Look again at a check whose alert was held: send what it still owes.

    Still held: look again later. Otherwise a check down that people were
    not sent down gets its alert now, once; one up again after a down they
    were sent gets its recovery; one whose held down recovered meanwhile
    owes nothing. A check muted by now owes nothing either (`core.snooze`).
    """
    row = conn.execute(sa.select(checks.c.status, checks.c.alerted, checks.c.project_id,
                                 checks.c.muted_until, checks.c.mute_until_up)
                       .where(checks.c.id == check_id)).first()
    if row is None:
        return []
    hold = hold_of(conn, check_id, row.status, now)
    # Nothing holds it: if it was flapping, it has been stable for its window.
    after = {"release_at": hold.until} if hold else {"release_at": None, "flapping_since": None}
    conn.execute(sa.update(checks).where(checks.c.id == check_id).values(**after))
    if hold is not None or is_muted(row.muted_until, row.mute_until_up, now):
        return []
    if row.status == "down" and row.alerted != "down":
        event = "down"
    elif row.status == "up" and row.alerted == "down":
        event = "up"
    else:
        return []
    flip = conn.execute(
        sa.select(flips.c.id, flips.c.created)
        .where(flips.c.check_id == check_id, flips.c.new_status == row.status)
        .order_by(flips.c.id.desc()).limit(1)
    ).first()
    conn.execute(sa.update(checks).where(checks.c.id == check_id).values(alerted=event))
    return queue_notifications(conn, check_id, row.project_id, flip.id if flip else None,
                               event, now)


def record_reminder(conn: sa.Connection, check_id: int, project_id: int,
                    now: datetime) -> list[tuple[int, str]]:
    """Reminder rows for a check that is still down, tied to the flip that put it there.

    None while it is muted or held, nor for a down that nobody was sent (the
    sweep still moves next_nag on: these skip reminders, not delay them).
    """
    down = conn.execute(
        sa.select(flips.c.id, flips.c.created)
        .where(flips.c.check_id == check_id, flips.c.new_status == "down")
        .order_by(flips.c.id.desc()).limit(1)
    ).first()
    flip_id, down_since = (down.id, down.created) if down else (None, None)
    alerted = conn.execute(sa.select(checks.c.alerted).where(checks.c.id == check_id)).scalar()
    if alerted != "down" or muted_now(conn, check_id, now) \
            or hold_of(conn, check_id, "reminder", now) is not None:
        return []
    return queue_notifications(conn, check_id, project_id, flip_id, "reminder", now, down_since)


def record_late(conn: sa.Connection, check_id: int, project_id: int,
                now: datetime) -> list[tuple[int, str]]:
    """"Late" rows, for the channels that asked for them, of a check whose ping
    is overdue within its grace time. No flip: late is the clock passing a
    time. Muted or held, nothing is sent (and nothing is owed later: by then
    the check is up or down, which is news of its own)."""
    if muted_now(conn, check_id, now) or hold_of(conn, check_id, "late", now) is not None:
        return []
    return queue_notifications(conn, check_id, project_id, None, "late", now)


def muted_now(conn: sa.Connection, check_id: int, now: datetime) -> bool:
    """Whether the check is snoozed at `now`, read in the flip's own transaction."""
    row = conn.execute(sa.select(checks.c.muted_until, checks.c.mute_until_up)
                       .where(checks.c.id == check_id)).first()
    return row is not None and is_muted(row.muted_until, row.mute_until_up, now)
