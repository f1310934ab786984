"""The instance folder, the SQLite files and the generated secret key are
private to the user the app runs as, whatever the umask; looser ones are tightened."""

import logging
import os
import stat
import subprocess
import sys

import pytest
import sqlalchemy as sa

from config import instance_defaults
from support import ROOT, overrides_from
from webapp import create_app
from webapp.db import db
from webapp.db.sqlite import database_file


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask_022():
    """The usual umask, under which files are made 0644 unless made otherwise."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def base_config(**extra) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": "", "SQLALCHEMY_ENGINE_OPTIONS": {}, "RQ_QUEUE": "",
            "SECRET_KEY": "", **extra}


def sqlite_app(settings, path):
    return create_app({**overrides_from(settings), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})


def test_a_fresh_instance_folder_and_its_secret_key_are_private(tmp_path, umask_022):
    folder = tmp_path / "instance"
    config = base_config()
    instance_defaults(config, str(folder))
    assert mode(folder) == 0o700
    assert mode(folder / "secret_key") == 0o600
    assert len(config["SECRET_KEY"]) == 64
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{folder / 'heartbeats.db'}"
    assert [p.name for p in folder.iterdir()] == ["secret_key"]  # no temporary file left


def test_a_fresh_sqlite_file_and_its_wal_and_shm_are_private(settings, tmp_path, umask_022):
    folder = tmp_path / "instance"
    folder.mkdir(mode=0o700)
    path = folder / "heartbeats.db"
    app = sqlite_app(settings, path)
    assert mode(path) == 0o600  # made before SQLite first opened it
    with app.app_context():
        with db.engine.begin() as conn:  # WAL mode: the write makes -wal and -shm
            conn.execute(sa.text("CREATE TABLE t (x INTEGER)"))
            conn.execute(sa.text("INSERT INTO t VALUES (1)"))
        assert mode(f"{path}-wal") == 0o600 and mode(f"{path}-shm") == 0o600
        db.engine.dispose()
    assert mode(path) == 0o600


def test_looser_instance_files_are_tightened_at_start_up_and_logged(settings, tmp_path, caplog,
                                                                    umask_022):
    folder = tmp_path / "instance"
    folder.mkdir(mode=0o755)
    path = folder / "heartbeats.db"
    app = sqlite_app(settings, path)  # an existing database, as an older release left it
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE t (x INTEGER)"))
    (folder / "secret_key").write_text("kept-key\n")
    for file in (path, f"{path}-wal", f"{path}-shm", folder / "secret_key"):
        os.chmod(file, 0o644)
    os.chmod(folder, 0o755)

    with caplog.at_level(logging.WARNING):
        config = base_config()
        instance_defaults(config, str(folder))
        sqlite_app(settings, path)
    assert config["SECRET_KEY"] == "kept-key"
    assert mode(folder) == 0o700
    for file in (path, f"{path}-wal", f"{path}-shm", folder / "secret_key"):
        assert mode(file) == 0o600, file
    assert f"{path} was open to other users (mode 644); now 600" in caplog.text
    assert f"{folder} was open to other users (mode 755); now 700" in caplog.text
    # What was in the database is still there.
    with app.app_context(), db.engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM t")) == 0
        db.engine.dispose()


def test_migrating_a_new_database_in_a_real_process_leaves_it_private(settings, tmp_path):
    path = tmp_path / "fresh.db"
    env = {**os.environ, **settings, "DATABASE_URL": f"sqlite:///{path}", "FLASK_APP": "wsgi"}
    done = subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120,
                          preexec_fn=lambda: os.umask(0o022))
    assert done.returncode == 0, done.stderr
    assert mode(path) == 0o600
    for suffix in ("-wal", "-shm"):  # gone after a clean close, else private too
        assert not os.path.exists(f"{path}{suffix}") or mode(f"{path}{suffix}") == 0o600


@pytest.mark.parametrize("url", [
    "sqlite://", "sqlite:///:memory:", "sqlite:///file:mem?mode=memory&uri=true",
    "postgresql+psycopg://postgres@127.0.0.1:5432/test",
])
def test_memory_databases_uri_filenames_and_postgresql_are_left_alone(url):
    assert database_file(sa.make_url(url)) is None


def test_an_in_memory_sqlite_app_starts_without_touching_files(settings, tmp_path,
                                                               monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = create_app({**overrides_from(settings), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.app_context(), db.engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT 1")) == 1
    assert list(tmp_path.iterdir()) == []
