"""Database plumbing: `db`, column types, prepared statements, per-thread ping
connections, the SQLite writer lock and SQLite's pragmas."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import event

from .base import Model, db, migrate, rows_changed
from .sqlite import database_file, make_private, sqlite_pragmas

__all__ = ["Model", "db", "init_app", "rows_changed"]


def init_app(app: Flask, migrations: Path) -> None:
    """Bind `db` and `migrate` to the app; its SQLite connections get our pragmas,
    and its SQLite file is private."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(migrations), render_as_batch=True)
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        # Before any connection exists: the engine connects only on first use.
        event.listen(engine, "connect", sqlite_pragmas)
        if (path := database_file(engine.url)) is not None:
            make_private(path)
