"""``Retry-After`` in both of its forms."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.middlewares import retry_after_seconds

NOW = datetime(2024, 5, 14, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (b"120", 120.0),
        (b" 0 ", 0.0),
        (b"Tue, 14 May 2024 09:30:30 GMT", 30.0),
        (b"Tue, 14 May 2024 09:00:00 GMT", 0.0),  # in the past: retry now
        (None, None),
        (b"", None),
        (b"soon", None),
        (b"-5", None),
    ],
)
def test_retry_after_seconds(header: bytes | None, seconds: float | None) -> None:
    assert retry_after_seconds(header, now=NOW) == seconds
