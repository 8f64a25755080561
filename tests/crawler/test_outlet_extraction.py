"""Regression suite of the outlet extractors: saved pages against expected items.

For every outlet with saved pages (``tests/fixtures/<outlet>/site/``):

* every HTML page of ``site/_truth/index.json`` is one case: non-articles (print
  versions, short links, tags, sections, videos, static pages, home, admin,
  language choice) must give None, articles must match
  ``expected/<slug>.json`` field by field;
* the edited pages of ``updates/v<n>/`` are cases too;
* a report test prints, per outlet, articles passing, non-articles rejected,
  mean token F1 of the body and the extraction time per page.

The expected files are generated from the truth files by
``tests/fixtures/make_expected.py``; a test checks they are up to date.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import pkgutil
import statistics
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

import pytest
from scrapy.http import HtmlResponse

import crawler.spiders
from crawler.items import ArticleItem
from crawler.spiders.base import OutletSpider
from crawler.text import clean_text, is_read_also
from tests.support import FIXTURES
from tests.support.scoring import token_f1

SEEDS = FIXTURES / "seeds"

#: Spider modules that are not outlets and so need no saved pages.
NOT_OUTLETS = {"base", "generic"}


# --------------------------------------------------------------------------- loading


@cache
def make_expected() -> ModuleType:
    """The generator script, loaded from its path (``tests/fixtures`` is not a package)."""
    spec = importlib.util.spec_from_file_location("make_expected", FIXTURES / "make_expected.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def spider_classes() -> dict[str, type[OutletSpider]]:
    """Outlet spider classes by name, from every module of ``crawler.spiders``."""
    found: dict[str, type[OutletSpider]] = {}
    for info in pkgutil.iter_modules(crawler.spiders.__path__):
        if info.name in NOT_OUTLETS:
            continue
        module = importlib.import_module(f"crawler.spiders.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(cls, OutletSpider)
                and cls is not OutletSpider
                and cls.__module__ == module.__name__
            ):
                found[cls.name] = cls
    return found


@cache
def spider(name: str) -> OutletSpider:
    return spider_classes()[name]()


@dataclass(frozen=True)
class Case:
    """One saved page of one outlet."""

    outlet: str
    page: Path
    url: str
    is_article: bool
    page_type: str
    expected_path: Path | None

    @property
    def id(self) -> str:
        return f"{self.outlet}:{self.page.relative_to(FIXTURES / self.outlet).as_posix()}"

    def response(self) -> HtmlResponse:
        return HtmlResponse(url=self.url, body=self.page.read_bytes(), encoding="utf-8")

    def expected(self) -> dict:
        return json.loads(self.expected_path.read_text(encoding="utf-8"))


def outlet_names() -> list[str]:
    return [p.name for p in make_expected().outlet_dirs(FIXTURES)]


@cache
def cases(outlet: str | None = None) -> tuple[Case, ...]:
    """Every page listed in the truth indexes, then the edited versions."""
    me = make_expected()
    found: list[Case] = []
    for outlet_dir in me.outlet_dirs(FIXTURES):
        if outlet and outlet_dir.name != outlet:
            continue
        site = outlet_dir / "site"
        index = json.loads((site / "_truth" / "index.json").read_text(encoding="utf-8"))
        origin = index["production_origin"].rstrip("/")
        for entry in index["entries"]:
            stem = Path(entry["truth"]).stem
            found.append(
                Case(
                    outlet=outlet_dir.name,
                    page=me.page_file(site, entry["url_path"]),
                    url=origin + entry["url_path"],
                    is_article=entry["is_article"],
                    page_type=entry["page_type"],
                    expected_path=outlet_dir / "expected" / f"{stem}.json"
                    if entry["is_article"]
                    else None,
                )
            )
        for version in sorted((outlet_dir / "updates").glob("v*")):
            for truth_path in sorted((version / "_truth").glob("*.json")):
                truth = json.loads(truth_path.read_text(encoding="utf-8"))
                found.append(
                    Case(
                        outlet=outlet_dir.name,
                        page=me.page_file(version, truth["url_path"]),
                        url=origin + truth["url_path"],
                        is_article=True,
                        page_type=truth.get("page_type", "article"),
                        expected_path=outlet_dir
                        / "expected"
                        / "updates"
                        / version.name
                        / f"{truth_path.stem}.json",
                    )
                )
    return tuple(found)


# --------------------------------------------------------------------------- comparing


def fold(text: str | None) -> str:
    """Whitespace folded (paragraph breaks included), for body comparison."""
    return clean_text(text or "")


def parse_expected_time(value: str | None) -> datetime | date | None:
    if value is None:
        return None
    if len(value) == 10:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value)


def mismatches(item: ArticleItem | None, expected: dict, tz: str) -> list[str]:
    """Human-readable differences between an extracted item and its expected fields."""
    if item is None:
        return ["parse_article returned None for an article"]
    problems = []

    def check(field: str, got: object, want: object) -> None:
        if got != want:
            problems.append(f"{field}: got {got!r}, want {want!r}")

    check("url", item.url, expected["url"])
    check("title", item.title, expected["title"])
    check("subtitle", item.subtitle, expected["subtitle"])
    check("body", fold(item.body), fold(expected["body"]))
    check("authors", item.authors, expected["authors"])
    check("section", item.section, expected["section"])
    check("tags", item.tags, expected["tags"])
    check("language", item.language, expected["language"])
    check("dateline", item.dateline, expected["dateline"])

    published = parse_expected_time(expected["published"])
    if isinstance(published, datetime):
        check("published_at", item.published_at, published)  # aware datetimes compare as instants
        check("published_date", item.published_date, published.astimezone(ZoneInfo(tz)).date())
        if item.published_at is not None and item.published_at.utcoffset() is None:
            problems.append("published_at is naive")
    else:
        check("published_at", item.published_at, None)
        check("published_date", item.published_date, published)
    check("modified_at", item.modified_at, parse_expected_time(expected["modified"]))
    if item.image_url is not None and not item.image_url.startswith(
        item.url.split("/", 3)[0] + "//"
    ):
        problems.append(f"image_url not absolute: {item.image_url!r}")
    return problems


# --------------------------------------------------------------------------- the cases


ALL_CASES = cases()


@pytest.mark.parametrize("case", [c for c in ALL_CASES if not c.is_article], ids=lambda c: c.id)
def test_non_article_pages_are_rejected(case: Case) -> None:
    assert spider(case.outlet).parse_article(case.response()) is None, case.page_type


@pytest.mark.parametrize("case", [c for c in ALL_CASES if c.is_article], ids=lambda c: c.id)
def test_article_matches_expected(case: Case) -> None:
    s = spider(case.outlet)
    item = s.parse_article(case.response())
    problems = mismatches(item, case.expected(), s.outlet.timezone)
    assert not problems, "\n".join(problems)
    assert item.outlet == case.outlet
    assert item.fetched_url == case.url
    assert item.body == "\n\n".join(p for p in item.body.split("\n\n")), (
        "paragraphs joined by a blank line"
    )
    assert all(p == p.strip() and p for p in item.body.split("\n\n")), (
        "paragraphs trimmed, none empty"
    )


@pytest.mark.parametrize("outlet", outlet_names())
def test_extraction_report(outlet: str, record_property: pytest.RecordProperty) -> None:
    """Per outlet: articles passing, non-articles rejected, mean body token F1 (how fast
    parse_article runs is measured by the benchmarks, not asserted here)."""
    s = spider(outlet)
    passing = rejected = 0
    f1s: list[float] = []
    failures: list[str] = []
    outlet_cases = cases(outlet)
    for case in outlet_cases:
        item = s.parse_article(case.response())
        if not case.is_article:
            rejected += item is None
            if item is not None:
                failures.append(f"{case.id}: not rejected")
            continue
        expected = case.expected()
        f1s.append(token_f1(fold(item.body) if item else "", fold(expected["body"])))
        problems = mismatches(item, expected, s.outlet.timezone)
        passing += not problems
        if problems:
            failures.append(f"{case.id}: {problems[0]}")

    n_articles = sum(c.is_article for c in outlet_cases)
    n_others = len(outlet_cases) - n_articles
    mean_f1 = statistics.fmean(f1s) if f1s else 1.0
    report = (
        f"{outlet}: articles {passing}/{n_articles} passing, "
        f"non-articles {rejected}/{n_others} rejected, "
        f"mean body token F1 {mean_f1:.4f}"
    )
    print(report)
    record_property(f"{outlet}_report", report)
    assert not failures, report + "\n" + "\n".join(failures)


# ------------------------------------------------------------------- registry, generated files


def test_every_outlet_spider_has_saved_pages_and_expected_items() -> None:
    """One outlet, one name everywhere: a spider module without fixtures fails here."""
    classes = spider_classes()
    assert classes, "no outlet spider found in crawler.spiders"
    for name, cls in classes.items():
        outlet_dir = FIXTURES / name
        index_path = outlet_dir / "site" / "_truth" / "index.json"
        assert index_path.is_file(), (
            f"{name}: no saved pages ({index_path.relative_to(FIXTURES.parent)} missing)"
        )
        index = json.loads(index_path.read_text(encoding="utf-8"))
        articles = [e for e in index["entries"] if e["is_article"]]
        assert articles, f"{name}: no saved article"
        assert any(not e["is_article"] for e in index["entries"]), (
            f"{name}: no saved non-article page"
        )
        for entry in index["entries"]:
            page = make_expected().page_file(outlet_dir / "site", entry["url_path"])
            assert page.is_file(), f"{name}: saved page missing: {page}"
        for entry in articles:
            expected = outlet_dir / "expected" / f"{Path(entry['truth']).stem}.json"
            assert expected.is_file(), f"{name}: expected item missing: {expected}"
        assert cls.outlet.base_url.startswith(index["production_origin"]), (
            f"{name}: base_url is not the origin"
        )
        assert cls.outlet.timezone == index["timezone"], (
            f"{name}: timezone differs from the saved site's"
        )


def test_expected_files_are_generated_from_truth() -> None:
    """``make_expected.py --check``: the expected items are exactly what the truth files say."""
    me = make_expected()
    stale = [
        str(path.relative_to(FIXTURES))
        for outlet_dir in me.outlet_dirs(FIXTURES)
        for path, content in me.expected_files(outlet_dir)
        if not path.is_file() or path.read_text(encoding="utf-8") != me.render(content)
    ]
    assert not stale, f"run python tests/fixtures/make_expected.py: {stale}"


@pytest.mark.parametrize("outlet", outlet_names())
def test_article_url_patterns_tell_articles_from_other_pages(outlet: str) -> None:
    """The discovery patterns match exactly the saved article pages' paths."""
    import re
    from urllib.parse import urlsplit

    patterns = [re.compile(p) for p in spider_classes()[outlet].outlet.article_url_patterns]
    for case in cases(outlet):
        path = urlsplit(case.url).path
        matched = any(p.search(path) for p in patterns)
        assert matched == case.is_article, f"{case.id} ({case.page_type}): pattern match {matched}"


