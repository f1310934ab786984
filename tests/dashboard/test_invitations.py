"""Invitations: the owner invites by email, the invitee joins through the mailed
link (logged in, or signing up there while registration is closed), the owner
revokes; links that are expired, revoked or forged open nothing.

Everything goes through HTTP and a real SMTP server; every test checks what
the database holds afterwards, not only the status codes.
"""

import re
import time
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from conftest import Web
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from support import make_user, project_of
from webapp.core.models import Invitation, Membership, Project, User
from webapp.core.projects import add_member
from webapp.db import db

BOB = "bob@example.com"
DAY = 86400


@pytest.fixture
def alices(app, logged_in):
    """(id, code) of alice's own project; alice is logged in as its owner."""
    return project_of(app)


@pytest.fixture
def guest(app):
    """Another browser, logged in as nobody."""
    return Web(app.test_client())


def settings_path(code: str) -> str:
    return f"/projects/{code}/settings/"


def invite(web, code: str, email: str = BOB, role: str = "viewer"):
    return web.post(f"/projects/{code}/invitations", {"email": email, "role": role},
                    token_from=settings_path(code))


def mailed_link(mailbox, to: str = BOB, count: int = 1) -> str:
    """The path of the invitation link in the `count`th mail, which must be to `to`."""
    msg = mailbox.wait_for(count)[count - 1]
    assert msg["To"] == to and msg.envelope_to == [to]
    text = msg.get_body(("plain",)).get_content()
    url = re.search(r"https?://\S+/invitations/\S+", text).group(0)
    assert url.startswith("http://hb.test/invitations/")  # BASE_URL: absolute, for a mail
    assert url in msg.get_body(("html",)).get_content()
    return urlsplit(url).path


def invitations_of(app, project_id: int) -> list[tuple[str, str]]:
    with app.app_context():
        return [(row.email, row.role) for row in db.session.scalars(
            sa.select(Invitation).where(Invitation.project_id == project_id)
            .order_by(Invitation.email))]


def role_of(app, email: str, project_id: int) -> str | None:
    with app.app_context():
        return db.session.scalar(sa.select(Membership.role).join(User).where(
            User.email == email, Membership.project_id == project_id))


def user_exists(app, email: str) -> bool:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.email == email)) is not None


def join(app, email: str, project_id: int, role: str) -> None:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == email))
        add_member(db.session.get(Project, project_id), user, role)
        db.session.commit()


def sign_up(web, path: str, token_from: str | None = None, **fields):
    """Sign up through the invitation page at `path` (with the CSRF token of `token_from`)."""
    data = {"password": "bobs password", "confirm": "bobs password", "timezone": "Europe/Paris",
            **fields}
    return web.post(f"{path}/signup", data, token_from=token_from or path)


def token_of(app, payload: dict, *, age: float = 0, secret: str | None = None,
             salt: str = "heartbeats-invitation") -> str:
    """A token as the app signs it ({"i", "p", "e"}), made `age` seconds ago."""

    class Then(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time() - age)

    return URLSafeTimedSerializer(secret or app.config["SECRET_KEY"], salt=salt,
                                  signer=Then).dumps(payload)


def invitation_payload(app, project_id: int, email: str = BOB) -> dict:
    with app.app_context():
        row = db.session.scalar(sa.select(Invitation).where(Invitation.project_id == project_id,
                                                            Invitation.email == email))
        return {"i": row.id, "p": row.project.code, "e": row.email}


# --- the invitee's side ----------------------------------------------------------

def test_nobody_logged_out_invites(app, alices, guest, mailbox):
    pid, code = alices
    r = guest.post(f"/projects/{code}/invitations", {"email": BOB, "role": "member"},
                     token_from="/login")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login?next=")
    assert invitations_of(app, pid) == [] and mailbox.messages == []


