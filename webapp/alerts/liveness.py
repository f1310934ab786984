"""What the parts of one worker process know of each other's health."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

# The sweep runs several times a second and writes its heartbeat every second:
# ten seconds without a good cycle means alerts are not going out (/health).
SWEEP_STALE_AFTER = 10.0
# The dashboard's banner speaks sooner: after 4 s of silence, so that with the
# page's 4 s refresh (and up to 1 s between heartbeats) it shows within 10 s
# of the worker stopping.
BANNER_AFTER = 4.0
# How often the job loop, waiting for a job, tells that it lives.
JOB_LOOP_BEAT_EVERY = 5


@dataclass
class Liveness:
    # The job loop's last cycle (wall clock), which the sweep writes to the
    # database for it: the job loop must never wait on the database to say it lives.
    jobs_at: datetime | None = None
    # When the sweep last completed a cycle (time.monotonic()).
    sweep_ok_at: float | None = None

    def sweep_healthy(self) -> bool:
        return (self.sweep_ok_at is not None
                and time.monotonic() - self.sweep_ok_at < SWEEP_STALE_AFTER)
