"""Links in alerts: BASE_URL, else the address the web serves, never the worker's port.

Under `make run` honcho gives the web PORT=5000 and the worker PORT=5100; the
links the worker writes must point at the dashboard's port.
"""

import sqlalchemy as sa

from support import overrides_from
from webapp import create_app
from webapp.alerts.content import webhook_payload
from webapp.core.models import Check
from webapp.core.urls import site_root
from webapp.db import db


def test_without_base_url_alert_links_point_at_the_web_not_the_worker(settings, check):
    web = create_app({**overrides_from(settings), "BASE_URL": "", "HOST": "127.0.0.1",
                      "PORT": 5000})
    assert web.test_client().get("/login").status_code == 200  # its first request records it
    worker = create_app({**overrides_from(settings), "BASE_URL": "", "PORT": 5100})
    with worker.app_context():
        assert site_root() == "http://127.0.0.1:5000"
        row = db.session.scalar(sa.select(Check))
        payload = webhook_payload("down", row, "test", None)
        db.session.remove()
    assert payload["url"] == f"http://127.0.0.1:5000/checks/{check}"


def test_base_url_wins(app, client):
    client.get("/login")
    with app.app_context():
        assert site_root() == "http://hb.test"
