"""Status badges: /badge/<badge_key>/<signature>[-2]/<tag>.<fmt>, /b/2|3/<badge_key>.<fmt>,
their list at /api/v3/badges/ and in the project settings, and `badge_url` in a
check's JSON. Healthchecks' own expectations are in tests/compat/test_healthchecks_badges.py;
these are the rest of what a badge must do: show nothing that pings, count
exactly the checks it names, and answer anything wrong with a 404, never a 500."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import quote, urlsplit

import pytest
import sqlalchemy as sa

from support import backdate, make_user, own_project
from webapp.core.models import ApiKey, Project
from webapp.core.projects import add_member
from webapp.db import db

SVG = "{http://www.w3.org/2000/svg}"


def badges(api) -> dict:
    r = api("get", "/badges/")
    assert r.status_code == 200
    return r.get_json()["badges"]


def path(url: str) -> str:
    return urlsplit(url).path


def status(client, url: str) -> str:
    r = client.get(path(url))
    assert r.status_code == 200, (url, r.status_code)
    return r.get_json()["status"]


def svg_words(body: str) -> tuple[str, list[str]]:
    """The badge's title and the words it draws, read as XML: it must parse."""
    root = ET.fromstring(body)
    assert root.tag == f"{SVG}svg"
    words = [t.text or "" for t in root.iter(f"{SVG}text")]
    return root.find(f"{SVG}title").text, words


def make_late(app, client, uuid: str) -> None:
    """Pinged 90 s ago: past its 60 s period, inside its 60 s grace."""
    assert client.get(f"/ping/{uuid}").status_code == 200
    backdate(app, uuid, 90)


@pytest.fixture
def badge_key(app, user) -> str:
    with app.app_context():
        key = own_project(user[0]).badge_key
        db.session.remove()
    return key


def test_every_listed_url_answers_in_its_format(client, api, new_check):
    new_check(name="db-backup", tags="db nightly")
    listed = badges(api)
    assert list(listed) == ["*", "db", "nightly"]
    for tag, urls in listed.items():
        label = "Heartbeats" if tag == "*" else tag
        for fmt in ("svg", "svg3"):
            r = client.get(path(urls[fmt]))
            assert r.status_code == 200 and r.mimetype == "image/svg+xml"
            assert svg_words(r.get_data(as_text=True)) == (
                f"{label}: up", [label, label, "up", "up"])
        for fmt in ("json", "json3"):
            assert client.get(path(urls[fmt])).get_json() == {
                "status": "up", "total": 1, "grace": 0, "down": 0}
        for fmt in ("shields", "shields3"):
            assert client.get(path(urls[fmt])).get_json() == {
                "schemaVersion": 1, "label": label, "message": "up", "color": "success"}


def test_a_tag_badge_counts_only_the_checks_carrying_that_very_tag(client, api, new_check):
    new_check(name="primary", tags="db")
    replica = new_check(name="replica", tags="db-replica")
    new_check(name="web", tags="web")
    client.get(f"/ping/{replica}/fail")
    listed = badges(api)
    assert client.get(path(listed["db"]["json"])).get_json() == {
        "status": "up", "total": 1, "grace": 0, "down": 0}
    assert client.get(path(listed["db-replica"]["json"])).get_json() == {
        "status": "down", "total": 1, "grace": 0, "down": 1}
    assert client.get(path(listed["*"]["json"])).get_json() == {
        "status": "down", "total": 3, "grace": 0, "down": 1}


def test_down_wins_over_late_and_late_over_up(app, client, api, new_check):
    late = new_check(name="late", tags="a b", timeout=60, grace=60)
    down = new_check(name="down", tags="b", timeout=60, grace=60)
    new_check(name="fine", tags="a b")
    make_late(app, client, late)
    client.get(f"/ping/{down}/fail")
    listed = badges(api)
    assert status(client, listed["a"]["json3"]) == "late"
    assert status(client, listed["a"]["json"]) == "up"  # two states: late shows as up
    assert status(client, listed["b"]["json3"]) == "down"
    assert client.get(path(listed["b"]["json3"])).get_json() == {
        "status": "down", "total": 3, "grace": 1, "down": 1}


def test_the_colour_follows_the_state(app, client, api, new_check):
    uuid = new_check(name="late", timeout=60, grace=60)
    svg3 = path(badges(api)["*"]["svg3"])
    assert "#4c1" in client.get(svg3).get_data(as_text=True)
    make_late(app, client, uuid)
    assert "#fe7d37" in client.get(svg3).get_data(as_text=True)
    client.get(f"/ping/{uuid}/fail")
    assert "#e05d44" in client.get(svg3).get_data(as_text=True)


def test_a_3_suffix_is_three_states_like_no_suffix(app, client, api, new_check):
    make_late(app, client, new_check(timeout=60, grace=60, tags="x"))
    two = path(badges(api)["x"]["json"])
    assert "-2/" in two and status(client, two) == "up"
    assert status(client, two.replace("-2/", "-3/")) == "late"
    assert status(client, two.replace("-2/", "/")) == "late"


