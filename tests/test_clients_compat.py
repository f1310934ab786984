"""Published client libraries, installed from PyPI, against a running server.

Nothing here is a copy of their code: the packages `healthchecks-io` (a
Healthchecks API and ping client) and `apykuma` (an Uptime Kuma push client)
talk to our server over real HTTP, and we check what the server stored.
"""

import asyncio
import threading

import aiohttp
import apykuma
from healthchecks_io import CheckCreate
from healthchecks_io import Client as HealthchecksClient

from support import own_project, pings_of, wait_until


def test_the_healthchecks_io_client_manages_and_pings_checks(app, live_server, user, api):
    with app.app_context():
        ping_key = own_project(user[0]).ping_key
    client = HealthchecksClient(api_key=user[1], ping_key=ping_key,
                                api_url=f"{live_server}/api/", ping_url=f"{live_server}/ping/",
                                api_version=3)
    created = client.create_check(CheckCreate(name="compat-job", tags="prod db", timeout=120,
                                              grace=60))
    assert (created.name, created.timeout, created.status) == ("compat-job", 120, "new")
    uuid = created.uuid
    # v3 makes no slug from the name (Healthchecks' test_v3_does_not_autogenerate_slug),
    # and the client's CheckCreate has no slug field: set it as a user would.
    assert api("post", f"/checks/{uuid}", json={"slug": "compat-job"}).status_code == 200

    assert client.start_ping(uuid=uuid)[0] is True
    assert client.success_ping(uuid=uuid, data="run output")[0] is True
    assert client.fail_ping(slug="compat-job", data="it broke")[0] is True

    [listed] = client.get_checks(tags=["prod", "db"])
    assert listed.uuid == uuid and listed.status == "down" and listed.n_pings == 3
    pings = client.get_check_pings(uuid)
    assert [p.type for p in pings] == ["fail", "success", "start"]
    assert pings[1].duration is not None
    # healthchecks-io 0.4.4's get_check_flips reads the answer as a bare list;
    # Healthchecks (test_get_flips.py test_it_works) and we send {"flips": [...]},
    # so the client's call fails against both: read the flips directly.
    flips = api("get", f"/checks/{uuid}/flips/").get_json()["flips"]
    assert [f["up"] for f in flips] == [0, 1]
    assert client.pause_check(uuid).status == "paused"
    client.delete_check(uuid)
    assert client.get_checks() == []

    stored = pings_of(app, uuid)
    assert stored == []  # deleted with its check


def test_the_healthchecks_io_client_bodies_are_stored(app, live_server, user):
    client = HealthchecksClient(api_key=user[1], api_url=f"{live_server}/api/",
                                ping_url=f"{live_server}/ping/")
    uuid = client.create_check(CheckCreate(name="with-body", timeout=60, grace=60)).uuid
    client.fail_ping(uuid=uuid, data="disk full\nexit 1")
    [ping] = pings_of(app, uuid)
    assert (ping.kind, ping.body, ping.method) == ("fail", b"disk full\nexit 1", "POST")


def test_the_apykuma_client_pushes_in_uptime_kuma_form(app, live_server, api):
    uuid = api("post", "/checks/", json={"name": "kuma", "timeout": 60}).get_json()["uuid"]
    url = f"{live_server}/api/push/{uuid}?status=up&msg=OK&ping="

    async def run() -> int:
        async with aiohttp.ClientSession() as session:
            status = (await apykuma.ping(session, url)).status
        # Its background loop, as services use it: several beats, then stop.
        task = await apykuma.start(url, interval=1)
        await asyncio.to_thread(wait_until, lambda: len(pings_of(app, uuid)) >= 4, 15)
        task.cancel()
        return status

    # In a thread of its own: a browser test may have left an event loop
    # running in this one, and asyncio.run() refuses to nest. What the
    # thread saw comes back in `outcome`, or an assertion there would be lost.
    outcome = []
    thread = threading.Thread(target=lambda: outcome.append(asyncio.run(run())))
    thread.start()
    thread.join(30)
    assert outcome == [200]  # the one-off ping answered 200; the loop then beat 3 times
    pings = pings_of(app, uuid)
    assert len(pings) >= 3
    assert all((p.kind, p.msg, p.value) == ("success", "OK", None) for p in pings)
    assert api("get", f"/checks/{uuid}").get_json()["status"] == "up"


def test_the_healthchecks_manager_client_registers_a_check_and_pings_it(app, live_server, user,
                                                                        monkeypatch):
    """healthchecks-manager 0.1.4 (PyPI): it posts `json.dumps(...)` with no
    Content-Type, sends `channels` as the list ["*"], and pings the ping_url it
    finds by the check's name. Installed by `make test` without its pinned,
    ancient `requests` (see the Makefile)."""
    from healthchecks_manager import healthchecks_api_wrapper, manager

    monkeypatch.setitem(app.config, "BASE_URL", live_server)  # it pings the ping_url it is shown
    healthchecks_api_wrapper.API_URL_BASE = f"{live_server}/api/v1"
    healthchecks_api_wrapper.API_key = user[1]
    manager.cache.clear()
    uuid = manager.get_endpoint("Nightly-Report", {"timeout": 3600, "grace": 600})
    # Right after creating, the client caches the bare uuid and would ping a URL
    # without a host (its own bug, with Healthchecks too); a new run of the job
    # finds the check by name and pings its ping_url.
    manager.cache.clear()
    manager.done("Nightly-Report", {})
    manager.fail("nightly-report", {})  # found by name, case-insensitively: no second check
    assert manager.get_endpoint("nightly-report", {}) == f"{live_server}/ping/{uuid}"
    [ok, failed] = sorted(pings_of(app, uuid), key=lambda p: p.n)
    assert (ok.kind, failed.kind) == ("success", "fail")
    with app.app_context():
        from webapp.core.models import Check
        from webapp.db import db
        check = db.session.scalar(db.select(Check).where(Check.uuid == uuid))
        assert (check.name, check.timeout, check.grace, check.status) == (
            "nightly-report", 3600, 600, "down")  # the client lowercases names
