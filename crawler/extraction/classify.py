"""Is a page an article? Evidence of the whole page, weighed together.

No single sign decides: an article carries boxes of related links, a comment
form and a newsletter box, a listing may declare ``og:type=article``, a service
page has prose. Each sign adds to or takes from a score (:func:`score`); the
page is an article when the score is positive. The signs hold across sites and
scripts:

* what the page **declares**: JSON-LD types and ``og:type`` (``NewsArticle``,
  ``BlogPosting`` for; ``Product``, ``QAPage``, ``CollectionPage`` against);
* the **main text**: how much of it is prose (paragraphs with sentence
  punctuation of any script, ``.!?؟。！？``) against link text and teasers;
  sizes count a Chinese or Japanese character as a short word's worth, since
  those scripts write no spaces;
* the **URL**: a story's address (a date, a slug of several words, a long
  number) for; a site's root, a tag/category/search path, a page number, a
  shop/forum/docs path against;
* a **publication date** and a **byline**;
* the **marks of other kinds of page** (:class:`Marks`): posts of a discussion,
  many ``<time>`` stamps, prices and carts, code, "edit this page" links, calls
  to action and form fields.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from crawler.metadata import ARTICLE_TYPES, PageMetadata, element_text

_WORD = re.compile(r"\w+")
#: A word of letters in a URL segment (``2025``, ``_`` and ``-`` separate words).
_LETTERS = re.compile(r"[^\W\d_]+")
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
#: A day in a URL path: ``/2025/03/``, ``/2025-3-``, ``20250314``.
_URL_DATE = re.compile(
    r"/(?:19|20)\d\d[/-](?:0?[1-9]|1[0-2])(?:[/-]|$)|(?:19|20)\d\d(?:0[1-9]|1[0-2])[0-3]\d"
)
#: A story's number in a URL path (``/news/1234567``): news systems file stories by id.
_URL_ID = re.compile(r"\d{5,}")
#: Words of a slug that names one story rather than a section (``/seo-services/``).
STORY_SLUG_WORDS = 4

#: Class tokens of shop pages: prices, carts, product cards.
_SHOP_CLASS = re.compile(r"price|add-?to-?cart|basket|product-?(?:card|tile|item|grid)", re.I)
#: Class or id of the posts of a discussion, as forum software names them (XenForo's
#: ``bbWrapper``, phpBB's ``postbody``, vBulletin's ``postbit``, Discourse's ``topic-post``
#: and ``cooked``, Invision's ``ipsComment``...).
_POST_CLASS = re.compile(
    r"bbwrapper|postbody|postbit|topic-post|cooked|messagecontent|message-body|ipscomment"
    r"|post-stream|js-post|threadlist|forum",
    re.I,
)
#: Microdata items of readers' posts: a thread or Q&A page is made of them.
_POST_ITEMTYPE = re.compile(r"schema\.org/(?:Comment|Answer|DiscussionForumPosting)\b", re.I)
#: Links of documentation to its own source: "Edit this page", "Edit on GitHub".
_EDIT_TEXT = re.compile(r"edit (?:this|on github|page)|improve this|suggest (?:an )?edit", re.I)
_EDIT_HREF = re.compile(r"(?:github|gitlab)\.com/.+/(?:edit|blob)/")
#: Calls to action of service and shop pages, in a few languages.
_CALL_TO_ACTION = re.compile(
    r"contact us|get (?:a |your )?(?:free )?(?:quote|started|estimate)"
    r"|request (?:a )?(?:demo|quote|consultation)|book (?:a |an |now|online)"
    r"|schedule (?:a |your )|free trial|sign up|call (?:us|now|today)|learn more|buy now"
    r"|add to cart|اتصل بنا|احجز|اطلب|contactez|devis|kontakt|contáctenos|solicita",
    re.I,
)
#: A call to action is a button's few words, not a sentence that mentions one.
CTA_LENGTH = 40
#: ``<input>`` types that a reader does not fill in.
_UNFILLED_INPUTS = frozenset({"hidden", "search", "submit", "button", "image", "reset"})

#: A paragraph this size (letters, a CJK character counting three) is prose, if punctuated.
PROSE_PARAGRAPH = 80
#: Least prose of an article (a short news item has a few sentences).
MIN_PROSE = 150
#: The score's offset: where the evidence for and against balances.
THRESHOLD = 3.9


@dataclass
class Marks:
    """Elements anywhere on the page that other kinds of page carry by the dozen."""

    shop: int = 0
    """Elements classed as prices, carts or product cards."""
    code: int = 0
    """``<pre>`` and ``<code>`` elements: documentation shows code, news rarely does."""
    posts: int = 0
    """Posts of a discussion: forum software's post classes, microdata comments/answers."""
    times: int = 0
    """``<time>`` elements: a thread stamps every post, a listing every teaser."""
    edit_links: int = 0
    """"Edit this page" links and links to the page's source on GitHub/GitLab."""
    calls_to_action: int = 0
    """Links and buttons saying "contact us", "get a quote", "book now"..."""
    inputs: int = 0
    """Form fields a reader fills in (text, e-mail, phone, choices; not search boxes)."""


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
    url_story: bool
    """The URL names one story: a day, a slug of several words, or a long number."""
    text: int
    """Size of the main text (letters; a CJK character counts three)."""
    prose: int
    """Size of its paragraphs that are punctuated sentences of some length."""
    link_share: float
    """Share of the main text that is the text of a link somewhere on the page."""
    teaser_share: float
    """Share of paragraphs cut short with ``...``: teasers of other pages."""
    dated: bool
    """A publication date was found."""
    byline: bool
    """An author is named."""
    marks: Marks
    """Marks of shops, forums, documentation and service pages."""


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
    anchors: set[str] = set()
    marks = page_marks(root, anchors)
    sizes = [size(p) for p in paragraphs]
    text = sum(sizes)
    return Evidence(
        declared_article=bool(meta.ld_types & ARTICLE_TYPES) or og_type in ARTICLE_OG_TYPES,
        declared_other=bool(meta.ld_types & OTHER_TYPES) or og_type in OTHER_OG_TYPES,
        url_root=bool(_ROOT_PATH.match(path)),
        url_listing=_is_listing_path(path) or bool(_PAGINATION.search(url)),
        url_other=bool(segments & OTHER_SEGMENTS),
        url_story=is_story_path(path),
        text=text,
        prose=sum(n for p, n in zip(paragraphs, sizes, strict=True) if _is_prose(p, n)),
        link_share=sum(n for p, n in zip(paragraphs, sizes, strict=True) if p in anchors)
        / max(text, 1),
        teaser_share=sum(p.endswith(("...", "…")) for p in paragraphs) / max(len(paragraphs), 1),
        dated=dated,
        byline=byline,
        marks=marks,
    )


