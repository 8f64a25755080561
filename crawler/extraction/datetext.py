"""Read a date a page prints, in any of the languages Akhbar parses.

Arabic lines go to :func:`crawler.dates.parse_arabic_date` (Levantine and
Egyptian month names, Arabic-Indic digits, the Arabs Today layout). Other
scripts are read here: month names of English, French, German, Spanish,
Italian, Portuguese, Dutch, Russian, Polish, Greek and Turkish (full, genitive
and abbreviated; day, month or year first: ``2019 Mar 5`` as PubMed writes it),
Chinese/Japanese/Korean ``2019年3月5日``, ISO ``2019-03-05``
and numeric ``05.03.2019``. A numeric date whose day and month could be
swapped (``05/03/2019``) is read only when the page's language says the order.

Like the rest of :mod:`crawler.dates`, nothing is guessed: no year, no date.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo

from crawler.dates import parse_arabic_date, to_utc

__all__ = ["TextDate", "find_text_date", "month_number", "numeric_dates", "parse_date_text"]

# --------------------------------------------------------------------------- month names
#
# Keys are folded as the text is (lower case, accents dropped: "février" -> "fevrier",
# "Μαρτίου" -> "μαρτιου", "października" -> "pazdziernika"), so one spelling serves the
# accented and the unaccented forms.


def fold(text: str) -> str:
    """Lower case without accents; positions are not kept, the text is matched as folded."""
    if text.isascii():
        return text.lower()  # what the normalisations below leave of ASCII, at a tenth the cost
    # NFKD also turns full-width digits (２０２５年) and ligatures into plain ones.
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    # Recomposed so that Hangul syllables (split into jamo by NFD) match again.
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


#: Month names, one month per line (a month may take several): English, French, German
#: (Austrian ``Jänner``, ``Feber``), Spanish, Catalan, Italian, Portuguese, Dutch, the Nordic
#: languages, Finnish, Estonian, Hungarian, Romanian, Czech, Slovak, Polish, Lithuanian,
#: Latvian, Serbian, Croatian, Slovenian, Albanian, Russian, Ukrainian, Belarusian,
#: Bulgarian, Macedonian, Greek, Turkish, Azerbaijani, Uzbek, Kazakh, Armenian, Indonesian,
#: Malay, Tagalog, Swahili, Welsh and Hindi; full, genitive and abbreviated. Croatian
#: ``listopad`` is October, Czech and Polish November: it is read as November.
_MONTH_LINES = """
 1 january jan janvier janv januar jänner enero ene gener gennaio gen janeiro januari январь
 1 января янв stycznia styczeń styczen sty ιανουαρίου ιανουάριος ιαν ocak tammikuuta tammikuu
 1 jaanuar január ianuarie ledna leden januára sausio јануар січня січень януари जनवरी
 1 siječanj siječnja januarja janvāris janvāra sausis janar հունվար հունվարի қаңтар yanvar
 1 студзеня студзень јануари ionawr oca
 2 february feb fevrier févr fevr février februar febrero febrer febbraio fevereiro fev
 2 februari февраль февраля фев lutego luty lut φεβρουαρίου φεβρουάριος φεβ şubat pebruari
 2 helmikuuta helmikuu veebruar február februarie února únor februára vasario фебруар лютого
 2 лютий февруари फ़रवरी फरवरी
 2 feber febr veljača veljače februarja februāris vasaris shkurt փետրվար փետրվարի ақпан fevral
 2 лютага люты pebrero chwefror sub
 3 march mar mars märz marz marzo març março marco maart mrt март марта мар marca marzec
 3 μαρτίου μάρτιος μαρ mart marts maret mac maaliskuuta maaliskuu március márc martie března
 3 březen kovo березня березень मार्च
 3 ožujak ožujka marec marta kovas մարտ մարտի наурыз сакавіка сакавік marso machi mawrth
 4 april apr avril abril aprile abr апрель апреля апр kwietnia kwiecień kwi απριλίου
 4 απρίλιος απρ nisan huhtikuuta huhtikuu aprill április aprilie dubna duben apríla
 4 balandžio квітня квітень април अप्रैल
 4 travanj travnja aprīļa balandis prill ապրիլ ապրիլի сәуір aprel красавіка красавік aprili
 4 ebrill nis
 5 may mai mayo maig maggio mag maio mei май мая maja maj μαΐου μαΐος μάιος μαϊ μαΐ mayıs
 5 toukokuuta toukokuu május května květen mája gegužės мај травня травень मई
 5 svibanj svibnja maijs maija gegužė մայիս մայիսի мамыр траўня
 6 june jun juin juni junio juny giugno giu junho июнь июня июн czerwca czerwiec cze ιουνίου
 6 ιούνιος ιουν haziran kesäkuuta kesäkuu juuni június iunie června červen júna birželio
 6 јун червня червень юни जून
 6 lipanj lipnja junij junija jūnijs birželis qershor հունիս հունիսի маусым iyun чэрвеня
 6 чэрвень јуни hunyo mehefin haz
 7 july jul juillet juli julio juliol luglio lug julho июль июля июл lipca lipiec lip
 7 ιουλίου ιούλιος ιουλ temmuz julai heinäkuuta heinäkuu juuli július iulie července
 7 červenec júla liepos јул липня липень юли जुलाई
 7 srpanj srpnja julij julija jūlijs liepa korrik հուլիս հուլիսի шілде iyul ліпеня ліпень јули
 7 hulyo gorffennaf tem
 8 august aug août aout agosto ago agost augustus augusti август августа авг sierpnia
 8 sierpień sie αυγούστου αύγουστος αυγ ağustos agustus ogos elokuuta elokuu augusztus
 8 srpna srpen augusta rugpjūčio avgust серпня серпень अगस्त
 8 kolovoz kolovoza avgusta augusts rugpjūtis gusht օգոստոս օգոստոսի тамыз avqust жніўня
 8 жнівень agosti awst ağu
 9 september sep sept septembre setembre settembre set septiembre setembro сентябрь
 9 сентября сен сент września wrzesień wrz σεπτεμβρίου σεπτέμβριος σεπ eylül syyskuuta
 9 syyskuu szeptember szept septembrie září septembra rugsėjo septembar септембар вересня
 9 вересень септември सितंबर सितम्बर
 9 rujan rujna septembris rugsėjis shtator սեպտեմբեր սեպտեմբերի қыркүйек sentyabr sentabr
 9 верасня верасень setyembre septemba medi eyl
