"""An outbound watchdog: while the sweep is healthy, request WATCHDOG_URL every
WATCHDOG_INTERVAL seconds, so that another monitor (a check on a Healthchecks
or Heartbeats elsewhere) alerts when this installation stops alerting."""

from __future__ import annotations

import logging
import threading

import requests
from flask import Flask

from .liveness import Liveness
from .outages import Outage

log = logging.getLogger(__name__)


def ping_watchdog(url: str, timeout: float) -> None:
    """One request; raises for a failure or an answer other than 2xx."""
    response = requests.get(url, timeout=timeout, headers={"User-Agent": "Heartbeats watchdog"})
    response.raise_for_status()


def run_watchdog(app: Flask, stop: threading.Event, liveness: Liveness) -> None:
    """Until `stop` is set: each interval, a request while the sweep is healthy."""
    url, interval = app.config["WATCHDOG_URL"], app.config["WATCHDOG_INTERVAL"]
    timeout = min(app.config["INTEGRATIONS_TIMEOUT"], interval)
    outage = Outage(log, "watchdog", url)
    while not stop.is_set():
        if liveness.sweep_healthy():
            try:
                ping_watchdog(url, timeout)
            except requests.RequestException as e:
                outage.failed(e)
            else:
                outage.ok()
        stop.wait(interval)
