"""A check's pages: the add/edit form, the details page and the actions on it."""

import re

import pytest
import sqlalchemy as sa

from support import NAME_ONLY, field_error, make_user
from webapp.core.models import Check, Flip
from webapp.db import db


def form(**changes) -> dict:
    return {**NAME_ONLY, **changes}


def create(web, **changes):
    return web.post(web.at("checks/new"), form(**changes))


def read(app, statement):
    """Run a query in an app context of its own, apart from the requests' sessions."""
    with app.app_context():
        result = db.session.execute(statement).all()
        db.session.remove()
    return result


def the_check(app, name="nightly-backup") -> Check | None:
    rows = read(app, sa.select(Check).where(Check.name == name))
    return rows[0][0] if rows else None


def test_a_name_alone_makes_a_daily_check_with_an_hour_of_grace(logged_in, app):
    r = logged_in.post(logged_in.at("checks/new"), {"name": "nightly-backup"})
    check = the_check(app)
    assert r.status_code == 302 and r.headers["Location"] == f"/checks/{check.uuid}"
    assert (check.kind, check.timeout, check.grace, check.status) == ("simple", 86400, 3600, "new")
    assert check.slug == "nightly-backup"


def test_the_new_check_form_starts_with_those_defaults(logged_in):
    html = logged_in.get(logged_in.at("checks/new")).get_data(as_text=True)
    assert re.search(r'id="every"[^>]*value="1"', html)
    assert re.search(r'<option selected value="days">|<option value="days" selected>', html)
    assert re.search(r'<option selected value="hours">|<option value="hours" selected>', html)
    assert 'data-browser-tz="1"' in html  # app.js picks the browser's zone
    for label in ("Name", "Tags", "Description", "Every", "Interval unit", "At", "Cron expression",
                  "Timezone", "Grace", "Grace unit"):
        assert re.search(rf'<label for="[a-z_]+">{label}</label>', html), label


def test_it_creates_an_interval_check_with_tags_and_description(logged_in, app):
    create(logged_in, tags="prod, db", desc="Dumps the database", every="5", every_unit="minutes",
           grace="90", grace_unit="seconds")
    check = the_check(app)
    assert (check.tags, check.desc, check.timeout, check.grace) == (
        "prod db", "Dumps the database", 300, 90)


def test_daily_at_a_time_alerts_at_the_end_of_that_day(logged_in, app):
    create(logged_in, kind="daily", at="16:05", deadline="end_of_day", tz="Asia/Shanghai")
    check = the_check(app)
    assert (check.kind, check.schedule, check.tz, check.grace_to_end_of_day) == (
        "cron", "5 16 * * *", "Asia/Shanghai", True)


def test_daily_at_a_time_with_a_chosen_deadline(logged_in, app):
    create(logged_in, kind="daily", at="16:05", deadline="by", deadline_at="18:00",
           tz="Europe/Berlin")
    check = the_check(app)
    assert (check.schedule, check.grace, check.grace_to_end_of_day) == ("5 16 * * *", 6900, False)


def test_a_cron_schedule_in_a_timezone(logged_in, app):
    create(logged_in, kind="cron", cron="  0   9 * * 1-5 ", tz="Europe/Berlin", grace="2",
           grace_unit="hours")
    check = the_check(app)
    assert (check.kind, check.schedule, check.tz, check.grace) == (
        "cron", "0 9 * * 1-5", "Europe/Berlin", 7200)


@pytest.mark.parametrize("changes, field_id, message", [
    ({"name": ""}, "name", "Give the check a name."),
    ({"name": "x" * 101}, "name", "Field cannot be longer than 100 characters."),
    ({"name": "nightly\r\nbackup"}, "name",
     "The name must not contain control characters such as line breaks."),
    ({"desc": "bell\x07"}, "desc",
     "The description must not contain control characters (line breaks and tabs are fine)."),
    ({"every": "0"}, "every", "The interval must be between 1 second and 365 days."),
    ({"every": "400", "every_unit": "days"}, "every",
     "The interval must be between 1 second and 365 days."),
    ({"every": "soon"}, "every", "Not a valid integer value."),
    ({"every": ""}, "every", "Not a valid integer value."),
    ({"grace": "1.5"}, "grace", "Not a valid integer value."),
    ({"every_unit": "fortnights"}, "every_unit", "Not a valid choice."),
    ({"grace": "-1"}, "grace", "Grace must be between 1 second and 365 days."),
    ({"kind": "daily", "at": ""}, "at", "Give a time of day, like 16:05."),
    ({"kind": "daily", "at": "25:99"}, "at", "Not a valid time value."),
    ({"kind": "daily", "at": "16:05", "deadline": "by", "deadline_at": "09:00"}, "deadline_at",
     "Pick a time after 16:05 the same day, or the end of the day."),
    ({"kind": "daily", "at": "16:05", "deadline": "by", "deadline_at": ""}, "deadline_at",
     "Give the time by which the ping must arrive."),
    ({"kind": "cron", "cron": "61 * * * *"}, "cron", "Invalid cron expression '61 * * * *'"),
    ({"kind": "cron", "cron": "* * *"}, "cron", "Invalid cron expression"),
    ({"kind": "cron", "tz": "Mars/Olympus"}, "tz", "Unknown timezone 'Mars/Olympus'"),
])
def test_it_shows_what_is_wrong_next_to_the_field_and_keeps_the_input(logged_in, app, changes,
                                                                      field_id, message):
    r = create(logged_in, tags="keep-me", **changes)
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert field_error(html, field_id).startswith(message)
    assert 'value="keep-me"' in html  # nothing typed is lost
    assert read(app, sa.select(sa.func.count(Check.id))) == [(0,)]