# --------------------------------------------------------------------------- seed pages


def seed_cases() -> list[tuple[Path, Case]]:
    """Each seed text with the saved article it is the visible text of.

    A seed names other articles too (related links repeat their titles), so the
    page is the one whose title *and* whole truth body appear as lines.
    """
    paired = []
    articles = [c for c in ALL_CASES if c.is_article and "updates" not in c.page.parts]
    for seed in sorted(SEEDS.glob("*.txt")):
        lines = {clean_text(line) for line in seed.read_text(encoding="utf-8").splitlines()}
        matches = [
            c
            for c in articles
            if c.expected()["title"] in lines
            and lines.issuperset(c.expected()["body"].split("\n\n"))
        ]
        assert len(matches) == 1, f"{seed.name}: {len(matches)} saved articles match"
        paired.append((seed, matches[0]))
    return paired


@pytest.mark.parametrize(
    "seed,case", seed_cases(), ids=lambda v: v.name if isinstance(v, Path) else v.id
)
def test_seed_article_paragraphs_exactly(seed: Path, case: Case) -> None:
    """The paragraphs extracted are the seed's article paragraphs and none of its boilerplate.

    The seed is the visible text of the real page, one line per block. Its
    article paragraphs are the lines from the first to the last paragraph of
    the truth body, less the "read also" lines among them; every other line
    (site clock, titles, caption, dateline, comment form, related list,
    footer) is boilerplate.
    """
    lines = [clean_text(line) for line in seed.read_text(encoding="utf-8").splitlines()]
    truth_paragraphs = case.expected()["body"].split("\n\n")
    first, last = lines.index(truth_paragraphs[0]), lines.index(truth_paragraphs[-1])
    seed_paragraphs = [line for line in lines[first : last + 1] if line and not is_read_also(line)]
    boilerplate = {line for line in lines[:first] + lines[last + 1 :] if line} | {
        line for line in lines[first : last + 1] if line and is_read_also(line)
    }

    item = spider(case.outlet).parse_article(case.response())
    assert item is not None
    paragraphs = item.body.split("\n\n")
    assert paragraphs == seed_paragraphs
    assert not boilerplate.intersection(paragraphs)
    assert item.title in boilerplate and item.title not in item.body


