"""Choosing the character set of a page whose declared one is wrong.

Scrapy believes the ``Content-Type`` header's charset, then the page's
``<meta charset>``, then guesses. Arabic sites on old stacks often send
``charset=utf-8`` from a server default while the page itself is
``windows-1256`` (and says so in its ``<meta>``): believed, every Arabic letter
becomes U+FFFD. A declaration the bytes cannot be decoded with is wrong, so the
next witness is asked.

The reverse mistake is as common: a UTF-8 page (today's CMS default) served
under a legacy single-byte declaration left by an old template or server
(``iso-8859-1``, ``windows-1252``). Every byte decodes in those charsets, so
the page reads without an error and every accented letter or curly quote
becomes two or three (``Investorâ€™s``). Legacy single-byte text is almost
never valid UTF-8 by chance: every UTF-8 lead byte (a letter in those
charsets) must be followed by exactly the right number of continuation bytes
(0x80-0xBF, symbols and punctuation there), which real text does not do. So
bytes that are valid UTF-8 and not pure ASCII are read as UTF-8 whatever
single-byte charset is declared, as trafilatura does and browsers' sniffers do
for undeclared pages.
"""

from __future__ import annotations

import codecs
import logging

from charset_normalizer import from_bytes
from scrapy.http import HtmlResponse, TextResponse
from w3lib.encoding import html_body_declared_encoding, resolve_encoding

logger = logging.getLogger(__name__)

#: Python's names of the WHATWG's legacy single-byte encodings (plus ASCII and
#: Latin-1, which browsers read as windows-1252): every byte decodes in them, so a
#: UTF-8 page mislabelled with one reads without an error.
SINGLE_BYTE = frozenset(
    {"ascii", "cp1252", "iso8859-1", "cp866", "cp874", "koi8-r", "koi8-u"}
    | {"mac-roman", "mac-cyrillic"}
    | {f"cp{n}" for n in range(1250, 1259)}
    | {f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16)}
)

#: Bytes read to guess a charset: enough text for a confident guess, cheap on huge pages.
SAMPLE_BYTES = 64 * 1024


def decodes(body: bytes, encoding: str) -> bool:
    """Whether ``body`` is valid text in ``encoding`` (strict, as a browser's validator)."""
    try:
        codecs.decode(body, encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def single_byte(encoding: str) -> bool:
    """Whether ``encoding`` is a legacy single-byte charset (any label Python knows)."""
    try:
        return codecs.lookup(encoding).name in SINGLE_BYTE
    except LookupError:
        return False


def mislabelled_utf8(body: bytes, declared: str) -> bool:
    """Whether ``body`` is UTF-8 text declared as a single-byte charset.

    Valid UTF-8 with at least one multi-byte sequence: an ASCII page reads the
    same either way, and a real legacy page is not valid UTF-8.
    """
    return single_byte(declared) and not body.isascii() and decodes(body, "utf-8")


def better_encoding(body: bytes, declared: str) -> str | None:
    """The charset to read ``body`` with when ``declared`` is wrong for it, else None.

    A single-byte declaration on valid UTF-8 bytes gives way to UTF-8
    (:func:`mislabelled_utf8`). A declaration that cannot decode the bytes
    asks, in order: the page's own ``<meta>`` declaration, UTF-8, then a
    statistical guess on the first :data:`SAMPLE_BYTES`.
    """
    if decodes(body, declared):
        return "utf-8" if mislabelled_utf8(body, declared) else None
    meta = html_body_declared_encoding(body)
    candidates = [resolve_encoding(meta) if meta else None, "utf-8"]
    for candidate in candidates:
        if candidate and candidate != declared and decodes(body, candidate):
            return candidate
    guess = from_bytes(body[:SAMPLE_BYTES]).best()
    if guess is not None and resolve_encoding(guess.encoding) not in (None, declared):
        return resolve_encoding(guess.encoding)
    return None


def reads_as_utf8(response: TextResponse) -> bool:
    """Whether *response* is an HTML page read as UTF-8 whose text has no replacement
    character: its bytes are then valid UTF-8, which :func:`better_encoding` leaves as they
    are and lxml can parse as they are. Asked of its text, which every later reader decodes
    anyway, rather than of a second, strict decoding; a page whose text has U+FFFD is
    answered no (asked the long way by the caller)."""
    if not isinstance(response, HtmlResponse):
        return False  # sitemaps and feeds: their text is never decoded otherwise
    try:
        utf8 = codecs.lookup(response.encoding).name == "utf-8"
    except LookupError:
        return False
    return utf8 and "\ufffd" not in response.text
