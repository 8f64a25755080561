"""What every page of the web face shares: the engine, the templates and their filters.

Templates are Jinja2 with autoescaping on for every file, so a crawled string is
escaped wherever it lands; the only markup inserted as-is is the search
highlights, built in :mod:`akhbar.web.highlight` from escaped pieces.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import Engine

from akhbar.web.highlight import snippet_html, title_html
from db.config import Config

WEB_DIR = Path(__file__).parent
ARABIC_SCRIPT = range(0x0600, 0x0700)


@dataclass(frozen=True)
class Site:
    """The app's shared parts, handed to each group of routes."""

    engine: Engine
    templates: Jinja2Templates
    config: Config

    def render(
        self, request: Request, name: str, context: dict[str, Any], status_code: int = 200
    ) -> HTMLResponse:
        return self.templates.TemplateResponse(request, name, context, status_code=status_code)


def make_templates() -> Jinja2Templates:
    """The page templates, autoescaped, with the filters the pages use."""
    templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))
    templates.env.autoescape = True  # also for templates not ending in .html
    templates.env.globals.update(
        is_rtl=is_rtl, direction=direction, title_html=title_html, snippet_html=snippet_html
    )
    templates.env.filters.update(utc=utc_text, local=local_text, number=number)
    return templates


def is_rtl(value: str | None) -> bool:
    """Whether a text is mostly Arabic script."""
    letters = [ch for ch in value or "" if ch.isalpha()]
    return bool(letters) and sum(ord(ch) in ARABIC_SCRIPT for ch in letters) * 2 >= len(letters)


def direction(value: str | None) -> str:
    """The ``dir`` of an element holding this crawled text."""
    return "rtl" if is_rtl(value) else "ltr"


def utc_text(value: dt.datetime | None) -> str:
    """``2019-09-14 13:22 UTC``, or an empty string."""
    if value is None:
        return ""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def local_text(value: dt.datetime | None, zone: str) -> str:
    """The instant in the outlet's zone: ``2019-09-14 16:22 (Asia/Damascus, +03:00)``."""
    if value is None:
        return ""
    try:
        local = value.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return utc_text(value)
    offset = local.strftime("%z")
    return f"{local:%Y-%m-%d %H:%M} ({zone}, {offset[:3]}:{offset[3:]})"


def number(value: int) -> str:
    """An integer with thousands separated by a thin space (readable in both scripts)."""
    return f"{value:,}".replace(",", "\u202f")