# ------------------------------------------------------------------ traps not in the saved pages
#
# Synthetic variants of a saved article: the markup the outlets are known to
# use elsewhere (tweets, iframes, tables, sub-headings, live blogs, broken
# JSON-LD), spliced into a real page so the rest of the page stays realistic.


def _casablanca_page(body_html: str, head_extra: str = "") -> HtmlResponse:
    page = FIXTURES / "casablancatoday" / "site" / "world" / "2019" / "02" / "07" / "242730.html"
    html = page.read_text(encoding="utf-8")
    start = html.index('<div class="article-body">')
    end = html.index("<!-- /article-body -->")
    html = html[:start] + f'<div class="article-body">{body_html}</div>\n' + html[end:]
    html = html.replace("</head>", head_extra + "</head>", 1)
    return HtmlResponse(
        url="https://www.casablancatoday.com/world/2019/02/07/242730.html",
        body=html.encode("utf-8"),
        encoding="utf-8",
    )


def test_embeds_tables_and_subheadings_are_not_body() -> None:
    response = _casablanca_page(
        '<p class="article-dateline"><strong>الرباط ـ المغرب اليوم</strong></p>'
        "<p>الفقرة الأولى من الخبر.</p>"
        '<blockquote class="twitter-tweet"><p lang="ar">نص التغريدة</p>— حساب</blockquote>'
        "<h3>عنوان فرعي</h3>"
        '<iframe src="https://www.youtube.com/embed/x"></iframe>'
        "<table><tr><td>خلية</td></tr></table>"
        "<p>السطر الأول<br>السطر الثاني<br><br></p>"
        '<figure><img src="/x.jpg"><figcaption>تعليق الصورة</figcaption></figure>'
        "<p>إقرأ أيضاً : <a href='/a.html'>رابط</a></p>"
        "<p><strong>قد يهمك أيضا:</strong></p><p><a href='/b.html'>رابط أول</a></p>"
        "<p><a href='/c.html'>رابط ثان</a></p>"
        "<p>الفقرة الأخيرة.</p>"
    )
    item = spider("casablancatoday").parse_article(response)
    assert item is not None
    assert item.body.split("\n\n") == [
        "الفقرة الأولى من الخبر.",
        "السطر الأول",
        "السطر الثاني",
        "الفقرة الأخيرة.",
    ]
    assert item.dateline == "الرباط ـ المغرب اليوم"


