"""The original Heartbeats' /api/pings/ with HTTP Basic auth and data alerts."""

import base64

import pytest
import sqlalchemy as sa

from support import make_user
from webapp.core.models import Check, Flip, Notification
from webapp.db import db


def basic(user: str, password: str) -> dict:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


PASSWORD = basic("alice@example.com", "correct horse")


@pytest.fixture
def check(new_check):
    """The original Heartbeats' service 60y4E, as its README names it."""
    return new_check(name="cert-sync", slug="60y4e")


def status_of(app, uuid) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(Check.status).where(Check.uuid == uuid))


def test_the_seeds_own_example_works_as_written(app, client, check):
    # curl -u root:'xxxx' -X POST 'http://192.168.0.1/api/pings/?service=60y4E&&data=123'
    r = client.post("/api/pings/?service=60y4E&&data=123", headers=PASSWORD)
    assert r.status_code == 200
    body = r.get_json()
    assert body["service"] == "cert-sync" and body["data"] == "123"
    assert set(body) == {"id", "service", "remote_addr", "ua", "data", "created"}
    assert status_of(app, check) == "down"
    with app.app_context():
        assert db.session.scalar(sa.select(Flip.reason).where(Flip.new_status == "down")) == "123"
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 1


def test_empty_data_is_a_success(app, client, check):
    assert client.post("/api/pings/?service=60y4E&data=", headers=PASSWORD).status_code == 200
    assert status_of(app, check) == "up"
    assert client.get("/api/pings?service=60y4e", headers=PASSWORD).status_code == 200


def test_the_service_may_be_the_uuid(app, client, check):
    assert client.get(f"/api/pings/?service={check}", headers=PASSWORD).status_code == 200
    assert status_of(app, check) == "up"


def test_an_api_key_works_as_the_password_with_any_user_name(app, client, user, check):
    r = client.post("/api/pings/?service=60y4E", headers=basic("backup-script", user[1]))
    assert r.status_code == 200 and status_of(app, check) == "up"


@pytest.mark.parametrize("headers", [{}, basic("alice@example.com", "wrong"),
                                     basic("root", "hb_not_a_key"), {"Authorization": "Bearer x"}])
def test_missing_or_wrong_credentials_are_a_401_with_a_challenge(app, client, check, headers):
    r = client.post("/api/pings/?service=60y4E", headers=headers)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Basic")
    assert status_of(app, check) == "new"


def test_unknown_missing_and_foreign_services(app, client, check):
    assert client.post("/api/pings/?service=zzz", headers=PASSWORD).status_code == 404
    r = client.post("/api/pings/", headers=PASSWORD)
    assert r.status_code == 400 and "service is required" in r.get_json()["error"]
    make_user(app, "mallory@example.com", "mallory-pass")
    r = client.post("/api/pings/?service=60y4E",
                    headers=basic("mallory@example.com", "mallory-pass"))
    assert r.status_code == 404


def test_an_ambiguous_slug_is_a_409(api, client, check):
    api("post", "/checks/", json={"name": "other", "slug": "60y4e"})
    assert client.post("/api/pings/?service=60y4E", headers=PASSWORD).status_code == 409


def test_form_fields_of_a_post_work_too(app, client, check):
    r = client.post("/api/pings/", data={"service": "60y4E", "data": "disk 97%"}, headers=PASSWORD)
    assert r.status_code == 200 and status_of(app, check) == "down"


def test_the_answer_echoes_the_data_as_stored_not_as_sent(app, client, check):
    r = client.post("/api/pings/?service=60y4e", data={"data": "e" * 50_000},
                    headers={**PASSWORD, "User-Agent": "u" * 5000})
    assert r.status_code == 200
    assert r.get_json()["data"] == "e" * 1000
    assert r.get_json()["ua"] == "u" * 200  # the user agent, too, as kept
    with app.app_context():
        assert db.session.scalar(sa.select(Check.last_msg)) == "e" * 1000


def test_nul_characters_are_refused_in_lookups_and_replaced_in_data(app, client, check):
    r = client.get("/api/pings/?service=60y%00e", headers=PASSWORD)
    assert r.status_code == 404 and "no check of yours" in r.get_json()["error"]
    r = client.get("/api/pings/?service=60y4e", headers=basic("alice@exa\x00mple.com", "pw"))
    assert r.status_code == 401
    r = client.get("/api/pings/?service=60y4e&data=bad%00news", headers=PASSWORD)
    assert r.status_code == 200 and r.get_json()["data"] == "bad\ufffdnews"


def test_an_authorization_header_that_is_not_base64_text_is_a_401(client, check):
    """Found by re-running issue #12's attacks: werkzeug's ValueError was a 500."""
    for header in ("Basic \u00e9t\u00e9", "Basic !!!!", "Basic " + base64.b64encode(
            b"\xff\xfe:\xff").decode()):
        r = client.get("/api/pings/?service=60y4e", headers={"Authorization": header})
        assert r.status_code == 401 and "log in with HTTP Basic auth" in r.get_json()["error"]


def test_joining_another_project_leaves_ones_own_services_unambiguous(app, api, client, check):
    """Email and password reach every project the user may write to, their own
    first: a same-named check in a project they join does not turn their jobs'
    reports into 409s; a name found only in the joined project still works."""
    from support import project_of
    from webapp.core.models import Project, User
    from webapp.core.projects import add_member

    _, bobs_key = make_user(app, "bob@example.com", "bob-password")
    theirs = api("post", "/checks/", key=bobs_key,
                 json={"name": "bobs", "slug": "60y4e"}).get_json()
    only_theirs = api("post", "/checks/", key=bobs_key,
                      json={"name": "shared-job", "slug": "shared-job"}).get_json()
    with app.app_context():
        bobs_project = db.session.get(Project, project_of(app, "bob@example.com")[0])
        alice = db.session.scalar(sa.select(User).where(User.email == "alice@example.com"))
        add_member(bobs_project, alice, "member")
        db.session.commit()
    r = client.post("/api/pings/?service=60y4E", headers=PASSWORD)
    assert r.status_code == 200 and r.get_json()["service"] == "cert-sync"
    r = client.post("/api/pings/?service=shared-job", headers=PASSWORD)
    assert r.status_code == 200 and r.get_json()["service"] == "shared-job"
    with app.app_context():
        counts = dict(db.session.execute(sa.select(Check.uuid, Check.n_pings)).all())
    assert (counts[check], counts[theirs["uuid"]], counts[only_theirs["uuid"]]) == (1, 0, 1)
