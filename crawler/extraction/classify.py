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
  number) and a name filed under a publication's section (``/blog/<name>``,
  ``/news/<name>``) for; a site's root, a tag/category/search path, a page
  number, a shop/forum/docs path against;
* a **publication date** and a **byline**;
* the **shape of the page**: one ``<article>`` element (a listing marks each teaser as
  one, a service page none), and many punctuated paragraphs side by side in one block,
  the body of one text (a service page or a grid spreads a paragraph or two per card);
* the **marks of other kinds of page** (:class:`Marks`): posts of a discussion,
  many ``<time>`` stamps, prices and carts, code, "edit this page" links, calls
  to action and form fields; and headings that are links (cards of a listing,
  a shop or a service page) rather than the subheadings of a text.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from crawler.body_text import BLOCK_TAGS
from crawler.elements import element_text
from crawler.jsonld import ARTICLE_TYPES
from crawler.metadata import PageMetadata
from crawler.text import CJK_RE

_WORD = re.compile(r"\w+")
#: A word of letters in a URL segment (``2025``, ``_`` and ``-`` separate words).
_LETTERS = re.compile(r"[^\W\d_]+")
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
#: Folders under which publishing systems file their posts and stories (WordPress's and
#: Ghost's ``/blog/``, news systems' ``/news/``, ``/article/``, ``/story/``), in a few
#: languages: a page named inside one is a post, the folder itself the listing of them.
SECTION_SEGMENTS = frozenset({
    "blog", "blogs", "news", "article", "articles", "post", "posts", "story", "stories",
    "noticias", "noticia", "nachrichten", "artikel", "actualites", "actualite", "notizie",
    "nieuws", "haber", "haberler", "novosti", "akhbar",
})
# fmt: on
#: A language or index page at the site's root: ``/``, ``/en/``, ``/index.html``, ``/ar/``.
_ROOT_PATH = re.compile(
    r"^/?(?:[a-z]{2}(?:[-_][a-z]{2})?/?)?(?:(?:index|default|home)\.\w+)?$", re.IGNORECASE
)
#: A further page of a listing (the first page of an article's comments is ``page=1``).
_PAGINATION = re.compile(r"/page/\d+/?$|[?&](?:page|paged|p|pg)=(?:[2-9]|\d\d+)(?:&|$)", re.I)
#: A query naming one item by its number (``p=959``, ``page_id=2``, ``storyid=504``).
_ITEM_QUERY = re.compile(
    r"(?:^|&)(?:p|page_id|id|nid|post|postid|story|storyid|article|articleid|newsid)=\d+(?:&|$)",
    re.IGNORECASE,
)
#: A day in a URL path: ``/2025/03/``, ``/2025-3-``, ``20250314``.
_URL_DATE = re.compile(
    r"/(?:19|20)\d\d[/-](?:0?[1-9]|1[0-2])(?:[/-]|$)|(?:19|20)\d\d(?:0[1-9]|1[0-2])[0-3]\d"
)
#: A story's number in a URL path (``/news/1234567``): news systems file stories by id.
_URL_ID = re.compile(r"\d{5,}")
#: A file extension at the end of a URL segment (``.html``, ``.php``, ``.aspx``).
_EXTENSION = re.compile(r"\.[a-z]{2,5}$")
#: A word or a number of a URL segment.
_NAME_PART = re.compile(r"[^\W\d_]+|\d+")
#: Parts of a page's name under a section folder: ``/news/world`` is the section's
#: page of world news, ``/post/dot-github`` a post.
SECTION_NAME_PARTS = 2
#: Words of a slug that names one story rather than a section (``/seo-services/``).
STORY_SLUG_WORDS = 4

