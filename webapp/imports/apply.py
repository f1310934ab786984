"""Making a source's checks and channels here, or bringing the ones an earlier
run made up to date: the one place an import writes.

Every field goes through `check_fields.parse_fields` (the API's rules) and
every new check through `check_actions.create_check` (the project's check
limit), so an import can store nothing the API would refuse. A field the
rules refuse is left out of that check and reported; a refused schedule or
timeout refuses the whole check, since a check with another schedule than
its source's would alert at the wrong times, and so does a refused push
token (or uuid): the check's old ping URL would not reach it, and a run
after it could not find it again, so each run would make one more.

The uuid or push token names a check across runs, so two checks of the
source with the same one are not both taken: the first is, and the repeat
is refused (merging them would keep the settings of the last alone).

An existing check is changed only in the fields that differ from the
source, so a second run of the same import writes nothing at all.
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

import sqlalchemy as sa

from ..core import check_actions
from ..core.channels import add_channel, parse_channel, resolve_channels, update_channel
from ..core.check_fields import apply_fields, parse_fields
from ..core.errors import CheckLimitReached, FieldError
from ..core.models import Channel, Check
from ..core.routing import parse_delay, parse_events, routing_words
from ..core.times import utcnow
from ..db import db
from .report import CREATED, LINKED, SKIPPED, UNCHANGED, UPDATED, Item, Report

# Fields whose refusal refuses the check: they decide when it alerts.
ESSENTIAL = frozenset({"timeout", "schedule", "tz"})
# Fields whose refusal refuses the check: they are its ping URLs.
URL_FIELDS = frozenset({"push_token"})
ACTOR = "import"
W = TypeVar("W")
R = TypeVar("R")


@dataclass
class ChannelSpec:
    """A channel of the source. `fields` is what `parse_channel` takes to make
    it here (kind, name, value, headers); None when the source does not give
    its settings, and then only a channel that exists here can stand for it."""

    ref: str  # the source's id for it, as its checks name it
    kind: str  # our kind: email | webhook | apprise
    name: str
    fields: dict | None = None
    missing: str = ""  # why it cannot be made here, when it has no fields
    # Which events it is sent and after what delay, when the source says.
    routing: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass
class CheckSpec:
    """A check of the source, its fields as the API takes them."""

    name: str
    ref: str
    data: dict
    uuid: str | None = None  # keep this uuid (Healthchecks' own; ours, with secrets)
    # The source's channel refs it alerts; None: the source says nothing (new
    # checks then alert every channel, as a check made here does).
    channels: list[str] | None = None
    paused: bool | None = None  # None: leave it as it is
    # The source's key of the check's badge URLs (/b/2|3/<key>.svg), as the
    # source gave it: kept when it is a UUID no other check here has.
    badge_key: object = None
    notes: list[str] = field(default_factory=list)  # what the reader could not carry
    refused: str = ""  # why the source's check cannot be imported at all, when it cannot

    def identity(self) -> tuple[str, str] | None:
        """What names the check across runs: its uuid, else its push token."""
        if self.uuid:
            return ("uuid", self.uuid)
        token = self.data.get("push_token")
        return ("push_token", token) if isinstance(token, str) and token else None


def pair_up(wanted: Iterable[W], wanted_key: Callable[[W], Hashable],
            existing: Iterable[R], existing_key: Callable[[R], Hashable]) -> dict[int, R]:
    """{id(w): the existing row it stands for}: rows of equal keys paired in order,
    so that two like-named things of the source find their two rows again."""
    pool: dict[Hashable, list[R]] = {}
    for row in existing:
        pool.setdefault(existing_key(row), []).append(row)
    out = {}
    for w in wanted:
        rows = pool.get(wanted_key(w))
        if rows:
            out[id(w)] = rows.pop(0)
    return out


# --- channels ---------------------------------------------------------------------------

class Carried(dict):
    """{source ref: our channel code, or None when the source's channel is not
    carried}, and the names of the source's channels, for the checks' notes."""

    def __init__(self) -> None:
        super().__init__()
        self.names: dict[str, str] = {}


def apply_channels(project_id: int, specs: list[ChannelSpec], report: Report) -> Carried:
    """Make or update the channels; which our channel stands for each of the source's."""
    here = list(db.session.scalars(
        sa.select(Channel).where(Channel.project_id == project_id).order_by(Channel.id)))
    found = pair_up(specs, lambda s: (s.kind, s.name), here, lambda c: (c.kind, c.name))
    codes = Carried()
    for spec in specs:
        item = report.add("channel", spec.name, spec.ref)
        item.notes.extend(spec.notes)
        channel = found.get(id(spec))
        try:
            channel = _carry_channel(project_id, spec, channel, item)
        except FieldError as e:
            db.session.rollback()
            item.outcome, channel = SKIPPED, None
            item.notes.append(f"not carried: {e}")
        codes[spec.ref] = channel.code if channel is not None else None
        codes.names[spec.ref] = spec.name
    return codes


