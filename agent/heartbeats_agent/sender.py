"""Sending a ping: retried with backoff on what may pass (a timeout, 408, 429,
5xx, a connection error), a bounded number of times, then given up with a
warning on stderr. A monitor that is down must never stop or fail the job."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import requests

RETRY_STATUSES = {408, 429} | set(range(500, 600))
BACKOFF = (0.5, 1.0, 2.0)  # seconds before each retry: at most 3.5 s of waiting
TIMEOUT = 10.0  # seconds per attempt


def send(url: str, *, body: bytes | None = None, params: dict | None = None,
         session: requests.Session | None = None,
         sleep: Callable[[float], None] = time.sleep) -> requests.Response | None:
    """POST (with a body) or GET `url`; the answer, or None after the last try.

    A 4xx other than 408 and 429 is an answer, not a failure to retry: the
    ping reached the server, which refused it (a wrong uuid is a 404)."""
    http = session or requests
    error = ""
    for attempt in range(len(BACKOFF) + 1):
        if attempt:
            sleep(BACKOFF[attempt - 1])
        try:
            if body is None:
                r = http.get(url, params=params, timeout=TIMEOUT)
            else:
                r = http.post(url, params=params, data=body, timeout=TIMEOUT)
        except requests.RequestException as e:
            error = f"{type(e).__name__}: {e}"
            continue
        if r.status_code not in RETRY_STATUSES:
            if r.status_code >= 400:
                warn(f"{url}: the server answered {r.status_code} {r.text.strip()[:200]}")
            return r
        error = f"the server answered {r.status_code}"
    warn(f"{url}: not sent after {len(BACKOFF) + 1} tries ({error})")
    return None


def warn(message: str) -> None:
    print(f"hb: warning: {message}", file=sys.stderr, flush=True)
