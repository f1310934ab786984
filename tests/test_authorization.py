"""Who may do what: every route of the URL map × every kind of caller.

The callers are the owner, a member and a viewer of one project P, a logged-in
stranger (a user with a project of their own only), an anonymous browser, and
three API callers: P's read-write key, P's read-only key and a key of the
stranger's project. Every (endpoint, method) of `app.url_map` must have a rule
in RULES, and every rule must name a route that exists, so that a new route
without a rule fails `test_every_route_has_a_rule`, naming it.

What each rule means is in EXPECTED. Two choices follow Healthchecks:

- a read-only key gets 401 for anything but reading checks and their flips
  (hc/api/tests/test_create_check.py and test_update_check.py,
  test_it_rejects_readonly_key; the list is READ_ONLY_ENDPOINTS in
  webapp/api/common.py, after hc/api/views.py's @authorize_read);
- in the dashboard, a check of a project the user is not in is a 404
  (hc/front/tests/test_details.py, test_it_checks_ownership), the same answer
  as for no such check, so nobody can probe for other people's uuids.

One departs from it on purpose: Healthchecks' API answers another project's
check with 403 (hc/api/tests/test_pause.py, test_it_validates_ownership);
ours answers 404, as the dashboard does (webapp/web/loaders.py, check_in and
channel_in), for the same reason.

A refused request must change nothing: the database (every table but the
login sessions and the workers' heartbeats, which any request may touch) is
the same after it as before. An allowed one answers 2xx, 3xx, or 400/422 for
a minimal form body, never 401/403/404 or a 5xx; and what the stranger or the
stranger's key is allowed to see never names P's project, check or channel.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import url_for
from werkzeug.security import generate_password_hash

from support import NAME_ONLY, own_project, record_beats
from webapp.core import invitations
from webapp.core.badges import ALL, signature
from webapp.core.channels import add_channel, parse_channel
from webapp.core.check_actions import create_check, pause
from webapp.core.check_fields import parse_fields
from webapp.core.models import (
    ApiKey,
    Invitation,
    LoginSession,
    MaintenanceWindow,
    Ping,
    User,
)
from webapp.core.projects import add_member, create_project, membership, personal_name
from webapp.core.status_pages import StatusPage, StatusPageCheck
from webapp.db import db

PASSWORD = "correct horse"
# The login form checks whatever hash a user has; one round of PBKDF2 keeps the
# matrix's hundreds of logins from spending minutes in scrypt.
FAST_HASH = generate_password_hash(PASSWORD, "pbkdf2:sha256:1")

USERS = {"owner": "alice@example.com", "member": "bob@example.com",
         "viewer": "carol@example.com", "non-member": "dave@example.com"}
KEYS = {"rw-key": "rw", "ro-key": "ro", "other-key": "other"}
PRINCIPALS = (*USERS, "anonymous", *KEYS)

# Tables any request may write: a login session's last_seen, a worker's beat.
VOLATILE = {"login_sessions", "heartbeats"}
# Flask answers these for every route by itself.
IMPLICIT = {"HEAD", "OPTIONS"}
# Routes whose allowed answer is a redirect to the login page: they log out.
LOGS_OUT = {"auth.logout", "settings.end_all_sessions"}

# What each kind of rule answers each caller: "ok" (allowed), a status code,
# or "login" (a 302 to /login, for dashboard routes asked without a login).
DASHBOARD_GUESTS = {"anonymous": "login", "rw-key": "login", "ro-key": "login",
                    "other-key": "login"}
NO_KEY = {"owner": 401, "member": 401, "viewer": 401, "non-member": 401, "anonymous": 401}
EXPECTED: dict[str, dict[str, object]] = {
    # Anyone, logged in or not.
    "public": dict.fromkeys(PRINCIPALS, "ok"),
    # Any logged-in user, about their own things (settings, their projects list).
    "self": {**dict.fromkeys(USERS, "ok"), **DASHBOARD_GUESTS},
    # Any member of P; a non-member is told P does not exist.
    "read": {"owner": "ok", "member": "ok", "viewer": "ok", "non-member": 404,
             **DASHBOARD_GUESTS},
    # Owners and members.
    "write": {"owner": "ok", "member": "ok", "viewer": 403, "non-member": 404,
              **DASHBOARD_GUESTS},
    # The owner alone.
    "own": {"owner": "ok", "member": 403, "viewer": 403, "non-member": 404,
            **DASHBOARD_GUESTS},
    # The API, about one of P's objects: another project's key is told it does not exist.
    "api-read": {**NO_KEY, "rw-key": "ok", "ro-key": "ok", "other-key": 404},
    "api-rw": {**NO_KEY, "rw-key": "ok", "ro-key": 401, "other-key": 404},
    # The API with no object in the URL: each key lists (or adds to) its own project.
    "api-read-any": {**NO_KEY, "rw-key": "ok", "ro-key": "ok", "other-key": "ok"},
    "api-rw-any": {**NO_KEY, "rw-key": "ok", "ro-key": 401, "other-key": "ok"},
    # Whoever holds a live invitation link to P (it was mailed to the invitee
    # only), logged in or not; and only logged in. Holding it, even a stranger
    # may be shown P: it is how one joins.
    "invited": dict.fromkeys(PRINCIPALS, "ok"),
    "invited-login": {**dict.fromkeys(USERS, "ok"), **DASHBOARD_GUESTS},
    # The metrics with the key in `Authorization: Bearer`: no caller here sends
    # one (an X-Api-Key is not it), so all are refused alike; the token itself
    # is tested in tests/public/test_metrics.py.
    "bearer": dict.fromkeys(PRINCIPALS, 401),
}
# The kinds whose callers may be shown P's project, check or channel codes.
SHOWS_P = {"invited", "invited-login"}
# Pings are authenticated by the URL's token, not by a role: the ping door
# (webapp.ping) answers them in front of Flask. A ping route that does show up
# in the URL map is listed as "ping", so that it is accounted for, and left out
# of the role matrix.
PING = "ping"

# Every (endpoint, method) of the URL map, but static files.
RULES: dict[str, dict[str, str]] = {
    "api.badges.list_badges": {"GET": "api-read-any"},
    "api.channels.create_channel": {"POST": "api-rw-any"},
    "api.channels.delete_channel": {"DELETE": "api-rw"},
    "api.channels.get_channel": {"GET": "api-rw"},
    "api.channels.change_channel": {"POST": "api-rw"},
    "api.channels.list_channels": {"GET": "api-rw-any"},
    "api.checks.create_check": {"POST": "api-rw-any"},
    "api.checks.delete_check": {"DELETE": "api-rw"},
    "api.checks.get_check": {"GET": "api-read"},
    "api.checks.list_checks": {"GET": "api-read-any"},
    "api.checks.pause_check": {"POST": "api-rw"},
    "api.checks.resume_check": {"POST": "api-rw"},
    "api.checks.rotate_check_token": {"POST": "api-rw"},
    "api.checks.update_check": {"POST": "api-rw"},
    "api.history.list_flips": {"GET": "api-read"},
    "api.mute.mute_tag": {"POST": "api-rw-any"},
    "api.maintenance.list_windows": {"GET": "api-read-any"},
    "api.maintenance.create_window": {"POST": "api-rw-any"},
    "api.maintenance.get_window": {"GET": "api-read"},
    "api.maintenance.end_window": {"POST": "api-rw"},
    "api.maintenance.delete_window": {"DELETE": "api-rw"},
    "api.history.list_pings": {"GET": "api-rw"},
    "api.history.ping_body": {"GET": "api-rw"},
    "auth.login": {"GET": "public", "POST": "public"},
    # Badges and metrics need no login: the badge key and signature, or the
    # read-only key, in the URL are the credential (public_values below).
    "badges.check_badge": {"GET": "public"},
    "badges.project_all": {"GET": "public"},
    "badges.project_tag": {"GET": "public"},
    "metrics.scrape": {"GET": "public"},
    "metrics.scrape_with_token": {"GET": "bearer"},
    "auth.logout": {"POST": "self"},
    "auth.signup": {"GET": "public", "POST": "public"},
    "channels.create": {"POST": "write"},
    "channels.delete": {"POST": "write"},
    # The edit form shows the channel's value and headers, which carry tokens.
    "channels.edit": {"GET": "write", "POST": "write"},
    "channels.index": {"GET": "read"},
    "channels.test": {"POST": "write"},
    "checks.cron_preview": {"GET": "self"},
    "bulk.bulk": {"POST": "write"},
    "checks.delete": {"POST": "write"},
    "checks.detail": {"GET": "read"},
    "checks.edit": {"GET": "write", "POST": "write"},
    "checks.events": {"GET": "read"},
    "checks.live": {"GET": "read"},
    "checks.new": {"GET": "write", "POST": "write"},
    "checks.mute": {"POST": "write"},
    "checks.pause": {"POST": "write"},
    "checks.resume": {"POST": "write"},
    "checks.rotate": {"POST": "write"},
    "dashboard.favicon": {"GET": "public"},
    "invitations.accept": {"POST": "invited-login"},
    "invitations.create": {"POST": "own"},
    "invitations.revoke": {"POST": "own"},
    "invitations.show": {"GET": "invited"},
    "invitations.signup": {"POST": "invited"},
    "dashboard.index": {"GET": "self"},
    "dashboard.live": {"GET": "read"},
    "dashboard.project": {"GET": "read"},
    "dashboard.worker_status": {"GET": "self"},
    # Importing makes and changes checks, as owners and members may.
    "imports.healthchecks_import": {"GET": "write", "POST": "write"},
    # A member's own place in P: viewers may leave, and choose their alerts.
    "members.leave": {"POST": "read"},
    "members.my_alerts": {"POST": "read"},
    "members.remove": {"POST": "own"},
    "members.set_role": {"POST": "own"},
    # Maintenance windows: any member sees them; owners and members make, end, delete.
    "maintenance.index": {"GET": "read"},
    "maintenance.create": {"POST": "write"},
    "maintenance.end": {"POST": "write"},
    "maintenance.delete": {"POST": "write"},
    "projects.create": {"POST": "self"},
    "projects.create_key": {"POST": "write"},
    "projects.delete": {"POST": "own"},
    "projects.index": {"GET": "self"},
    "projects.rename": {"POST": "own"},
    "projects.revoke_key": {"POST": "write"},
    "projects.rotate_key": {"POST": "write"},
    "projects.settings": {"GET": "read"},
    "projects.transfer": {"POST": "own"},
    "public.health": {"GET": "public"},
    "public.status": {"GET": "public"},
    "settings.change_password": {"POST": "self"},
    "settings.end_all_sessions": {"POST": "self"},
    "settings.end_session": {"POST": "self"},
    "settings.index": {"GET": "self"},
    "settings.set_timezone": {"POST": "self"},
    # Public status pages: anyone reads them; any member sees their list (on the
    # settings page); owners and members make, change and delete them.
    "status_pages.page": {"GET": "public"},
    "status_pages.feed": {"GET": "public"},
    "status_page_settings.new": {"GET": "write"},
    "status_page_settings.create": {"POST": "write"},
    "status_page_settings.edit": {"GET": "write"},
    "status_page_settings.update": {"POST": "write"},
    "status_page_settings.delete": {"POST": "write"},
}

# A minimal valid body where a route needs one (the others get only the CSRF
# token and confirmed=yes, for the routes that ask first).
FORMS: dict[str, dict[str, str]] = {
    "channels.create": {"kind": "email", "name": "ops", "value": "ops@example.com"},
    "channels.edit": {"kind": "email", "name": "ops", "value": "ops2@example.com"},
    "checks.new": NAME_ONLY,
    "checks.edit": {**NAME_ONLY, "name": "renamed"},
    "checks.mute": {"until": "8"},
    "invitations.create": {"email": "frank@example.com", "role": "member"},
    "members.set_role": {"role": "viewer"},
    "members.my_alerts": {"alerts": "on"},
    "maintenance.create": {"kind": "once", "end": "2099-01-01T00:00", "covers": "project"},
    "projects.create": {"name": "Another project"},
    "projects.create_key": {"label": "ci"},
    "projects.rename": {"name": "Renamed"},
    "settings.set_timezone": {"timezone": "Europe/Paris"},
    "status_page_settings.create": {"title": "Ours", "slug": "ours", "tz": "UTC", "tags": "db"},
    "status_page_settings.update": {"title": "Renamed", "slug": "p-status", "tz": "UTC",
                                    "tags": "db"},
    # transfer: {"new_owner": bob's membership id}, filled in by form_of().
}
JSON: dict[str, dict] = {
    "api.channels.create_channel": {"kind": "email", "value": "ops@example.com"},
    "api.channels.change_channel": {"name": "renamed", "delay": 60},
    "api.checks.create_check": {"name": "from-the-api"},
    "api.checks.update_check": {"name": "renamed"},
    "api.mute.mute_tag": {"tag": "db", "until": "up"},
    "api.maintenance.create_window": {"end": "2099-01-01T00:00:00Z"},
}


def rule_of(endpoint: str, method: str) -> str | None:
    return RULES.get(endpoint, {}).get(method)


def url_map_routes(app) -> set[tuple[str, str]]:
    return {(rule.endpoint, method) for rule in app.url_map.iter_rules()
            if rule.endpoint != "static"
            for method in rule.methods or () if method not in IMPLICIT}


def matrix_cases() -> list:
    """(endpoint, method, principal) for every rule but pings, named for failures."""
    return [pytest.param(endpoint, method, who, id=f"{endpoint}-{method}-{who}")
            for endpoint, methods in RULES.items()
            for method, kind in methods.items() if kind != PING
            for who in PRINCIPALS]


# --- the world: one project, its people, its things ----------------------------

@dataclass
class World:
    project_code: str
    check_uuid: str
    channel_code: str
    window_code: str
    bob_membership_id: int
    ro_key_id: int
    alice_other_session_id: int
    invitation_id: int
    invitation_token: str
    keys: dict[str, str]
    # Things of dave's project, for URLs of P that name them.
    elsewhere: dict[tuple[str | None, str], int]
    # URL values of the pages without login: badge keys, signatures, the read-only key.
    public_values: dict[tuple[str | None, str], object] = field(default_factory=dict)
    status_page_id: int = 0  # P's status page, listing the check

    def secrets(self) -> tuple[str, ...]:
        """What names P's things: nobody outside P may be shown any of it."""
        return (self.project_code, self.check_uuid, self.channel_code, self.window_code)


