"""Settings, read from the environment only (twelve-factor, Heroku style).

Every variable here is documented in the README's configuration table. Values
that depend on the instance folder (the SQLite file, the generated secret key)
are filled in by `instance_defaults()` once the app knows where that folder is.
"""

import hashlib
import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def database_url(url: str) -> str:
    """Point PostgreSQL URLs at psycopg 3, the driver we ship.

    Heroku and most hosts hand out `postgres://`, which SQLAlchemy 2 rejects,
    and a bare `postgresql://` would select psycopg2, which is not installed.
    """
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


class Config:
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL", ""))
    # Empty means: a local redis-server if one answers, else the embedded one.
    REDIS_URL = os.environ.get("REDIS_URL", "")
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    # Keys SECRET_KEY replaced, comma-separated: channel settings saved under
    # them still decrypt (and are encrypted under SECRET_KEY when they change).
    OLD_SECRET_KEYS = os.environ.get("OLD_SECRET_KEYS", "")
    BASE_URL = os.environ.get("BASE_URL", "").rstrip("/")
    PORT = env_int("PORT", 5000)
    # The address gunicorn binds (the Procfile's HOST); recorded with PORT as
    # the web's address, for alert links when BASE_URL is unset.
    HOST = os.environ.get("HOST", "")

    # Empty: email is not configured (alerts by email fail, saying so).
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS")
    MAIL_USE_SSL = env_bool("MAIL_USE_SSL")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "heartbeats@localhost")
    MAIL_TIMEOUT = env_float("MAIL_TIMEOUT", 10.0)

    # Webhooks and Apprise reach other hosts: guarded, and bounded in time.
    APPRISE_ENABLED = env_bool("APPRISE_ENABLED")
    INTEGRATIONS_ALLOW_PRIVATE_IPS = env_bool("INTEGRATIONS_ALLOW_PRIVATE_IPS")
    INTEGRATIONS_TIMEOUT = env_float("INTEGRATIONS_TIMEOUT", 10.0)

    # How many pings each check keeps; older ones are pruned as new ones arrive.
    PING_RETENTION = env_int("PING_RETENTION", 1000)
    # Group commit (core.ping_batches): pings that arrive while one is being
    # written are written together, each still answered after its commit.
    PING_GROUP_COMMIT = env_bool("PING_GROUP_COMMIT", True)
    # Request bodies of pings are kept up to this many bytes (Healthchecks: 100 kB).
    PING_BODY_LIMIT = env_int("PING_BODY_LIMIT", 100_000)
    # The largest request taken at all: a longer Content-Length is a 413 before
    # anything is read, and a body of unknown length stops being read there.
    # The default leaves room for a ping body at PING_BODY_LIMIT in a form or
    # multipart framing. Forms get the same budget (Flask's MAX_FORM_MEMORY_SIZE
    # would otherwise refuse a 500 kB field that the length check let through).
    MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", PING_BODY_LIMIT + 16 * 1024)
    MAX_FORM_MEMORY_SIZE = MAX_CONTENT_LENGTH
    # Our forms have a few dozen fields (one per channel at most); parts cost
    # parsing work, so a form of thousands of empty fields is refused.
    MAX_FORM_PARTS = 1000
    # Checks one project may have; ?create=1 pings, the API and the dashboard
    # stop there. MAX_CHECKS_PER_USER is its older name, still read.
    MAX_CHECKS_PER_PROJECT = env_int("MAX_CHECKS_PER_PROJECT",
                                     env_int("MAX_CHECKS_PER_USER", 1000))
    # Number of reverse proxies in front of the app whose X-Forwarded-For we trust.
    PROXY_COUNT = env_int("PROXY_COUNT", 0)
    # RQ queue name; empty means one derived from the database (see below).
    RQ_QUEUE = os.environ.get("RQ_QUEUE", "")
    # The sweep sleeps until the next known deadline, but never longer than this,
    # so a deadline set by another process is noticed within this many seconds.
    SWEEP_INTERVAL = env_float("SWEEP_INTERVAL", 0.25)

    # Alert storms: when more than ALERT_GROUP_THRESHOLD checks of a project
    # go down or up within ALERT_GROUP_WINDOW seconds, the first ones are sent
    # as usual and the rest as one message per channel at the end of the
    # window. 0 turns grouping off.
    ALERT_GROUP_THRESHOLD = env_int("ALERT_GROUP_THRESHOLD", 3)
    ALERT_GROUP_WINDOW = env_float("ALERT_GROUP_WINDOW", 30.0)

    # Optional: a URL (a check on another monitor) the worker requests every
    # WATCHDOG_INTERVAL seconds while its sweep is healthy, so that someone
    # else alerts when this installation stops.
    WATCHDOG_URL = os.environ.get("WATCHDOG_URL", "")
    WATCHDOG_INTERVAL = env_float("WATCHDOG_INTERVAL", 60.0)

    # Cookies: never sent cross-site on a POST (SameSite=Lax); sent over https
    # only (Secure), and HSTS sent, when BASE_URL is https, or when
    # SESSION_COOKIE_SECURE says so (a TLS proxy in front, BASE_URL unset).
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE")
    # "Keep me logged in" lasts this long (Flask-Login's default is a year).
    REMEMBER_COOKIE_DURATION = timedelta(days=30)

    # Rate limits, in the notation of the `limits` library ("10 per minute; 50
    # per hour"); see the README. Password and key limits count failures only.
    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    # Empty: the Redis the queue uses (REDIS_URL, the local one, the embedded one).
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "")
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "10 per minute; 50 per hour")
    RATELIMIT_LOGIN_ADDRESS = os.environ.get("RATELIMIT_LOGIN_ADDRESS",
                                             "30 per minute; 300 per hour")
    RATELIMIT_SIGNUP = os.environ.get("RATELIMIT_SIGNUP", "20 per hour")
    # Invitations one user may send (each is a mail to an address they choose).
    RATELIMIT_INVITE = os.environ.get("RATELIMIT_INVITE", "30 per hour")
    # Dashboard imports one user may run (each holds a web worker while the
    # Healthchecks site answers, up to 3 × INTEGRATIONS_TIMEOUT per call).
    RATELIMIT_IMPORT = os.environ.get("RATELIMIT_IMPORT", "10 per hour")
    RATELIMIT_API = os.environ.get("RATELIMIT_API", "1200 per minute")
    RATELIMIT_API_WRONG_KEY = os.environ.get("RATELIMIT_API_WRONG_KEY", "60 per minute")
    # Pings: per check, and unknown-check pings per client address; counted in
    # each web process's memory, so an accepted ping costs no Redis round trip.
    RATELIMIT_PING = os.environ.get("RATELIMIT_PING", "600 per minute")
    RATELIMIT_PING_UNKNOWN = os.environ.get("RATELIMIT_PING_UNKNOWN", "120 per minute")

    # Whether anyone may make an account at /signup; the first user comes from
    # `flask user create`.
    REGISTRATION_OPEN = env_bool("REGISTRATION_OPEN")
    # How long the link in an invitation email works. Invitations reach anyone
    # with the link (it is all the proof of the address there is), so they expire.
    INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
    # The label of a project's badge for all its checks (tag "*"), as
    # Healthchecks' MASTER_BADGE_LABEL; a tag's badge is labelled with the tag.
    MASTER_BADGE_LABEL = os.environ.get("MASTER_BADGE_LABEL") or "Heartbeats"
    # Public status pages (/status/<slug> and its .json): how many seconds each
    # web process reuses a page's facts, and the max-age it tells caches. A
    # change to a listed check shows within this long; 0 reads afresh each time.
    STATUS_CACHE_SECONDS = env_int("STATUS_CACHE_SECONDS", 10)

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False


