"""`hb agent`'s configuration file: the documented form, and the original
Heartbeats agent's keys (SERVICE, CHECK_INTERVAL_MIN, KEY and its list of
hosts), so that its agent/config.yaml works as it is."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

import click
import yaml

from .settings import environment

METRICS = ("cpu", "load", "memory", "swap", "disk", "inodes")
DEFAULT_INTERVAL = 300  # seconds between rounds

EXAMPLE = """\
# hb agent: each (target, metric) becomes a check of your project, made on
# first use through the API and pinged with its value every round; the
# server's value thresholds turn values into alerts.
server: https://hb.example.com   # or HB_URL
api_key: your-read-write-api-key # or HB_API_KEY (a project's key, Settings > API keys)
interval: 300                    # seconds between rounds; with --once, how often cron runs it
key: ~/.ssh/id_ed25519           # the key that logs into remote targets (the original's KEY)
# known_hosts: ~/.ssh/known_hosts  # a new host's key is kept here; a changed one is refused

# Alert when a value goes above max (or below min), for every target:
thresholds:
  cpu: {max: 90}        # percent, sampled over a second
  load: {max: 8}        # the 1-minute load average
  memory: {max: 90}     # percent in use
  swap: {max: 50}       # percent in use
  disk: {max: 90}       # percent in use, per mount
  inodes: {max: 90}     # percent in use, per mount

targets:
  - name: local         # this machine
    processes: [cron, sshd]
    mounts: [/]         # leave out to report every mounted disk
  # - name: db1         # over SSH with `key`, reading /proc, df and ps (Linux)
  #   host: 10.0.0.5
  #   user: root
  #   port: 22
  #   processes: [postgres]
  #   thresholds: {disk: {max: 80}}
"""


class Target(NamedTuple):
    name: str
    host: str | None  # None: this machine
    user: str
    port: int
    processes: list[str]
    mounts: list[str] | None  # None: every mounted disk
    thresholds: dict[str, dict[str, float]]


class AgentConfig(NamedTuple):
    server: str
    api_key: str
    interval: int
    key: str | None
    known_hosts: str | None  # where remote hosts' keys are kept; None: ~/.ssh/known_hosts
    service: str  # the original's SERVICE: a prefix of every check's name, and a tag
    targets: list[Target]


def load(path: str) -> AgentConfig:
    """The file at `path`, checked; a click error saying what is wrong otherwise."""
    try:
        data = yaml.safe_load(Path(path).read_text()) or {}
    except (OSError, yaml.YAMLError) as e:
        raise click.ClickException(f"cannot read {path}: {e}") from None
    if not isinstance(data, dict):
        raise click.ClickException(f"{path}: the file must be a mapping of keys")
    return parse(data, environment())


def parse(data: dict[str, Any], env: Any) -> AgentConfig:
    known = {"server", "api_key", "interval", "key", "known_hosts", "thresholds", "targets",
             "SERVICE", "CHECK_INTERVAL_MIN", "KEY", "HOSTS", "TARGETS"}
    for name in data:
        if name not in known:
            raise click.ClickException(f"unknown key {name!r}: the file takes "
                                       + ", ".join(sorted(known)))
    server = data.get("server") or env.get("HB_URL")
    api_key = data.get("api_key") or env.get("HB_API_KEY")
    if not server or not api_key:
        raise click.ClickException("the server and an API key are needed: server and api_key "
                                   "in the file, or HB_URL and HB_API_KEY")
    interval = data.get("interval")
    if interval is None and "CHECK_INTERVAL_MIN" in data:
        interval = number(data["CHECK_INTERVAL_MIN"], "CHECK_INTERVAL_MIN") * 60
    interval = int(number(interval if interval is not None else DEFAULT_INTERVAL, "interval"))
    if interval < 10:
        raise click.ClickException("interval must be at least 10 seconds")
    defaults = thresholds(data.get("thresholds", {}), "thresholds")
    raw = data.get("targets")
    if raw is None:
        # The original's list of hosts; this machine when it names none.
        hosts = data.get("HOSTS", data.get("TARGETS", []))
        raw = [{"name": "local"}] if not hosts else [{"name": str(h), "host": str(h)}
                                                      for h in hosts]
    if not isinstance(raw, list) or not raw:
        raise click.ClickException("targets must be a list of at least one target")
    return AgentConfig(str(server).rstrip("/"), str(api_key), interval,
                       data.get("key") or data.get("KEY"), data.get("known_hosts"),
                       str(data.get("SERVICE", "")),
                       [target(t, defaults) for t in raw])


def number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise click.ClickException(f"{what} must be a number")
    return float(value)


def thresholds(value: Any, where: str) -> dict[str, dict[str, float]]:
    if not isinstance(value, dict):
        raise click.ClickException(f"{where} must be a mapping of metric to {{max: n}}")
    out: dict[str, dict[str, float]] = {}
    for metric, bounds in value.items():
        if metric not in METRICS:
            raise click.ClickException(f"{where}: unknown metric {metric!r} "
                                       f"(metrics are {', '.join(METRICS)})")
        if not isinstance(bounds, dict) or not set(bounds) <= {"min", "max"} or not bounds:
            raise click.ClickException(f"{where}.{metric} must be {{max: n}} or {{min: n}}")
        out[metric] = {k: number(v, f"{where}.{metric}.{k}") for k, v in bounds.items()}
    return out


def target(raw: Any, defaults: dict[str, dict[str, float]]) -> Target:
    if not isinstance(raw, dict) or not raw.get("name"):
        raise click.ClickException("each target needs a name")
    name = str(raw["name"])
    for key in raw:
        if key not in ("name", "host", "user", "port", "processes", "mounts", "thresholds"):
            raise click.ClickException(f"target {name}: unknown key {key!r}")
    processes = raw.get("processes", [])
    mounts = raw.get("mounts")
    for what, items in (("processes", processes), ("mounts", mounts or [])):
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise click.ClickException(f"target {name}: {what} must be a list of names")
    own = thresholds(raw.get("thresholds", {}), f"target {name} thresholds")
    return Target(name, raw.get("host"), str(raw.get("user", "root")),
                  int(number(raw.get("port", 22), f"target {name} port")),
                  processes, mounts, {**defaults, **own})