def test_an_unknown_kind_of_schedule_is_refused(logged_in, app):
    r = create(logged_in, kind="hourly")
    assert r.status_code == 422 and "Not a valid choice" in r.get_data(as_text=True)


def test_tags_with_control_characters_are_refused_next_to_the_field(logged_in, app):
    r = create(logged_in, tags="prod\x07")
    assert r.status_code == 422
    assert field_error(r.get_data(as_text=True), "tags") == (
        "Tags must not contain control characters such as line breaks.")
    assert read(app, sa.select(sa.func.count(Check.id))) == [(0,)]


def test_the_form_without_a_csrf_token_is_refused(logged_in, app):
    r = logged_in.client.post(logged_in.at("checks/new"), data=form())
    # A sentence of ours, not Flask-WTF's "The CSRF token is missing.".
    assert r.status_code == 400 and "This form has expired" in r.get_data(as_text=True)
    assert the_check(app) is None


def test_editing_shows_the_schedule_as_it_was_entered(logged_in, new_check):
    uuid = new_check(name="export", schedule="5 16 * * *", tz="Asia/Shanghai", grace=6900)
    html = logged_in.get(f"/checks/{uuid}/edit").get_data(as_text=True)
    assert re.search(r'checked[^>]*value="daily"|value="daily"[^>]*checked', html)
    assert 'value="16:05"' in html and 'value="18:00"' in html
    assert re.search(r'checked[^>]*value="by"|value="by"[^>]*checked', html)


def test_a_daily_deadline_past_midnight_is_edited_as_cron(logged_in, new_check):
    uuid = new_check(name="late-job", schedule="0 23 * * *", grace=7200)
    html = logged_in.get(f"/checks/{uuid}/edit").get_data(as_text=True)
    assert re.search(r'checked[^>]*value="cron"|value="cron"[^>]*checked', html)
    assert 'value="0 23 * * *"' in html


def test_saving_an_edit_keeps_the_deadlines_consistent(logged_in, api, app, new_check):
    uuid = new_check(name="backup", timeout=3600)
    logged_in.get(f"/api/push/{uuid}")
    r = logged_in.post(f"/checks/{uuid}/edit", form(name="backup", every="2", every_unit="hours"),
                       token_from=f"/checks/{uuid}/edit")
    assert r.status_code == 302
    check = the_check(app, "backup")
    assert check.timeout == 7200
    assert (check.next_ping - check.last_ping).total_seconds() == 7200


def test_another_users_check_is_a_404_everywhere(app, logged_in, api):
    _, bobs_key = make_user(app, "bob@example.com", "bob-password")
    uuid = api("post", "/checks/", key=bobs_key, json={"name": "bobs"}).get_json()["uuid"]
    for path in (f"/checks/{uuid}", f"/checks/{uuid}/edit", f"/checks/{uuid}/events"):
        assert logged_in.get(path).status_code == 404, path
    for action in ("pause", "resume", "rotate", "delete", "edit"):
        r = logged_in.post(f"/checks/{uuid}/{action}", {"confirmed": "yes"})
        assert r.status_code == 404, action
    assert api("get", f"/checks/{uuid}", key=bobs_key).get_json()["name"] == "bobs"


def test_the_details_page_shows_push_urls_and_snippets(logged_in, api, new_check):
    uuid = new_check(name="backup", slug="backup")  # v3 makes no slug from the name
    html = logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    url = f"http://hb.test/api/push/{uuid}"
    assert f'<code id="url-push" class="copy-text">{url}</code>' in html
    assert 'data-copy="url-push"' in html
    # The other forms this server answers, each with its own copy box.
    assert f'<code id="url-ping" class="copy-text">http://hb.test/ping/{uuid}</code>' in html
    assert re.search(r'<code id="url-ping-slug" class="copy-text">'
                     r'http://hb\.test/ping/[\w-]{22}/backup</code>', html)
    assert ('<code id="url-legacy" class="copy-text">'
            'http://hb.test/api/pings/?service=backup</code>' in html)

    for snippet in (f"curl -fsS -m 10 --retry 5 -o /dev/null &#34;{url}&#34;",
                    f"requests.post(&#34;{url}&#34;",
                    f"await fetch(&#34;{url}?status=up&amp;msg=OK&#34;",
                    "30 2 * * *  /opt/backup.sh &amp;&amp; curl",
                    f"{url}?status=down&amp;msg=backup-failed"):
        assert snippet in html, snippet


