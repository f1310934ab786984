"""Names of a check that may be shown where its uuid may not.

The uuid is the check's secret ping token: whoever reads it can ping. A
read-only API key's answers and the Prometheus metrics name the check by
`unique_key` instead, as Healthchecks does; badges name it by its badge_key.
"""

from __future__ import annotations

import hashlib


def unique_key(uuid: str) -> str:
    """Healthchecks' `unique_key`: a SHA-1 of the uuid, which names the check
    (GET /api/v3/checks/<unique_key>) but cannot ping it."""
    return hashlib.sha1(uuid.encode()).hexdigest()
