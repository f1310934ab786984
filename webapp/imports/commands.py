"""`flask import healthchecks|uptime-kuma|heartbeats ...` and `flask export PROJECT`.

The command line is the server's administrator, so its Healthchecks import
may reach a Healthchecks on the private network (the usual place of a
self-hosted one); the dashboard's importer, which any project member may
use, is held to INTEGRATIONS_ALLOW_PRIVATE_IPS.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import BinaryIO

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from ..core.models import Project
from ..core.projects import project_named
from ..db import db
from . import healthchecks, heartbeats_json, uptime_kuma
from .report import ImportRefused, Report

import_cli = AppGroup("import", help="Import checks from Healthchecks, Uptime Kuma or a "
                                     "Heartbeats export (run again: it changes only what differs).")
PROJECT_HELP = "The project to import into: its code or name (needed when there is more than one)."


def target_project(name_or_code: str | None) -> Project:
    """The project named, or the only one there is."""
    try:
        if name_or_code is not None:
            return project_named(name_or_code)
    except LookupError as e:
        raise click.ClickException(str(e)) from None
    found = list(db.session.scalars(sa.select(Project).order_by(Project.id).limit(2)))
    if len(found) != 1:
        raise click.ClickException("name the project to import into with --project "
                                   f"(there {'are several' if found else 'is none yet'})")
    return found[0]


def show(report: Report) -> None:
    for line in report.lines():
        click.echo(line)


def run(importer) -> Report:
    try:
        report = importer()
    except ImportRefused as e:
        raise click.ClickException(str(e)) from None
    show(report)
    return report


@import_cli.command("healthchecks")
@click.option("--url", required=True, help="The Healthchecks site, e.g. https://healthchecks.io")
@click.option("--api-key", required=True, prompt=True, hide_input=True,
              help="A read-write API key of the Healthchecks project (prompted for when "
                   "omitted, so it stays out of the shell's history).")
@click.option("--project", "project_name", default=None, help=PROJECT_HELP)
def import_healthchecks(url: str, api_key: str, project_name: str | None) -> None:
    """Import a Healthchecks project's checks, keeping each uuid (and so every ping URL)."""
    project = target_project(project_name)
    run(lambda: healthchecks.import_project(
        project.id, url, api_key, allow_private=True,
        timeout=current_app.config["INTEGRATIONS_TIMEOUT"]))


@import_cli.command("uptime-kuma")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--project", "project_name", default=None, help=PROJECT_HELP)
def import_uptime_kuma(path: Path, project_name: str | None) -> None:
    """Import the push monitors of an Uptime Kuma database (kuma.db) or JSON backup,
    keeping each push token (and so every push URL)."""
    project = target_project(project_name)
    run(lambda: uptime_kuma.import_file(project.id, path))


@import_cli.command("heartbeats")
@click.argument("file", type=click.File("rb"))
@click.option("--project", "project_name", default=None, help=PROJECT_HELP)
def import_heartbeats(file: BinaryIO, project_name: str | None) -> None:
    """Import a project's checks and channels from FILE, made by `flask export` ("-": stdin)."""
    project = target_project(project_name)
    try:
        doc = json.loads(file.read())
    except ValueError:
        raise click.ClickException(f"{file.name} is not JSON: give a file made by "
                                   "`flask export`") from None
    run(lambda: heartbeats_json.import_document(project.id, doc,
                                                f"Heartbeats export {file.name}"))


@click.command("export")
@with_appcontext
@click.argument("project_name", metavar="PROJECT")
@click.option("--include-secrets", is_flag=True,
              help="Also write the checks' uuids and push tokens and the channels' settings: "
                   "what moving the project needs, and what lets anyone ping its checks.")
def export(project_name: str, include_secrets: bool) -> None:
    """Write PROJECT's checks and channels (its code or name) as JSON to standard output."""
    project = target_project(project_name)
    doc, warnings = heartbeats_json.export_project(project, include_secrets=include_secrets)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(json.dumps(doc, indent=2))
