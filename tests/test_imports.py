"""Everything imports, and everything it imports is declared.

A dependency that is missing or broken (lxml 6.2 without ``lxml_html_clean``
made importing trafilatura fail) must fail this suite, not a user's crawl:
every module of the project is imported, the generic extraction (which loads
trafilatura only when it reads a page) runs once on a saved page, and every
third-party module our code imports must belong to a distribution that
``pyproject.toml`` declares: the project's dependencies for the packages, the
``dev`` extra too for the tests and the ``bench`` extra for the benchmarks.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import pkgutil
import re
import sys
import tomllib
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("akhbar", "crawler", "db", "scheduler", "migrations")
OUR_TOP_LEVEL = {*PACKAGES, "tests", "benchmarks"}
NOT_IMPORTABLE = {"migrations.env"}
"""Alembic's environment script: it runs migrations when imported, inside ``alembic``.
(``__main__`` modules, which run their program, are left out as well.)"""
SAVED_SITE = "tests/fixtures/hawarnews/site"
SAVED_ARTICLE = "ar/haber/2019/02/06/bwmbyw-amam-althalf-aldwly-anshab-qwatna-mn-h10269/"


def project_modules() -> list[str]:
    names = []
    for package in PACKAGES:
        path = ROOT / package
        names.append(package)
        for module in pkgutil.walk_packages([str(path)], prefix=f"{package}."):
            if module.name not in NOT_IMPORTABLE and not module.name.endswith(".__main__"):
                names.append(module.name)
    return names


@pytest.mark.parametrize("name", project_modules())
def test_module_imports(name: str) -> None:
    importlib.import_module(name)


def test_generic_extraction_runs_on_a_saved_page() -> None:
    from crawler.extraction import extract_article

    html = (ROOT / SAVED_SITE / SAVED_ARTICLE / "index.html").read_bytes()
    item = extract_article(html, f"https://www.hawarnews.com/{SAVED_ARTICLE}")
    assert item is not None
    assert item.title.startswith("بومبيو")
    assert len(item.body) > 500


# --------------------------------------------------------------------------- declared


def normalized(distribution: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", distribution).lower()


def requirement_names(requirements: list[str]) -> set[str]:
    return {normalized(re.match(r"[A-Za-z0-9._-]+", r).group()) for r in requirements}


@cache
def declared() -> dict[str, set[str]]:
    """Distributions declared by pyproject.toml: ``main``, and each extra's own."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    found = {"main": requirement_names(project["dependencies"])}
    for extra, requirements in project.get("optional-dependencies", {}).items():
        found[extra] = requirement_names(requirements)
    return found


def imported_top_level(folder: Path, skip: Path | None = None) -> dict[str, Path]:
    """Top-level modules imported anywhere under ``folder`` but ``skip`` (lazy imports too)."""
    found: dict[str, Path] = {}
    for path in sorted(folder.rglob("*.py")):
        if skip is not None and path.is_relative_to(skip):
            continue
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.partition(".")[0], path)
    return found


def _squeezed(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def named_after(module: str, allowed: set[str]) -> set[str]:
    """Declared distributions named after ``module`` (``readability`` -> ``readability-lxml``,
    ``newsplease`` -> ``news-please``): how an extra that is not installed here is matched."""
    return {d for d in allowed if _squeezed(d).startswith(_squeezed(module))}


def undeclared(folder: str, allowed: set[str], skip: str | None = None) -> list[str]:
    """The third-party modules imported under ``folder`` whose distribution is not allowed."""
    distributions = importlib.metadata.packages_distributions()
    missing = []
    found = imported_top_level(ROOT / folder, ROOT / skip if skip else None)
    for module, path in found.items():
        if module in sys.stdlib_module_names or module in OUR_TOP_LEVEL:
            continue
        providers = {normalized(d) for d in distributions.get(module, [])}
        if not providers and named_after(module, allowed):
            continue  # an extra's package that this install left out (CI installs .[dev])
        if not providers & allowed:
            where = path.relative_to(ROOT)
            missing.append(f"{module} (from {sorted(providers) or 'no distribution'}) in {where}")
    return missing


@pytest.mark.parametrize("package", PACKAGES)
def test_package_imports_only_declared_dependencies(package: str) -> None:
    assert not undeclared(package, declared()["main"])


def test_tests_import_only_dependencies_and_the_dev_extra() -> None:
    assert not undeclared("tests", declared()["main"] | declared()["dev"], skip="tests/fixtures")


def test_fixture_scripts_import_only_dependencies_and_the_extras() -> None:
    """Scripts that regenerate fixtures (``make_newsplease.py``) may use the bench extra."""
    allowed = declared()["main"] | declared()["dev"] | declared()["bench"]
    assert not undeclared("tests/fixtures", allowed)


def test_benchmarks_import_only_dependencies_and_the_bench_extra() -> None:
    allowed = declared()["main"] | declared()["dev"] | declared()["bench"]
    assert not undeclared("benchmarks", allowed)
