"""The shared base of every outlet spider: discovery and everything common.

An outlet module subclasses :class:`OutletSpider`, sets ``name`` and ``outlet``
(an :class:`~crawler.outlet.OutletInfo`), and implements :meth:`parse_article`,
a pure function of one response.
"""

from __future__ import annotations

import logging
from typing import ClassVar

import scrapy
from scrapy.http import Response

from crawler.items import ArticleItem
from crawler.outlet import OutletInfo

logger = logging.getLogger(__name__)


class OutletSpider(scrapy.Spider):
    """Base of the outlet spiders."""

    outlet: ClassVar[OutletInfo]

    def parse_article(self, response: Response) -> ArticleItem | None:
        """Turn one article page into an item, or None when the page is not an article.

        Must do no I/O: tests call it on saved pages.
        """
        raise NotImplementedError
