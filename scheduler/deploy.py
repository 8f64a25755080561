"""``akhbar deploy``: the project's egg, uploaded to every scrapyd node (addversion.json).

scrapyd runs a crawl from the newest egg of its project: it puts the egg first
on ``sys.path`` and reads the Scrapy settings module from the egg's ``[scrapy]``
entry point. A crawl needs the ``crawler`` package and the ``db`` package it
imports, so the egg holds exactly those (Python sources, zipped as they are in
this installation); their third-party dependencies come from the node's own
installation of Akhbar (``pip install akhbar scrapyd``). Building the zip
directly needs no ``setup.py`` and no build tool, and gives the same egg as
scrapyd-client's ``scrapyd-deploy`` would for these packages.
"""

from __future__ import annotations

import importlib.metadata
import io
import logging
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import crawler
import db
from db.config import Config
from scheduler.scrapyd import ScrapydClient, ScrapydError

logger = logging.getLogger(__name__)

EGG_PACKAGES = (crawler, db)
SETTINGS_MODULE = "crawler.settings"


def default_version() -> str:
    """A version that sorts after every earlier deploy (scrapyd runs the newest)."""
    return str(int(time.time()))


def build_egg(project: str, version: str) -> bytes:
    """The egg of ``crawler`` and ``db``, with the metadata scrapyd reads."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as egg:
        for package in EGG_PACKAGES:
            root = Path(package.__file__).parent
            for path in sorted(root.rglob("*.py")):
                egg.write(path, path.relative_to(root.parent).as_posix())
        egg.writestr("EGG-INFO/PKG-INFO", _pkg_info(project, version))
        egg.writestr("EGG-INFO/entry_points.txt", f"[scrapy]\nsettings = {SETTINGS_MODULE}\n")
        egg.writestr("EGG-INFO/top_level.txt", "".join(f"{p.__name__}\n" for p in EGG_PACKAGES))
        egg.writestr("EGG-INFO/zip-safe", "\n")
    return buffer.getvalue()


def _pkg_info(project: str, version: str) -> str:
    try:
        akhbar_version = importlib.metadata.version("akhbar")
    except importlib.metadata.PackageNotFoundError:  # running from a checkout
        akhbar_version = "unknown"
    return (
        "Metadata-Version: 2.1\n"
        f"Name: {project}\n"
        f"Version: {version}\n"
        f"Summary: Akhbar {akhbar_version} crawler, for scrapyd\n"
    )


@dataclass(frozen=True)
class NodeDeploy:
    """What one node said to the upload."""

    node: str
    spiders: int | None
    """Spiders the node found in the egg; None when the upload failed."""
    error: str | None = None


def deploy(config: Config, version: str) -> list[NodeDeploy]:
    """Upload the egg as ``version`` to every configured node; one result per node."""
    project = config.scrapyd.project
    egg = build_egg(project, version)
    results = []
    for node in config.scrapyd.nodes:
        client = ScrapydClient(node)
        try:
            spiders = client.add_version(project, version, egg)
            logger.info("%s: %s %s deployed, %d spiders", node.url, project, version, spiders)
            results.append(NodeDeploy(node.url, spiders))
        except ScrapydError as exc:
            logger.error("deploy failed: %s", exc)
            results.append(NodeDeploy(node.url, None, str(exc)))
        finally:
            client.close()
    return results
