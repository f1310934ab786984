"""The guard on outbound requests, and the webhook and Apprise transports, for real."""

import contextlib

import pytest
import sqlalchemy as sa

from fake_network import (
    PRIVATE_REFUSAL,
    PUBLIC,
    Listener,
    Network,
    NotTls,
    Redirector,
    TlsServer,
    self_signed,
)
from support import free_port, settle_deliveries
from webapp.alerts import outbound
from webapp.alerts.delivery import deliver, send_test
from webapp.alerts.transports import TRANSPORTS, Content, DeliveryError, transmit
from webapp.core.addresses import is_public
from webapp.core.channels import KINDS
from webapp.core.models import Channel, Check, Notification
from webapp.db import db


def send_webhook(url: str, headers: dict, payload: dict) -> None:
    TRANSPORTS["webhook"](url, headers, Content("", "", "", payload))


def send_apprise(url: str, title: str, body: str) -> None:
    TRANSPORTS["apprise"](url, {}, Content(title, body, "", {}))


def test_every_channel_kind_has_a_transport_and_no_other_kind_is_sent():
    assert set(TRANSPORTS) == set(KINDS)
    with pytest.raises(DeliveryError, match="unknown channel kind 'pager'"):
        transmit("pager", "x", {}, Content("", "", "", {}))


@pytest.mark.parametrize("address, public", [
    ("8.8.8.8", True), ("2001:4860:4860::8888", True),
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("::1", False), ("fe80::1%eth0", False), ("fc00::1", False),
    ("::ffff:127.0.0.1", False), ("0.0.0.0", False), ("224.0.0.1", False),
    # IPv4 seen through IPv6 (6to4, NAT64, the old IPv4-compatible form), reserved, CGNAT.
    ("2002:7f00:1::1", False), ("64:ff9b::7f00:1", False), ("::7f00:1", False),
    ("240.0.0.1", False), ("100.64.0.1", False), ("2002:808:808::1", True),
])
def test_it_knows_which_addresses_are_public(address, public):
    assert is_public(address) is public


@pytest.fixture
def guarded(guarded, ctx):
    """The suite's guard (conftest), inside an app context."""
    yield


@pytest.fixture
def network(monkeypatch):
    return Network(monkeypatch)


@pytest.fixture
def listener():
    port = Listener()
    yield port
    port.close()


def refused_reason(url: str) -> str:
    with pytest.raises(DeliveryError) as e:
        send_webhook(url, {}, {"event": "test"})
    return str(e.value)


def test_the_listener_counts_connects_when_private_addresses_are_allowed(app, ctx, listener):
    # The control for the tests below: with the guard off, a connect is seen.
    app.config["INTEGRATIONS_TIMEOUT"] = 0.3
    try:
        refused_reason(f"http://127.0.0.1:{listener.port}/hook")  # it never answers: a timeout
    finally:
        app.config["INTEGRATIONS_TIMEOUT"] = 2.0
    assert listener.connections() == 1


@pytest.mark.parametrize("scheme", ["http", "https"])
@pytest.mark.parametrize("host, listen_on, shown", [
    ("127.0.0.1", "127.0.0.1", "127.0.0.1 is"),
    ("localhost", "127.0.0.1", "localhost resolves to"),
    ("[::1]", "::1", "::1 is"),
    ("[::ffff:127.0.0.1]", "127.0.0.1", "::ffff:127.0.0.1 is"),
    ("intranet.example", "127.0.0.1", "intranet.example resolves to"),
])
def test_a_private_target_is_refused_before_any_tcp_connect(guarded, network, scheme, host,
                                                            listen_on, shown):
    network.names["intranet.example"] = [["127.0.0.1"]]
    port = Listener(listen_on)
    try:
        reason = refused_reason(f"{scheme}://{host}:{port.port}/hook")
        assert port.connections() == 0  # no SYN, so no TLS ClientHello either
    finally:
        port.close()
    assert reason == PRIVATE_REFUSAL.format(shown)
    assert network.connects == []


