"""Migration 0008: every user's checks, channels and API keys move into a
project of their own, run from 0007 on a database of its own."""

import hashlib
import importlib.util
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations
from flask_migrate import downgrade, upgrade

from support import overrides_from
from webapp import create_app
from webapp.core.models import Channel, Notification
from webapp.db import db
from webapp.db.secrets import EncryptedJSON, EncryptedText

MIGRATION = Path(__file__).parents[2] / "migrations" / "versions" / "0008_projects.py"
EMAILS = {1: "alice@example.com", 2: "bob@example.com"}
# Shaped as new_ping_key() makes them: 22 URL-safe characters, never a UUID.
PING_KEYS = {1: "aliceAliceAlice0123456", 2: "bobBobBobBob0123456789"}
API_KEYS = {1: "hb_alice-known-api-key-0123456789abcdef",
            2: "hb_bob-known-api-key-0123456789abcdef"}
# id -> (uuid, owner, slug); alice and bob each have a check slugged "backup".
CHECKS = {1: (str(uuid.uuid4()), 1, "backup"), 2: (str(uuid.uuid4()), 1, ""),
          3: (str(uuid.uuid4()), 2, "backup")}
CHANNELS = {1: (1, "email", "alice@example.com", {}),
            2: (2, "webhook", "https://hooks.example.com/T0KEN",
                {"Authorization": "Bearer s3cret"})}
COUNTED = ("users", "checks", "pings", "flips", "notifications", "channels",
           "check_channels", "api_keys")
WHEN = "2026-01-01 00:00:00.000000"


def sha256(key):
    return hashlib.sha256(key.encode()).hexdigest()


def fill_old_schema():
    """Two users with checks, pings, flips, notifications, channels and keys,
    as 0007 stores them (channel settings and targets encrypted)."""
    with db.engine.begin() as conn:
        for user_id, email in EMAILS.items():
            conn.execute(sa.text(
                "INSERT INTO users (id, email, password_hash, timezone, ping_key, created) "
                "VALUES (:id, :email, 'x', 'UTC', :key, :when)"),
                {"id": user_id, "email": email, "key": PING_KEYS[user_id], "when": WHEN})
            conn.execute(sa.text(
                "INSERT INTO api_keys (id, user_id, label, prefix, key_hash, created) "
                "VALUES (:id, :id, 'old', :prefix, :hash, :when)"),
                {"id": user_id, "prefix": API_KEYS[user_id][:8],
                 "hash": sha256(API_KEYS[user_id]), "when": WHEN})
        for check_id, (token, user_id, slug) in CHECKS.items():
            conn.execute(sa.text(
                "INSERT INTO checks (id, uuid, user_id, name, slug, tags, \"desc\", kind, timeout, "
                "grace, schedule, tz, grace_to_end_of_day, methods, manual_resume, status, "
                "n_pings, last_ping, created, nag_period, failure_threshold, fail_count) "
                "VALUES (:id, :uuid, :user_id, :name, :slug, '', '', 'simple', 86400, 3600, "
                "'* * * * *', 'UTC', false, '', false, :status, :n, :when, :when, 0, 1, 0)"),
                {"id": check_id, "uuid": token, "user_id": user_id, "name": slug or "unnamed",
                 "slug": slug, "status": "down" if check_id == 3 else "up",
                 "n": 2 if check_id == 1 else 1, "when": WHEN})
        pings = [(1, 1, 1), (2, 1, 2), (3, 2, 1), (4, 3, 1)]  # id, check, n
        for ping_id, check_id, n in pings:
            conn.execute(sa.text(
                "INSERT INTO pings (id, check_id, n, created, kind, scheme, method, remote_addr, "
                "ua) VALUES (:id, :check_id, :n, :when, 'success', 'http', 'GET', '127.0.0.1', "
                "'curl')"), {"id": ping_id, "check_id": check_id, "n": n, "when": WHEN})
        for flip_id, check_id, old, new in [(1, 1, "new", "up"), (2, 3, "up", "down")]:
            conn.execute(sa.text(
                "INSERT INTO flips (id, check_id, created, old_status, new_status, reason, actor) "
                "VALUES (:id, :check_id, :when, :old, :new, '', '')"),
                {"id": flip_id, "check_id": check_id, "old": old, "new": new, "when": WHEN})
        for channel_id, (user_id, kind, value, headers) in CHANNELS.items():
            conn.execute(sa.text(
                "INSERT INTO channels (id, code, user_id, kind, name, value, headers, created) "
                "VALUES (:id, :code, :user_id, :kind, 'ops', :value, :headers, :when)")
                .bindparams(sa.bindparam("value", type_=EncryptedText),
                            sa.bindparam("headers", type_=EncryptedJSON)),
                {"id": channel_id, "code": str(uuid.uuid4()), "user_id": user_id,
                 "kind": kind, "value": value, "headers": headers, "when": WHEN})
        for check_id, channel_id in [(1, 1), (3, 2)]:
            conn.execute(sa.text("INSERT INTO check_channels (check_id, channel_id) "
                                 "VALUES (:check, :channel)"),
                         {"check": check_id, "channel": channel_id})
        conn.execute(sa.text(
            "INSERT INTO notifications (id, flip_id, check_id, channel_id, event, kind, target, "
            "status, attempts, error, created) VALUES (1, 2, 3, 2, 'down', 'webhook', :target, "
            "'sent', 1, '', :when)").bindparams(sa.bindparam("target", type_=EncryptedText)),
            {"target": CHANNELS[2][2], "when": WHEN})
        advance_sequences(conn, "users", "api_keys", "checks", "pings", "flips", "channels",
                          "notifications")


