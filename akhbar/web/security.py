"""Security headers: a Content-Security-Policy on every response, stricter on our pages.

Our pages (search, article, outlets, 404) use no script at all and load styles and
images from this server only, so their policy allows no script and no other origin:
even a crawled string that escaped escaping could not run or phone home.

The API docs (``/docs``, ``/redoc``, the OAuth2 redirect) are FastAPI's pages, served
offline by ``fastapi-offline``; Swagger UI starts from one inline script. Their
policy allows that script by its sha256 hash, taken from the page FastAPI renders
(these pages are built from the app's own settings and hold no archive data), plus
what Swagger UI and ReDoc need: inline styles, ``data:`` images and ReDoc's ``blob:``
worker. Still no other origin.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = "; ".join(
    [
        "default-src 'none'",
        "style-src 'self'",
        "img-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
DOCS_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src {scripts}",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
DOCS_PATHS = frozenset({"/docs", "/redoc", "/docs/oauth2-redirect"})
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)
OTHER_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


def script_hashes(html: str) -> list[str]:
    """CSP sources (``'sha256-…'``) for each inline script of a page."""
    return [
        f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
        for body in _INLINE_SCRIPT.findall(html)
    ]


def docs_policy(hashes: Iterable[str]) -> str:
    return DOCS_POLICY.format(scripts=" ".join(["'self'", *hashes]))


class SecurityHeaders:
    """ASGI middleware that sets the policy of each response by its path."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
        elif scope["path"] in DOCS_PATHS:
            await self._docs(scope, receive, send)
        else:
            await self.app(scope, receive, self._with_headers(send, PAGE_POLICY))

    def _with_headers(self, send: Send, policy: str) -> Send:
        async def sender(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["content-security-policy"] = policy
                for name, value in OTHER_HEADERS.items():
                    headers[name] = value
            await send(message)

        return sender

    async def _docs(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Hold the (small) docs page until its body is known, then hash its scripts."""
        start: Message | None = None
        chunks: list[bytes] = []

        async def collect(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            policy = docs_policy(script_hashes(body.decode("utf-8", "replace")))
            finish = self._with_headers(send, policy)
            if start is not None:  # ASGI sends the start before any body
                await finish(start)
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, collect)