#: Class tokens of shop pages: prices, carts, product cards.
# The patterns of marks are written in lower case and matched on lower-cased values
# (:func:`_matching`): a case-insensitive search costs several times more.
_SHOP_CLASS = re.compile(r"price|add-?to-?cart|basket|product-?(?:card|tile|item|grid)")
#: Class or id of the posts of a discussion, as forum software names them (XenForo's
#: ``bbWrapper``, phpBB's ``postbody``, vBulletin's ``postbit``, Discourse's ``topic-post``
#: and ``cooked``, Invision's ``ipsComment``...).
_POST_CLASS = re.compile(
    r"bbwrapper|postbody|postbit|topic-post|cooked|messagecontent|message-body|ipscomment"
    r"|post-stream|js-post|threadlist|forum"
)
#: Microdata items of readers' posts: a thread or Q&A page is made of them.
_POST_ITEMTYPE = re.compile(r"schema\.org/(?:comment|answer|discussionforumposting)\b")
#: Links of documentation to its own source: "Edit this page", "Edit on GitHub".
_EDIT_TEXT = re.compile(r"edit (?:this|on github|page)|improve this|suggest (?:an )?edit")
_EDIT_HREF = re.compile(r"(?:github|gitlab)\.com/.+/(?:edit|blob)/")
#: Calls to action of service and shop pages, in a few languages.
_CALL_TO_ACTION = re.compile(
    r"contact us|get (?:a |your )?(?:free )?(?:quote|started|estimate)"
    r"|request (?:a )?(?:demo|quote|consultation)|book (?:a |an |now|online)"
    r"|schedule (?:a |your )|free trial|sign up|call (?:us|now|today)|learn more|buy now"
    r"|add to cart|اتصل بنا|احجز|اطلب|contactez|devis|kontakt|contáctenos|solicita"
)
#: A call to action is a button's few words, not a sentence that mentions one.
CTA_LENGTH = 40
#: ``<input>`` types that a reader does not fill in.
_UNFILLED_INPUTS = frozenset({"hidden", "search", "submit", "button", "image", "reset"})

#: A paragraph this size (letters, a CJK character counting three) is prose, if punctuated.
PROSE_PARAGRAPH = 80
#: Least main text of an article (a short news item has a few sentences). Text, not
#: prose: a calendar or a list of results is an article whose lines end in no full stop,
#: and the score weighs the prose.
MIN_TEXT = 150
#: The most a character of the page can weigh in :func:`size` (a CJK one).
CJK_WEIGHT = 3
#: The score's offset: where the evidence for and against balances.
THRESHOLD = 4.625


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
    """"Edit this page" link texts, and links to the page's source on GitHub/GitLab."""
    calls_to_action: int = 0
    """Links and buttons saying "contact us", "get a quote", "book now"..."""
    inputs: int = 0
    """Form fields a reader fills in (text, e-mail, phone, choices; not search boxes)."""


@dataclass
class Signs:
    """What a page says of its nature before its main text is read."""

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
    marks: Marks
    """Marks of shops, forums, documentation and service pages."""
    url_section: bool = False
    """The URL names a page inside a publication's section folder (``/blog/<name>``)."""
    linked_headings: float = 0.0
    """Share of the page's ``h2``-``h4`` headings that are links: the titles of cards."""
    anchors: frozenset[str] = frozenset()
    """Texts of the page's links."""
    single_article: bool = False
    """The page holds exactly one ``<article>`` element."""
    block_prose: int = 0
    """The most prose paragraphs side by side in one block (:func:`block_prose`)."""


@dataclass
class Evidence:
    """What a page shows of its nature: its :class:`Signs` and its main text."""

    signs: Signs
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


def size(text: str) -> int:
    """Length of *text* in letters, a CJK character (a short word by itself) counting three."""
    return len(text) + (CJK_WEIGHT - 1) * len(CJK_RE.findall(text))


def read_signs(root: Any, meta: PageMetadata, url: str) -> Signs:
    """The :class:`Signs` of a page: what it declares, its URL, its marks."""
    og_type = (meta.og_type or "").strip().lower()
    parts = urlsplit(url)
    path = parts.path
    segments = {unquote(s).lower() for s in path.split("/") if s}
    # WordPress's default links (/?p=959) and old systems' (/index.php?id=42) name a
    # post by its number at the site's root: one item, not the home page nor a page 2.
    one_item = bool(_ROOT_PATH.match(path) and _ITEM_QUERY.search(parts.query))
    anchors: set[str] = set()
    return Signs(
        declared_article=bool(meta.ld_types & ARTICLE_TYPES) or og_type in ARTICLE_OG_TYPES,
        declared_other=bool(meta.ld_types & OTHER_TYPES) or og_type in OTHER_OG_TYPES,
        url_root=bool(_ROOT_PATH.match(path)) and not one_item,
        url_listing=_is_listing_path(path) or (bool(_PAGINATION.search(url)) and not one_item),
        url_other=bool(segments & OTHER_SEGMENTS),
        url_story=is_story_path(path),
        marks=page_marks(root, anchors),
        url_section=is_section_path(path),
        linked_headings=linked_heading_share(root),
        anchors=frozenset(anchors),
        single_article=sum(1 for _ in root.iter("article")) == 1,
        block_prose=block_prose(root),
    )


