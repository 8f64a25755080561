from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import html

from crawler.dates import (
    parse_arabic_date,
    parse_iso_datetime,
    parse_rfc822_datetime,
    to_utc,
)
from tests.support import FIXTURES

UTC = UTC
DAMASCUS = "Asia/Damascus"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --------------------------------------------------------------------------
# parse_arabic_date: the forms printed by the two outlets


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # casablancatoday article line, comment dates and related items (GMT)
        ("GMT 06:25 2019 الخميس ,07 شباط / فبراير", utc(2019, 2, 7, 6, 25)),
        (" GMT 17:45 2019 الجمعة ,08 شباط / فبراير", utc(2019, 2, 8, 17, 45)),
        ("GMT 16:22 2018 الثلاثاء ,03 إبريل / نيسان", utc(2018, 4, 3, 16, 22)),
        ("GMT 02:11 2017 الجمعة ,13 كانون الثاني / يناير", utc(2017, 1, 13, 2, 11)),
        ("GMT 02:28 2017 الأربعاء ,18 تشرين الأول / أكتوبر", utc(2017, 10, 18, 2, 28)),
        ("GMT 19:57 2014 الإثنين ,04 آب / أغسطس", utc(2014, 8, 4, 19, 57)),
        ("GMT 14:30 2019 الإثنين ,16 أيلول / سبتمبر", utc(2019, 9, 16, 14, 30)),
        ("GMT 00:48 2019 السبت ,06 تموز / يوليو", utc(2019, 7, 6, 0, 48)),
        ("آخر تحديث: GMT 10:47 2019 الجمعة ,26 إبريل / نيسان", utc(2019, 4, 26, 10, 47)),
    ],
)
def test_casablancatoday_gmt_lines_parse_to_utc(text, expected):
    assert parse_arabic_date(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # hawarnews: Damascus local time, UTC+2 in winter
        ("الخميس 14 تشرين الثاني 2019 - 19:10", utc(2019, 11, 14, 17, 10)),
        ("14 تشرين الثاني 2019 | 19:10", utc(2019, 11, 14, 17, 10)),
        ("الخميس ١٤ تشرين الثاني ٢٠١٩ - ١٩:١٠", utc(2019, 11, 14, 17, 10)),
        ("14 تشرين الثاني 2019 | 17:55", utc(2019, 11, 14, 15, 55)),
        ("9 كانون الأول 2019 | 16:00", utc(2019, 12, 9, 14, 0)),
        ("الخميس 21 آذار 2019 - 16:30", utc(2019, 3, 21, 14, 30)),
        ("الاثنين ٤ تشرين الثاني ٢٠١٩ - ١٥:٢٥", utc(2019, 11, 4, 13, 25)),
        # UTC+3 in summer
        ("الأحد 2 حزيران 2019 - 00:30", utc(2019, 6, 1, 21, 30)),
        ("الاثنين ٣ حزيران ٢٠١٩ - ١٨:٤٥", utc(2019, 6, 3, 15, 45)),
        ("18 تموز 2019 | 00:40", utc(2019, 7, 17, 21, 40)),
        ("الأربعاء ١١ أيلول ٢٠١٩ - ١١:١٥", utc(2019, 9, 11, 8, 15)),
        ("22 تشرين الأول 2019 | 21:45", utc(2019, 10, 22, 18, 45)),
        # comment date
        ("7 شباط 2019 - 02:35", utc(2019, 2, 7, 0, 35)),
    ],
)
def test_hawarnews_local_times_parse_to_utc_with_damascus_dst(text, expected):
    assert parse_arabic_date(text, tz=DAMASCUS) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("١٤ تشرين الثاني ٢٠١٩", date(2019, 11, 14)),
        ("الأربعاء 6 شباط 2019", date(2019, 2, 6)),
        ("١٧ نيسان ٢٠١٩", date(2019, 4, 17)),
        ("١٢ أيار ٢٠١٩", date(2019, 5, 12)),
        ("السبت 10 آب 2019", date(2019, 8, 10)),
        ("٢٠ تشرين الأول ٢٠١٩", date(2019, 10, 20)),
        ("9 كانون الأول 2019", date(2019, 12, 9)),
    ],
)
def test_date_without_time_is_the_printed_calendar_date(text, expected):
    result = parse_arabic_date(text, tz=DAMASCUS)
    assert type(result) is date
    assert result == expected