def build_world(app) -> World:
    with app.app_context():
        users = {}
        for who, email in USERS.items():
            user = User(email=email, password_hash=FAST_HASH)
            db.session.add(user)
            create_project(user, personal_name(email))  # as create_user does
            users[who] = user
        db.session.flush()
        project = own_project(users["owner"].id)
        bob, _ = add_member(project, users["member"], "member")
        add_member(project, users["viewer"], "viewer")
        check = create_check(project.id, parse_fields({"name": "nightly-backup"}))
        db.session.flush()
        db.session.add(Ping(check_id=check.id, n=1, body=b"backup done", method="POST"))
        check.n_pings = 1
        rw, rw_key = ApiKey.issue(project, "rw")
        ro, ro_key = ApiKey.issue(project, "ro", read_only=True)
        other, other_key = ApiKey.issue(own_project(users["non-member"].id), "dave's")
        invitation = Invitation(project=project, email="erin@example.com", role="member",
                                invited_by=users["owner"])
        other_session = LoginSession(user_id=users["owner"].id, token_hash="0" * 64,
                                     user_agent="alice's other browser")
        daves = own_project(users["non-member"].id)
        daves_invitation = Invitation(project=daves, email="erin@example.com", role="member",
                                      invited_by=users["non-member"])
        window = MaintenanceWindow(project_id=project.id, name="upgrade",
                                   start=datetime(2099, 1, 1, tzinfo=UTC),
                                   end=datetime(2099, 1, 2, tzinfo=UTC))
        db.session.add_all([rw, ro, other, invitation, other_session, daves_invitation, window])
        status_page = StatusPage(project_id=project.id, slug="p-status", title="P's status")
        status_page.entries.append(StatusPageCheck(check_id=check.id, public_name=""))
        daves_page = StatusPage(project_id=daves.id, slug="daves", title="Dave's", tags="x")
        db.session.add_all([status_page, daves_page])
        db.session.commit()
        daves_membership = membership(daves.id, users["non-member"].id)
        channel = add_channel(project.id, parse_channel(
            {"kind": "email", "value": "alerts@example.com"}))  # commits
        # Paused, so that resuming it (the API's resume) has something to do.
        pause(check, actor="test", reason="set up")  # commits
        world = World(
            project_code=project.code, check_uuid=check.uuid, channel_code=channel.code,
            window_code=window.code,
            bob_membership_id=bob.id, ro_key_id=ro.id,
            alice_other_session_id=other_session.id, invitation_id=invitation.id,
            invitation_token=invitations.token_for(invitation),
            keys={"rw": rw_key, "ro": ro_key, "other": other_key},
            elsewhere={("members", "member_id"): daves_membership.id,
                       ("keys", "key_id"): other.id,
                       (None, "invitation_id"): daves_invitation.id,
                       ("status-pages", "page_id"): daves_page.id},
            public_values={**public_values(app, project, check, ro_key),
                           (None, "slug"): status_page.slug},
            status_page_id=status_page.id)
        db.session.remove()
    record_beats(app, sweep=0, jobs=0)  # /health answers 200 while the worker beats
    return world


