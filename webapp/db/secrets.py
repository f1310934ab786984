"""Column types that keep a channel's settings encrypted at rest.

A webhook's URL and headers, an Apprise URL and a list of addresses carry
tokens and personal data; a copy of the database file (a backup, a stolen
disk, a file left readable) must not hand them out. They are stored as
Fernet tokens (AES-128-CBC with an HMAC-SHA256) under a key derived from
SECRET_KEY, and the rest of the code reads and writes plain values.

The key is looked up in the current app's config each time (cached by key):
every ORM or Core statement runs inside an app context (web, ping lane,
worker jobs, `flask` commands, migrations), and tests that run apps with
different keys in one process each get their own.

A value that no key opens (SECRET_KEY changed since it was saved) comes back
as an `Unreadable` marker, not an exception: pages still render, the value
shows as a sentence that says why, deliveries to it fail saying so, and the
marker writes its original ciphertext back unchanged, so that restoring the
old key (or naming it in OLD_SECRET_KEYS) brings every value back.
"""

from __future__ import annotations

import base64
import functools
import json
from typing import Any

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

# Fixed for good: a key derived under another label opens nothing stored.
PURPOSE = b"heartbeats channel settings at rest, v1"
UNREADABLE_TEXT = "(cannot decrypt: SECRET_KEY changed since this was saved)"
UNREADABLE_REASON = "cannot decrypt this channel's settings: SECRET_KEY changed since it was saved"


class Unreadable(str):
    """A text value no key opens; reads as UNREADABLE_TEXT, keeps its ciphertext."""

    token: str

    def __new__(cls, token: str) -> Unreadable:
        value = super().__new__(cls, UNREADABLE_TEXT)
        value.token = token
        return value


class UnreadableJSON(dict):
    """A JSON object no key opens: empty, and keeps its ciphertext."""

    def __init__(self, token: str):
        super().__init__()
        self.token = token


def unreadable(value: object) -> bool:
    """Whether a value read from an encrypted column could not be decrypted."""
    return isinstance(value, (Unreadable, UnreadableJSON))


def derive_key(secret_key: str) -> bytes:
    """The Fernet key of a SECRET_KEY: HKDF-SHA256 under PURPOSE."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=PURPOSE).derive(
        secret_key.encode())
    return base64.urlsafe_b64encode(raw)


@functools.lru_cache(maxsize=16)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(derive_key(k)) for k in keys])


def old_keys(setting: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """OLD_SECRET_KEYS as a tuple: comma-separated text (the environment) or a list."""
    items = setting.split(",") if isinstance(setting, str) else setting
    return tuple(k.strip() for k in items if k.strip())


def app_fernet() -> MultiFernet:
    """The current app's keys: SECRET_KEY encrypts; it and OLD_SECRET_KEYS decrypt."""
    config = current_app.config
    if not config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY is empty: channel settings cannot be encrypted")
    return _fernet((config["SECRET_KEY"], *old_keys(config.get("OLD_SECRET_KEYS", ""))))


def encrypt(text: str) -> str:
    return app_fernet().encrypt(text.encode()).decode("ascii")


def decrypt(token: str) -> str:
    """The plain text of a token; raises InvalidToken when no key opens it."""
    # Encoded as UTF-8, not ASCII: text that is no token at all (a row written
    # plain) must fail as InvalidToken too, whatever its characters.
    return app_fernet().decrypt(token.encode()).decode()


class EncryptedText(sa.types.TypeDecorator):
    """Text stored as a Fernet token; reads give the text, or an `Unreadable`."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, Unreadable):
            return value.token
        return encrypt(value)

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> str | None:
        if value is None:
            return None
        try:
            return decrypt(value)
        except InvalidToken:
            return Unreadable(value)


class EncryptedJSON(sa.types.TypeDecorator):
    """A JSON value stored as a Fernet token of its text; reads give the value,
    or an `UnreadableJSON`.

    The column stays JSON, holding the token as a JSON string: changing its
    type would make SQLite's batch mode copy the table and drop the old one,
    and that drop deletes, by cascade, every row that refers to a channel.
    """

    impl = sa.JSON
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: sa.Dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, UnreadableJSON):
            return value.token
        return encrypt(json.dumps(value))

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        try:
            return json.loads(decrypt(value))
        except InvalidToken:
            return UnreadableJSON(value)
