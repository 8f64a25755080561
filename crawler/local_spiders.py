"""Outlet spiders kept outside the package: the folder ``spiders_dir`` names.

A pip-installed Akhbar cannot take new modules in ``crawler/spiders``; its user
keeps them in a folder of their own (``spiders_dir`` in the config file, or
``AKHBAR_SPIDERS_DIR``). That folder is imported as the package
:data:`PACKAGE`, whatever its name on disk, so Scrapy's spider loader (which
takes module names, ``SPIDER_MODULES``) finds its spiders next to ours, in the
crawl processes too: they read the same configuration.
"""

from __future__ import annotations

import importlib.util
import logging
import sys
from pathlib import Path

from db.config import ConfigError, load_config

logger = logging.getLogger(__name__)

PACKAGE = "akhbar_local_spiders"
"""Module name under which the spiders folder is imported."""


def register(folder: Path) -> str:
    """Import ``folder`` as the package :data:`PACKAGE` and return that name."""
    current = sys.modules.get(PACKAGE)
    if current is not None and list(getattr(current, "__path__", [])) == [str(folder)]:
        return PACKAGE
    spec = importlib.util.spec_from_loader(PACKAGE, loader=None, is_package=True)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    module.__path__ = [str(folder)]
    # A folder registered earlier in this process (tests) must not shadow this one.
    for name in [n for n in sys.modules if n.startswith(PACKAGE + ".")]:
        del sys.modules[name]
    sys.modules[PACKAGE] = module
    return PACKAGE


def spider_modules(folder: Path | None = None) -> list[str]:
    """The extra ``SPIDER_MODULES`` entry for ``folder`` (default: the configured one)."""
    if folder is None:
        try:
            folder = load_config().spiders_dir
        except ConfigError:
            return []  # the command that reads the configuration reports it, in one line
    if folder is None:
        return []
    if not folder.is_dir():
        logger.debug("spiders_dir %s is not a folder (yet): no spiders loaded from it", folder)
        return []
    return [register(folder.resolve())]
