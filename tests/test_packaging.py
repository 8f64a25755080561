"""A plain ``pip install .`` ships everything Akhbar reads at run time.

The systemd deployment installs the wheel, not the checkout: the demo's sites,
the search page's templates and static files, and the Alembic revisions must be
package data, or ``akhbar demo``, ``akhbar serve`` and ``akhbar db upgrade``
fail on a deployed machine only.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("akhbar", "crawler", "db", "scheduler", "migrations")
DATA_FOLDERS = ("akhbar/demo_sites", "akhbar/web/templates", "akhbar/web/static", "migrations")


def source_files(folder: str) -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / folder).rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_the_wheel_holds_the_demo_sites_templates_and_migrations(tmp_path: Path) -> None:
    # Built from a copy: a build in the checkout would write build/ there.
    source = tmp_path / "source"
    for package in PACKAGES:
        shutil.copytree(ROOT / package, source / package, ignore=shutil.ignore_patterns("*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), source],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [wheel] = tmp_path.glob("akhbar-*.whl")
    shipped = set(zipfile.ZipFile(wheel).namelist())
    for folder in DATA_FOLDERS:
        missing = source_files(folder) - shipped
        assert not missing, f"not in the wheel: {sorted(missing)[:10]}"
