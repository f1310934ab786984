"""Login sessions end server-side: a copied cookie is worth nothing once its session ends.

The attempts that worked before login sessions existed: a session cookie
copied before logout still logged in after it; the remember cookie survived
logout and a password change; other browsers stayed logged in after a
password change.
"""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from conftest import Web

from support import make_user, overrides_from
from webapp import create_app
from webapp.core.models import LoginSession
from webapp.core.times import utcnow
from webapp.db import db


def copy_of(app, client, *names):
    """A second browser holding copies of `client`'s cookies (all, or the ones named)."""
    other = app.test_client()
    for cookie in client._cookies.values():
        if not names or cookie.key in names:
            other.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return other


def logged_in_as_alice(client) -> bool:
    r = client.get("/settings/")
    return r.status_code == 200 and "alice@example.com" in r.get_data(as_text=True)


def remember_login(web):
    return web.client.post("/login", data={"csrf_token": web.csrf(), "email": "alice@example.com",
                                           "password": "correct horse", "remember": "y"})


def test_a_cookie_copied_before_logout_is_refused_after_it(app, logged_in):
    thief = copy_of(app, logged_in.client, "session")
    assert logged_in_as_alice(thief)  # the copy works while the session lives
    assert logged_in.post("/logout", token_from="/settings/").status_code == 302
    assert not logged_in_as_alice(thief)
    assert thief.get("/settings/").status_code == 302


def test_the_remember_cookie_dies_with_logout(app, web, user):
    assert remember_login(web).status_code == 302
    assert web.client.get_cookie("remember_token") is not None
    kept = copy_of(app, web.client, "remember_token")
    assert logged_in_as_alice(kept)  # alone, it logs in while the session lives
    web.post("/logout", token_from="/settings/")
    assert not logged_in_as_alice(copy_of(app, kept, "remember_token"))


def test_a_password_change_ends_every_other_session_and_remember_cookie(app, user):
    here, there = Web(app.test_client()), Web(app.test_client())
    assert here.login().status_code == 302 and remember_login(there).status_code == 302
    remembered = copy_of(app, there.client, "remember_token")
    r = here.post("/settings/password", {"current": "correct horse", "new": "new password!",
                                         "confirm": "new password!"}, token_from="/settings/")
    assert r.status_code == 302
    assert "1 other login session(s) ended." in here.get("/settings/").get_data(as_text=True)
    assert logged_in_as_alice(here.client)  # the browser that changed it stays in
    assert not logged_in_as_alice(there.client)
    assert not logged_in_as_alice(remembered)


def test_settings_lists_the_sessions_and_ends_one(app, user):
    here, there = Web(app.test_client()), Web(app.test_client())
    here.login()
    there.client.post("/login", data={"csrf_token": there.csrf(), "email": "alice@example.com",
                                      "password": "correct horse"},
                      headers={"User-Agent": "Firefox on the other laptop"})
    html = here.get("/settings/").get_data(as_text=True)
    assert "Firefox on the other laptop" in html and "this browser" in html
    with app.app_context():
        other = db.session.scalar(sa.select(LoginSession.id).where(
            LoginSession.user_agent == "Firefox on the other laptop"))
    assert here.post(f"/settings/sessions/{other}/end", token_from="/settings/").status_code == 302
    assert not logged_in_as_alice(there.client) and logged_in_as_alice(here.client)
    assert "Firefox on the other laptop" not in here.get("/settings/").get_data(as_text=True)


def test_nobody_ends_another_users_session(app, logged_in):
    bob = Web(app.test_client())
    make_user(app, "bob@example.com")
    bob.login("bob@example.com")
    with app.app_context():
        alices = db.session.scalar(sa.select(LoginSession.id).join(LoginSession.user).where(
            LoginSession.user.has(email="alice@example.com")))
    assert bob.post(f"/settings/sessions/{alices}/end", token_from="/settings/").status_code == 302
    assert logged_in_as_alice(logged_in.client)


def test_log_out_everywhere_asks_then_ends_all_sessions(app, user):
    here, there = Web(app.test_client()), Web(app.test_client())
    here.login()
    remember_login(there)
    remembered = copy_of(app, there.client, "remember_token")
    asked = here.post("/settings/sessions/end-all", token_from="/settings/")
    assert asked.status_code == 200 and "Log out everywhere?" in asked.get_data(as_text=True)
    assert logged_in_as_alice(here.client)
    r = here.post("/settings/sessions/end-all", {"confirmed": "yes"}, token_from="/settings/")
    assert r.status_code == 302 and r.headers["Location"].endswith("/login")
    assert not any(logged_in_as_alice(c) for c in (here.client, there.client, remembered))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginSession)) == 0


def test_a_session_idle_for_two_weeks_has_ended(app, logged_in):
    with app.app_context():
        db.session.execute(sa.update(LoginSession).values(
            last_seen=utcnow() - timedelta(days=15)))
        db.session.commit()
    assert not logged_in_as_alice(logged_in.client)


def cookie_header(response, name: str) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "="))


def test_cookies_are_samesite_lax_and_not_secure_over_http(web, user):
    r = remember_login(web)
    for name in ("session", "remember_token"):
        header = cookie_header(r, name)
        assert "SameSite=Lax" in header and "HttpOnly" in header and "Secure" not in header
    assert "Strict-Transport-Security" not in r.headers


@pytest.mark.parametrize("settings_", [{"BASE_URL": "https://hb.example.com"},
                                       {"SESSION_COOKIE_SECURE": True}])
def test_https_sites_get_secure_cookies_and_hsts(settings, user, settings_):
    app = create_app({**overrides_from(settings), **settings_})
    web = Web(app.test_client())
    r = remember_login(web)
    for name in ("session", "remember_token"):
        assert "Secure" in cookie_header(r, name)
    assert r.headers["Strict-Transport-Security"] == "max-age=31536000"
    ping = web.client.get("/ping/not-a-check")  # the ping door sends it too
    assert ping.headers["Strict-Transport-Security"] == "max-age=31536000"