def public_values(app, project, check, ro_key: str) -> dict[tuple[str | None, str], object]:
    """Working URLs of P's badges (two states) and metrics."""
    secret = app.config["SECRET_KEY"]
    return {
        ("badge", "badge_key"): project.badge_key,
        (None, "all_file"): f"{signature(project.badge_key, ALL, secret)}-2.svg",
        (None, "signature"): f"{signature(project.badge_key, 'nightly', secret)}-2",
        (None, "tag_file"): "nightly.svg",
        ("b", "states"): 2,
        (None, "check_key"): check.badge_key,
        (None, "fmt"): "svg",
        ("metrics", "key"): ro_key,
    }


def url_values(world: World) -> dict[tuple[str | None, str], object]:
    """A URL argument's value, by (the path segment before it, its name), or by
    its name alone; `code` names a project after /projects/, a channel after /channels/."""
    return {
        ("projects", "code"): world.project_code,
        ("channels", "code"): world.channel_code,
        ("checks", "uuid"): world.check_uuid,
        ("maintenance", "code"): world.window_code,
        ("members", "member_id"): world.bob_membership_id,
        ("keys", "key_id"): world.ro_key_id,
        ("sessions", "session_id"): world.alice_other_session_id,
        ("pings", "n"): 1,
        (None, "version"): 3,
        (None, "which"): "ping",  # the ping or badge key: one route, one rule
        (None, "invitation_id"): world.invitation_id,
        (None, "token"): world.invitation_token,
        ("status-pages", "page_id"): world.status_page_id,
        **world.public_values,
    }


