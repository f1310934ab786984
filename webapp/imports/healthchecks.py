"""Importing a Healthchecks project through its management API (v3).

What the API gives is in healthchecks/healthchecks templates/docs/api.md
("List Existing Checks", "List Existing Integrations") and hc/api/models.py
(Check.to_dict): each check's name, slug, tags, desc, grace, timeout or
schedule and tz, methods, manual_resume, the keyword filters, the status and
the ids of its integrations; and, for a read-write key only, the URLs built
on its uuid (the newest versions also give `uuid` itself). The uuid is the
check's ping URL, so it is kept: once DNS points at Heartbeats, every
/ping/<uuid> URL answers here. So is the key of its badge URL (`badge_url`,
/b/2/<badge key>.svg, as hc/api/tests/test_check_badge.py names it), so that
a README's badge keeps showing the check.

A read-only key is refused: Healthchecks shows it a `unique_key` instead of
each uuid (api.md, "When using the read-only API key..."), and a check that
came without its uuid would need new ping URLs everywhere.

Integrations: the API lists only each one's id, name and kind
(hc/api/tests/test_list_channels.py), never the address or URL it sends to,
so none can be made here from it. A channel of ours with the same name (and a
kind that can do its job) stands for it, and the checks that used it alert
that channel; the report names every other integration, so that it can be
added here and the import run again.

The network call goes through the outbound guard (`alerts.outbound`), which
the dashboard's importer keeps on unless INTEGRATIONS_ALLOW_PRIVATE_IPS; the
API key is never sent to any other address than the one given, so a
redirect is refused rather than followed.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid as uuidlib
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3.exceptions

from ..alerts import outbound
from ..alerts.transports.base import causes, connection_trouble
from .apply import ChannelSpec, CheckSpec, apply_channels, apply_checks
from .report import ImportRefused, Report

log = logging.getLogger(__name__)
MAX_ANSWER = 16 * 1024 * 1024  # a project of thousands of checks is a few MB
# `timeout` bounds each socket read only: a site that sends a byte just within
# it could hold a web worker for hours. The whole answer gets this many times
# the timeout; read1 returns as soon as anything has come, so the deadline is
# checked at least once per timeout.
ANSWER_TIMEOUTS = 3
CHUNK = 64 * 1024
API_SUFFIX = re.compile(r"/api(/v[123])?/?$")
PRINTABLE_KEY = re.compile(r"[!-~]{1,200}")
# A check's badge URL as Healthchecks gives it: SITE_ROOT/b/2/<badge key>.svg.
CHECK_BADGE = re.compile(r".*/b/[23]/([^/]+)\.(?:svg|json|shields)")
# The fields of a Healthchecks check that are its settings, copied as they are.
COPIED = ("name", "slug", "tags", "desc", "grace", "manual_resume", "methods",
          "start_kw", "success_kw", "failure_kw", "filter_subject", "filter_default_fail")
OUR_KINDS = ("email", "webhook", "apprise")
READ_ONLY = ("this is a read-only API key: Healthchecks shows it no check's uuid, and without "
             "the uuids the checks' ping URLs could not keep working here; use a read-write "
             "key (Healthchecks: Project Settings, API Access)")


def site_root(url: str) -> str:
    """The Healthchecks address as given, without a trailing /api/v3/ or slash."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        usable = (parts.scheme in ("http", "https") and bool(parts.hostname)
                  and not parts.query and not parts.fragment and parts.port != 0)
    except ValueError:  # a malformed IPv6 literal or port
        usable = False
    if not usable:
        raise ImportRefused(f"not a Healthchecks address: {url[:200]!r} "
                            "(give one like https://healthchecks.example.com)")
    return API_SUFFIX.sub("", url.rstrip("/"))


