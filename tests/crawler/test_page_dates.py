"""find_dates: the publication date of a page, from every place a page states it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import lxml.html
import pytest

from crawler.extraction.dates import PageDates, find_dates
from crawler.extraction.datetext import parse_date_text

URL = "https://example.org/news/some-story"


def dates_of(body: str, head: str = "", url: str = URL, **kwargs: object) -> PageDates:
    tree = lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")
    return find_dates(tree, url, **kwargs)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --------------------------------------------------------------------------- machine-readable


def test_json_ld_graph_article_date_not_the_webpage_or_breadcrumb() -> None:
    head = """<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
      {"@type": "BreadcrumbList", "datePublished": "2001-01-01"},
      {"@type": "WebPage", "datePublished": "2019-03-04T08:00:00+00:00"},
      {"@type": "NewsArticle", "datePublished": "2019-03-05T10:30:00+02:00",
       "dateModified": "2019-03-06T09:00:00+02:00"}]}</script>"""
    found = dates_of("<h1>Title</h1>", head)
    assert found.published_at == utc(2019, 3, 5, 8, 30)
    assert found.published_date == date(2019, 3, 5)
    assert found.modified_at == utc(2019, 3, 6, 7, 0)
    assert not found.zone_assumed


def test_microdata_date_published() -> None:
    body = """<article itemscope itemtype="https://schema.org/Article"><h1>Title</h1>
      <span itemprop="datePublished" content="2020-07-14">14 July 2020</span><p>Text.</p>
      </article>"""
    found = dates_of(body)
    assert found.published_date == date(2020, 7, 14)
    assert found.published_at is None


def test_citation_publication_date_meta() -> None:
    found = dates_of(
        "<h1>A paper</h1>", '<meta name="citation_publication_date" content="2018/11/02">'
    )
    assert found.published_date == date(2018, 11, 2)


def test_modified_date_is_not_taken_for_published() -> None:
    head = """<meta property="article:modified_time" content="2021-05-01T10:00:00Z">
      <meta property="article:published_time" content="2020-01-15T10:00:00Z">"""
    found = dates_of("<h1>Title</h1>", head)
    assert found.published_at == utc(2020, 1, 15, 10)
    assert found.modified_at == utc(2021, 5, 1, 10)


def test_url_date_gives_the_day_only() -> None:
    found = dates_of("<h1>Title</h1><p>Text.</p>", url="https://example.org/2019/03/05/story/")
    assert found == PageDates(published_date=date(2019, 3, 5))


def test_no_evidence_gives_none() -> None:
    body = "<h1>Title</h1><p>Prices for 2019 went up.</p><footer>© 2024 Example</footer>"
    assert dates_of(body) == PageDates()


def test_impossible_dates_are_dropped() -> None:
    head = '<meta property="article:published_time" content="1970-01-01T00:00:00Z">'
    assert dates_of("<h1>Title</h1>", head).published_date is None
    future = f'<meta name="date" content="{datetime.now(UTC).year + 2}-01-01">'
    assert dates_of("<h1>Title</h1>", future).published_date is None


# --------------------------------------------------------------------------- visible lines


@pytest.mark.parametrize(
    ("lang", "line", "day"),
    [
        ("en", "By Jane Doe | March 5, 2019", date(2019, 3, 5)),
        ("fr", "Publié le 5 mars 2019", date(2019, 3, 5)),
        ("ru", "Опубликовано 5 марта 2019 г.", date(2019, 3, 5)),
        ("zh", "发布时间：2019年3月5日", date(2019, 3, 5)),
        ("el", "Δημοσιεύθηκε 5 Μαρτίου 2019", date(2019, 3, 5)),
    ],
)
def test_visible_date_line_in_many_languages(lang: str, line: str, day: date) -> None:
    body = f"<article><h1>Title</h1><div class='meta'>{line}</div><p>Text.</p></article>"
    tree = lxml.html.document_fromstring(f"<html lang='{lang}'><body>{body}</body></html>")
    assert find_dates(tree, URL).published_date == day


def test_date_line_found_by_its_text_outside_the_headline_container() -> None:
    body = """<div class="hero"><div><h1>Title</h1></div></div>
      <div class="x"><div><p>Written by Jane Doe</p><p>April 8, 2024</p></div></div>
      <p>Text of the article.</p>"""
    assert dates_of(body).published_date == date(2024, 4, 8)


def test_related_article_date_is_not_taken() -> None:
    body = """<article><h1>Title</h1><p>Text.</p>
      <div class="related-posts"><h3>Other story</h3><span class="date">June 1, 2018</span></div>
      </article>"""
    assert dates_of(body).published_date is None


def test_comment_dates_are_not_taken() -> None:
    body = """<article><h1>Title</h1><p>Text.</p></article>
      <section id="comments"><time datetime="2018-06-01T10:00:00Z">June 1, 2018</time></section>"""
    assert dates_of(body).published_date is None


def test_printed_time_without_zone_is_read_in_the_page_zone() -> None:
    head = '<meta property="article:modified_time" content="2019-11-20T10:00:00+02:00">'
    body = "<h1>Title</h1><div class='date'>14 November 2019 | 17:55</div>"
    found = dates_of(body, head)
    assert found.published_at == utc(2019, 11, 14, 15, 55)
    assert not found.zone_assumed


def test_printed_time_without_any_zone_is_assumed_utc() -> None:
    found = dates_of("<h1>Title</h1><div class='date'>14 November 2019 | 17:55</div>")
    assert found.published_at == utc(2019, 11, 14, 17, 55)
    assert found.zone_assumed


def test_outlet_timezone_reads_printed_times() -> None:
    body = (
        "<h1>عنوان</h1>"
        "<div class='date'><span>14 تشرين الثاني 2019</span> | <span>17:55</span></div>"
    )
    found = dates_of(body, timezone="Asia/Damascus")
    assert found.published_at == utc(2019, 11, 14, 15, 55)
    assert found.published_date == date(2019, 11, 14)
    assert not found.zone_assumed


def test_arabic_gmt_line() -> None:
    body = "<h1>عنوان</h1><span class='time'>GMT 16:22 2018 الثلاثاء ,03 إبريل / نيسان</span>"
    found = dates_of(body)
    assert found.published_at == utc(2018, 4, 3, 16, 22)
    assert not found.zone_assumed


def test_updated_line_dates_a_page_that_gives_nothing_else() -> None:
    found = dates_of("<h1>Title</h1><p class='byline'>Updated on July 9, 2025</p><p>Text.</p>")
    assert found.published_date == date(2025, 7, 9)
    assert found.published_at is None


LONG_BYLINE = "Written by Jane Doe, senior staff writer of the weekly, on 5 March 2019"


@pytest.mark.parametrize(
    "names",
    [
        'class="Entry-DATE"',
        'id="Fecha-Date-publicación"',
        'class="artikel-datum"',
        'class="fecha"',
        'class="haber-tarih"',
    ],
)
def test_a_class_or_id_naming_a_date_marks_a_line_in_any_case_and_script(names: str) -> None:
    assert dates_of(f"<div {names}>{LONG_BYLINE}</div>").published_date == date(2019, 3, 5)


def test_a_long_line_not_marked_as_a_date_is_prose() -> None:
    assert dates_of(f'<div class="entry-body">{LONG_BYLINE}</div>').published_date is None


# --------------------------------------------------------------------------- the line parser


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("March 5, 2019", None, date(2019, 3, 5)),
        ("Mar. 5th, 2019", None, date(2019, 3, 5)),
        ("5 March 2019", None, date(2019, 3, 5)),
        ("5. März 2019", None, date(2019, 3, 5)),
        ("5 de marzo de 2019", None, date(2019, 3, 5)),
        ("5 marzo 2019", None, date(2019, 3, 5)),
        ("5 de março de 2019", None, date(2019, 3, 5)),
        ("5 maart 2019", None, date(2019, 3, 5)),
        ("5 marca 2019", None, date(2019, 3, 5)),
        ("14 października 2019", None, date(2019, 10, 14)),
        ("5 Mart 2019 Salı", None, date(2019, 3, 5)),
        ("2019년 3월 5일", None, date(2019, 3, 5)),
        ("2019-03-05", None, date(2019, 3, 5)),
        ("05.03.2019", None, date(2019, 3, 5)),
        ("05/03/2019", "en-gb", date(2019, 3, 5)),
        ("05/03/2019", "fr", date(2019, 3, 5)),
        ("05/03/2019", "en-us", date(2019, 5, 3)),
        ("09/25/2025", None, date(2025, 9, 25)),
        ("Cureus. 2023 Jan 7;15(1):e33475", None, date(2023, 1, 7)),
    ],
)
def test_parse_date_text_days(text: str, lang: str | None, expected: date) -> None:
    assert parse_date_text(text, "UTC", lang) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14 mars 2025", date(2025, 3, 14)),  # French
        ("1er mars 2025", date(2025, 3, 1)),
        ("14. März 2025", date(2025, 3, 14)),  # German
        ("14. Jänner 2025", date(2025, 1, 14)),  # Austrian
        ("14 de marzo de 2025", date(2025, 3, 14)),  # Spanish
        ("14 de març de 2025", date(2025, 3, 14)),  # Catalan
        ("14 d'abril de 2025", date(2025, 4, 14)),
        ("14 de março de 2025", date(2025, 3, 14)),  # Portuguese
        ("14 marzo 2025", date(2025, 3, 14)),  # Italian
        ("14 maart 2025", date(2025, 3, 14)),  # Dutch
        ("14 augusti 2025", date(2025, 8, 14)),  # Swedish
        ("14. marts 2025", date(2025, 3, 14)),  # Danish
        ("14. desember 2025", date(2025, 12, 14)),  # Norwegian
        ("14. maaliskuuta 2025", date(2025, 3, 14)),  # Finnish
        ("2025. március 14.", date(2025, 3, 14)),  # Hungarian
        ("14 martie 2025", date(2025, 3, 14)),  # Romanian
        ("14. března 2025", date(2025, 3, 14)),  # Czech
        ("14. októbra 2025", date(2025, 10, 14)),  # Slovak
        ("14 marca 2025", date(2025, 3, 14)),  # Polish
        ("14 października 2025", date(2025, 10, 14)),
        ("14 марта 2025 г.", date(2025, 3, 14)),  # Russian
        ("14 березня 2025", date(2025, 3, 14)),  # Ukrainian
        ("14 листопада 2025", date(2025, 11, 14)),
        ("14 октомври 2025", date(2025, 10, 14)),  # Bulgarian
        ("14. avgust 2025.", date(2025, 8, 14)),  # Serbian
        ("14 Μαρτίου 2025", date(2025, 3, 14)),  # Greek
        ("14 Mart 2025 Cuma", date(2025, 3, 14)),  # Turkish
        ("14-Mar-2025", date(2025, 3, 14)),
        ("By FlowGuard on 04-ago-2021", date(2021, 8, 4)),
        ("14 Maret 2025", date(2025, 3, 14)),  # Indonesian
        ("14 Ogos 2025", date(2025, 8, 14)),  # Malay
        ("ngày 14 tháng 3 năm 2025", date(2025, 3, 14)),  # Vietnamese
        ("2025年3月14日", date(2025, 3, 14)),  # Chinese, Japanese
        ("２０２５年３月１４日", date(2025, 3, 14)),  # full-width digits
        ("2025 年 03 月 14 日 星期五", date(2025, 3, 14)),
        ("2025년 3월 14일", date(2025, 3, 14)),  # Korean
        ("14 मार्च 2025", date(2025, 3, 14)),  # Hindi
        ("14. Feber 2025", date(2025, 2, 14)),  # Austrian German
        ("14. ožujka 2025.", date(2025, 3, 14)),  # Croatian
        ("14. marca 2025", date(2025, 3, 14)),  # Slovenian, Polish
        ("14. jūnijs 2025", date(2025, 6, 14)),  # Latvian
        ("14 qershor 2025", date(2025, 6, 14)),  # Albanian
        ("14 Şub 2025", date(2025, 2, 14)),  # Turkish, abbreviated
        ("14 сакавіка 2025", date(2025, 3, 14)),  # Belarusian
        ("14 наурыз 2025", date(2025, 3, 14)),  # Kazakh
        ("14 iyun 2025", date(2025, 6, 14)),  # Azerbaijani, Uzbek
        ("14 հունիսի 2025", date(2025, 6, 14)),  # Armenian
        ("14 Hunyo 2025", date(2025, 6, 14)),  # Tagalog
        ("14 Septemba 2025", date(2025, 9, 14)),  # Swahili
        ("14 Mehefin 2025", date(2025, 6, 14)),  # Welsh
    ],
)
def test_month_names_of_major_languages(text: str, expected: date) -> None:
    assert parse_date_text(text, "UTC") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Published Mar. 5, 2019 at 3:45 pm EST", utc(2019, 3, 5, 20, 45)),
        ("5 mars 2019 à 15h30", utc(2019, 3, 5, 14, 30)),
        ("5. März 2019, 15:30 Uhr", utc(2019, 3, 5, 14, 30)),
        ("2019年3月5日 15:30", utc(2019, 3, 5, 14, 30)),
        ("2019-03-05T10:00:00+02:00", utc(2019, 3, 5, 8)),
        ("5 May 2019 10:00 (GMT+3)", utc(2019, 5, 5, 7)),
        ("By Randy Maniloff Nov. 18, 2019 7:04 pm ET", utc(2019, 11, 19, 0, 4)),
        ("July 4, 2025 8:04 pm PT", utc(2025, 7, 5, 3, 4)),
        ("14. März 2025, 10:00 Uhr MEZ", utc(2025, 3, 14, 9)),
        ("2025年3月14日 10:00 JST", utc(2025, 3, 14, 1)),
    ],
)
def test_parse_date_text_times(text: str, expected: datetime) -> None:
    assert parse_date_text(text, "Europe/Paris") == expected


@pytest.mark.parametrize(
    "text",
    ["05/03/2019", "March 2019", "Copyright 2019", "2 days ago", "31 February 2019", "March 5"],
)
def test_parse_date_text_never_guesses(text: str) -> None:
    assert parse_date_text(text) is None


def test_parse_date_text_keeps_the_arabic_parser() -> None:
    assert parse_date_text("الخميس 14 تشرين الثاني 2019 - 19:10", "Asia/Damascus") == utc(
        2019, 11, 14, 17, 10
    )


def test_listing_teaser_dates_are_not_the_page_date() -> None:
    body = """<header class="top-bar"><span class="today-date">December 11, 2019</span></header>
      <main><h1>Culture</h1><div class="news-list">
      <div class="news-item"><h3><a href="/a/1">A long headline of another story</a></h3>
      <div class="news-date">November 29, 2019</div></div></div></main>"""
    assert dates_of(body) == PageDates()


def test_forum_thread_start_date_linking_the_thread_itself() -> None:
    body = """<h1>Which laptop?</h1><div class="p-description"><ul>
      <li><a href="/threads/which-laptop.42/" class="u-concealed">
      <time datetime="2024-11-01T15:08:47-0400">Nov 1, 2024</time></a></li></ul></div>"""
    found = dates_of(body, url="https://forum.example/threads/which-laptop.42/")
    assert found.published_date == date(2024, 11, 1)


def test_relative_link_to_the_page_itself_is_no_teaser() -> None:
    body = """<h1>Thread title</h1><p>Started by <a href="members/x.1/">x</a>,
      <a href="threads/thread-title.7/"><span class="DateTime">May 26, 2025</span></a>.</p>"""
    found = dates_of(body, url="https://forum.example/threads/thread-title.7/")
    assert found.published_date == date(2025, 5, 26)


def test_byline_with_name_and_title_right_under_the_headline() -> None:
    body = """<header><h1>How AI is changing things</h1>
      <p>Aaron Example | Senior Writer | July 2, 2025</p></header><p>Text.</p>"""
    assert dates_of(body).published_date == date(2025, 7, 2)


def test_date_in_an_aside_right_under_the_headline() -> None:
    body = """<main><div class="container"><h1>A parent's guide</h1></div>
      <div class="grid"><aside class="side-col"><p class="article-date">May 25, 2023</p>
      <p>Written by A. Writer</p></aside><div class="body"><p>Text.</p></div></div></main>"""
    assert dates_of(body).published_date == date(2023, 5, 25)


def test_comment_right_under_the_headline_is_still_a_comment() -> None:
    body = """<h1>Title</h1><div class="comments"><p class="date">May 25, 2023</p></div>"""
    assert dates_of(body).published_date is None


@pytest.mark.parametrize(
    "meta",
    [
        '<meta name="published-date" content="2021-02-16">',
        '<meta name="w-published-date" content="2021-02-16T06:03:43.274Z">',
        '<meta name="published" content="February 16, 2021">',
    ],
)
def test_publication_meta_names_sites_coin(meta: str) -> None:
    assert dates_of("<h1>Title</h1>", meta).published_date == date(2021, 2, 16)


@pytest.mark.parametrize(
    "meta",
    [
        '<meta property="dc:created" content="2021-02-16">',
        '<meta property="dcterms:issued" content="2021-02-16">',
        '<meta name="DC.Issued" content="2021-02-16">',
    ],
)
def test_dublin_core_publication_meta_dotted_or_prefixed(meta: str) -> None:
    assert dates_of("<h1>Title</h1>", meta).published_date == date(2021, 2, 16)


def test_microdata_meta_with_a_datetime_attribute_in_any_case() -> None:
    head = '<meta itemprop="datecreated" datetime="2021-02-16">'
    assert dates_of("<h1>Title</h1>", head).published_date == date(2021, 2, 16)


def test_date_line_printed_in_parts_as_a_badge() -> None:
    body = """<h1>Title</h1><p class="date"><span>Mai</span><span>06</span><span>2018</span></p>
      <p>Text.</p>"""
    assert dates_of(body).published_date == date(2018, 5, 6)


def test_date_line_title_tells_its_date() -> None:
    body = f"""<h1>Title</h1><a class="ribbon date" title="12th December 2018" href="{URL}">
      Permalink</a><p>Text.</p>"""
    assert dates_of(body).published_date == date(2018, 12, 12)


def test_coined_meta_names_of_updates_and_expiry_are_not_publication() -> None:
    head = """<meta name="updated_at" content="2026-03-04T23:27:00Z">
      <meta name="published-expiry-date" content="2026-05-01">"""
    assert dates_of("<h1>Title</h1>", head) == PageDates()


def test_citation_date_written_year_month_day() -> None:
    head = '<meta name="citation_publication_date" content="2024 Jun 30">'
    assert dates_of("<h1>A paper</h1>", head).published_date == date(2024, 6, 30)


def test_byline_outranks_a_publication_stamp_equal_to_the_last_save() -> None:
    head = """<script type="application/ld+json">{"@type": "Article",
      "datePublished": "Jun 24, 2025", "dateModified": "Jun 24, 2025"}</script>"""
    body = "<h1>How much to charge</h1><div class='text-date'>August 25, 2024</div><p>Text.</p>"
    assert dates_of(body, head).published_date == date(2024, 8, 25)


def test_save_seconds_after_publication_is_no_stamp() -> None:
    # Published 00:57 UTC, the evening before in the author's zone: the byline's day is the
    # same moment, the metadata's day is the one it writes.
    head = """<meta property="article:published_time" content="2026-02-23T00:57:30+00:00">
      <meta property="article:modified_time" content="2026-02-23T00:57:32+00:00">"""
    body = "<h1>Backpacking essentials</h1><time class='entry-date'>February 22, 2026</time>"
    assert dates_of(body, head).published_date == date(2026, 2, 23)


def test_stamp_saved_after_publication_a_day_after_the_byline() -> None:
    head = """<script type="application/ld+json">{"@type": "BlogPosting",
      "datePublished": "2025-12-19T22:02:58Z", "dateModified": "2025-12-19T22:02:45Z"}</script>"""
    body = "<h1>A new standard</h1><div class='post-date'>Dec 18, 2025</div><p>Text.</p>"
    assert dates_of(body, head).published_date == date(2025, 12, 18)


def test_instant_keeps_the_day_it_is_written_in_against_the_byline() -> None:
    head = '<meta property="article:published_time" content="2025-12-02T23:00:55+00:00">'
    body = "<h1>Brands</h1><p class='meta'>Published: 03 Dec 2025</p><p>Text.</p>"
    assert dates_of(body, head).published_date == date(2025, 12, 2)


def test_instant_in_utc_takes_the_day_of_the_url() -> None:
    head = '<meta property="article:published_time" content="2025-12-19T02:41:00Z">'
    found = dates_of("<h1>Title</h1>", head, url="https://ex.org/2025/12/18/some-story")
    assert found.published_date == date(2025, 12, 18)


def test_date_the_text_mentions_does_not_outrank_the_stamp() -> None:
    head = """<script type="application/ld+json">{"@type": "Article",
      "datePublished": "2025-09-25", "dateModified": "2025-09-25"}</script>"""
    body = "<h1>Concerns</h1>" + "<p>Text.</p>" * 50 + "<p>As of July 31, 2025, we had:</p>"
    assert dates_of(body, head).published_date == date(2025, 9, 25)


def test_a_version_number_in_the_headline_is_no_date() -> None:
    body = "<h1>2024.4.4 -> 2024.5.0 issue: stuck</h1><p>Text.</p>"
    assert dates_of(body).published_date is None


def test_script_data_dates_a_page_whose_markup_states_nothing() -> None:
    head = """<script>window.__DATA__ = {"related": [{"slug": "other-story",
      "publishedAt": "2024-01-02T10:00:00Z"}], "post": {"slug": "some-story-here",
      "publishedAt": "2025-12-17T09:00:00Z", "author": {"createdAt": "2019-01-01"}}}</script>"""
    found = dates_of("<h1>Title</h1><p>Text.</p>", head, url="https://ex.org/blog/some-story-here")
    assert found.published_date == date(2025, 12, 17)
    assert found.published_at == utc(2025, 12, 17, 9)


def test_script_data_escaped_in_a_next_js_stream() -> None:
    head = r"""<script>self.__next_f.push([1,"{\"datePublished\":\"2024-05-03\"}"])</script>"""
    assert dates_of("<h1>Title</h1>", head).published_date == date(2024, 5, 3)


def test_script_pub_date_key() -> None:
    head = """<script>var item = {"pubDate": "2022-06-30T08:00:00Z"};</script>"""
    assert dates_of("<h1>Title</h1>", head).published_date == date(2022, 6, 30)


def test_script_created_at_is_no_publication_date() -> None:
    head = """<script>var site = {"createdAt": "2021-02-08T10:24:39Z"};</script>"""
    assert dates_of("<h1>Title</h1>", head) == PageDates()


def test_url_with_the_month_named() -> None:
    url = "https://example.org/blog/2023/october/03/how-many-wine-types"
    assert dates_of("<h1>Title</h1><p>Text.</p>", url=url).published_date == date(2023, 10, 3)


def test_url_month_name_that_is_no_month_gives_nothing() -> None:
    url = "https://example.org/archive/2023/guides/03/how-many-wine-types"
    assert dates_of("<h1>Title</h1><p>Text.</p>", url=url).published_date is None


@pytest.mark.parametrize(
    ("head", "body_extra", "url", "day"),
    [
        ('<meta property="og:locale" content="en_GB">', "", URL, date(2023, 10, 3)),
        ("", "", "https://example.co.uk/news/some-story", date(2023, 10, 3)),
        ("", "<p class='date'>Updated 25/12/2023</p>", URL, date(2023, 10, 3)),
        ("", "<p class='date'>Updated 12/25/2023</p>", URL, date(2023, 3, 10)),
        ("", "", "https://example.org/2023/10/03/some-story", date(2023, 10, 3)),
        ("", "", URL, date(2023, 3, 10)),
    ],
)
def test_ambiguous_numeric_date_on_a_plain_english_page(
    head: str, body_extra: str, url: str, day: date
) -> None:
    body = f"<h1>Title</h1><p class='date'>03/10/2023</p>{body_extra}<p>Text.</p>"
    tree = lxml.html.document_fromstring(
        f"<html lang='en'><head>{head}</head><body>{body}</body></html>"
    )
    assert find_dates(tree, url).published_date == day


def test_published_line_in_a_sidebar_past_the_byline_block() -> None:
    body = (
        "<h1>The top 25 companies</h1>"
        + "<p>Intro.</p>" * 60
        + """<div class="single-post-sidebar"><div class="single-post-meta">
        <h4>Published</h4><div class="single-post-date">July 8, 2025</div></div></div>"""
    )
    assert dates_of(body).published_date == date(2025, 7, 8)


def test_unlabelled_date_in_a_sidebar_past_the_byline_block_is_another_story() -> None:
    body = (
        "<h1>The top 25 companies</h1>"
        + "<p>Intro.</p>" * 60
        + """<div class="sidebar"><div class="post-date">July 8, 2025</div></div>"""
    )
    assert dates_of(body).published_date is None


def test_publication_label_in_the_element_before_the_date() -> None:
    body = (
        "<article><h1>The benefits of AI</h1>"
        + "<p>Intro.</p>" * 60
        + """<aside class="insight__content card-shadow"><div class="content-item">
        <h3>Published</h3><p><time datetime="2024-08-30T12:00:00Z">August 30, 2024</time></p>
        </div></aside></article>"""
    )
    assert dates_of(body).published_date == date(2024, 8, 30)


def test_update_label_in_a_definition_list_is_a_modification() -> None:
    body = """<h1>Title</h1><dl><dt>Updated</dt><dd>May 9, 2024</dd>
      <dt>Published</dt><dd>March 3, 2021</dd></dl><p>Text.</p>"""
    assert dates_of(body).published_date == date(2021, 3, 3)


def test_date_after_a_react_comment() -> None:
    body = """<div><h1>Scaling tests</h1><p>By <!-- -->Jane Doe</p>
      <p> <!-- -->Dec 17, 2025</p><p>6<!-- --> min read</p></div><p>Text.</p>"""
    assert dates_of(body).published_date == date(2025, 12, 17)


def test_dates_of_similar_posts_are_not_the_page_date() -> None:
    body = """<h1>Video trends</h1><p>Text.</p>
      <div class="collection-list similar-posts"><div class="item">
      <div class="published-date">December 15, 2025</div></div></div>"""
    assert dates_of(body).published_date is None


def test_date_in_a_card_made_a_link_to_another_story() -> None:
    body = """<h1>Best programs</h1><p>Text.</p><div class="slider"><a href="/other-story">
      <div class="body"><div class="wrap"><span class="info">July 17, 2025</span>
      <span>Online counseling certificate programs to consider</span></div></div></a></div>"""
    assert dates_of(body).published_date is None


def test_date_linked_to_its_day_archive_is_the_page_date() -> None:
    body = """<h1>Title</h1><div class="entry-meta"><span><span class="posted-on">
      <a href="/2025/12/17/">December 17, 2025</a></span></span></div><p>Text.</p>"""
    assert dates_of(body).published_date == date(2025, 12, 17)


def test_line_in_full_width_digits() -> None:
    body = "<h1>标题</h1><p>发布时间：２０２５年３月１４日</p><p>正文。</p>"
    assert dates_of(body).published_date == date(2025, 3, 14)


def test_date_printed_straight_in_the_article_box() -> None:
    body = (
        "<h1>Title</h1><div class='content'><b>Lead.</b> 기사입력 :[ 2018-08-25 15:24 ]"
        + "<p>Text of the article goes on.</p>" * 20
        + "</div>"
    )
    assert dates_of(body).published_date == date(2018, 8, 25)


def test_date_in_a_footer_box_of_the_article() -> None:
    body = """<article><div class="rte"><p>Text of the post.</p></div>
      <div class="article-template-footer"><span class="article-date">
      <time datetime="2025-08-12T11:15:06Z">August 12, 2025</time></span></div></article>"""
    assert dates_of(body).published_date == date(2025, 8, 12)


def test_date_in_the_page_footer_is_not_the_page_date() -> None:
    body = (
        "<div><h1>Title</h1>"
        + "<p>Text of the post.</p>" * 60
        + """</div><div class="site-footer"><span class="date">August 12, 2025</span></div>"""
    )
    assert dates_of(body).published_date is None


@pytest.mark.parametrize(
    ("updated", "published"),
    [
        ("Uppdaterad 15 mars 2025", "Publicerad 14 mars 2025"),  # Swedish
        ("Päivitetty 15.3.2025", "Julkaistu 14.3.2025"),  # Finnish
        ("Aktualizováno 15. března 2025", "Publikováno 14. března 2025"),  # Czech
        ("Stand: 15.03.2025", "Erstellt am 14.03.2025"),  # German
        ("Оновлено 15 березня 2025", "Опубліковано 14 березня 2025"),  # Ukrainian
        ("Diperbarui 15 Maret 2025", "Diterbitkan 14 Maret 2025"),  # Indonesian
        ("Cập nhật 15/03/2025", "Ngày đăng 14/03/2025"),  # Vietnamese
        ("수정 2025.03.15 09:00", "입력 2025.03.14 10:00"),  # Korean
        ("अपडेट 15 मार्च 2025", "प्रकाशित 14 मार्च 2025"),  # Hindi
    ],
)
def test_update_line_printed_first_is_not_the_publication(updated: str, published: str) -> None:
    body = f"<h1>Title</h1><p class='meta'>{updated}</p><p class='meta'>{published}</p><p>T.</p>"
    tree = lxml.html.document_fromstring(f"<html lang='xx'><body>{body}</body></html>")
    assert find_dates(tree, URL).published_date == date(2025, 3, 14)


@pytest.mark.parametrize(
    "head",
    [
        '<meta property="article:published_time" content="2019-11-19T02:24:00Z">',
        '<meta itemprop="datePublished" content="2019-11-19 02:24:00">',
    ],
)
def test_utc_instant_takes_the_day_printed_with_the_same_moment(head: str) -> None:
    body = "<h1>Title</h1><p class='date-published'>Nov 18, 2019 at 9:24 pm ET</p><p>T.</p>"
    assert dates_of(body, head).published_date == date(2019, 11, 18)


def test_utc_instant_keeps_its_day_against_another_printed_moment() -> None:
    head = '<meta property="article:published_time" content="2019-11-20T10:31:13Z">'
    body = "<h1>Title</h1><p class='byline'>Nov 19, 2019, 10:31 pm CST</p><p>T.</p>"
    assert dates_of(body, head).published_date == date(2019, 11, 20)


def test_ambiguous_numeric_date_read_in_the_order_of_a_machine_date() -> None:
    body = """<h1>Reflections</h1><p class="meta">Bence Kovács 02-12-2025</p><p>Text.</p>
      <div class="sidebar"><a href="/blog/other">Other</a>
      <time datetime="2025-12-02">December 02, 2025</time></div>"""
    tree = lxml.html.document_fromstring(f"<html lang='en'><body>{body}</body></html>")
    assert find_dates(tree, URL).published_date == date(2025, 12, 2)


def test_post_title_in_an_h3_on_a_page_without_h1() -> None:
    head = "<title>Elephant poacher sentenced to the maximum &lsaquo; Wildlife News</title>"
    body = f"""<div class="sidebar_content"><div class="post_header">
      <h3><a href="{URL}">Elephant poacher sentenced to the maximum</a></h3>
      <div class="post_detail_item">27 Sep 2016</div></div><p>Text.</p></div>
      <div class="sidebar"><h3>Recent posts</h3><ul><li><a href="/other">Other story</a>
      <span class="post-date">09/09/2019</span></li></ul></div>"""
    assert dates_of(body, head).published_date == date(2016, 9, 27)


def test_rdfa_date_of_the_article_in_the_body() -> None:
    body = """<h1>Title</h1><div class="submitted"><span property="dc:date dc:created"
      content="2019-03-04T10:00:00+01:00">Submitted by admin on Tue, 03/04/2019 - 10:00</span>
      </div><p>Text.</p>"""
    assert dates_of(body).published_date == date(2019, 3, 4)


def test_rdfa_date_of_a_comment_is_not_the_page_date() -> None:
    body = """<h1>Title</h1><p>Text.</p><div class="comments"><div class="comment">
      <span property="dc:date dc:created" content="2019-03-04T10:00:00+01:00">Comment</span>
      </div></div>"""
    assert dates_of(body).published_date is None


def test_meta_with_both_itemprop_and_property_ranks_by_its_property() -> None:
    head = """<meta name="date" content="2020-02-18 T 07:20:50 +0330">
      <meta itemprop="datePublished" property="article:published_time"
      content="2020-02-18T03:25:00Z">"""
    assert dates_of("<h1>Title</h1>", head).published_at == utc(2020, 2, 18, 3, 25)


def test_time_value_days_after_the_day_it_prints_is_a_later_save() -> None:
    body = """<h1>Title</h1><div class="time"><time datetime="2019-07-03T10:18:46Z">Publié le
      29 juin 2019</time></div><p>Text.</p>"""
    assert dates_of(body).published_date == date(2019, 6, 29)


def test_time_value_a_day_off_its_printed_day_is_the_same_moment() -> None:
    body = """<h1>Title</h1><time datetime="2019-06-30T01:30:00Z">29 juin 2019</time>
      <p>Text.</p>"""
    assert dates_of(body).published_date == date(2019, 6, 30)


def test_time_value_stands_against_an_unlabelled_earlier_printed_day() -> None:
    body = """<h1>Title</h1><time datetime="2024-12-20">August 28, 2024</time><p>Text.</p>"""
    assert dates_of(body).published_date == date(2024, 12, 20)
