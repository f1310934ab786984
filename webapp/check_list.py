"""The checks list: who matches the search box, in what order, and whether it changed.

The list refreshes itself every few seconds. Most refreshes find nothing new,
so `fingerprint()` answers "did anything the list shows change?" from one
narrow query and a hash, without loading or rendering a single row.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from urllib.parse import urlencode

import sqlalchemy as sa

from .event_log import delivery_state
from .extensions import db
from .models import Check

# Down first: the checks that need someone come before those that do not.
STATUS_ORDER = {"down": 0, "late": 1, "started": 2, "up": 3, "new": 4, "paused": 5}
SORTS = {"state": "state", "name": "name", "last_ping": "last ping"}


@dataclass(frozen=True)
class ListFilter:
    """What the search box and the sort control ask for; it lives in the URL."""

    tags: tuple[str, ...] = ()
    q: tuple[str, ...] = ()  # free-text terms: each must match a name or a tag's start
    sort: str = "state"

    @classmethod
    def from_args(cls, args, known_tags: set[str]) -> ListFilter:
        """From `?tags=prod,db&q=back&sort=name`, or from the box's raw `?search=`.

        In the box, comma-separated terms that are tags of the user's checks
        become tag filters (a check must carry all of them, as in the original
        Heartbeats); the other terms are free text.
        """
        sort = args.get("sort", "state")
        sort = sort if sort in SORTS else "state"
        if "search" in args:
            terms = split_terms(args.get("search", ""))
            tags = [t for t in terms if t in known_tags]
            q = [t for t in terms if t not in known_tags]
        else:
            tags = split_terms(args.get("tags", ""))
            q = split_terms(args.get("q", ""))
        return cls(tuple(dict.fromkeys(tags)), tuple(dict.fromkeys(q)), sort)

    @property
    def active(self) -> bool:
        return bool(self.tags or self.q)

    @property
    def search_text(self) -> str:
        """What the search box shows for this filter."""
        return ", ".join(self.tags + self.q)

    def params(self, **changes) -> dict[str, str]:
        """The canonical query parameters, defaults left out."""
        tags = changes.get("tags", self.tags)
        q = changes.get("q", self.q)
        sort = changes.get("sort", self.sort)
        out = {}
        if tags:
            out["tags"] = ",".join(tags)
        if q:
            out["q"] = ",".join(q)
        if sort != "state":
            out["sort"] = sort
        return out

    def query_string(self, **changes) -> str:
        params = self.params(**changes)
        return "?" + urlencode(params) if params else ""

    def with_tag(self, tag: str) -> str:
        """The query string of this filter narrowed by one more tag (a chip click)."""
        tags = self.tags if tag in self.tags else self.tags + (tag,)
        return self.query_string(tags=tags)

    def matches(self, check: Check) -> bool:
        tags = check.tag_list
        if not all(t in tags for t in self.tags):
            return False
        name = check.name.lower()
        lowered = [t.lower() for t in tags]
        return all(
            term.lower() in name or any(t.startswith(term.lower()) for t in lowered)
            for term in self.q
        )


def split_terms(text: str) -> list[str]:
    return [t.strip() for t in (text or "").split(",") if t.strip()][:20]


def sort_checks(rows: list[Check], sort: str, now: datetime) -> list[Check]:
    if sort == "name":
        return sorted(rows, key=lambda c: (c.name.lower(), c.id))
    if sort == "last_ping":
        # Most recent first; never pinged last.
        return sorted(rows, key=lambda c: (c.last_ping is None,
                                           -(c.last_ping.timestamp() if c.last_ping else 0),
                                           c.name.lower()))
    return sorted(rows, key=lambda c: (STATUS_ORDER.get(c.get_status(now), 9),
                                       c.name.lower(), c.id))


def user_checks(user_id: int) -> list[Check]:
    return list(db.session.scalars(sa.select(Check).where(Check.user_id == user_id)))


# Every column but the description: what the list and a check's status card
# show, and what decides the state they derive.
_COLUMNS = [c for c in Check.__table__.c if c.name != "desc"]


class _Row(SimpleNamespace):
    """A bare row that the model's own rules can read, so the fingerprint
    follows every state the pages derive ("late", "started", any added later)
    without loading ORM objects."""

    schedule_spec = Check.schedule_spec
    get_status = Check.get_status


def fingerprint(user_id: int, timezone: str, now: datetime) -> str:
    """A short hash of everything the user's list shows."""
    return _fingerprint(Check.user_id == user_id, timezone, now)


def check_fingerprint(check_id: int, timezone: str, now: datetime) -> str:
    """The same for one check (its page's status card and event log, which
    lists failing deliveries too: they change no column of the check)."""
    return _fingerprint(Check.id == check_id, timezone, now, extra=delivery_state(check_id))


def _fingerprint(where, timezone: str, now: datetime, extra: tuple = ()) -> str:
    # The derived state goes into the hash beside the stored one: "late" is
    # the clock passing next_ping, with no write to the row. The relative
    # times ("3 minutes ago") are kept fresh by the browser and need not.
    digest = hashlib.sha256(timezone.encode() + repr(extra).encode())
    rows = db.session.execute(sa.select(*_COLUMNS).where(where).order_by(Check.id)).mappings()
    for row in rows:
        digest.update(repr((tuple(row.values()), _Row(**row).get_status(now))).encode())
    return digest.hexdigest()[:20]
