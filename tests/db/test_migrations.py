"""Data migrations, run from the revision before them on a database of their own."""

import json

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from support import overrides_from, unquoted
from webapp import create_app
from webapp.core.models import Channel, Membership, Notification, Project, User
from webapp.db import db


def test_control_characters_are_cleaned_out_of_stored_names_tags_and_channels(settings, tmp_path):
    app = create_app({**overrides_from(settings),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'old.db'}"})
    with app.app_context():
        upgrade(revision="0003")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO users (id, email, password_hash, timezone, ping_key, created) "
                "VALUES (1, 'a@example.com', 'x', 'UTC', 'k', '2026-01-01 00:00:00.000000')"))
            conn.execute(sa.text(
                "INSERT INTO checks (id, uuid, user_id, name, slug, tags, \"desc\", kind, timeout, "
                "grace, schedule, tz, grace_to_end_of_day, methods, manual_resume, status, "
                "n_pings, created, nag_period, failure_threshold, fail_count) VALUES (1, 'u', 1, "
                ":name, 'b', :tags, 'line one\nline two', 'simple', 60, 60, '* * * * *', 'UTC', "
                "0, '', 0, 'new', 0, '2026-01-01 00:00:00.000000', 0, 1, 0)"),
                {"name": "nightly\r\nbackup", "tags": "prod\x07db"})
            conn.execute(sa.text(
                "INSERT INTO channels (id, code, user_id, kind, name, value, headers, created) "
                "VALUES (1, 'c', 1, 'email', :name, :value, :headers, "
                "'2026-01-01 00:00:00.000000')"),
                {"name": "ops\n", "value": "ops@example.com\r\noncall@example.com",
                 "headers": '{"X-Token": "a\\r\\nb"}'})
        upgrade(revision="0004")
        with db.engine.connect() as conn:
            check = conn.execute(sa.text('SELECT name, tags, "desc" FROM checks')).one()
            channel = conn.execute(sa.text("SELECT name, value, headers FROM channels")).one()
        db.session.remove()
        db.engine.dispose()
    assert tuple(check) == ("nightly backup", "prod db", "line one\nline two")
    assert (channel.name, channel.value) == ("ops", "ops@example.com oncall@example.com")
    assert channel.headers == '{"X-Token": "a b"}'


def raw(sql):
    with db.engine.connect() as conn:
        return conn.execute(sa.text(sql)).one()


def test_channel_settings_are_encrypted_in_place_and_decrypted_on_downgrade(settings,
                                                                           own_database):
    app = create_app({**overrides_from(settings), "SQLALCHEMY_DATABASE_URI": own_database})
    url, headers = "https://hooks.example.com/T0KEN", {"Authorization": "Bearer s3cret"}
    with app.app_context():
        upgrade(revision="0006")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO users (id, email, password_hash, timezone, ping_key, created) "
                "VALUES (1, 'a@example.com', 'x', 'UTC', 'k', '2026-01-01 00:00:00')"))
            conn.execute(sa.text(
                "INSERT INTO checks (id, uuid, user_id, name, slug, tags, \"desc\", kind, timeout, "
                "grace, schedule, tz, grace_to_end_of_day, methods, manual_resume, status, "
                "n_pings, created, nag_period, failure_threshold, fail_count) VALUES (1, 'u', 1, "
                "'b', 'b', '', '', 'simple', 60, 60, '* * * * *', 'UTC', false, '', false, 'new', "
                "0, '2026-01-01 00:00:00', 0, 1, 0)"))
            conn.execute(sa.text(
                "INSERT INTO channels (id, code, user_id, kind, name, value, headers, created) "
                "VALUES (1, 'c', 1, 'webhook', 'hook', :url, :headers, '2026-01-01 00:00:00')"),
                {"url": url, "headers": json.dumps(headers)})
            conn.execute(sa.text(
                "INSERT INTO notifications (id, check_id, channel_id, event, kind, target, "
                "status, attempts, error, created) VALUES (1, 1, 1, 'down', 'webhook', :url, "
                "'sent', 1, '', '2026-01-01 00:00:00')"), {"url": url})

        upgrade(revision="0007")
        stored = raw("SELECT c.value, c.headers, n.target FROM channels c, notifications n")
        assert all(unquoted(v).startswith("gAAAAA") and "T0KEN" not in v and "s3cret" not in v
                   for v in stored)
        # Read through the models' column types, column by column: the models
        # describe the head revision's tables, not this one's.
        with db.engine.connect() as conn:
            assert tuple(conn.execute(sa.select(Channel.value, Channel.headers)).one()) == (
                url, headers)
            assert conn.execute(sa.select(Notification.target)).scalar_one() == url

        downgrade(revision="0006")
        value, plain_headers, target = raw(
            "SELECT c.value, c.headers, n.target FROM channels c, notifications n")
        assert (value, target) == (url, url)
        # Back to a JSON column: PostgreSQL's driver hands out the object itself.
        assert (plain_headers if isinstance(plain_headers, dict)
                else json.loads(plain_headers)) == headers
        db.session.remove()
        db.engine.dispose()