def gather(signs: Signs, paragraphs: list[str], dated: bool, byline: bool) -> Evidence:
    """The evidence of a page: its signs, its main text, its date and byline."""
    sizes = [size(p) for p in paragraphs]
    text = sum(sizes)
    return Evidence(
        signs=signs,
        text=text,
        prose=sum(n for p, n in zip(paragraphs, sizes, strict=True) if _is_prose(p, n)),
        link_share=sum(n for p, n in zip(paragraphs, sizes, strict=True) if p in signs.anchors)
        / max(text, 1),
        teaser_share=sum(p.endswith(("...", "…")) for p in paragraphs) / max(len(paragraphs), 1),
        dated=dated,
        byline=byline,
    )


def page_marks(root: Any, anchors: set[str]) -> Marks:
    """Count the :class:`Marks` of a page; the texts of its links go to *anchors*.

    Attribute values come from XPath as plain strings, and each distinct value is
    matched once: pages repeat the same classes and link texts hundreds of times.
    """
    classes = Counter(root.xpath("//@class", smart_strings=False))
    link_elements = list(root.iter("a"))
    links = [element_text(a) for a in link_elements]
    hrefs = [href for a in link_elements if (href := a.get("href")) is not None]
    anchors.update(links)
    fields = [((f.get("type") or "text").lower(), f.get("value") or "") for f in root.iter("input")]
    actions = links + [element_text(b) for b in root.iter("button")]
    actions += [value for kind, value in fields if kind in ("submit", "button")]
    # One walk for the counted tags: an XPath count() per tag scans the whole page each.
    tags = Counter(el.tag for el in root.iter("pre", "code", "time", "textarea", "select"))
    return Marks(
        shop=_matching(_SHOP_CLASS, classes),
        posts=_matching(_POST_CLASS, classes)
        + _matching(_POST_ITEMTYPE, Counter(root.xpath("//@itemtype", smart_strings=False))),
        code=tags["pre"] + tags["code"],
        times=tags["time"],
        edit_links=_matching(_EDIT_TEXT, Counter(links))
        + _matching(_EDIT_HREF, Counter(hrefs), fold=False),
        calls_to_action=_matching(
            _CALL_TO_ACTION, Counter(t for t in actions if len(t) <= CTA_LENGTH)
        ),
        inputs=tags["textarea"]
        + tags["select"]
        + sum(kind not in _UNFILLED_INPUTS for kind, _ in fields),
    )


def _matching(pattern: re.Pattern[str], values: Counter[str], *, fold: bool = True) -> int:
    """How many of the counted *values* *pattern* finds itself in (in lower case when
    *fold*: the patterns of marks are written in lower case)."""
    # Most pages have no mark of a kind: one search over all the values says so, where a
    # search per value costs a Python call each. No pattern here matches across a line
    # break, so a match in the joined text is a match in one value.
    joined = "\n".join(values)
    if not pattern.search(joined.lower() if fold else joined):
        return 0
    return sum(n for value, n in values.items() if pattern.search(value.lower() if fold else value))


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


def is_section_path(path: str) -> bool:
    """A page named inside a section folder: ``/blog/why-we-moved``, ``/news/2025/budget-vote``.

    The name must have a few parts, its file extension aside: ``/news/world``,
    ``/blog/2`` and ``/news/index.html`` are listings.
    """
    segments = [unquote(s).lower() for s in path.split("/") if s]
    if not any(s in SECTION_SEGMENTS for s in segments[:-1]):
        return False
    name = _EXTENSION.sub("", segments[-1])
    return len(_NAME_PART.findall(name)) >= SECTION_NAME_PARTS


def linked_heading_share(root: Any) -> float:
    """Share of the ``h2``-``h4`` headings that are (or hold) a link.

    A listing, a shop's collection and a service page are grids of cards, each titled by
    a heading linking to its page; an article's subheadings are text (its boxes of
    related stories add a few linked ones). One in the count keeps a page with one
    linked heading and no other from looking like a grid.
    """
    headings = linked = 0
    for heading in root.iter("h2", "h3", "h4"):
        headings += 1
        if heading.find(".//a") is not None or next(heading.iterancestors("a"), None) is not None:
            linked += 1
    return linked / (headings + 1)


