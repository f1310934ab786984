"""The settings page: API keys, the ping key, password, timezone."""

import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from support import make_user
from webapp.core.models import ApiKey, Check, User
from webapp.db import db


def test_a_new_api_key_is_shown_once_and_works(logged_in, client):
    r = logged_in.post("/settings/keys", {"label": "backup server"}, token_from="/settings/")
    assert r.status_code == 201
    key = re.search(r'id="new-api-key" class="copy-text">(hb_[^<]+)<',
                    r.get_data(as_text=True)).group(1)
    assert client.get("/api/v3/checks/", headers={"X-Api-Key": key}).status_code == 200
    page = logged_in.get("/settings/").get_data(as_text=True)
    assert key not in page and f"<code>{key[:8]}…</code>" in page and "backup server" in page


def test_creating_a_key_with_htmx_returns_the_keys_section_alone(logged_in):
    token = logged_in.csrf("/settings/")
    r = logged_in.client.post("/settings/keys", data={"label": "ci"},
                              headers={"HX-Request": "true", "HX-Target": "api-keys",
                                       "X-CSRFToken": token})
    html = r.get_data(as_text=True)
    assert (r.status_code == 201 and html.lstrip().startswith('<div id="api-keys">')
            and "<html" not in html)


def test_an_htmx_post_without_the_csrf_header_is_refused(logged_in):
    r = logged_in.client.post("/settings/keys", data={"label": "ci"},
                              headers={"HX-Request": "true", "HX-Target": "api-keys"})
    assert r.status_code == 400


def test_a_key_needs_a_label(logged_in):
    r = logged_in.post("/settings/keys", {"label": "  "}, token_from="/settings/")
    assert r.status_code == 400 and "Give the key a label" in r.get_data(as_text=True)


def test_revoking_a_key_locks_out_its_scripts(logged_in, client, user):
    key_id = re.search(r'/settings/keys/(\d+)/revoke',
                       logged_in.get("/settings/").get_data(as_text=True)).group(1)
    r = logged_in.post(f"/settings/keys/{key_id}/revoke", token_from="/settings/")
    assert r.status_code == 302
    assert client.get("/api/v3/checks/", headers={"X-Api-Key": user[1]}).status_code == 401


def test_another_users_key_cannot_be_revoked(app, logged_in, client):
    _, bobs_key = make_user(app, "bob@example.com", "bob-password")
    with app.app_context():
        bobs_id = db.session.scalar(
            sa.select(ApiKey.id).join(User).where(User.email == "bob@example.com"))
    assert logged_in.post(f"/settings/keys/{bobs_id}/revoke",
                          token_from="/settings/").status_code == 404
    assert client.get("/api/v3/checks/", headers={"X-Api-Key": bobs_key}).status_code == 200


def test_changing_the_password(logged_in, web):
    data = {"current": "correct horse", "new": "battery staple", "confirm": "battery staple"}
    assert logged_in.post("/settings/password", data, token_from="/settings/").status_code == 302
    logged_in.post("/logout")
    assert web.login(password="correct horse").status_code == 401
    assert web.login(password="battery staple").status_code == 302


def test_a_password_change_needs_the_current_password_and_a_match(logged_in):
    r = logged_in.post("/settings/password", {"current": "wrong", "new": "battery staple",
                                              "confirm": "battery staple"}, token_from="/settings/")
    assert r.status_code == 400 and "That is not your current password." in r.get_data(as_text=True)
    r = logged_in.post("/settings/password", {"current": "correct horse", "new": "battery staple",
                                              "confirm": "other"}, token_from="/settings/")
    assert r.status_code == 400 and "The two passwords differ." in r.get_data(as_text=True)
    r = logged_in.post("/settings/password", {"current": "correct horse", "new": "short",
                                              "confirm": "short"}, token_from="/settings/")
    assert r.status_code == 400 and "Use at least 8 characters." in r.get_data(as_text=True)


def test_times_are_shown_in_the_users_timezone(logged_in, app, new_check):
    uuid = new_check(name="backup")
    with app.app_context():
        db.session.execute(sa.update(Check).where(Check.uuid == uuid)
                           .values(created=datetime(2026, 1, 15, 12, 0, tzinfo=UTC)))
        db.session.commit()
    assert "2026-01-15 12:00:00 UTC" in logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    r = logged_in.post("/settings/timezone", {"timezone": "Asia/Shanghai"}, token_from="/settings/")
    assert r.status_code == 302
    html = logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    assert "2026-01-15 20:00:00 CST" in html and "Times are shown in Asia/Shanghai" in html


def test_an_unknown_timezone_is_refused(logged_in):
    r = logged_in.post("/settings/timezone", {"timezone": "Mars/Olympus"}, token_from="/settings/")
    assert r.status_code == 400 and (
        "Unknown timezone &#39;Mars/Olympus&#39;" in r.get_data(as_text=True))


def ping_key_of(app, email="alice@example.com") -> str:
    with app.app_context():
        return db.session.scalar(sa.select(User.ping_key).where(User.email == email))


def test_the_ping_key_is_shown_with_a_copy_button(logged_in, app):
    key = ping_key_of(app)
    html = logged_in.get("/settings/").get_data(as_text=True)
    assert f'<code id="ping-key-value" class="copy-text">{key}</code>' in html
    assert 'data-copy="ping-key-value"' in html and (
        f"http://hb.test/ping/{key}/&lt;slug&gt;" in html)


def test_rotating_the_ping_key_asks_first_then_retires_the_old_slug_urls(logged_in, api, app):
    api("post", "/checks/", json={"name": "db-backup"})
    old = ping_key_of(app)
    assert logged_in.get(f"/ping/{old}/db-backup").status_code == 200
    r = logged_in.post("/settings/ping-key/rotate", token_from="/settings/")
    assert r.status_code == 200 and "Rotate the ping key?" in r.get_data(as_text=True)
    assert ping_key_of(app) == old  # nothing happened yet
    r = logged_in.post("/settings/ping-key/rotate", {"confirmed": "yes"}, token_from="/settings/")
    assert r.status_code == 302 and r.headers["Location"] == "/settings/#ping-key"
    new = ping_key_of(app)
    assert new != old and len(new) == 22
    assert logged_in.get(f"/ping/{old}/db-backup").status_code == 404
    assert logged_in.get(f"/ping/{new}/db-backup").status_code == 200
    assert f'<code id="ping-key-value" class="copy-text">{new}</code>' in (
        logged_in.get("/settings/").get_data(as_text=True))


def test_rotating_needs_the_csrf_token(logged_in, app):
    old = ping_key_of(app)
    assert logged_in.client.post("/settings/ping-key/rotate",
                                 data={"confirmed": "yes"}).status_code == 400
    assert ping_key_of(app) == old


@pytest.mark.parametrize("path", ["/settings/keys/9223372036854775808/revoke",
                                  "/settings/sessions/9223372036854775808/end",
                                  "/settings/keys/2147483648/revoke"])
def test_an_id_past_the_integer_columns_is_a_404(logged_in, path):
    """Found by the fuzzing of issue #12: such ids were an OverflowError (500),
    and past 32 bits PostgreSQL refused them (503)."""
    assert logged_in.post(path, token_from="/settings/").status_code == 404