def test_a_downgrade_that_cannot_decrypt_stops_and_changes_nothing(settings, own_database,
                                                                  capfd):
    app = create_app({**overrides_from(settings), "SQLALCHEMY_DATABASE_URI": own_database})
    with app.app_context():
        upgrade()
        user, project = User(email="a@example.com", password_hash="x"), Project()
        db.session.add(Membership(project=project, user=user, role="owner"))
        db.session.flush()
        db.session.add(Channel(project_id=project.id, kind="email", value="ops@example.com"))
        db.session.commit()
        before = raw("SELECT value, headers FROM channels")
        app.config["SECRET_KEY"] = "another key"
        # Flask-Migrate says the error in a line and exits 1, as `flask db downgrade` does.
        with pytest.raises(SystemExit):
            downgrade(revision="0006")
        assert ("Error: cannot decrypt channel 1's value: SECRET_KEY changed since it was saved"
                in capfd.readouterr().err)
        assert raw("SELECT value, headers FROM channels") == before
        db.session.remove()
        db.engine.dispose()


def test_the_models_and_the_migrations_agree(app):
    """What `flask db migrate` would write from the models at the head revision: nothing."""
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def test_what_was_sent_is_filled_from_the_history(settings, own_database):
    """0012: a check down whose down was sent owes its recovery; a muted one not."""
    from webapp.core.models import Check, Flip
    from webapp.core.projects import create_project

    app = create_app({**overrides_from(settings), "SQLALCHEMY_DATABASE_URI": own_database})
    with app.app_context():
        upgrade()
        user = User(email="a@example.com", password_hash="x")
        db.session.add(user)
        project = create_project(user, "p")
        db.session.flush()
        for name, status, reason in [("sent", "down", "failure reported"),
                                     ("muted", "down", "failure reported (muted: not sent)"),
                                     ("fine", "up", "success")]:
            check = Check(project_id=project.id, name=name, status=status)
            db.session.add(check)
            db.session.flush()
            db.session.add(Flip(check_id=check.id, old_status="up", new_status=status,
                                reason=reason))
        db.session.commit()
        db.session.remove()
        downgrade(revision="0011")
        upgrade(revision="0012")
        with db.engine.connect() as conn:
            alerted = dict(conn.execute(sa.text("SELECT name, alerted FROM checks")).all())
        upgrade()
        db.session.remove()
        db.engine.dispose()
    assert alerted == {"sent": "down", "muted": None, "fine": None}


def test_existing_accounts_that_saw_their_zone_keep_it_as_chosen(settings, own_database):
    """0019: an account on another zone than UTC, or that has logged in, counts
    as having chosen its zone; one never logged in on UTC may still adopt the
    browser's."""
    from webapp.core.models import LoginSession

    app = create_app({**overrides_from(settings), "SQLALCHEMY_DATABASE_URI": own_database})
    with app.app_context():
        upgrade(revision="0018")
        for email, tz in [("berlin@example.com", "Europe/Berlin"), ("seen@example.com", "UTC"),
                          ("fresh@example.com", "UTC")]:
            db.session.execute(sa.text(
                "INSERT INTO users (email, password_hash, timezone, created) "
                "VALUES (:e, 'x', :tz, CURRENT_TIMESTAMP)"), {"e": email, "tz": tz})
        seen = db.session.scalar(sa.text("SELECT id FROM users WHERE email = 'seen@example.com'"))
        db.session.commit()
        db.session.add(LoginSession(user_id=seen, token_hash="h" * 64))
        db.session.commit()
        db.session.remove()
        upgrade()
        with db.engine.connect() as conn:
            chosen = dict(conn.execute(sa.text("SELECT email, timezone_chosen FROM users")).all())
        downgrade(revision="0018")
        db.session.remove()
        db.engine.dispose()
    assert {k: bool(v) for k, v in chosen.items()} == {
        "berlin@example.com": True, "seen@example.com": True, "fresh@example.com": False}