def advance_sequences(conn, *tables):
    """PostgreSQL: the id sequences past the ids given explicitly, for the app's inserts."""
    if conn.dialect.name == "postgresql":
        for table in tables:
            conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"(SELECT max(id) FROM {table}))"))


def counts():
    with db.engine.connect() as conn:
        return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar() for t in COUNTED}


def rows(sql, **params):
    with db.engine.connect() as conn:
        return conn.execute(sa.text(sql), params).all()


def owners(table):
    """Each row's id -> the user who owns its project."""
    return dict(rows(f"SELECT t.id, m.user_id FROM {table} t JOIN memberships m "
                     f"ON m.project_id = t.project_id AND m.role = 'owner'"))


def no_dangling_references():
    """SQLite: no row refers to one that is gone (its foreign keys are off while
    migrating); and they are back on for the app's connections."""
    if db.engine.dialect.name == "sqlite":
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def pings_of(check_id):
    return rows("SELECT count(*) FROM pings WHERE check_id = :id", id=check_id)[0][0]


@pytest.fixture
def old_app(settings, own_database):
    """An app on a database of its own, filled as 0007 left it. Its rate limits
    are off, and counted in memory: nothing here goes to Redis."""
    app = create_app({**overrides_from(settings), "SQLALCHEMY_DATABASE_URI": own_database,
                      "RATELIMIT_ENABLED": False, "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        upgrade(revision="0007")
        fill_old_schema()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_each_user_gets_a_project_holding_their_checks_channels_and_keys(old_app):
    before = counts()
    upgrade()
    assert counts() == before
    no_dangling_references()

    projects = rows("SELECT m.user_id, m.role, m.alerts, p.name, p.ping_key, p.code, "
                    "p.badge_key FROM projects p JOIN memberships m ON m.project_id = p.id")
    assert sorted((p.user_id, p.role, bool(p.alerts), p.name, p.ping_key) for p in projects) == [
        (1, "owner", True, "alice@example.com's project", PING_KEYS[1]),
        (2, "owner", True, "bob@example.com's project", PING_KEYS[2])]
    assert rows("SELECT count(*) FROM projects")[0][0] == 2
    assert all(uuid.UUID(p.code) and len(p.badge_key) == 22 for p in projects)
    assert len({p.badge_key for p in projects}) == 2

    assert owners("checks") == {check_id: user for check_id, (_, user, _) in CHECKS.items()}
    assert owners("channels") == {channel_id: c[0] for channel_id, c in CHANNELS.items()}
    assert owners("api_keys") == {1: 1, 2: 2}
    assert [bool(r[0]) for r in rows("SELECT read_only FROM api_keys")] == [False, False]
    users_columns = {c["name"] for c in sa.inspect(db.engine).get_columns("users")}
    assert "ping_key" not in users_columns

    # The encrypted settings came through the tables' rebuilds intact.
    for channel_id, (_, _, value, headers) in CHANNELS.items():
        channel = db.session.get_one(Channel, channel_id)
        assert (channel.value, channel.headers) == (value, headers)
    assert db.session.get_one(Notification, 1).target == CHANNELS[2][2]
    db.session.remove()


def test_old_ping_urls_and_api_keys_keep_working(old_app):
    upgrade()
    client = old_app.test_client()
    alice_check, _, slug = CHECKS[1]

    assert client.get(f"/ping/{alice_check}").status_code == 200
    assert pings_of(1) == 3
    # Bob has a check slugged "backup" too: alice's ping key names hers.
    assert client.get(f"/ping/{PING_KEYS[1]}/{slug}").status_code == 200
    assert (pings_of(1), pings_of(3)) == (4, 1)

    r = client.get("/api/v3/checks/", headers={"X-Api-Key": API_KEYS[1]})
    assert r.status_code == 200, r.get_data(as_text=True)
    assert sorted(c["uuid"] for c in r.get_json()["checks"]) == sorted(
        token for token, user, _ in CHECKS.values() if user == 1)
    bob_check = CHECKS[3][0]
    assert client.get(f"/api/v3/checks/{bob_check}",
                      headers={"X-Api-Key": API_KEYS[1]}).status_code == 404
    r = client.get(f"/api/v3/checks/{bob_check}", headers={"X-Api-Key": API_KEYS[2]})
    assert r.status_code == 200 and r.get_json()["uuid"] == bob_check
    db.session.remove()


def test_a_downgrade_gives_everything_back_to_the_users(old_app):
    before = counts()
    upgrade()
    downgrade(revision="0007")
    assert counts() == before
    no_dangling_references()
    assert dict(rows("SELECT id, ping_key FROM users")) == PING_KEYS
    assert dict(rows("SELECT id, user_id FROM checks")) == {
        check_id: user for check_id, (_, user, _) in CHECKS.items()}
    assert dict(rows("SELECT id, user_id FROM channels")) == {1: 1, 2: 2}
    assert dict(rows("SELECT id, user_id FROM api_keys")) == {1: 1, 2: 2}
    tables = set(sa.inspect(db.engine).get_table_names())
    assert not tables & {"projects", "memberships", "invitations"}

    upgrade()
    assert counts() == before
    assert owners("checks") == {check_id: user for check_id, (_, user, _) in CHECKS.items()}
    assert sorted(r[0] for r in rows("SELECT ping_key FROM projects")) == sorted(
        PING_KEYS.values())
    db.session.remove()


def test_a_downgrade_copes_with_projects_made_after_the_upgrade(old_app):
    """Several owned projects, one without an owner, members and invitations,
    a read-only key: what 0007 cannot hold is dropped, never made writable."""
    upgrade(revision="0008")  # the schema these rows are written in
    with db.engine.begin() as conn:
        def project(project_id, key, created):
            conn.execute(sa.text(
                "INSERT INTO projects (id, code, name, ping_key, badge_key, created) "
                "VALUES (:id, :code, 'more', :key, :badge, :created)"),
                {"id": project_id, "code": str(uuid.uuid4()), "key": key,
                 "badge": f"badge{project_id}", "created": created})

        def member(project_id, user_id, role):
            conn.execute(sa.text(
                "INSERT INTO memberships (project_id, user_id, role, alerts, created) "
                "VALUES (:project, :user, :role, true, :when)"),
                {"project": project_id, "user": user_id, "role": role, "when": WHEN})

        def check(check_id, project_id):
            conn.execute(sa.text(
                "INSERT INTO checks (id, uuid, project_id, name, slug, tags, \"desc\", kind, "
                "timeout, grace, schedule, tz, grace_to_end_of_day, methods, manual_resume, "
                "status, n_pings, created, nag_period, failure_threshold, fail_count) VALUES "
                "(:id, :uuid, :project, 'more', 'more', '', '', 'simple', 60, 60, '* * * * *', "
                "'UTC', false, '', false, 'new', 0, :when, 0, 1, 0)"),
                {"id": check_id, "uuid": str(uuid.uuid4()), "project": project_id,
                 "when": WHEN})

        # 10: bob's second project, alice a member; 11: only a viewer (alice).
        project(10, "bobSecondProjectKey012", "2027-01-01 00:00:00.000000")
        member(10, 2, "owner")
        member(10, 1, "member")
        project(11, "viewersOnlyProjectKey0", "2027-01-01 00:00:00.000000")
        member(11, 1, "viewer")
        check(10, 10)
        check(11, 11)
        conn.execute(sa.text(
            "INSERT INTO pings (id, check_id, n, created, kind, scheme, method, remote_addr, "
            "ua) VALUES (10, 11, 1, :when, 'success', 'http', 'GET', '', '')"), {"when": WHEN})
        conn.execute(sa.text(
            "INSERT INTO invitations (project_id, email, role, invited_by_id, created) "
            "VALUES (10, 'carol@example.com', 'viewer', 2, :when)"), {"when": WHEN})
        project_of_alice = conn.execute(sa.text(
            "SELECT project_id FROM memberships WHERE user_id = 1 AND role = 'owner'")).scalar()
        conn.execute(sa.text(
            "INSERT INTO api_keys (project_id, label, read_only, prefix, key_hash, created) "
            "VALUES (:project, 'ro', true, 'hb_ro', :hash, :when)"),
            {"project": project_of_alice, "hash": sha256("hb_read-only"), "when": WHEN})
        advance_sequences(conn, "projects", "checks", "pings")

    downgrade(revision="0007")
    no_dangling_references()
    # Bob keeps the ping key of his oldest project; the viewers' check is gone.
    assert dict(rows("SELECT id, ping_key FROM users")) == PING_KEYS
    assert dict(rows("SELECT id, user_id FROM checks")) == {
        **{check_id: user for check_id, (_, user, _) in CHECKS.items()}, 10: 2}
    assert rows("SELECT count(*) FROM pings WHERE check_id = 11")[0][0] == 0
    assert sorted(r[0] for r in rows("SELECT key_hash FROM api_keys")) == sorted(
        sha256(k) for k in API_KEYS.values())
    upgrade()
    no_dangling_references()
    db.session.remove()


def test_the_migration_refuses_to_rebuild_sqlite_tables_with_foreign_keys_on(old_app):
    """Alembic's batch mode drops the old table; with foreign keys on, that
    would delete every ping, flip and notification of the checks by cascade."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    spec = importlib.util.spec_from_file_location("projects_0008", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    before = counts()
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        with (Operations.context(MigrationContext.configure(conn)),
              pytest.raises(RuntimeError, match="foreign keys are on")):
            migration.upgrade()
    assert counts() == before
    assert "projects" not in sa.inspect(db.engine).get_table_names()


def test_0009_gives_every_check_its_own_badge_key_and_empty_peer_fields(old_app):
    upgrade(revision="0008")
    before = counts()
    upgrade(revision="0009")
    assert counts() == before
    no_dangling_references()
    found = rows("SELECT badge_key, push_token, start_kw, success_kw, failure_kw, "
                 "filter_subject, filter_body, filter_default_fail FROM checks")
    keys = [r.badge_key for r in found]
    assert len(keys) == before["checks"] and len(set(keys)) == len(keys)
    assert all(len(k) == 36 for k in keys)
    assert {tuple(r[1:]) for r in found} == {(None, "", "", "", False, False, False)}
    upgrade()  # 0010: min_runtime and who made each key, empty for what exists
    assert {r[0] for r in rows("SELECT min_runtime FROM checks")} == {None}
    assert {r[0] for r in rows("SELECT created_by_id FROM api_keys")} == {None}
    downgrade(revision="0008")
    assert counts() == before
    no_dangling_references()
    upgrade()