def test_bare_text_body_split_on_br() -> None:
    response = _casablanca_page("السطر الأول من النص<br><br>والسطر <b>الثاني</b> هنا<br><br>")
    item = spider("casablancatoday").parse_article(response)
    assert item is not None
    assert item.body == "السطر الأول من النص\n\nوالسطر الثاني هنا"


def test_live_blog_entries_without_times_and_modified_is_the_newest_entry() -> None:
    response = _casablanca_page(
        '<div class="live-entry"><span class="entry-time">GMT 09:40 2019 الخميس ,07 شباط / فبراير'
        "</span><p>آخر تطور في الحدث.</p></div>"
        '<div class="live-entry"><span class="entry-time">GMT 07:10 2019 الخميس ,07 شباط / فبراير'
        "</span><p>أول تطور في الحدث.</p></div>"
    )
    item = spider("casablancatoday").parse_article(response)
    assert item is not None
    assert item.body == "آخر تطور في الحدث.\n\nأول تطور في الحدث."
    assert item.modified_at == datetime.fromisoformat("2019-02-07T09:40:00+00:00")
    assert item.published_at == datetime.fromisoformat("2019-02-07T06:25:00+00:00")


def test_broken_json_ld_and_organisation_author_are_tolerated() -> None:
    from crawler.jsonld import json_ld_objects
    from crawler.metadata import read_metadata

    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", oops}</script>'
        '<script type="application/ld+json">[{"@context": "https://schema.org", "@graph": ['
        '{"@type": "WebPage"}, {"@type": ["NewsArticle"], "author": [{"@type": "Organization",'
        ' "name": "المغرب اليوم"}, {"@type": "Person", "name": "كاتب"}],'
        ' "datePublished": "2019-02-07T07:25:00+01:00",}]}]</script>'
    )
    response = _casablanca_page("<p>نص.</p>", head_extra=head)
    assert [o.get("@type") for o in json_ld_objects(response)] == ["WebPage", ["NewsArticle"]]
    meta = read_metadata(response, tz="UTC")
    assert meta.authors == ["كاتب"]
    assert meta.published == datetime.fromisoformat("2019-02-07T06:25:00+00:00")
    assert meta.canonical_url == "https://www.casablancatoday.com/world/2019/02/07/242730.html"
    assert not meta.noindex


