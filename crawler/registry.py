"""The outlets Akhbar knows: every outlet spider in ``crawler.spiders``, plus the sites
the configuration sends to the generic spider."""

from __future__ import annotations

from dataclasses import dataclass, field

from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from crawler.local_spiders import spider_modules
from crawler.outlet import OutletInfo
from crawler.spiders.base import OutletSpider
from db.config import Config

GENERIC = "generic"


class UnknownOutlet(Exception):
    """No spider or configured site has that name."""


@dataclass(frozen=True)
class CrawlTarget:
    """What ``scrapy crawl`` runs for an outlet name."""

    spider: str
    outlet_name: str
    outlet: OutletInfo
    spider_args: dict[str, str] = field(default_factory=dict)


def project_settings(config: Config | None = None) -> Settings:
    """``crawler.settings``, with the spiders folder of ``config`` (default: the environment's)."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    folder = config.spiders_dir if config is not None else None
    settings.set("SPIDER_MODULES", ["crawler.spiders", *spider_modules(folder)], "project")
    return settings


def crawl_settings(config: Config, **extra: str) -> dict[str, str]:
    """The Scrapy settings every crawl runs with on top of ``crawler.settings`` (``-s``):
    ``[scheduler.scrapy_settings]``, then ``extra``.

    Manual, scheduled and demo crawls all take them from here, and so does whoever
    must know where a crawl writes (``akhbar spool`` and ``AKHBAR_SPOOL_DIR``).
    """
    return {**config.scheduler.scrapy_settings, **extra}


def crawl_scrapy_settings(config: Config) -> Settings:
    """The settings a crawl process sees: the project's, overridden by :func:`crawl_settings`."""
    settings = project_settings()
    settings.setdict(crawl_settings(config), priority="cmdline")
    return settings


def outlet_spiders(config: Config | None = None) -> dict[str, type[OutletSpider]]:
    """Spider name -> class, for spiders that declare an outlet, sorted by name.

    Ours and those of the spiders folder of ``config`` (default: the environment's).
    """
    loader = SpiderLoader.from_settings(project_settings(config))
    found = {}
    for name in sorted(loader.list()):
        cls = loader.load(name)
        if issubclass(cls, OutletSpider) and getattr(cls, "outlet", None) is not None:
            found[name] = cls
    return found


def configured_sites(config: Config) -> dict[str, CrawlTarget]:
    """``[outlets.NAME]`` entries with a ``url`` and no spider of their own."""
    spiders = outlet_spiders(config)
    return {
        name: generic_target(settings.url, name, settings.title, settings.language)
        for name, settings in config.outlets.items()
        if settings.url and name not in spiders
    }


def generic_target(
    url: str, outlet_name: str | None = None, title: str | None = None, language: str | None = None
) -> CrawlTarget:
    from crawler.spiders.generic import GenericSpider

    name = outlet_name or GenericSpider.outlet_name_for(url)
    args = {"url": url, "outlet_name": name}
    if title:
        args["title"] = title
    if language:
        args["language"] = language
    return CrawlTarget(GENERIC, name, GenericSpider.outlet_for(url, title, language), args)


def resolve(name: str, config: Config, url: str | None = None) -> CrawlTarget:
    """The crawl to run for ``akhbar crawl NAME [--url URL]``."""
    if name == GENERIC:
        if not url:
            raise UnknownOutlet("the generic spider needs --url https://site/")
        return generic_target(url)
    spiders = outlet_spiders(config)
    if name in spiders:
        return CrawlTarget(name, name, spiders[name].outlet)
    sites = configured_sites(config)
    if name in sites:
        return sites[name]
    raise UnknownOutlet(f"no spider or configured site named {name!r}; see `akhbar outlets`")