def test_a_new_user_signs_up_through_the_mailed_link_while_registration_is_closed(
        app, alices, logged_in, guest, mailbox):
    pid, code = alices
    assert not app.config["REGISTRATION_OPEN"]
    r = invite(logged_in, code, "  Bob@Example.com ", "viewer")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"{settings_path(code)}#members")
    assert invitations_of(app, pid) == [(BOB, "viewer")]  # normalised
    msg = mailbox.wait_for(1)[0]
    assert msg["Subject"] == ("alice@example.com invited you to “alice@example.com's project” "
                              "on Heartbeats")
    assert msg["Reply-To"] == "alice@example.com"
    path = mailed_link(mailbox)

    assert guest.get("/signup").status_code == 404  # no way in but the invitation
    page = guest.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "alice@example.com&#39;s project" in html and "alice@example.com invited" in html
    assert "<strong>viewer</strong>" in html and f'value="{BOB}"' in html and "readonly" in html
    assert 'name="password"' in html

    r = sign_up(guest, path)
    assert r.status_code == 302 and r.headers["Location"] == f"/projects/{code}/"
    assert role_of(app, BOB, pid) == "viewer"
    assert invitations_of(app, pid) == []  # used up
    with app.app_context():
        bob = db.session.scalar(sa.select(User).where(User.email == BOB))
        assert bob.check_password("bobs password") and bob.timezone == "Europe/Paris"
        owned = db.session.scalars(sa.select(Membership.role).where(
            Membership.user_id == bob.id, Membership.project_id != pid)).all()
    assert owned == ["owner"]  # their own project, as every user gets
    landed = guest.get(f"/projects/{code}/")
    assert landed.status_code == 200 and "You are now a viewer" in landed.get_data(as_text=True)
    assert guest.get(path).status_code == 404  # a link works once


def test_a_logged_in_user_accepts_with_a_button(app, alices, logged_in, guest, mailbox):
    pid, code = alices
    make_user(app, BOB, "bobs password")
    assert invite(logged_in, code, BOB, "member").status_code == 302
    path = mailed_link(mailbox)
    assert guest.login(BOB, "bobs password").status_code == 302
    html = guest.get(path).get_data(as_text=True)
    assert "Accept the invitation" in html and 'name="password"' not in html
    assert role_of(app, BOB, pid) is None  # looking is not accepting

    r = guest.post(path, token_from=path)
    assert r.status_code == 302 and r.headers["Location"] == f"/projects/{code}/"
    assert role_of(app, BOB, pid) == "member" and invitations_of(app, pid) == []
    assert guest.get(f"/projects/{code}/").status_code == 200


def test_someone_with_an_account_is_sent_to_log_in_and_back(app, alices, logged_in, guest,
                                                          mailbox):
    pid, code = alices
    make_user(app, BOB, "bobs password")
    invite(logged_in, code, BOB)
    path = mailed_link(mailbox)
    html = guest.get(path).get_data(as_text=True)
    assert f'href="/login?next={path.replace("/", "%2F")}"' in html
    assert 'name="password"' not in html  # no second account under that address
    r = sign_up(guest, path, token_from="/login")
    assert r.status_code == 400 and "exists already: log in" in r.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User)
                                 .where(User.email == BOB)) == 1
        assert not db.session.scalar(sa.select(User).where(User.email == BOB)) \
            .check_password("bobs password!")
    assert role_of(app, BOB, pid) is None
    assert guest.login(BOB, "bobs password", next_=path).headers["Location"] == path


def test_the_sign_up_takes_the_invited_address_whatever_is_sent(app, alices, logged_in,
                                                                guest, mailbox):
    pid, code = alices
    invite(logged_in, code, BOB, "member")
    path = mailed_link(mailbox)
    r = sign_up(guest, path, email="mallory@example.com")
    assert r.status_code == 302
    assert user_exists(app, BOB) and not user_exists(app, "mallory@example.com")
    assert role_of(app, BOB, pid) == "member"


def test_a_sign_up_with_a_bad_password_creates_nothing(app, alices, logged_in, guest, mailbox):
    pid, code = alices
    invite(logged_in, code)
    path = mailed_link(mailbox)
    r = sign_up(guest, path, password="short", confirm="short")
    assert r.status_code == 400 and "Use at least 8 characters." in r.get_data(as_text=True)
    r = sign_up(guest, path, confirm="something else")
    assert r.status_code == 400 and "The two passwords differ." in r.get_data(as_text=True)
    assert not user_exists(app, BOB) and invitations_of(app, pid) == [(BOB, "viewer")]


def test_whoever_is_logged_in_may_accept_the_link(app, alices, logged_in, guest, mailbox):
    """The link was mailed only to the invited address: holding it is the proof."""
    pid, code = alices
    make_user(app, "carol@example.com", "carols password")
    invite(logged_in, code, BOB)
    path = mailed_link(mailbox)
    guest.login("carol@example.com", "carols password")
    html = guest.get(path).get_data(as_text=True)
    assert "You are logged in as carol@example.com" in html
    assert guest.post(path, token_from=path).status_code == 302
    assert role_of(app, "carol@example.com", pid) == "viewer" and role_of(app, BOB, pid) is None


def test_sign_ups_through_invitations_are_rate_limited(app, alices, logged_in, guest, mailbox,
                                                       limits):
    limits(RATELIMIT_SIGNUP="2 per minute")
    pid, code = alices
    invite(logged_in, code)
    path = mailed_link(mailbox)
    bad = {"password": "short", "confirm": "short"}
    assert [sign_up(guest, path, **bad).status_code for _ in range(2)] == [400, 400]
    assert sign_up(guest, path).status_code == 429
    assert not user_exists(app, BOB)


