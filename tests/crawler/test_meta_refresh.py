"""Meta refresh is followed as Scrapy follows it; pages that cannot hold one are not scanned."""

from __future__ import annotations

import pytest
from scrapy.downloadermiddlewares import redirect
from scrapy.http import HtmlResponse, Request, Response
from scrapy.utils.conf import build_component_list
from scrapy.utils.project import get_project_settings
from scrapy.utils.test import get_crawler

from crawler.middlewares import MetaRefreshMiddleware

URL = "https://www.casablancatoday.com/s/abc"
TARGET = "https://www.casablancatoday.com/morocco/2019/01/01/300001.html"
ARABIC = "<title>خبر عاجل من الدار البيضاء</title>" * 40


def _page(head: str) -> HtmlResponse:
    body = f"<html><head>{head}</head><body><p>{ARABIC}</p></body></html>"
    return HtmlResponse(URL, body=body.encode(), encoding="utf-8", request=Request(URL))


def _through(middleware: type, response: HtmlResponse) -> Request | Response:
    return middleware.from_crawler(get_crawler()).process_response(response.request, response)


HEADS = {
    "plain": f'<meta http-equiv="refresh" content="0; url={TARGET}">',
    "upper case": f'<META HTTP-EQUIV="REFRESH" CONTENT="0;URL={TARGET}">',
    "content first": f'<meta content="0;url={TARGET}" http-equiv="Refresh">',
    "character reference": f'<meta http-equiv="&#114;efresh" content="0; url={TARGET}">',
    "long s": f'<meta http-equiv="refreſh" content="0; url={TARGET}">',
    "after Arabic": f"{ARABIC}<meta http-equiv='refresh' content='0; url={TARGET}'>",
    "none": '<meta charset="utf-8"><meta name="description" content="تحديث الأخبار">',
    "a delay too long": f'<meta http-equiv="refresh" content="600; url={TARGET}">',
    "refresh in text only": "<title>refresh</title>",
}


@pytest.mark.parametrize("head", HEADS.values(), ids=HEADS.keys())
def test_pages_are_redirected_exactly_as_scrapy_redirects_them(head: str) -> None:
    ours, scrapys = (
        _through(MetaRefreshMiddleware, _page(head)),
        _through(redirect.MetaRefreshMiddleware, _page(head)),
    )
    assert type(ours) is type(scrapys)
    if isinstance(scrapys, Request):
        assert isinstance(ours, Request) and ours.url == scrapys.url == TARGET


def test_a_page_without_the_word_comes_back_unchanged() -> None:
    response = _page(HEADS["none"])
    assert _through(MetaRefreshMiddleware, response) is response


def test_crawls_use_it_after_the_charset_repair_in_scrapys_place() -> None:
    middlewares = build_component_list(get_project_settings().getwithbase("DOWNLOADER_MIDDLEWARES"))
    assert "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware" not in middlewares
    ours = middlewares.index("crawler.middlewares.MetaRefreshMiddleware")
    # Responses go through the list backwards: the charset is repaired before the text is read.
    assert middlewares[ours + 1] == "crawler.middlewares.CharsetMiddleware"