ARGUMENT = re.compile(r"(?:([^/<>]+)/)?<(?:[^:<>]+:)?(\w+)>")


def build_url(app, world: World, endpoint: str, overrides: dict | None = None) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {**url_values(world), **(overrides or {})}
    args = {}
    for before, name in ARGUMENT.findall(rule.rule):
        for key in ((before, name), (None, name)):
            if key in values:
                args[name] = values[key]
                break
        else:
            pytest.fail(f"{endpoint} ({rule.rule}): no value for <{name}>; "
                        "add one to url_values()")
    with app.test_request_context():
        return url_for(endpoint, **args)


def form_of(endpoint: str, world: World) -> dict[str, str]:
    if endpoint == "projects.transfer":
        return {"new_owner": str(world.bob_membership_id)}
    return FORMS.get(endpoint, {})


def snapshot(app) -> dict[str, list]:
    """Every row of every table but VOLATILE's, in an order of its own."""
    with app.app_context(), db.engine.connect() as conn:
        return {table.name: sorted((tuple(row) for row in conn.execute(table.select())),
                                   key=repr)
                for table in db.metadata.sorted_tables if table.name not in VOLATILE}


def others_sessions(app, who: str) -> set[tuple[int, str]]:
    """The login sessions of the seeded users but the caller: no request of
    one user's may end (or start) another's, and VOLATILE leaves them out."""
    others = set(USERS.values()) - {USERS.get(who)}
    with app.app_context(), db.engine.connect() as conn:
        rows = conn.execute(sa.select(LoginSession.id, User.email)
                            .join(User, LoginSession.user_id == User.id)).all()
    return {(row.id, row.email) for row in rows if row.email in others}