def test_a_name_with_one_private_address_among_public_ones_is_refused(guarded, network, listener):
    network.names["mixed.example"] = [[PUBLIC, "127.0.0.1"]]
    reason = refused_reason(f"http://mixed.example:{listener.port}/hook")
    assert reason == PRIVATE_REFUSAL.format("mixed.example resolves to")
    assert network.connects == [] and listener.connections() == 0


@pytest.mark.parametrize("host, shown", [("127.0.0.1", "127.0.0.1 is"),
                                         ("intranet.example", "intranet.example resolves to")])
def test_an_open_and_a_closed_private_port_are_refused_alike(app, guarded, network, listener,
                                                             host, shown):
    network.names["intranet.example"] = [["127.0.0.1"]]
    closed = free_port()
    for url in (f"http://{host}:{listener.port}/hook", f"http://{host}:{closed}/hook",
                f"https://{host}:{listener.port}/hook", f"https://{host}:{closed}/hook"):
        assert refused_reason(url) == PRIVATE_REFUSAL.format(shown)
        assert send_test(Channel(kind="webhook", value=url, headers={})) == (
            PRIVATE_REFUSAL.format(shown))
    assert listener.connections() == 0


def test_a_rebinding_name_is_connected_only_at_the_address_that_was_checked(
        guarded, network, listener, receiver):
    # Public at the first lookup, then the private listener's address: a guard
    # that checked one answer and let the connection look the name up again
    # would connect to the listener.
    network.names["rebind.example"] = [[PUBLIC], ["127.0.0.1"]]
    network.routes[(PUBLIC, listener.port)] = ("127.0.0.1", receiver.server.server_port)
    send_webhook(f"http://rebind.example:{listener.port}/hook", {}, {"event": "test"})
    assert receiver.requests[0]["path"] == "/hook"  # the public host (its stand-in) got it
    assert receiver.requests[0]["headers"]["Host"] == f"rebind.example:{listener.port}"
    assert network.lookups == ["rebind.example"] and network.connects == [(PUBLIC, listener.port)]
    assert listener.connections() == 0


@pytest.mark.parametrize("location", ["http://127.0.0.1:{port}/x", "https://127.0.0.1:{port}/x",
                                      "http://intranet.example:{port}/x", "http://[::1]:{port}/x"])
def test_a_redirect_from_a_public_host_to_a_private_one_is_refused(guarded, network, listener,
                                                                   location):
    network.names["hooks.example"] = [[PUBLIC]]
    network.names["intranet.example"] = [["127.0.0.1"]]
    redirector = Redirector(location.format(port=listener.port))
    network.routes[(PUBLIC, 80)] = ("127.0.0.1", redirector.port)
    try:
        reason = refused_reason("http://hooks.example/hook")
    finally:
        redirector.close()
    assert redirector.posts == 1  # the first hop was allowed and made
    shown = {"intranet.example": "intranet.example resolves to", "[::1]": "::1 is"}
    host = location.split("//")[1].rsplit(":", 1)[0]
    assert reason == PRIVATE_REFUSAL.format(shown.get(host, f"{host} is"))
    assert network.connects == [(PUBLIC, 80)] and listener.connections() == 0


def test_tls_to_a_checked_address_still_names_and_verifies_the_host(guarded, network, tmp_path,
                                                                    monkeypatch):
    cert, key = self_signed(tmp_path, "hooks.example")
    server = TlsServer(cert, key)
    network.names["hooks.example"] = [[PUBLIC]]
    network.routes[(PUBLIC, 443)] = ("127.0.0.1", server.port)
    try:
        # Not signed by a known authority: verification is on, and refuses it.
        reason = refused_reason("https://hooks.example/hook")
        assert reason == ("could not connect to hooks.example: "
                          "TLS failed (CERTIFICATE_VERIFY_FAILED)")
        # Trusted, it passes, which it could only do checked against the name,
        # not against the address the socket went to.
        plain_session = outbound.session

        def trusting(allow_private: bool):
            s = plain_session(allow_private)
            s.verify = str(cert)
            return s

        monkeypatch.setattr(outbound, "session", trusting)
        send_webhook("https://hooks.example/hook", {}, {"event": "test"})
    finally:
        server.close()
    assert server.server_names == ["hooks.example", "hooks.example"]  # SNI: the name
    assert server.requests == 1
    assert network.connects == [(PUBLIC, 443), (PUBLIC, 443)]


