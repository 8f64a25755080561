"""The search API (``/api/search``) and the search page (``/``).

A bad parameter is a 422 for both: JSON for the API, the form again with one
short message for the page (:func:`form_error_page`).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Sequence
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, BeforeValidator
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from akhbar.web.site import Site
from db.search import (
    MAX_LIMIT,
    MAX_OFFSET,
    MAX_QUERY_CHARS,
    SearchResult,
    UnknownFilter,
    search,
)

logger = logging.getLogger(__name__)

MAX_INPUT_CHARS = MAX_QUERY_CHARS * 10  # longer is a 422; up to MAX_QUERY_CHARS are searched
ECHO_CHARS = 100  # how much of a rejected value the page shows back
FORM_FIELDS = ("q", "outlet", "lang", "since", "until", "sort")
FIELD_LABELS = {
    "q": "الاستعلام",
    "outlet": "المصدر",
    "lang": "اللغة",
    "since": "من",
    "until": "إلى",
    "sort": "الترتيب",
}
LANGUAGE_NAMES = {"ar": "العربية", "en": "English", "fr": "Français"}


class Hit(BaseModel):
    """One article found; ``id`` is its key in ``/api/articles/{id}``."""

    id: int
    url: str
    outlet: str
    title: str
    published_at: dt.datetime | None
    published_date: dt.date | None
    snippet: str
    rank: float


class SearchResponse(BaseModel):
    """A page of results with the total and counts per outlet.

    ``ranked`` is null when every match was ranked (and counted per outlet); else the
    number of most recent matches that were: the default search bounds its ranking.
    """

    query: str
    total: int
    total_exact: bool
    ranked: int | None
    limit: int
    offset: int
    outlet_counts: dict[str, int]
    results: list[Hit]


Q = Annotated[str, Query(max_length=MAX_INPUT_CHARS, description="Web-style query.")]
Outlet = Annotated[
    str | None, Query(max_length=200, description="An outlet's name; an unknown one is a 422.")
]
Lang = Annotated[
    str | None,
    Query(max_length=20, description="ISO 639-1 code of articles in the archive, else a 422."),
]


def empty_is_none(value: Any) -> Any:
    """An empty field is a filter not given: the page's form sends ``since=`` when blank."""
    return None if value == "" else value


