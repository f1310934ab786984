"""`flask user ...`: creating users and API keys from the command line."""

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from .core import users
from .core.models import ApiKey, User
from .core.users import MIN_PASSWORD
from .db import db

user_cli = AppGroup("user", help="Manage users and their API keys.")


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


@user_cli.command("api-key")
@click.argument("email")
@click.option("--label", default="cli", help="A name to recognise the key by.")
def create_api_key(email: str, label: str) -> None:
    """Create a read-write API key for EMAIL; the key is the last line printed."""
    row, key = ApiKey.issue(existing_user(email), label)
    db.session.add(row)
    db.session.commit()
    click.echo(f"API key {row.prefix}… created for {email}; it is shown only once:")
    click.echo(key)


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
    app.cli.add_command(welcome)
