"""The article body of the generic extraction: the page's main text as clean paragraphs.

Pure: a parsed page and its URL in, paragraphs out.

trafilatura finds the main text. Its fast mode is tried first: on most pages it is
what its full cascade (a readability and a jusText second opinion) would return, at
two thirds of the cost, and on real pages it is the more precise of the two. The
cascade runs only when the fast result looks wrong for the page:

* a sliver of the page's content: fast mode stopped at a teaser, a standfirst
  or one block of a split article; the cascade's answer is kept when longer;
* all of the page's visible text and more: fast mode fell back to the whole page,
  menus included; the cascade's answer is kept when shorter.

When the result still holds under half of the page's content, readability-lxml
gives a second opinion: its text replaces trafilatura's when it adds at least half
as much again and contains most of it (the same article, not cut where trafilatura's
pruning stopped). trafilatura often stops part of the way through (at a box, a list
or a change of markup): asked under 40 % and believed only when its raw text was
twice as long, readability missed most of those articles. Both texts are compared as
the paragraphs that would be kept, so readability's blank lines and the date, label
and share lines it takes around a short article do not count as more article.

When fast mode's result has neither a list nor a heading, trafilatura may have read the
page as loose paragraphs, which skips both: the lists and subheadings standing beside its
paragraphs in the page are put back.

The content is the visible text outside the page's frame: the ``nav``, ``header``,
``footer`` and ``aside`` elements that every page of a site repeats. Measured
against all of the visible text, an article under a long menu, a footer of links
and a sidebar looked cut short: readability ran on a third of ScrapingHub's
articles (its answer taken on one in thirty) and the cascade on one in twelve.
Against the content, readability (then asked under 40 %) ran on one in six and the
cascade on one in thirty, and the F1 was a little higher on both benchmark sets (the
cascade, when fast mode was right, often returned more of the page). Asked under half,
readability runs on about one in four of ScrapingHub's articles and one in thirteen
of WCXB's.

The paragraphs are then cleaned: whitespace and "read also" lines
(:func:`crawler.text.clean_paragraphs`), the ``h1`` headline, lines with no word
(table rules, bullets), the text of HTML comments that leaked into the text,
lines that are only a date or a time (live-blog stamps, "updated" lines), picture
credits, advertising labels and badges, and the lines of call-to-action boxes (a class
word ``cta`` or ``signup``: product pitches, newsletter sign-ups, donation appeals).
"""

from __future__ import annotations

import copy
import functools
import re
import unicodedata
from typing import Any

import lxml.etree
import lxml.html

from crawler.text import clean_text, is_read_also

#: Below this share of the page's content, the fast extraction looks cut short.
SHORT_SHARE = 0.2
#: Below this share of the content, readability is asked whether the article goes on.
SECOND_OPINION_SHARE = 0.5
#: readability's text replaces trafilatura's when this many times longer...
EXTENDS_RATIO = 1.5
#: ...and it holds this share of trafilatura's word 4-grams: the same article, longer.
EXTENDS_COVER = 0.7
#: A line this long that readability repeats is a repeated caption or teaser, kept once.
REPEAT_MIN_CHARS = 100
#: A list whose links hold more than this share of its text is not put back in an article.
LINKED_LIST_SHARE = 0.5
#: Above this share, the fast extraction is the whole page (bullets and line breaks added).
WHOLE_SHARE = 1.0
#: ...on a page with at least this much visible text (a short page may be all article).
WHOLE_MIN_CHARS = 2000

#: A date or time line has at most this many words in all...
DATE_LINE_WORDS = 12
#: ...and at most this many that are not numbers when it prints no clock time.
DATE_LINE_LABEL_WORDS = 3

