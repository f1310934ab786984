"""The curl examples of the seed documents, run as written against a live server.

Only the host and the secrets change: the push token becomes a check's uuid,
and the original Heartbeats' `root:'xxxx'` login becomes an API key.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from webapp.core.models import Check, Ping
from webapp.db import db

# A copy of shared/seeds/, the documents the product was made from, kept here
# so that the suite runs them wherever it runs.
SEEDS = Path(__file__).resolve().parent / "seeds"
# A curl command on a line of its own, or quoted inline in `backticks`.
CURL_LINE = re.compile(r"(?:^\s*|`)(curl [^`\n]+)", re.MULTILINE)

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")


def seed_curl_lines() -> list[str]:
    lines = set()
    for seed in sorted(SEEDS.glob("0*.txt")):
        lines.update(CURL_LINE.findall(seed.read_text()))
    return sorted(lines)


def test_the_seeds_have_the_examples_we_expect():
    lines = seed_curl_lines()
    assert any("/api/push/" in line for line in lines)
    assert any("/api/pings/" in line for line in lines)


def run(line: str) -> subprocess.CompletedProcess:
    # --fail makes an HTTP error a non-zero exit, so a refused example fails the test.
    return subprocess.run(["bash", "-c", line.replace("curl ", "curl --fail -sS ", 1)],
                          capture_output=True, text=True, timeout=30)


def test_every_seed_curl_example_works_against_us(app, live_server, api, user):
    uuid = api("post", "/checks/", json={"name": "cert-sync", "slug": "60y4e",
                                         "timeout": 7200, "grace": 300}).get_json()["uuid"]
    host = live_server
    ran = 0
    for line in seed_curl_lines():
        line = (line.replace("https://tianji.example.com", host)
                    .replace("http://192.168.0.1", host)
                    .replace("<your-push-token>", uuid)
                    .replace("root:'xxxx'", f"root:'{user[1]}'"))
        result = run(line)
        assert result.returncode == 0, (line, result.stdout, result.stderr)
        ran += 1
    with app.app_context():
        kinds = db.session.scalars(sa.select(Ping.kind).join(Check).where(Check.uuid == uuid)).all()
        msgs = set(db.session.scalars(sa.select(Ping.msg).join(Check).where(Check.uuid == uuid)))
    assert len(kinds) == ran
    # The Tianji page's messages and the original Heartbeats' data alerts.
    assert {"backup-completed", "backup-failed", "123", "xxx"} <= msgs
    assert "fail" in kinds and "success" in kinds
