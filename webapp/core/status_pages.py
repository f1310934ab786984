"""Public status pages: what a project shows the world at /status/<slug>.

A page lists chosen checks (each under a public name, empty meaning the
check's own name, read when the page is drawn so a rename follows) and
chosen tags (every check of the project carrying one, now and later). Nothing
else of a check is ever public: `core.status_report` reads only what a page
shows. The slug is unique across the installation: it is the whole address.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so

from ..db import Model, db
from ..db.types import UTCDateTime
from .models import Check
from .times import utcnow

SLUG_MAX = 60
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Words a status page may not be called: they read as parts of the site (or
# may become its pages), so a page named so would pass for the site's own.
RESERVED_SLUGS = frozenset({
    "about", "admin", "api", "badge", "badges", "dashboard", "edit", "feed", "health", "help",
    "heartbeats", "index", "json", "login", "logout", "metrics", "new", "ping", "projects",
    "settings", "signup", "static", "status", "www",
})
UNNAMED = "Unnamed check"  # a check without a name is never shown by its uuid


class StatusPage(Model):
    __tablename__ = "status_pages"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    project_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    slug: so.Mapped[str] = so.mapped_column(sa.String(SLUG_MAX), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(100))
    description: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # Space-separated, as a check's own: every check carrying one is listed.
    tags: so.Mapped[str] = so.mapped_column(sa.String(500), default="")
    # The zone the page's days and times are in: a visitor has no account to say theirs.
    tz: so.Mapped[str] = so.mapped_column(sa.String(64), default="UTC")
    created: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    entries: so.Mapped[list[StatusPageCheck]] = so.relationship(
        cascade="all, delete-orphan", order_by="StatusPageCheck.check_id")

    @property
    def tag_list(self) -> list[str]:
        return self.tags.split()


class StatusPageCheck(Model):
    """One check a page lists by choice, with the name the public sees."""

    __tablename__ = "status_page_checks"

    page_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("status_pages.id", ondelete="CASCADE"), primary_key=True
    )
    check_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("checks.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    public_name: so.Mapped[str] = so.mapped_column(sa.String(100), default="")


def slug_error(slug: str, page_id: int | None = None) -> str | None:
    """Why `slug` cannot name a page (the page `page_id` keeping its own), or None."""
    if not slug:
        return "enter an address for the page, e.g. acme"
    if len(slug) > SLUG_MAX:
        return f"the address may have at most {SLUG_MAX} characters"
    if not SLUG_RE.match(slug):
        return ("use lowercase letters, digits and single dashes only, neither first nor "
                "last (e.g. acme-backups)")
    if slug in RESERVED_SLUGS:
        return f"/status/{slug} is reserved: choose another address"
    if slug_taken(slug, page_id):
        return f"/status/{slug} is taken: choose another address"
    return None


def slug_taken(slug: str, page_id: int | None = None) -> bool:
    """Whether another page (in any project) has this slug."""
    query = sa.select(StatusPage.id).where(StatusPage.slug == slug)
    if page_id is not None:
        query = query.where(StatusPage.id != page_id)
    return db.session.scalar(query.limit(1)) is not None


def choose_checks(page: StatusPage, checks: dict[int, str]) -> None:
    """List exactly these checks (id -> public name) on the page, changing
    the rows in place: a row dropped and added again in one flush would
    collide with itself."""
    kept = {e.check_id: e for e in page.entries}
    for check_id, entry in kept.items():
        if check_id not in checks:
            page.entries.remove(entry)
    for check_id, public_name in checks.items():
        if check_id in kept:
            kept[check_id].public_name = public_name
        else:
            page.entries.append(StatusPageCheck(check_id=check_id, public_name=public_name))


def pages_of(project_id: int) -> list[StatusPage]:
    return list(db.session.scalars(sa.select(StatusPage).where(
        StatusPage.project_id == project_id).order_by(StatusPage.title, StatusPage.id)))


def page_by_slug(slug: str) -> StatusPage | None:
    return db.session.scalar(sa.select(StatusPage).where(StatusPage.slug == slug))


@dataclass(frozen=True)
class Listed:
    """A check as a page lists it: the check, and the name the public sees."""

    check: Check
    name: str


def shown_name(check: Check, public_name: str) -> str:
    return public_name or check.name or UNNAMED


def listed_checks(page: StatusPage) -> list[Listed]:
    """The checks `page` shows, by public name: those chosen, and those
    carrying one of its tags (under their own names unless chosen too). Read
    in two queries however many there are."""
    chosen: dict[int, str] = {row.check_id: row.public_name for row in db.session.execute(
        sa.select(StatusPageCheck.check_id, StatusPageCheck.public_name)
        .where(StatusPageCheck.page_id == page.id))}
    tags = set(page.tag_list)
    query = sa.select(Check).where(Check.project_id == page.project_id)
    matches: list[sa.ColumnElement[bool]] = [Check.id.in_(list(chosen))] if chosen else []
    # Narrowed in SQL, then matched whole: "db" must not list "db-replica".
    matches += [Check.tags.contains(tag, autoescape=True) for tag in tags]
    if not matches:
        return []
    found = db.session.scalars(query.where(sa.or_(*matches))).all()
    listed = [Listed(c, shown_name(c, chosen.get(c.id, ""))) for c in found
              if c.id in chosen or tags.intersection(c.tag_list)]
    return sorted(listed, key=lambda item: (item.name.casefold(), item.check.id))
