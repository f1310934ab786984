"""Channels through the API, and which channels a check alerts."""

import pytest
import sqlalchemy as sa

from fake_network import PRIVATE_REFUSAL, PUBLIC, Network
from support import make_user
from webapp.core.models import Channel, Notification
from webapp.db import db


def add_channel(api, kind="email", name="ops", value="ops@example.com", **extra):
    r = api("post", "/channels/", json={"kind": kind, "name": name, "value": value, **extra})
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def test_it_lists_channels_as_healthchecks_does(api):
    assert api("get", "/channels/").get_json() == {"channels": []}
    made = add_channel(api)
    assert api("get", "/channels/").get_json() == {
        # Healthchecks' three fields, then our routing (every event at once unless told).
        "channels": [{"id": made["id"], "name": "ops", "kind": "email",
                      "events": ["down", "up", "reminder"], "delay": 0}]}
    assert len(made["id"]) == 36  # a UUID, as Healthchecks' clients expect


@pytest.mark.parametrize(
    "body, needle",
    [
        ({"kind": "pigeon", "value": "x"}, "kind must be one of"),
        ({"kind": "email", "value": ""}, "value is required"),
        ({"kind": "email", "value": "not-an-address"}, "not an email address"),
        ({"kind": "email", "value": "a@example.com, nope"}, "not an email address: nope"),
        ({"kind": "webhook", "value": "ftp://example.com/x"}, "http:// or https://"),
        ({"kind": "webhook", "value": {"url": "https://example.com", "headers": {"X": 1}}},
         "headers must be an object of strings"),
        ({"kind": "email", "name": 5, "value": "a@example.com"}, "name must be a string"),
        ({"kind": "email", "name": "ops\r\n", "value": "a@example.com"},
         "name must not contain control"),
        ({"kind": "email", "value": "a@example.com\x00"}, "value must not contain control"),
        ({"kind": "webhook", "value": "https://example.com/\r\nX: y"},
         "value must not contain control"),
        ({"kind": "webhook", "value": {"url": "https://example.com",
                                       "headers": {"X-Token": "a\r\nInjected: 1"}}},
         "the header X-Token must not contain control"),
        ({"kind": "webhook", "value": {"url": "https://example.com", "headers": {"X Y": "z"}}},
         "is not a header name"),
        ({"kind": "webhook", "value": {"url": "https://example.com", "headers": {"X-A\n": "z"}}},
         "is not a header name"),
        ({"kind": "webhook", "value": {"url": "https://example.com",
                                       "headers": {"X-Team": "Zürich €"}}},
         "the header X-Team contains '€', which a header cannot carry (only Latin-1"),
        ({"kind": "webhook", "value": {"url": "https://example.com", "headers": {"X-€": "z"}}},
         "'X-€' is not a header name"),
        ({"kind": "webhook", "value": "http://[::1/hook"}, "the webhook URL cannot be read"),
        ({"kind": "webhook", "value": "http://example.com:99999/"},
         "the webhook URL cannot be read: Port out of range"),
    ],
)
def test_it_refuses_bad_channels(api, body, needle):
    r = api("post", "/channels/", json=body)
    assert r.status_code == 400 and needle in r.get_json()["error"]


def test_apprise_channels_need_apprise_enabled(app, api):
    app.config["APPRISE_ENABLED"] = False
    try:
        r = api("post", "/channels/", json={"kind": "apprise", "value": "ntfy://topic"})
    finally:
        app.config["APPRISE_ENABLED"] = True
    assert r.status_code == 400 and "APPRISE_ENABLED" in r.get_json()["error"]
    assert add_channel(api, kind="apprise", name="phone", value="ntfy://topic")["kind"] == "apprise"


def test_it_deletes_a_channel_and_only_ones_own(app, api):
    made = add_channel(api)
    _, other = make_user(app, "mallory@example.com")
    assert api("delete", f"/channels/{made['id']}", key=other).status_code == 404
    assert api("delete", f"/channels/{made['id']}").get_json()["id"] == made["id"]
    assert api("get", "/channels/").get_json() == {"channels": []}


