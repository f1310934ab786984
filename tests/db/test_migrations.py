"""Data migrations, run from the revision before them on a database of their own."""

import sqlalchemy as sa
from flask_migrate import upgrade

from support import overrides_from
from webapp import create_app
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