#: Elements that start a line of text.
# fmt: off
_BLOCKS = frozenset({
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "pre",
    "blockquote", "table", "tr", "td", "th", "section", "article", "figure", "header", "footer",
    "aside", "main",
})
# fmt: on
#: Subheadings and lists, which trafilatura skips when it reads a page as loose paragraphs.
_SUBHEADINGS = ("h2", "h3", "h4", "h5", "h6")
_SKIPPABLE = ("ul", "ol", *_SUBHEADINGS)
#: Elements whose text a reader does not see.
_INVISIBLE = frozenset({"script", "style", "noscript", "template"})
#: Elements of the frame a site puts around its pages' content: menus, banners, footers,
#: sidebars. Not ``form``: some sites wrap the whole page in one.
_FRAME = ("nav", "header", "footer", "aside")
#: Elements of a page's own content, never part of its frame.
_CONTENT = ("h1", "article", "main")
#: What readability's cleaner removes that holds text it would otherwise read.
_NOT_TEXT = ("script", "style", "link", lxml.etree.Comment, lxml.etree.ProcessingInstruction)
_WORD = re.compile(r"\w+")
_CLOCK = re.compile(r"(?<!\d)\d{1,2}:\d\d(?!\d)")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
#: A sentence's end, a label's colon, a table row's bar or code: not a date line.
_NOT_A_DATE_LINE = re.compile(r"[.!?؟。！？:：]$|[|=<>{};'\"]")
#: A credit line under a picture: "Photo: Reuters", "Image credit: ...", "Foto: dpa".
_CREDIT = re.compile(
    r"^(?:(?:photo|image|picture|foto|фото|صورة|φωτογραφία|图片|圖片)s?(?:\s+credits?)?|credits?)"
    r"\s*(?:[:：]|by\b|courtesy\b|via\b|来源|來源)",
    re.IGNORECASE,
)
#: Most words a credit line has.
CREDIT_WORDS = 12
#: Most words of a badge: a pictograph and a word or two ("🔴 مباشر", "🔥 Trending").
BADGE_WORDS = 2
# Class words of a call-to-action box ("cta", "post-cta", "email-signup__form"): a
# product pitch, newsletter sign-up or donation appeal set in or after the text.
_CALL_TO_ACTION = re.compile(r"(?<![a-z])(?:cta|signup)(?![a-z])")
# The substrings are found by libxml2, the whole words in Python. Testing the class
# attributes, not every element, costs a third as much (0.3 ms a page, not 0.9).
_CALL_TO_ACTION_XPATH = lxml.etree.XPath(
    "/descendant::*/@class[contains(., 'cta') or contains(., 'signup')]/.."
)
#: Most characters of a call-to-action box: one of that name holding more wraps the page.
CALL_TO_ACTION_MAX_CHARS = 1000
#: An advertising label standing alone where an ad was ("Advertisement", "إعلان", "广告").
_AD_LABEL = re.compile(
    r"^(?:advertisement|advertising|sponsored(?: content)?|anzeige|publicité|publicidad|"
    r"pubblicità|publicidade|реклама|إعلان|διαφήμιση|广告|廣告)$",
    re.IGNORECASE,
)


def main_text(tree: lxml.html.HtmlElement, url: str) -> list[str]:
    """The cleaned body paragraphs of the page's main text (empty when it has none).

    The headline (an ``h1`` that the page's ``<title>`` or ``og:title`` repeats) is
    left out; other headings the caller knows are its business (a subheading inside
    the text is part of it here).
    """
    source = _without_comments(tree)
    text = _fast_text(source, url)
    visible = _visible_length(tree)
    content = visible - _frame_length(tree)
    if len(text) < SHORT_SHARE * content:
        fuller = _trafilatura(source, url, fast=False)
        if len(fuller) > len(text):
            text = fuller
    elif len(text) > WHOLE_SHARE * visible and visible >= WHOLE_MIN_CHARS:
        narrower = _trafilatura(source, url, fast=False)
        if narrower and len(narrower) < len(text):
            text = narrower
    left_out = _headlines(tree) | _comment_texts(tree) | _call_to_action_texts(tree)
    text = _without_trailing_teasers(text, tree)
    paragraphs = _paragraphs(text, tree, left_out)
    if len(text) < SECOND_OPINION_SHARE * content:
        paragraphs = _readability_if_it_extends(tree, paragraphs, left_out)
    return paragraphs


