"""A project's settings page: API keys (read-write and read-only), the ping
key, the badge key, its name, and the danger zone."""

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from support import make_user, ping_key_of, project_of
from webapp.core.models import ApiKey
from webapp.db import db


def test_a_new_api_key_is_shown_once_and_works(logged_in, client):
    r = logged_in.post(logged_in.at("keys"), {"label": "backup server"})
    assert r.status_code == 201
    key = re.search(r'id="new-api-key" class="copy-text">(hb_[^<]+)<',
                    r.get_data(as_text=True)).group(1)
    assert client.get("/api/v3/checks/", headers={"X-Api-Key": key}).status_code == 200
    page = logged_in.get(logged_in.at("settings/")).get_data(as_text=True)
    assert key not in page and f"<code>{key[:8]}…</code>" in page and "backup server" in page


def test_creating_a_key_with_htmx_returns_the_keys_section_alone(logged_in):
    token = logged_in.csrf(logged_in.at("settings/"))
    r = logged_in.client.post(logged_in.at("keys"), data={"label": "ci"},
                              headers={"HX-Request": "true", "HX-Target": "api-keys",
                                       "X-CSRFToken": token})
    html = r.get_data(as_text=True)
    assert (r.status_code == 201 and html.lstrip().startswith('<div id="api-keys">')
            and "<html" not in html)


def test_an_htmx_post_without_the_csrf_header_is_refused(logged_in):
    r = logged_in.client.post(logged_in.at("keys"), data={"label": "ci"},
                              headers={"HX-Request": "true", "HX-Target": "api-keys"})
    assert r.status_code == 400


def test_a_key_needs_a_label(logged_in):
    r = logged_in.post(logged_in.at("keys"), {"label": "  "})
    assert r.status_code == 400 and "Give the key a label" in r.get_data(as_text=True)


def test_revoking_a_key_locks_out_its_scripts(logged_in, client, user):
    key_id = re.search(r'/keys/(\d+)/revoke',
                       logged_in.get(logged_in.at("settings/")).get_data(as_text=True)).group(1)
    r = logged_in.post(logged_in.at(f"keys/{key_id}/revoke"))
    assert r.status_code == 302
    assert client.get("/api/v3/checks/", headers={"X-Api-Key": user[1]}).status_code == 401


def test_another_users_key_cannot_be_revoked(app, logged_in, client):
    _, bobs_key = make_user(app, "bob@example.com", "bob-password")
    with app.app_context():
        bobs_id = db.session.scalar(
            sa.select(ApiKey.id).where(ApiKey.project_id == project_of(app, "bob@example.com")[0]))
    assert logged_in.post(logged_in.at(f"keys/{bobs_id}/revoke"),
                          token_from=logged_in.at("settings/")).status_code == 404
    assert client.get("/api/v3/checks/", headers={"X-Api-Key": bobs_key}).status_code == 200


def test_the_ping_key_is_shown_with_a_copy_button(logged_in, app):
    key = ping_key_of(app)
    html = logged_in.get(logged_in.at("settings/")).get_data(as_text=True)
    assert f'<code id="ping-key-value" class="copy-text">{key}</code>' in html
    assert 'data-copy="ping-key-value"' in html and (
        f"http://hb.test/ping/{key}/&lt;slug&gt;" in html)


def test_rotating_the_ping_key_asks_first_then_retires_the_old_slug_urls(logged_in, api, app):
    api("post", "/checks/", json={"name": "db-backup", "slug": "db-backup"})
    old = ping_key_of(app)
    assert logged_in.get(f"/ping/{old}/db-backup").status_code == 200
    r = logged_in.post(logged_in.at("ping-key/rotate"))
    assert r.status_code == 200 and "Rotate the ping key?" in r.get_data(as_text=True)
    assert ping_key_of(app) == old  # nothing happened yet
    r = logged_in.post(logged_in.at("ping-key/rotate"), {"confirmed": "yes"})
    assert r.status_code == 302 and r.headers["Location"] == logged_in.at("settings/#ping-key")
    new = ping_key_of(app)
    assert new != old and len(new) == 22
    assert logged_in.get(f"/ping/{old}/db-backup").status_code == 404
    assert logged_in.get(f"/ping/{new}/db-backup").status_code == 200
    assert f'<code id="ping-key-value" class="copy-text">{new}</code>' in (
        logged_in.get(logged_in.at("settings/")).get_data(as_text=True))


