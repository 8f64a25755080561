"""The archive's web face (``akhbar serve``): pages for people, a JSON API for programs.

Pages: ``/`` (search), ``/articles/{id}`` (an article with its history),
``/outlets`` (the outlets and their crawls). API: ``/api/search``,
``/api/articles/{id}``, ``/api/outlets``, described at ``/openapi.json``, ``/docs``
and ``/redoc`` (Swagger UI and ReDoc served by the app itself, ``fastapi-offline``).

Everything that came from a crawled page is untrusted: templates autoescape, and
:mod:`akhbar.web.security` sets a Content-Security-Policy that runs no script on our
pages. The app only reads the archive, so it runs with the ``akhbar_reader`` role.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException

from akhbar.web.articles import add_article_routes
from akhbar.web.outlets import add_outlet_routes
from akhbar.web.search import ECHO_CHARS, add_search_routes
from akhbar.web.security import SecurityHeaders
from akhbar.web.site import WEB_DIR, Site, is_rtl, make_templates
from db.config import Config, load_config
from db.engine import make_engine

__all__ = ["ECHO_CHARS", "create_app", "is_rtl"]

logger = logging.getLogger(__name__)


def create_app(
    database_url: str | None = None, engine: Engine | None = None, config: Config | None = None
) -> FastAPI:
    """The app on ``engine`` (or a new engine on ``database_url``).

    ``config`` gives the outlets' schedules; by default it is read as every command
    reads it (``AKHBAR_CONFIG`` and the environment).
    """
    if engine is None:
        if database_url is None:
            raise ValueError("create_app needs a database_url or an engine")
        engine = make_engine(database_url)
    app = FastAPIOffline(
        title="Akhbar", summary="Search an Arabic-first news archive.", version="1"
    )
    site = Site(engine, make_templates(), config or load_config())
    app.mount("/static", StaticFiles(directory=str(WEB_DIR / "static")), name="static")
    app.add_middleware(SecurityHeaders)
    search_pages = add_search_routes(app, site)
    add_article_routes(app, site)
    add_outlet_routes(app, site)

    def wants_page(request: Request) -> bool:
        """Whether an error should be a page for people rather than JSON."""
        path = request.url.path
        return not (path.startswith(("/api/", "/static/", "/openapi")) or path in ("/api",))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path == "/":
            return search_pages.form_error_page(request, exc)
        if wants_page(request):  # /articles/abc: no such article, for a person
            return not_found_page(request)
        return await request_validation_exception_handler(request, exc)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 404 and wants_page(request):
            return not_found_page(request)
        return await http_exception_handler(request, exc)

    def not_found_page(request: Request) -> Response:
        return site.render(request, "not_found.html", {}, status_code=404)

    @app.exception_handler(DBAPIError)
    def database_error(request: Request, exc: DBAPIError) -> JSONResponse:
        logger.exception("database error on %s", request.url.path)
        return JSONResponse({"detail": "the archive is unavailable"}, status_code=503)

    return app
