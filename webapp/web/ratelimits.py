"""Rate limits on the doors people and scripts log in through: Flask-Limiter.

Guessing a password or an API key, or signing up in bulk, is slowed to a few
tries a minute. The counts live in Redis, so every web process shares them;
while Redis cannot be reached Flask-Limiter counts in this process's memory
instead, and the site keeps answering. Storage errors are logged, never a 500.

Every limit is a setting (RATELIMIT_*, in the README) in the notation of the
`limits` library, e.g. "10 per minute; 50 per hour". Password limits count
failures only: someone who types the right password is never slowed down,
unless the account is being guessed at, when the right password waits too
(otherwise a correct guess would stand out).

Pings are limited by the ping door (webapp.ping.throttle), in memory, so that an
accepted ping costs no Redis round trip.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from flask import Blueprint, Flask, Response, current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from flask_limiter.util import get_remote_address
from flask_login import current_user
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter, RateLimiter

from ..core.users import normalize_email
from .errors import error_body


def failed(response: Response) -> bool:
    return response.status_code == 401


# The login form's two budgets, which Basic auth on /api/pings/ draws on too.
LOGIN_ACCOUNT, LOGIN_ADDRESS = "login-account", "login-address"


def account_key(email: str) -> str:
    return "account:" + normalize_email(email)


def login_email() -> str:
    return account_key(request.form.get("email", ""))


def _setting(name: str):
    # Read on each request, so that a changed setting (tests) applies at once.
    return lambda: current_app.config[name]


def limiter_of(app: Flask) -> Limiter:
    return app.extensions["hb_limiter"]


def _wrap(app: Flask, endpoint: str, *limits) -> None:
    view = app.view_functions[endpoint]
    for limit in limits:
        view = limit(view)
    app.view_functions[endpoint] = view


def protect_login(app: Flask, endpoint: str) -> None:
    """Failed logins, per account and per client address."""
    limiter = limiter_of(app)
    _wrap(app, endpoint,
          limiter.shared_limit(_setting("RATELIMIT_LOGIN"), scope=LOGIN_ACCOUNT,
                               key_func=login_email, methods=["POST"], deduct_when=failed),
          limiter.shared_limit(_setting("RATELIMIT_LOGIN_ADDRESS"), scope=LOGIN_ADDRESS,
                               methods=["POST"], deduct_when=failed))


def protect_signup(app: Flask, endpoint: str) -> None:
    """Sign-up attempts per client address."""
    _wrap(app, endpoint, limiter_of(app).limit(_setting("RATELIMIT_SIGNUP"), methods=["POST"]))


def protect_per_user(app: Flask, endpoint: str, setting_name: str) -> None:
    """POSTs to `endpoint` per logged-in user, counted apart from every other
    endpoint's: for what costs others something at each call, such as an
    invitation (a mail to any address: an account must not become a way to
    send mail in bulk) or an import (a web worker held while another site answers)."""

    def user() -> str:
        return f"user:{current_user.get_id()}"

    _wrap(app, endpoint, limiter_of(app).limit(_setting(setting_name), key_func=user,
                                               methods=["POST"]))


def protect_api(app: Flask, bp: Blueprint, presented_key: Callable[[], object]) -> None:
    """Calls per API key (the one `presented_key` finds in the request), and
    calls with a wrong key per client address (guessing is hopeless with keys
    this long, but each try costs a query)."""

    def key_identity() -> str:
        # Hashed: a key never sits in Redis in the clear.
        return "key:" + hashlib.sha256(str(presented_key() or "").encode()).hexdigest()[:32]

    limiter = limiter_of(app)
    limiter.shared_limit(_setting("RATELIMIT_API"), scope="api-key", key_func=key_identity)(bp)
    limiter.shared_limit(_setting("RATELIMIT_API_WRONG_KEY"), scope="api-wrong-key",
                         deduct_when=failed)(bp)


def _identifiers(key: str, scope: str) -> list[str]:
    """What Flask-Limiter counts a limit under: its key prefix, the key, the scope."""
    prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
    return [prefix, key, scope] if prefix else [key, scope]


def seconds_until_reset(strategy: RateLimiter, item: RateLimitItem, *identifiers: str) -> int:
    """A 429's Retry-After: whole seconds until the window counted under these opens again."""
    reset = strategy.get_window_stats(item, *identifiers).reset_time
    return max(1, int(reset - time.time()) + 1)