def _without_trailing_teasers(text: str, tree: lxml.html.HtmlElement) -> str:
    """*text* without the teasers of other stories it ends with.

    A "latest news" or "related stories" list after an article is read as the article's
    last list: each item is a heading linking to another page and its standfirst
    (``<li><h3><a href=...>Title</a></h3><p>Standfirst</p></li>``). Only the items ending
    the text are dropped: an article's own list of linked headings sits inside it.
    """
    lines = text.rstrip().split("\n")
    if not lines[-1].startswith("- "):
        return text  # trafilatura writes list items "- item": no list ends this text
    teasers = _teasers(tree)
    while lines and (not lines[-1].strip() or _squeezed(lines[-1][2:]) in teasers):
        lines.pop()
    return "\n".join(lines)


def _teasers(tree: lxml.html.HtmlElement) -> set[str]:
    """The texts (:func:`_squeezed`) of the list items that hold a linked heading and more."""
    found = set()
    for item in tree.iter("li"):
        heading = next(item.iter(*_SUBHEADINGS), None)
        if heading is None or heading.find(".//a[@href]") is None:
            continue
        whole = _squeezed(item.text_content())
        if len(whole) > len(_squeezed(heading.text_content())):
            found.add(whole)
    return found


def _squeezed(text: str) -> str:
    """*text* without its spaces: a heading and its standfirst read as one line or two."""
    return "".join(text.split())