def fetch(root: str, api_key: str, *, allow_private: bool, timeout: float
          ) -> tuple[list[dict], list[dict]]:
    """(checks, integrations) of the project the key belongs to, as the API lists them."""
    if not PRINTABLE_KEY.fullmatch(api_key):
        raise ImportRefused("the API key must be the key itself: printable characters, "
                            "no spaces")
    with outbound.session(allow_private) as session:
        checks = _listed(_get(session, f"{root}/api/v3/checks/", api_key, timeout), "checks")
        if any("unique_key" in c and "ping_url" not in c and "uuid" not in c for c in checks):
            raise ImportRefused(READ_ONLY)
        channels = _listed(_get(session, f"{root}/api/v3/channels/", api_key, timeout),
                           "channels")
    return checks, channels


def _get(session: requests.Session, url: str, api_key: str, timeout: float) -> Any:
    deadline = time.monotonic() + ANSWER_TIMEOUTS * timeout
    try:
        r = session.get(url, headers={"X-Api-Key": api_key, "Accept": "application/json"},
                        timeout=timeout, allow_redirects=False, stream=True)
    except requests.RequestException as e:
        raise ImportRefused(unreachable(e, url, timeout)) from None
    with r:
        if r.is_redirect:
            raise ImportRefused(
                f"{url} answered with a redirect to {r.headers.get('Location', '?')[:200]}: "
                "give that address instead (the API key is sent to no other address)")
        body = _body(r, url, timeout, deadline)
    if r.status_code == 401:
        hint = " (a read-only key cannot list integrations)" if "channels" in url else ""
        raise ImportRefused(f"Healthchecks refused the API key{hint}: "
                            f"401 {_error_of(body)}".rstrip())
    if r.status_code != 200:
        raise ImportRefused(f"{url} answered {r.status_code} {_error_of(body)}: is this the "
                            "address of a Healthchecks site?".replace("  ", " "))
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # RecursionError: nested deeper than json can go
        raise ImportRefused(f"{url} did not answer with JSON: is this the address of a "
                            "Healthchecks site?") from None


def _body(r: requests.Response, url: str, timeout: float, deadline: float) -> bytes:
    """The answer's body, read as it comes. The reads are urllib3's own, whose
    errors (a connection closed before Content-Length's end, a read timeout)
    are no requests exceptions."""
    host = urlsplit(url).hostname
    chunks, size = [], 0
    try:
        while chunk := r.raw.read1(CHUNK, decode_content=True):
            size += len(chunk)
            if size > MAX_ANSWER:
                raise ImportRefused(f"{url} answered with more than {MAX_ANSWER // 2**20} MB")
            if time.monotonic() > deadline:
                raise ImportRefused(
                    f"{host} took more than {ANSWER_TIMEOUTS * timeout:g} s to send its "
                    "answer: is the site overloaded? Try again later")
            chunks.append(chunk)
    except urllib3.exceptions.ReadTimeoutError:
        raise ImportRefused(f"{host} stopped answering for {timeout:g} s in the middle of "
                            "its answer: try again later") from None
    except (urllib3.exceptions.HTTPError, OSError):
        raise ImportRefused(f"the connection to {host} broke off in the middle of its "
                            "answer: try again later") from None
    return b"".join(chunks)


def unreachable(e: requests.RequestException, url: str, timeout: float) -> str:
    """One sentence for a Healthchecks site that could not be read."""
    for cause in causes(e):
        if isinstance(cause, outbound.PrivateAddressRefused):
            return str(cause)
    host = urlsplit(url).hostname
    if isinstance(e, requests.ReadTimeout):
        return f"{host} did not answer within {timeout:g} s"
    trouble = connection_trouble(e)
    if trouble is None:
        # The exception's name or text is for developers: logged, not shown.
        log.warning("Healthchecks import from %s failed: %r", host, e)
        trouble = "the connection failed (the log has the details)"
    return f"could not connect to {host}: {trouble}"


def _error_of(body: bytes) -> str:
    """The `error` of a Healthchecks error answer, if it is one."""
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):
        return ""
    return str(doc.get("error", ""))[:200] if isinstance(doc, dict) else ""


def _listed(doc: Any, key: str) -> list[dict]:
    items = doc.get(key) if isinstance(doc, dict) else None
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ImportRefused(f"the answer has no list of {key}: is this a Healthchecks API?")
    return items