def test_every_push_url_shown_answers(logged_in, api, user, new_check):
    import base64

    uuid = new_check(name="backup", slug="backup")  # v3 makes no slug from the name
    html = logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    urls = dict(re.findall(r'<code id="url-([\w-]+)" class="copy-text">'
                           r'http://hb\.test([^<]+)</code>', html))
    assert set(urls) == {"push", "push-fail", "ping", "ping-slug", "legacy"}
    auth = {"Authorization": "Basic " + base64.b64encode(f"x:{user[1]}".encode()).decode()}
    for key, path in urls.items():
        path = path.replace("&amp;", "&")
        r = logged_in.get(path, headers=auth if key == "legacy" else {})
        assert r.status_code == 200, (key, r.get_data(as_text=True))
    assert api("get", f"/checks/{uuid}").get_json()["n_pings"] == 5


def test_the_event_log_lists_pings_and_changes_newest_first_a_page_at_a_time(logged_in, api,
                                                                             new_check):
    uuid = new_check(name="backup")
    for n in range(1, 31):
        logged_in.get(f"/api/push/{uuid}?msg=run-{n}&value={n}",
                      headers={"User-Agent": "cron-agent/1.0"})
    html = logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    log = html[html.index('id="event-log"'):]
    assert log.index("run-30") < log.index("run-29") and "run-6<" in log and "run-5<" not in log
    assert "cron-agent/1.0" in log and "Page 1 of 2 · 31 events" in log
    older = logged_in.htmx(f"/checks/{uuid}/events?page=2").get_data(as_text=True)
    assert (older.startswith('\n<div id="event-log"')
            or older.lstrip().startswith('<div id="event-log"'))
    assert "run-5<" in older and "run-1<" in older and "run-6<" not in older
    # The first ping changed the state: logged, and listed above the ping that caused it.
    assert older.index("status-new") < older.index("run-1<")
    # Without htmx the pager link goes to the page itself.
    assert logged_in.get(f"/checks/{uuid}/events?page=2").headers["Location"].endswith(
        "page=2#events")
    assert logged_in.get(f"/checks/{uuid}?page=99").status_code == 200  # clamped to the last page
    assert logged_in.get(f"/checks/{uuid}?page=x").status_code == 200
    # Healthchecks-style pings: exit status, run time and body are shown too.
    logged_in.get(f"/ping/{uuid}/start")
    logged_in.client.post(f"/ping/{uuid}/3", data=b"disk full")
    newest = logged_in.htmx(f"/checks/{uuid}/events?page=1").get_data(as_text=True)
    assert re.search(r"ping-fail\">fail</span> <span class=\"small\">exit 3</span>", newest)
    assert re.search(r"took \d+\.\d s", newest) and "disk full" in newest


