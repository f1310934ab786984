"""The package as `pip install .` installs it: every module, importable from any
directory, with the settings module it reads (config.py) beside it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def modules(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*.py")}


def test_the_installed_package_has_every_module_and_imports_from_anywhere(tmp_path):
    # Built from a copy, so the build leaves nothing in the checkout.
    source = tmp_path / "source"
    source.mkdir()
    for name in ("pyproject.toml", "config.py"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(ROOT / "webapp", source / "webapp",
                    ignore=shutil.ignore_patterns("__pycache__"))
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                    "--target", str(site), str(source)], check=True, timeout=300)
    assert modules(site / "webapp") == modules(ROOT / "webapp")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = subprocess.run(
        [sys.executable, "-c", "import config, webapp, webapp.alerts.transports, "
         "webapp.dashboard.pages.home; print(webapp.__file__); print(config.__file__)"],
        cwd=elsewhere, env={**os.environ, "PYTHONPATH": str(site)},
        capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == [str(site / "webapp" / "__init__.py"), str(site / "config.py")]
