"""The checks list: who matches the search box and the state filter, in what order."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeVar
from urllib.parse import urlencode

# Down first: the checks that need someone come before those that do not.
STATUS_ORDER = {"down": 0, "late": 1, "started": 2, "up": 3, "new": 4, "paused": 5}
SORTS = {"state": "state", "name": "name", "last_ping": "last ping"}


class Listed(Protocol):
    """What the filter and the sort read of a check."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def tag_list(self) -> Sequence[str]: ...
    @property
    def status(self) -> str: ...  # as shown: with "late" and "started"
    @property
    def last_ping(self) -> datetime | None: ...


L = TypeVar("L", bound=Listed)


@dataclass(frozen=True)
class ListFilter:
    """What the search box and the sort control ask for; it lives in the URL."""

    tags: tuple[str, ...] = ()
    q: tuple[str, ...] = ()  # free-text terms: each must match a name or a tag's start
    sort: str = "state"
    state: str = ""  # one of STATUS_ORDER, or "" for every state
    page: int = 1
    # Terms of the search box that are no tag of the project, searched in
    # names instead; and asked-for tags (?tags=) no check carries. The list
    # says so rather than quietly showing nothing.
    not_tags: tuple[str, ...] = ()
    unknown_tags: tuple[str, ...] = ()

    @classmethod
    def from_args(cls, args, known_tags: set[str]) -> ListFilter:
        """From `?tags=prod,db&q=back&sort=name`, or from the box's raw `?search=`.

        In the box, terms (separated by commas or spaces, as in the tags
        field) that are tags of the project's checks become tag filters (a
        check must carry all of them, as in the original Heartbeats); the
        other terms are free text.
        """
        sort = args.get("sort", "state")
        sort = sort if sort in SORTS else "state"
        state = args.get("state", "")
        state = state if state in STATUS_ORDER else ""
        try:
            page = max(1, int(args.get("page", 1)))
        except ValueError:
            page = 1
        if "search" in args:
            terms = split_terms(args.get("search", ""))
            tags = [t for t in terms if t in known_tags]
            q = [t for t in terms if t not in known_tags]
        else:
            tags = split_terms(args.get("tags", ""))
            q = split_terms(args.get("q", ""))
        not_tags = q if known_tags else []
        unknown = [t for t in tags if t not in known_tags]
        return cls(tuple(dict.fromkeys(tags)), tuple(dict.fromkeys(q)), sort, state, page,
                   tuple(dict.fromkeys(not_tags)), tuple(dict.fromkeys(unknown)))

    @property
    def active(self) -> bool:
        return bool(self.tags or self.q)

    @property
    def search_text(self) -> str:
        """What the search box shows for this filter."""
        return ", ".join(self.tags + self.q)

    def params(self, **changes) -> dict[str, str]:
        """The canonical query parameters, defaults left out. A change of
        anything but the page starts again on the first page."""
        tags = changes.get("tags", self.tags)
        q = changes.get("q", self.q)
        sort = changes.get("sort", self.sort)
        state = changes.get("state", self.state)
        page = changes.get("page", 1 if changes else self.page)
        out = {}
        if tags:
            out["tags"] = ",".join(tags)
        if q:
            out["q"] = ",".join(q)
        if sort != "state":
            out["sort"] = sort
        if state:
            out["state"] = state
        if page > 1:
            out["page"] = str(page)
        return out

    def query_string(self, **changes) -> str:
        params = self.params(**changes)
        return "?" + urlencode(params) if params else ""

    def with_tag(self, tag: str) -> str:
        """The query string of this filter narrowed by one more tag (a chip click)."""
        tags = self.tags if tag in self.tags else self.tags + (tag,)
        return self.query_string(tags=tags)

    def matches(self, check: Listed) -> bool:
        """Whether the check has the tags and the words (the state aside)."""
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
    return [t for t in re.split(r"[\s,]+", text or "") if t][:20]


@functools.lru_cache(maxsize=65536)
def natural_key(name: str) -> tuple:
    """svc-2 before svc-10: runs of digits compare as numbers."""
    return tuple(int(part) if part.isdigit() else part.lower()
                 for part in re.split(r"(\d+)", name))


def sort_checks(rows: Sequence[L], sort: str) -> list[L]:
    if sort == "name":
        return sorted(rows, key=lambda c: (natural_key(c.name), c.id))
    if sort == "last_ping":
        # Most recent first; never pinged last.
        return sorted(rows, key=lambda c: (c.last_ping is None,
                                           -(c.last_ping.timestamp() if c.last_ping else 0),
                                           natural_key(c.name)))
    return sorted(rows, key=lambda c: (STATUS_ORDER.get(c.status, 9), natural_key(c.name), c.id))