def _carry_channel(project_id: int, spec: ChannelSpec, channel: Channel | None,
                   item: Item) -> Channel | None:
    if spec.fields is None:
        if channel is None:
            item.outcome = SKIPPED
            item.notes.append(f"not carried: {spec.missing}")
            return None
        item.outcome = LINKED
        item.notes.append(f"stands for the {channel.kind} channel {channel.name!r} here")
        if note := _routing_kept(channel, spec.routing):
            item.notes.append(note)
        return channel
    fields = parse_channel({"kind": spec.kind, "name": spec.name, **spec.fields})
    if channel is None:
        item.outcome = CREATED
        return add_channel(project_id, fields, join_checks=False)  # commits
    routing = (fields.get("events", channel.events), fields.get("delay", channel.delay))
    if (channel.value, channel.headers, channel.events, channel.delay) == (
            fields["value"], fields["headers"], *routing):
        item.outcome = UNCHANGED
    else:
        update_channel(channel, fields)  # commits
        item.outcome = UPDATED
    return channel


def _routing_kept(channel: Channel, routing: dict) -> str | None:
    """What to say when a linked channel here is routed otherwise than the source's."""
    try:
        events = parse_events(routing["events"]) if "events" in routing else channel.events
        delay = parse_delay(routing["delay"]) if "delay" in routing else channel.delay
    except FieldError as e:
        return f"the source's routing is not carried: {e}"
    if (events, delay) == (channel.events, channel.delay):
        return None
    return (f"its routing here ({routing_words(channel.events, channel.delay)}) is kept, "
            f"not the source's ({routing_words(events, delay)})")


# --- checks ----------------------------------------------------------------------------

def apply_checks(project_id: int, specs: list[CheckSpec], channel_codes: Carried | None,
                 report: Report) -> None:
    """Make or update each check; each is committed on its own, so a refused
    one (the check limit, a taken uuid) leaves the others done, and a second
    run picks up where the first stopped."""
    # A check named by uuid or push token is found by it; one without (our
    # export made without secrets) by its name and slug, among the others.
    identities = {s.identity() for s in specs} - {None}
    others = [c for c in db.session.scalars(
        sa.select(Check).where(Check.project_id == project_id).order_by(Check.id))
        if ("uuid", c.uuid) not in identities and ("push_token", c.push_token) not in identities]
    keyless = [s for s in specs if s.identity() is None]
    by_name = pair_up(keyless, lambda s: (s.data.get("name", ""), s.data.get("slug", "")),
                      others, lambda c: (c.name, c.slug))
    seen: set[tuple[str, str]] = set()
    for spec in specs:
        item = report.add("check", spec.name, spec.ref)
        item.notes.extend(spec.notes)
        identity = spec.identity()
        if identity in seen:
            item.notes.append(f"not imported: an earlier check of the source has the same "
                              f"{IDENTITY_WORDS[identity[0]]} {identity[1]!r}, and a ping "
                              "URL names one check")
            continue
        if identity is not None:
            seen.add(identity)
        if spec.refused:
            item.notes.append(f"not imported: {spec.refused}")
            continue
        try:
            existing = (_find(project_id, spec) if spec.identity() is not None
                        else by_name.get(id(spec)))
            fields = _validated(spec, channel_codes or Carried(), item)
            if fields is not None:
                _carry_check(project_id, spec, existing, fields, item)
        except (FieldError, CheckLimitReached, sa.exc.IntegrityError) as e:
            db.session.rollback()
            item.outcome = SKIPPED
            item.notes.append(f"not imported: {_reason(e)}")


IDENTITY_WORDS = {"uuid": "uuid", "push_token": "push token"}


def _reason(e: Exception) -> str:
    if isinstance(e, CheckLimitReached):
        return "the project has reached its check limit (MAX_CHECKS_PER_PROJECT)"
    if isinstance(e, sa.exc.IntegrityError):
        return ("another check took its uuid, push token or badge key meanwhile; run the "
                "import again")
    return str(e)


def _find(project_id: int, spec: CheckSpec) -> Check | None:
    """The check an earlier run made for `spec`, found by its uuid or push token.
    FieldError when a check of another project has it: the URL is that one's."""
    column, value = spec.identity()  # type: ignore[misc]
    check = db.session.scalar(sa.select(Check).where(getattr(Check, column) == value))
    if check is not None and check.project_id != project_id:
        what = "uuid" if column == "uuid" else "push token"
        raise FieldError(f"its {what} belongs to a check of another project here, which "
                         "its ping URLs reach")
    return check


