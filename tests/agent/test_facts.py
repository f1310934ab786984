"""The host fact parsers on outputs recorded from a Linux host (Debian,
kernel 6.x), plus an older kernel's /proc/meminfo without MemAvailable and
two df lines written by hand: a mount point with a space, and a file system
whose inode counts df shows as "-"."""

from pathlib import Path

import pytest
from heartbeats_agent import facts

RECORDED = Path(__file__).parent / "recorded"


def recorded(name: str) -> str:
    return (RECORDED / name).read_text()


def test_cpu_is_the_busy_share_of_the_ticks_between_two_readings():
    # 215180 809 38318 638908 1627 0 1966 986 -> 215218 809 38328 639058 1627 0 1968 986:
    # busy +38 +0 +10 +2 +0 = 50 of 200 ticks (idle +150, iowait +0).
    assert facts.cpu_percent(recorded("proc_stat_1.txt"), recorded("proc_stat_2.txt")) == 25.0
    assert facts.cpu_percent(recorded("proc_stat_1.txt"), recorded("proc_stat_1.txt")) == 0.0
    with pytest.raises(ValueError, match="no cpu line"):
        facts.cpu_times("intr 1 2 3")


def test_load_and_memory():
    assert facts.load_average(recorded("proc_loadavg.txt")) == (1.37, 1.16, 0.89)
    # MemTotal 24683584, MemAvailable 23764728: 918856 in use.
    assert facts.memory_percent(recorded("proc_meminfo.txt")) == 3.7
    assert facts.swap_percent(recorded("proc_meminfo.txt")) == 0.0  # no swap at all
    old = recorded("proc_meminfo_old_kernel.txt")
    # No MemAvailable: 8000000 - (500000 + 100000 + 1400000) = 6000000 in use.
    assert facts.memory_percent(old) == 75.0
    assert facts.swap_percent(old) == 50.0


def test_disks_per_mount_with_inodes():
    found = facts.disks(recorded("df_P.txt"), recorded("df_Pi.txt"))
    assert set(found) == {"/dev", "/dev/shm", "/", "/sys/fs/cgroup", "/media/My Disk"}
    # 24732356 / (24732356 + 81658556): df says 24%; the reserved blocks count as neither.
    assert found["/"] == (23.2, 2.6)
    assert found["/media/My Disk"] == (90.0, 0.0)
    assert found["/dev"] == (0.0, 0.0)
    assert facts.df_table(recorded("df_Pi.txt"))["/mnt/nfs"] is None
    assert facts.used_percent(None) is None and facts.used_percent((0, 0)) is None


def test_processes_are_counted_by_name_as_ps_cuts_them():
    counts = facts.process_counts(recorded("ps_comm.txt"),
                                  ["postgres", "redis-server", "nginx", "inet_gethost"])
    assert counts == {"postgres": 12, "redis-server": 1, "nginx": 0, "inet_gethost": 2}
    assert facts.process_counts("a-very-long-pro\n", ["a-very-long-process-name"]) == {
        "a-very-long-process-name": 1}
