"""Reading a Linux host's facts from what it prints: /proc/stat, /proc/loadavg,
/proc/meminfo, `df -P`, `df -Pi` and `ps -eo comm=`. Pure: the text comes in,
numbers come out, so the same parsers serve a host read over SSH and are
tested on recorded outputs (tests/agent/recorded/).
"""

from __future__ import annotations

from collections import Counter
from typing import NamedTuple

COMM_LIMIT = 15  # ps shows at most this many characters of a process name (TASK_COMM_LEN - 1)


class CpuTimes(NamedTuple):
    busy: int
    total: int


def cpu_times(stat: str) -> CpuTimes:
    """The aggregate `cpu` line of /proc/stat, in clock ticks. Guest time is
    already counted in user time, so only the first eight fields add up."""
    for line in stat.splitlines():
        fields = line.split()
        if fields and fields[0] == "cpu":
            ticks = [int(v) for v in fields[1:9]]
            idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
            return CpuTimes(sum(ticks) - idle, sum(ticks))
    raise ValueError("no cpu line in /proc/stat")


def cpu_percent(first: str, second: str) -> float:
    """CPU use between two readings of /proc/stat, in percent of all CPUs."""
    a, b = cpu_times(first), cpu_times(second)
    elapsed = b.total - a.total
    if elapsed <= 0:
        return 0.0
    return round(100.0 * (b.busy - a.busy) / elapsed, 1)


def load_average(loadavg: str) -> tuple[float, float, float]:
    """The 1, 5 and 15 minute load averages of /proc/loadavg."""
    one, five, fifteen = (float(v) for v in loadavg.split()[:3])
    return one, five, fifteen


def meminfo(text: str) -> dict[str, int]:
    """/proc/meminfo as {field: kB}."""
    out = {}
    for line in text.splitlines():
        name, _, rest = line.partition(":")
        value = rest.split()
        if value and value[0].isdigit():
            out[name.strip()] = int(value[0])
    return out


def memory_percent(text: str) -> float:
    """Memory in use, in percent: what is not available (MemAvailable, or on
    kernels before 3.14 free + buffers + page cache)."""
    info = meminfo(text)
    total = info["MemTotal"]
    available = info.get("MemAvailable",
                         info.get("MemFree", 0) + info.get("Buffers", 0) + info.get("Cached", 0))
    return round(100.0 * (total - available) / total, 1) if total else 0.0


def swap_percent(text: str) -> float:
    """Swap in use, in percent; 0 on a host without swap."""
    info = meminfo(text)
    total = info.get("SwapTotal", 0)
    return round(100.0 * (total - info.get("SwapFree", 0)) / total, 1) if total else 0.0


def df_table(text: str) -> dict[str, tuple[int, int] | None]:
    """`df -P` or `df -Pi` as {mount point: (used, available)}; None where df
    shows "-" (a file system that does not count inodes, say). The mount
    point is the rest of the line, so one with spaces in it stays whole."""
    out: dict[str, tuple[int, int] | None] = {}
    for line in text.splitlines()[1:]:
        fields = line.split(None, 5)
        if len(fields) < 6:
            continue
        _, _, used, available, _, mount = fields
        out[mount] = (int(used), int(available)) if used.isdigit() and available.isdigit() \
            else None
    return out


def used_percent(pair: tuple[int, int] | None) -> float | None:
    """Used / (used + available), as df's Capacity is but not rounded up: the
    blocks reserved for root count as neither."""
    if pair is None or sum(pair) == 0:
        return None
    used, available = pair
    return round(100.0 * used / (used + available), 1)


def disks(df_blocks: str, df_inodes: str) -> dict[str, tuple[float | None, float | None]]:
    """{mount point: (disk %, inode %)} from `df -P` and `df -Pi`."""
    blocks, inodes = df_table(df_blocks), df_table(df_inodes)
    return {mount: (used_percent(pair), used_percent(inodes.get(mount)))
            for mount, pair in blocks.items()}


def process_counts(ps_comm: str, names: list[str]) -> dict[str, int]:
    """How many processes run under each of `names`, from `ps -eo comm=`
    (which cuts names at 15 characters, so the names are compared cut too)."""
    running = Counter(line.strip() for line in ps_comm.splitlines() if line.strip())
    return {name: running[name[:COMM_LIMIT]] for name in names}