def test_a_tls_error_in_a_test_notification_is_a_sentence(ctx):
    not_tls = NotTls()  # reached with https: the handshake fails
    try:
        reason = send_test(Channel(kind="webhook", value=f"https://127.0.0.1:{not_tls.port}/",
                                   headers={}))
    finally:
        not_tls.close()
    assert reason == "could not connect to 127.0.0.1: TLS failed (WRONG_VERSION_NUMBER)"


def test_a_stored_header_that_http_cannot_carry_fails_the_delivery_in_a_sentence(ctx, receiver):
    with pytest.raises(DeliveryError) as e:
        send_webhook(f"{receiver.url}/hook", {"X-Team": "Zürich €"}, {"event": "test"})
    assert str(e.value) == ("the webhook cannot be sent as configured: the header X-Team "
                            "contains '€', which a header cannot carry (only Latin-1 characters)")
    assert receiver.requests == []


def test_apprise_to_a_private_address_is_refused_unless_allowed(app, guarded, listener):
    with pytest.raises(DeliveryError) as e:
        send_apprise(f"json://127.0.0.1:{listener.port}/x", "t", "b")
    assert str(e.value) == PRIVATE_REFUSAL.format("127.0.0.1 is")
    assert listener.connections() == 0


def test_a_webhook_to_loopback_is_sent_when_allowed(app, ctx, receiver):
    send_webhook(f"{receiver.url}/hook", {"X-Token": "s3cret"}, {"event": "test"})
    [request] = receiver.requests
    assert request["headers"]["X-Token"] == "s3cret" and receiver.json(0) == {"event": "test"}


def test_the_answer_code_decides_success(ctx, receiver):
    receiver.status = 500
    with pytest.raises(DeliveryError, match="HTTP 500"):
        send_webhook(f"{receiver.url}/hook", {}, {"event": "test"})


def test_it_follows_three_redirects_and_no_more(ctx, receiver):
    send_webhook(f"{receiver.url}/redirect/2", {}, {"event": "test"})  # 3 hops
    assert receiver.requests[-1]["path"] == "/hook"
    with pytest.raises(DeliveryError, match="^127.0.0.1 redirected more than 3 times$"):
        send_webhook(f"{receiver.url}/redirect/3", {}, {"event": "test"})  # 4 hops


def test_a_slow_webhook_times_out(ctx, receiver):
    receiver.hang = 5  # INTEGRATIONS_TIMEOUT is 2 s in the tests
    with pytest.raises(DeliveryError, match="^127.0.0.1 did not answer within 2 s$"):
        send_webhook(f"{receiver.url}/hook", {}, {"event": "test"})


def test_apprise_delivers_to_a_json_receiver_and_can_be_disabled(app, ctx, receiver):
    send_apprise(f"json://127.0.0.1:{receiver.url.rsplit(':', 1)[1]}/apprise", "DOWN: x", "body")
    assert receiver.requests[0]["path"] == "/apprise"
    assert receiver.json(0)["title"] == "DOWN: x" and receiver.json(0)["message"] == "body"
    app.config["APPRISE_ENABLED"] = False
    try:
        with pytest.raises(DeliveryError, match="disabled"):
            send_apprise("json://127.0.0.1:1/x", "t", "b")
    finally:
        app.config["APPRISE_ENABLED"] = True


def test_a_test_notification_reports_its_result(app, ctx, receiver, mailbox):
    hook = Channel(kind="webhook", value=f"{receiver.url}/hook", headers={})
    assert send_test(hook) is None
    assert receiver.json(0)["event"] == "test"
    assert send_test(Channel(kind="email", value="ops@example.com", headers={})) is None
    assert mailbox.wait_for(1)[0]["Subject"] == "Test notification from Heartbeats"
    receiver.status = 503
    assert send_test(hook) == "the webhook answered HTTP 503"


