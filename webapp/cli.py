"""`flask user ...` and `flask project ...`: users, API keys and members from
the command line."""

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from .core import projects, users
from .core.models import ApiKey, Project, User
from .core.users import MIN_PASSWORD
from .db import db
from .imports import commands

user_cli = AppGroup("user", help="Manage users and their API keys.")
project_cli = AppGroup("project", help="Manage projects and their members.")


def existing_user(email: str) -> User:
    user = users.find_user(email)
    if user is None:
        raise click.ClickException(f"no user with the email {email}")
    return user


@user_cli.command("create")
@click.argument("email")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Prompted for when omitted.")
def create_user(email: str, password: str) -> None:
    """Create a user who logs in with EMAIL and a password."""
    email = users.normalize_email(email)
    if err := users.email_error(email):
        raise click.ClickException(err)
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"the password must have at least {MIN_PASSWORD} characters")
    user = users.create_user(email, password)
    if user is None:
        raise click.ClickException(f"a user with the email {email} exists already")
    db.session.commit()
    click.echo(f"created user {user.email}")


def existing_project(name_or_code: str) -> Project:
    """The project with this code, else the one project with this name."""
    try:
        return projects.project_named(name_or_code)
    except LookupError as e:
        raise click.ClickException(str(e)) from None


@user_cli.command("api-key")
@click.argument("email")
@click.option("--label", default="cli", help="A name to recognise the key by.")
@click.option("--project", "project_name", default=None,
              help="The project's code or name; by default the first one EMAIL owns.")
@click.option("--read-only", is_flag=True, help="A key that lists and reads checks, nothing more.")
def create_api_key(email: str, label: str, project_name: str | None, read_only: bool) -> None:
    """Create an API key of one of EMAIL's projects; the key is the last line printed."""
    user = existing_user(email)
    mine = projects.projects_of(user.id)
    if project_name is None:
        owned = [p for p, role in mine if role == "owner"]
        if not owned:
            raise click.ClickException(f"{email} owns no project: name one with --project")
        project = owned[0]
    else:
        project = existing_project(project_name)
        if not projects.can_write(projects.role_in(user.id, project.id)):
            raise click.ClickException(f"{email} cannot write to the project {project.name!r}")
    row, key = ApiKey.issue(project, label, read_only=read_only, created_by=user)
    db.session.add(row)
    db.session.commit()
    kind = "read-only" if read_only else "read-write"
    click.echo(f"{kind} API key {row.prefix}… created in {project.name!r}; "
               "it is shown only once:")
    click.echo(key)


@project_cli.command("add-member")
@click.argument("project_name", metavar="PROJECT")
@click.argument("email")
@click.option("--role", type=click.Choice(["member", "viewer"]), default="member",
              show_default=True)
def add_member(project_name: str, email: str, role: str) -> None:
    """Make the user EMAIL a member of PROJECT (its code or name) with ROLE."""
    project = existing_project(project_name)
    membership, new = projects.add_member(project, existing_user(email), role)
    db.session.commit()
    if new:
        click.echo(f"{email} is now a {membership.role} of {project.name!r}")
    else:
        click.echo(f"{email} was a member of {project.name!r} already; role: {membership.role}")


@click.command("welcome")
@with_appcontext
def welcome() -> None:
    """Say where the dashboard is, what is not configured yet and, before the
    first user exists, how to make one."""
    config = current_app.config
    base = config["BASE_URL"] or f"http://127.0.0.1:{config['PORT']}"
    click.echo(f"Heartbeats dashboard: {base}/")
    if not config["BASE_URL"]:
        click.echo(f"Note: BASE_URL is not set, so the links in alerts point at {base}, which "
                   "only this machine can open. Set BASE_URL to the address people use.")
    if not config["MAIL_SERVER"]:
        click.echo("Note: email is not configured, so alerts by email will fail. Set "
                   "MAIL_SERVER (and MAIL_PORT, MAIL_USERNAME, MAIL_PASSWORD, MAIL_USE_TLS).")
    if not db.session.scalar(sa.select(sa.func.count(User.id))):
        click.echo("No user exists yet. Create the first one in another terminal with:")
        click.echo("  .venv/bin/flask user create you@example.com")
        click.echo("and an API key for scripts with:")
        click.echo("  .venv/bin/flask user api-key you@example.com")


def init_app(app: Flask) -> None:
    app.cli.add_command(user_cli)
    app.cli.add_command(project_cli)
    app.cli.add_command(commands.import_cli)
    app.cli.add_command(commands.export)
    app.cli.add_command(welcome)
