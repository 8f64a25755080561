"""What a crawl process reads of Akhbar's configuration, however the crawl was started.

``akhbar crawl``, the daemon (local or scrapyd) and a plain ``scrapy crawl`` all end
in a ``scrapy crawl`` process; in it, the configuration reaches Scrapy here:

- :class:`ConfigFileSettings`, a Scrapy add-on named in ``crawler.settings``, puts
  ``[scheduler.scrapy_settings]`` of the configuration file on top of the defaults
  in ``crawler.settings``; ``-s KEY=VALUE`` still wins.
- :func:`crawl_config` is the configuration the crawl's components use: the
  database URL and the host map of ``db.config.load_config`` (environment, then
  file), with the Scrapy settings ``AKHBAR_DATABASE_URL`` and ``AKHBAR_HOST_MAP``
  given for this one crawl on top.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from scrapy.settings import BaseSettings

from db.config import Config, load_config, parse_host_map


def crawl_config(settings: BaseSettings, environ: Mapping[str, str] | None = None) -> Config:
    """The configuration of the crawl whose Scrapy settings are ``settings``.

    Precedence, highest first: ``-s`` for this crawl, the environment, the config
    file. ``AKHBAR_DATABASE_URL`` replaces the database URL; ``AKHBAR_HOST_MAP``
    adds hosts to the host map (or sends a mapped host elsewhere).
    """
    config = load_config(environ=environ)
    host_map = parse_host_map(settings.get("AKHBAR_HOST_MAP"), "AKHBAR_HOST_MAP")
    return dataclasses.replace(
        config,
        database_url=settings.get("AKHBAR_DATABASE_URL") or config.database_url,
        host_map={**config.host_map, **host_map},
    )


class ConfigFileSettings:
    """Scrapy add-on: every ``scrapy crawl`` gets the configuration file's Scrapy settings.

    Applied before the crawler process starts (logging and the spider loader
    included), so any setting may be given there, as with ``-s``. At the project's
    own priority: later than ``crawler.settings``, so they win over its defaults, and
    below ``-s`` (``cmdline``), which wins for a single crawl.
    """

    @classmethod
    def update_pre_crawler_settings(cls, settings: BaseSettings) -> None:
        settings.setdict(load_config().scheduler.scrapy_settings, priority="project")
