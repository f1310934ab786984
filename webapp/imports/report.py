"""What an import did: per check and per channel, what became of it and what
could not be carried, with the reason, for the CLI to print and the
dashboard to show."""

from __future__ import annotations

from dataclasses import dataclass, field

# What became of one thing read from the source.
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
LINKED = "linked"  # a channel of the source matched to one that exists here
SKIPPED = "not imported"
OUTCOMES = (CREATED, UPDATED, UNCHANGED, LINKED, SKIPPED)


class ImportRefused(Exception):
    """The whole source cannot be read or taken, with the reason the user is told."""


@dataclass
class Item:
    """One check or channel of the source."""

    what: str  # "check" | "channel"
    name: str
    ref: str = ""  # how the source names it: a uuid, a Kuma monitor id, a channel id
    outcome: str = SKIPPED
    # What could not be carried, each "field: why", or a note on how it was carried.
    notes: list[str] = field(default_factory=list)
    uuid: str | None = None  # the check here, for a link to it

    def line(self) -> str:
        label = f"{self.what} {self.name!r}" + (f" ({self.ref})" if self.ref else "")
        return f"{self.outcome}: {label}"


@dataclass
class Report:
    source: str  # "Healthchecks at https://...", "Uptime Kuma database kuma.db"
    items: list[Item] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # about the import as a whole

    def add(self, what: str, name: str, ref: str = "") -> Item:
        item = Item(what, name or "(unnamed)", ref)
        self.items.append(item)
        return item

    def checks(self) -> list[Item]:
        return [i for i in self.items if i.what == "check"]

    def channels(self) -> list[Item]:
        return [i for i in self.items if i.what == "channel"]

    def counts(self) -> dict[str, int]:
        """{outcome: how many checks had it}, every outcome of OUTCOMES present."""
        out = dict.fromkeys(OUTCOMES, 0)
        for item in self.checks():
            out[item.outcome] += 1
        return out

    def summary(self) -> str:
        counts = self.counts()
        done = ", ".join(f"{counts[o]} {o}" for o in (CREATED, UPDATED, UNCHANGED, SKIPPED))
        return f"Imported from {self.source}: checks {done}."

    def lines(self) -> list[str]:
        """The report as text: the summary, then each item and its notes."""
        out = [self.summary(), *(f"note: {n}" for n in self.notes)]
        for item in self.items:
            out.append(item.line())
            out.extend(f"    - {note}" for note in item.notes)
        return out