# ------------------------------------------------- dates from the URL and the outlet's own hints


def _undated_hawarnews_item() -> ArticleItem:
    [case] = [c for c in ALL_CASES if c.url.endswith("-h17480/")]
    item = spider("hawarnews").parse_article(case.response())
    assert item is not None
    return item


def test_a_page_printing_no_date_is_dated_by_its_url_day_and_no_time() -> None:
    item = _undated_hawarnews_item()
    assert (item.published_at, item.published_date) == (None, date(2019, 12, 18))


def test_sitemap_instant_on_the_url_day_gives_the_time() -> None:
    from crawler.discovery import Entry
    from crawler.spiders.base import apply_hint

    item = _undated_hawarnews_item()
    apply_hint(item, Entry(url=item.url, published="2019-12-18T09:30:00+02:00"), "Asia/Damascus")
    assert item.published_at == datetime.fromisoformat("2019-12-18T09:30:00+02:00")
    assert item.published_date == date(2019, 12, 18)


def test_a_hint_on_another_day_than_the_url_changes_nothing() -> None:
    from crawler.discovery import Entry
    from crawler.spiders.base import apply_hint

    item = _undated_hawarnews_item()
    apply_hint(item, Entry(url=item.url, published="2019-12-20T09:30:00+02:00"), "Asia/Damascus")
    assert (item.published_at, item.published_date) == (None, date(2019, 12, 18))


def test_a_printed_day_takes_no_time_from_a_hint() -> None:
    """A page printing only its day keeps it so: the hint fills what the page does not give."""
    from crawler.discovery import Entry
    from crawler.spiders.base import apply_hint

    [case] = [c for c in ALL_CASES if c.url.endswith("-h15998/")]
    item = spider("hawarnews").parse_article(case.response())
    apply_hint(item, Entry(url=item.url, published="2019-10-13T23:10:00+03:00"), "Asia/Damascus")
    assert (item.published_at, item.published_date) == (None, date(2019, 10, 13))


