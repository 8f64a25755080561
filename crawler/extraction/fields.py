"""Outlet-independent readings of the visible page: headline, byline, section, image.

The page's machine-readable metadata (:mod:`crawler.metadata`) comes first;
these fill what it does not say, from the shapes news pages share: the ``h1``
matching the declared title, the element around it holding the byline and the
breadcrumb, the first figure of the article.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlsplit

from crawler.elements import element_text
from crawler.jsonld import BYLINE_LABELS
from crawler.metadata import PageMetadata
from crawler.text import CJK_RE, clean_text

_WORD = re.compile(r"\w+")
#: Class or id tokens of a byline.
_AUTHOR_CLASS = re.compile(r"author|byline|writer", re.IGNORECASE)
#: Boxes inside an article container that hold other articles or readers' text.
ELSEWHERE_CLASS = re.compile(
    r"card|related|comment|sidebar|widget|most-read|share|teaser|recommend", re.IGNORECASE
)
#: Not "widget": page builders (Elementor, SiteOrigin, Blogger) call every block a widget,
#: the article's text included; a sidebar's widgets sit outside the article's container.
_BOX_WORD = r"(?:related|comments?|sidebar|most-read|share|recommend(?:ed|ations?)?)"
#: A card or teaser is another article's box only when titled by a link to it: recipe,
#: review and Bootstrap cards (``mv-recipe-card``, ``card-body``) hold the article's own
#: sections under plain headings.
_TEASER_WORD = r"(?:cards?|teasers?)"


def _token(word: str) -> re.Pattern[str]:
    """A class token naming a box: the word whole or as the token's first or last part
    (``related-posts``, ``comments``, ``share-buttons``, ``post-card``), not inside a
    longer name (``elementor-widget-container``, ``content-with-sidebar-layout``)."""
    return re.compile(rf"^{word}(?:[-_]|$)|[-_]{word}$", re.IGNORECASE)


_BOX_TOKEN = _token(_BOX_WORD)
_TEASER_TOKEN = _token(_TEASER_WORD)
#: A byline label opening a line shown on the page (``By``, ``بقلم:``), also glued to a
#: name as some templates print it (``ByAmy Roeder``).
_BYLINE_LABEL = re.compile(
    rf"^\s*{BYLINE_LABELS}(?:(?!\w)|(?<=[bB]y)(?-i:(?=[A-Z])))\s*[:：]?\s*", re.IGNORECASE
)
#: What joins two names in a byline (``Jane Roe and John Doe``, ``أحمد و سارة``).
_JOINED_AFTER = re.compile(r"(?:,|&|\b(?:and|et|und|y|e)|\sو)$", re.IGNORECASE)
_JOINED_BEFORE = re.compile(r"^(?:,|&|(?:and|et|und|y|e|و)\b)", re.IGNORECASE)
_CONNECTOR_WORD = re.compile(r"(?:\s|^)(?:and|et|und|&)(?:\s|$)", re.IGNORECASE)
#: Punctuation around a byline's names ("& Jane Roe", "Jane Roe •", "Jane Roe -").
_NAME_EDGES = re.compile(r"^[^\w(]+|[^\w.)]+$")
#: The path of an author's page (``/author/jane-doe``, ``/authors/...``, ``/autor/...``).
_AUTHOR_PAGE = re.compile(r"/(?:author|authors|autor|auteur|writers?)/[^/?#]", re.IGNORECASE)
#: Separators between a title's headline and the site's or section's name
#: (``Headline | Site``, ``Site - Headline``, ``Headline • Blog``); not a colon,
#: which headlines use ("Review: ...").
_TITLE_SEPARATOR = re.compile(r"\s+[-|–—·•»/]\s+")
#: Host labels that are not the site's name (``www.bbc.co.uk``).
_HOST_NOISE = frozenset({"www", "m", "amp", "co", "com", "org", "net", "gov", "ac", "edu"})
#: Words glued before a headline in its ``h1``: a label (``Title:``, ``Blog:``) or a date.
_GLUED_LABEL = re.compile(r"^(?:\w+\s*[:|]|[\w ,./-]*\d[\w ,./-]*)$")
#: Chinese and Japanese characters, written without spaces between words.
#: A domain used as the site's name (``Newegg.com``, ``web.dev``).
_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?؟:،,;؛…。！？]$")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def tokens(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


def overlap(a: str, b: str) -> float:
    """Share of the shorter text's words that the other one has (0..1)."""
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / min(len(ta), len(tb))


