"""Status badges as Healthchecks has them: the state a badge shows, the
signature that makes a project's badge URLs unguessable, and those URLs.

A project badge covers every check (the tag "*") or the checks carrying one
tag; a check badge covers one check and is named by the check's badge_key,
never by its uuid (which would let anyone who sees the badge ping the check).
Nothing here reads a request or the database: webapp.public.badges loads the
checks, the API and the dashboard ask for the URLs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple
from urllib.parse import quote

from .schedules import is_late

ALL = "*"
FORMATS = ("svg", "json", "shields")
# Healthchecks' colours (hc/lib/badges.py COLORS) and Shields.io's named ones
# (hc/api/views.py SHIELDS_COLORS): badge readers may look for either.
COLORS = {"up": "#4c1", "late": "#fe7d37", "down": "#e05d44"}
SHIELDS_COLORS = {"up": "success", "late": "important", "down": "critical"}
# A project badge URL's signature: 8 characters, then "-2" when "late" shows as
# "up" (two states); bare, or "-3", when it shows as itself (three states).
SIGNATURE_LENGTH = 8
# The URL-safe base64 alphabet `signature` writes in. Anything else is no
# signature of ours, and must not reach hmac.compare_digest, which refuses a
# str holding non-ASCII characters with a TypeError.
SIGNATURE_CHARS = re.compile(r"[A-Za-z0-9_-]+")
STATE_SUFFIXES = {"": 3, "-3": 3, "-2": 2}


class BadgeState(NamedTuple):
    """What a badge says: its one status and the counts behind it (the JSON format)."""

    status: str
    total: int
    grace: int
    down: int


def check_badge_status(status: str, next_ping: datetime | None, now: datetime) -> str:
    """"down", "late" or "up": a new, paused or running check counts as up, as
    in Healthchecks (hc/api/tests/test_check_badge.py test_it_handles_new), and
    an open run hides neither lateness nor downtime (test_it_ignores_started_when_down,
    test_late_mode_ignores_started_when_late)."""
    if status == "down":
        return "down"
    return "late" if is_late(status, next_ping, now) else "up"


def summarise(statuses: Iterable[str], states: int) -> BadgeState:
    """The badge of these checks' badge statuses: down wins over late, late
    over up; with two states a late check leaves the badge up, but is still
    counted in `grace` (hc/api/tests/test_check_badge.py test_it_treats_late_as_up)."""
    total = grace = down = 0
    for status in statuses:
        total += 1
        grace += status == "late"
        down += status == "down"
    if down:
        return BadgeState("down", total, grace, down)
    shown = "late" if grace and states == 3 else "up"
    return BadgeState(shown, total, grace, down)


def signature(badge_key: str, tag: str, secret: str) -> str:
    """The signature of one tag's badge URLs, computed as Healthchecks computes
    it (hc/lib/badges.py: Django's base64_hmac(badge_key, tag, SECRET_KEY)[:8],
    an HMAC-SHA1 under a key derived from the salt and the secret), so that the
    URLs have Healthchecks' shape and length."""
    derived = hashlib.sha1((badge_key + secret).encode()).digest()
    digest = hmac.new(derived, tag.encode(), hashlib.sha1).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()[:SIGNATURE_LENGTH]


def split_signature(text: str) -> tuple[str, int] | None:
    """(signature, states) of a URL's signature segment; None when its suffix
    is neither "", "-2" nor "-3" (Healthchecks reads anything but "-2" as
    three states; an unknown suffix is a 404 here rather than a guess), or
    when the signature holds a character no signature of ours has."""
    sig, suffix = text[:SIGNATURE_LENGTH], text[SIGNATURE_LENGTH:]
    if len(sig) != SIGNATURE_LENGTH or not SIGNATURE_CHARS.fullmatch(sig) \
            or suffix not in STATE_SUFFIXES:
        return None
    return sig, STATE_SUFFIXES[suffix]


def signed_by(badge_key: str, tag: str, sig: str, secrets: Iterable[str]) -> bool:
    """Whether `sig` signs this tag's badge under one of the secrets (SECRET_KEY,
    then the keys it replaced, so that a new SECRET_KEY breaks no embedded badge)."""
    return any(hmac.compare_digest(signature(badge_key, tag, secret), sig)
               for secret in secrets if secret)


def project_badge_url(base: str, badge_key: str, tag: str, secret: str, fmt: str = "svg",
                      states: int = 2) -> str:
    """/badge/<badge_key>/<signature>[-2]/<tag>.<fmt>, or /badge/<badge_key>/<signature>[-2].<fmt>
    for all checks, as hc/lib/badges.py get_badge_url makes them (the tag
    percent-encoded whole, "/" included)."""
    sig = signature(badge_key, tag, secret) + ("-2" if states == 2 else "")
    if tag == ALL:
        return f"{base}/badge/{badge_key}/{sig}.{fmt}"
    return f"{base}/badge/{badge_key}/{sig}/{quote(tag, safe='')}.{fmt}"


def project_badge_urls(base: str, badge_key: str, tag: str, secret: str) -> dict[str, str]:
    """One tag's badge URLs under Healthchecks' names (hc/api/views.py badges):
    svg, json, shields (two states) and svg3, json3, shields3 (three)."""
    urls = {}
    for fmt in FORMATS:
        urls[fmt] = project_badge_url(base, badge_key, tag, secret, fmt, 2)
        urls[f"{fmt}3"] = project_badge_url(base, badge_key, tag, secret, fmt, 3)
    return urls


def check_badge_url(base: str, badge_key: str, fmt: str = "svg", states: int = 2) -> str:
    """/b/2/<badge_key>.svg: one check's badge, as Healthchecks names it."""
    return f"{base}/b/{states}/{badge_key}.{fmt}"


def badge_tags(tag_lists: Iterable[list[str]]) -> list[str]:
    """"*" and every tag of these checks, "*" first and the rest sorted."""
    tags = {tag for tag_list in tag_lists for tag in tag_list} - {ALL}
    return [ALL, *sorted(tags)]


NARROW, WIDE = "fijlrtI!|.,:;'`()[] ", "mwMW@%"


def text_width(text: str) -> int:
    """About how wide `text` is in pixels at 11 px Verdana: enough to size a
    badge so its words fit, without shipping font metrics."""
    width = 0
    for char in text:
        if char in NARROW:
            width += 4
        elif char in WIDE:
            width += 10
        else:
            width += 8 if char.isupper() else 7
    return width
