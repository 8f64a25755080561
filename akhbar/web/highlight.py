"""Search highlights as HTML: the words a query matched, in ``<mark>``.

:mod:`db.search` returns texts as plain ``(part, matched)`` pairs; the markup is
built here, every part escaped, so the template inserts the result as it is.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup, escape

from db.search import SearchHit


def highlighted(parts: Iterable[tuple[str, bool]]) -> Markup:
    """The parts escaped and joined, each matched one in ``<mark>``."""
    return Markup("").join(
        Markup("<mark>{}</mark>").format(part) if matched else escape(part)
        for part, matched in parts
    )


def title_html(hit: SearchHit) -> Markup:
    """The hit's title, its matched words marked (none when no snippets were made)."""
    return highlighted(hit.title_parts or [(hit.title, False)])


def snippet_html(hit: SearchHit) -> Markup:
    """The hit's snippet, its matched words marked."""
    return highlighted(hit.snippet_parts)
