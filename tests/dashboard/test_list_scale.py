"""The checks list at scale: an idle refresh reads no check, a page holds 100
rows, state counts filter, each row shows its last 24 hours and why it is down."""

from __future__ import annotations

import re
import uuid as uuidlib
from datetime import timedelta

import sqlalchemy as sa

from support import listing, live_url, make_user, project_of, row_order
from webapp.core.models import Check, Flip, MaintenanceWindow
from webapp.core.times import utcnow
from webapp.db import db


def add_checks(app, n: int, **columns) -> None:
    """n checks named job-1 … job-n in alice's project, written in one statement."""
    project_id = project_of(app)[0]
    with app.app_context():
        db.session.execute(sa.insert(Check), [
            {"uuid": str(uuidlib.uuid4()), "project_id": project_id, "name": f"job-{i}",
             **columns} for i in range(1, n + 1)])
        db.session.commit()


def statements_during(app, call) -> list[str]:
    seen: list[str] = []
    with app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return seen


def test_an_idle_refresh_reads_no_check_whatever_their_number(logged_in, app):
    add_checks(app, 300, tags="prod", status="up", next_ping=utcnow() + timedelta(hours=1))
    url = live_url(listing(logged_in))
    answers = []
    seen = statements_during(app, lambda: answers.append(logged_in.htmx(url).status_code))
    assert answers == [204]
    assert seen and not [s for s in seen if re.search(r"\bchecks\b", s)], seen
    # The same refresh after a write renders again.
    with app.app_context():
        db.session.execute(sa.update(Check).where(Check.name == "job-7").values(name="renamed"))
        db.session.commit()
    assert logged_in.htmx(url).status_code == 200


def test_a_stranger_refreshing_gets_404_not_204(logged_in, app, client):
    url = live_url(listing(logged_in))
    make_user(app, "mallory@example.com")
    logged_in.client.post("/logout", data={"csrf_token": logged_in.csrf()})
    assert logged_in.login("mallory@example.com").status_code == 302
    assert logged_in.htmx(url).status_code == 404


def test_a_mute_running_out_or_a_window_beginning_redraws_the_list(logged_in, app, monkeypatch):
    import webapp.dashboard.pages.home as home

    now = utcnow()
    add_checks(app, 1, status="up", muted_until=now + timedelta(minutes=10))
    url = live_url(listing(logged_in))
    assert logged_in.htmx(url).status_code == 204
    monkeypatch.setattr(home, "utcnow", lambda: now + timedelta(minutes=11))
    assert logged_in.htmx(url).status_code == 200

    monkeypatch.setattr(home, "utcnow", utcnow)
    with app.app_context():
        db.session.execute(sa.update(Check).values(muted_until=None))
        db.session.add(MaintenanceWindow(project_id=project_of(app)[0], name="w",
                                         start=now + timedelta(minutes=30),
                                         end=now + timedelta(minutes=60)))
        db.session.commit()
    url = live_url(listing(logged_in))
    assert logged_in.htmx(url).status_code == 204
    monkeypatch.setattr(home, "utcnow", lambda: now + timedelta(minutes=31))
    assert logged_in.htmx(url).status_code == 200


def test_the_list_is_paged_by_a_hundred_in_natural_order(logged_in, app):
    add_checks(app, 230)
    first = listing(logged_in, "?sort=name")
    names = row_order(first)
    assert len(names) == 100 and names[:3] == ["job-1", "job-2", "job-3"]
    assert names[9] == "job-10"
    assert "1–100 of 230" in first and 'rel="next"' in first and 'rel="prev"' not in first
    last = listing(logged_in, "?sort=name&page=3")
    assert row_order(last) == [f"job-{i}" for i in range(201, 231)]
    assert "201–230 of 230" in last and 'rel="next"' not in last
    # A page past the end is the last one, not an empty list.
    assert row_order(listing(logged_in, "?sort=name&page=99")) == row_order(last)
    # The refresh asks for the page it shows.
    assert "page=3" in live_url(last)


def test_the_state_counts_follow_the_search_and_filter_by_state(logged_in, app):
    add_checks(app, 3, status="down", tags="prod db")
    add_checks(app, 2, status="down", tags="staging")
    add_checks(app, 4, status="up", tags="prod", next_ping=utcnow() + timedelta(hours=1))
    html = listing(logged_in, "?tags=prod")
    states = re.search(r'<nav class="state-filter".*?</nav>', html, re.S).group(0)
    # Names repeat across the three batches; the counts are of checks, not names.
    assert re.findall(r">(\d+ \w+)</a>", states) == ["3 down", "4 up"]
    assert ">all 7</a>" in states
    down = listing(logged_in, "?tags=prod&state=down")
    assert len(row_order(down)) == 3 and 'data-status="up"' not in down


def test_space_separated_tags_in_the_box_and_unknown_tags_said(logged_in, app):
    add_checks(app, 1, tags="prod db")
    add_checks(app, 1, tags="prod")
    r = logged_in.htmx(logged_in.home + "?search=prod+db")
    assert r.headers["HX-Replace-Url"] == logged_in.home + "?tags=prod%2Cdb"
    assert len(row_order(r.get_data(as_text=True))) == 1
    html = listing(logged_in, "?q=prdo")
    assert "Not a tag: “prdo”" in html
    assert "No check is tagged “nope”" in listing(logged_in, "?tags=nope")


def test_a_row_shows_its_last_day_and_why_it_is_down(logged_in, app):
    now = utcnow()
    add_checks(app, 1, status="down", last_msg="ok", last_ping=now - timedelta(hours=7),
               created=now - timedelta(days=3))
    with app.app_context():
        check_id = db.session.scalar(sa.select(Check.id))
        db.session.add(Flip(check_id=check_id, created=now - timedelta(hours=6),
                            old_status="up", new_status="down",
                            reason="no ping within the schedule and grace time"))
        db.session.commit()
    html = listing(logged_in)
    row = re.search(r'<tr id="check-\d+".*?</tr>', html, re.S).group(0)
    # 18 hours up, then 6 down: 72 and 24 of the strip's 96 units.
    assert re.search(r'<rect class="span-up" x="0.0" y="0" width="72.0"', row)
    assert re.search(r'<rect class="span-down" x="72.0" y="0" width="24.0"', row)
    assert "Last 24 h: up 75%, down 25%" in row
    # Not the last success's "ok": why it went down, and when.
    assert "no ping within the schedule and grace time" in row and ">ok<" not in row
    assert "went down" in row


def test_the_readmes_filter_address_and_state_counts(logged_in, app):
    """README, Dashboard: `/projects/<code>/?tags=prod,db&q=backup&state=down`
    and the counts `all 12 · 3 down · 2 late · 7 up`."""
    add_checks(app, 2, tags="prod db", status="down")
    add_checks(app, 1, tags="prod db", status="up", next_ping=utcnow() + timedelta(hours=1))
    with app.app_context():
        db.session.execute(sa.update(Check).where(Check.name == "job-1")
                           .values(name="nightly-backup"))
        db.session.commit()
    html = listing(logged_in, "?tags=prod,db&q=backup&state=down")
    assert row_order(html) == ["nightly-backup"]
    states = re.search(r'<nav class="state-filter".*?</nav>', html, re.S).group(0)
    assert re.findall(r">(all \d+|\d+ \w+)</a>", states) == ["all 2", "1 down", "1 up"]
