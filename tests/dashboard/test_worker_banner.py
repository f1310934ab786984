"""The banner every logged-in page shows while the worker is not sending alerts."""

import re

from support import record_beats

NEVER = "Alerts are not being sent: no worker has run yet (start it with python worker.py)."


def test_every_page_says_so_when_no_worker_has_run(logged_in, no_worker):
    for path in (logged_in.home, "/settings/", "/projects/", logged_in.at("channels/"),
                 logged_in.at("checks/new"), logged_in.at("settings/")):
        assert NEVER in logged_in.get(path).get_data(as_text=True), path


def test_it_says_how_long_the_worker_has_been_silent(app, logged_in, no_worker):
    record_beats(app, sweep=42, jobs=1)
    html = logged_in.get(logged_in.home).get_data(as_text=True)
    assert re.search(r"the worker has not run for 4[23] s\.", html)


def test_there_is_no_banner_while_the_worker_runs(app, logged_in, no_worker):
    record_beats(app, sweep=0, jobs=0)
    html = logged_in.get(logged_in.home).get_data(as_text=True)
    assert 'id="worker-banner"' in html and "banner-down" not in html


def test_the_banner_asks_again_every_few_seconds(app, logged_in, no_worker):
    r = logged_in.htmx("/worker-status")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    html = r.get_data(as_text=True)
    assert 'hx-get="/worker-status" hx-trigger="every 4s" hx-swap="outerHTML"' in html
    assert NEVER in html
    record_beats(app, sweep=0, jobs=0)
    assert "banner-down" not in logged_in.htmx("/worker-status").get_data(as_text=True)


def test_pages_without_login_have_no_banner(client, no_worker):
    assert "worker-banner" not in client.get("/login").get_data(as_text=True)


def test_the_banner_speaks_after_4_s_of_silence_before_health_calls_it_stale(app, client,
                                                                              logged_in, no_worker):
    record_beats(app, sweep=3, jobs=0)
    assert "banner-down" not in logged_in.get(logged_in.home).get_data(as_text=True)
    record_beats(app, sweep=5, jobs=0)
    html = logged_in.get(logged_in.home).get_data(as_text=True)
    assert re.search(r"the worker has not run for [56] s\.", html)
    assert client.get("/health").status_code == 200  # /health waits for 10 s
