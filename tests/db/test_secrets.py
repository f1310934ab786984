"""Channel settings encrypted at rest: ciphertext in the tables, plain values in
the code, and a clear failure, never a 500 nor a lost value, when SECRET_KEY changes."""

import html as html_lib
import json

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet

from support import settle_deliveries, unquoted
from webapp.core.models import Channel, Notification
from webapp.db import db
from webapp.db.secrets import UNREADABLE_REASON, UNREADABLE_TEXT, derive_key

HOOK = {"kind": "webhook", "name": "hook",
        "value": {"url": "https://hooks.example.com/T0KEN-in-url",
                  "headers": {"Authorization": "Bearer s3cret"}}}


def raw_rows(app, sql: str) -> list[sa.Row]:
    with app.app_context(), db.engine.connect() as conn:
        return conn.execute(sa.text(sql)).all()


def open_token(secret_key: str, token: str) -> str:
    return Fernet(derive_key(secret_key)).decrypt(unquoted(token).encode()).decode()


def test_values_headers_and_targets_are_fernet_tokens_under_secret_key(app, api, new_check):
    assert api("post", "/channels/", json=HOOK).status_code == 201
    uuid = new_check()
    assert app.test_client().get(f"/api/push/{uuid}?status=down").status_code == 200

    [(value, headers)] = raw_rows(app, "SELECT value, headers FROM channels")
    [(target,)] = raw_rows(app, "SELECT target FROM notifications")
    for stored in (value, headers, target):
        assert "T0KEN" not in stored and "s3cret" not in stored
        assert unquoted(stored).startswith("gAAAAA")
    key = app.config["SECRET_KEY"]
    assert open_token(key, value) == open_token(key, target) == HOOK["value"]["url"]
    assert json.loads(open_token(key, headers)) == HOOK["value"]["headers"]
    with app.app_context():
        channel = db.session.scalar(sa.select(Channel))
        assert (channel.value, channel.headers) == (HOOK["value"]["url"], HOOK["value"]["headers"])
        assert not channel.settings_unreadable
        assert db.session.scalar(sa.select(Notification.target)) == HOOK["value"]["url"]
        db.session.remove()


def test_the_same_value_is_never_stored_twice_alike(app, api):
    # Fernet's random IV: equal secrets do not show as equal ciphertexts.
    for name in ("a", "b"):
        api("post", "/channels/", json={**HOOK, "name": name})
    first, second = raw_rows(app, "SELECT value FROM channels")
    assert first.value != second.value


@pytest.fixture
def changed_key(app, api, new_check, monkeypatch, receiver):
    """A webhook channel and a check alerting it, saved; then SECRET_KEY changes
    (as after a restart with another key). Yields the check's uuid."""
    hook = {**HOOK, "value": {**HOOK["value"], "url": f"{receiver.url}/hook"}}
    assert api("post", "/channels/", json=hook).status_code == 201
    uuid = new_check()
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-key-" + app.config["SECRET_KEY"])
    yield uuid


def test_a_changed_key_is_said_on_the_channel_pages_not_a_500(changed_key, web, app):
    assert web.login().status_code == 302  # the session cookie of the old key is void too
    r = web.get(web.at("channels/"))
    html = html_lib.unescape(r.get_data(as_text=True))
    assert r.status_code == 200
    assert "Cannot decrypt this channel's settings: SECRET_KEY changed" in html
    assert UNREADABLE_TEXT in html and "T0KEN" not in html
    with app.app_context():
        code = db.session.scalar(sa.select(Channel.code))
        db.session.remove()
    edit = web.get(f"/channels/{code}/edit")
    assert edit.status_code == 200 and "Cannot decrypt" in edit.get_data(as_text=True)


def test_a_changed_key_fails_deliveries_saying_why(changed_key, web, app, receiver, no_worker):
    # No worker: one left running by an earlier test still has the old key,
    # and would open the channel and deliver.
    assert app.test_client().get(f"/api/push/{changed_key}?status=down").status_code == 200
    settle_deliveries(app)
    with app.app_context():
        note = db.session.scalar(sa.select(Notification))
        assert (note.status, note.error) == ("failed", UNREADABLE_REASON)
        code = db.session.scalar(sa.select(Channel.code))
        db.session.remove()
    assert receiver.requests == []  # nothing went out without its headers
    assert web.login().status_code == 302
    r = web.post(f"/channels/{code}/test")
    assert r.status_code == 200
    assert UNREADABLE_REASON in html_lib.unescape(r.get_data(as_text=True))


def test_an_unreadable_value_written_back_keeps_its_ciphertext(changed_key, app, monkeypatch):
    [before] = raw_rows(app, "SELECT value, headers FROM channels")
    with app.app_context():
        channel = db.session.scalar(sa.select(Channel))
        assert channel.settings_unreadable
        # The values written as they were read (an edit of the name alone, a copy
        # into a notification): an UPDATE that binds them, as the ORM would skip
        # one for a value assigned to itself.
        db.session.execute(sa.update(Channel).values(
            name="renamed", value=channel.value, headers=channel.headers))
        db.session.commit()
        db.session.remove()
    [after] = raw_rows(app, "SELECT value, headers, name FROM channels")
    assert (after.value, after.headers, after.name) == (before.value, before.headers, "renamed")
    monkeypatch.undo()  # the old key back: everything opens again
    with app.app_context():
        channel = db.session.scalar(sa.select(Channel))
        assert channel.headers == HOOK["value"]["headers"] and not channel.settings_unreadable
        db.session.remove()


def test_old_secret_keys_still_open_values_and_a_save_moves_them_to_the_new_key(
        app, api, monkeypatch):
    api("post", "/channels/", json=HOOK)
    old = app.config["SECRET_KEY"]
    monkeypatch.setitem(app.config, "SECRET_KEY", "the-new-key")
    monkeypatch.setitem(app.config, "OLD_SECRET_KEYS", f"something-older, {old}")
    with app.app_context():
        channel = db.session.scalar(sa.select(Channel))
        assert channel.headers == HOOK["value"]["headers"]
        channel.headers = {**channel.headers, "X-Team": "ops"}
        db.session.commit()
        db.session.remove()
    [row] = raw_rows(app, "SELECT headers FROM channels")
    assert json.loads(open_token("the-new-key", row.headers))["X-Team"] == "ops"
