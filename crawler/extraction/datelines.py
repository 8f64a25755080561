"""Dates a page prints as visible lines, near its headline or elsewhere in its article."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from crawler.extraction.datescan import PageScan
from crawler.extraction.datetext import find_text_date, fold
from crawler.extraction.datevalue import (
    MAX_LINE,
    When,
    element_text,
    from_text,
    machine_date,
)

#: Boxes named for other articles or readers' text: their dates are never the page's.
_OTHERS = re.compile(
    r"(?<![a-z])(?:related|comment|recent|most-?read|popular|recommend|trending|latest|more-|"
    r"next-|prev-|repl(?:y|ies)|responses|discuss|promo(?!ted)|listing|archive|today|similar|"
    r"suggest|(?:up|read|watch)-?next|see-?also|also-?read|you-?may|you-?might)",
    re.IGNORECASE,
)
#: Boxes named for their place in the layout: other stories' dates far from the headline,
#: the article's own right under it (its byline in a ``post-card__meta`` or a sidebar).
_LAYOUT = re.compile(
    r"(?<![a-z])(?:card|sidebar|share|sharing|teaser|top-?bar|top-?header|masthead)",
    re.IGNORECASE,
)
#: Boxes named for a page's footer: inside an ``<article>``, the article's own (its date).
_FOOTER = re.compile(r"(?<![a-z])footer", re.IGNORECASE)
#: Page-level boxes (``<nav>`` always is); inside an ``<article>`` they hold its byline and date.
_ELSEWHERE_TAGS = frozenset({"aside", "footer"})
#: Microdata scopes whose dates are not the page's.
_ELSEWHERE_ITEMTYPE = re.compile(r"Comment|Answer|ListItem|Review", re.IGNORECASE)
#: A modification label before a printed date ("Updated", "Mis à jour", "Aktualisiert"),
#: folded as the labels are (Devanagari loses its viramas).
_UPDATED = re.compile(
    fold(
        r"updated|modified|edited|mis a jour|modifie|aktualisiert|geandert|stand:|actualiza[dt]|"
        r"actualitzat|atualizad|aggiornat|bijgewerkt|uppdaterad|opdateret|oppdatert|paivitetty|"
        r"aktualizovan|frissitve|diperbarui|cap nhat|azurirano|atnaujinta|обновлен|изменен|"
        r"оновлено|обновено|zaktualizowan|ενημερωθηκε|guncellen|更新|수정|업데이트|अपडेट|"
        r"تحديث|تعديل"
    )
)
#: A publication label before a printed date ("Published on", "Publié le", "نشر في").
_PUBLISHED = re.compile(
    fold(
        r"published|posted|publie|veroffentlicht|erstellt|publicad|publicat|pubblicat|"
        r"gepubliceerd|publicerad|publiceret|publisert|julkaistu|publikovan|kozzeteve|"
        r"diterbitkan|dipublikasikan|objavljeno|paskelbta|опубликован|опубліковано|публикувано|"
        r"opublikowan|δημοσιευ|yayin|đăng|发布|發佈|發布|发表|發表|公開|掲載|配信|投稿|입력|"
        r"प्रकाशित|نشر|بتاريخ"
    )
)
_COPYRIGHT = re.compile(r"©|\(c\)|copyright", re.IGNORECASE)
_YEAR_IN_TEXT = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_WORD = re.compile(r"\w+")

#: Elements this far after the headline (document order) still count as near it.
NEAR_AFTER = 400
#: Ancestors of the headline whose elements before it count as near it (kicker, date above).
NEAR_BEFORE_LEVELS = 3
#: Parent text read with a date split in spans (``<span>14 Nov 2019</span> | <span>17:55</span>``).
MAX_PARENT_LINE = 120
#: Levels above a date line searched for another headline (a teaser's own box).
TEASER_LEVELS = 2
#: Words of a teaser's headline link.
TEASER_WORDS = 4
#: Levels above a date line searched for a link around a whole card (a date, a headline).
CARD_LEVELS = 5
#: Words of such a card, its date's among them: a headline, not a date linked to its archive.
CARD_WORDS = 7
_HEADINGS = ("h2", "h3", "h4")
#: Headings that carry a post's title on a page without ``h1``.
_TITLE_HEADINGS = ("h2", "h3")
#: Fewest words of such a heading.
TITLE_HEADING_WORDS = 3
#: What is printed besides the date on a line found by its text alone (a label, a name).
MAX_RESIDUE = 30
#: The same for a line close under the headline: a byline with the author's name and title.
MAX_CLOSE_RESIDUE = 60
#: Levels above a bare date line searched for the element labelling it.
LABEL_LEVELS = 2
#: Longest label printed apart from its date ("Published", "Last updated on").
MAX_LABEL = 40
#: A line's machine value this much later than the day it prints as the publication is a
#: later save's (closer, it is the same moment in another zone).
SAVED_LATER = timedelta(days=1)
#: Elements this far after the headline are its byline block: a box there holding a date
#: (an ``aside``, a ``post-card__meta``) is the article's own, unless readers wrote it.
CLOSE_AFTER = 40


@dataclass
class LineDates:
    """A page's date lines sorted by where they stand and what they say."""

    machine: list[When] = field(default_factory=list)
    """Machine values (``<time datetime>``) of the lines near the headline or marked
    as the publication (``<time pubdate>``, a ``publish`` class)."""

    printed_near: list[When] = field(default_factory=list)
    """Dates printed near the headline, closest first."""

    printed_far: list[When] = field(default_factory=list)
    """Dates printed elsewhere in the article, in document order."""

    modified: list[When] = field(default_factory=list)
    """Dates of lines labelled as an update."""

    byline: When | None = None
    """The first date printed as a date line under the headline (its markup says so, or
    it sits in the headline's byline block), not a date the text mentions."""


