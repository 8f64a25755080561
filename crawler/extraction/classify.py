"""Is a page an article? Evidence of the whole page, weighed together.

No single sign decides: an article carries boxes of related links, a listing
may declare ``og:type=article``, a product page has prose. Each sign adds to or
takes from a score (:func:`score`); the page is an article when the score is
positive. The signs hold across sites and scripts:

* what the page **declares**: JSON-LD types and ``og:type`` (``NewsArticle``,
  ``BlogPosting`` for; ``Product``, ``QAPage``, ``CollectionPage`` against);
* the **main text**: how much of it is prose (paragraphs with sentence
  punctuation of any script, ``.!?؟。！？``) against link text and teasers;
  sizes count a Chinese or Japanese character as a short word's worth, since
  those scripts write no spaces;
* the **URL**: a site's root, a tag/category/search path, a page number;
* the rest of the **page**: how many distinct headline links it has (a listing
  is mostly them; an article's related box is a few beside a long text);
* a **publication date**.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from crawler.metadata import ARTICLE_TYPES, PageMetadata, element_text

_WORD = re.compile(r"\w+")
#: Han, kana: scripts that write words without spaces between them.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: The end of a sentence in any script: Latin/Arabic punctuation before a space, or CJK's.
_SENTENCE_END = re.compile(r"[.!?؟۔।][\"'”’»)\]]*(?:\s|$)|[。！？]")

#: ``og:type`` values of articles.
ARTICLE_OG_TYPES = frozenset({"article", "news", "newsarticle", "blog", "blogposting"})
#: schema.org types of pages that are something else than an article.
# fmt: off
OTHER_TYPES = frozenset({
    "Product", "ProductGroup", "IndividualProduct", "ProductModel", "Offer", "AggregateOffer",
    "CollectionPage", "SearchResultsPage", "ProfilePage", "QAPage", "FAQPage",
    "DiscussionForumPosting", "Question", "SoftwareApplication", "JobPosting", "Course",
    "Event", "Recipe", "Hotel", "LocalBusiness", "Restaurant",
})
# fmt: on
#: ``og:type`` values of pages that are not articles.
OTHER_OG_TYPES = frozenset({"product", "profile", "book", "music.song", "music.album"})

#: Path segments of pages that list, search or describe rather than report.
# fmt: off
LISTING_SEGMENTS = frozenset({
    "tag", "tags", "category", "categories", "topic", "topics", "section", "sections",
    "author", "authors", "search", "page", "archive", "archives", "label", "labels",
})
OTHER_SEGMENTS = frozenset({
    "product", "products", "shop", "store", "cart", "item", "items", "forum", "forums",
    "thread", "threads", "viewtopic.php", "showthread.php", "questions", "docs",
    "documentation", "manual", "reference", "api", "wiki", "services", "service", "pricing",
})
# fmt: on
#: A language or index page at the site's root: ``/``, ``/en/``, ``/index.html``, ``/ar/``.
_ROOT_PATH = re.compile(
    r"^/?(?:[a-z]{2}(?:[-_][a-z]{2})?/?)?(?:(?:index|default|home)\.\w+)?$", re.IGNORECASE
)
#: A further page of a listing (the first page of an article's comments is ``page=1``).
_PAGINATION = re.compile(r"/page/\d+/?$|[?&](?:page|paged|p|pg)=(?:[2-9]|\d\d+)(?:&|$)", re.I)
#: Class tokens of shop pages: prices, carts, product cards.
_SHOP_CLASS = re.compile(r"price|add-?to-?cart|basket|product-?(?:card|tile|item|grid)", re.I)

#: A paragraph this size (letters, a CJK character counting three) is prose, if punctuated.
PROSE_PARAGRAPH = 80
#: Least prose of an article (a short news item has a few sentences).
MIN_PROSE = 150
#: The score's offset: where the evidence for and against balances.
THRESHOLD = 2.0
#: A headline link has this many words (or a CJK headline this size).
HEADLINE_WORDS = 4


@dataclass
class Evidence:
    """What a page shows of its nature."""

    declared_article: bool
    """JSON-LD article type or ``og:type=article``."""
    declared_other: bool
    """A type of another kind of page (product, forum thread, Q&A, collection...)."""
    url_root: bool
    """The URL is a site's (or language's) front page."""
    url_listing: bool
    """A tag, category, author, search or numbered page path."""
    url_other: bool
    """A shop, forum, documentation or service path."""
    text: int
    """Size of the main text (letters; a CJK character counts three)."""
    prose: int
    """Size of its paragraphs that are punctuated sentences of some length."""
    link_share: float
    """Share of the main text that is the text of a link somewhere on the page."""
    teaser_share: float
    """Share of paragraphs cut short with ``...``: teasers of other pages."""
    headline_links: int
    """Distinct URLs linked with headline-like text (a whole block of four words or more)."""
    dated: bool
    """A publication date was found."""
    paragraphs: int
    """Number of paragraphs of the main text."""
    longest_prose_run: int
    """Size of the longest run of consecutive prose paragraphs: an article's body is one."""
    byline: bool
    """An author is named."""
    shop_marks: int
    """Elements classed as prices, carts or product cards."""
    code_blocks: int
    """``<pre>`` and ``<code>`` elements: documentation shows code, news rarely does."""