def test_a_page_and_url_without_a_date_take_the_hint_day_or_nothing() -> None:
    from crawler.discovery import Entry
    from crawler.spiders.base import apply_hint

    page = FIXTURES / "casablancatoday" / "site" / "morocco" / "2019" / "12" / "18" / "254301.html"
    url = "https://www.casablancatoday.com/opinion/254301.html"
    response = HtmlResponse(url=url, body=page.read_bytes(), encoding="utf-8")
    item = spider("casablancatoday").parse_article(response)
    assert (item.published_at, item.published_date) == (None, None)  # never a guessed date
    apply_hint(item, Entry(url=url, published="2019-12-18"), "UTC")
    assert (item.published_at, item.published_date) == (None, date(2019, 12, 18))


# ------------------------------------------------------------- unclosed markup, live furniture


def test_an_unclosed_body_ends_at_the_first_box_after_the_text() -> None:
    """Tags, share links, comments and the related list parsed inside an unclosed body."""
    response = _casablanca_page(
        "<p>الفقرة الأولى.</p><p>الفقرة الثانية."
        '<div class="inline-related"><a href="/a.html">رابط</a></div><p>الفقرة الثالثة.'
        '<div class="article-tags"><a href="/tag/x/">وسم</a></div>'
        '<section id="comments"><p>تعليق قارئ.</p></section>'
        '<div class="most-read"><p>عنوان آخر.</p></div>'
    )
    item = spider("casablancatoday").parse_article(response)
    assert item.body.split("\n\n") == ["الفقرة الأولى.", "الفقرة الثانية.", "الفقرة الثالثة."]


def test_a_box_ending_the_article_is_known_by_its_name() -> None:
    from lxml import html

    from crawler.body_text import ends_article

    def ends(markup: str) -> bool:
        return ends_article(html.fragment_fromstring(markup))

    for markup in (
        '<section class="comments"></section>',
        '<div id="comments"></div>',
        '<div class="related-articles"></div>',
        '<div class="post_share"></div>',
        '<div class="entry-tags"></div>',
        '<div class="sidebar"></div>',
    ):
        assert ends(markup), markup
    for markup in ('<div class="inline-related"></div>', '<div class="live-entry"></div>', "<p/>"):
        assert not ends(markup), markup


@pytest.mark.parametrize(
    "line",
    [
        "مباشر",
        "🔴 مباشر",
        "عاجل",
        "بث مباشر",
        "LIVE",
        "بدأت التغطية: الثلاثاء 17 كانون الأول 2019 - 08:00",
        "بدأت التغطية GMT 18:00 2019 الثلاثاء ,17 كانون الأول / ديسمبر",
        "انطلقت تغطيتنا المباشرة منذ الساعة الثامنة صباحا",
        "مباشر | بدأت التغطية منذ 08:00",
    ],
)
def test_live_blog_badge_and_coverage_line_are_furniture(line: str) -> None:
    from crawler.body_text import is_live_furniture

    assert is_live_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "مباشرة بعد الاجتماع، قال الوزير إن المفاوضات ستستأنف الأسبوع المقبل.",
        "عاجل: مقتل خمسة مدنيين في قصف على ريف عفرين",
        "الآن، يقول المزارعون إن الموسم في خطر.",
        "بدأت التغطية الإعلامية للانتخابات التشريعية قبل أسابيع من موعدها، وسط اهتمام واسع من "
        "وسائل الإعلام المحلية والدولية بمتابعة الحملات الانتخابية للأحزاب المتنافسة في البلاد.",
    ],
)
def test_prose_opening_like_live_furniture_is_kept(line: str) -> None:
    from crawler.body_text import is_live_furniture

    assert not is_live_furniture(line)


def test_a_live_badge_leading_an_entry_is_dropped() -> None:
    response = _casablanca_page(
        '<p><span class="badge">مباشر</span> الوداد يفتتح التسجيل في الدقيقة 20.</p>'
        "<p>عاجل: الرجاء يعادل النتيجة.</p>"
    )
    item = spider("casablancatoday").parse_article(response)
    assert item.body.split("\n\n") == [
        "الوداد يفتتح التسجيل في الدقيقة 20.",
        "عاجل: الرجاء يعادل النتيجة.",
    ]
