"""Article rows as the crawler's pipeline stores them, and the fixture outlets' truth articles,
for the tests that fill a database of their own (search, web)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

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