def _without_comments(tree: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
    """*tree*, or a copy without its HTML comments when one sits inside a text.

    Pages rendered by React mark the seams of a paragraph's text with empty comments
    (``I like <!-- -->our<!-- --> situation``); trafilatura, which parses the HTML it
    is given with comments removed, stops a paragraph at the first comment it finds in
    a tree, and the rest of the paragraph is lost. Stripping them joins each comment's
    text to the text before it, as its parser would have. Most pages have none inside a
    text: they are read as they are, without the copy.
    """
    if not any(c.tail and not c.tail.isspace() for c in tree.iter(lxml.etree.Comment)):
        return tree
    copied = copy.deepcopy(tree)
    lxml.etree.strip_tags(copied, lxml.etree.Comment)
    return copied


def _paragraphs(text: str, tree: lxml.html.HtmlElement, left_out: set[str]) -> list[str]:
    """The lines of an extracted text that are kept as the body's paragraphs."""
    return [
        p
        for p in _clean_lines(text.split("\n"), tree)
        if p not in left_out and _WORD.search(p) and not is_date_line(p) and not is_label(p)
    ]


def is_date_line(paragraph: str) -> bool:
    """True for a short line that only states a date or time, in any language.

    ``17 كانون الأول 2019 - 14:20``, ``November 19, 2019``, ``Updated 10:30 GMT
    19.11.2019``: two numbers or more, a clock time or a year, few other words
    and no sentence end. Table rows (``|``), code and labels ending in a colon
    are not date lines.
    """
    if _NOT_A_DATE_LINE.search(paragraph):
        return False
    words = _WORD.findall(paragraph)
    numbers = sum(w.isdigit() for w in words)
    if len(words) > DATE_LINE_WORDS or numbers < 2:
        return False
    if _CLOCK.search(paragraph):
        return True
    return _YEAR.search(paragraph) is not None and len(words) - numbers <= DATE_LINE_LABEL_WORDS


def is_label(paragraph: str) -> bool:
    """True for a picture credit, an advertising label or a badge ("🔴 LIVE")."""
    if _AD_LABEL.match(paragraph):
        return True
    if paragraph and unicodedata.category(paragraph[0]) == "So":
        return len(_WORD.findall(paragraph)) <= BADGE_WORDS
    return _CREDIT.match(paragraph) is not None and len(_WORD.findall(paragraph)) <= CREDIT_WORDS


def _fast_text(tree: lxml.html.HtmlElement, url: str) -> str:
    """trafilatura's fast text, with the lists and subheadings it skipped when it read the
    page as loose paragraphs (:func:`_with_skipped`)."""
    document = _extract(tree, url, fast=True)
    if document is None:
        return ""
    text: str = document.text or ""
    if document.body is None or next(document.body.iter("head", "list"), None) is not None:
        return text
    return _with_skipped(text, tree)


def _with_skipped(text: str, tree: lxml.html.HtmlElement) -> str:
    """*text*, a result without lists or headings, with the page's lists and subheadings
    that stand beside its paragraphs.

    On a page where it finds none of the containers it knows an article by, trafilatura
    gathers the page's paragraphs and only those: the article's lists and subheadings are
    left out (50 of the 774 WCXB articles accepted, 6 of ScrapingHub's 179). The
    lists and headings that follow one of its paragraphs, up to the next paragraph, are
    put back after it, and a subheading that opens a section before it; lists of links
    (a share bar, related stories) are not. Reading the page again with trafilatura's
    recall mode, which gathers lists, scored within 0.001 of this at the cost of a second
    extraction on those pages.
    """
    lines = text.split("\n")
    kept = {clean_text(line) for line in lines} - {""}
    after = _runs_after_paragraphs(tree, kept)
    before = _headings_before_paragraphs(tree, kept)
    if not before and not after:
        return text
    out: list[str] = []
    for line in lines:
        key = clean_text(line)
        out.extend(before.pop(key, ()))
        out.append(line)
        out.extend(after.pop(key, ()))
    return "\n".join(out)


def _runs_after_paragraphs(tree: lxml.html.HtmlElement, kept: set[str]) -> dict[str, list[str]]:
    """The lines of the lists and headings right after each kept paragraph, by its text."""
    found: dict[str, list[str]] = {}
    for p in tree.iter("p"):
        sibling = p.getnext()
        if sibling is None or sibling.tag not in _SKIPPABLE:
            continue
        key = clean_text(p.text_content())
        if key not in kept:
            continue
        run: list[str] = []
        while sibling is not None and sibling.tag in _SKIPPABLE:
            run.extend(_skipped_lines(sibling, kept))
            sibling = sibling.getnext()
        if run:
            found.setdefault(key, run)
    return found


def _headings_before_paragraphs(
    tree: lxml.html.HtmlElement, kept: set[str]
) -> dict[str, list[str]]:
    """The subheadings that open a section with a kept paragraph, by its text (those after
    another paragraph are in its run)."""
    found: dict[str, list[str]] = {}
    for heading in tree.iter(*_SUBHEADINGS):
        first, previous = heading.getnext(), heading.getprevious()
        if first is None or first.tag != "p":
            continue
        if previous is not None and previous.tag in (*_SKIPPABLE, "p"):
            continue
        added = _skipped_lines(heading, kept)
        if added:
            found.setdefault(clean_text(first.text_content()), added)
    return found


def _skipped_lines(el: lxml.html.HtmlElement, kept: set[str]) -> list[str]:
    """The lines of a heading or a list that *kept* lacks: its text, or its items
    (``- item``, as trafilatura writes them) unless they are mostly links."""
    if el.tag in _SUBHEADINGS:
        title = clean_text(el.text_content())
        return [title] if title and title not in kept else []
    items = [item for li in el.iterchildren("li") if (item := clean_text(li.text_content()))]
    if not items or any(item in kept for item in items):
        return []
    linked = sum(len(clean_text(a.text_content())) for a in el.iter("a"))
    if linked > LINKED_LIST_SHARE * sum(map(len, items)):
        return []
    return ["- " + item for item in items]


def _trafilatura(tree: lxml.html.HtmlElement, url: str, *, fast: bool) -> str:
    """trafilatura's main text, one paragraph a line ("" when it finds none)."""
    document = _extract(tree, url, fast=fast)
    return (document.text or "") if document is not None else ""


def _extract(tree: lxml.html.HtmlElement, url: str, *, fast: bool) -> Any:
    """trafilatura's document for the page (None when it finds no text)."""
    # Imported here: trafilatura (with courlan, htmldate...) is heavy to import, and
    # Scrapy imports every spider module for every crawl.
    import trafilatura

    # bare_extraction copies an lxml tree it is given, so the caller's tree is untouched.
    return trafilatura.bare_extraction(
        tree,
        url=url,
        fast=fast,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        with_metadata=False,
    )


def _clean_lines(lines: list[str], tree: lxml.html.HtmlElement) -> list[str]:
    """The lines as :func:`crawler.text.clean_paragraphs` cleans them, in one pass, also
    without the links listed under a "read also" line.

    ``وقد يهمك أيضًا:`` is often followed by more headlines, each a paragraph that is
    one link and says nothing to mark it; the markup tells them from prose.
    """
    kept: list[str] = []
    links: set[str] | None = None
    listing = False
    for line in lines:
        text = clean_text(line)
        if not text:
            continue
        if is_read_also(text):
            listing = True
            continue
        if listing:
            if links is None:
                links = _whole_links(tree)
            if text in links:
                continue
            listing = False
        kept.append(text)
    return kept


def _whole_links(tree: lxml.html.HtmlElement) -> set[str]:
    """Texts of the links that are all the text of the element around them."""
    found = set()
    for link in tree.iter("a"):
        parent = link.getparent()
        text = clean_text(link.text_content())
        if text and parent is not None and clean_text(parent.text_content()) == text:
            found.add(text)
    return found


def _readability_if_it_extends(
    tree: lxml.html.HtmlElement, paragraphs: list[str], left_out: set[str]
) -> list[str]:
    """readability's paragraphs when they are trafilatura's article and more of it, else
    ``paragraphs``.

    trafilatura sometimes keeps only the part of an article before a box, a
    list or a change of markup; readability, which scores the page's blocks
    rather than pruning it, reaches the rest. It is believed only when what
    it returns contains what trafilatura found, or when trafilatura found nothing.
    Both are measured as the paragraphs that would be kept: readability's raw text
    has runs of blank lines, and around a short article it takes the lines a page
    prints with it (section label, date, tags, share buttons) that the cleaning drops.
    """
    try:
        summary = _readability(tree).summary(html_partial=True)
        text = "\n".join(_once(_block_lines(lxml.html.fromstring(summary))))
    except Exception:  # readability gives up on some pages (no body, no candidate)
        return paragraphs
    other = _paragraphs(text, tree, left_out)
    if not paragraphs:
        return other  # trafilatura found nothing (markup it does not read): no text to contain
    known = set(paragraphs)
    added = sum(len(p) for p in other if p not in known)
    extends = added > (EXTENDS_RATIO - 1) * sum(map(len, paragraphs))
    if extends and _cover("\n".join(paragraphs), "\n".join(other)) >= EXTENDS_COVER:
        return other
    return paragraphs


def _readability(tree: lxml.html.HtmlElement) -> Any:
    """A readability-lxml ``Document`` of the page that leaves *tree* untouched and costs a
    third less than ``Document(tree)``.

    readability parses its input into a tree of its own (again for its lenient second
    try), which for a tree means: drop the hidden elements, then a deep copy cleaned by
    lxml_html_clean's ``Cleaner``, which also rewrites every link and attribute to
    disarm scripts. Of that cleaning only the removal of scripts, styles, ``<link>``,
    comments and processing instructions changes the text it finds: that is done here
    on one copy, the hidden elements dropped from the copy rather than from *tree*
    (same summary on all 200 benchmark pages tried). The page's frame (menus, banners,
    footers, sidebars: :func:`_frame_length`'s elements) is dropped from the copy too:
    readability scores a quarter less markup (10.5 against 13.8 ms a call by the median)
    and cannot take a sidebar's teasers for the article.
    """
    return _document_class()(tree)


@functools.cache
def _document_class() -> type:
    # Imported here, like trafilatura: only pages that need it pay for it.
    from readability import Document
    from readability.readability import REGEXES

    class TextDocument(Document):  # type: ignore[misc]
        def _parse(self, input: lxml.html.HtmlElement) -> lxml.html.HtmlElement:
            doc = copy.deepcopy(input)
            self.encoding = "utf-8"
            for el in doc.xpath("//*[@hidden]"):
                el.drop_tree()
            for el in doc.xpath("//*[@style]"):
                if REGEXES["displayNoneRe"].search(el.get("style")):
                    el.drop_tree()
            for el in list(doc.iter(*_NOT_TEXT)):
                el.drop_tree()
            for el in list(doc.iter(*_FRAME)):
                if next(el.iter(*_CONTENT), None) is None:
                    el.drop_tree()
            return doc

    return TextDocument


def _once(lines: list[str]) -> list[str]:
    """The lines without repeats of a long one (a gallery's caption under every picture)."""
    seen: set[str] = set()
    kept = []
    for line in lines:
        key = clean_text(line)
        if len(key) >= REPEAT_MIN_CHARS:
            if key in seen:
                continue
            seen.add(key)
        kept.append(line)
    return kept


def _cover(part: str, whole: str) -> float:
    """Share of the word 4-grams of ``part`` that ``whole`` has too."""
    mine = _shingles(part)
    return len(mine & _shingles(whole)) / len(mine) if mine else 0.0


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _WORD.findall(text)
    return {tuple(words[i : i + 4]) for i in range(max(1, len(words) - 3))}


def _block_lines(root: lxml.html.HtmlElement) -> list[str]:
    """The text of an element, one line per block element (paragraph, item, heading...).

    Captions are left out, as trafilatura leaves them out.
    """
    parts: list[str] = []
    caption = None
    for event, el in lxml.etree.iterwalk(root, events=("start", "end")):
        if caption is not None or el.tag == "figcaption":
            if event == "start":
                caption = caption if caption is not None else el
            elif el is caption:
                caption = None
                parts.append("\n" + (el.tail or ""))
            continue
        block = el.tag in _BLOCKS
        if event == "start":
            if block or el.tag == "br":
                parts.append("\n")
            if el.text and isinstance(el.tag, str):
                parts.append(el.text)
        else:
            if block:
                parts.append("\n")
            if el.tail and el is not root:
                parts.append(el.tail)
    return "".join(parts).split("\n")


def _visible_length(tree: lxml.html.HtmlElement) -> int:
    """Characters of the page's visible text (without its leading and trailing spaces)."""
    # One walk over the elements: a third of the cost of an XPath excluding scripts.
    length = 0
    for el in tree.iter():
        if el.tag in _INVISIBLE or not isinstance(el.tag, str):
            pass  # scripts, styles, comments: their text is not shown, their tail is
        elif el.text:
            length += len(el.text.strip())
        if el.tail:
            length += len(el.tail.strip())
    return length


def _frame_length(tree: lxml.html.HtmlElement) -> int:
    """Characters of the visible text in the page's frame (:data:`_FRAME` elements).

    An element holding the headline, an ``article`` or ``main`` is not frame, whatever
    its tag: a site's header may be the page's title, and on pages whose markup a
    browser repairs (a popup's ``aside`` left unclosed) the whole page is inside one.
    """
    counted: set[lxml.html.HtmlElement] = set()
    length = 0
    for el in tree.iter(*_FRAME):
        if next(el.iter(*_CONTENT), None) is not None:
            continue
        if any(parent in counted for parent in el.iterancestors(*_FRAME)):
            continue
        counted.add(el)
        length += _visible_length(el) - len((el.tail or "").strip())
    return length


def _headlines(tree: lxml.html.HtmlElement) -> set[str]:
    """Texts of the ``h1`` elements that the page's ``<title>`` or ``og:title`` repeats.

    Sites that mark every subheading as an ``h1`` are common: those are part of the text.
    """
    titles = " ".join(
        [t.text_content() for t in tree.iter("title")]
        + [m.get("content") or "" for m in tree.iter("meta") if m.get("property") == "og:title"]
    )
    titles = clean_text(titles)
    return {t for h in tree.iter("h1") if (t := clean_text(h.text_content())) and t in titles}


def _comment_texts(tree: lxml.html.HtmlElement) -> set[str]:
    """Texts of the page's HTML comments (``<!-- /article-body -->``): markup, never prose."""
    return {clean_text(c.text) for c in tree.iter(lxml.etree.Comment) if c.text}


def _call_to_action_texts(tree: lxml.html.HtmlElement) -> set[str]:
    """Lines of the page's call-to-action boxes: a product pitch, a newsletter sign-up
    or a donation appeal, which trafilatura keeps when it sits in the article's column.

    The class names are the markup's, in English whatever the page's language.
    """
    found: set[str] = set()
    for box in _CALL_TO_ACTION_XPATH(tree):
        if not _CALL_TO_ACTION.search(box.get("class")):
            continue
        if len(box.text_content()) > CALL_TO_ACTION_MAX_CHARS:
            continue
        found.update(t for line in _block_lines(box) if (t := clean_text(line)))
    return found