def headline_of(tree: Any, headline: Any | None) -> Any | None:
    """The given headline, else the ``h1`` sharing most words with the page's title, else
    (a page without ``h1``) the first ``h2`` or ``h3`` the title holds.

    Blogs and newsletters put their own name in an ``h1`` above the post's; some
    themes print the post's title in an ``h2`` or ``h3`` and no ``h1`` at all.
    """
    if headline is not None:
        return headline
    h1s = [h for h in tree.iter("h1") if element_text(h)]
    if not h1s:
        return _titled_heading(tree)
    if len(h1s) == 1:
        return h1s[0]
    words = set(_WORD.findall(_declared_title(tree).casefold()))

    def shared(h1: Any) -> int:
        return len(words & set(_WORD.findall(element_text(h1).casefold())))

    return max(h1s, key=shared)


def _declared_title(tree: Any) -> str:
    """The page's ``og:title``, else its ``<title>``."""
    title = next(
        (el.get("content") for el in tree.iter("meta") if el.get("property") == "og:title"), None
    )
    return title or next((element_text(el) for el in tree.iter("title")), "")


def _titled_heading(tree: Any) -> Any | None:
    """The first ``h2`` or ``h3`` whose whole text the page's title holds: the post's title
    (a box's name, "Recent posts", is in no title)."""
    title = " ".join(_declared_title(tree).casefold().split())
    for heading in tree.iter(*_TITLE_HEADINGS):
        text = element_text(heading).casefold()
        if len(_WORD.findall(text)) >= TITLE_HEADING_WORDS and text in title:
            return heading
    return None


def near_top(headline: Any) -> Any:
    """The headline's close ancestor: its lines before the headline are near it (a kicker,
    a date above the title)."""
    top = headline
    for _ in range(NEAR_BEFORE_LEVELS):
        parent = top.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        top = parent
    return top


