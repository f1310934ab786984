"""The ping door's rate limits: per check, misses per address, and Basic-auth guesses.

Before: 300 wrong passwords on /api/pings/ at ~14/s were all answered 401 and
the right one worked at once after them; nothing bounded pings at all. Each
429 is in its family's own format, with Retry-After in seconds.
"""

import base64
import uuid

import pytest

from support import make_user, overrides_from, pings_of
from webapp import create_app


def basic(user: str, password: str) -> dict:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


@pytest.fixture
def limited(settings, app):
    """A web app of its own (own counters) on the suite's database, with small limits."""
    return create_app({**overrides_from(settings), "RATELIMIT_PING": "3 per minute",
                       "RATELIMIT_PING_UNKNOWN": "2 per minute",
                       "RATELIMIT_LOGIN": "2 per minute",
                       "RATELIMIT_LOGIN_ADDRESS": "4 per minute"}).test_client()


def retry_after(r) -> int:
    wait = int(r.headers["Retry-After"])
    assert 1 <= wait <= 61
    return wait


def test_a_check_pinged_too_often_gets_429_in_each_familys_format(limited, new_check, app):
    token = new_check(slug="db-backup")
    assert [limited.get(f"/ping/{token}").status_code for _ in range(3)] == [200] * 3
    hc = limited.get(f"/ping/{token}/start")  # the same check, whatever the action
    assert hc.status_code == 429 and hc.mimetype == "text/plain"
    assert hc.get_data(as_text=True) == (
        f"too many pings of this check: at most 3 per 1 minute; "
        f"try again in {retry_after(hc)} s")
    kuma = limited.get(f"/api/push/{token}?status=up")
    assert kuma.status_code == 429
    assert kuma.get_json()["ok"] is False and "too many pings" in kuma.get_json()["msg"]
    retry_after(kuma)
    assert len(pings_of(app, token)) == 3  # a refused ping is not stored
    other = new_check(name="other")
    assert limited.get(f"/ping/{other}").status_code == 200  # other checks are not slowed


def test_an_address_pinging_unknown_checks_is_stopped_before_any_lookup(limited, new_check):
    codes = [limited.get(f"/ping/{uuid.uuid4()}").status_code for _ in range(3)]
    assert codes == [404, 404, 429]
    r = limited.get(f"/api/push/{uuid.uuid4()}")
    assert r.status_code == 429 and r.get_json()["ok"] is False
    token = new_check()
    assert limited.get(f"/ping/{token}").status_code == 429  # until the window ends
    other = limited.get(f"/ping/{token}", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 200


def test_the_default_limits_take_a_check_pinged_every_second(client, new_check, app):
    token = new_check()
    assert all(client.get(f"/ping/{token}").status_code == 200 for _ in range(60))
    assert len(pings_of(app, token)) == 60


def test_basic_auth_and_the_login_form_share_one_budget(limited, app, user):
    """Found by re-running issue #12's attacks: Basic auth was counted apart
    from the form, and per web process (4 processes: 4 times the limit)."""
    from conftest import Web

    web = Web(app.test_client())
    app.config["RATELIMIT_LOGIN"] = "2 per minute"
    try:
        assert web.login(password="wrong").status_code == 401
        wrong = basic("alice@example.com", "wrong")
        assert limited.post("/api/pings/?service=x", headers=wrong).status_code == 401
        assert web.login().status_code == 429  # the form sees the guess made by Basic auth
    finally:
        app.config["RATELIMIT_LOGIN"] = "10 per minute; 50 per hour"


def test_basic_auth_guessing_is_locked_per_account(limited, app, new_check):
    new_check(slug="60y4e")
    wrong = basic("alice@example.com", "wrong")
    codes = [limited.post("/api/pings/?service=60y4e", headers=wrong).status_code
             for _ in range(2)]
    assert codes == [401, 401]
    r = limited.post("/api/pings/?service=60y4e", headers=basic("alice@example.com",
                                                                "correct horse"))
    assert r.status_code == 429 and "too many failed logins" in r.get_json()["error"]
    assert retry_after(r) >= 50
    make_user(app, "bob@example.com")
    bob = limited.post("/api/pings/?service=nothing", headers=basic("bob@example.com",
                                                                    "correct horse"))
    assert bob.status_code == 404  # logged in: another account is not locked


def test_basic_auth_guessing_many_accounts_from_one_address_is_locked(limited, user):
    codes = [limited.post("/api/pings/?service=x",
                          headers=basic(f"u{i}@example.com", "wrong")).status_code
             for i in range(5)]
    assert codes == [401] * 4 + [429]


def test_an_api_key_as_the_password_is_not_counted(limited, user, new_check):
    new_check(slug="60y4e")
    for _ in range(5):
        r = limited.post("/api/pings/?service=60y4e", headers=basic("any", user[1]))
        assert r.status_code == 200


def test_limits_off(settings, new_check):
    off = create_app({**overrides_from(settings), "RATELIMIT_ENABLED": False,
                      "RATELIMIT_PING": "1 per minute"}).test_client()
    token = new_check()
    assert all(off.get(f"/ping/{token}").status_code == 200 for _ in range(3))