def block_prose(root: Any) -> int:
    """The most prose paragraphs (punctuated, of some length) in one block.

    An article's body is one run of paragraphs in one element; a service page, a shop
    or a listing spreads a paragraph or two over each section or card. A paragraph is
    a ``<p>`` or, on pages that write none, a run of text between ``<br>`` line breaks.
    A ``<p>`` that is its element's only child (a ``<div>`` wrapping each paragraph)
    counts in the block around its wrapper.
    """
    blocks: Counter[Any] = Counter()
    for paragraph in root.iter("p"):
        text = element_text(paragraph)
        if not _is_prose(text, size(text)):
            continue
        block = paragraph.getparent()
        while block is not None and len(block) == 1 and block.tag not in ("body", "html"):
            block = block.getparent()
        blocks[block] += 1
    for block in {br.getparent() for br in root.iter("br")}:
        if block is not None and block.tag != "p":
            blocks[block] += sum(_is_prose(run, size(run)) for run in _broken_runs(block))
    return max(blocks.values(), default=0)


def _broken_runs(block: Any) -> list[str]:
    """The texts of *block* between its ``<br>`` and block-level children, inline
    elements (links, emphasis) read with the text around them."""
    runs, run = [], [block.text or ""]
    for child in block:
        if child.tag == "br" or child.tag in BLOCK_TAGS:
            runs.append(run)
            run = []
        elif isinstance(child.tag, str):
            run.append("".join(child.itertext()))
        run.append(child.tail or "")
    runs.append(run)
    return [" ".join("".join(r).split()) for r in runs]


def _is_prose(paragraph: str, length: int) -> bool:
    return length >= PROSE_PARAGRAPH and bool(_SENTENCE_END.search(paragraph))


def score(e: Evidence) -> float:
    """How much the page looks like an article: positive for an article.

    The weights were fitted (logistic regression, then rounded) on public
    benchmarks of news, blog and other pages in many languages, and checked on
    sites left out of the fit (ten folds grouped by host); the shape of the page
    (one ``<article>``, a block of prose) was weighed on top of them the same way,
    the threshold raised with it. Each sign alone moves the score by less than the
    declared type, the URL and a date together, so that no single rule decides.
    """
    return (
        _signs_score(e.signs)
        + _people_and_time(e.dated, e.byline)
        + _text_score(e.prose, e.text, e.link_share, e.teaser_share)
        - THRESHOLD
    )


def could_be_article(
    signs: Signs, visible: int, *, dated: bool = True, byline: bool = True
) -> bool:
    """False when no main text could outweigh the signs against an article: not even all
    of the page's *visible* characters as prose (none of it links or teasers), with the
    date and byline the page has (by default: as if it had both).

    Such pages (a forum at a ``/forum/`` path declaring a thread, a shop's product
    grid) need no main text read: on pages of other kinds the main text (trafilatura,
    often readability too) is half of the CPU.
    """
    most = CJK_WEIGHT * visible
    best = _people_and_time(dated, byline) + _text_score(most, most, 0.0, 0.0)
    return most >= MIN_TEXT and _signs_score(signs) + best - THRESHOLD > 0


def _signs_score(s: Signs) -> float:
    declared = 1.75 * s.declared_article - 2.25 * s.declared_other
    url = (
        1.75 * s.url_story
        # A name under /blog/ or /news/: blogs and news systems file posts there whatever
        # the language of the text; shops, forums and docs file their pages elsewhere.
        + 3.75 * s.url_section
        - 2.5 * s.url_root
        - 5.0 * s.url_listing
        - 5.0 * s.url_other
    )
    # Cards titled by linked headings: the shape of a grid, whatever its words; one
    # <article> and a long block of prose: the shape of one text.
    shape = 1.0 * s.single_article + 0.5 * math.log1p(s.block_prose) - 1.0 * s.linked_headings
    return declared + url + _marks_score(s.marks) + shape


def _people_and_time(dated: bool, byline: bool) -> float:
    return 1.0 * dated + 1.75 * byline


def _text_score(prose: int, text: int, link_share: float, teaser_share: float) -> float:
    return (
        0.5 * math.log1p(prose) + 0.5 * prose / max(text, 1) - 2.0 * link_share - 1.5 * teaser_share
    )


def _marks_score(m: Marks) -> float:
    """What the marks of other pages take away; counted in logs, so an article's one
    comment form or newsletter box costs little and a forum's fifty posts much."""
    return -(
        0.5 * math.log1p(m.shop)
        + 0.5 * math.log1p(m.code)
        + 1.5 * math.log1p(m.posts)
        + 0.125 * math.log1p(m.times)
        + 0.75 * bool(m.edit_links)
        + 0.25 * math.log1p(m.calls_to_action)
        + 0.5 * math.log1p(m.inputs)
    )


def is_article(e: Evidence) -> bool:
    """The verdict: some text, and more evidence for an article than against."""
    return e.text >= MIN_TEXT and score(e) > 0
