"""One round of `hb agent` for one target: its readings, from this machine or
over SSH; a host that cannot be read gives readings that are down, saying
why, so that its checks go down rather than fall silent."""

from __future__ import annotations

import paramiko

from . import remote
from .agent_config import AgentConfig, Target
from .collect import Reading, local


def readings(config: AgentConfig, target: Target) -> tuple[list[Reading], str | None]:
    """The target's readings, and why it could not be read (None when it was)."""
    if not target.host:
        return local(target), None
    try:
        output = remote.collect(target, config.key, config.known_hosts)
        return remote.readings(target, output), None
    except (OSError, EOFError, paramiko.SSHException) as e:
        why = remote.unreachable(target, e)
    except (KeyError, ValueError, IndexError) as e:
        why = f"cannot read {target.host}'s facts (is it Linux?): {type(e).__name__}: {e}"
    return down(target, why), why


def down(target: Target, why: str) -> list[Reading]:
    """A reading for each check the file says the target has, each down with `why`."""
    items = [("cpu", ""), ("load", ""), ("memory", ""), ("swap", "")]
    items += [(m, mount) for mount in target.mounts or [] for m in ("disk", "inodes")]
    items += [("process", name) for name in target.processes]
    return [Reading(metric, item, None, why) for metric, item in items]
