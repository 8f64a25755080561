"""The layering of DESIGN.md holds: faces (akhbar) -> scheduler -> crawler -> db.

The contracts are import-linter's, in ``[tool.importlinter]`` of ``pyproject.toml``
(``lint-imports`` from the repository root runs them too): a lower layer never imports a
higher one, ``db`` knows nothing of Scrapy, and the migrations import ``db`` only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def contracts() -> list[dict]:
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))
    return config["tool"]["importlinter"]["contracts"]


def test_the_layers_are_the_design_s():
    layers = [c["layers"] for c in contracts() if c["type"] == "layers"]
    assert layers == [["akhbar", "scheduler", "crawler", "db"]]


def lint_imports(cwd: Path, pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    """``lint-imports`` in its own interpreter: in this one, modules the other tests imported
    (zope.interface's class attributes, through Twisted) trip import-linter's own start."""
    env = {**os.environ}
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(PYPROJECT), "--no-cache", "--no-logo"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_contract_is_kept():
    result = lint_imports(ROOT)
    # The report names the import that breaks a contract.
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(contracts())} kept, 0 broken." in result.stdout


def test_a_lower_layer_importing_a_higher_one_breaks_the_contract(tmp_path):
    """The contracts bite: the same configuration on four tiny packages where db imports
    crawler fails."""
    for package in ("akhbar", "scheduler", "crawler", "db", "migrations"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "akhbar" / "cli.py").write_text("import scheduler\n", encoding="utf-8")
    (tmp_path / "db" / "models.py").write_text("import crawler.items\n", encoding="utf-8")
    (tmp_path / "crawler" / "items.py").write_text("", encoding="utf-8")
    result = lint_imports(tmp_path, pythonpath=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "db.models -> crawler.items" in result.stdout
    assert "Faces -> scheduler -> crawler -> db BROKEN" in result.stdout
