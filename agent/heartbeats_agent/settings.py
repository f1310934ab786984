"""Where pings go and which check they name: from flags, then the environment
(ours, and runitor's names so that existing runitor setups work unchanged),
then a YAML file (`HB_CONFIG`, or ~/.config/hb/config.yaml when it exists)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import click
import yaml

# runitor's own default, kept for a setup that names nothing else.
RUNITOR_DEFAULT = "https://hc-ping.com"
DEFAULT_FILE = Path("~/.config/hb/config.yaml")
# The file's keys, and the variables they stand in for.
FILE_KEYS = {"url": "HB_URL", "ping_key": "HB_PING_KEY", "api_key": "HB_API_KEY"}


def environment(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment, over the file's settings: a variable set wins."""
    env = dict(os.environ if env is None else env)
    named = env.get("HB_CONFIG")
    path = Path(named).expanduser() if named else DEFAULT_FILE.expanduser()
    if not named and not path.exists():
        return env
    try:
        data = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as e:
        raise click.ClickException(f"cannot read {path}: {e}") from None
    if not isinstance(data, dict) or not set(data) <= set(FILE_KEYS):
        raise click.ClickException(f"{path}: the file takes {', '.join(FILE_KEYS)}")
    return {**{FILE_KEYS[k]: str(v) for k, v in data.items()}, **env}


class Target(NamedTuple):
    """One check's ping URL, without its action: .../ping/<uuid> or .../ping/<key>/<slug>."""

    base: str  # the ping URL family's root, e.g. https://hb.example.com/ping
    path: str  # <uuid> or <ping-key>/<slug>
    slug: bool

    def url(self, action: str = "") -> str:
        return f"{self.base}/{self.path}" + (f"/{action}" if action else "")


def ping_base(url: str | None, env: Mapping[str, str]) -> str:
    """The ping root: --url or HB_URL name the server (its /ping is added);
    runitor's HC_API_URL is the ping root itself (https://hc-ping.com)."""
    server = url or env.get("HB_URL")
    if server:
        return server.rstrip("/") + "/ping"
    return env.get("HC_API_URL", RUNITOR_DEFAULT).rstrip("/")


def target(url: str | None, uuid: str | None, slug: str | None,
           ping_key: str | None, env: Mapping[str, str] | None = None) -> Target:
    """The check a command names, or a click error saying what is missing."""
    env = environment() if env is None else env
    uuid = uuid or env.get("CHECK_UUID")
    slug = slug or env.get("CHECK_SLUG")
    base = ping_base(url, env)
    if uuid and slug:
        raise click.UsageError("give a uuid or a slug, not both")
    if uuid:
        return Target(base, uuid, slug=False)
    if slug:
        key = ping_key or env.get("HB_PING_KEY") or env.get("PING_KEY")
        if not key:
            raise click.UsageError("a slug needs the project's ping key "
                                   "(--ping-key, HB_PING_KEY or PING_KEY)")
        return Target(base, f"{key}/{slug}", slug=True)
    raise click.UsageError("name the check: --uuid (or CHECK_UUID), or --slug (or CHECK_SLUG) "
                           "with a ping key")