def test_new_checks_alert_every_channel_and_new_channels_join_old_checks(api):
    first = add_channel(api, name="ops")
    check = api("post", "/checks/", json={"name": "c"}).get_json()
    assert check["channels"] == first["id"]
    second = add_channel(api, kind="webhook", name="hook", value="https://example.com/h")
    assert api("get", f"/checks/{check['uuid']}").get_json()["channels"] == (
        f"{first['id']},{second['id']}")


def test_the_channels_field_takes_star_empty_ids_and_names(api):
    ops = add_channel(api, name="ops")
    hook = add_channel(api, kind="webhook", name="hook", value="https://example.com/h")
    uuid = api("post", "/checks/", json={"name": "c", "channels": ""}).get_json()["uuid"]

    def set_to(spec):
        return api("post", f"/checks/{uuid}", json={"channels": spec})

    assert set_to("").get_json()["channels"] == ""
    assert set_to("hook").get_json()["channels"] == hook["id"]
    assert set_to(f"{ops['id']}, hook").get_json()["channels"] == f"{ops['id']},{hook['id']}"
    assert set_to("*").get_json()["channels"] == f"{ops['id']},{hook['id']}"
    r = set_to("nobody")
    assert r.status_code == 400 and "no channel of this project" in r.get_json()["error"]
    assert set_to(5).status_code == 400


def test_a_user_without_channels_is_alerted_at_their_own_address(app, api, client):
    uuid = api("post", "/checks/", json={"name": "c"}).get_json()["uuid"]
    client.get(f"/api/push/{uuid}?status=down")
    with app.app_context():
        [note] = db.session.scalars(sa.select(Notification)).all()
        assert (note.kind, note.target, note.channel_id, note.event) == (
            "email", "alice@example.com", None, "down")


def test_a_flip_queues_one_row_per_selected_channel(app, api, client):
    add_channel(api, name="ops", value="ops@example.com, oncall@example.com")
    add_channel(api, kind="webhook", name="hook", value="https://example.com/h")
    uuid = api("post", "/checks/", json={"name": "c"}).get_json()["uuid"]
    client.get(f"/api/push/{uuid}?status=down")
    with app.app_context():
        rows = db.session.scalars(sa.select(Notification).order_by(Notification.id)).all()
        assert [(n.kind, n.target) for n in rows] == [
            ("email", "ops@example.com, oncall@example.com"), ("webhook", "https://example.com/h")]


def test_a_check_with_no_channels_selected_alerts_nobody(app, api, client):
    add_channel(api)
    uuid = api("post", "/checks/", json={"name": "c", "channels": ""}).get_json()["uuid"]
    client.get(f"/api/push/{uuid}?status=down")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Notification.id))) == 0


@pytest.fixture
def network(monkeypatch):
    net = Network(monkeypatch)
    net.names["intranet.example"] = [["10.0.0.5"]]
    net.names["mixed.example"] = [[PUBLIC, "fd00::5"]]
    net.names["hooks.example"] = [[PUBLIC]]
    return net


@pytest.mark.parametrize("kind, value, shown", [
    ("webhook", "http://127.0.0.1:8080/hook", "127.0.0.1 is"),
    ("webhook", "https://10.1.2.3/hook", "10.1.2.3 is"),
    ("webhook", "http://169.254.169.254/latest/meta-data/", "169.254.169.254 is"),
    ("webhook", "http://[::1]:5000/", "::1 is"),
    ("webhook", "http://localhost:6379/", "localhost resolves to"),
    ("webhook", "http://intranet.example/hook", "intranet.example resolves to"),
    ("webhook", "http://mixed.example/hook", "mixed.example resolves to"),
    ("webhook", {"url": "https://intranet.example/hook", "headers": {"X-Token": "t"}},
     "intranet.example resolves to"),
    ("apprise", "json://127.0.0.1:8080/hook", "127.0.0.1 is"),
    ("apprise", "ntfy://[fe80::1]/topic", "fe80::1 is"),
    ("apprise", "json://localhost/hook", "localhost resolves to"),
])
def test_a_channel_to_a_private_address_is_refused_when_saved(api, guarded, network, kind, value,
                                                              shown):
    r = api("post", "/channels/", json={"kind": kind, "value": value})
    assert r.status_code == 400
    assert r.get_json() == {"error": PRIVATE_REFUSAL.format(shown)}
    assert api("get", "/channels/").get_json() == {"channels": []}
    assert network.connects == []


