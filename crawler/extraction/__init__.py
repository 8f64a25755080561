"""The generic extraction: any page's article, read with no knowledge of its site.

``extract_article(html, url)`` is a pure function of the page and its URL (no
settings, no I/O): it returns an :class:`~crawler.items.ArticleItem`, or None
when the page is not an article (a listing, a product page, a forum...). The
generic spider calls it for every page it fetches, and a spider made by
``akhbar new-outlet`` reads its pages with it until its author writes selectors.
"""

from __future__ import annotations

from crawler.extraction.article import Extraction, extract_article, read_page

__all__ = ["Extraction", "extract_article", "read_page"]