def test_datetime_results_are_aware_utc():
    result = parse_arabic_date("14 تشرين الثاني 2019 | 19:10", tz=DAMASCUS)
    assert isinstance(result, datetime)
    assert result.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("name", "month"),
    [
        ("كانون الثاني", 1),
        ("شباط", 2),
        ("آذار", 3),
        ("نيسان", 4),
        ("أيار", 5),
        ("حزيران", 6),
        ("تموز", 7),
        ("آب", 8),
        ("أيلول", 9),
        ("تشرين الأول", 10),
        ("تشرين الثاني", 11),
        ("كانون الأول", 12),
    ],
)
def test_levantine_month_names(name, month):
    assert parse_arabic_date(f"5 {name} 2019") == date(2019, month, 5)


@pytest.mark.parametrize(
    ("name", "month"),
    [
        ("يناير", 1),
        ("فبراير", 2),
        ("مارس", 3),
        ("أبريل", 4),
        ("إبريل", 4),
        ("ابريل", 4),
        ("مايو", 5),
        ("يونيو", 6),
        ("يونيه", 6),
        ("يوليو", 7),
        ("يوليه", 7),
        ("أغسطس", 8),
        ("اغسطس", 8),
        ("سبتمبر", 9),
        ("أكتوبر", 10),
        ("اكتوبر", 10),
        ("نوفمبر", 11),
        ("ديسمبر", 12),
    ],
)
def test_egyptian_and_msa_month_names_with_hamza_variants(name, month):
    assert parse_arabic_date(f"5 {name} 2019") == date(2019, month, 5)


@pytest.mark.parametrize(
    ("name", "month"),
    [
        ("يناير", 1),
        ("فبراير", 2),
        ("مارس", 3),
        ("أبريل", 4),
        ("ماي", 5),
        ("يونيو", 6),
        ("يوليوز", 7),
        ("غشت", 8),
        ("شتنبر", 9),
        ("أكتوبر", 10),
        ("نونبر", 11),
        ("دجنبر", 12),
    ],
)
def test_maghrebi_month_names(name, month):
    assert parse_arabic_date(f"5 {name} 2019") == date(2019, month, 5)


@pytest.mark.parametrize(
    ("name", "month"),
    [("جانفي", 1), ("فيفري", 2), ("أفريل", 4), ("جوان", 6), ("جويلية", 7), ("أوت", 8)],
)
def test_algerian_and_tunisian_month_names(name, month):
    assert parse_arabic_date(f"5 {name} 2019") == date(2019, month, 5)


def test_maghrebi_mai_is_not_confused_with_mayo_prefix():
    assert parse_arabic_date("3 ماي 2019") == date(2019, 5, 3)
    assert parse_arabic_date("3 مايو 2019") == date(2019, 5, 3)


@pytest.mark.parametrize(
    "text",
    [
        "5 أيّار 2019",  # shadda
        "5 أيَّار 2019",  # fatha + shadda
        "5 مايـــو 2019",  # tatweel
        "5 ايار 2019",  # bare alef
    ],
)
def test_tashkeel_tatweel_and_bare_alef_do_not_hide_the_month(text):
    assert parse_arabic_date(text) == date(2019, 5, 5)


@pytest.mark.parametrize(
    "text",
    [
        "07 شباط / فبراير 2019",
        "07 فبراير / شباط 2019",
        "7 فبراير (شباط) 2019",
        "7 شباط - فبراير 2019",
        "7 شباط | فبراير 2019",
    ],
)
def test_paired_month_names_naming_the_same_month(text):
    assert parse_arabic_date(text) == date(2019, 2, 7)


@pytest.mark.parametrize(
    "text",
    [
        "07 شباط / مارس 2019",
        "GMT 06:25 2019 الخميس ,07 شباط / أكتوبر",
    ],
)
def test_paired_month_names_that_disagree_give_none(text):
    assert parse_arabic_date(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "١٤ تشرين الثاني ٢٠١٩ - ١٩:١٠",  # Arabic-Indic
        "۱۴ تشرين الثاني ۲۰۱۹ - ۱۹:۱۰",  # Persian / Extended Arabic-Indic
        "14 تشرين الثاني 2019 - 19:10",
        "١٤ تشرين الثاني 2019 - 19:١٠",  # mixed
    ],
)
def test_all_digit_systems_give_the_same_instant(text):
    assert parse_arabic_date(text, tz=DAMASCUS) == utc(2019, 11, 14, 17, 10)