def test_rotating_needs_the_csrf_token(logged_in, app):
    old = ping_key_of(app)
    assert logged_in.client.post(logged_in.at("ping-key/rotate"),
                                 data={"confirmed": "yes"}).status_code == 400
    assert ping_key_of(app) == old


@pytest.mark.parametrize("path", ["keys/9223372036854775808/revoke", "keys/2147483648/revoke"])
def test_an_id_past_the_integer_columns_is_a_404(logged_in, path):
    """Found by the fuzzing of issue #12: such ids were an OverflowError (500),
    and past 32 bits PostgreSQL refused them (503)."""
    assert logged_in.post(logged_in.at(path)).status_code == 404


def test_a_read_only_key_made_on_the_page_lists_but_cannot_write(logged_in, client, check):
    r = logged_in.post(logged_in.at("keys"), {"label": "status page", "read_only": "y"})
    assert r.status_code == 201
    html = r.get_data(as_text=True)
    key = re.search(r'id="new-api-key" class="copy-text">(hb_[^<]+)<', html).group(1)
    assert "<td>read-only</td>" in html
    listed = client.get("/api/v3/checks/", headers={"X-Api-Key": key})
    assert listed.status_code == 200 and "unique_key" in listed.json["checks"][0]
    assert client.post(f"/api/v3/checks/{check}/pause",
                       headers={"X-Api-Key": key}).status_code == 401


def test_rotating_the_badge_key_asks_first(logged_in, app):
    from support import own_project

    def badge_key():
        with app.app_context():
            return own_project(project_owner(app)).badge_key

    old = badge_key()
    assert f'<code id="badge-key-value" class="copy-text">{old}</code>' in (
        logged_in.get(logged_in.at("settings/")).get_data(as_text=True))
    r = logged_in.post(logged_in.at("badge-key/rotate"))
    assert r.status_code == 200 and "Rotate the badge key?" in r.get_data(as_text=True)
    assert badge_key() == old
    r = logged_in.post(logged_in.at("badge-key/rotate"), {"confirmed": "yes"})
    assert r.status_code == 302 and badge_key() != old


def test_rotating_the_badge_key_retires_every_checks_badge_urls_too(logged_in, api, new_check):
    """A check's /b/2/<key> URL is as public as the project's: rotating is the
    one way to take a published badge back, so it gives every check a new key."""
    uuids = [new_check(name="a"), new_check(name="b")]

    def badge_paths() -> list[str]:
        return [urlsplit(api("get", f"/checks/{u}").get_json()["badge_url"]).path for u in uuids]

    old = badge_paths()
    for path in old:
        assert logged_in.get(path).status_code == 200
    r = logged_in.post(logged_in.at("badge-key/rotate"))
    assert "every check's own badge URLs (/b/2/…" in unescape(r.get_data(as_text=True))
    assert logged_in.get(old[0]).status_code == 200  # nothing happened yet
    assert logged_in.post(logged_in.at("badge-key/rotate"),
                          {"confirmed": "yes"}).status_code == 302
    new = badge_paths()
    assert len(set(new) | set(old)) == 4
    for gone, path in zip(old, new, strict=True):
        assert logged_in.get(gone).status_code == 404
        assert logged_in.get(path).status_code == 200
        assert logged_in.get(path.replace("/b/2/", "/b/3/")).status_code == 200


def project_owner(app) -> int:
    from webapp.core.models import User
    return db.session.scalar(sa.select(User.id).where(User.email == "alice@example.com"))
