"""The article body of the generic extraction: the page's main text as clean paragraphs.

Pure: a parsed page and its URL in, paragraphs out. The title is not removed here
(the caller knows the headings it has read).
"""

from __future__ import annotations

import lxml.html

from crawler.text import clean_paragraphs


def main_text(tree: lxml.html.HtmlElement, url: str) -> list[str]:
    """The cleaned body paragraphs of the page's main text (empty when it has none)."""
    # Imported here: trafilatura (with courlan, htmldate...) is heavy to import, and
    # Scrapy imports every spider module for every crawl.
    import trafilatura

    # bare_extraction copies an lxml tree it is given, so the caller's tree is untouched.
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        with_metadata=False,
    )
    if document is None or not document.text:
        return []
    return clean_paragraphs(document.text.split("\n"))
