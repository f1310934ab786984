"""`hb run`: run a command as a monitored job, as runitor does for Healthchecks.

A start signal with a run id, the command with its stdin, stdout and stderr
passed through live, then its exit status (with the same run id) and the last
bytes of its combined output as the body, as many as the server's
`Ping-Body-Limit` says it keeps. hb exits with the command's own status: a
monitor that cannot be reached changes nothing for the job.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid as uuidlib
from collections.abc import Sequence
from typing import IO

from .sender import send
from .settings import Target

DEFAULT_BODY_LIMIT = 10_000  # bytes, when the server does not say (runitor's default)
TIMED_OUT = 124  # the exit status of a command killed by --timeout, as timeout(1) gives
NOT_FOUND, NOT_RUNNABLE = 127, 126  # as a shell answers
KILL_AFTER = 5.0  # seconds between SIGTERM and SIGKILL when --timeout ends a command


class Tail:
    """The last `limit` bytes of the command's combined output."""

    def __init__(self, limit: int):
        self.limit, self.data, self.lock = limit, bytearray(), threading.Lock()

    def add(self, chunk: bytes) -> None:
        with self.lock:
            self.data += chunk
            if len(self.data) > self.limit:
                del self.data[:len(self.data) - self.limit]

    def bytes(self) -> bytes:
        with self.lock:
            return bytes(self.data)


def body_limit(response) -> int:
    """What the server keeps of a ping body, from its Ping-Body-Limit answer header."""
    try:
        return max(0, int(response.headers["Ping-Body-Limit"]))
    except (AttributeError, KeyError, TypeError, ValueError):
        return DEFAULT_BODY_LIMIT


def pump(source: IO[bytes], sink: IO[bytes], tail: Tail) -> None:
    """Copy one of the command's outputs to ours as it comes, keeping its tail."""
    while True:
        chunk = os.read(source.fileno(), 65536)
        if not chunk:
            return
        tail.add(chunk)
        sink.write(chunk)
        sink.flush()


def execute(command: Sequence[str], tail: Tail, timeout: float | None) -> int:
    """Run `command` to its end (or `timeout`); its exit status, as a shell gives it."""
    try:
        proc = subprocess.Popen(list(command), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except FileNotFoundError as e:
        return refuse(tail, NOT_FOUND, f"hb: cannot run {command[0]}: {e.strerror}")
    except PermissionError as e:
        return refuse(tail, NOT_RUNNABLE, f"hb: cannot run {command[0]}: {e.strerror}")
    pumps: list[threading.Thread] = [
        threading.Thread(target=pump, args=(proc.stdout, sys.stdout.buffer, tail), daemon=True),
        threading.Thread(target=pump, args=(proc.stderr, sys.stderr.buffer, tail), daemon=True),
    ]
    for t in pumps:
        t.start()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.terminate()
        try:
            proc.wait(timeout=KILL_AFTER)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for t in pumps:
            t.join(timeout=1)
        return refuse(tail, TIMED_OUT, f"hb: killed after {timeout:g} s (--timeout)")
    for t in pumps:
        t.join()
    code = proc.returncode
    return 128 - code if code < 0 else code  # killed by signal N: 128 + N, as a shell says


def refuse(tail: Tail, code: int, message: str) -> int:
    """Say why the command did not run (or finish) on stderr and in the body."""
    print(message, file=sys.stderr, flush=True)
    tail.add(("\n" + message + "\n").encode())
    return code


def run(command: Sequence[str], target: Target, *, start: bool = True, output: bool = True,
        timeout: float | None = None, create: bool = False,
        msg: str | None = None) -> int:
    """Run `command` under the check `target`; returns the command's exit status."""
    params = {"rid": str(uuidlib.uuid4())}
    if create and target.slug:
        params["create"] = "1"
    limit = DEFAULT_BODY_LIMIT
    if start:
        answer = send(target.url("start"), params=params)
        if answer is not None:
            limit = body_limit(answer)
    tail = Tail(limit)
    code = execute(command, tail, timeout)
    if msg:
        params["msg"] = msg
    send(target.url(str(min(code, 255))), params=params,
         body=tail.bytes() if output else None)
    return code

