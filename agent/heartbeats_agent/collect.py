"""One round of facts from this machine (psutil): each value an `hb agent`
check is pinged with, by metric name."""

from __future__ import annotations

import os
from typing import NamedTuple

import psutil

from .agent_config import Target

# Mounts that are not disks: memory, kernel and container plumbing.
NOT_DISKS = {"tmpfs", "devtmpfs", "squashfs", "overlay", "proc", "sysfs", "cgroup", "cgroup2"}


class Reading(NamedTuple):
    metric: str  # cpu, load, memory, swap, disk, inodes, process
    item: str  # the mount or process name; "" for host-wide metrics
    value: float | None  # None: a process that is not running
    message: str


def local(target: Target) -> list[Reading]:
    """This machine's readings for `target`."""
    readings = [
        Reading("cpu", "", psutil.cpu_percent(interval=1.0), "CPU in use, %"),
        Reading("load", "", round(os.getloadavg()[0], 2), "1-minute load average"),
        Reading("memory", "", psutil.virtual_memory().percent, "memory in use, %"),
        Reading("swap", "", psutil.swap_memory().percent, "swap in use, %"),
    ]
    for mount in target.mounts or disk_mounts():
        try:
            usage = psutil.disk_usage(mount)
            stat = os.statvfs(mount)
        except OSError as e:
            readings.append(Reading("disk", mount, None, f"{mount}: {e.strerror}"))
            continue
        readings.append(Reading("disk", mount, usage.percent, f"{mount} in use, %"))
        if stat.f_files:
            inodes = 100.0 * (stat.f_files - stat.f_ffree) / stat.f_files
            readings.append(Reading("inodes", mount, round(inodes, 1), f"{mount} inodes in use, %"))
    counts = process_counts(target.processes)
    for name, n in counts.items():
        readings.append(Reading("process", name, float(n) if n else None,
                                f"{n} running" if n else f"{name} is not running"))
    return readings


def disk_mounts() -> list[str]:
    return sorted({p.mountpoint for p in psutil.disk_partitions(all=False)
                   if p.fstype not in NOT_DISKS})


def process_counts(names: list[str]) -> dict[str, int]:
    wanted = {name: 0 for name in names}
    for proc in psutil.process_iter(["name"]):
        name = proc.info.get("name")
        if name in wanted:
            wanted[name] += 1
    return wanted
