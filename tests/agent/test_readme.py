"""The examples of agent/README.md and the server README's `hb` section, run
as written (bash, the installed `hb`) against a real server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
import yaml

from support import ROOT, RUNITOR_AND_HB_ENV
from webapp.core.models import Check, Ping
from webapp.db import db


def bash_blocks(path: Path) -> list[str]:
    return re.findall(r"```bash\n(.*?)```", path.read_text(), re.S)


def run(script: str, **env) -> None:
    clean = {k: v for k, v in os.environ.items() if k not in RUNITOR_AND_HB_ENV}
    path = f"{Path(sys.executable).parent}:{clean['PATH']}"
    lines = [line for line in script.splitlines() if not line.startswith("pip install")]
    subprocess.run(["bash", "-e", "-c", "\n".join(lines)], env={**clean, "PATH": path, **env},
                   check=True, capture_output=True, timeout=60)


def kinds(app, uuid) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(
            sa.select(Ping.kind, Ping.msg, Ping.value).join(Check, Check.id == Ping.check_id)
            .where(Check.uuid == uuid).order_by(Ping.n)).all()
        db.session.remove()
    return [tuple(r) for r in rows]


def test_the_agent_readme_examples_run(app, web_process, new_check, user, tmp_path):
    install, run_block, ping_block, runitor_block, agent_block = bash_blocks(
        ROOT / "agent" / "README.md")
    assert install.strip().startswith("pip install ./agent")
    uuid = new_check()
    run(run_block, HB=web_process, UUID=uuid)
    assert [k for k, _, _ in kinds(app, uuid)] == ["start", "success"]
    run(ping_block, HB=web_process, UUID=uuid)
    assert kinds(app, uuid)[2:] == [("success", None, None), ("fail", "disk full", None),
                                    ("success", "42 rows", 42.0)]
    other = new_check(name="runitor")
    run(runitor_block, HB=web_process, UUID=other)
    assert [k for k, _, _ in kinds(app, other)] == ["start", "success"]
    # The agent: its example file, with this server and key set, as the comment says.
    write_example, run_agent = agent_block.strip().splitlines()
    subprocess.run(["bash", "-e", "-c", write_example], cwd=tmp_path, check=True, timeout=60,
                   env={**os.environ, "PATH": f"{Path(sys.executable).parent}:"
                                              f"{os.environ['PATH']}"})
    config = yaml.safe_load((tmp_path / "agent.yaml").read_text())
    config.update(server=web_process, api_key=user[1])
    config["targets"] = [{"name": "local", "mounts": ["/"]}]
    (tmp_path / "agent.yaml").write_text(yaml.safe_dump(config))
    run(f"cd {tmp_path}\n{run_agent}")
    with app.app_context():
        assert db.session.scalar(sa.select(Check).where(Check.name == "local disk /")) is not None
        db.session.remove()


def test_the_server_readme_hb_example_runs(app, web_process, new_check):
    readme = (ROOT / "README.md").read_text()
    section = readme[readme.index("## The `hb` client"):]
    script = re.search(r"```bash\n(.*?)```", section, re.S).group(1)
    uuid = new_check()
    run(script, HB=web_process, UUID=uuid)
    assert [k for k, _, _ in kinds(app, uuid)] == ["start", "success"]
