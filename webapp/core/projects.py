"""Projects and their members: who may see a project, who may change it.

Every door asks here: the dashboard's pages and partials (through
`web.loaders`), the API (a key names its project) and the original
Heartbeats' Basic auth. A role is "owner", "member" or "viewer"; None means
no access at all, which the doors answer with a 404, so that nobody can probe
for other people's projects.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa

from ..db import db, rows_changed
from .models import ApiKey, Check, Membership, Project, User, new_ping_key

WRITERS = ("owner", "member")


def personal_name(email: str) -> str:
    """The name of the project each user gets at sign-up."""
    return f"{email}'s project"[:100]


def create_project(owner: User, name: str) -> Project:
    """A new project owned by `owner`, added to the session for the caller to commit."""
    project = Project(name=name[:100])
    db.session.add(project)
    db.session.add(Membership(project=project, user=owner, role="owner"))
    return project


def role_in(user_id: int, project_id: int) -> str | None:
    """The user's role in the project, or None when they are not a member."""
    return db.session.scalar(sa.select(Membership.role).where(
        Membership.user_id == user_id, Membership.project_id == project_id))


def can_write(role: str | None) -> bool:
    return role in WRITERS


def projects_of(user_id: int) -> list[tuple[Project, str]]:
    """(project, role) of every project the user belongs to: their own first, then by name."""
    rows = db.session.execute(
        sa.select(Project, Membership.role).join(Membership)
        .where(Membership.user_id == user_id)
        .order_by((Membership.role != "owner"), Project.name, Project.id)).all()
    return [(row[0], row[1]) for row in rows]


def writable_project_tiers(user_id: int) -> list[list[int]]:
    """The projects whose checks the user may ping and change: the ones they
    own, then the ones they are a member of. A name is looked for in the first
    tier first, so that joining someone else's project cannot make a name the
    user's own jobs report under ambiguous."""
    rows = db.session.execute(sa.select(Membership.project_id, Membership.role).where(
        Membership.user_id == user_id, Membership.role.in_(WRITERS))).all()
    return [[pid for pid, role in rows if role == "owner"],
            [pid for pid, role in rows if role != "owner"]]


def find_project(code: str) -> Project | None:
    return db.session.scalar(sa.select(Project).where(Project.code == code))


def project_named(name_or_code: str) -> Project:
    """The project with this code, else the one project with this name (the
    command line's way of naming one); LookupError saying why there is none."""
    found = find_project(name_or_code)
    if found is not None:
        return found
    named = list(db.session.scalars(sa.select(Project).where(Project.name == name_or_code)
                                    .limit(2)))
    if len(named) > 1:
        raise LookupError(f"more than one project is named {name_or_code!r}: "
                          "give its code (in its dashboard URL) instead")
    if not named:
        raise LookupError(f"no project with the code or name {name_or_code!r}")
    return named[0]


def membership(project_id: int, user_id: int) -> Membership | None:
    return db.session.scalar(sa.select(Membership).where(
        Membership.project_id == project_id, Membership.user_id == user_id))


def members_of(project_id: int) -> list[Membership]:
    """The project's members, the owner first, then by email."""
    return list(db.session.scalars(
        sa.select(Membership).join(User).where(Membership.project_id == project_id)
        .order_by(Membership.role != "owner", User.email)))


def owner_of(project_id: int) -> User:
    return db.session.execute(
        sa.select(User).join(Membership).where(Membership.project_id == project_id,
                                               Membership.role == "owner")).scalar_one()


def add_member(project: Project, user: User, role: str) -> tuple[Membership, bool]:
    """Make `user` a member with `role` (member or viewer); for the caller to commit.

    Returns the membership and whether it is new. An existing member takes the
    new role, except the owner, who stays owner (ownership moves only by
    `transfer_ownership`).
    """
    if role not in ("member", "viewer"):
        raise ValueError(f"not a role a member can have: {role!r}")
    existing = membership(project.id, user.id)
    if existing is not None:
        if existing.role != "owner":
            existing.role = role
        return existing, False
    row = Membership(project=project, user=user, role=role)
    db.session.add(row)
    return row, True


def remove_member(member: Membership) -> int:
    """Take someone out of a project, with the API keys they made in it (a key
    would otherwise keep their access); for the caller to commit. Returns how
    many keys went."""
    keys = rows_changed(db.session.execute(sa.delete(ApiKey).where(
        ApiKey.project_id == member.project_id, ApiKey.created_by_id == member.user_id)))
    db.session.delete(member)
    return keys


def rotate_badge_key(project: Project) -> None:
    """A new badge key for the project and for each of its checks; for the
    caller to commit. Both kinds of badge URL go together: the project's
    (signed with its key) and each check's /b/2|3/<check badge key>, which
    would otherwise stay public for good, with no way to take it back."""
    project.badge_key = new_ping_key()
    for check in db.session.scalars(sa.select(Check).where(Check.project_id == project.id)):
        check.badge_key = str(uuid.uuid4())


def transfer_ownership(project: Project, new_owner: Membership) -> None:
    """Make a member the owner; the old owner stays on as a member. For the caller to commit."""
    old = db.session.scalar(sa.select(Membership).where(
        Membership.project_id == project.id, Membership.role == "owner"))
    if old is not None and old.id != new_owner.id:
        old.role = "member"
    new_owner.role = "owner"


def check_counts(project_ids: list[int]) -> dict[int, dict[str, int]]:
    """{project id: {stored status: count}}, for the projects overview."""
    counts: dict[int, dict[str, int]] = {pid: {} for pid in project_ids}
    if not project_ids:
        return counts
    for pid, status, n in db.session.execute(
            sa.select(Check.project_id, Check.status, sa.func.count(Check.id))
            .where(Check.project_id.in_(project_ids))
            .group_by(Check.project_id, Check.status)):
        counts[pid][status] = n
    return counts


def alert_emails(conn: sa.Connection, project_id: int) -> list[str]:
    """The addresses of members who asked for the project's alerts by email."""
    return list(conn.scalars(
        sa.select(User.email).join(Membership, Membership.user_id == User.id)
        .where(Membership.project_id == project_id, Membership.alerts.is_(True))
        .order_by(Membership.role != "owner", User.email)))
