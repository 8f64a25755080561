"""The outlets Akhbar knows: every outlet spider found in ``crawler.spiders``."""

from __future__ import annotations

from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from crawler.spiders.base import OutletSpider


def project_settings() -> Settings:
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    return settings


def outlet_spiders() -> dict[str, type[OutletSpider]]:
    """Spider name -> class, for spiders that declare an outlet, sorted by name."""
    loader = SpiderLoader.from_settings(project_settings())
    found = {}
    for name in sorted(loader.list()):
        cls = loader.load(name)
        if issubclass(cls, OutletSpider) and getattr(cls, "outlet", None) is not None:
            found[name] = cls
    return found
