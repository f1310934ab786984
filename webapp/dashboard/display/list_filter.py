"""The checks list: who matches the search box, and in what order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from ...core.models import Check

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
