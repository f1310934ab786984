"""Logging in and out, and signing up when registration is open."""

import pytest
import sqlalchemy as sa

from webapp.core.models import User
from webapp.db import db


@pytest.fixture
def registration(app, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTRATION_OPEN", True)


def signup(web, **fields):
    data = {"email": "new@example.com", "password": "long enough", "confirm": "long enough",
            "timezone": "Europe/Berlin", **fields}
    return web.post("/signup", data, token_from="/signup")


def test_login_without_a_csrf_token_is_refused(client, user):
    r = client.post("/login", data={"email": "alice@example.com", "password": "correct horse"})
    assert r.status_code == 400 and "This form has expired" in r.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_wrong_password_is_refused(web, user):
    r = web.login(password="wrong")
    assert r.status_code == 401 and "Wrong email or password." in r.get_data(as_text=True)
    assert web.get("/").status_code == 302


def test_a_nul_in_the_email_is_a_wrong_login(web, user):
    """Found by the fuzzing of issue #12: PostgreSQL refuses a NUL in a query (a 503)."""
    r = web.login(email="alice\x00@example.com")
    assert r.status_code == 401 and "Wrong email or password." in r.get_data(as_text=True)


def test_an_empty_login_form_says_what_is_missing(web, user):
    r = web.post("/login", {"email": "", "password": ""}, token_from="/login")
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert "Enter your email address." in html and "Enter your password." in html


def test_login_is_case_insensitive_on_the_email(web, user):
    assert web.login(email="  Alice@Example.COM ").headers["Location"] == "/"


def test_login_returns_to_the_page_asked_for_but_never_off_site(web, user):
    assert web.login(next_="/checks/x").headers["Location"] == "/checks/x"
    web.post("/logout")
    for evil in ("//evil.example/", "https://evil.example/", "/\\evil.example",
                 "javascript:alert(1)"):
        assert web.login(next_=evil).headers["Location"] == "/", evil
        web.post("/logout")


def test_the_way_back_keeps_the_query(web, user):
    r = web.get("/?tags=prod,db")
    assert r.headers["Location"] == "/login?next=%2F%3Ftags%3Dprod%2Cdb"
    assert web.login(next_="%2F%3Ftags%3Dprod%2Cdb").headers["Location"] == "/?tags=prod,db"


def test_logout_needs_a_post_with_a_token(logged_in):
    assert logged_in.get("/logout").status_code == 405
    assert logged_in.client.post("/logout").status_code == 400
    r = logged_in.post("/logout")
    assert r.headers["Location"] == "/login"
    assert logged_in.get("/").status_code == 302


def test_signup_does_not_exist_unless_registration_is_open(web):
    assert web.get("/signup").status_code == 404
    assert "Create an account" not in web.get("/login").get_data(as_text=True)


def user_row(app, email):
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        db.session.remove()
    return user


def test_signing_up_makes_an_account_and_logs_in(app, web, registration):
    assert 'href="/signup"' in web.get("/login").get_data(as_text=True)
    r = signup(web, email=" New@Example.com ")
    assert r.status_code == 302 and r.headers["Location"] == "/"
    user = user_row(app, "new@example.com")
    assert user.timezone == "Europe/Berlin" and user.check_password("long enough")
    assert web.get(web.home).status_code == 200


@pytest.mark.parametrize("fields, message", [
    ({"email": "not-an-address"}, "That does not look like an email address."),
    ({"password": "short", "confirm": "short"}, "Use at least 8 characters."),
    ({"confirm": "something else"}, "The two passwords differ."),
    ({"email": "alice@example.com"}, "An account with this email exists already"),
])
def test_signup_says_what_is_wrong(web, user, registration, fields, message):
    r = signup(web, **fields)
    assert r.status_code == 400 and message in r.get_data(as_text=True)


def test_signup_with_an_unknown_timezone_falls_back_to_utc(app, web, registration):
    signup(web, timezone="Not/AZone")
    assert user_row(app, "new@example.com").timezone == "UTC"
