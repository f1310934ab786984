"""`flask user ...`, `flask db upgrade` and `flask welcome`, through the CLI runner."""

import sqlalchemy as sa

from webapp.core.models import ApiKey, User, hash_key
from webapp.db import db


def test_it_creates_a_user_with_a_hashed_password(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "create", "Bob@Example.com", "--password", "s3cret-pass"])
    assert result.exit_code == 0 and "created user bob@example.com" in result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "bob@example.com"))
        assert user.check_password("s3cret-pass") and not user.check_password("wrong")
        assert "s3cret-pass" not in user.password_hash


def test_it_prompts_for_the_password_when_omitted(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["user", "create", "carol@example.com"],
                           input="long-password\nlong-password\n")
    assert result.exit_code == 0, result.output


def test_it_refuses_duplicates_and_short_passwords(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["user", "create", "dave@example.com", "--password", "long-enough"])
    again = runner.invoke(args=["user", "create", "dave@example.com", "--password", "long-enough"])
    assert again.exit_code != 0 and "exists already" in again.output
    short = runner.invoke(args=["user", "create", "erin@example.com", "--password", "short"])
    assert short.exit_code != 0 and "at least 8" in short.output


def test_it_prints_a_working_api_key_as_the_last_line(app, client):
    runner = app.test_cli_runner()
    runner.invoke(args=["user", "create", "frank@example.com", "--password", "long-enough"])
    result = runner.invoke(args=["user", "api-key", "frank@example.com"])
    assert result.exit_code == 0
    key = result.output.strip().splitlines()[-1]
    with app.app_context():
        row = db.session.scalar(sa.select(ApiKey))
        assert row.key_hash == hash_key(key) and key not in (row.key_hash, row.prefix)
    assert client.get("/api/v3/checks/", headers={"X-Api-Key": key}).status_code == 200


def test_api_key_for_an_unknown_user_fails_clearly(app):
    result = app.test_cli_runner().invoke(args=["user", "api-key", "nobody@example.com"])
    assert result.exit_code != 0 and "no user with the email" in result.output


def test_welcome_explains_how_to_create_the_first_user(app):
    runner = app.test_cli_runner()
    assert "flask user create" in runner.invoke(args=["welcome"]).output
    runner.invoke(args=["user", "create", "gina@example.com", "--password", "long-enough"])
    output = runner.invoke(args=["welcome"]).output
    assert "dashboard" in output and "flask user create" not in output


def test_welcome_warns_about_localhost_links_and_missing_mail(app):
    runner = app.test_cli_runner()
    assert "Note" not in runner.invoke(args=["welcome"]).output  # the tests set both
    saved = app.config["BASE_URL"], app.config["MAIL_SERVER"]
    app.config["BASE_URL"] = app.config["MAIL_SERVER"] = ""
    try:
        output = runner.invoke(args=["welcome"]).output
    finally:
        app.config["BASE_URL"], app.config["MAIL_SERVER"] = saved
    assert "BASE_URL is not set, so the links in alerts point at http://127.0.0.1:5000" in output
    assert "email is not configured, so alerts by email will fail. Set MAIL_SERVER" in output


def test_the_migrations_build_exactly_the_models_schema(app):
    # `flask db check` fails when the models and the migrations disagree.
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def readme_commands(marker: str) -> list[list[str]]:
    """The `.venv/bin/flask ...` lines of the README's code block holding `marker`."""
    import re
    import shlex

    from support import ROOT

    text = (ROOT / "README.md").read_text()
    block = next(b for b in re.findall(r"```bash\n(.*?)```", text, re.S) if marker in b)
    return [shlex.split(line.split("#")[0])[1:] for line in block.splitlines()
            if line.startswith(".venv/bin/flask ")]


def test_the_readmes_project_commands_add_a_viewer_and_make_a_read_only_key(app, client, check):
    from support import make_user, own_project, project_of
    from webapp.core.models import Membership

    make_user(app, "bob@example.com")
    runner = app.test_cli_runner()
    add, key = readme_commands("add-member")
    result = runner.invoke(args=add)
    assert result.exit_code == 0 and "bob@example.com is now a viewer" in result.output
    with app.app_context():
        bob = db.session.scalar(sa.select(User.id).where(User.email == "bob@example.com"))
        assert db.session.scalar(sa.select(Membership.role).where(
            Membership.user_id == bob,
            Membership.project_id == project_of(app)[0])) == "viewer"
        assert own_project(bob).id != project_of(app)[0]  # bob keeps his own project too
    result = runner.invoke(args=key)
    assert result.exit_code == 0 and "read-only API key" in result.output
    read_only = result.output.strip().splitlines()[-1]
    r = client.get("/api/v3/checks/", headers={"X-Api-Key": read_only})
    assert r.status_code == 200 and [c["name"] for c in r.json["checks"]] == ["nightly-backup"]
    assert client.post("/api/v3/checks/", headers={"X-Api-Key": read_only},
                       json={"name": "x"}).status_code == 401


def test_add_member_says_what_is_wrong(app):
    from support import make_user

    make_user(app, "bob@example.com")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["project", "add-member", "no such project", "bob@example.com"])
    assert result.exit_code != 0 and "no project with the code or name" in result.output
    result = runner.invoke(args=["project", "add-member", "bob@example.com's project",
                                 "nobody@example.com"])
    assert result.exit_code != 0 and "no user with the email" in result.output
    result = runner.invoke(args=["project", "add-member", "bob@example.com's project",
                                 "bob@example.com", "--role", "owner"])
    assert result.exit_code != 0 and "'owner' is not one of" in result.output
