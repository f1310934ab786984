"""The dashboard's display helpers: times in words, schedules in words, the search
filter and the value chart."""

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from webapp.core.models import Check
from webapp.dashboard.display.chart import value_chart
from webapp.dashboard.display.list_filter import ListFilter, sort_checks
from webapp.dashboard.display.schedule_words import daily_time, grace_words, schedule_words
from webapp.dashboard.display.timefmt import exact, relative, short
from webapp.db import db

NOW = datetime(2026, 3, 29, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize("delta, words", [
    (0, "just now"), (-4, "just now"), (3, "in a moment"), (-5, "5 seconds ago"),
    (-60, "1 minute ago"), (-119, "1 minute ago"), (-3600 * 5, "5 hours ago"),
    (-86400 * 3, "3 days ago"), (90, "in 1 minute"), (7200, "in 2 hours"),
])
def test_relative_times_use_the_largest_whole_unit(delta, words):
    assert relative(NOW + timedelta(seconds=delta), NOW) == words


def test_exact_and_short_times_are_in_the_viewers_zone():
    # 29 March 2026: Europe/Berlin has just moved to summer time (CEST, +2).
    assert exact(NOW, "Europe/Berlin") == "2026-03-29 14:00:00 CEST"
    assert exact(None, "UTC") == "never"
    assert short(NOW, "Asia/Shanghai", now=NOW) == "20:00:00"
    assert short(NOW - timedelta(days=3), "UTC", now=NOW) == "Mar 26, 12:00"
    assert short(NOW - timedelta(days=400), "UTC", now=NOW) == "2025-02-22 12:00"
    assert exact(NOW, "Gone/Zone") == "2026-03-29 12:00:00 UTC"  # never a 500 for a stale zone


def spec(**kw):
    base = dict(kind="simple", timeout=86400, grace=3600, schedule="* * * * *", tz="UTC",
                grace_to_end_of_day=False)
    return SimpleNamespace(**{**base, **kw})


@pytest.mark.parametrize("check, words", [
    (spec(timeout=300), "every 5 minutes"),
    (spec(timeout=86400), "every day"),
    (spec(timeout=90), "every 90 seconds"),
    (spec(kind="cron", schedule="5 16 * * *", tz="Asia/Shanghai"), "at 16:05 daily, Asia/Shanghai"),
    (spec(kind="cron", schedule="*/15 * * * *"), "every 15th minute of every hour, UTC"),
    (spec(kind="cron", schedule="0 9 * * 1-5", tz="Europe/Berlin"),
     "at 09:00 on Monday through Friday, Europe/Berlin"),
])
def test_schedules_in_words(check, words):
    assert schedule_words(check) == words


def test_grace_in_words():
    assert grace_words(spec(grace=7200)) == "grace 2 hours"
    assert grace_words(spec(grace_to_end_of_day=True)) == "alert if no ping by the end of that day"
    daily = {"kind": "cron", "schedule": "5 16 * * *"}
    assert grace_words(spec(grace=8700, **daily)) == "alert if no ping by 18:30"
    assert grace_words(spec(grace=8 * 3600, **daily)) == "grace 8 hours"  # past midnight
    assert grace_words(spec(grace=90, **daily)) == "grace 90 seconds"


@pytest.mark.parametrize("cron, at", [
    ("5 16 * * *", (16, 5)), ("  0  0 * * * ", (0, 0)), ("60 1 * * *", None),
    ("5 16 * * 1", None), ("*/5 16 * * *", None), ("5 24 * * *", None),
])
def test_the_daily_preset_is_recognised(cron, at):
    assert daily_time(cron) == at


def test_the_search_box_splits_tags_from_free_text():
    known = {"prod", "db", "web"}
    flt = ListFilter.from_args(MultiDict({"search": " prod, back ,db, prod"}), known)
    assert (flt.tags, flt.q) == (("prod", "db"), ("back",))
    assert flt.query_string() == "?tags=prod%2Cdb&q=back"
    assert flt.search_text == "prod, db, back"
    assert flt.with_tag("web") == "?tags=prod%2Cdb%2Cweb&q=back"
    assert ListFilter.from_args(MultiDict({"tags": "a,b", "sort": "bogus"}), known).sort == "state"


def test_a_filter_matches_all_tags_and_every_free_word():
    backup = spec(name="Nightly Backup", tag_list=["prod", "db"])
    flt = ListFilter(tags=("prod", "db"), q=("night",))
    assert flt.matches(backup)
    assert not ListFilter(tags=("prod", "web")).matches(backup)
    assert ListFilter(q=("pro",)).matches(backup)  # the start of a tag
    assert not ListFilter(q=("night", "daily")).matches(backup)


def test_down_sorts_first_then_by_name():
    def c(name, status):
        return SimpleNamespace(name=name, id=hash(name), last_ping=None, status=status)
    rows = [c("b", "up"), c("a", "new"), c("z", "down"), c("m", "late"), c("x", "started"),
            c("y", "odd")]
    assert [r.name for r in sort_checks(rows, "state")] == ["z", "m", "x", "b", "a", "y"]


def test_names_sort_naturally():
    rows = [SimpleNamespace(name=n, id=i, last_ping=None, status="up")
            for i, n in enumerate(["svc-10", "svc-2", "Svc-1", "db", "svc-2b"])]
    assert [r.name for r in sort_checks(rows, "name")] == ["db", "Svc-1", "svc-2", "svc-2b",
                                                          "svc-10"]
    assert [r.name for r in sort_checks(rows, "state")][:2] == ["db", "Svc-1"]


def test_the_search_box_takes_space_separated_tags_and_says_which_terms_are_no_tags():
    known = {"prod", "db", "web"}
    flt = ListFilter.from_args(MultiDict({"search": "prod db  night"}), known)
    assert (flt.tags, flt.q, flt.not_tags) == (("prod", "db"), ("night",), ("night",))
    assert ListFilter.from_args(MultiDict({"tags": "prod,nope"}), known).unknown_tags == ("nope",)
    # A project without tags has no tag to be mistaken for.
    assert ListFilter.from_args(MultiDict({"search": "night"}), set()).not_tags == ()


def test_the_state_filter_and_the_page_live_in_the_address():
    flt = ListFilter.from_args(MultiDict({"state": "down", "page": "3", "tags": "db"}), {"db"})
    assert (flt.state, flt.page) == ("down", 3)
    assert flt.query_string() == "?tags=db&state=down&page=3"
    # Any other change starts again on the first page.
    assert flt.query_string(state="late") == "?tags=db&state=late"
    assert flt.query_string(page=4) == "?tags=db&state=down&page=4"
    bogus = ListFilter.from_args(MultiDict({"state": "weird", "page": "x"}), set())
    assert (bogus.state, bogus.page) == ("", 1)


def test_the_chart_spans_the_values_and_spaces_pings_evenly():
    points = [(NOW + timedelta(seconds=i), v) for i, v in enumerate([10, 30, 20])]
    chart = value_chart(points)
    xs = [d.x for d in chart.dots]
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1])
    ys = {d.value: d.y for d in chart.dots}
    assert ys[30] < ys[20] < ys[10]  # higher values are drawn higher up
    assert [label for _, label in chart.y_ticks] == ["30", "20", "10"]
    flat = value_chart([(NOW, 5.0)])
    assert flat.dots[0].y == pytest.approx((flat.y_ticks[0][0] + flat.y_ticks[-1][0]) / 2)
    assert value_chart([]) is None


def test_a_state_the_dashboard_does_not_know_still_shows_its_word(logged_in, app, new_check):
    uuid = new_check(name="future")
    with app.app_context():
        db.session.execute(sa.update(Check).where(Check.uuid == uuid).values(status="draining"))
        db.session.commit()
    html = logged_in.get(logged_in.home).get_data(as_text=True)
    assert 'class="status status-draining"' in html and ">draining</span>" in html
    assert '<circle cx="10" cy="10" r="4"' in html  # the fallback icon