# --- callers -----------------------------------------------------------------------

class Caller:
    """One principal's own test client: logged in as a user, or anonymous with
    an API key header, or neither."""

    def __init__(self, app, world: World, who: str):
        self.client = app.test_client()
        self.headers = {"X-Api-Key": world.keys[KEYS[who]]} if who in KEYS else {}
        self.token = csrf_token(self.client.get("/login"))
        if who in USERS:
            r = self.client.post("/login", data={"csrf_token": self.token,
                                                 "email": USERS[who], "password": PASSWORD})
            assert r.status_code == 302, f"{who} could not log in: {r.status_code}"

    def call(self, method: str, url: str, *, form: dict, json: dict | None, api: bool):
        kwargs: dict = {"headers": self.headers}
        if method != "GET":
            if api:
                kwargs["json"] = json if json is not None else {}
            else:
                kwargs["data"] = {"csrf_token": self.token, "confirmed": "yes", **form}
        return self.client.open(url, method=method, **kwargs)


def csrf_token(response) -> str:
    m = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True))
    assert m, "the login page has no CSRF token"
    return m.group(1)


@pytest.fixture
def world(app, monkeypatch):
    # Sign-up is a route of the map; closed, it would be a 404 for everyone.
    monkeypatch.setitem(app.config, "REGISTRATION_OPEN", True)
    return build_world(app)


