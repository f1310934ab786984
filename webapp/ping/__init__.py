"""Every ping endpoint (Healthchecks, Uptime Kuma / Tianji push, the original
Heartbeats' /api/pings/), served by one door in front of Flask: `PingLane`."""

from .lane import PingLane

__all__ = ["PingLane"]