log = logging.getLogger(__name__)


def instance_defaults(config: dict, instance_path: str) -> None:
    """Fill in the defaults that live in the instance folder.

    The folder holds the database, its secret key and the embedded Valkey's
    socket: it is made private to the user the app runs as (0700), and a
    folder made looser by an older release is tightened.
    """
    folder = Path(instance_path)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    keep_private(folder)
    if not config.get("SQLALCHEMY_DATABASE_URI"):
        config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{folder / 'heartbeats.db'}"
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A local file cannot have dropped the connection: skip the SELECT 1
        # that pre-ping would spend on every request (every ping).
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {**config["SQLALCHEMY_ENGINE_OPTIONS"],
                                               "pool_pre_ping": False}
    if not config.get("RQ_QUEUE"):
        config["RQ_QUEUE"] = default_queue_name(config["SQLALCHEMY_DATABASE_URI"])
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = _kept_secret(folder / "secret_key")


def default_queue_name(database_uri: str) -> str:
    """A queue per database: jobs carry row ids, so two installations that
    share one Redis must never take each other's jobs."""
    digest = hashlib.sha256(database_uri.encode()).hexdigest()[:10]
    return f"heartbeats-{digest}"


def keep_private(path: Path) -> None:
    """Take group's and others' permissions off a file or folder (0644 -> 0600),
    saying so in the log; a missing path is left alone."""
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        return
    if mode & 0o077:
        os.chmod(path, mode & 0o700)
        log.warning("%s was open to other users (mode %03o); now %03o", path, mode, mode & 0o700)


def _kept_secret(path: Path) -> str:
    """A random key made once and kept, so sessions and the channel settings
    encrypted under it survive restarts."""
    try:
        key = path.read_text().strip()
        keep_private(path)
        return key
    except FileNotFoundError:
        key = secrets.token_hex(32)
        # Written aside and linked into place: when web and worker start
        # together, exactly one key wins and nobody reads a half-written file.
        # Made 0600 by open() itself: it is never readable by others, not even
        # between its creation and a chmod.
        tmp = path.with_name(f"{path.name}.{os.getpid()}")
        tmp.unlink(missing_ok=True)  # a crashed start's, whatever its mode
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as file:
            file.write(key)
        try:
            os.link(tmp, path)
        except FileExistsError:
            key = path.read_text().strip()
        finally:
            tmp.unlink()
        return key
