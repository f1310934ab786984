"""How often the ping door lets one check be pinged, and one address miss.
(Failed Basic-auth logins on /api/pings/ draw on the login form's budgets,
in Redis: see webapp.web.ratelimits.)

Counted with the `limits` library (what Flask-Limiter counts with) in this
process's memory, never in Redis: an accepted ping then costs two counter
bumps under a lock, microseconds, and no network round trip. The price is that
each web process counts on its own, so with WEB_CONCURRENCY processes a limit
lets up to that many times through; the defaults are far above any honest
job (a check pinged every second is 60 a minute) and far below a flood.

Misses (pings for a check that does not exist) are counted per client address
once answered 404; an address over its budget gets a 429 before any lookup.
"""

from __future__ import annotations

from flask import Flask
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from ..web.ratelimits import seconds_until_reset
from .common import PingRefused, rate_limited

EXTENSION = "hb_ping_throttle"


class Budget:
    """One limit setting ("600 per minute; ..."), counted per key."""

    def __init__(self, limiter: FixedWindowRateLimiter, name: str, setting: str):
        self.limiter, self.name, self.items = limiter, name, parse_many(setting)

    def spend(self, key: str) -> RateLimitItem | None:
        """Count one; the limit this went over, or None."""
        for item in self.items:
            if not self.limiter.hit(item, self.name, key):
                return item
        return None

    def exhausted(self, key: str) -> RateLimitItem | None:
        """The limit already used up for `key` (counts nothing), or None."""
        for item in self.items:
            if not self.limiter.test(item, self.name, key):
                return item
        return None

    def refuse(self, item: RateLimitItem, key: str, what: str) -> PingRefused:
        return rate_limited(f"too many {what}: at most {item}",
                            seconds_until_reset(self.limiter, item, self.name, key))


class Throttle:
    def __init__(self, config: dict):
        self.enabled = bool(config["RATELIMIT_ENABLED"])
        self.storage = MemoryStorage()
        limiter = FixedWindowRateLimiter(self.storage)
        self.per_check = Budget(limiter, "ping", config["RATELIMIT_PING"])
        self.misses = Budget(limiter, "ping-miss", config["RATELIMIT_PING_UNKNOWN"])

    def before_ping(self, check: str | None, address: str) -> None:
        """Raise a 429 when this address's misses, or the check the URL names,
        are over budget."""
        if not self.enabled:
            return
        over = self.misses.exhausted(address)
        if over is not None:
            raise self.misses.refuse(over, address, "pings of checks that do not exist")
        if check is None:
            return
        over = self.per_check.spend(check)
        if over is not None:
            raise self.per_check.refuse(over, check, "pings of this check")

    def forget(self) -> None:
        """Drop every count (tests start each case afresh)."""
        self.storage.reset()

    def missed(self, address: str) -> None:
        if self.enabled:
            self.misses.spend(address)


def init_app(app: Flask) -> Throttle:
    app.extensions[EXTENSION] = Throttle(app.config)
    return app.extensions[EXTENSION]