def size(text: str) -> int:
    """Length of *text* in letters, a CJK character (a short word by itself) counting three."""
    return len(text) + 2 * len(_CJK.findall(text))


def gather(
    root: Any, meta: PageMetadata, url: str, paragraphs: list[str], dated: bool, byline: bool
) -> Evidence:
    """Collect the evidence of one page."""
    og_type = (meta.og_type or "").strip().lower()
    path = urlsplit(url).path
    segments = {unquote(s).lower() for s in path.split("/") if s}
    anchors = {element_text(a) for a in root.iter("a")}
    sizes = [size(p) for p in paragraphs]
    text = sum(sizes)
    prose = [n if _is_prose(p, n) else 0 for p, n in zip(paragraphs, sizes, strict=True)]
    return Evidence(
        declared_article=bool(meta.ld_types & ARTICLE_TYPES) or og_type in ARTICLE_OG_TYPES,
        declared_other=bool(meta.ld_types & OTHER_TYPES) or og_type in OTHER_OG_TYPES,
        url_root=bool(_ROOT_PATH.match(urlsplit(url).path)),
        url_listing=_is_listing_path(path) or bool(_PAGINATION.search(url)),
        url_other=bool(segments & OTHER_SEGMENTS),
        text=text,
        prose=sum(prose),
        link_share=sum(n for p, n in zip(paragraphs, sizes, strict=True) if p in anchors)
        / max(text, 1),
        teaser_share=sum(p.endswith(("...", "…")) for p in paragraphs) / max(len(paragraphs), 1),
        headline_links=_headline_links(root),
        dated=dated,
        paragraphs=len(paragraphs),
        longest_prose_run=_longest_run(prose),
        byline=byline,
        shop_marks=sum(1 for el in root.iter() if _SHOP_CLASS.search(_class(el))),
        code_blocks=sum(1 for _ in root.iter("pre", "code")),
    )


def _class(el: Any) -> str:
    return el.get("class") or "" if isinstance(el.tag, str) else ""


def _is_listing_path(path: str) -> bool:
    """A listing word followed by at most a short name: ``/tag/elections/``, ``/category/x``.

    ``/archive/2025/12/slug.html`` and ``/topic/history-of-coffee`` are articles filed
    under such a word; a date or a long slug after it says so.
    """
    segments = [unquote(s).lower() for s in path.split("/") if s]
    for i, segment in enumerate(segments):
        if segment in LISTING_SEGMENTS:
            rest = segments[i + 1 :]
            if len(rest) <= 1 and not any(
                len(_WORD.findall(r.replace("_", " "))) >= 3 for r in rest
            ):
                return True
    return False


def _longest_run(prose: list[int]) -> int:
    best = run = 0
    for n in prose:
        run = run + n if n else 0
        best = max(best, run)
    return best


def _is_prose(paragraph: str, length: int) -> bool:
    return length >= PROSE_PARAGRAPH and bool(_SENTENCE_END.search(paragraph))


def _headline_links(root: Any) -> int:
    """Distinct URLs linked by a block's whole text of headline length (``h3 > a``, ``li > a``)."""
    found: set[str] = set()
    for a in root.iter("a"):
        href = a.get("href")
        if not href or href.startswith("#"):
            continue
        text = element_text(a)
        if len(_WORD.findall(text)) < HEADLINE_WORDS and size(text) < 30:
            continue
        parent = a.getparent()
        if parent is not None and element_text(parent) == text:
            found.add(href)
    return len(found)


def score(e: Evidence) -> float:
    """How much the page looks like an article: positive for an article.

    The weights were fitted (logistic regression, then rounded) on public
    benchmarks of news, blog and other pages in many languages; each sign
    alone moves the score by less than the declared type, the URL and a date
    together, so that no single rule decides.
    """
    declared = 1.5 * e.declared_article - 2.0 * e.declared_other
    url = -2.25 * e.url_root - 2.75 * e.url_listing - 3.5 * e.url_other
    people_and_time = 1.5 * e.dated + 1.5 * e.byline
    text = (
        0.13 * math.log1p(e.prose)
        + 0.065 * math.log1p(e.longest_prose_run)
        + 1.3 * e.prose / max(e.text, 1)
        - 1.0 * e.link_share
        - 2.2 * e.teaser_share
    )
    page = (
        -0.12 * math.log1p(e.headline_links)
        - 0.47 * math.log1p(e.shop_marks)
        - 0.3 * math.log1p(e.code_blocks)
    )
    return declared + url + people_and_time + text + page - THRESHOLD


def is_article(e: Evidence) -> bool:
    """The verdict: some prose, and more evidence for an article than against."""
    return e.prose >= MIN_PROSE and score(e) > 0
