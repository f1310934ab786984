"""A check's own push token through the API: set, shown, refused, cleared, rotated.

An importer of Uptime Kuma and Tianji monitors sets `push_token` so that
/api/push/<old token> keeps working (tests/compat/ push through it).
"""

import uuid as uuidlib

import pytest

from support import load_check, make_user, own_project
from webapp.core.models import ApiKey
from webapp.db import db

TOKEN = "hV3kQ9xLmP2sT7wZ4bN8cR1dF6gJ0yEa"


def test_a_check_is_created_with_a_push_token(api, client):
    r = api("post", "/checks/", json={"name": "imported", "push_token": TOKEN})
    assert r.status_code == 201
    body = r.get_json()
    assert body["push_token"] == TOKEN
    assert body["push_url"] == f"http://hb.test/api/push/{TOKEN}"
    # Healthchecks' ping URL stays the uuid's.
    assert body["ping_url"] == f"http://hb.test/ping/{body['uuid']}"
    assert client.get(f"/api/push/{TOKEN}").status_code == 200


def test_a_check_made_here_has_none_and_pushes_by_uuid(api, check):
    body = api("get", f"/checks/{check}").get_json()
    assert body["push_token"] is None
    assert body["push_url"] == f"http://hb.test/api/push/{check}"


def test_an_update_sets_and_null_clears_it(app, api, client, check):
    assert api("post", f"/checks/{check}", json={"push_token": TOKEN}).get_json()[
        "push_token"] == TOKEN
    assert client.get(f"/api/push/{TOKEN}").status_code == 200
    r = api("post", f"/checks/{check}", json={"push_token": None})
    assert r.status_code == 200 and r.get_json()["push_url"].endswith(check)
    assert client.get(f"/api/push/{TOKEN}").status_code == 404
    assert load_check(app, check).n_pings == 1


def test_an_update_without_it_keeps_it(api, check):
    api("post", f"/checks/{check}", json={"push_token": TOKEN})
    assert api("post", f"/checks/{check}", json={"name": "renamed"}).get_json()[
        "push_token"] == TOKEN


@pytest.mark.parametrize("token", ["a", "A-z_0.9~", "x" * 128, str(uuidlib.uuid4())])
def test_any_url_safe_token_of_1_to_128_characters_is_taken(api, client, check, token):
    r = api("post", f"/checks/{check}", json={"push_token": token})
    assert r.status_code == 200 and r.get_json()["push_token"] == token
    assert client.get(f"/api/push/{token}").status_code == 200


@pytest.mark.parametrize("token, needle", [
    ("", "1 to 128 characters"),
    ("x" * 129, "1 to 128 characters"),
    ("a/b", "may contain only"),
    ("a b", "may contain only"),
    ("tök", "may contain only"),
    ("a%2Fb", "may contain only"),
    ("..", "may contain only"),
    (42, "must be a string"),
    (["a"], "must be a string"),
])
def test_other_tokens_are_a_400_with_the_reason(api, check, token, needle):
    r = api("post", f"/checks/{check}", json={"push_token": token})
    assert r.status_code == 400 and needle in r.get_json()["error"]
    assert api("get", f"/checks/{check}").get_json()["push_token"] is None
    r = api("post", "/checks/", json={"name": "new", "push_token": token})
    assert r.status_code == 400
    assert len(api("get", "/checks/").get_json()["checks"]) == 1  # none was made


def test_a_token_another_check_has_is_a_409(app, api, new_check):
    first = new_check(name="first", push_token=TOKEN)
    second = new_check(name="second")
    r = api("post", f"/checks/{second}", json={"push_token": TOKEN})
    assert r.status_code == 409 and "already in use" in r.get_json()["error"]
    r = api("post", "/checks/", json={"name": "third", "push_token": TOKEN})
    assert r.status_code == 409
    assert load_check(app, second).push_token is None
    assert load_check(app, first).push_token == TOKEN


def test_another_checks_uuid_is_a_409_too(api, client, new_check):
    """The push URL takes a uuid or a push token: one string must name one check."""
    first = new_check(name="first")
    second = new_check(name="second")
    r = api("post", f"/checks/{second}", json={"push_token": first})
    assert r.status_code == 409


def test_the_token_is_unique_across_projects(app, api, new_check):
    """The push URL names no project, so no two projects may share a token."""
    new_check(name="mine", push_token=TOKEN)
    _, bobs_key = make_user(app, "bob@example.com", "bob-password")
    r = api("post", "/checks/", key=bobs_key, json={"name": "bobs", "push_token": TOKEN})
    assert r.status_code == 409


def test_a_check_may_be_given_its_own_token_again(api, new_check):
    uuid = new_check(name="first", push_token=TOKEN)
    r = api("post", f"/checks/{uuid}", json={"push_token": TOKEN, "name": "again"})
    assert r.status_code == 200
    r = api("post", "/checks/", json={"name": "again", "unique": ["name"], "push_token": TOKEN})
    assert r.status_code == 200 and r.get_json()["uuid"] == uuid


def test_rotating_drops_the_token_and_the_push_url_follows_the_new_uuid(app, api, client,
                                                                          new_check):
    uuid = new_check(name="imported", push_token=TOKEN)
    body = api("post", f"/checks/{uuid}/rotate").get_json()
    assert body["push_token"] is None
    assert body["push_url"] == f"http://hb.test/api/push/{body['uuid']}"
    assert client.get(f"/api/push/{TOKEN}").status_code == 404
    assert client.get(f"/api/push/{uuid}").status_code == 404
    assert client.get(f"/api/push/{body['uuid']}").status_code == 200
    # Free again once rotated away: another check may take it.
    assert api("post", "/checks/", json={"name": "x", "push_token": TOKEN}).status_code == 201


def test_the_healthchecks_ping_url_does_not_take_a_push_token(api, client, new_check):
    """Only the Kuma/Tianji push URL knows push tokens; /ping/ is Healthchecks', by uuid."""
    new_check(name="imported", push_token=str(uuidlib.UUID(int=7)))
    assert client.get(f"/ping/{uuidlib.UUID(int=7)}").status_code == 404


def test_a_read_only_key_does_not_see_the_token(app, api, user, new_check):
    """The token pings the check, as the uuid does: a read-only key sees neither."""
    new_check(name="imported", push_token=TOKEN)
    with app.app_context():
        row, key = ApiKey.issue(own_project(user[0]), "read-only", read_only=True)
        db.session.add(row)
        db.session.commit()
    r = api("get", "/checks/", key=key)
    assert r.status_code == 200 and r.get_json()["checks"][0]["name"] == "imported"
    assert TOKEN not in r.get_data(as_text=True) and "push_token" not in r.get_json()["checks"][0]