def _validated(spec: CheckSpec, channel_codes: Carried, item: Item) -> dict | None:
    """The spec's fields through the API's rules; each refused one is reported
    and left out; None (the check refused) when a schedule field or its push
    token is refused."""
    accepted = {}
    for key, value in spec.data.items():
        try:
            parsed = parse_fields({key: value})
        except FieldError as e:
            if key in ESSENTIAL:
                item.outcome = SKIPPED
                item.notes.append(f"not imported: its {key} cannot be carried: {e}")
                return None
            if key in URL_FIELDS:
                item.outcome = SKIPPED
                item.notes.append(f"not imported: its {key} cannot be carried ({e}), and "
                                  "without it its push URL would not reach the check here")
                return None
            item.notes.append(f"{key} not carried: {e}")
            continue
        if not parsed:
            item.notes.append(f"{key} not carried: Heartbeats has no such setting")
            continue
        accepted[key] = value
    if spec.channels is not None:
        accepted["channels"] = ",".join(
            code for ref in spec.channels if (code := channel_codes.get(ref)))
        dropped = [repr(channel_codes.names[ref]) for ref in spec.channels
                   if ref in channel_codes and channel_codes[ref] is None]
        if dropped:
            item.notes.append(f"its alerts to {', '.join(dropped)} not carried: that channel "
                              "is not imported (see it in this report)")
        unknown = [ref for ref in spec.channels if ref not in channel_codes]
        if unknown:
            item.notes.append("not carried: its alerts to channels missing from the "
                              "source's list of channels (" + ", ".join(unknown) + ")")
    return parse_fields(accepted)  # together: the rules that join fields (value_min <= max)


def _carry_check(project_id: int, spec: CheckSpec, check: Check | None, fields: dict,
                 item: Item) -> None:
    now = utcnow()
    badge_key = _badge_key(spec.badge_key, check, item)
    if check is None:
        check = check_actions.create_check(project_id, fields, now, uuid=spec.uuid)
        if badge_key is not None:
            check.badge_key = badge_key
        db.session.commit()
        item.outcome = CREATED
    else:
        changed = changed_fields(check, fields)
        if changed:
            apply_fields(check, changed, now)
        if badge_key is not None and check.badge_key != badge_key:
            check.badge_key = changed["badge_key"] = badge_key
        if changed:
            db.session.commit()
            item.notes.append("changed: " + ", ".join(sorted(changed)))
        item.outcome = UPDATED if changed else UNCHANGED
    item.uuid = check.uuid
    if badge_key is not None:
        item.notes.append(f"badge URLs kept: /b/2/{badge_key}.svg (and /b/3/, other formats)")
    if _sync_paused(check, spec.paused) and item.outcome == UNCHANGED:
        item.outcome = UPDATED
        item.notes.append("changed: paused" if spec.paused else "changed: resumed")


def _badge_key(value: object, check: Check | None, item: Item) -> str | None:
    """The source's badge key, when it can be the check's: a UUID that no
    other check has (a badge URL shows one check). Reported either way."""
    if value is None:
        return None
    try:
        key = str(uuidlib.UUID(value)) if isinstance(value, str) else None
    except ValueError:
        key = None
    if key is None:
        item.notes.append(f"badge key not carried: {str(value)[:50]!r} is no UUID; the "
                          "check's badge URLs here are new ones")
        return None
    query = sa.select(Check.id).where(Check.badge_key == key)
    if check is not None:
        query = query.where(Check.id != check.id)
    if db.session.scalar(query.limit(1)) is not None:
        item.notes.append(f"badge key {key} not carried: another check here has it; the "
                          "check's badge URLs here are new ones")
        return None
    return key


def changed_fields(check: Check, fields: dict) -> dict:
    """The fields whose value differs from the check's: all an update needs to apply."""
    out = {key: value for key, value in fields.items()
           if key != "channels" and (not hasattr(check, key) or getattr(check, key) != value)}
    if "channels" in fields:
        wanted = sorted(c.id for c in resolve_channels(check.project_id, fields["channels"]))
        if sorted(c.id for c in check.channels) != wanted:
            out["channels"] = fields["channels"]
    # apply_fields reads the kind from the fields it is given: a schedule makes
    # the check cron or OnCalendar, a timeout without one an interval check. So
    # the schedule goes along whenever the source has one and anything of the
    # kind changes, and a timeout whenever the check is to become an interval one.
    if "schedule" in fields and (check.kind == "simple" or "timeout" in out):
        out["schedule"] = fields["schedule"]
    elif "schedule" not in fields and "timeout" in fields and check.kind != "simple":
        out["timeout"] = fields["timeout"]
    return out


def _sync_paused(check: Check, paused: bool | None) -> bool:
    """Pause or resume the check as its source is; whether that changed it."""
    if paused is None or (check.status == "paused") == paused:
        return False
    if paused:
        return check_actions.pause(check, actor=ACTOR, reason="paused in the imported source")
    return check_actions.resume(check, actor=ACTOR, reason="active in the imported source")