@pytest.mark.parametrize(
    ("text", "hour"),
    [
        ("14 نوفمبر 2019 - 07:10 م", 19),
        ("14 نوفمبر 2019 - 07:10 مساءً", 19),
        ("14 نوفمبر 2019 - 07:10 ص", 7),
        ("14 نوفمبر 2019 - 07:10 صباحاً", 7),
        ("14 نوفمبر 2019 - 12:10 ص", 0),
        ("14 نوفمبر 2019 - 12:10 م", 12),
        ("14 نوفمبر 2019 - 07:10 PM", 19),
        ("14 نوفمبر 2019 - 19:10 م", 19),
        ("14 نوفمبر 2019 - 00:10 ص", 0),
    ],
)
def test_twelve_hour_markers(text, hour):
    assert parse_arabic_date(text) == utc(2019, 11, 14, hour, 10)


@pytest.mark.parametrize("text", ["14 نوفمبر 2019 - 19:10 ص", "14 نوفمبر 2019 - 00:10 م"])
def test_contradictory_twelve_hour_markers_give_none(text):
    assert parse_arabic_date(text) is None


def test_era_suffix_after_year_is_not_a_pm_marker():
    assert parse_arabic_date("14 نوفمبر 2019م - 07:10") == utc(2019, 11, 14, 7, 10)


def test_seconds_are_kept():
    assert parse_arabic_date("14 نوفمبر 2019 - 07:10:42") == utc(2019, 11, 14, 7, 10, 42)


def test_day_names_are_ignored_even_when_wrong():
    # 14 November 2019 was a Thursday (الخميس).
    assert parse_arabic_date("الجمعة 14 تشرين الثاني 2019") == date(2019, 11, 14)


def test_gmt_on_the_line_overrides_the_outlet_zone():
    text = "GMT 06:25 2019 الخميس ,07 شباط / فبراير"
    assert parse_arabic_date(text, tz=DAMASCUS) == utc(2019, 2, 7, 6, 25)


def test_explicit_gmt_offset_is_applied():
    assert parse_arabic_date("14 نوفمبر 2019 - 19:10 GMT+3", tz="UTC") == utc(2019, 11, 14, 16, 10)


def test_tz_may_be_a_tzinfo():
    result = parse_arabic_date("14 تشرين الثاني 2019 - 19:10", tz=ZoneInfo(DAMASCUS))
    assert result == utc(2019, 11, 14, 17, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Syria left DST on Friday 25 October 2019 at midnight.
        ("24 تشرين الأول 2019 - 12:00", utc(2019, 10, 24, 9, 0)),
        ("27 تشرين الأول 2019 - 17:20", utc(2019, 10, 27, 15, 20)),
        # and entered it on Friday 29 March 2019.
        ("28 آذار 2019 - 12:00", utc(2019, 3, 28, 10, 0)),
        ("30 آذار 2019 - 12:00", utc(2019, 3, 30, 9, 0)),
    ],
)
def test_damascus_offset_follows_the_dst_rules_of_that_day(text, expected):
    assert parse_arabic_date(text, tz=DAMASCUS) == expected


def test_first_date_wins_and_takes_only_its_own_time():
    # hawarnews, edited page: published date (no time), then the update time.
    text = "٢٠ تشرين الأول ٢٠١٩ تم التحديث: الأحد ٢٠ تشرين الأول ٢٠١٩ - ٢١:٣٠"
    assert parse_arabic_date(text, tz=DAMASCUS) == date(2019, 10, 20)


def test_author_and_separators_around_the_date_are_ignored():
    text = "آرين سليمان الاثنين ٣ حزيران ٢٠١٩ - ١٨:٤٥"
    assert parse_arabic_date(text, tz=DAMASCUS) == utc(2019, 6, 3, 15, 45)


