"""Read-only API keys, as Healthchecks has them (templates/docs/api.md,
"Authentication": a read-only key only works with list checks, get a single
check and list flips, and omits sensitive information; the answers carry a
`unique_key` instead of the uuid, hc/api/tests/test_list_checks.py
test_readonly_key_works). Writes with one are a 401, Healthchecks' answer."""

import hashlib

import pytest

from webapp.core.models import Check
from webapp.db import db


def unique_key(uuid: str) -> str:
    return hashlib.sha1(uuid.encode()).hexdigest()


def test_it_lists_checks_with_a_unique_key_and_no_uuid_or_urls(api, check, read_only_key):
    r = api("get", "/checks/", key=read_only_key)
    assert r.status_code == 200
    [shown] = r.json["checks"]
    assert shown["unique_key"] == unique_key(check) and shown["name"] == "nightly-backup"
    for secret in ("uuid", "ping_url", "push_url", "update_url", "pause_url", "resume_url",
                   "channels"):
        assert secret not in shown, secret
    assert check not in r.get_data(as_text=True)  # the uuid pings: nowhere in the answer


def test_it_gets_one_check_and_its_flips_by_unique_key(api, check, read_only_key):
    api("post", f"/checks/{check}/pause")
    r = api("get", f"/checks/{unique_key(check)}", key=read_only_key)
    assert r.status_code == 200 and r.json["status"] == "paused" and "uuid" not in r.json
    r = api("get", f"/checks/{unique_key(check)}/flips/", key=read_only_key)
    assert r.status_code == 200 and [f["up"] for f in r.json["flips"]] == [0]
    # The uuid names the check as well, and the answer still hides it.
    r = api("get", f"/checks/{check}", key=read_only_key)
    assert r.status_code == 200 and "uuid" not in r.json


@pytest.mark.parametrize("method, path", [
    ("post", "/checks/"), ("post", "/checks/{uuid}"), ("delete", "/checks/{uuid}"),
    ("post", "/checks/{uuid}/pause"), ("post", "/checks/{uuid}/resume"),
    ("post", "/checks/{uuid}/rotate"), ("get", "/checks/{uuid}/pings/"),
    ("get", "/checks/{uuid}/pings/1/body"), ("get", "/channels/"), ("post", "/channels/"),
])
def test_everything_else_is_a_401_and_changes_nothing(app, api, check, read_only_key,
                                                      method, path):
    before = stored(app)
    r = api(method, path.format(uuid=check), key=read_only_key,
            json={"name": "changed", "kind": "email", "value": "x@example.com"})
    assert r.status_code == 401 and "read-only" in r.json["error"]
    assert stored(app) == before


def stored(app) -> list[tuple]:
    with app.app_context():
        rows = [(c.uuid, c.name, c.status, c.n_pings) for c in db.session.scalars(
            db.select(Check).order_by(Check.id))]
        db.session.remove()
    return rows


def test_another_projects_check_is_a_404_even_by_unique_key(app, api, check):
    from support import make_user
    _, other_key = make_user(app, "bob@example.com")
    assert api("get", f"/checks/{check}", key=other_key).status_code == 404
    assert api("get", f"/checks/{unique_key(check)}", key=other_key).status_code == 404
    assert api("get", f"/checks/{unique_key(check)}/flips/", key=other_key).status_code == 404


def test_a_read_only_key_cannot_report_through_the_original_heartbeats_url(
        client, check, read_only_key):
    from base64 import b64encode
    auth = b64encode(f"script:{read_only_key}".encode()).decode()
    r = client.get(f"/api/pings/?service={check}", headers={"Authorization": f"Basic {auth}"})
    assert r.status_code == 403 and "read-only" in r.json["error"]