def line_dates(page: PageScan, headline: Any | None, path: str) -> LineDates:
    """Sort the page's date lines into near the headline, elsewhere, and modifications.

    Near: after the headline, or before it within its close ancestor (a date
    above the title), closest first. Lines in related boxes and comments are dropped.
    The walk that found the lines placed the headline and :func:`near_top`.
    """
    found = LineDates()
    h_pos, before = -1, (0, -1)
    if headline is not None:
        top_at = page.positions.get(near_top(headline)) or 0
        h_at = page.positions.get(headline)
        h_pos, before = (-1, (top_at, 0)) if h_at is None else (h_at, (top_at, h_at))
    stop = frozenset(headline.iterancestors()) if headline is not None else frozenset()
    near: list[tuple[int, When]] = []
    scope = _article_scope(headline)
    for pos, el, marked in page.lines:
        is_after = h_pos >= 0 and h_pos < pos <= h_pos + NEAR_AFTER
        is_above = before[0] <= pos < before[1]
        close = is_above or (is_after and pos <= h_pos + CLOSE_AFTER)
        if _in_headline(el, headline) or _teaser(el, stop, path):
            continue
        # Past the byline block, a layout box (a sidebar) holds the page's date only when
        # the line says it is the publication ("Published July 8, 2025").
        in_box = elsewhere(el, stop, close)
        if in_box and not (is_after and not elsewhere(el, stop, close=True)):
            continue
        line = _read_line(el, page.lang, marked, close, page.texts.get(el))
        if line is None or (in_box and not (line.labelled and not line.updated)):
            continue
        if scope is not None and not (is_after or is_above or line.labelled or _within(el, scope)):
            continue  # the site's clock in its top bar, a box of the page around the article
        if line.updated:
            found.modified.extend(v for v in (line.machine, line.printed) if v)
            continue
        pubdate = el.tag == "time" and el.get("pubdate") is not None
        if line.machine and (is_after or is_above or pubdate or "publish" in _classes(el)):
            found.machine.append(line.machine)
        if line.printed:
            if is_after or is_above:
                near.append((abs(pos - h_pos), line.printed))
                if found.byline is None and (marked or close):
                    found.byline = line.printed
            else:
                found.printed_far.append(line.printed)
    near.sort(key=lambda pair: pair[0])
    found.printed_near.extend(w for _, w in near)
    return found


@dataclass(frozen=True)
class _Line:
    """A visible date line: its machine value (``<time datetime>``), printed value, label."""

    machine: When | None
    printed: When | None
    updated: bool
    labelled: bool = False
    """The line says what its date is ("Published", "Updated")."""


def _read_line(
    el: Any, lang: str | None, marked: bool, close: bool, own: str | None = None
) -> _Line | None:
    """The date a line states; a line found by its text alone must be little but a date.

    A line *close* under the headline may say more (a byline: "Jane Doe | Senior
    Writer | July 2, 2025"); prose is still too long. An element too long to be a
    line is read by the text that made it one (*own*: "기사입력 :[ 2018-08-25 15:24 ]"
    printed straight in the article's box).
    """
    machine = None
    attr = el.get("datetime") if el.tag == "time" else None
    if el.tag == "abbr" or (marked and el.tag != "time"):
        # A date line's title tells its date (``<a class="date" title="12th December 2018">``).
        attr = el.get("title")
    if attr:
        machine = machine_date(attr, lang)
    text = element_text(el)
    if len(text) > MAX_LINE:
        if own is None or machine:
            return _Line(machine, None, False) if machine else None
        text = " ".join(own.split())
        context = text
    else:
        parent = el.getparent()
        context = element_text(parent) if parent is not None else text
    if len(context) > MAX_PARENT_LINE:
        context = text
    # The element's own text first; its parent's when the date is split in spans.
    found, source = find_text_date(text, UTC, lang), text
    if found is None and len(el):
        # A date printed in parts, as a badge: ``<span>Mai</span><span>06</span>2018``.
        spaced = " ".join(" ".join(el.itertext()).split())
        found, source = find_text_date(spaced, UTC, lang), spaced
    if (found is None or found.at is None) and context != text:
        wider = find_text_date(context, UTC, lang)
        if wider and (found is None or (wider.day == found.day and wider.at)):
            found, source = wider, context
    if found and not marked:
        residue = len(fold(source)) - (found.end - found.start)
        if residue > (MAX_CLOSE_RESIDUE if close else MAX_RESIDUE) or _COPYRIGHT.search(source):
            found = None
    printed = from_text(found) if found else None
    if machine is None and printed is None:
        return None
    before = context[: context.find(text)] if source is text and text in context else ""
    # Only what follows the date printed before this one labels it: "Updated 15/03/2025
    # Posted 14/03/2025" side by side.
    before = _YEAR_IN_TEXT.split(before)[-1]
    label = fold(before)[-40:] + (fold(source)[: found.start] if found else fold(context)[:40])
    if not label.strip():
        label = _label_before(el)
    published = bool(_PUBLISHED.search(label))
    updated = bool(_UPDATED.search(label)) and not published
    if published and machine and printed and printed.day < machine.day - SAVED_LATER:
        # ``<time datetime="2019-07-03T10:18Z">Publié le 29 juin 2019</time>``: the value is
        # a later save's; the day the line says it was published is the publication.
        machine = None
    return _Line(machine, printed, updated, published or updated)


