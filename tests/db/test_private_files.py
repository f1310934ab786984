"""The instance folder, the SQLite files and the generated secret key are
private to the user the app runs as, whatever the umask; looser ones are tightened."""

import fcntl
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


def test_a_second_app_on_an_open_database_keeps_its_locks(settings, tmp_path):
    """Closing any descriptor of a SQLite file drops the process's locks on it:
    making the file private must never open an existing one (it did, and a
    second app in the test process corrupted the suite's database)."""
    path = tmp_path / "locked.db"
    path.write_bytes(b"")
    fd = os.open(path, os.O_RDWR)
    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a POSIX lock, as SQLite takes
    try:
        create_app({**overrides_from(settings), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
        # F_GETLK from a child: the lock must still be held by this process.
        pid = os.fork()
        if pid == 0:
            probe = os.open(path, os.O_RDWR)
            try:
                fcntl.lockf(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
                os._exit(1)  # got it: the parent's lock was dropped
            except OSError:
                os._exit(0)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0, "the app dropped this process's lock"
    finally:
        os.close(fd)