def test_invitations_sent_are_rate_limited_per_user(app, alices, logged_in, mailbox, limits):
    """Each invitation mails an address the inviter chooses: an account must not
    become a way to send mail in bulk."""
    limits(RATELIMIT_INVITE="2 per minute")
    pid, code = alices
    statuses = [invite(logged_in, code, f"guest{n}@example.com").status_code for n in range(3)]
    assert statuses == [302, 302, 429]
    assert [email for email, _ in invitations_of(app, pid)] == [
        "guest0@example.com", "guest1@example.com"]
    assert len(mailbox.wait_for(2)) == 2


# --- links that open nothing -------------------------------------------------------

def test_a_revoked_invitation_opens_nothing(app, alices, logged_in, guest, mailbox):
    pid, code = alices
    invite(logged_in, code)
    path = mailed_link(mailbox)
    settings = logged_in.get(settings_path(code)).get_data(as_text=True)
    revoke = re.search(rf'/projects/{code}/invitations/(\d+)/revoke', settings).group(0)
    r = logged_in.post(revoke, token_from=settings_path(code))
    assert r.status_code == 302 and invitations_of(app, pid) == []
    page = guest.get(path)
    assert page.status_code == 404 and "revoked" in page.get_data(as_text=True)
    assert sign_up(guest, path, token_from="/login").status_code == 404
    assert not user_exists(app, BOB) and role_of(app, BOB, pid) is None

    make_user(app, BOB, "bobs password")
    guest.login(BOB, "bobs password")
    assert guest.post(path, token_from="/login").status_code == 404
    assert role_of(app, BOB, pid) is None


def test_an_expired_link_is_refused_and_creates_nothing(app, alices, logged_in, guest,
                                                       mailbox):
    pid, code = alices
    invite(logged_in, code)
    payload = invitation_payload(app, pid)
    fresh_enough = token_of(app, payload, age=6 * DAY)
    assert guest.get(f"/invitations/{fresh_enough}").status_code == 200

    old = f"/invitations/{token_of(app, payload, age=7 * DAY + 60)}"
    page = guest.get(old)
    assert page.status_code == 410 and "expired" in page.get_data(as_text=True)
    assert sign_up(guest, old, token_from="/login").status_code == 410
    assert not user_exists(app, BOB) and role_of(app, BOB, pid) is None
    assert invitations_of(app, pid) == [(BOB, "viewer")]  # the owner may invite again


def test_the_owner_sees_when_a_link_has_expired(app, alices, logged_in, mailbox, monkeypatch):
    pid, code = alices
    invite(logged_in, code)
    assert "the link has expired" not in logged_in.get(settings_path(code)).get_data(as_text=True)
    monkeypatch.setitem(app.config, "INVITATION_DAYS", 0)
    assert "the link has expired" in logged_in.get(settings_path(code)).get_data(as_text=True)


@pytest.mark.parametrize("forge", ["edited", "other key", "other salt", "other address",
                                   "other project", "garbage", "no id"])
def test_a_forged_or_edited_link_opens_nothing(app, alices, logged_in, guest, mailbox, forge):
    pid, code = alices
    invite(logged_in, code)
    real = mailed_link(mailbox).rsplit("/", 1)[1]
    payload = invitation_payload(app, pid)
    token = {
        # One character of the payload changed: the signature no longer matches.
        "edited": real[:3] + ("A" if real[3] != "A" else "B") + real[4:],
        "other key": token_of(app, payload, secret="not our secret"),
        "other salt": token_of(app, payload, salt="itsdangerous"),
        # Validly signed, but not what this row was mailed for.
        "other address": token_of(app, {**payload, "e": "mallory@example.com"}),
        "other project": token_of(app, {**payload, "p": "another-project"}),
        "garbage": "not-a-token",
        "no id": token_of(app, {"p": code, "e": BOB}),
    }[forge]
    page = guest.get(f"/invitations/{token}")
    assert page.status_code == 404 and "invitation" in page.get_data(as_text=True).lower()
    assert sign_up(guest, f"/invitations/{token}", token_from="/login").status_code == 404
    assert not user_exists(app, BOB) and not user_exists(app, "mallory@example.com")
    assert invitations_of(app, pid) == [(BOB, "viewer")]


# --- the owner's side ------------------------------------------------------------