def classes(el: Any) -> str:
    """An element's class and id, where pages name what a box is."""
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def headline(root: Any, meta: PageMetadata) -> tuple[Any | None, str]:
    """The headline element and text: the ``h1`` the declared title matches.

    Pages often declare a title that differs in punctuation from the shown one
    (quotes dropped in ``og:title``); the shown ``h1`` is stored, as outlet
    spiders do. A page with several ``h1`` (logo, section name) gets the one
    sharing most words with ``og:title`` or the ``<title>``; an ``h1`` naming
    the site is never the headline. Without a match, a lone ``h1`` is what the
    reader sees as the headline, else the declared title without the site's name.
    """
    page_title = element_text(next(root.iter("title"), None))
    declared = [t for t in (clean_text(meta.title or ""), page_title) if t]
    names = _site_names(meta)
    references = [_without_site_name(t, names) for t in declared]
    shown_names = names | {_compact(s) for t in declared for s in _trailing_names(t)}
    shown_names |= _names_around(page_title, clean_text(meta.title or ""))
    h1s = [(el, heading_text(el)) for el in root.iter("h1")]
    h1s = [(el, text) for el, text in h1s if text and _compact(text) not in shown_names]
    best = max(
        ((el, text, ref) for el, text in h1s for ref in references),
        key=lambda found: _match(found[1], found[2]),
        default=None,
    )
    if best is not None and _match(best[1], best[2]) >= 0.6:
        el, text, ref = best
        return el, _as_declared(_without_site_name(text, names, declared=False), ref)
    lone = h1s[0] if len(h1s) == 1 else None
    if lone is not None and _links_elsewhere(lone[0], meta.canonical_url):
        lone = None  # a teaser of another story
    if lone is not None and 4 <= headline_words(lone[1]) <= 25:
        return lone
    if references:
        return (lone[0] if lone is not None else None), references[0]
    return None, ""


def _links_elsewhere(el: Any, canonical: str | None) -> bool:
    """True when a heading is a link to another page: a teaser, not this page's headline."""
    link = next(el.iter("a"), None)
    href = (link.get("href") or "").strip() if link is not None else ""
    if not canonical or not href or href.startswith("#"):
        return False
    return _page_of(urljoin(canonical, href)) != _page_of(canonical)


def _page_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname or ''}{parts.path.rstrip('/')}"


def headline_words(text: str) -> int:
    """Words of a headline; in Chinese or Japanese, written without spaces, two
    characters count as one word (:func:`crawler.text.word_count` counts a whole run as
    one)."""
    ideographs = len(CJK_RE.findall(text))
    return len(_WORD.findall(CJK_RE.sub("", text))) + (ideographs + 1) // 2


def heading_text(el: Any) -> str:
    """The text of a heading as shown: a ``<br>`` separates words (``WEEKEND<br>CODING``)."""
    if next(el.iter("br"), None) is None:
        return element_text(el)
    parts: list[str] = []
    _shown_texts(el, parts)
    return clean_text("".join(parts))


def _shown_texts(el: Any, parts: list[str]) -> None:
    if el.tag == "br":
        parts.append(" ")
    elif isinstance(el.tag, str):
        parts.append(el.text or "")
        for child in el:
            _shown_texts(child, parts)
            parts.append(child.tail or "")


def _match(shown: str, declared: str) -> float:
    """How well a shown heading matches a declared title: :func:`overlap`, but a word or
    two of a long title (a logo ``h1`` naming one of its words) is no match."""
    shared = len(tokens(shown) & tokens(declared))
    if shared < 2 and 4 * shared < len(tokens(declared)):
        return 0.0
    return overlap(shown, declared)


def _as_declared(shown: str, declared: str) -> str:
    """The shown headline, or the declared one where the shown text only differs by
    capitals (an ``h1`` typed in capitals) or words glued before it (``Title:``,
    a date, ``Blog:``)."""
    shown_words, declared_words = (
        _WORD.findall(shown.casefold()),
        _WORD.findall(declared.casefold()),
    )
    if shown.isupper() and shown_words == declared_words:
        return declared
    glued = shown[: len(shown) - len(declared)].strip()
    if (
        glued
        and len(declared_words) >= 3
        and shown.casefold().endswith(declared.casefold())
        and _GLUED_LABEL.match(glued)
    ):
        return declared
    return shown


def _compact(text: str) -> str:
    return "".join(_WORD.findall(text.casefold()))


def _site_names(meta: PageMetadata) -> set[str]:
    """Compact forms of the site's name: ``og:site_name`` and the host's own label."""
    names = {_compact(meta.site_name)} if meta.site_name else set()
    host = urlsplit(meta.canonical_url or "").hostname or ""
    labels = [label for label in host.split(".")[:-1] if label not in _HOST_NOISE]
    if labels:
        names.add(labels[-1])
    names.discard("")
    return names


