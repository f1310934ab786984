"""The checks list: login required, order, search, live refresh, title and favicon."""

import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from flask import template_rendered

from support import listing, live_fp, live_url, make_user, row_order
from webapp.core.models import Check
from webapp.core.times import utcnow
from webapp.db import db

UUID = "00000000-0000-4000-8000-000000000000"


@pytest.mark.parametrize("path", [
    "/", f"/projects/{UUID}/", f"/projects/{UUID}/live", f"/projects/{UUID}/checks/new",
    f"/checks/{UUID}", f"/checks/{UUID}/edit", f"/checks/{UUID}/events", "/checks/cron-preview",
    "/settings/", "/projects/", f"/projects/{UUID}/channels/", f"/projects/{UUID}/settings/",
])
def test_it_sends_anonymous_visitors_to_the_login_page(client, path):
    r = client.get(path)
    assert r.status_code == 302
    assert r.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("path", [
    f"/checks/{UUID}/pause", f"/checks/{UUID}/resume", f"/checks/{UUID}/rotate",
    f"/checks/{UUID}/delete", f"/projects/{UUID}/checks/new", f"/projects/{UUID}/keys",
    "/settings/password", "/settings/timezone", f"/projects/{UUID}/keys/1/revoke", "/projects/",
])
def test_it_refuses_actions_without_a_login(web, path):
    r = web.post(path, token_from="/login")
    assert r.status_code == 302 and r.headers["Location"].startswith("/login?next=")


def test_a_refresh_after_the_session_ended_reloads_the_whole_page_to_log_in(web):
    r = web.htmx(f"/projects/{UUID}/live?fp=x", **{"HX-Current-URL": "http://hb.test/?tags=prod"})
    assert r.status_code == 200 and r.get_data() == b""
    assert r.headers["HX-Redirect"] == "/login?next=%2F%3Ftags%3Dprod"


def test_it_lists_down_checks_first_with_icon_and_word(logged_in, api, new_check):
    fine, broken = new_check(name="aaa-fine", tags="prod"), new_check(name="zzz-broken")
    new_check(name="mmm-new", timeout=300)
    logged_in.get(f"/api/push/{fine}")
    logged_in.get(f"/api/push/{broken}?status=down&msg=disk-full")
    html = listing(logged_in)
    assert row_order(html) == ["zzz-broken", "aaa-fine", "mmm-new"]
    for word in ("down", "up", "new"):
        assert re.search(rf'status-{word}"><svg class="icon"[^>]*>.*?</svg>'
                         rf'<span class="status-word">{word}</span>',
                         html, re.S)
    assert "every day" in html and "grace 1 hour" in html and "every 5 minutes" in html
    assert "disk-full" in html
    assert '<a class="chip"' in html and ">prod</a>" in html


def set_column(app, uuid, **values):
    """Change a check's row directly (in an app context apart from the requests')."""
    with app.app_context():
        db.session.execute(sa.update(Check).where(Check.uuid == uuid).values(**values))
        db.session.commit()
        db.session.remove()


def test_it_sorts_by_name_and_by_last_ping(logged_in, app, new_check):
    b, _, c = new_check(name="b"), new_check(name="a"), new_check(name="c")
    now = utcnow()
    set_column(app, b, last_ping=now - timedelta(minutes=1))
    set_column(app, c, last_ping=now - timedelta(minutes=30))
    assert row_order(listing(logged_in, "?sort=name")) == ["a", "b", "c"]
    assert row_order(listing(logged_in, "?sort=last_ping")) == ["b", "c", "a"]
    # An unknown sort falls back to the default instead of failing.
    assert logged_in.get(logged_in.home + "?sort=evil").status_code == 200


def test_it_shows_the_schedule_in_words(logged_in, new_check):
    new_check(name="daily", schedule="5 16 * * *", tz="Asia/Shanghai", grace_to_end_of_day=True)
    new_check(name="weekdays", schedule="0 9 * * 1-5", tz="Europe/Berlin")
    html = listing(logged_in)
    assert "at 16:05 daily, Asia/Shanghai" in html
    assert "alert if no ping by the end of that day" in html
    assert "at 09:00 on Monday through Friday, Europe/Berlin" in html


def test_tags_narrow_the_list_to_checks_carrying_all_of_them(logged_in, new_check):
    new_check(name="db-backup", tags="prod db")
    new_check(name="web", tags="prod web")
    new_check(name="staging-db", tags="staging db")
    assert row_order(listing(logged_in, "?tags=prod,db")) == ["db-backup"]
    assert row_order(listing(logged_in, "?tags=db")) == [
        "db-backup", "staging-db"]
    # Free text matches names (and the start of tags).
    assert row_order(listing(logged_in, "?q=stag")) == ["staging-db"]
    assert row_order(listing(logged_in, "?tags=db&q=back")) == ["db-backup"]
    html = listing(logged_in, "?tags=prod,nothing")
    assert row_order(html) == [] and "No check matches this search" in html