@pytest.mark.parametrize("mangle", [
    pytest.param(lambda u: re.sub(r"/([^/]{8})-2/", "/AAAAAAAA-2/", u), id="wrong-signature"),
    pytest.param(lambda u: u.replace("-2/", "-4/"), id="unknown-states"),
    pytest.param(lambda u: u.replace("-2/", "-2x/"), id="trailing-garbage"),
    pytest.param(lambda u: re.sub(r"/([^/]{8})-2/", lambda m: f"/{m[1][:7]}-2/", u),
                 id="short-signature"),
    pytest.param(lambda u: u.replace("/x.json", "/y.json"), id="signature-of-another-tag"),
    pytest.param(lambda u: u.replace(".json", ".png"), id="unknown-format"),
    pytest.param(lambda u: u.replace(".json", ""), id="no-format"),
    pytest.param(lambda u: u.replace("/x.json", "/x%00.json"), id="nul-in-tag"),
    pytest.param(lambda u: re.sub(r"/badge/[^/]+/", "/badge/%00/", u), id="nul-in-key"),
])
def test_anything_wrong_in_a_project_badge_url_is_a_404(client, api, new_check, mangle):
    new_check(tags="x y")
    good = path(badges(api)["x"]["json"])
    assert client.get(good).status_code == 200
    bad = mangle(good)
    assert bad != good
    assert client.get(bad).status_code == 404


@pytest.mark.parametrize("signed", [
    "%C3%A9" * 8, "%C3%A9" * 8 + "-2", "%C3%A9" * 7 + "A", "AAAA%20AAA", "AAAA.AAA", "AAAA+AAA"])
@pytest.mark.parametrize("rest", [".svg", "/db.svg", ".json"])
def test_a_signature_outside_the_signatures_alphabet_is_a_404(client, badge_key, signed, rest):
    """"éééééééé" once reached hmac.compare_digest, whose TypeError on a
    non-ASCII str was a 500 for anyone: no signature of ours has such a character."""
    assert client.get(f"/badge/{badge_key}/{signed}{rest}").status_code == 404


def test_an_unknown_badge_key_is_a_404_even_with_its_signature(app, client):
    from webapp.core.badges import project_badge_url

    with app.app_context():
        url = project_badge_url("", "not-a-badge-key-of-any-project", "*",
                                app.config["SECRET_KEY"], "json")
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("wrong", ["/b/4/{key}.json", "/b/2/{key}.png", "/b/2/{uuid}.json",
                                   "/b/2/{key}%00.json", "/b/99999999999/{key}.json"])
def test_anything_wrong_in_a_check_badge_url_is_a_404(client, api, new_check, wrong):
    uuid = new_check()
    key = path(api("get", f"/checks/{uuid}").get_json()["badge_url"]).split("/")[-1][:-4]
    assert client.get(f"/b/2/{key}.json").status_code == 200
    assert client.get(wrong.format(key=key, uuid=uuid)).status_code == 404


def test_tags_with_slashes_dots_percents_and_accents_have_working_badges(client, api, new_check):
    tags = ["eu/west", "v1.2", "100%", "café", "a&b<c>"]
    new_check(tags=" ".join(tags))
    listed = badges(api)
    for tag in tags:
        url = path(listed[tag]["svg"])
        assert url.endswith("/" + quote(tag, safe="") + ".svg")
        r = client.get(url)
        assert r.status_code == 200, tag
        title, words = svg_words(r.get_data(as_text=True))  # escaped: still well-formed XML
        assert title == f"{tag}: up" and words[0] == tag


def test_no_badge_answer_and_no_listing_names_the_uuid(client, api, new_check):
    uuid = new_check(name="", tags="t")  # unnamed: the label must not fall back to the uuid
    check = api("get", f"/checks/{uuid}").get_json()
    answers = [api("get", "/badges/").get_data(as_text=True)]
    for fmt in ("svg", "json", "shields"):
        answers.append(client.get(path(check["badge_url"]).replace(".svg", f".{fmt}"))
                       .get_data(as_text=True))
    assert client.get(path(check["badge_url"]).replace(".svg", ".shields")).get_json()[
        "label"] == "check"
    for tag_urls in badges(api).values():
        answers += [client.get(path(u)).get_data(as_text=True) for u in tag_urls.values()]
    assert all(uuid not in answer for answer in answers)


def test_badges_are_never_cached_open_to_any_origin_and_answer_head(client, api, new_check):
    uuid = new_check(tags="t")
    listed = badges(api)
    urls = [listed["*"]["svg"], listed["t"]["json3"],
            api("get", f"/checks/{uuid}").get_json()["badge_url"]]
    for url in map(path, urls):
        for method in ("get", "head"):
            r = getattr(client, method)(url)
            assert r.status_code == 200, (method, url)
            assert r.headers["Cache-Control"] == \
                "max-age=0, no-cache, no-store, must-revalidate, private"
            assert r.headers["Access-Control-Allow-Origin"] == "*"
        assert client.post(url).status_code == 405


