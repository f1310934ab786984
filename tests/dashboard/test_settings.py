"""The account settings page: password and timezone (login sessions: test_sessions)."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from webapp.core.models import Check
from webapp.db import db


def test_changing_the_password(logged_in, web):
    data = {"current": "correct horse", "new": "battery staple", "confirm": "battery staple"}
    assert logged_in.post("/settings/password", data, token_from="/settings/").status_code == 302
    logged_in.post("/logout")
    assert web.login(password="correct horse").status_code == 401
    assert web.login(password="battery staple").status_code == 302


def test_a_password_change_needs_the_current_password_and_a_match(logged_in):
    r = logged_in.post("/settings/password", {"current": "wrong", "new": "battery staple",
                                              "confirm": "battery staple"}, token_from="/settings/")
    assert r.status_code == 400 and "That is not your current password." in r.get_data(as_text=True)
    r = logged_in.post("/settings/password", {"current": "correct horse", "new": "battery staple",
                                              "confirm": "other"}, token_from="/settings/")
    assert r.status_code == 400 and "The two passwords differ." in r.get_data(as_text=True)
    r = logged_in.post("/settings/password", {"current": "correct horse", "new": "short",
                                              "confirm": "short"}, token_from="/settings/")
    assert r.status_code == 400 and "Use at least 8 characters." in r.get_data(as_text=True)


def test_times_are_shown_in_the_users_timezone(logged_in, app, new_check):
    uuid = new_check(name="backup")
    with app.app_context():
        db.session.execute(sa.update(Check).where(Check.uuid == uuid)
                           .values(created=datetime(2026, 1, 15, 12, 0, tzinfo=UTC)))
        db.session.commit()
    assert "2026-01-15 12:00:00 UTC" in logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    r = logged_in.post("/settings/timezone", {"timezone": "Asia/Shanghai"}, token_from="/settings/")
    assert r.status_code == 302
    html = logged_in.get(f"/checks/{uuid}").get_data(as_text=True)
    assert "2026-01-15 20:00:00 CST" in html and "Times are shown in Asia/Shanghai" in html


def test_an_unknown_timezone_is_refused(logged_in):
    r = logged_in.post("/settings/timezone", {"timezone": "Mars/Olympus"}, token_from="/settings/")
    assert r.status_code == 400 and (
        "Unknown timezone &#39;Mars/Olympus&#39;" in r.get_data(as_text=True))


@pytest.mark.parametrize("path", ["/settings/sessions/9223372036854775808/end",
                                  "/settings/sessions/2147483648/end"])
def test_an_id_past_the_integer_columns_is_a_404(logged_in, path):
    """Found by the fuzzing of issue #12: such ids were an OverflowError (500),
    and past 32 bits PostgreSQL refused them (503)."""
    assert logged_in.post(path, token_from="/settings/").status_code == 404