def _names_site(segment: str, names: set[str]) -> bool:
    """True when a title segment is the site's name (``The Motley Fool``, ``Move.org``)."""
    compact = _compact(segment)
    if not compact or len(_WORD.findall(segment)) > 5:
        return False
    if _DOMAIN.match(segment.strip()):
        return True
    return any(
        (name in compact or compact in name) and 2 * min(len(name), len(compact)) >= len(compact)
        for name in names
    )


def _names_around(page_title: str, declared: str) -> set[str]:
    """What the ``<title>`` adds around the declared title: the site's name
    (``Blog Name: Headline`` with ``og:title`` ``Headline``)."""
    if not declared or declared == page_title or declared not in page_title:
        return set()
    before, _, after = page_title.partition(declared)
    most = min(5, len(_WORD.findall(declared)) - 1)
    return {_compact(part) for part in (before, after) if 0 < len(_WORD.findall(part)) <= most}


def _trailing_names(title: str) -> list[str]:
    """The segments after a title's headline, short enough to be the site or section name
    (``Headline - Budget Travel With Gabby``)."""
    segments = _TITLE_SEPARATOR.split(title)
    head = len(_WORD.findall(segments[0]))
    return [s for s in segments[1:] if len(_WORD.findall(s)) <= min(5, head - 1)]


def _without_site_name(title: str, names: set[str], *, declared: bool = True) -> str:
    """A title without the site's name after it. A declared title (``og:title``,
    ``<title>``) also loses the site's name before it, or when it names no site, a short
    last segment (``Headline | Blog Name``); a shown ``h1`` keeps both, they are part of
    its headline more often (``Newsletter #18 – Theme``)."""
    cuts = list(_TITLE_SEPARATOR.finditer(title))
    start, end = 0, len(title)
    while cuts and _names_site(title[cuts[-1].end() : end], names):
        end = cuts.pop().start()
    while declared and cuts and _names_site(title[start : cuts[0].start()], names):
        start = cuts.pop(0).end()
    if (
        declared
        and (start, end) == (0, len(title))
        and cuts
        and title[cuts[-1].end() :] in _trailing_names(title)
    ):
        end = cuts[-1].start()
    return clean_text(title[start:end])


def container(h1: Any) -> Any:
    """The element holding the article around its headline: ``<article>``, else a few
    levels up (enough for the date line and byline, not the whole page)."""
    el = h1
    for _ in range(6):
        parent = el.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        el = parent
        if el.tag == "article":
            return el
    parent = h1.getparent()
    for _ in range(2):
        if parent is not None and parent.getparent() is not None:
            if parent.getparent().tag in ("body", "html"):
                break
            parent = parent.getparent()
    return parent if parent is not None else h1


def headings(scope: Any, h1: Any | None) -> set[str]:
    """Texts of the headings the body must not repeat: the headline and what comes before
    it in its container (kicker, section label), the :func:`subtitle` the item stores
    apart, and the headings of boxes that are not the article (related stories,
    comments, widgets). The article's own subheadings are part of its text."""
    kicker = h1 is not None
    sub = subtitle(h1)
    found = {sub} if sub else set()
    half = len(scope.text_content()) / 2
    for el in scope.iter(*_HEADINGS):
        if el is h1:
            kicker = False
        if kicker or el is h1 or _in_box(el, scope, half):
            text = element_text(el)
            if text:
                found.add(text)
    return found


def _in_box(el: Any, scope: Any, half: float) -> bool:
    """True when *el* is inside a box of other articles or readers' text within *scope*:
    an element a class token names as one (:func:`names_box`) holding at most *half* of
    the scope's text. One holding more is the article's own wrapper, whatever its
    class says (``content-with-sidebar``, ``post-content has-share-float``), and so is
    ``<body>``, whose classes state the page's settings (``comments-open``)."""
    linked = _links_away(el)
    for parent in el.iterancestors():
        if parent is scope or parent.tag == "body":
            return False
        if names_box(classes(parent), linked) and len(parent.text_content()) <= half:
            return True
    return False


def _links_away(heading: Any) -> bool:
    """Whether *heading* is or holds a link, as the title of a teaser for another page."""
    if heading.find(".//a[@href]") is not None:
        return True
    return any(a.tag == "a" and a.get("href") for a in heading.iterancestors())