def _label_before(el: Any) -> str:
    """The label printed in the element before a bare date: ``<dt>Published</dt><dd>...``,
    ``<h3>Published</h3><p><time>...``."""
    node = el
    for _ in range(LABEL_LEVELS):
        previous = node.getprevious()
        while previous is not None and not isinstance(previous.tag, str):
            previous = previous.getprevious()  # a comment
        if previous is not None:
            label = element_text(previous)
            return fold(label) if len(label) <= MAX_LABEL else ""
        parent = node.getparent()
        if parent is None or (parent.text or "").strip():
            return ""
        node = parent
    return ""


def elsewhere(el: Any, stop: frozenset[Any] = frozenset(), close: bool = False) -> bool:
    """True inside a box of other articles or of readers' comments.

    The walk up stops at the headline's own ancestors (*stop*): a page whose
    whole article sits in a ``...-sidebar-mode`` wrapper is not a sidebar.
    A line *close* under the headline is only elsewhere in a box named for others.
    """
    node = el
    while node is not None and node not in stop:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "nav":
            return True
        footer, others, layout = _box_names(f"{node.get('class') or ''} {node.get('id') or ''}")
        if not close and (tag in _ELSEWHERE_TAGS or footer) and not _in_article(node):
            return True
        if others or (not close and layout):
            return True
        if node.get("itemscope") is not None and _ELSEWHERE_ITEMTYPE.search(
            node.get("itemtype") or ""
        ):
            return True
        node = node.getparent()
    return False


@lru_cache(maxsize=4096)
def _box_names(names: str) -> tuple[bool, bool, bool]:
    """Whether a class and id name a footer, a box of others, a layout box: asked for every
    ancestor of every date line, which share them (the same page's, the same site's)."""
    return (
        _FOOTER.search(names) is not None,
        _OTHERS.search(names) is not None,
        _LAYOUT.search(names) is not None,
    )


def _in_article(el: Any) -> bool:
    """True for an element inside an ``<article>`` (its footer or aside is the article's)."""
    return any(a.tag == "article" for a in el.iterancestors())


def _in_headline(el: Any, headline: Any | None) -> bool:
    """True for the headline's own text: "Release 2024.4.4" names a version, not a day."""
    return headline is not None and (el is headline or headline in el.iterancestors())


def _article_scope(headline: Any | None) -> Any | None:
    """The ``<article>`` or ``<main>`` around the headline: where its far date lines may be."""
    if headline is None:
        return None
    return next(
        (a for a in headline.iterancestors() if a.tag in ("article", "main")),
        None,
    )


def _within(el: Any, scope: Any | None) -> bool:
    return scope is not None and any(a is scope for a in el.iterancestors())


def _teaser(el: Any, stop: frozenset[Any], path: str) -> bool:
    """True for the date of a teaser: a small box, or a link, that holds another headline.

    A heading linking to the page itself (*path*) is the post's own title, as blogs print it.
    """
    node = el
    for _ in range(TEASER_LEVELS):
        if node is None or node in stop:
            return False
        if node.tag == "a" and not _same_page(node.get("href"), path):
            return True
        if any(_headline_link(h, path) for h in node.iter(*_HEADINGS)):
            return True
        node = node.getparent()
    # A whole card made a link: ``<a href=other><div><span>July 17, 2025</span> Title...``.
    for _ in range(CARD_LEVELS - TEASER_LEVELS):
        if node is None or node in stop:
            return False
        if node.tag == "a":
            return not _same_page(node.get("href"), path) and (
                len(_WORD.findall(element_text(node))) >= CARD_WORDS
            )
        node = node.getparent()
    return False


def _headline_link(heading: Any, path: str) -> bool:
    """A heading that is a link to another story (not a linked author or section name)."""
    link = heading.find(".//a")
    if link is None or len(_WORD.findall(element_text(link))) < TEASER_WORDS:
        return False
    return not _same_page(link.get("href"), path)


def _same_page(href: str | None, path: str) -> bool:
    """True for a link to the page itself (a forum's "started on" date links the thread).

    A relative href is compared as the end of the page's path: pages behind a
    ``<base>`` link to themselves as ``threads/slug.123/``.
    """
    target = urlsplit(href or "").path.rstrip("/").removeprefix("./")
    here = path.rstrip("/")
    if not target:
        return False
    return target == here or (not target.startswith("/") and here.endswith("/" + target))


def _classes(el: Any) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}".lower()
