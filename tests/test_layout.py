"""What the layout promises beyond import-linter's contracts (see `make lint`):
the rules in core/ and the plumbing in db/ never read a web request."""

import ast
from pathlib import Path

import pytest

WEBAPP = Path(__file__).resolve().parent.parent / "webapp"
# What would tie a module to the request being answered.
REQUEST_NAMES = {"request", "has_request_context", "session", "g"}


def request_uses(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module in ("flask", "flask.globals"):
            found += [f"line {node.lineno}: from flask import {a.name}"
                      for a in node.names if a.name in REQUEST_NAMES]
        elif (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
              and node.value.id == "flask" and node.attr in REQUEST_NAMES):
            found.append(f"line {node.lineno}: flask.{node.attr}")
    return found


@pytest.mark.parametrize("path", sorted((WEBAPP / "core").rglob("*.py"))
                         + sorted((WEBAPP / "db").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(WEBAPP)))
def test_the_core_and_the_database_plumbing_read_no_web_request(path):
    assert request_uses(path) == []


def test_the_check_finds_a_request_read(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("import flask\nfrom flask import current_app, request\nx = flask.g\n")
    assert request_uses(sample) == ["line 2: from flask import request", "line 3: flask.g"]