def test_the_search_box_puts_its_filter_in_the_address(logged_in, new_check):
    new_check(name="db-backup", tags="prod db")
    new_check(name="web", tags="prod web")
    r = logged_in.htmx(logged_in.home + "?search=prod,+db,+back&sort=name")
    assert r.headers["HX-Replace-Url"] == logged_in.home + "?tags=prod%2Cdb&q=back&sort=name"
    html = r.get_data(as_text=True)
    assert "<html" not in html and row_order(html) == ["db-backup"]
    # The refresh keeps asking for the same filter.
    query = parse_qs(urlsplit(live_url(html)).query)
    assert query.pop("fp") and query.pop("tz") == ["UTC"]
    assert query == {"tags": ["prod,db"], "q": ["back"], "sort": ["name"]}
    # Without JavaScript the box submits a plain GET: sent on to the same address.
    r = logged_in.get(logged_in.home + "?search=prod,+db")
    assert r.status_code == 302 and r.headers["Location"] == logged_in.home + "?tags=prod%2Cdb"
    assert 'value="prod, db"' in listing(logged_in, "?tags=prod,db")


def test_the_refresh_answers_204_while_nothing_changed(logged_in, api, app, new_check):
    uuid = new_check(name="backup", timeout=3600)
    html = listing(logged_in)
    url, fp = live_url(html), live_fp(html)
    rendered = []
    with template_rendered.connected_to(
            lambda sender, template, context, **kw: rendered.append(template.name), app):
        r = logged_in.htmx(url)
    assert r.status_code == 204 and r.get_data() == b""
    assert rendered == []  # the answer came from the fingerprint, not from rendering the list
    assert "HX-Request" in r.headers["Vary"]

    logged_in.get(f"/api/push/{uuid}")
    r = logged_in.htmx(url)
    assert r.status_code == 200 and "HX-Request" in r.headers["Vary"]
    html = r.get_data(as_text=True)
    assert 'status-up"' in html and live_fp(html) != fp
    assert logged_in.htmx(live_url(html)).status_code == 204


def test_the_refresh_notices_a_check_turning_late_without_any_write(logged_in, api, app,
                                                                    monkeypatch, new_check):
    uuid = new_check(name="backup", timeout=3600)
    logged_in.get(f"/api/push/{uuid}")
    fp = live_fp(listing(logged_in))
    assert logged_in.htmx(f"{logged_in.home}live?fp={fp}").status_code == 204
    # "late" is the clock passing next_ping, with no write to the row: move the clock.
    import webapp.dashboard.pages.home as dashboard

    monkeypatch.setattr(dashboard, "utcnow", lambda: utcnow() + timedelta(seconds=3601))
    r = logged_in.htmx(f"{logged_in.home}live?fp={fp}")
    assert r.status_code == 200


def test_the_refresh_notices_an_edit_made_elsewhere(logged_in, api, new_check):
    uuid = new_check(name="backup")
    fp = live_fp(listing(logged_in))
    api("post", f"/checks/{uuid}", json={"name": "renamed", "tags": "new-tag"})
    r = logged_in.htmx(f"{logged_in.home}live?fp={fp}")
    assert r.status_code == 200 and "renamed" in r.get_data(as_text=True)


def test_the_title_and_the_favicon_count_the_checks_down(logged_in, api, new_check):
    for name in ("a", "b"):
        logged_in.get(f"/api/push/{new_check(name=name)}?status=down")
    new_check(name="c")
    html = listing(logged_in)
    assert "<title>(2 down) Checks · Heartbeats</title>" in html
    assert 'href="/favicon.svg?down=2"' in html and 'data-down="2"' in html
    # The refresh carries the title for htmx to put in the tab.
    live = logged_in.htmx(logged_in.home + "live?fp=old").get_data(as_text=True)
    assert re.match(r"\s*<title>\(2 down\) Checks · Heartbeats</title>", live)
    svg = logged_in.get("/favicon.svg?down=2")
    assert svg.mimetype == "image/svg+xml" and ">2</text>" in svg.get_data(as_text=True)
    assert "<text" not in logged_in.get("/favicon.svg").get_data(as_text=True)
    assert logged_in.get("/favicon.svg?down=nonsense").status_code == 200


def test_the_empty_list_says_how_to_start(logged_in):
    html = listing(logged_in)
    assert "No checks yet — create one" in html
    assert f'href="{logged_in.at("checks/new")}"' in html
    assert "http://hb.test/api/push/&lt;token&gt;" in html  # the snippet, escaped


def test_only_the_users_own_checks_are_listed(app, logged_in, api, new_check):
    new_check(name="mine")
    _, other_key = make_user(app, "bob@example.com", "bob-password")
    api("post", "/checks/", key=other_key, json={"name": "bobs"})
    assert row_order(listing(logged_in)) == ["mine"]


def test_pages_carry_a_strict_content_security_policy(logged_in, new_check):
    uuid = new_check(name="backup", tags="prod")
    for path in (logged_in.home, f"/checks/{uuid}", logged_in.at("checks/new"), "/settings/",
                 f"/checks/{uuid}/edit", logged_in.at("channels/"), logged_in.at("settings/"),
                 "/projects/"):
        r = logged_in.get(path)
        csp = r.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp and "unsafe" not in csp
        html = r.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path  # no inline script
        assert not re.search(r"<style|\sstyle=", html), path  # no inline style
        assert not re.search(r"\son[a-z]+=", html), path  # no inline event handler
        assert "//cdn" not in html and "https://" not in html.split("<body")[0]
