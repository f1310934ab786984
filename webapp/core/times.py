"""The clock, read in one place, and times as the API and webhooks write them."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


def utc_iso(dt: datetime | None) -> str | None:
    """ISO 8601 in UTC with its offset, to the second: "2026-11-21T02:35:00+00:00"."""
    return None if dt is None else dt.astimezone(UTC).isoformat(timespec="seconds")
