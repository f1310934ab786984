"""The `hb` command: `hb run` (a cron job's wrapper), `hb ping` and `hb agent`."""

from __future__ import annotations

import os
import sys
import time

import click

from . import __version__
from .agent_config import EXAMPLE, load
from .report import report
from .rounds import readings
from .sender import send
from .settings import environment, ping_base, target
from .wrapper import run as run_command

CHECK_OPTIONS = [
    click.option("--uuid", help="the check's uuid [CHECK_UUID]"),
    click.option("--slug", help="the check's slug, with a ping key [CHECK_SLUG]"),
    click.option("--ping-key", help="the project's ping key [HB_PING_KEY, PING_KEY]"),
    click.option("--url", help="the server, e.g. https://hb.example.com [HB_URL]; "
                               "runitor's HC_API_URL (the ping root) also works"),
]


def check_options(f):
    for option in reversed(CHECK_OPTIONS):
        f = option(f)
    return f


@click.group()
@click.version_option(__version__, prog_name="hb")
def main() -> None:
    """Heartbeats' client: wrap a cron job (run), ping a check (ping), report a host (agent)."""


@main.command(context_settings={"ignore_unknown_options": True,
                                "allow_interspersed_args": False})
@check_options
@click.option("--no-start", is_flag=True, help="send no start signal (no run time is measured)")
@click.option("--no-output", is_flag=True, help="send the exit status without the output")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True),
              help="kill the command after this many seconds and report a failure (exit 124)")
@click.option("--create", is_flag=True, help="make the check if its slug names none (?create=1)")
@click.option("--msg", help="a message sent with the exit status")
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
def run(uuid: str | None, slug: str | None, ping_key: str | None, url: str | None,
        no_start: bool, no_output: bool, timeout: float | None, create: bool,
        msg: str | None, command: tuple[str, ...]) -> None:
    """Run COMMAND as the check's job: hb run --uuid U -- pg_dump ... (exits with its status)."""
    if create and not (slug or os.environ.get("CHECK_SLUG")):
        raise click.UsageError("--create needs a slug: only a slug can name a check yet to be")
    where = target(url, uuid, slug, ping_key)
    sys.exit(run_command(command, where, start=not no_start, output=not no_output,
                         timeout=timeout, create=create, msg=msg))


@main.command()
@check_options
@click.option("--token", help="a push token (Uptime Kuma's /api/push/<token> dialect; a "
                              "check's uuid is its token unless it kept an imported one)")
@click.option("--status", type=click.Choice(["up", "down"]), default="up", show_default=True)
@click.option("--msg", help="a message kept with the ping")
@click.option("--value", type=float, help="a number kept with the ping (push dialect)")
def ping(uuid: str | None, slug: str | None, ping_key: str | None, url: str | None,
         token: str | None, status: str, msg: str | None, value: float | None) -> None:
    """Ping a check, by uuid or slug (/ping/...) or by push token (/api/push/...)."""
    params: dict = {}
    if msg:
        params["msg"] = msg
    if token:
        root = ping_base(url, environment()).removesuffix("/ping")  # the server's root
        params["status"] = status
        if value is not None:
            params["value"] = repr(value)
        answer = send(f"{root}/api/push/{token}", params=params)
    else:
        if value is not None:
            raise click.UsageError("--value is for the push dialect: use --token (a check's "
                                   "uuid works as its token)")
        where = target(url, uuid, slug, ping_key)
        answer = send(where.url("fail" if status == "down" else ""), params=params)
    sys.exit(0 if answer is not None and answer.ok else 1)



@main.command()
@click.option("--config", "path", type=click.Path(dir_okay=False), help="the agent's YAML file")
@click.option("--once", is_flag=True, help="one round, then exit (for cron)")
@click.option("--print-example-config", is_flag=True, help="write a commented example and exit")
def agent(path: str | None, once: bool, print_example_config: bool) -> None:
    """Report CPU, load, memory, swap, disks and processes, here and over SSH, as checks."""
    if print_example_config:
        click.echo(EXAMPLE, nl=False)
        return
    if not path:
        raise click.UsageError("--config is needed (hb agent --print-example-config writes one)")
    config = load(path)
    while True:
        started = time.monotonic()
        # Every target is reported, whatever an earlier one's report did.
        ok = all([report(config, t, *readings(config, t)) for t in config.targets])
        if once:
            sys.exit(0 if ok else 1)
        time.sleep(max(0.0, config.interval - (time.monotonic() - started)))