def test_only_the_owner_invites_and_revokes(app, alices, logged_in, mailbox):
    pid, code = alices
    invite(logged_in, code, "erin@example.com", "member")
    with app.app_context():
        erins = db.session.scalar(sa.select(Invitation.id))
    for email, role in ((BOB, "member"), ("carol@example.com", "viewer"),
                        ("dave@example.com", None)):
        make_user(app, email, "a password")
        if role:
            join(app, email, pid, role)
    owners_page = logged_in.get(settings_path(code)).get_data(as_text=True)
    assert "Pending invitations" in owners_page and 'id="invite"' in owners_page
    assert "erin@example.com" in owners_page
    logged_in.post("/logout")

    for email, status in ((BOB, 403), ("carol@example.com", 403), ("dave@example.com", 404)):
        web = Web(app.test_client())
        web.login(email, "a password")
        assert invite(web, code, "x@example.com", "member").status_code == status, email
        assert web.post(f"/projects/{code}/invitations/{erins}/revoke",
                        token_from="/login").status_code == status, email
        if status == 403:
            page = web.get(settings_path(code)).get_data(as_text=True)
            assert "Pending invitations" not in page and 'id="invite"' not in page
            assert "erin@example.com" not in page
    assert invitations_of(app, pid) == [("erin@example.com", "member")]
    assert len(mailbox.messages) == 1


def test_an_invitation_of_another_project_cannot_be_revoked(app, alices, logged_in, guest,
                                                            mailbox):
    pid, code = alices
    make_user(app, BOB, "bobs password")
    bob_pid, bob_code = project_of(app, BOB)
    guest.login(BOB, "bobs password")
    invite(guest, bob_code, "erin@example.com")
    with app.app_context():
        bobs_invitation = db.session.scalar(sa.select(Invitation.id))
    r = logged_in.post(f"/projects/{code}/invitations/{bobs_invitation}/revoke",
                       token_from=settings_path(code))
    assert r.status_code == 404
    assert invitations_of(app, bob_pid) == [("erin@example.com", "viewer")]


def test_inviting_a_member_is_refused_with_a_reason(app, alices, logged_in, mailbox):
    pid, code = alices
    make_user(app, BOB, "bobs password")
    join(app, BOB, pid, "viewer")
    r = invite(logged_in, code, BOB, "member")
    assert r.status_code == 400
    assert "bob@example.com is a viewer of this project already." in r.get_data(as_text=True)
    r = invite(logged_in, code, "Alice@example.com", "member")
    assert r.status_code == 400
    assert "alice@example.com is the owner of this project already." in r.get_data(as_text=True)
    assert invitations_of(app, pid) == [] and role_of(app, BOB, pid) == "viewer"
    assert mailbox.messages == []


@pytest.mark.parametrize("fields, message", [
    ({"email": "bob at example.com", "role": "member"},
     "That does not look like an email address."),
    ({"email": "", "role": "member"}, "Enter the address to invite."),
    ({"email": BOB, "role": "owner"}, "Not a valid choice"),
])
def test_the_invite_form_says_what_is_wrong(app, alices, logged_in, mailbox, fields, message):
    pid, code = alices
    r = logged_in.post(f"/projects/{code}/invitations", fields, token_from=settings_path(code))
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert invitations_of(app, pid) == [] and mailbox.messages == []


def test_inviting_again_changes_the_role_of_the_one_invitation(app, alices, logged_in, guest,
                                                               mailbox):
    pid, code = alices
    invite(logged_in, code, BOB, "member")
    first = mailed_link(mailbox)
    invite(logged_in, code, BOB, "viewer")
    second = mailed_link(mailbox, count=2)
    assert invitations_of(app, pid) == [(BOB, "viewer")]
    page = logged_in.get(settings_path(code)).get_data(as_text=True)
    assert page.count("Revoke the invitation of bob@example.com") == 1
    # Both links name the one invitation, with the role it has now.
    for path in (first, second):
        assert "<strong>viewer</strong>" in guest.get(path).get_data(as_text=True)
    sign_up(guest, first)
    assert role_of(app, BOB, pid) == "viewer"
    assert guest.get(second).status_code == 404


def test_a_mail_that_fails_keeps_the_invitation_and_says_so(app, alices, logged_in, guest,
                                                           mailbox):
    pid, code = alices
    mailbox.refuse = 1  # the SMTP server answers 451
    r = invite(logged_in, code)
    assert r.status_code == 302 and invitations_of(app, pid) == [(BOB, "viewer")]
    html = logged_in.get(settings_path(code)).get_data(as_text=True)
    assert "the email could not be sent" in html and "451" in html
    link = re.search(r"Send them this link yourself: http://hb\.test(/invitations/[^\s<]+)",
                     html).group(1)
    assert mailbox.messages == []
    assert sign_up(guest, link).status_code == 302  # the link shown works
    assert role_of(app, BOB, pid) == "viewer"
