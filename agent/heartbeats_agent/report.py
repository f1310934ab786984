"""Reporting a round of readings: each (target, metric) is a check of the
project, made or updated through the API (unique by name, with its value
thresholds from the config), then pinged with its value through its push URL."""

from __future__ import annotations

import requests

from .agent_config import AgentConfig, Target
from .collect import Reading
from .sender import TIMEOUT, send, warn


def check_name(config: AgentConfig, target: Target, reading: Reading) -> str:
    return " ".join(p for p in (config.service, target.name, reading.metric, reading.item) if p)


def check_fields(config: AgentConfig, target: Target, reading: Reading) -> dict:
    tags = ["agent", f"host:{target.name}", f"metric:{reading.metric}"]
    if config.service:
        tags.append(f"service:{config.service}")
    fields = {"name": check_name(config, target, reading), "tags": " ".join(tags),
              # A round missed is grace; two in a row, down.
              "timeout": config.interval, "grace": config.interval, "unique": ["name"]}
    bounds = target.thresholds.get(reading.metric, {})
    fields["value_max"] = bounds.get("max")
    fields["value_min"] = bounds.get("min")
    return fields


def push_url(session: requests.Session, config: AgentConfig, fields: dict) -> str | None:
    """The check's push URL, the check made (or its fields updated) first."""
    try:
        r = session.post(f"{config.server}/api/v3/checks/", json=fields,
                         headers={"X-Api-Key": config.api_key}, timeout=TIMEOUT)
    except requests.RequestException as e:
        warn(f"{fields['name']}: the API could not be reached ({type(e).__name__}: {e})")
        return None
    if r.status_code not in (200, 201):
        warn(f"{fields['name']}: the API answered {r.status_code} {r.text.strip()[:200]}")
        return None
    # Built on the server as configured here, not the check's push_url: that
    # one carries the server's BASE_URL, which may not be how it is reached.
    check = r.json()
    return f"{config.server}/api/push/{check.get('push_token') or check['uuid']}"


def others_of(http: requests.Session, config: AgentConfig, target: Target,
              names: set[str]) -> list[str]:
    """The push URLs of the host's checks made in earlier rounds that `names`
    leaves out (a disk found then, say): a host that cannot be read reports
    those down too."""
    try:
        r = http.get(f"{config.server}/api/v3/checks/", timeout=TIMEOUT,
                     params=[("tag", "agent"), ("tag", f"host:{target.name}")],
                     headers={"X-Api-Key": config.api_key})
        found = r.json()["checks"] if r.ok else []
    except (requests.RequestException, ValueError, KeyError):
        return []
    return [f"{config.server}/api/push/{c.get('push_token') or c['uuid']}"
            for c in found if c.get("name") not in names and c.get("uuid")]


def report(config: AgentConfig, target: Target, readings: list[Reading],
           why: str | None = None, session: requests.Session | None = None) -> bool:
    """Send every reading (and, for a host that could not be read, `why` to
    every check it has); True when all were taken."""
    http = session or requests.Session()
    ok = True
    if why is not None:
        names = {check_name(config, target, r) for r in readings}
        for other in others_of(http, config, target, names):
            answer = send(other, params={"status": "down", "msg": why}, session=http)
            ok = ok and answer is not None and answer.ok
    for reading in readings:
        url = push_url(http, config, check_fields(config, target, reading))
        if url is None:
            ok = False
            continue
        params = {"status": "up" if reading.value is not None else "down",
                  "msg": reading.message}
        if reading.value is not None:
            params["value"] = repr(reading.value)
        answer = send(url, params=params, session=http)
        ok = ok and answer is not None and answer.ok
    return ok
