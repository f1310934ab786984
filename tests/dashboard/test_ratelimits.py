"""Guessing passwords is slowed down: per account and per address, failures only.

Before: 300 wrong passwords on /login at ~14/s were all answered 401, and the
right one worked at once after them. Each test sets small limits of its own.
"""

from conftest import Web

from support import make_user, overrides_from
from webapp import create_app
from webapp.core import users


def attempt(web, email="alice@example.com", password="wrong"):
    return web.login(email, password)


def test_an_account_is_locked_after_its_failures_even_for_the_right_password(web, user, limits):
    limits(RATELIMIT_LOGIN="3 per minute")
    assert [attempt(web).status_code for _ in range(3)] == [401, 401, 401]
    r = attempt(web, password="correct horse")
    assert r.status_code == 429
    wait = int(r.headers["Retry-After"])
    assert 50 <= wait <= 61  # the minute that began with the first failure, not 1 s
    assert f"try again in {wait} s" in r.get_data(as_text=True)
    make_user(web.client.application, "bob@example.com")
    assert attempt(web, "bob@example.com", "correct horse").status_code == 302  # others log in


def test_the_account_limit_counts_every_spelling_of_the_email(web, user, limits):
    limits(RATELIMIT_LOGIN="2 per minute")
    attempt(web, "Alice@Example.com")
    attempt(web, " alice@example.com ")
    assert attempt(web, "ALICE@example.com").status_code == 429


def test_right_passwords_do_not_count(app, user, limits):
    limits(RATELIMIT_LOGIN="2 per minute", RATELIMIT_LOGIN_ADDRESS="2 per minute")
    for _ in range(5):
        assert Web(app.test_client()).login().status_code == 302


def test_one_address_guessing_many_accounts_is_stopped(web, user, limits):
    limits(RATELIMIT_LOGIN_ADDRESS="4 per minute")
    codes = [attempt(web, f"user{i}@example.com").status_code for i in range(6)]
    assert codes == [401] * 4 + [429] * 2


def test_signups_per_address_are_limited(app, web, limits, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTRATION_OPEN", True)
    limits(RATELIMIT_SIGNUP="2 per hour")
    codes = []
    for i in range(3):
        codes.append(web.post("/signup", {"email": f"n{i}@example.com", "password": "long enough",
                                          "confirm": "long enough", "timezone": "UTC"},
                              token_from="/signup").status_code)
        if codes[-1] == 302:
            web.post("/logout", token_from="/settings/")
    assert codes == [302, 302, 429]


def test_with_redis_gone_limits_are_counted_in_memory(settings, user):
    """Flask-Limiter's in-memory fallback: nothing answers on this port."""
    app = create_app({**overrides_from(settings), "RATELIMIT_LOGIN": "2 per minute",
                      "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:9/0"})
    web = Web(app.test_client())
    assert [attempt(web).status_code for _ in range(3)] == [401, 401, 429]


def test_unknown_and_known_emails_cost_the_same_password_hash(app, user, monkeypatch):
    """The time of a wrong answer must not tell which emails have accounts
    (before: 121-163 ms for a real user, 4-5 ms for an unknown one)."""
    checked = []
    real = users.check_password_hash

    def counting(pwhash, password):
        checked.append(pwhash.split("$")[0])
        return real(pwhash, password)

    monkeypatch.setattr(users, "check_password_hash", counting)
    monkeypatch.setattr("webapp.core.accounts.check_password_hash", counting)
    with app.app_context():
        assert users.authenticate("nobody@example.com", "wrong") is None
        assert users.authenticate("alice@example.com", "wrong") is None
    assert len(checked) == 2 and checked[0] == checked[1]  # the same KDF, same parameters
    assert checked[0].startswith("scrypt")
