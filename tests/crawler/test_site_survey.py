"""What ``akhbar new-outlet`` learns of a site from its URLs and dates."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from crawler.site_survey import country_of, learn_patterns, zone_for


def test_patterns_learnt_from_article_urls_match_them_and_not_other_pages() -> None:
    urls = [
        f"https://site.ma/{section}/2019/04/{day:02d}/{1000 + day}.html"
        for section in ("morocco", "world", "sport")
        for day in range(1, 5)
    ] + ["https://site.ma/opinion/2431.html", "https://site.ma/opinion/2432.html"]
    patterns = [re.compile(p) for p in learn_patterns(urls)]
    assert patterns[0].pattern == r"^/(?:morocco|sport|world)/\d{4}/\d{2}/\d{2}/\d+\.html$"
    for url in urls:
        assert any(p.search(url.removeprefix("https://site.ma")) for p in patterns)
    for path in ("/tag/2019/04/01/1.html", "/morocco/", "/about-us.html"):
        assert not any(p.search(path) for p in patterns)


def test_zone_of_the_sites_country_agreeing_with_the_stated_offsets() -> None:
    winter = (datetime(2019, 1, 10, 12, 0), timedelta(hours=2))
    summer = (datetime(2019, 7, 10, 12, 0), timedelta(hours=3))
    zone, _ = zone_for([winter, summer], "SY")
    assert zone == "Asia/Damascus"


def test_one_offset_and_no_country_give_a_fixed_zone_and_utc_gives_none() -> None:
    assert zone_for([(datetime(2024, 3, 1, 10, 30), timedelta(hours=1))], None)[0] == "Etc/GMT-1"
    assert zone_for([(datetime(2024, 3, 1, 10, 30), timedelta(0))], None) is None
    assert country_of("www.hespress.ma") == "MA" and country_of("www.hawarnews.com") is None