def retry_after(e: RateLimitExceeded) -> int:
    """Seconds until the window that was exceeded opens again."""
    limit = e.limit
    try:
        identifiers = _identifiers(limit.key_func(),
                                   limit.scope_for(request.endpoint or "", request.method))
        return seconds_until_reset(limiter_of(current_app).limiter, limit.limit, *identifiers)
    except Exception:  # the storage went away meanwhile: the whole window, at most
        return int(limit.limit.get_expiry())


# --- failed logins through another door (Basic auth on /api/pings/) ------------------

def _login_budgets(email: str, address: str) -> list[tuple[RateLimitItem, list[str]]]:
    """The login form's two budgets, as the form's limits count them, so that
    guesses through either door draw on the same ones."""
    config = current_app.config
    return [(item, _identifiers(key, scope))
            for setting, key, scope in (
                (config["RATELIMIT_LOGIN"], account_key(email), LOGIN_ACCOUNT),
                (config["RATELIMIT_LOGIN_ADDRESS"], address, LOGIN_ADDRESS))
            for item in parse_many(setting)]


def _counting(action):
    """Run `action(strategy)` on the shared storage, or on this process's
    memory while that cannot be reached (as Flask-Limiter itself falls back)."""
    try:
        return action(limiter_of(current_app).limiter)
    except Exception as e:
        current_app.logger.warning("rate limit storage unreachable, counting in memory: %s", e)
        return action(current_app.extensions["hb_login_fallback"])


def failed_login_wait(email: str, address: str) -> int | None:
    """Seconds to wait when this account or address has no failed logins left; None if it has."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return None

    def wait(strategy: RateLimiter) -> int | None:
        for item, identifiers in _login_budgets(email, address):
            if not strategy.test(item, *identifiers):
                return seconds_until_reset(strategy, item, *identifiers)
        return None
    return _counting(wait)


def count_failed_login(email: str, address: str) -> None:
    if current_app.config["RATELIMIT_ENABLED"]:
        _counting(lambda strategy: [strategy.hit(item, *identifiers)
                                    for item, identifiers in _login_budgets(email, address)])


def init_app(app: Flask, storage_uri: str) -> None:
    config = app.config
    if not config.get("RATELIMIT_STORAGE_URI"):
        config["RATELIMIT_STORAGE_URI"] = storage_uri
    # One namespace per installation (the queue's is per database), so that
    # two installations, or two test runs, sharing a Redis never share counts.
    config.setdefault("RATELIMIT_KEY_PREFIX", f"{config['RQ_QUEUE']}-limits")
    # A Redis that hangs must not hang logins: give up quickly, count in memory.
    config.setdefault("RATELIMIT_STORAGE_OPTIONS",
                      {"socket_timeout": 0.5, "socket_connect_timeout": 0.5})
    # One limiter per app: Flask-Limiter keeps its storage on the instance.
    app.extensions["hb_limiter"] = Limiter(
        get_remote_address, app=app, strategy="fixed-window",
        in_memory_fallback_enabled=True, swallow_errors=True)
    app.extensions["hb_login_fallback"] = FixedWindowRateLimiter(MemoryStorage())

    @app.errorhandler(RateLimitExceeded)
    def too_many(e: RateLimitExceeded):
        wait = retry_after(e)
        response, status = error_body(
            429, f"too many attempts: at most {e.limit.limit}; try again in {wait} s")
        response = app.make_response((response, status))
        response.headers["Retry-After"] = str(wait)
        return response
