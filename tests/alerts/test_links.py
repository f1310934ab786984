"""Links in alerts: BASE_URL, else the address the web serves, never the worker's port.

Under `make run` honcho gives the web PORT=5000 and the worker PORT=5100; the
links the worker writes must point at the dashboard's port.
"""

import sqlalchemy as sa

from support import overrides_from
from webapp import create_app
from webapp.alerts.content import alert_content
from webapp.core.heartbeats import beat
from webapp.core.models import Notification
from webapp.core.times import utcnow
from webapp.core.urls import site_root
from webapp.db import db


def test_without_base_url_alert_links_point_at_the_web_not_the_worker(settings, client, check,
                                                                      no_worker):
    assert client.get(f"/api/push/{check}?status=down").status_code == 200  # a notification
    web = create_app({**overrides_from(settings), "BASE_URL": "", "HOST": "127.0.0.1",
                      "PORT": 5000})
    assert web.test_client().get("/login").status_code == 200  # its first request records it
    worker = create_app({**overrides_from(settings), "BASE_URL": "", "PORT": 5100})
    with worker.app_context():
        assert site_root() == "http://127.0.0.1:5000"
        content = alert_content(db.session.scalar(sa.select(Notification)))
        db.session.remove()
    assert content.payload["url"] == f"http://127.0.0.1:5000/checks/{check}"
    assert f"http://127.0.0.1:5000/checks/{check}" in content.text


def test_base_url_wins_over_the_recorded_address(app):
    with app.app_context():
        beat("web", utcnow(), detail="http://elsewhere:5000")
        assert site_root() == "http://hb.test"
        app.config["BASE_URL"] = ""
        try:
            assert site_root() == "http://elsewhere:5000"  # what BASE_URL stood in front of
        finally:
            app.config["BASE_URL"] = "http://hb.test"