def test_the_status_card_refreshes_itself_and_answers_204_while_nothing_changed(logged_in, api,
                                                                                new_check):
    uuid = new_check(name="backup")
    html = logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    live = re.search(r'id="check-status"[^>]*hx-get="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert logged_in.htmx(live).status_code == 204
    logged_in.get(f"/api/push/{uuid}?msg=hello")
    r = logged_in.htmx(live)
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and "<html" not in body
    assert '<span id="check-badge" hx-swap-oob="true"><span class="status status-up">' in body
    assert '<div id="event-log" class="event-log" hx-swap-oob="true">' in body and "hello" in body
    # Looking at an older page of the log: the refresh leaves the log alone.
    for _ in range(30):
        logged_in.get(f"/api/push/{uuid}")
    older = logged_in.htmx(live.replace("page=1", "page=2")).get_data(as_text=True)
    assert 'id="check-status"' in older and "event-log" not in older


def test_values_are_drawn_as_a_chart(logged_in, api, new_check):
    uuid = new_check(name="lag")
    assert "<polyline" not in logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    for value in (1, 5, 3):
        logged_in.get(f"/api/push/{uuid}?value={value}")
    html = logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    assert '<polyline class="line"' in html and html.count('<circle class="dot"') == 3
    # the axis runs from the lowest to the highest
    assert ">5</text>" in html and ">1</text>" in html


def test_pause_and_resume_log_who_did_it(logged_in, api, app, new_check):
    uuid = new_check(name="backup")
    logged_in.get(f"/api/push/{uuid}")
    r = logged_in.post(f"/checks/{uuid}/pause", token_from=f"/checks/{uuid}")
    assert r.status_code == 302
    check = the_check(app, "backup")
    assert (check.status, check.next_ping, check.alert_after) == ("paused", None, None)
    assert "Resume</button>" in logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    logged_in.post(f"/checks/{uuid}/pause", token_from=f"/checks/{uuid}")  # twice: no second flip
    logged_in.post(f"/checks/{uuid}/resume", token_from=f"/checks/{uuid}")
    assert the_check(app, "backup").status == "new"
    flips = read(app, sa.select(Flip.old_status, Flip.new_status, Flip.actor).order_by(Flip.id))
    assert [tuple(f) for f in flips] == [("new", "up", "ping"),
                                         ("up", "paused", "user:alice@example.com"),
                                         ("paused", "new", "user:alice@example.com")]


def test_rotating_the_token_asks_first_then_retires_the_old_urls(logged_in, api, new_check):
    old = new_check(name="backup")
    r = logged_in.post(f"/checks/{old}/rotate", token_from=f"/checks/{old}")
    assert r.status_code == 200 and 'name="confirmed" value="yes"' in r.get_data(as_text=True)
    assert logged_in.get(f"/api/push/{old}").status_code == 200  # nothing happened yet
    r = logged_in.post(f"/checks/{old}/rotate", {"confirmed": "yes"}, token_from=f"/checks/{old}")
    new = r.headers["Location"].rsplit("/", 1)[1]
    assert new != old
    assert logged_in.get(f"/api/push/{old}").status_code == 404
    assert logged_in.get(f"/api/push/{new}").status_code == 200
    assert logged_in.client.post(f"/checks/{new}/rotate",
                                 data={"confirmed": "yes"}).status_code == 400


def test_deleting_asks_first_then_removes_the_check_and_its_history(logged_in, api, app, new_check):
    uuid = new_check(name="backup")
    logged_in.get(f"/api/push/{uuid}")
    r = logged_in.post(f"/checks/{uuid}/delete", token_from=f"/checks/{uuid}")
    assert "cannot be undone" in r.get_data(as_text=True) and the_check(app, "backup") is not None
    r = logged_in.post(f"/checks/{uuid}/delete", {"confirmed": "yes"}, token_from=f"/checks/{uuid}")
    assert r.headers["Location"] == logged_in.home  # the project's list
    assert the_check(app, "backup") is None and (
        read(app, sa.select(sa.func.count(Flip.id))) == [(0,)])
    assert logged_in.get(f"/checks/{uuid}").status_code == 404


def test_the_cron_preview_explains_an_expression(logged_in):
    html = logged_in.htmx("/checks/cron-preview?cron=5+16+*+*+*&tz=Asia/Shanghai").get_data(
        as_text=True)
    # The zone in full: "CST" is also Central and Cuba Standard Time.
    assert "At 16:05 every day" in html and "next at" in html and "China Standard Time" in html
    html = logged_in.htmx("/checks/cron-preview?cron=99+*+*+*+*&tz=UTC").get_data(as_text=True)
    assert "invalid cron expression" in html
    html = logged_in.htmx("/checks/cron-preview?cron=*+*+*+*+*&tz=Nowhere").get_data(as_text=True)
    assert "unknown timezone" in html


@pytest.mark.parametrize("version, made", [(3, {"name": "backup", "slug": "backup"}),
                                           (1, {"name": "backup"})],
                         ids=["set-by-a-v3-client", "derived-by-v1"])
def test_a_rename_in_the_dashboard_never_changes_the_slug(logged_in, client, user, api, app,
                                                          version, made):
    """The form has no slug field, so saving it must not touch the slug: a
    v3 client's slug "backup" on a check named "backup" looks derived from the
    name, yet jobs ping /ping/<ping-key>/backup."""
    from browser_form import submitted

    from support import ping_key_of

    r = client.post(f"/api/v{version}/checks/", json=made, headers={"X-Api-Key": user[1]})
    assert r.status_code == 201
    uuid = r.get_json()["ping_url"].rsplit("/", 1)[1]
    slug = api("get", f"/checks/{uuid}").get_json()["slug"]
    assert slug == "backup"
    edit = f"/checks/{uuid}/edit"
    r = logged_in.client.post(edit, data=submitted(logged_in.get(edit).get_data(as_text=True),
                                                   edit, name="nightly backup"))
    assert r.status_code == 302
    after = api("get", f"/checks/{uuid}").get_json()
    assert (after["name"], after["slug"]) == ("nightly backup", "backup")
    assert logged_in.get(f"/ping/{ping_key_of(app)}/backup").status_code == 200
