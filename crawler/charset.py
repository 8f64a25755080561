"""Choosing the character set of a page whose declared one is wrong.

Scrapy believes the ``Content-Type`` header's charset, then the page's
``<meta charset>``, then guesses. Arabic sites on old stacks often send
``charset=utf-8`` from a server default while the page itself is
``windows-1256`` (and says so in its ``<meta>``): believed, every Arabic letter
becomes U+FFFD. A declaration the bytes cannot be decoded with is wrong, so the
next witness is asked.
"""

from __future__ import annotations

import codecs
import logging

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, resolve_encoding

logger = logging.getLogger(__name__)

#: Bytes read to guess a charset: enough text for a confident guess, cheap on huge pages.
SAMPLE_BYTES = 64 * 1024


def decodes(body: bytes, encoding: str) -> bool:
    """Whether ``body`` is valid text in ``encoding`` (strict, as a browser's validator)."""
    try:
        codecs.decode(body, encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def better_encoding(body: bytes, declared: str) -> str | None:
    """The charset to read ``body`` with when ``declared`` cannot decode it, else None.

    Witnesses in order: the page's own ``<meta>`` declaration, UTF-8, then a
    statistical guess on the first :data:`SAMPLE_BYTES`.
    """
    if decodes(body, declared):
        return None
    meta = html_body_declared_encoding(body)
    candidates = [resolve_encoding(meta) if meta else None, "utf-8"]
    for candidate in candidates:
        if candidate and candidate != declared and decodes(body, candidate):
            return candidate
    guess = from_bytes(body[:SAMPLE_BYTES]).best()
    if guess is not None and resolve_encoding(guess.encoding) not in (None, declared):
        return resolve_encoding(guess.encoding)
    return None