# --- the tests -------------------------------------------------------------------------

def test_every_route_has_a_rule(app):
    in_map = url_map_routes(app)
    in_rules = {(e, m) for e, methods in RULES.items() for m in methods}
    missing = sorted(in_map - in_rules)
    assert not missing, ("routes without a rule in RULES (tests/test_authorization.py): "
                         + ", ".join(f"{e} {m}" for e, m in missing))
    stale = sorted(in_rules - in_map)
    assert not stale, ("RULES names routes the URL map does not have: "
                       + ", ".join(f"{e} {m}" for e, m in stale))
    unknown = sorted({k for methods in RULES.values() for k in methods.values()}
                     - set(EXPECTED) - {PING})
    assert not unknown, f"rules of no known kind: {unknown}"


def test_every_rule_names_every_principal():
    for kind, answers in EXPECTED.items():
        assert set(answers) == set(PRINCIPALS), kind


def test_the_snapshot_leaves_out_only_tables_that_exist():
    tables = {table.name for table in db.metadata.sorted_tables}
    assert VOLATILE - tables == set()


@pytest.mark.parametrize(("endpoint", "method", "who"), matrix_cases())
def test_route_answers_each_principal(app, world, endpoint, method, who):
    kind = RULES[endpoint][method]
    expected = EXPECTED[kind][who]
    api = kind.startswith("api-")
    url = build_url(app, world, endpoint)
    caller = Caller(app, world, who)

    before = snapshot(app) if expected != "ok" else None
    sessions = others_sessions(app, who)
    r = caller.call(method, url, form=form_of(endpoint, world), json=JSON.get(endpoint),
                    api=api)
    status, location = r.status_code, r.headers.get("Location", "")
    said = f"{method} {url} as {who} ({kind}): {status} {location}".strip()

    assert status < 500, said
    assert others_sessions(app, who) == sessions, f"changed another user's sessions: {said}"
    if expected == "ok":
        assert status not in (401, 403, 404), f"refused, but the rule allows it: {said}"
        assert 200 <= status < 400 or status in (400, 422), f"unexpected answer: {said}"
        if status in (301, 302, 303) and endpoint not in LOGS_OUT:
            assert urlsplit(location).path != "/login", f"sent to log in: {said}"
        if who in ("non-member", "other-key") and kind not in SHOWS_P:
            body = r.get_data(as_text=True) + location
            leaked = [s for s in world.secrets() if s in body]
            assert not leaked, f"shows P's {leaked} to an outsider: {said}"
        return

    if expected == "login":
        assert status == 302 and urlsplit(location).path == "/login", \
            f"expected a redirect to /login: {said}"
    else:
        assert status == expected, f"expected {expected}: {said}"
    assert snapshot(app) == before, f"a refused request changed the database: {said}"


def test_a_url_of_p_reaches_no_object_of_another_project(app, world):
    """A route of P's that names a second object (a member, a key, an
    invitation) by id answers 404 for another project's, even to P's owner, and
    changes nothing: the object is looked up in P, not merely by its id."""
    failures = []
    reached = []
    for rule in app.url_map.iter_rules():
        names = {(before, name) for before, name in ARGUMENT.findall(rule.rule)}
        names |= {(None, name) for _, name in names}
        overrides = {key: value for key, value in world.elsewhere.items() if key in names}
        if not overrides:
            continue
        for method in sorted((rule.methods or set()) - IMPLICIT):
            kind = rule_of(rule.endpoint, method)
            if kind is None or kind == PING or kind.startswith("api-"):
                continue  # the API's are named by uuid or code, which other-key covers
            caller = Caller(app, world, "owner")
            url = build_url(app, world, rule.endpoint, overrides)
            before = snapshot(app)
            r = caller.call(method, url, form=form_of(rule.endpoint, world),
                            json=None, api=False)
            reached.append(rule.endpoint)
            if r.status_code != 404:
                failures.append(f"{method} {url} ({rule.endpoint}): {r.status_code}, not 404")
            elif snapshot(app) != before:
                failures.append(f"{method} {url} ({rule.endpoint}): changed the database")
    assert reached, "no route names a second object: the test reaches nothing"
    assert not failures, "\n".join(failures)
