"""The web face in a real browser: Debian's Chromium, headless, driven by Playwright.

The app runs under uvicorn on 127.0.0.1 in a thread of the test process; Playwright
starts ``/usr/bin/chromium`` (never a browser of its own) and closes it after the
module. Screenshots of the main pages are kept in ``build/screenshots/`` (or
``$AKHBAR_SCREENSHOTS``). Skipped only when Chromium is not installed; ``.ci/run``
installs it.
"""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from akhbar.web import create_app
from db.config import Config
from tests.support import free_port
from tests.support.web_archive import ENGLISH_URL, PAGED_ARTICLES, PAGED_WORD, WebArchive

pytestmark = [pytest.mark.db, pytest.mark.browser]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip("Chromium is not installed (apt-get install chromium)", allow_module_level=True)

from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright  # noqa: E402

# What the machine's closed network and a root CI need (see .ci/run).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000
PHONE = {"width": 375, "height": 740}
SCREENSHOTS = Path(os.environ.get("AKHBAR_SCREENSHOTS", "build/screenshots"))


@pytest.fixture(scope="module")
def base_url(web_archive: WebArchive) -> Iterator[str]:
    """``akhbar serve``'s app under uvicorn on 127.0.0.1, stopped after the module."""
    port = free_port()
    app = create_app(engine=web_archive.engine, config=Config())
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Playwright gives each launch a fresh, temporary profile (--user-data-dir).
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, timeout=TIMEOUT_MS
        )
        yield browser
        browser.close()


class Watched:
    """A page with every console error, page error and dialog it caused."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.console_errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        page.on("dialog", self._dialog)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def csp_errors(self) -> list[str]:
        return [e for e in self.console_errors if "Content Security Policy" in e]


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(locale="ar", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    yield Watched(context.new_page())
    context.close()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Watched]:
    context = browser.new_context(
        locale="ar", viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield Watched(context.new_page())
    context.close()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_search_filter_page_open_an_article_see_its_diff_and_go_back(
    watched: Watched, base_url: str, web_archive: WebArchive
) -> None:
    page = watched.page
    page.goto(base_url + "/")
    page.fill("input[name=q]", PAGED_WORD)
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("ol.results li.hit")
    assert page.locator("ol.results li.hit").count() == 10
    assert f"من {PAGED_ARTICLES}" in page.inner_text("p.count")
    screenshot(page, "search")

    page.click("nav.facets a:has-text('wire')")  # filter by outlet
    page.wait_for_url("**outlet=wire**")
    assert page.locator("select[name=outlet]").input_value() == "wire"
    page.click("a[rel=next]")  # page through
    page.wait_for_url("**offset=10**")
    assert "11–20" in page.inner_text("p.count")
    page.go_back()
    page.wait_for_url(lambda url: "offset=10" not in url)
    assert "1–10" in page.inner_text("p.count")

    page.fill("input[name=q]", "مؤقتا")
    page.select_option("select[name=outlet]", "")
    page.press("input[name=q]", "Enter")
    page.click(f"a[href='/articles/{web_archive.edited_id}']")
    page.wait_for_selector("section.revisions details.change[open]")
    latest = page.locator("details.change").first
    assert latest.locator("ins").first.inner_text() == "مؤقتا"
    assert page.locator("details.change").count() == 2
    assert "Asia/Damascus" in page.inner_text("dl.facts")
    screenshot(page, "article")
    page.go_back()
    page.wait_for_selector("ol.results")
    assert not watched.console_errors and not watched.dialogs


def test_page_is_rtl_and_a_latin_result_is_ltr(watched: Watched, base_url: str) -> None:
    page = watched.page
    page.goto(base_url + "/?q=Geneva+OR+جنيف&limit=50")
    direction = "el => getComputedStyle(el).direction"
    assert page.eval_on_selector("html", direction) == "rtl"
    english = page.locator("li.hit", has=page.locator(f"a[href='{ENGLISH_URL}']"))
    assert english.evaluate(direction) == "ltr"
    arabic = page.locator("li.hit", has_text="جنيف").first
    assert arabic.evaluate(direction) == "rtl"


def test_script_payloads_render_as_text_and_no_dialog_opens(
    watched: Watched, base_url: str, web_archive: WebArchive
) -> None:
    page = watched.page
    page.goto(base_url + "/?q=مفاوضات")
    page.goto(f"{base_url}/articles/{web_archive.hostile_id}")
    assert "<script>alert('title')</script>" in page.inner_text("h1")
    assert "javascript:alert(2)" in page.inner_text(".body")  # shown, never a link
    assert page.locator("article script, article img, article svg").count() == 0
    page.wait_for_timeout(300)  # anything that would run has had its chance
    assert watched.dialogs == []


def test_our_pages_and_the_docs_raise_no_csp_error(
    watched: Watched, base_url: str, web_archive: WebArchive
) -> None:
    page = watched.page
    for path in ("/", "/?q=جنيف", f"/articles/{web_archive.edited_id}", "/outlets", "/nowhere"):
        page.goto(base_url + path)
    screenshot(page, "not-found")
    page.goto(base_url + "/outlets")
    screenshot(page, "outlets")
    page.goto(base_url + "/docs")
    page.wait_for_selector(".swagger-ui .opblock")  # Swagger UI ran and read the schema
    page.goto(base_url + "/redoc")
    page.wait_for_selector("redoc [role=menuitem], redoc .menu-content")
    # ReDoc's bundle shows its vendor's logo from cdn.redoc.ly: refusing a third-party
    # origin is the policy's job, and the docs work without it. Nothing else is blocked.
    blocked = [e for e in watched.csp_errors() if "https://cdn.redoc.ly/" not in e]
    assert blocked == []
    # The only other console error is the 404 page's own status.
    assert [e for e in watched.console_errors if "Content Security Policy" not in e] == [
        "Failed to load resource: the server responded with a status of 404 (Not Found)"
    ]


def test_phone_width_has_no_horizontal_scroll(
    phone: Watched, base_url: str, web_archive: WebArchive
) -> None:
    page = phone.page
    pages = {
        "phone-home": "/",
        "phone-search": f"/?q={PAGED_WORD}",
        "phone-article": f"/articles/{web_archive.edited_id}",
        "phone-outlets": "/outlets",
    }
    for name, path in pages.items():
        page.goto(base_url + path)
        overflow = page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        screenshot(page, name)
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 375px"
