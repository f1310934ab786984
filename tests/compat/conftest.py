"""Fixtures for the Healthchecks compatibility suites: the API at any version,
a read-only key, and a way to put a check in the state an upstream test
starts from (upstream sets model fields; we set the same columns)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from webapp.core.models import Check
from webapp.db import db


@pytest.fixture
def hc(client, user):
    """hc(method, path, v=1, key=<user's key>, **kwargs): a call to /api/v<v><path>,
    as upstream's tests make them (most at v1). key=None sends no key."""

    def call(method: str, path: str, v: int = 1, key: str | None = "", **kwargs):
        headers = kwargs.pop("headers", {})
        if key is not None:
            headers.setdefault("X-Api-Key", key or user[1])
        return getattr(client, method)(f"/api/v{v}{path}", headers=headers, **kwargs)

    return call


@pytest.fixture
def made(hc):
    """made(**fields) -> uuid: a check created through the v3 API."""

    def make(**fields) -> str:
        r = hc("post", "/checks/", v=3, json=fields)
        assert r.status_code == 201, r.get_json()
        return r.get_json()["uuid"]

    return make


@pytest.fixture
def set_columns(app):
    """set_columns(uuid, last_start=..., status=...): write a check's columns."""

    def write(uuid: str, **values) -> None:
        with app.app_context():
            db.session.execute(sa.update(Check).where(Check.uuid == uuid).values(**values))
            db.session.commit()

    return write


@pytest.fixture
def channel(hc):
    """channel(name="alerts") -> its id: an email channel of the user's project."""

    def add(name: str = "alerts") -> str:
        r = hc("post", "/channels/", v=3,
               json={"kind": "email", "name": name, "value": "ops@example.com"})
        assert r.status_code == 201, r.get_json()
        return r.get_json()["id"]

    return add
