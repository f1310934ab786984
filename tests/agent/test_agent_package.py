"""The client installs as its README says (`pip install ./agent`), into a
fresh environment of the oldest Python it supports (3.9), and runs there."""

from __future__ import annotations

import glob
import shutil
import subprocess
from pathlib import Path

import pytest

from support import ROOT, free_port


def python39() -> str | None:
    """A Python 3.9: pyenv's own (its shim answers only where it is selected), or on PATH."""
    pyenv = sorted(glob.glob(str(Path.home() / ".pyenv/versions/3.9*/bin/python3.9")))
    if pyenv:
        return pyenv[-1]
    found = shutil.which("python3.9")
    if found and subprocess.run([found, "-c", ""], capture_output=True).returncode == 0:
        return found
    return None


@pytest.mark.skipif(python39() is None, reason="no Python 3.9 on this machine")
def test_pip_install_agent_works_on_python_3_9(tmp_path):
    source = tmp_path / "agent"  # a copy: the build leaves nothing in the checkout
    shutil.copytree(ROOT / "agent", source,
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "build"))
    venv = tmp_path / "venv"
    subprocess.run([python39(), "-m", "venv", str(venv)], check=True, timeout=120)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(source)], check=True,
                   timeout=600)
    version = subprocess.run([str(venv / "bin" / "hb"), "--version"], capture_output=True,
                             text=True, timeout=60)
    assert version.returncode == 0 and version.stdout.startswith("hb, version 0.1.0")
    # Its exit status is the command's, with the monitor out of reach.
    done = subprocess.run([str(venv / "bin" / "hb"), "run", "--url",
                           f"http://127.0.0.1:{free_port()}", "--uuid", "u", "--",
                           str(venv / "bin" / "python"), "-c", "raise SystemExit(5)"],
                          capture_output=True, timeout=60)
    assert done.returncode == 5, done.stderr