@pytest.mark.parametrize("kind, value", [
    ("webhook", "https://hooks.example/hook"),
    # Does not resolve now: taken, and a delivery says "name does not resolve".
    ("webhook", "https://no-such-host.invalid/hook"),
    # Apprise hosts are not looked up: here "intranet.example" could be a topic.
    ("apprise", "ntfy://intranet.example"),
    ("apprise", "slack://T000/B000/XXXX"),
])
def test_a_channel_to_a_public_or_unknown_host_is_saved(api, guarded, network, kind, value):
    r = api("post", "/channels/", json={"kind": kind, "value": value})
    assert r.status_code == 201, r.get_json()
    assert network.connects == []  # saving looks names up, it never connects
    if kind == "apprise":
        assert network.lookups == []


def test_private_addresses_are_taken_when_allowed(api):
    assert add_channel(api, kind="webhook", value="http://127.0.0.1:8080/hook")["kind"] == "webhook"


def test_a_channel_is_read_and_changed_field_by_field(app, api, receiver):
    # The escalation of the README: the on-call webhook only after 15 minutes.
    r = api("post", "/channels/", json={"kind": "webhook", "name": "on-call",
                                        "value": receiver.url + "/hook"})
    code = r.get_json()["id"]
    r = api("post", f"/channels/{code}", json={"events": ["down"], "delay": 900})
    assert r.status_code == 200, r.get_json()
    assert r.get_json() == {"id": code, "name": "on-call", "kind": "webhook",
                            "events": ["down"], "delay": 900}
    assert api("get", f"/channels/{code}").get_json() == r.get_json()
    r = api("post", f"/channels/{code}", json={"name": "pager", "value": receiver.url + "/v2"})
    assert (r.get_json()["name"], r.get_json()["delay"]) == ("pager", 900)  # the rest stays
    with app.app_context():
        stored = db.session.scalar(sa.select(Channel).where(Channel.code == code))
        assert (stored.value, stored.events, stored.delay) == (receiver.url + "/v2", "down", 900)
        db.session.remove()


def test_a_channel_update_refuses_what_it_cannot_take(api):
    code = api("post", "/channels/", json={"kind": "email", "value": "ops@example.com"}
               ).get_json()["id"]
    for body, message in [
        ({"kind": "webhook"}, "kind cannot be changed: add a channel of the other kind instead"),
        ({"url": "x"}, "unknown field 'url': a channel update takes name, value, events, delay"),
        ({"delay": -1}, "delay must be from 0 to 86400 seconds (a day)"),
        ({"events": ["grace"]}, "unknown event 'grace': events are down, up, reminder, late"),
        ({"value": "nobody"}, "not an email address: nobody"),
        ({"name": 5}, "name must be a string of at most 100 characters"),
    ]:
        r = api("post", f"/channels/{code}", json=body)
        assert (r.status_code, r.get_json()["error"]) == (400, message), body
    assert api("get", f"/channels/{code}").get_json() == {
        "id": code, "name": "ops@example.com", "kind": "email",
        "events": ["down", "up", "reminder"], "delay": 0}
    assert api("post", "/channels/00000000-0000-0000-0000-000000000000",
               json={"name": "x"}).status_code == 404
