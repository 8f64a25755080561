"""The web face's test archive: an article edited twice, its copy in another outlet, a
hostile article, an English one, enough results to page through, and crawl runs.

``tests/web/conftest.py`` fills a database of its own with it (``fill``) once a session.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, text

from db.articles import store_articles, upsert_outlet
from db.runs import finish_run, record_counts, start_run
from tests.support.articles import article_row

EDITED_URL = "https://www.hawarnews.com/ar/edited-story"
COPY_URL = "https://wire.test/copied-story"
HOSTILE_URL = "https://wire.test/hostile"
ENGLISH_URL = "https://wire.test/english"
PUBLISHED = dt.datetime(2019, 9, 14, 13, 22, tzinfo=dt.UTC)  # 16:22 in Damascus
FIRST_BODY = "قال وزير الخارجية إن المفاوضات في جنيف مستمرة.\n\nوأضاف أن الوفد سيعود غدا."
SECOND_BODY = "قال وزير الخارجية إن المفاوضات في جنيف متوقفة.\n\nوأضاف أن الوفد سيعود غدا."
FINAL_BODY = "قال وزير الخارجية إن المفاوضات في جنيف متوقفة مؤقتا.\n\nوأضاف أن الوفد لن يعود غدا."
HOSTILE_TITLE = "<script>alert('title')</script> مفاوضات <img src=x onerror=alert(1)>"
HOSTILE_BODY = (
    "مفاوضات جنيف <script>alert('body')</script> "
    '<a href="javascript:alert(2)">اضغط</a> <svg onload=alert(3)>'
)
PAGED_WORD = "زيتون"
PAGED_ARTICLES = 23


@dataclass(frozen=True)
class WebArchive:
    """The test archive: its engine and the ids of the articles tests open."""

    engine: Engine
    url: str
    edited_id: int
    copy_id: int
    hostile_id: int
    english_id: int


def article_id(engine: Engine, url: str) -> int:
    """The id of the archived article at ``url``."""
    with engine.connect() as connection:
        return connection.execute(
            text("SELECT id FROM articles WHERE url = :u"), {"u": url}
        ).scalar_one()


def fill(engine: Engine) -> None:
    """Store the test archive's outlets, articles (with two edits) and a finished crawl run."""
    with engine.begin() as connection:
        hawar = upsert_outlet(
            connection,
            {
                "name": "hawarnews",
                "title": "وكالة هاوار للأنباء",
                "base_url": "https://www.hawarnews.com/",
                "language": "ar",
                "timezone": "Asia/Damascus",
            },
        )
        wire = upsert_outlet(
            connection,
            {"name": "wire", "title": "Wire", "base_url": "https://wire.test/", "language": "ar"},
        )
        first = article_row(
            hawar,
            EDITED_URL,
            "مفاوضات جنيف مستمرة",
            FIRST_BODY,
            published_at=PUBLISHED,
            tags=["جنيف", "سوريا"],
            section="سياسة",
        )
        store_articles(
            connection,
            [
                first,
                article_row(wire, COPY_URL, "مفاوضات جنيف متوقفة مؤقتا", FINAL_BODY),
                article_row(wire, HOSTILE_URL, HOSTILE_TITLE, HOSTILE_BODY),
                article_row(
                    wire,
                    ENGLISH_URL,
                    "Geneva talks resume",
                    "The minister said talks in Geneva resume.",
                    language="en",
                ),
                *[
                    article_row(
                        wire,
                        f"https://wire.test/olive-{i}",
                        f"موسم {PAGED_WORD} رقم {i}",
                        f"بدأ موسم قطاف {PAGED_WORD} في القرية {i}.",
                        published_at=PUBLISHED - dt.timedelta(days=i),
                    )
                    for i in range(PAGED_ARTICLES)
                ],
            ],
        )
        run = start_run(connection, hawar, "scheduled", 4242)
        record_counts(connection, run, {"pages_crawled": 12, "articles_new": 3, "errors": 1})
        finish_run(connection, run, "succeeded")
    # Each edit in its own transaction: a version's superseded_at is its transaction's now().
    for title, body in (
        ("مفاوضات جنيف متوقفة", SECOND_BODY),
        ("مفاوضات جنيف متوقفة مؤقتا", FINAL_BODY),
    ):
        with engine.begin() as connection:
            row = article_row(hawar, EDITED_URL, title, body, published_at=PUBLISHED)
            store_articles(connection, [{**row, "tags": ["جنيف", "سوريا"], "section": "سياسة"}])
