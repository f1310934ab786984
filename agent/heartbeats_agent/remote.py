"""One round of facts from a Linux host over SSH, installing nothing there:
one session per host per round runs one script of standard commands (/proc,
`df -P`, `ps`), whose output `facts` parses."""

from __future__ import annotations

import shlex
import socket
from pathlib import Path

import paramiko

from . import facts
from .agent_config import Target
from .collect import Reading

MARK = "==hb:"
TIMEOUT = 15.0  # seconds to connect, and for the script's output
# Pseudo file systems df leaves out when no mounts are named (GNU df's -x).
NOT_DISKS = ("tmpfs", "devtmpfs", "squashfs", "overlay")


def script(target: Target) -> str:
    """The shell script one round runs on the host: each output under a marker."""
    mounts = " ".join(shlex.quote(m) for m in target.mounts) if target.mounts \
        else " ".join(f"-x {fs}" for fs in NOT_DISKS)
    parts = [
        ("stat1", "head -1 /proc/stat"), ("sleep", "sleep 1"), ("stat2", "head -1 /proc/stat"),
        ("loadavg", "cat /proc/loadavg"), ("meminfo", "cat /proc/meminfo"),
        ("df", f"df -P {mounts}"), ("dfi", f"df -Pi {mounts}"), ("ps", "ps -eo comm="),
    ]
    return "; ".join(f"echo '{MARK}{name}'; LC_ALL=C {command} 2>&1" for name, command in parts)


def sections(output: str) -> dict[str, str]:
    """The script's output, by marker."""
    out: dict[str, list[str]] = {}
    current = None
    for line in output.splitlines():
        if line.startswith(MARK):
            current = line[len(MARK):].strip()
            out[current] = []
        elif current is not None:
            out[current].append(line)
    return {name: "\n".join(lines) + "\n" for name, lines in out.items()}


def readings(target: Target, output: str) -> list[Reading]:
    """What the script's output says, as the agent's readings."""
    s = sections(output)
    result = [
        Reading("cpu", "", facts.cpu_percent(s["stat1"], s["stat2"]), "CPU in use, %"),
        Reading("load", "", facts.load_average(s["loadavg"])[0], "1-minute load average"),
        Reading("memory", "", facts.memory_percent(s["meminfo"]), "memory in use, %"),
        Reading("swap", "", facts.swap_percent(s["meminfo"]), "swap in use, %"),
    ]
    inodes = facts.df_table(s["dfi"])
    for mount, pair in facts.df_table(s["df"]).items():
        result.append(Reading("disk", mount, facts.used_percent(pair), f"{mount} in use, %"))
        inode_use = facts.used_percent(inodes.get(mount))
        if inode_use is not None:
            result.append(Reading("inodes", mount, inode_use, f"{mount} inodes in use, %"))
    for name, n in facts.process_counts(s["ps"], target.processes).items():
        result.append(Reading("process", name, float(n) if n else None,
                              f"{n} running" if n else f"{name} is not running"))
    return result


def collect(target: Target, key: str | None, known_hosts: str | None = None) -> str:
    """Run the round's script on the host; its output. Raises OSError or
    paramiko.SSHException (the caller reports the host down, saying why).

    A host seen for the first time is trusted and remembered (as ssh's
    StrictHostKeyChecking=accept-new); a host whose key changed is refused."""
    client = paramiko.SSHClient()
    hosts_file = Path(known_hosts or Path.home() / ".ssh" / "known_hosts").expanduser()
    if hosts_file.exists():
        client.load_host_keys(str(hosts_file))
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    try:
        client.connect(target.host or "", port=target.port, username=target.user,
                       key_filename=str(Path(key).expanduser()) if key else None,
                       timeout=TIMEOUT, banner_timeout=TIMEOUT, auth_timeout=TIMEOUT,
                       allow_agent=False, look_for_keys=key is None)
        hosts_file.parent.mkdir(parents=True, exist_ok=True)
        client.save_host_keys(str(hosts_file))
        _, stdout, _ = client.exec_command(script(target), timeout=TIMEOUT)
        return stdout.read().decode("utf-8", errors="replace")
    finally:
        client.close()


def unreachable(target: Target, error: Exception) -> str:
    """Why the host could not be read, in a sentence for the checks' message."""
    if isinstance(error, paramiko.AuthenticationException):
        why = "the key was refused"
    elif isinstance(error, paramiko.BadHostKeyException):
        why = "its host key changed (see known_hosts)"
    elif isinstance(error, socket.timeout):
        why = "timed out"
    else:
        why = str(error) or type(error).__name__
    return f"cannot reach {target.host}:{target.port}: {why}"[:900]
