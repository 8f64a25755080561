"""The search web app: a JSON API (``/api/search``, OpenAPI at ``/docs``) and a search page.

Everything that came from a crawled page is untrusted: the page is rendered by
Jinja2 with autoescaping on, and the only markup in a snippet is the ``<mark>``
that :mod:`db.search` puts around already-escaped words. A bad parameter is a 422
for both: JSON for the API, the form again with one short message for the page.
The docs pages load Swagger UI and ReDoc from the app itself (``fastapi-offline``
ships them), so ``/docs`` works without internet.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import FastAPI, Query, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from fastapi_offline import FastAPIOffline
from markupsafe import Markup
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from db.engine import make_engine
from db.search import (
    MAX_LIMIT,
    MAX_OFFSET,
    MAX_QUERY_CHARS,
    SearchResult,
    UnknownFilter,
    search,
)

logger = logging.getLogger(__name__)

WEB_DIR = Path(__file__).parent / "web"
ARABIC_SCRIPT = range(0x0600, 0x0700)
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


class Hit(BaseModel):
    """One article found."""

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
Since = Annotated[dt.date | None, Query(description="Published on or after (YYYY-MM-DD).")]
Until = Annotated[dt.date | None, Query(description="Published on or before (YYYY-MM-DD).")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
Sort = Annotated[Literal["relevance", "date"], Query()]
Exhaustive = Annotated[
    bool,
    Query(description="Rank every match, not only the most recent ones (slow on common words)."),
]


def is_rtl(value: str) -> bool:
    """Whether a text is mostly Arabic script (for dir=rtl)."""
    letters = [ch for ch in value if ch.isalpha()]
    return bool(letters) and sum(ord(ch) in ARABIC_SCRIPT for ch in letters) * 2 >= len(letters)


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


def create_app(database_url: str | None = None, engine: Engine | None = None) -> FastAPI:
    """The app on ``engine`` (or a new engine on ``database_url``)."""
    if engine is None:
        if database_url is None:
            raise ValueError("create_app needs a database_url or an engine")
        engine = make_engine(database_url)
    app = FastAPIOffline(
        title="Akhbar", summary="Search an Arabic-first news archive.", version="1"
    )
    templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))
    templates.env.autoescape = True  # also for templates not ending in .html
    app.mount("/static", StaticFiles(directory=str(WEB_DIR / "static")), name="static")

    def run(q: str, **kwargs: Any) -> SearchResult:
        try:
            with engine.begin() as connection:
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
        result = run(
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
            results=[Hit(**hit.as_json()) for hit in result.hits],
        )

    def render(
        request: Request, form: dict[str, str], status_code: int = 200, **context: Any
    ) -> HTMLResponse:
        return templates.TemplateResponse(
            request,
            "search.html",
            {
                **form,
                "result": None,
                "error": None,
                "is_rtl": is_rtl,
                # db.search escapes every piece and adds only <mark>: safe to insert.
                "marked": lambda html_: Markup(html_),
                **context,
            },
            status_code=status_code,
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
        result = (
            run(
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

        return render(
            request,
            form,
            result=result,
            page=offset // limit + 1,
            pages=math.ceil(result.total / limit) if result else 0,
            limit=limit,
            offset=offset,
            link=link,
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if request.scope.get("endpoint") is not page:
            return await request_validation_exception_handler(request, exc)
        # The form again, refilled with short prefixes of what was sent (escaped by Jinja).
        form = {name: request.query_params.get(name, "")[:ECHO_CHARS] for name in FORM_FIELDS}
        return render(request, form, error=form_message(exc.errors()), status_code=422)

    @app.exception_handler(DBAPIError)
    def database_error(request: Request, exc: DBAPIError) -> JSONResponse:
        logger.exception("database error on %s", request.url.path)
        return JSONResponse({"detail": "the archive is unavailable"}, status_code=503)

    return app