def test_hijri_date_before_the_gregorian_one_is_skipped():
    text = "الخميس 2 جمادى الآخرة 1440 هـ الموافق 7 فبراير 2019"
    assert parse_arabic_date(text) == date(2019, 2, 7)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-11-14", date(2019, 11, 14)),
        ("2019/11/14 19:10", utc(2019, 11, 14, 19, 10)),
        ("14/11/2019", date(2019, 11, 14)),
        ("١٤-١١-٢٠١٩", date(2019, 11, 14)),
    ],
)
def test_numeric_dates_day_first_or_year_first(text, expected):
    assert parse_arabic_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "آخر تحديث GMT 06:25:28",  # casablancatoday site clock: no date
        "GMT 10:47:12",
        "31 شباط 2019",
        "30 فبراير 2019",
        "32 مارس 2019",
        "0 مارس 2019",
        "29 شباط 2019",  # 2019 is not a leap year
        "14 تشرين الثاني 2019 - 25:10",
        "14 تشرين الثاني 2019 - 19:61",
        "14 تشرين الثاني",  # no year: never guessed
        "تشرين الثاني 2019",  # no day
        "الخميس",
        "منذ ساعتين",
        "",
        "lorem ipsum",
        "جميع الحقوق محفوظة © 2019 وكالة هاوار للأنباء",
    ],
)
def test_incomplete_or_impossible_dates_give_none(text):
    assert parse_arabic_date(text) is None


def test_leap_day_is_accepted_in_a_leap_year():
    assert parse_arabic_date("29 شباط 2020") == date(2020, 2, 29)


# --------------------------------------------------------------------------
# parse_iso_datetime


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-02-08T17:45:00+00:00", utc(2019, 2, 8, 17, 45)),
        ("2019-01-02T23:05:00+01:00", utc(2019, 1, 2, 22, 5)),  # casablancatoday JSON-LD
        ("2019-11-14T19:10:00+02:00", utc(2019, 11, 14, 17, 10)),  # hawarnews <time>
        ("2019-11-14T17:10:00Z", utc(2019, 11, 14, 17, 10)),
        ("2019-11-14t17:10:00z", utc(2019, 11, 14, 17, 10)),
        ("2019-11-14T17:10:00.123Z", datetime(2019, 11, 14, 17, 10, 0, 123000, tzinfo=UTC)),
        ("2019-11-14T19:10+0200", utc(2019, 11, 14, 17, 10)),
        ("2019-11-14 19:10:00+02:00", utc(2019, 11, 14, 17, 10)),
        ("  2019-11-14T17:10:00Z\n", utc(2019, 11, 14, 17, 10)),
    ],
)
def test_iso_with_offset_is_converted_to_utc(value, expected):
    result = parse_iso_datetime(value)
    assert result == expected
    assert result.utcoffset() == timedelta(0)


def test_iso_date_only_gives_a_date():
    result = parse_iso_datetime("2019-05-12")
    assert type(result) is date
    assert result == date(2019, 5, 12)


def test_iso_naive_datetime_without_tz_gives_none():
    assert parse_iso_datetime("2019-11-14T19:10:00") is None


def test_iso_naive_datetime_is_read_in_the_given_tz():
    assert parse_iso_datetime("2019-11-14T19:10:00", tz=DAMASCUS) == utc(2019, 11, 14, 17, 10)


@pytest.mark.parametrize(
    "value", ["", "   ", "garbage", "2019-02", "2019", "2019-02-30", "2019-13-01T00:00:00Z", None]
)
def test_iso_garbage_or_partial_gives_none(value):
    assert parse_iso_datetime(value) is None


# --------------------------------------------------------------------------
# parse_rfc822_datetime


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Wed, 11 Dec 2019 09:30:00 +0000", utc(2019, 12, 11, 9, 30)),  # casablancatoday RSS
        ("Wed, 11 Dec 2019 13:05:00 +0200", utc(2019, 12, 11, 11, 5)),  # hawarnews RSS
        ("Thu, 07 Feb 2019 06:25:00 GMT", utc(2019, 2, 7, 6, 25)),
        ("Thu, 07 Feb 2019 06:25:00 -0000", utc(2019, 2, 7, 6, 25)),
        ("07 Feb 2019 06:25 GMT", utc(2019, 2, 7, 6, 25)),
        ("Thu, 07 Feb 2019 01:25:00 EST", utc(2019, 2, 7, 6, 25)),
        ("2019-02-07T06:25:00Z", utc(2019, 2, 7, 6, 25)),  # ISO in pubDate, seen in the wild
    ],
)
def test_rfc822_pubdate_is_converted_to_utc(value, expected):
    assert parse_rfc822_datetime(value) == expected


