"""The check API in Healthchecks' v3 shapes."""

import re

import pytest

from support import make_user

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")


def create(api, **fields):
    r = api("post", "/checks/", json={"name": "backup", **fields})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_it_creates_an_interval_check(api):
    body = create(api, tags="prod, db", desc="nightly", timeout=3600, grace=120)
    # v3 makes no slug from the name (Healthchecks' test_create_check.py
    # test_v3_does_not_autogenerate_slug); tests/compat covers v1 and v2.
    assert body["name"] == "backup" and body["slug"] == ""
    assert body["tags"] == "prod db"
    assert (body["timeout"], body["grace"], body["status"], body["n_pings"]) == (
        3600, 120, "new", 0)
    assert "schedule" not in body
    uuid = body["uuid"]
    assert body["ping_url"] == f"http://hb.test/ping/{uuid}"
    assert body["push_url"] == f"http://hb.test/api/push/{uuid}"
    assert body["update_url"] == f"http://hb.test/api/v3/checks/{uuid}"
    assert body["pause_url"] == body["update_url"] + "/pause"
    assert body["resume_url"] == body["update_url"] + "/resume"
    assert body["started"] is False and body["last_ping"] is None and body["manual_resume"] is False


def test_it_creates_a_cron_check(api):
    body = create(api, schedule="5 16 * * *", tz="Asia/Shanghai", grace=600)
    assert (body["schedule"], body["tz"]) == ("5 16 * * *", "Asia/Shanghai")
    assert "timeout" not in body


def test_a_check_with_only_a_name_gets_sane_defaults(api):
    body = create(api)
    assert (body["timeout"], body["grace"]) == (86400, 3600)


def test_times_are_iso_8601_with_offset(api, client):
    body = create(api, timeout=60)
    client.get(f"/api/push/{body['uuid']}")
    body = api("get", f"/checks/{body['uuid']}").get_json()
    assert ISO.match(body["last_ping"]) and ISO.match(body["next_ping"])
    assert body["status"] == "up" and body["n_pings"] == 1


@pytest.mark.parametrize("version", [1, 2, 3])
def test_every_api_version_serves_the_same_handlers(client, user, version):
    r = client.get(f"/api/v{version}/checks/", headers={"X-Api-Key": user[1]})
    assert r.status_code == 200 and r.get_json() == {"checks": []}


def test_it_filters_by_every_tag_given(api):
    create(api, name="a", tags="prod db")
    create(api, name="b", tags="prod web")
    create(api, name="c", tags="db")

    def names(q):
        return sorted(c["name"] for c in api("get", f"/checks/{q}").get_json()["checks"])

    assert names("") == ["a", "b", "c"]
    assert names("?tag=prod") == ["a", "b"]
    assert names("?tag=prod&tag=db") == ["a"]
    assert names("?tag=nope") == []


def test_it_updates_only_the_fields_named(api):
    uuid = create(api, timeout=60, tags="x")["uuid"]
    body = api("post", f"/checks/{uuid}", json={"grace": 5, "desc": "new"}).get_json()
    assert (body["timeout"], body["grace"], body["desc"], body["tags"]) == (60, 5, "new", "x")
    body = api("post", f"/checks/{uuid}", json={"schedule": "0 * * * *"}).get_json()
    assert body["schedule"] == "0 * * * *" and "timeout" not in body


def test_changing_the_schedule_moves_the_deadline(api, client):
    uuid = create(api, timeout=3600, grace=60)["uuid"]
    client.get(f"/api/push/{uuid}")
    before = api("get", f"/checks/{uuid}").get_json()["next_ping"]
    after = api("post", f"/checks/{uuid}", json={"timeout": 60}).get_json()["next_ping"]
    assert after < before


def test_unique_returns_the_existing_check(api):
    first = create(api, name="dedupe", unique=["name"])
    r = api("post", "/checks/", json={"name": "dedupe", "timeout": 120, "unique": ["name"]})
    assert r.status_code == 200
    assert r.get_json()["uuid"] == first["uuid"] and r.get_json()["timeout"] == 120
    assert len(api("get", "/checks/").get_json()["checks"]) == 1