def uuid_of(doc: dict) -> str | None:
    """The check's uuid: `uuid` in the newest versions, else the last part of
    its ping URL (PING_ENDPOINT + uuid) or of its update URL."""
    for candidate in (doc.get("uuid"), *(str(doc.get(k) or "").rstrip("/").rsplit("/", 1)[-1]
                                          for k in ("ping_url", "update_url"))):
        if isinstance(candidate, str) and candidate:
            try:
                return str(uuidlib.UUID(candidate))
            except ValueError:
                continue
    return None


def check_spec(doc: dict) -> CheckSpec:
    """What the API says of one check, as the fields we take."""
    name = doc["name"] if isinstance(doc.get("name"), str) else ""
    uuid = uuid_of(doc)
    data = {key: doc[key] for key in COPIED if key in doc}
    notes = []
    # Healthchecks searches an HTTP ping's body only with filter_http_body
    # (new in 2025); its filter_body is the body of an email ping.
    data["filter_http_body"] = doc.get("filter_http_body", False)
    if doc.get("filter_body"):
        notes.append("filter_body (keywords in an email's body) not carried: Heartbeats "
                     "takes no email pings")
    if doc.get("filter_subject"):
        notes.append("filter_subject is kept, but it has no effect here: Heartbeats takes "
                     "no email pings")
    if "schedule" in doc:  # a cron or OnCalendar check; Healthchecks gives no timeout then
        data["schedule"], data["tz"] = doc["schedule"], doc.get("tz", "UTC")
    elif "timeout" in doc:
        data["timeout"] = doc["timeout"]
    channels = doc.get("channels")
    refs = [c.strip() for c in channels.split(",") if c.strip()] \
        if isinstance(channels, str) else None
    spec = CheckSpec(name, uuid or "no uuid", data, uuid=uuid, channels=refs,
                     paused=doc.get("status") == "paused", notes=notes,
                     badge_key=badge_key_of(doc.get("badge_url"), notes))
    if uuid is None:
        spec.refused = "its answer holds no uuid (neither uuid nor a ping_url ending in one)"
    return spec


def badge_key_of(badge_url: object, notes: list[str]) -> str | None:
    """The badge key in a check's badge URL; a note when it has none we can read."""
    if badge_url is None or badge_url == "":
        return None  # versions before per-check badges give none
    try:
        match = CHECK_BADGE.fullmatch(urlsplit(badge_url).path) \
            if isinstance(badge_url, str) else None
    except ValueError:  # a malformed IPv6 literal
        match = None
    if match is None:
        notes.append(f"badge_url not carried: {str(badge_url)[:200]!r} is not a check's "
                     "badge URL (…/b/2/<badge key>.svg); its badge URLs here are new ones")
        return None
    return match.group(1)


def channel_spec(doc: dict) -> ChannelSpec:
    """An integration as the API lists it: its id, name and kind, no settings."""
    ref, name, kind = (str(doc.get(k) or "") for k in ("id", "name", "kind"))
    ours = kind if kind in OUR_KINDS else "apprise"
    spec = ChannelSpec(ref, ours, name, missing=(
        "Healthchecks' API does not give an integration's address or URL, so it cannot be "
        f"made here: add {'an' if ours[0] in 'aeiou' else 'a'} {ours} channel named {name!r} "
        "here (Channels), then run the import again to connect its checks"))
    if ours != kind:
        spec.notes.append(f"a Healthchecks {kind!r} integration: an Apprise URL can send to "
                          "most such services")
    if not name:
        spec.missing = ("it has no name in Healthchecks, so no channel here can stand for it: "
                        "name it there, add a channel of that name here, and run the import "
                        "again")
    return spec


def import_project(project_id: int, url: str, api_key: str, *, allow_private: bool,
                   timeout: float) -> Report:
    """Read the Healthchecks project of `api_key` at `url` and carry it into the project.

    ImportRefused, before anything is written, when the site cannot be read."""
    root = site_root(url)
    checks, channels = fetch(root, api_key, allow_private=allow_private, timeout=timeout)
    report = Report(f"Healthchecks at {root}")
    codes = apply_channels(project_id, [channel_spec(c) for c in channels], report)
    apply_checks(project_id, [check_spec(c) for c in checks], codes, report)
    return report
