"""The README's examples of "Less noise" run as written against a live server,
and the webhook payload it shows has the keys a real alert carries."""

import json
import os
import re
import subprocess

import sqlalchemy as sa

from support import ROOT
from webapp.alerts.content import webhook_payload
from webapp.core.models import Check, MaintenanceWindow
from webapp.db import db

README = (ROOT / "README.md").read_text()


def example(start: str) -> str:
    """The first bash block after `start` in the README."""
    section = README[README.index(start):]
    return re.search(r"```bash\n(.*?)```", section, re.S).group(1)


def run(script: str, **env):
    subprocess.run(["bash", "-e", "-c", script.replace("curl ", "curl -sf ")],
                   env={**os.environ, **env}, check=True, capture_output=True, timeout=30)


def test_the_dependencies_example(app, live_server, user, new_check):
    parent, child = new_check(name="backup-host"), new_check(name="db-dump")
    run(example("**Dependencies**"), HB=live_server, KEY=user[1], UUID=child, PARENT=parent)
    with app.app_context():
        check = db.session.scalar(sa.select(Check).where(Check.uuid == child))
        assert [p.uuid for p in check.parents] == [parent]
        db.session.remove()


def test_the_maintenance_example(app, live_server, user):
    run(example("**Maintenance windows**"), HB=live_server, KEY=user[1])
    with app.app_context():
        w = db.session.scalar(sa.select(MaintenanceWindow))
        assert (w.name, w.schedule, w.duration, w.tz, w.tags) == (
            "NAS backup", "0 2 * * *", 3600, "Europe/Berlin", "nas")
        db.session.remove()


def test_the_flapping_example(app, live_server, user, new_check):
    uuid = new_check()
    run(example("**Flapping**"), HB=live_server, KEY=user[1], UUID=uuid)
    with app.app_context():
        check = db.session.scalar(sa.select(Check).where(Check.uuid == uuid))
        assert (check.flap_threshold, check.flap_window) == (4, 1800)
        db.session.remove()


def test_the_webhook_payload_shown_has_every_key_an_alert_carries(app, new_check):
    shown = json.loads(re.search(r"The webhook payload:\n\n```json\n(.*?)```", README,
                                 re.S).group(1))
    uuid = new_check()
    with app.app_context():
        check = db.session.scalar(sa.select(Check).where(Check.uuid == uuid))
        sent = webhook_payload("down", check, "x", None, "https://hb.example.com/", [])
        db.session.remove()
    assert set(shown) == set(sent)