10 october oct octobre oktober okt octubre ottobre ott outubro out октябрь октября окт
10 października październik paź οκτωβρίου οκτώβριος οκτ ekim lokakuuta lokakuu oktoober
10 október octombrie října říjen októbra spalio oktobar октобар жовтня жовтень октомври
10 अक्टूबर
10 oktobris spalis tetor հոկտեմբեր հոկտեմբերի қазан oktyabr oktabr кастрычніка кастрычнік
10 oktubre oktoba hydref eki
11 november nov novembre noviembre novembro ноябрь ноября ноя listopada listopad lis
11 νοεμβρίου νοέμβριος νοε kasım nopember marraskuuta marraskuu noiembrie listopadu
11 novembra lapkričio novembar новембар листопада листопад ноември नवंबर नवम्बर
11 studeni studenoga studenog novembris lapkritis nëntor նոյեմբեր նոյեմբերի қараша noyabr
11 лістапада лістапад nobyembre novemba tachwedd kas
12 december dec décembre decembre déc dezember dez diciembre dic dicembre dezembro декабрь
12 декабря дек grudnia grudzień gru δεκεμβρίου δεκέμβριος δεκ aralık desember desembre
12 disember joulukuuta joulukuu detsember decembrie prosince prosinec decembra gruodžio
12 decembar децембар грудня грудень декември दिसंबर दिसम्बर
12 prosinac prosinca decembris gruodis dhjetor դեկտեմբեր դեկտեմբերի желтоқсан dekabr снежня
12 снежань disyembre desemba rhagfyr ara
"""
_MONTHS = {
    fold(name): int(line.split()[0])
    for line in _MONTH_LINES.strip().splitlines()
    for name in line.split()[1:]
}


def _alternation(words: Iterable[str]) -> str:
    """A pattern matching any of *words*, written as a tree of their shared beginnings.

    ``re`` tries the branches of a flat alternation one by one at every position of the
    text: four hundred month names cost twice what the tree does. Longer words are tried
    first, as in a flat alternation sorted by length.
    """
    rests: dict[str, list[str]] = defaultdict(list)
    ends = False
    for word in words:
        if word:
            rests[word[0]].append(word[1:])
        else:
            ends = True
    branches = [re.escape(c) + _alternation(rest) for c, rest in sorted(rests.items())]
    if not branches:
        return ""
    if len(branches) == 1 and not ends:
        return branches[0]
    return "(?:" + "|".join(branches) + ")" + ("?" if ends else "")


_MONTH = _alternation(_MONTHS)


def month_number(name: str) -> int | None:
    """The month a name (``October``, ``oct``, ``octobre``, ``października``) stands for."""
    return _MONTHS.get(fold(name))


_YEAR = r"(?P<year>(?:19|20)\d\d)(?!\d)"
#: "5 March 2019", "5. März 2019", "5 de marzo de 2019", "1er mars 2019", "5th of March, 2019",
#: "05-Mar-2019", "04-ago-2021".
_DAY_MONTH_YEAR = (
    rf"(?<![\w.])(?P<day>[0-3]?\d)(?:st|nd|rd|th|er|º|°|\.|-)?\s*(?:de\s+|of\s+|d['’]\s*)?"
    rf"(?P<month>{_MONTH})(?!\w)[.,-]?\s*(?:de\s+|del\s+)?{_YEAR}"
)
#: "March 5, 2019", "Mar. 5th 2019".
_MONTH_DAY_YEAR = (
    rf"(?<!\w)(?P<month2>{_MONTH})\.?\s+(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?(?!\d),?\s+"
    rf"(?P<year2>(?:19|20)\d\d)(?!\d)"
)
#: "2019 Mar 5" (PubMed's citation dates), "2019 March 5th", Hungarian "2019. március 5.",
#: Lithuanian "2019 m. kovo 5 d.".
_YEAR_MONTH_DAY = (
    rf"(?<![\w.])(?P<year6>(?:19|20)\d\d)(?:,|\.|\s+m\.)?\s+(?P<month6>{_MONTH})\.?\s+"
    rf"(?P<day6>[0-3]?\d)(?:st|nd|rd|th)?(?![\d:])"
)
#: Vietnamese: "ngày 5 tháng 3 năm 2019", "5 tháng 03, 2019" (folded: "thang", "nam").
_VIETNAMESE = (
    r"(?<![\w.])(?P<day7>[0-3]?\d)\s+thang\s+(?P<month7>[01]?\d)(?:\s+nam|,)?\s+"
    r"(?P<year7>(?:19|20)\d\d)(?!\d)"
)
#: "2019年3月5日", "2019 年 3 月 5 日", "2019년 3월 5일".
_CJK = (
    r"(?P<year3>(?:19|20)\d\d)\s*[年년]\s*(?P<month3>[01]?\d)\s*[月월]\s*"
    r"(?P<day3>[0-3]?\d)\s*[日일]?"
)
#: ISO-like, year first: "2019-03-05", "2019/03/05", "2019.03.05".
_YMD = (
    r"(?<![\d.])(?P<year4>(?:19|20)\d\d)(?P<sep4>[-/.])(?P<month4>[01]?\d)(?P=sep4)"
    r"(?P<day4>[0-3]?\d)(?!\d)"
)
#: Day or month first: "05.03.2019", "5/3/2019", "05-03-2019".
_NUMERIC = (
    r"(?<![\d.])(?P<a>[0-3]?\d)(?P<sep5>[-/.])(?P<b>[0-3]?\d)(?P=sep5)"
    r"(?P<year5>(?:19|20)\d\d)(?![\d])"
)
_DATE_RE = re.compile(
    "|".join(
        f"(?:{p})"
        for p in (
            _DAY_MONTH_YEAR,
            _MONTH_DAY_YEAR,
            _YEAR_MONTH_DAY,
            _CJK,
            _VIETNAMESE,
            _YMD,
            _NUMERIC,
        )
    )
)

_TIME_RE = re.compile(
    r"""
    (?<![\d:])(?P<h>[0-2]?\d)\s*(?:[:h]|时|時|시)\s*(?P<mi>[0-5]\d)
    (?:\s*[:分분]\s*(?P<s>[0-5]\d)(?:[.,]\d+)?)?(?!\d)\s*(?P<ampm>[ap]\.?\s?m\b\.?)?
    """,
    re.VERBOSE,
)
#: A zone printed with the time: "GMT", "UTC+3", "+02:00", "CET", "EST", "ET", "JST".
_ZONE_RE = re.compile(
    r"""
    [\s(]*(?:uhr\s*)?(?:(?P<name>gmt|utc|z|cet|cest|mez|mesz|eet|eest|wet|west|bst|msk|est|edt|cst|cdt|mst
    |mdt|pst|pdt|et|ct|mt|pt|jst|kst|hkt|sgt|pht|wib|ict|aest|aedt|nzst|nzdt|eat|cat|wat|sast|pkt)
    (?![\w])(?:\s*(?P<sign>[+-])\s*(?P<oh>\d{1,2})(?::?(?P<om>\d\d))?)?
    |(?P<sign2>[+-])(?P<oh2>\d\d):?(?P<om2>\d\d)(?!\d))
    """,
    re.VERBOSE,
)
_NAMED_ZONES = {
    "gmt": 0, "utc": 0, "z": 0, "wet": 0, "bst": 1, "west": 1, "cet": 1, "cest": 2, "eet": 2,
    "eest": 3, "msk": 3, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6,
    "pst": -8, "pdt": -7, "mez": 1, "mesz": 2, "jst": 9, "kst": 9, "hkt": 8, "sgt": 8,
    "pht": 8, "wib": 7, "ict": 7, "aest": 10, "aedt": 11, "nzst": 12, "nzdt": 13, "eat": 3,
    "cat": 2, "wat": 1, "sast": 2, "pkt": 5,
}  # fmt: skip
#: US zones printed without saying standard or daylight time ("7:04 pm ET").
_REGION_ZONES = {
    "et": "America/New_York", "ct": "America/Chicago", "mt": "America/Denver",
    "pt": "America/Los_Angeles",
}  # fmt: skip
#: A time further than this from its date (characters of folded text) belongs to something else.
_TIME_DISTANCE = 30
_ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")
_ARABIC_ZONE = re.compile(r"GMT|UTC|بتوقيت\s+[غج]ري", re.IGNORECASE)
#: Languages that write the month first in numeric dates: US English, and English with no
#: region (most English pages that print 03/05/2019 are American).
_MONTH_FIRST = frozenset({"en-us", "en"})


@dataclass(frozen=True)
class TextDate:
    """A date found in a printed line."""

    day: date
    """The calendar day as printed."""

    at: datetime | None
    """The instant (aware, UTC) when a time of day is printed next to the day."""

    zone_printed: bool
    """True when the line itself names the time's zone (``GMT``, ``+02:00``)."""

    start: int
    """Where the date starts in the (folded) line: what is before it is its label."""

    end: int
    """Where the date (and its time) ends in the (folded) line."""


def _numeric_order(a: int, b: int, sep: str, lang: str | None) -> tuple[int, int] | None:
    """``(month, day)`` of ``a/b/yyyy``: unambiguous values, else the language's order."""
    if a > 12 and b <= 12:
        return b, a
    if b > 12 and a <= 12:
        return a, b
    if a > 12 or b > 12:
        return None
    if sep == "." or (lang and lang.lower() not in _MONTH_FIRST):
        return b, a  # day first: every language and English region but the US, dotted dates
    if lang:
        return a, b
    return None  # no language: no guess


_NUMERIC_RE = re.compile(_NUMERIC)


def numeric_dates(text: str) -> list[tuple[int, int, int]]:
    """``(first, second, year)`` of *text*'s numeric dates written with ``/`` or ``-``
    (``25/09/2025``): what tells the order a page writes them in. Dotted dates are
    day-first everywhere and say nothing of it."""
    return [
        (int(m["a"]), int(m["b"]), int(m["year5"]))
        for m in _NUMERIC_RE.finditer(text)
        if m["sep5"] != "."
    ]


def _day_of(m: re.Match[str], lang: str | None) -> date | None:
    groups = m.groupdict()
    if groups["month"]:
        ymd = (groups["year"], _MONTHS[groups["month"]], groups["day"])
    elif groups["month2"]:
        ymd = (groups["year2"], _MONTHS[groups["month2"]], groups["day2"])
    elif groups["month6"]:
        ymd = (groups["year6"], _MONTHS[groups["month6"]], groups["day6"])
    elif groups["year3"]:
        ymd = (groups["year3"], groups["month3"], groups["day3"])
    elif groups["year7"]:
        ymd = (groups["year7"], groups["month7"], groups["day7"])
    elif groups["year4"]:
        ymd = (groups["year4"], groups["month4"], groups["day4"])
    else:
        order = _numeric_order(int(groups["a"]), int(groups["b"]), groups["sep5"], lang)
        if order is None:
            return None
        ymd = (groups["year5"], *order)
    try:
        return date(int(ymd[0]), int(ymd[1]), int(ymd[2]))
    except ValueError:
        return None


def _clock(m: re.Match[str]) -> tuple[int, int, int] | None:
    hour, minute, second = int(m["h"]), int(m["mi"]), int(m["s"] or 0)
    marker = (m["ampm"] or "").replace(".", "").replace(" ", "")
    if marker:
        if hour == 0 or hour > 12:
            return None
        hour = hour % 12 + (12 if marker == "pm" else 0)
    if hour > 23:
        return None
    return hour, minute, second


def _zone_of(m: re.Match[str]) -> tzinfo | None:
    sign, hours, minutes = m["sign2"], m["oh2"], m["om2"]
    base = 0
    if m["name"] in _REGION_ZONES:
        return _named_zone(_REGION_ZONES[m["name"]])
    if m["name"]:
        base = _NAMED_ZONES[m["name"]]
        sign, hours, minutes = m["sign"], m["oh"], m["om"]
    offset = timedelta(hours=base)
    if sign:
        extra = timedelta(hours=int(hours), minutes=int(minutes or 0))
        offset += -extra if sign == "-" else extra
    if abs(offset) >= timedelta(hours=15):
        return None
    return UTC if not offset else timezone(offset)


def _time_after(folded: str, start: int, end: int, next_date: int) -> re.Match[str] | None:
    """The time printed closest to the date span, before the next date."""
    best, best_gap = None, _TIME_DISTANCE + 1
    for m in _TIME_RE.finditer(folded, max(0, start - _TIME_DISTANCE), next_date):
        if start <= m.start() < end:
            continue
        gap = start - m.end() if m.end() <= start else m.start() - end
        if 0 <= gap < best_gap:
            best, best_gap = m, gap
    return best


@lru_cache(maxsize=64)
def _named_zone(name: str) -> tzinfo:
    return UTC if name.upper() in ("UTC", "GMT", "Z") else ZoneInfo(name)


def as_tzinfo(tz: tzinfo | str) -> tzinfo:
    """A tzinfo for an IANA name (``UTC`` included), or *tz* as is."""
    return _named_zone(tz) if isinstance(tz, str) else tz


def _arabic(text: str, tz: tzinfo | str) -> TextDate | None:
    value = parse_arabic_date(text, tz)
    if not isinstance(value, datetime):
        return None if value is None else TextDate(value, None, False, 0, len(text))
    printed = bool(_ARABIC_ZONE.search(text))
    # The day as printed: in the zone the line names (GMT on the Arabs Today sites), else tz.
    day = value.astimezone(UTC if printed else as_tzinfo(tz)).date()
    return TextDate(day, value, printed, 0, len(text))


def find_text_date(text: str, tz: tzinfo | str = UTC, lang: str | None = None) -> TextDate | None:
    """The first complete date printed in *text*, with the time printed next to it.

    *tz* is the zone of a time printed without one; *lang* (``en``, ``en-GB``,
    ``fr``...) decides the order of an ambiguous numeric date, which is not
    read without it.
    """
    if not text:
        return None
    if _ARABIC_LETTER.search(text):
        found = _arabic(text, tz)
        if found is not None:
            return found
    folded = fold(text)
    matches = list(_DATE_RE.finditer(folded))
    for i, m in enumerate(matches):
        day = _day_of(m, lang)
        if day is None:
            continue
        next_date = matches[i + 1].start() if i + 1 < len(matches) else len(folded)
        time_match = _time_after(folded, m.start(), m.end(), next_date)
        clock = _clock(time_match) if time_match else None
        if clock is None:
            return TextDate(day, None, False, m.start(), m.end())
        zone_match = _ZONE_RE.match(folded, time_match.end())
        end = max(m.end(), zone_match.end() if zone_match else time_match.end())
        zone = _zone_of(zone_match) if zone_match else None
        local = datetime(day.year, day.month, day.day, *clock)
        at = to_utc(local, zone or as_tzinfo(tz))
        return TextDate(day, at, zone is not None, min(m.start(), time_match.start()), end)
    return None


def parse_date_text(
    text: str, tz: tzinfo | str = UTC, lang: str | None = None
) -> datetime | date | None:
    """A printed date as :func:`crawler.dates.parse_arabic_date` returns one, any language.

    An aware UTC datetime when a time is printed next to the day (read in *tz*
    unless the line names its zone), the printed ``date`` otherwise, ``None``
    when there is no complete date.
    """
    found = find_text_date(text, tz, lang)
    if found is None:
        return None
    return found.at or found.day
