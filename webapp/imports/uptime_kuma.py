"""Importing Uptime Kuma's push monitors, from its database file (data/kuma.db)
or from the JSON backup its older versions export (Settings, Backup).

The database is read as Kuma's SQL makes it (louislam/uptime-kuma
db/old_migrations/patch6.sql makes `monitor`, patch10.sql `tag` and
`monitor_tag`; later patches add retry_interval, push_token, description),
opened read-only, so a live Kuma's file may be given as it is. The backup is
what src/components/settings/Backup.vue writes: {version, notificationList,
monitorList}, each monitor as server/model/monitor.js toJSON() gives it.

What a push monitor becomes:

- its push token is kept, so /api/push/<token> keeps working once DNS points
  here, and the monitor is found again by it when the import runs again;
- interval -> timeout: Kuma expects a push every `interval` seconds;
- retries -> grace and failure threshold: with no push in time, Kuma retries
  `maxretries` times, `retry_interval` apart (monitor.js, the push branch of
  beat()), before it says down; that is the grace. A push with status=down
  makes it pending, not down, while retries are left (api-router.js
  determineStatus): the (maxretries + 1)-th failure in a row is the first
  that counts, which is our failure threshold;
- resend_interval (remind every N beats while down) -> nag_period, N intervals;
- tags -> tags ("name" or "name:value", one word each); description -> desc;
- inactive -> paused, with manual resume: Kuma refuses an inactive monitor's
  pushes, so none may resume it here either until someone does.

Other monitor types are polled by Kuma; Heartbeats polls nothing, so they
are reported and left out, as are upside-down monitors (a push would mean
the opposite here) and Kuma's notification settings.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..core.schedules import MIN_SECONDS
from .apply import CheckSpec, apply_checks
from .report import ImportRefused, Report

SQLITE_MAGIC = b"SQLite format 3\x00"
# A tag here is one word: Kuma's may hold spaces (and commas, our other separator).
SEPARATORS = re.compile(r"[\s,]+")


@dataclass
class Monitor:
    """The parts of a Kuma monitor an import reads, from either source."""

    id: Any
    name: str = ""
    type: str = ""
    active: bool = True
    interval: Any = 60
    retry_interval: Any = 0
    maxretries: Any = 0
    resend_interval: Any = 0
    push_token: str | None = None
    description: str | None = None
    upside_down: bool = False
    tags: list[tuple[str, str]] = field(default_factory=list)
    notifications: int = 0


def read(path: Path) -> tuple[str, list[Monitor]]:
    """(what the file is, its monitors); ImportRefused when it is neither
    a Kuma database nor a Kuma backup."""
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except OSError as e:
        raise ImportRefused(f"cannot read {path}: {e.strerror or e}") from None
    if head == SQLITE_MAGIC:
        return f"Uptime Kuma database {path.name}", read_database(path)
    try:
        doc = json.loads(path.read_bytes())
    except ValueError:
        raise ImportRefused(f"{path.name} is neither an Uptime Kuma database (kuma.db) nor "
                            "a Kuma JSON backup") from None
    version = doc.get("version") if isinstance(doc, dict) else None
    return f"Uptime Kuma backup {path.name} (version {version})", read_backup(doc)


def read_database(path: Path) -> list[Monitor]:
    try:
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise ImportRefused(f"cannot open {path.name}: {e}") from None
    try:
        return _monitors(conn)
    except sqlite3.Error as e:
        raise ImportRefused(f"cannot read {path.name} as an Uptime Kuma database: {e}") from None
    finally:
        conn.close()


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def _monitors(conn: sqlite3.Connection) -> list[Monitor]:
    have = _columns(conn, "monitor")
    if not {"id", "name", "type", "interval"} <= have:
        raise ImportRefused("not an Uptime Kuma database: it has no monitor table")
    # Older databases lack the columns later patches added: those keep their defaults.
    wanted = [c for c in ("id", "name", "type", "active", "interval", "retry_interval",
                          "maxretries", "resend_interval", "push_token", "description",
                          "upside_down") if c in have]
    rows = conn.execute(f"SELECT {', '.join(wanted)} FROM monitor ORDER BY id").fetchall()
    monitors = {row[0]: Monitor(**dict(zip(wanted, row, strict=True))) for row in rows}
    if {"monitor_id", "tag_id", "value"} <= _columns(conn, "monitor_tag") \
            and {"id", "name"} <= _columns(conn, "tag"):
        for monitor_id, name, value in conn.execute(
                "SELECT mt.monitor_id, t.name, mt.value FROM monitor_tag mt "
                "JOIN tag t ON t.id = mt.tag_id ORDER BY mt.id"):
            if monitor_id in monitors:
                monitors[monitor_id].tags.append((name or "", value or ""))
    if {"monitor_id"} <= _columns(conn, "monitor_notification"):
        for monitor_id, n in conn.execute(
                "SELECT monitor_id, COUNT(*) FROM monitor_notification GROUP BY monitor_id"):
            if monitor_id in monitors:
                monitors[monitor_id].notifications = n
    for m in monitors.values():  # SQLite keeps Kuma's BOOLEANs as 0 and 1
        m.active, m.upside_down = bool(m.active), bool(m.upside_down)
    return list(monitors.values())


def read_backup(doc: Any) -> list[Monitor]:
    """The monitors of a backup: {"version", "notificationList", "monitorList"}."""
    items = doc.get("monitorList") if isinstance(doc, dict) else None
    if isinstance(items, dict):  # $root.monitorList is keyed by id in some versions
        items = list(items.values())
    if not isinstance(items, list) or not all(isinstance(m, dict) for m in items):
        raise ImportRefused("not an Uptime Kuma backup: it has no monitorList")
    return [Monitor(
        id=m.get("id"), name=m.get("name") or "", type=m.get("type") or "",
        active=bool(m.get("active", True)), interval=m.get("interval", 60),
        retry_interval=m.get("retryInterval", 0), maxretries=m.get("maxretries", 0),
        resend_interval=m.get("resendInterval", 0), push_token=m.get("pushToken"),
        description=m.get("description"), upside_down=bool(m.get("upsideDown")),
        tags=[(str(t.get("name") or ""), str(t.get("value") or ""))
              for t in _listed(m, "tags", list, "a list of tags") if isinstance(t, dict)],
        notifications=len(_listed(m, "notificationIDList", (dict, list),
                                  "an object of notification ids")),
    ) for m in items]


def _listed(m: dict, key: str, kinds: type | tuple[type, ...], what: str) -> Any:
    """A monitor's list (tags) or map (notificationIDList: {id: true}, as
    monitor.js toJSON writes it); ImportRefused when it is something else."""
    value = m.get(key)
    if value is None:
        return []
    if not isinstance(value, kinds):
        raise ImportRefused(f"not an Uptime Kuma backup as Kuma writes it: the {key} of "
                            f"monitor {str(m.get('id'))[:50]!r} is {str(value)[:50]!r}, not "
                            f"{what}")
    return value


def tag_word(name: str, value: str) -> str:
    """A Kuma tag as one of our tags: "name", or "name:value", without spaces."""
    word = f"{name}:{value}" if value else name
    return SEPARATORS.sub("-", word.strip()).strip("-")


def monitor_spec(m: Monitor) -> CheckSpec:
    spec = CheckSpec(m.name, f"monitor {m.id}", {})
    if m.type != "push":
        spec.refused = (f"a {m.type or 'typeless'} monitor: Kuma polls it, and Heartbeats polls "
                        "nothing (it takes push monitors only)")
        return spec
    if not m.push_token:
        spec.refused = "a push monitor without a push token (Kuma makes one when it is saved)"
        return spec
    if m.upside_down:
        spec.refused = ("it is in upside-down mode, which Heartbeats does not have: its pushes "
                        "would mean the opposite here")
        return spec
    retries = m.maxretries if isinstance(m.maxretries, int) and m.maxretries > 0 else 0
    retry = m.retry_interval if isinstance(m.retry_interval, int) and m.retry_interval > 0 \
        else m.interval
    grace = retries * retry if isinstance(retry, int) else retry
    if grace == 0:
        grace = MIN_SECONDS
        spec.notes.append(f"grace {MIN_SECONDS} s: with no retries Kuma says down as soon as "
                          "the interval has passed")
    spec.data = {"name": m.name, "push_token": m.push_token, "timeout": m.interval,
                 "grace": grace, "failure_threshold": retries + 1,
                 "desc": m.description or "", "manual_resume": not m.active}
    words = [tag_word(name, value) for name, value in m.tags]
    spec.data["tags"] = " ".join(w for w in words if w)
    for (name, value), word in zip(m.tags, words, strict=True):
        if word != (f"{name}:{value}" if value else name):
            spec.notes.append(f"tag {name!r}{f' = {value!r}' if value else ''} carried as "
                              f"{word!r} (a tag here is one word)")
    if isinstance(m.resend_interval, int) and m.resend_interval > 0 \
            and isinstance(m.interval, int):
        spec.data["nag_period"] = m.resend_interval * m.interval
    if not m.active:
        spec.notes.append("inactive in Kuma: imported paused, with manual resume, so that "
                          "pushes do not resume it until someone does")
    if m.notifications:
        spec.notes.append(f"its {m.notifications} Kuma notification(s) not carried: Kuma's "
                          "notification settings are not imported; it alerts this project's "
                          "channels")
    spec.paused = not m.active
    return spec


def import_file(project_id: int, path: Path) -> Report:
    """Carry the push monitors of the Kuma database or backup at `path` into the project.

    ImportRefused, before anything is written, when the file cannot be read."""
    source, monitors = read(path)
    report = Report(source)
    apply_checks(project_id, [monitor_spec(m) for m in monitors], None, report)
    return report