def test_it_deletes_a_check(api, client):
    uuid = create(api)["uuid"]
    client.get(f"/api/push/{uuid}")
    r = api("delete", f"/checks/{uuid}")
    assert r.status_code == 200 and r.get_json()["uuid"] == uuid
    assert api("get", f"/checks/{uuid}").status_code == 404
    assert client.get(f"/api/push/{uuid}").status_code == 404


def test_it_pauses_and_resumes(api, client):
    uuid = create(api, timeout=60)["uuid"]
    client.get(f"/api/push/{uuid}")
    body = api("post", f"/checks/{uuid}/pause").get_json()
    assert body["status"] == "paused" and body["next_ping"] is None
    body = api("post", f"/checks/{uuid}/resume").get_json()
    assert body["status"] == "new"


def test_rotating_the_token_retires_the_old_urls(api, client):
    old = create(api)["uuid"]
    new = api("post", f"/checks/{old}/rotate").get_json()["uuid"]
    assert new != old
    assert client.get(f"/api/push/{old}").status_code == 404
    assert api("get", f"/checks/{old}").status_code == 404
    assert client.get(f"/api/push/{new}").status_code == 200
    assert api("get", f"/checks/{new}").get_json()["n_pings"] == 1


def test_resuming_a_check_that_is_not_paused_is_a_409(api):
    uuid = create(api)["uuid"]
    r = api("post", f"/checks/{uuid}/resume")
    assert r.status_code == 409 and r.get_json() == {"error": "check is not paused"}


@pytest.mark.parametrize(
    "fields, needle",
    [
        # Not five fields, so read as OnCalendar (Healthchecks' guess_kind), and refused as that.
        ({"schedule": "not cron"}, "invalid OnCalendar expression 'not cron'"),
        ({"schedule": "* * * *"}, "five fields on one line is read as cron"),
        ({"schedule": "0 0 30 2 *"}, "invalid cron expression"),
        ({"schedule": "* * * * *", "tz": "Nowhere/City"}, "unknown timezone"),
        ({"timeout": 0}, "timeout must be between 1 and 31536000"),
        ({"timeout": 31536001}, "timeout must be between"),
        ({"grace": -5}, "grace must be between"),
        ({"timeout": "60"}, "timeout must be a whole number"),
        ({"timeout": 1.5}, "timeout must be a whole number"),
        ({"timeout": True}, "timeout must be a whole number"),
        ({"name": 5}, "name must be a string"),
        ({"name": "x" * 101}, "name is too long"),
        ({"tags": {"a": 1}}, "tags must be a string"),
        ({"slug": "Not A Slug"}, "slug may contain only"),
        ({"manual_resume": "yes"}, "manual_resume must be true or false"),
        ({"methods": "PUT"}, "methods must be"),
        ({"unique": ["colour"]}, "unique must be a list"),
        # Control characters would break the headers of every email about the check.
        ({"name": "nightly\r\nBcc: someone@example.com"}, "name must not contain control"),
        ({"name": "bell\x07"}, "name must not contain control"),
        ({"tags": "prod\x00db"}, "tags must not contain control"),
        ({"desc": "nul\x00"}, "desc must not contain control characters (line breaks"),
    ],
)
def test_it_refuses_bad_fields_with_a_400(api, fields, needle):
    r = api("post", "/checks/", json=fields)
    assert r.status_code == 400
    assert needle in r.get_json()["error"]


def test_line_breaks_separate_tags_and_may_stand_in_a_description(api):
    r = api("post", "/checks/", json={"name": "x", "tags": "prod\ndb\tweb", "desc": "a\r\n\tb"})
    assert r.status_code == 201
    assert (r.get_json()["tags"], r.get_json()["desc"]) == ("prod db web", "a\r\n\tb")


