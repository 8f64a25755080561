"""Article rows as the crawler's pipeline stores them, the fixture outlets' truth articles, and
the search tests' archive, for the tests that fill a database of their own (search, web)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import Engine

from db.articles import store_articles, upsert_outlet
from tests.support import FIXTURES

#: The fixture outlets whose saved sites have truth files, with the origin their URLs are under.
ORIGINS = {
    "casablancatoday": "https://www.casablancatoday.com",
    "hawarnews": "https://www.hawarnews.com",
}
#: The two seed texts (one writes سورية/الأميركي, the other سوريا/الأمريكي) and their URLs.
SEED_URLS = {
    "000_977387f697afb59b.txt": "https://seeds.test/000-souriya-al-amiriki",
    "003_2c2b35541980aacd.txt": "https://seeds.test/003-souriya-al-amriki",
}


def article_row(outlet_id: int, url: str, title: str, body: str, **extra: Any) -> dict[str, Any]:
    """A row as the crawler's pipeline hands it to ``store_articles``."""
    return {
        "url": url,
        "outlet_id": outlet_id,
        "title": title,
        "subtitle": extra.get("subtitle"),
        "body": body,
        "authors": [],
        "section": extra.get("section"),
        "tags": extra.get("tags") or [],
        "language": extra.get("language", "ar"),
        "published_at": extra.get("published_at"),
        "published_date": None,
        "modified_at": None,
        "content_hash": hashlib.sha256(f"{title}\n{body}".encode()).hexdigest(),
        "word_count": len(body.split()),
        "image_url": None,
        "dateline": None,
    }


def truth_articles() -> list[dict[str, Any]]:
    """Every article truth file of the fixture outlets (with its full URL)."""
    found = []
    for outlet, origin in ORIGINS.items():
        for path in sorted((FIXTURES / outlet / "site" / "_truth").glob("*.json")):
            data = json.loads(path.read_text())
            if data.get("is_article"):
                found.append({**data, "url": origin + data["url_path"]})
    return found


def fill_search_archive(engine: Engine) -> None:
    """Store the two seed texts and every truth article of the fixture outlets."""
    with engine.begin() as connection:
        ids = {
            name: upsert_outlet(
                connection,
                {"name": name, "title": name, "base_url": origin + "/", "language": "ar"},
            )
            for name, origin in {**ORIGINS, "seeds": "https://seeds.test"}.items()
        }
        rows = []
        for name, url in SEED_URLS.items():
            lines = (FIXTURES / "seeds" / name).read_text().strip().splitlines()
            title = next(line for line in lines[1:] if line.strip())
            rows.append(article_row(ids["seeds"], url, title, "\n".join(lines)))
        for data in truth_articles():
            published = data.get("published")
            rows.append(
                article_row(
                    ids[data["outlet"]],
                    data["url"],
                    data["title"],
                    data["body"],
                    subtitle=data.get("subtitle"),
                    published_at=dt.datetime.fromisoformat(published) if published else None,
                    language=data.get("language") or "ar",
                )
            )
        store_articles(connection, rows)