def test_a_stored_name_with_line_breaks_still_makes_a_deliverable_mail(app, client, new_check,
                                                                       mailbox):
    # Older releases stored such names; the migration cleans them, and the
    # email transport flattens whatever the database still holds.
    uuid = new_check(name="nightly-backup")
    with app.app_context():
        db.session.execute(sa.update(Check).values(name="nightly\r\nBcc: x@example.com"))
        db.session.commit()
    assert client.get(f"/api/push/{uuid}?status=down").status_code == 200
    settle_deliveries(app)
    [mail] = mailbox.wait_for(1)
    assert mail["Subject"] == "DOWN: nightly Bcc: x@example.com"
    assert mail["Bcc"] is None and mail.envelope_to == ["alice@example.com"]
    with app.app_context():
        assert db.session.scalar(sa.select(Notification.status)) == "sent"


def test_addresses_may_be_separated_by_line_breaks(api):
    r = api("post", "/channels/", json={"kind": "email", "value": "a@example.com\nb@example.com"})
    assert r.status_code == 201
    with_channels = api("get", "/channels/").get_json()["channels"]
    assert [c["name"] for c in with_channels] == ["a@example.com, b@example.com"]


@pytest.mark.parametrize("url, reason", [
    ("http://no-such-host.invalid/hook",
     "could not connect to no-such-host.invalid: name does not resolve"),
    ("http://127.0.0.1:{closed}/hook", "could not connect to 127.0.0.1: connection refused"),
])
def test_a_webhook_that_cannot_connect_says_why_in_a_sentence(ctx, url, reason):
    with pytest.raises(DeliveryError) as e:
        send_webhook(url.format(closed=free_port()), {}, {"event": "test"})
    assert str(e.value) == reason


@contextlib.contextmanager
def mail_setting(app, name: str, value):
    """MAIL_<NAME> changed for the block, on the app and on Flask-Mail's state."""
    state = app.extensions["mail"]
    saved = getattr(state, name)
    setattr(state, name, value)
    try:
        yield
    finally:
        setattr(state, name, saved)


def send_mail(to: str = "ops@example.com") -> None:
    TRANSPORTS["email"](to, {}, Content("DOWN: x", "text", "<p>html</p>", {}))


def test_an_smtp_server_that_is_not_there_is_said_in_a_sentence(app, ctx):
    closed = free_port()
    with mail_setting(app, "port", closed), pytest.raises(DeliveryError) as e:
        send_mail()
    assert str(e.value) == (
        f"could not connect to the mail server 127.0.0.1:{closed}: connection refused")


def test_without_mail_server_email_says_it_is_not_configured(app, client, new_check, mailbox,
                                                             no_worker):
    uuid = new_check(name="nightly-backup")
    with mail_setting(app, "server", ""):
        assert client.get(f"/api/push/{uuid}?status=down").status_code == 200
        with app.app_context():
            note_id = db.session.scalar(sa.select(Notification.id))
            outcome = deliver(note_id)
            note = db.session.get(Notification, note_id)
    reason = ("email is not configured here: set MAIL_SERVER (and MAIL_PORT, "
              "MAIL_USERNAME, MAIL_PASSWORD) to send alerts by email")
    assert outcome == f"attempt 1 failed, next in 5 s: {reason}"
    assert (note.status, note.error, note.job_id) == ("pending", reason, None)
    assert mailbox.messages == []


def test_a_fault_of_ours_in_a_test_notification_is_a_sentence_and_a_logged_traceback(
        ctx, monkeypatch, caplog):
    """Not a DeliveryError (the channel's fault) but a bug of ours: the person is
    answered, never with a 500, and the traceback is in the log."""
    def broken(*args):
        raise RuntimeError("a bug")

    monkeypatch.setattr("webapp.alerts.delivery.transmit", broken)
    reason = send_test(Channel(id=7, kind="email", value="ops@example.com", headers={}))
    assert reason == "an internal error stopped this delivery (the log has the details)"
    assert "test notification to channel 7: unexpected error" in caplog.text
    assert "RuntimeError: a bug" in caplog.text
