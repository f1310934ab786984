"""Fixtures of the database tests."""

import uuid

import psycopg
import pytest
import sqlalchemy as sa


@pytest.fixture
def own_database(database_url, tmp_path):
    """A URL of an empty database of this test's own, on the run's backend."""
    if not database_url.startswith("postgresql"):
        yield f"sqlite:///{tmp_path / 'own.db'}"
        return
    url = sa.make_url(database_url)
    name = f"{url.database}_{uuid.uuid4().hex[:8]}"
    admin = url.set(database="postgres").render_as_string(hide_password=False)
    admin = admin.replace("+psycopg", "")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