def test_a_check_badge_follows_the_check_and_its_states(app, client, api, new_check):
    uuid = new_check(name="nightly", timeout=60, grace=60)
    two = path(api("get", f"/checks/{uuid}").get_json()["badge_url"]).replace(".svg", ".json")
    three = two.replace("/b/2/", "/b/3/")
    make_late(app, client, uuid)
    assert (status(client, two), status(client, three)) == ("up", "late")
    client.get(f"/ping/{uuid}/fail")
    assert (status(client, two), status(client, three)) == ("down", "down")
    client.get(f"/ping/{uuid}")
    assert (status(client, two), status(client, three)) == ("up", "up")


def test_badge_url_is_in_a_checks_json_for_read_write_and_read_only_keys(app, api, user,
                                                                          new_check, client):
    uuid = new_check()
    with app.app_context():
        row, ro_key = ApiKey.issue(own_project(user[0]), "ro", read_only=True)
        db.session.add(row)
        db.session.commit()
    rw = api("get", f"/checks/{uuid}").get_json()["badge_url"]
    [ro] = [c["badge_url"] for c in api("get", "/checks/", key=ro_key).get_json()["checks"]]
    assert rw == ro and rw.startswith(app.config["BASE_URL"] + "/b/2/") and rw.endswith(".svg")
    assert client.get(path(rw)).status_code == 200


def test_a_new_badge_key_ends_the_old_urls(app, client, api, logged_in, new_check):
    new_check(tags="t")
    old = badges(api)
    settings = logged_in.at("settings/")
    r = logged_in.post(settings.replace("/settings/", "/badge-key/rotate"),
                       {"confirmed": "yes"}, token_from=settings)
    assert r.status_code == 302
    new = badges(api)
    for tag in old:
        assert client.get(path(old[tag]["svg"])).status_code == 404
        assert client.get(path(new[tag]["svg"])).status_code == 200


def test_badges_signed_under_a_replaced_secret_key_keep_working(app, client, api, monkeypatch,
                                                                new_check):
    new_check(tags="t")
    old = badges(api)["t"]["json"]
    monkeypatch.setitem(app.config, "OLD_SECRET_KEYS", app.config["SECRET_KEY"])
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-new-secret-key")
    new = badges(api)["t"]["json"]
    assert new != old
    assert client.get(path(old)).status_code == 200 and client.get(path(new)).status_code == 200
    monkeypatch.setitem(app.config, "OLD_SECRET_KEYS", "")
    assert client.get(path(old)).status_code == 404


def test_badges_are_not_rate_limited(client, api, limits, new_check):
    """A README on a busy page fetches its badge often: no limit applies, not
    even the wrong-key one a wrong badge URL might be thought to draw on."""
    limits(RATELIMIT_API="2 per minute", RATELIMIT_API_WRONG_KEY="2 per minute")
    new_check()
    svg = path(badges(api)["*"]["svg"])
    wrong = re.sub(r"/([^/]{8})-2\.svg$", "/AAAAAAAA-2.svg", svg)
    assert [client.get(svg).status_code for _ in range(10)] == [200] * 10
    assert [client.get(wrong).status_code for _ in range(10)] == [404] * 10


# --- the project settings' badge card -------------------------------------------------

def test_settings_list_each_tags_badge_urls_and_preview_the_all_checks_badge(
        app, logged_in, api, client, new_check):
    new_check(tags="db web")
    html = logged_in.get(logged_in.at("settings/")).get_data(as_text=True)
    card = html[html.index('id="badge-key"'):]
    card = card[:card.index("</section>")]
    listed = badges(api)
    for tag in ("*", "db", "web"):
        for fmt in ("svg", "json", "shields", "svg3", "json3", "shields3"):
            assert listed[tag][fmt] in card, (tag, fmt)
    preview = re.search(r'<img src="([^"]+)" id="badge-preview"', card)[1]
    # A path, so that the page's img-src 'self' lets it show whatever BASE_URL says.
    assert preview == path(listed["*"]["svg"])
    r = client.get(preview)
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    csp = logged_in.get(logged_in.at("settings/")).headers["Content-Security-Policy"]
    assert "img-src 'self'" in csp


def test_a_viewer_is_shown_no_badge_urls(app, client, api, web, user, new_check):
    new_check(tags="db")
    make_user(app, "bob@example.com")
    with app.app_context():
        project = own_project(user[0])
        bob = db.session.scalar(sa.select(Project).where(Project.id == project.id))
        from webapp.core.models import User

        add_member(bob, db.session.scalar(sa.select(User).where(
            User.email == "bob@example.com")), "viewer")
        db.session.commit()
        code = project.code
    assert web.login("bob@example.com").status_code == 302
    html = web.get(f"/projects/{code}/settings/").get_data(as_text=True)
    assert "/badge/" not in html and 'id="badge-preview"' not in html
