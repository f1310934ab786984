"""Server time of the checks list and of its idle refresh, at 1,000 and 10,000 checks.

The app runs in this process on a fresh database built by the migrations
(SQLite, or PostgreSQL with --db postgres), logged in through its own login
form. Each request is timed around the WSGI call, so the figures are the
server's own time, without any network. Against each, in the same run and
interleaved round by round: a logged-in request that reads nothing (a route
added for the bench only), the floor any page pays for the session and the
login.

Measured per row count:
- `idle refresh`: `/projects/<code>/live` with the token of the page drawn
  just before, answered 204 (the bench fails when it is not);
- `list page`: the whole page, first page of the list;
- `changed refresh`: the refresh after one check was pinged, answered 200.
"""

from __future__ import annotations

import statistics
import time
import uuid as uuidlib
from datetime import timedelta

import sqlalchemy as sa
from flask import Blueprint
from flask_login import login_required

from webapp.core.models import Check, Project
from webapp.core.pings import PingData, apply_ping
from webapp.core.projects import projects_of
from webapp.core.times import utcnow
from webapp.core.users import create_user
from webapp.db import db

BASE_ROUTE = "/bench/nothing"


def add_floor_route(app) -> None:
    """A logged-in request that reads nothing: the floor of every dashboard request."""
    bp = Blueprint("bench_floor", __name__)

    @bp.get(BASE_ROUTE)
    @login_required
    def nothing():
        return "ok"

    app.register_blueprint(bp)


def fill(app, n: int) -> str:
    """A user with one project of n checks (every 7th down, every 5th tagged); its code."""
    with app.app_context():
        user = create_user(f"bench-{n}@example.com", "correct horse")
        assert user is not None
        db.session.commit()
        project = projects_of(user.id)[0][0]
        now = utcnow()
        rows = [{
            "uuid": str(uuidlib.uuid4()), "project_id": project.id, "name": f"job-{i}",
            "tags": "prod db" if i % 5 == 0 else "staging", "timeout": 3600, "grace": 600,
            "status": "down" if i % 7 == 0 else "up", "n_pings": 1,
            "last_ping": now - timedelta(seconds=i), "next_ping": now + timedelta(hours=1),
            "alert_after": now + timedelta(hours=1, minutes=10), "last_msg": "ok",
        } for i in range(n)]
        for start in range(0, n, 1000):
            db.session.execute(sa.insert(Check), rows[start:start + 1000])
        db.session.commit()
        return project.code


def timed(client, path: str, status: int) -> float:
    t0 = time.perf_counter()
    r = client.get(path)
    took = time.perf_counter() - t0
    assert r.status_code == status, f"{path}: {r.status_code}, expected {status}"
    return took


def live_url(client, code: str) -> str:
    """The refresh URL the list page just drawn carries (its hx-get)."""
    html = client.get(f"/projects/{code}/").get_data(as_text=True)
    start = html.index(f'hx-get="/projects/{code}/live')
    return html[start + 8:html.index('"', start + 8)].replace("&amp;", "&")


def measure(app, n: int, rounds: int) -> dict:
    code = fill(app, n)
    client = app.test_client()
    login = client.get("/login").get_data(as_text=True)
    csrf = login.split('name="csrf-token" content="', 1)[1].split('"', 1)[0]
    r = client.post("/login", data={"csrf_token": csrf, "email": f"bench-{n}@example.com",
                                    "password": "correct horse"})
    assert r.status_code == 302, r.status_code
    with app.app_context():
        uuid = db.session.scalar(sa.select(Check.uuid).join(Project)
                                 .where(Project.code == code, Check.name == "job-1"))
    times: dict[str, list[float]] = {"floor": [], "idle": [], "page": [], "changed": []}
    for _ in range(rounds):
        times["floor"].append(timed(client, BASE_ROUTE, 200))
        times["page"].append(timed(client, f"/projects/{code}/", 200))
        url = live_url(client, code)
        times["idle"].append(timed(client, url, 204))
        with app.app_context():
            apply_ping(uuid, PingData(msg="bench"))
        times["changed"].append(timed(client, url, 200))
    med = {k: statistics.median(v) for k, v in times.items()}
    return {"checks": n, **{f"{k}_ms": round(v * 1000, 2) for k, v in med.items()},
            "idle_vs_floor": round(med["idle"] / med["floor"], 2)}


def measure_dashboard(app, counts: list[int], rounds: int) -> list[dict]:
    add_floor_route(app)
    return [measure(app, n, rounds) for n in counts]