def test_it_refuses_a_body_that_is_not_a_json_object(api):
    r = api("post", "/checks/", data="{not json", content_type="application/json")
    assert r.status_code == 400 and "JSON" in r.get_json()["error"]
    r = api("post", "/checks/", json=[1, 2])
    assert r.status_code == 400 and "JSON object" in r.get_json()["error"]


def test_it_needs_an_api_key(client):
    r = client.get("/api/v3/checks/")
    assert r.status_code == 401 and "missing API key" in r.get_json()["error"]
    r = client.get("/api/v3/checks/", headers={"X-Api-Key": "hb_wrong"})
    assert r.status_code == 401 and r.get_json() == {"error": "wrong API key"}


def test_it_accepts_the_key_in_the_json_body_as_healthchecks_does(client, user):
    r = client.post("/api/v3/checks/", json={"api_key": user[1], "name": "x"})
    assert r.status_code == 201


def test_another_users_check_is_a_404_like_a_missing_one(app, api):
    uuid = create(api)["uuid"]
    _, other_key = make_user(app, "mallory@example.com")
    for method, path in [("get", ""), ("post", ""), ("delete", ""), ("post", "/pause"),
                         ("post", "/resume")]:
        r = api(method, f"/checks/{uuid}{path}", key=other_key, json={})
        assert r.status_code == 404 and r.get_json() == {"error": "not found"}
    assert api("get", "/checks/", key=other_key).get_json() == {"checks": []}
    missing = api("get", "/checks/00000000-0000-4000-8000-000000000000", key=other_key)
    assert missing.status_code == 404 and missing.get_json() == {"error": "not found"}


@pytest.mark.parametrize("key", [True, 123, ["hb_x"], {"k": "v"}])
def test_an_api_key_in_the_body_that_is_not_a_string_is_a_401(client, key):
    r = client.post("/api/v3/checks/", json={"api_key": key})
    assert r.status_code == 401
    assert r.get_json() == {"error": "api_key must be a string: the API key"}


@pytest.mark.parametrize("text", ['{"name": "\\ud800"}', '{"name": "ok", "\\udfff": 1}',
                                  '{"tags": ["prod", "x\\ud83d"]}'])
def test_a_lone_surrogate_in_the_json_text_is_a_400(api, text):
    r = api("post", "/checks/", data=text, content_type="application/json")
    assert r.status_code == 400 and "not valid text" in r.get_json()["error"]


def test_a_surrogate_pair_is_a_character_and_is_taken(api):
    r = api("post", "/checks/", data='{"name": "backup \\ud83d\\ude00"}',
            content_type="application/json")
    assert r.status_code == 201 and r.get_json()["name"] == "backup \U0001f600"


@pytest.mark.parametrize("text", ["[" * 50_000, '{"name": ' + "[" * 40 + "]" * 40 + "}",
                                  '{"a":' * 5000])
def test_deep_nesting_is_a_400(api, text):
    r = api("post", "/checks/", data=text, content_type="application/json")
    assert r.status_code == 400 and "nests deeper than 32 levels" in r.get_json()["error"]


def test_a_json_body_sent_as_a_form_is_read_as_healthchecks_reads_it(api):
    # `curl -d '{...}'`, as the README shows, says application/x-www-form-urlencoded.
    r = api("post", "/checks/", data='{"name": "from-curl"}',
            content_type="application/x-www-form-urlencoded")
    assert r.status_code == 201 and r.get_json()["name"] == "from-curl"


def test_a_body_over_max_content_length_is_a_json_413(app, api):
    r = api("post", "/checks/", data="x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert r.status_code == 413
    limit = app.config["MAX_CONTENT_LENGTH"]
    assert r.get_json() == {
        "error": f"request too large: at most {limit} bytes, in at most 1000 form fields"}


def test_a_uuid_with_a_nul_is_a_404(api):
    r = api("get", "/checks/a%00b")
    assert r.status_code == 404 and r.get_json() == {"error": "not found"}