def page_marks(root: Any, anchors: set[str]) -> Marks:
    """Count the :class:`Marks` of a page in one walk; the texts of its links go to *anchors*."""
    marks = Marks()
    for el in root.iter():
        tag = el.tag
        if not isinstance(tag, str):
            continue
        names = el.get("class")
        if names:
            marks.shop += bool(_SHOP_CLASS.search(names))
            marks.posts += bool(_POST_CLASS.search(names))
        itemtype = el.get("itemtype")
        if itemtype and _POST_ITEMTYPE.search(itemtype):
            marks.posts += 1
        if tag == "a":
            text = element_text(el)
            anchors.add(text)
            marks.calls_to_action += _is_call_to_action(text)
            marks.edit_links += bool(
                _EDIT_TEXT.search(text) or _EDIT_HREF.search(el.get("href") or "")
            )
        elif tag == "button":
            marks.calls_to_action += _is_call_to_action(element_text(el))
        elif tag in ("pre", "code"):
            marks.code += 1
        elif tag == "time":
            marks.times += 1
        elif tag in ("textarea", "select"):
            marks.inputs += 1
        elif tag == "input":
            kind = (el.get("type") or "text").lower()
            marks.inputs += kind not in _UNFILLED_INPUTS
            if kind in ("submit", "button"):
                marks.calls_to_action += _is_call_to_action(el.get("value") or "")
    return marks


def _is_call_to_action(text: str) -> bool:
    return len(text) <= CTA_LENGTH and bool(_CALL_TO_ACTION.search(text))


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


def is_story_path(path: str) -> bool:
    """A path naming one story: ``/2025/03/14/...``, ``/news/1234567``, ``/a-slug-of-words``.

    Service, product and section pages have short names (``/seo-services/``, ``/crm/``).
    """
    path = unquote(path)
    if _URL_DATE.search(path) or _URL_ID.search(path):
        return True
    return any(len(_LETTERS.findall(s)) >= STORY_SLUG_WORDS for s in path.split("/"))


def _is_prose(paragraph: str, length: int) -> bool:
    return length >= PROSE_PARAGRAPH and bool(_SENTENCE_END.search(paragraph))


def score(e: Evidence) -> float:
    """How much the page looks like an article: positive for an article.

    The weights were fitted (logistic regression, then rounded) on public
    benchmarks of news, blog and other pages in many languages, and checked on
    sites left out of the fit; each sign alone moves the score by less than the
    declared type, the URL and a date together, so that no single rule decides.
    """
    declared = 1.5 * e.declared_article - 2.25 * e.declared_other
    url = 2.0 * e.url_story - 2.0 * e.url_root - 2.5 * e.url_listing - 3.75 * e.url_other
    people_and_time = 1.25 * e.dated + 1.5 * e.byline
    text = (
        0.5 * math.log1p(e.prose)
        + 0.75 * e.prose / max(e.text, 1)
        - 0.25 * e.link_share
        - 1.0 * e.teaser_share
    )
    return declared + url + people_and_time + text + _marks_score(e.marks) - THRESHOLD


def _marks_score(m: Marks) -> float:
    """What the marks of other pages take away; counted in logs, so an article's one
    comment form or newsletter box costs little and a forum's fifty posts much."""
    return -(
        0.5 * math.log1p(m.shop)
        + 0.5 * math.log1p(m.code)
        + 1.5 * math.log1p(m.posts)
        + 0.25 * math.log1p(m.times)
        + 0.75 * bool(m.edit_links)
        + 0.25 * math.log1p(m.calls_to_action)
        + 0.5 * math.log1p(m.inputs)
    )


def is_article(e: Evidence) -> bool:
    """The verdict: some prose, and more evidence for an article than against."""
    return e.prose >= MIN_PROSE and score(e) > 0