def names_box(names: str, linked: bool = True) -> bool:
    """Whether an element's class and id (:func:`classes`) name a box of other articles
    or readers' text: a token that is the box's word, or starts or ends with it; a card
    or teaser only around a *linked* heading (:func:`_links_away`)."""
    tokens = names.split()
    if any(_BOX_TOKEN.search(token) for token in tokens):
        return True
    return linked and any(_TEASER_TOKEN.search(token) for token in tokens)


def is_dateline(paragraph: str) -> bool:
    """A short place label opening the body (``مركز الأخبار``, ``واشنطن ـ المغرب اليوم``)."""
    words = _WORD.findall(paragraph)
    return 0 < len(words) <= 5 and not _SENTENCE_END.search(paragraph)


def subtitle(h1: Any | None) -> str | None:
    """An ``h2`` right before or after the headline (kicker, spot)."""
    if h1 is None:
        return None
    for el in (h1.getprevious(), h1.getnext()):
        if el is not None and el.tag == "h2":
            text = element_text(el)
            if text:
                return text
    return None


def byline(scope: Any | None, h1: Any | None) -> list[str]:
    """A byline after the headline, label removed: an element classed as one
    (``<span class="author">``), a link to the author's page (``rel=author``,
    ``/author/...``), or a line opening with a byline label (``By ...``, ``بقلم``)."""
    if scope is None or h1 is None:
        return []
    after = False
    for el in scope.iter():
        if el is h1:
            after = True
            continue
        if not after or not isinstance(el.tag, str) or el.tag == "img":
            continue
        names = _byline_names(el)
        if names:
            return names
    return []


def _byline_names(el: Any) -> list[str]:
    """The names *el* gives as the article's byline, if it is one."""
    if el.tag == "a":
        href = el.get("href") or ""
        if "author" not in (el.get("rel") or "") and not _AUTHOR_PAGE.search(href):
            return []
    elif _AUTHOR_CLASS.search(classes(el)):
        if ELSEWHERE_CLASS.search(classes(el)):
            return []
    elif not _BYLINE_LABEL.match(el.text or ""):
        return []
    names = _first_names(el)
    return names if names and all(map(_is_name, names)) else []


def _is_name(text: str) -> bool:
    """A name, not a sentence, a date line or a lower-case word ("information")."""
    words = len(_WORD.findall(text))
    return not text[0].islower() and 0 < words <= 6 and not re.search(r"\d", text)


def _first_names(el: Any) -> list[str]:
    """The names opening a byline box, label removed: its first piece of text and the
    ones a connector joins to it (``<a>Jane Roe</a> and <a>John Doe</a>``); the pieces
    after them are the author's role or another line (``Senior Reporter``)."""
    pieces = [text for text in (clean_text(piece) for piece in el.itertext()) if text]
    while pieces and not _BYLINE_LABEL.sub("", pieces[0]):
        pieces.pop(0)  # "By", "Written by" in an element of its own
    if not pieces:
        return []
    first = _BYLINE_LABEL.sub("", pieces[0])
    names, previous = [_clean_name(first)], first
    for piece in pieces[1:]:
        if not (_JOINED_AFTER.search(previous) or _JOINED_BEFORE.match(piece)):
            break
        name = _clean_name(_JOINED_BEFORE.sub("", piece))
        if name and not (_is_name(name) and _CONNECTOR_WORD.search(name) is None):
            break  # "Jane Roe, Home and Garden Editor": a role, not a second name
        names.append(name)
        previous = piece
    return [name for name in names if name]


def _clean_name(text: str) -> str:
    return _NAME_EDGES.sub("", _JOINED_AFTER.sub("", text))


def breadcrumb_section(scope: Any | None, title: str) -> str | None:
    """The last breadcrumb item before the headline (after «home»)."""
    if scope is None:
        return None
    for el in scope.iter():
        if isinstance(el.tag, str) and "breadcrumb" in classes(el).lower():
            crumbs = [element_text(a) for a in el.iter("a")][1:]
            crumbs = [c for c in crumbs if c and c != title]
            return crumbs[-1] if crumbs else None
    return None


def keywords(metas: dict[str, list[str]]) -> list[str]:
    """``news_keywords`` (else ``keywords``) as a list of tags."""
    for key in ("news_keywords", "keywords"):
        for value in metas.get(key, ()):
            tags = [t.strip() for t in re.split(r"[,،]", value) if t.strip()]
            if tags:
                return tags
    return []


def lead_image(scope: Any | None, url: str) -> str | None:
    """The first figure image of the article container."""
    if scope is None:
        return None
    for figure in scope.iter("figure"):
        img = next(figure.iter("img"), None)
        src = (img.get("src") or "").strip() if img is not None else ""
        if src:
            return urljoin(url, src)
    return None