Since = Annotated[
    dt.date | None,
    BeforeValidator(empty_is_none),
    Query(description="Published on or after (YYYY-MM-DD); empty means no bound."),
]
Until = Annotated[
    dt.date | None,
    BeforeValidator(empty_is_none),
    Query(description="Published on or before (YYYY-MM-DD); empty means no bound."),
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
Sort = Annotated[Literal["relevance", "date"], Query()]
Exhaustive = Annotated[
    bool,
    Query(description="Rank every match, not only the most recent ones (slow on common words)."),
]

_CHOICES_SQL = text(
    "SELECT (SELECT coalesce(array_agg(name ORDER BY name), '{}') FROM outlets),"
    " (SELECT coalesce(array_agg(DISTINCT language), '{}') FROM articles"
    "  WHERE language IS NOT NULL)"
)


def unknown_filter_error(exc: UnknownFilter) -> dict[str, Any]:
    """An unknown outlet or language as one error of FastAPI's 422 ``detail`` list."""
    return {
        "type": "value_error",
        "loc": ("query", exc.name),
        "msg": str(exc),
        "input": exc.value,
        "ctx": {"known": exc.known},
    }


def form_message(errors: Sequence[Any]) -> str:
    """One short sentence on the first invalid field for the page; never the whole input."""
    error = errors[0]
    field = str(error["loc"][-1])
    label = FIELD_LABELS.get(field, field)
    known = (error.get("ctx") or {}).get("known")
    if known is not None:
        listed = "، ".join(known) or "—"
        value = str(error["input"])[:ECHO_CHARS]
        if field == "outlet":
            return f"لا يوجد مصدر باسم «{value}» في الأرشيف. المصادر: {listed}."
        return f"لا توجد مقالات بلغة «{value}» في الأرشيف. اللغات: {listed}."
    if field == "q":
        return f"الاستعلام أطول من {MAX_INPUT_CHARS} حرف."
    if field in ("since", "until"):
        return f"تاريخ غير صالح في «{label}»: اكتبه بصيغة YYYY-MM-DD."
    return f"قيمة غير صالحة في «{label}»."


class SearchPages:
    """The search routes of one app, and the form they share."""

    def __init__(self, site: Site) -> None:
        self.site = site

    def run(self, q: str, **kwargs: Any) -> SearchResult:
        try:
            with self.site.engine.begin() as connection:
                return search(connection, q, **kwargs)
        except UnknownFilter as exc:
            # The same 422 as any bad parameter, so the API and the page answer it alike.
            raise RequestValidationError([unknown_filter_error(exc)]) from exc
        except DBAPIError:
            # A timeout or an unexpected server error must not become a 500 page
            # that shows internals; log it and answer with no results.
            logger.exception("search failed for %r", q[:200])
            return SearchResult(
                q, None, 0, [], {}, kwargs.get("limit", 10), kwargs.get("offset", 0)
            )

    def choices(self) -> tuple[list[str], list[str]]:
        """The outlets and languages the archive has, for the form's lists."""
        with self.site.engine.connect() as connection:
            outlets, languages = connection.execute(_CHOICES_SQL).one()
        return list(outlets), sorted(languages)

    def render(
        self, request: Request, form: dict[str, str], status_code: int = 200, **context: Any
    ) -> HTMLResponse:
        outlets, languages = self.choices()
        return self.site.render(
            request,
            "search.html",
            {
                **form,
                "result": None,
                "error": None,
                "outlets": outlets,
                "languages": [(code, LANGUAGE_NAMES.get(code, code)) for code in languages],
                **context,
            },
            status_code=status_code,
        )

    def form_error_page(self, request: Request, exc: RequestValidationError) -> HTMLResponse:
        """The form again, refilled with short prefixes of what was sent (escaped by Jinja)."""
        form = {name: request.query_params.get(name, "")[:ECHO_CHARS] for name in FORM_FIELDS}
        return self.render(request, form, error=form_message(exc.errors()), status_code=422)


def add_search_routes(app: FastAPI, site: Site) -> SearchPages:
    """Add ``/api/search`` and ``/`` to ``app``; return the pages (for the 422 handler)."""
    pages = SearchPages(site)

    @app.get("/api/search", response_model=SearchResponse, tags=["search"])
    def api_search(
        q: Q = "",
        outlet: Outlet = None,
        lang: Lang = None,
        since: Since = None,
        until: Until = None,
        limit: Limit = 10,
        offset: Offset = 0,
        sort: Sort = "relevance",
        exhaustive: Exhaustive = False,
    ) -> SearchResponse:
        """Search the archive. Syntax: words, "quoted phrases", OR, -exclude.

        Ranked by relevance among the most recent matches unless ``exhaustive``.
        """
        result = pages.run(
            q,
            outlet=outlet,
            lang=lang,
            since=since,
            until=until,
            limit=limit,
            offset=offset,
            sort=sort,
            exhaustive=exhaustive,
        )
        return SearchResponse(
            query=q,
            total=result.total,
            total_exact=result.total_exact,
            ranked=result.ranked,
            limit=result.limit,
            offset=result.offset,
            outlet_counts=result.outlet_counts,
            results=[Hit(id=hit.id, **hit.as_json()) for hit in result.hits],
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page(
        request: Request,
        q: Q = "",
        outlet: Outlet = None,
        lang: Lang = None,
        since: Since = None,
        until: Until = None,
        limit: Limit = 10,
        offset: Offset = 0,
        sort: Sort = "relevance",
        exhaustive: Exhaustive = False,
    ) -> HTMLResponse:
        outlet, lang = outlet or None, lang or None  # blank choices in the form
        result = (
            pages.run(
                q,
                outlet=outlet,
                lang=lang,
                since=since,
                until=until,
                limit=limit,
                offset=offset,
                sort=sort,
                exhaustive=exhaustive,
            )
            if q.strip()
            else None
        )
        form = {
            "q": q[:MAX_QUERY_CHARS],  # all that is searched: the page never echoes more
            "outlet": outlet or "",
            "lang": lang or "",
            "since": since.isoformat() if since else "",
            "until": until.isoformat() if until else "",
            "sort": sort,
        }
        params = {**form, "limit": limit, "exhaustive": "true" if exhaustive else None}

        def link(**changes: Any) -> str:
            merged = {**params, **changes}
            return "?" + urlencode({k: v for k, v in merged.items() if v not in (None, "")})

        return pages.render(
            request,
            form,
            result=result,
            page=offset // limit + 1,
            pages=math.ceil(result.total / limit) if result else 0,
            limit=limit,
            offset=offset,
            link=link,
        )

    return pages
