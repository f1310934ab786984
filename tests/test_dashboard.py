"""The dashboard pages that exist so far: login, the list, a check's page."""

import re

import pytest

from conftest import make_user


def csrf_token(client, path="/login") -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def login(client, email="alice@example.com", password="correct horse", next_=""):
    token = csrf_token(client)
    url = "/login" + (f"?next={next_}" if next_ else "")
    return client.post(url, data={"csrf_token": token, "email": email, "password": password})


@pytest.mark.parametrize("path", ["/", "/checks/00000000-0000-4000-8000-000000000000"])
def test_pages_need_a_login(client, path):
    r = client.get(path)
    assert r.status_code == 302 and r.headers["Location"].startswith("/login?next=")


def test_login_without_a_csrf_token_is_refused(client, user):
    r = client.post("/login", data={"email": "alice@example.com", "password": "correct horse"})
    assert r.status_code == 400 and "CSRF token is missing" in r.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_wrong_password_is_refused(client, user):
    r = login(client, password="wrong")
    assert "Wrong email or password." in r.get_data(as_text=True)


def test_login_returns_to_the_page_asked_for_but_never_off_site(client, user):
    assert login(client, next_="/checks/x").headers["Location"] == "/checks/x"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert login(client, next_="//evil.example/").headers["Location"] == "/"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    assert login(client, next_="https://evil.example/").headers["Location"] == "/"


def test_the_list_shows_checks_down_first(client, api):
    for name in ("aaa-fine", "zzz-broken"):
        uuid = api("post", "/checks/", json={"name": name, "tags": "prod"}).get_json()["uuid"]
        client.get(f"/api/push/{uuid}" + ("?status=down" if name == "zzz-broken" else ""))
    login(client)
    html = client.get("/").get_data(as_text=True)
    assert html.index("zzz-broken") < html.index("aaa-fine")
    assert ">down<" in html and ">up<" in html and "every day, grace 1 hour" in html


def test_a_check_page_shows_its_push_url_and_pings(client, api):
    uuid = api("post", "/checks/", json={"name": "backup"}).get_json()["uuid"]
    client.get(f"/api/push/{uuid}?msg=hello-there&value=7")
    login(client)
    html = client.get(f"/checks/{uuid}").get_data(as_text=True)
    assert f"http://hb.test/api/push/{uuid}" in html and "hello-there" in html


def test_another_users_check_page_is_a_404(app, client, api):
    uuid = api("post", "/checks/", json={"name": "backup"}).get_json()["uuid"]
    make_user(app, "mallory@example.com", "mallory-pass")
    login(client, "mallory@example.com", "mallory-pass")
    assert client.get(f"/checks/{uuid}").status_code == 404


def test_rotating_the_token_from_the_check_page(client, api):
    old = api("post", "/checks/", json={"name": "backup"}).get_json()["uuid"]
    login(client)
    r = client.post(f"/checks/{old}/rotate", data={"csrf_token": csrf_token(client, f"/checks/{old}")})
    new = r.headers["Location"].rsplit("/", 1)[1]
    assert new != old
    assert client.get(f"/api/push/{old}").status_code == 404
    assert client.get(f"/api/push/{new}").status_code == 200
    assert client.post(f"/checks/{new}/rotate").status_code == 400  # no CSRF token