def test_rfc822_without_zone_gives_none_unless_tz_given():
    assert parse_rfc822_datetime("Thu, 07 Feb 2019 08:25:00") is None
    assert parse_rfc822_datetime("Thu, 07 Feb 2019 08:25:00", tz=DAMASCUS) == utc(2019, 2, 7, 6, 25)


@pytest.mark.parametrize("value", ["", "garbage", "Thu, 32 Feb 2019 06:25:00 GMT", None])
def test_rfc822_garbage_gives_none(value):
    assert parse_rfc822_datetime(value) is None


# --------------------------------------------------------------------------
# to_utc


def test_to_utc_converts_aware_datetimes():
    dt = datetime(2019, 6, 3, 18, 45, tzinfo=ZoneInfo(DAMASCUS))
    assert to_utc(dt) == utc(2019, 6, 3, 15, 45)
    assert to_utc(dt).tzinfo is UTC


def test_to_utc_reads_naive_datetimes_in_the_given_zone():
    assert to_utc(datetime(2019, 12, 9, 16, 0), DAMASCUS) == utc(2019, 12, 9, 14, 0)


def test_to_utc_refuses_naive_datetimes_without_zone():
    with pytest.raises(ValueError):
        to_utc(datetime(2019, 12, 9, 16, 0))


# --------------------------------------------------------------------------
# Every saved article's visible date matches its truth file.


def _visible_date_text(xpath: str, page: Path) -> str:
    nodes = html.parse(str(page)).xpath(xpath)
    assert len(nodes) == 1, f"{page}: expected one date line at {xpath}"
    return " ".join(nodes[0].text_content().split())


def _article_cases() -> list:
    cases = []
    for truth_dir in sorted(FIXTURES.glob("*/site/_truth")) + sorted(
        FIXTURES.glob("*/updates/v*/_truth")
    ):
        outlet = truth_dir.relative_to(FIXTURES).parts[0]
        index = json.loads((FIXTURES / outlet / "site/_truth/index.json").read_text("utf-8"))
        # A saved site names the element holding its printed date, if it prints one to test.
        if "date_line_xpath" not in index:
            continue
        for truth_file in sorted(truth_dir.glob("*.json")):
            if truth_file.name == "index.json":
                continue
            truth = json.loads(truth_file.read_text("utf-8"))
            # A page printing no date is dated by its URL: nothing here to parse.
            if not truth.get("is_article") or "no_visible_date" in truth.get("edge_cases", ()):
                continue
            page = truth_dir.parent / truth["url_path"].lstrip("/")
            if truth["url_path"].endswith("/"):
                page = page / "index.html"
            case_id = f"{truth_dir.parent.relative_to(FIXTURES)}:{truth_file.stem}"
            cases.append(
                pytest.param(index["date_line_xpath"], index["timezone"], page, truth, id=case_id)
            )
    return cases


ARTICLE_CASES = _article_cases()


def test_fixture_articles_were_found():
    """Every saved site that names its date line has its dated articles here."""
    declared = {
        path.parts[-4]
        for path in FIXTURES.glob("*/site/_truth/index.json")
        if "date_line_xpath" in json.loads(path.read_text("utf-8"))
    }
    found = {case.id.split("/")[0] for case in ARTICLE_CASES}
    assert found == declared
    assert len(ARTICLE_CASES) >= 50


@pytest.mark.parametrize(("xpath", "tz", "page", "truth"), ARTICLE_CASES)
def test_visible_date_of_every_fixture_article_matches_truth(xpath, tz, page, truth):
    parsed = parse_arabic_date(_visible_date_text(xpath, page), tz=tz)
    published = truth["published"]
    assert parsed is not None
    if isinstance(parsed, datetime):
        # The page prints the time: same instant as the truth.
        assert parsed == datetime.fromisoformat(published)
    elif len(published) == 10:
        assert parsed == date.fromisoformat(published)
    else:
        # Only the metadata has the time: the printed day is the local day.
        local_day = datetime.fromisoformat(published).astimezone(ZoneInfo(tz)).date()
        assert parsed == local_day
