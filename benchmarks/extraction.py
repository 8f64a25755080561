"""The generic extraction on real pages: Akhbar against trafilatura, readability-lxml, htmldate.

Reads, at run time, the public benchmarks in ``../shared/extraction/`` (``--data``):
ScrapingHub's 181 articles and WCXB's development split (793 articles and 704 pages of
other types), runs ``crawler.extraction.extract_article(html, url)`` on every page (None
means "not an article"), and scores the bodies with ScrapingHub's ``evaluate.py`` metric:
``\\w+`` tokens, multisets of word 4-gram shingles, per-page precision and recall (each
page's counts normalized to sum 1), precision averaged over the pages with an extraction,
recall over every page with a truth, F1 from the two averages. A rejected page counts as
an empty extraction: no precision, recall 0.

On the same pages it runs trafilatura (default settings), readability-lxml and htmldate
(``find_date(original_date=True)``); their results are cached in ``benchmarks/.cache/``
(keyed by their versions), so a rerun measures Akhbar alone in a fraction of the time.
Dates are compared on the day; WCXB's ``publish_date`` is as the page gives it, so only
truth dates that name a day count.

``--extractor MODULE:FUNCTION`` measures another function with the same signature (a
previous version, kept outside the repository); when the module also has
``rejection_reason(html, url) -> str | None``, the reason of every rejected page is
counted and dumped.

    .venv/bin/python -m benchmarks.extraction [--limit N] [--set scrapinghub] [--only akhbar]
        [--dump pages.jsonl]
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from benchmarks._common import format_table, machine_info, package_versions

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "extraction"
CACHE = REPO / "benchmarks" / ".cache" / "extraction-tools.json"
SETS = ("scrapinghub", "wcxb-articles", "wcxb-other")
#: Sets whose pages are articles: their bodies are scored and the comparison tools run.
ARTICLE_SETS = ("scrapinghub", "wcxb-articles")
TOOLS = ("trafilatura", "readability-lxml", "htmldate")
#: Bump when the metric or what the cache stores changes: old entries are then recomputed.
CACHE_VERSION = 3
#: A language (or page type) gets its own row when it has at least this many pages; the
#: smaller languages share one row when together they are that many.
MIN_LANGUAGE_PAGES = 10
#: Titles this similar (difflib ratio of the casefolded tokens) count as a near match.
NEAR_TITLE = 0.9

# --------------------------------------------------------------------------- the metric

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str, n: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """Multiset of the word n-grams of ``text``; a text under n tokens is one shorter shingle."""
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i : i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens)


@dataclass(frozen=True)
class Counts:
    """True positives, false positives and false negatives of one page, summing to 1 (or 0)."""

    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float | None:
        """None when nothing was extracted: such a page is left out of the precision mean."""
        if self.tp + self.fp == 0:
            return None
        return 1.0 if self.fp == self.fn == 0 else self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        """None when the truth is empty too: such a page is left out of the recall mean."""
        if self.tp + self.fn == 0:
            return None
        return 1.0 if self.fp == self.fn == 0 else self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        """This page's own F1 (for the dump; the set's F1 comes from the averages)."""
        p, r = self.precision or 0.0, self.recall or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


def match(truth: str, extracted: str | None) -> Counts:
    """Shingle counts of one page; normalized so that a long page weighs as much as a short one."""
    true, pred = shingles(truth), shingles(extracted or "")
    tp = sum((true & pred).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    return Counts(tp / total, fp / total, fn / total) if total else Counts(0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Scores:
    """Precision and recall averaged over pages, and the F1 of those two averages."""

    precision: float | None
    recall: float | None
    f1: float | None
    pages: int


def aggregate(counts: Sequence[Counts]) -> Scores:
    """ScrapingHub's averaging: precision over pages with an extraction, recall over all."""
    precisions = [p for c in counts if (p := c.precision) is not None]
    recalls = [r for c in counts if (r := c.recall) is not None]
    p = statistics.fmean(precisions) if precisions else None
    r = statistics.fmean(recalls) if recalls else None
    f1 = 2 * p * r / (p + r) if p is not None and r is not None and p + r else None
    return Scores(p, r, f1, len(counts))


# --------------------------------------------------------------------------- pages and truth


@dataclass(frozen=True)
class Page:
    """One page of a benchmark set with its truth."""

    set_name: str
    page_id: str
    url: str
    path: Path
    body: str
    title: str | None = None
    date_text: str | None = None
    page_type: str = "article"
    language: str | None = None

    @property
    def key(self) -> str:
        return f"{self.set_name}/{self.page_id}"


def load_pages(data: Path, set_name: str) -> list[Page]:
    """The pages of one set, in the truth file's order."""
    if set_name == "scrapinghub":
        folder = data / "scrapinghub"
        truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
        return [
            Page(set_name, key, row["url"], folder / "html" / f"{key}.html.gz", row["articleBody"])
            for key, row in truth.items()
        ]
    folder = data / "wcxb-dev"
    with gzip.open(folder / "ground-truth.jsonl.gz", "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    want_articles = set_name == "wcxb-articles"
    return [
        Page(
            set_name,
            row["file_id"],
            row["url"] or "",
            folder / "html" / f"{row['file_id']}.html.gz",
            row.get("main_content") or "",
            title=row.get("title"),
            date_text=row.get("publish_date"),
            page_type=row["page_type"],
        )
        for row in rows
        if (row["page_type"] == "article") == want_articles
    ]


def decode_html(raw: bytes) -> str:
    """Text of a page as the crawler reads it (every tool is given the same text): BOM,
    declared charset unless the bytes show it wrong, else UTF-8."""
    from crawler.extraction.article import decode

    return decode(raw)


def read_html(page: Page) -> str:
    with gzip.open(page.path, "rb") as raw:
        return decode_html(raw.read())


_DECLARED_URL = re.compile(
    r"<link[^>]+rel=[\"']?canonical[^>]+href=[\"']?([^\"' >]+)"
    r"|<meta[^>]+property=[\"']?og:url[^>]+content=[\"']?([^\"' >]+)",
    re.IGNORECASE,
)


def page_url(page: Page, html: str) -> str:
    """The page's URL; for the few truth rows without one (5 in WCXB), what the page declares.

    A crawler always knows the URL it fetched; these pages would otherwise be judged on a
    URL no crawler would pass.
    """
    if page.url:
        return page.url
    found = _DECLARED_URL.search(html)
    declared = next((g for g in found.groups() if g), None) if found else None
    return (
        declared
        if declared and declared.startswith("http")
        else f"https://unknown.invalid/{page.page_id}"
    )


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_truth_date(text: str | None) -> date | None:
    """The day a truth date names, or None when it names none (``2015-11``) or is unreadable.

    ISO forms come first; other spellings go to dateutil, parsed twice with different
    defaults so that a date without a day of its own is not given one.
    """
    text = (text or "").strip()
    if not text:
        return None
    if _ISO_DAY.match(text):
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None
    from dateutil import parser

    try:
        a = parser.parse(text, default=datetime(2000, 1, 1), fuzzy=True)
        b = parser.parse(text, default=datetime(2001, 2, 2), fuzzy=True)
    except (ValueError, OverflowError):
        return None
    return a.date() if a.date() == b.date() else None


def detect_language(text: str) -> str | None:
    """Language of the truth text (py3langid), to break scores down by language."""
    if not text.strip():
        return None
    import py3langid

    return py3langid.classify(text[:5000])[0]


def with_languages(pages: Sequence[Page]) -> list[Page]:
    return [replace(page, language=detect_language(page.body)) for page in pages]


# --------------------------------------------------------------------------- running extractors

Extract = Callable[[str, str], Any]
_extractor: tuple[Extract, Callable[[str, str], str | None] | None] | None = None
_extractor_spec = "crawler.extraction:extract_article"


def load_extractor(spec: str) -> tuple[Extract, Callable[[str, str], str | None] | None]:
    """The function named ``module:function``, and its module's ``rejection_reason`` if any."""
    module_name, _, name = spec.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, name or "extract_article"), getattr(module, "rejection_reason", None)


def _init_worker(spec: str) -> None:
    global _extractor_spec
    _extractor_spec = spec


def _akhbar() -> tuple[Extract, Callable[[str, str], str | None] | None]:
    # Loaded in each worker on first use: the extractor module may need its own sys.path.
    global _extractor
    if _extractor is None:
        _extractor = load_extractor(_extractor_spec)
    return _extractor


def day_of(item: Any) -> date | None:
    """The item's publication day: its local date, else the day of its instant."""
    if item is None:
        return None
    if item.published_date is not None:
        return item.published_date
    return item.published_at.date() if item.published_at is not None else None


def run_akhbar(page: Page) -> dict[str, Any]:
    """Akhbar's result on one page, with the CPU time of the extraction alone.

    An exception is a rejection whose reason is the error: one page must not stop the run.
    """
    extract, reason = _akhbar()
    html = read_html(page)
    url = page_url(page, html)
    error = None
    start = time.process_time()
    try:
        item = extract(html, url)
    except Exception as exc:
        item, error = None, f"error: {type(exc).__name__}: {exc}"[:200]
    cpu_ms = (time.process_time() - start) * 1000
    if item is None and error is None and reason is not None:
        error = reason(html, url)
    counts = match(page.body, item.body if item is not None else None)
    day = day_of(item)
    return {
        "accepted": item is not None,
        "counts": [counts.tp, counts.fp, counts.fn],
        "cpu_ms": cpu_ms,
        "date": day.isoformat() if day else None,
        "title": item.title if item is not None else None,
        "reason": error,
    }


def readability_text(html: str) -> str:
    """readability-lxml's summary as text, with a line break after each block."""
    import lxml.html
    from readability import Document

    try:
        summary = Document(html).summary()
        root = lxml.html.fromstring(summary)
    except Exception:  # readability gives up on some pages: that is an empty extraction
        return ""
    for block in root.iter("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr"):
        block.tail = "\n" + (block.tail or "")
    return root.text_content()


def run_tools(page: Page) -> dict[str, Any]:
    """trafilatura, readability-lxml (article sets only) and htmldate on one page."""
    import trafilatura
    from htmldate import find_date

    html = read_html(page)
    url = page_url(page, html)
    result: dict[str, Any] = {}
    if page.set_name in ARTICLE_SETS:
        start = time.process_time()
        text = trafilatura.extract(html, url=url)
        result["trafilatura_cpu_ms"] = (time.process_time() - start) * 1000
        traf = match(page.body, text)
        read = match(page.body, readability_text(html))
        result["trafilatura"] = [traf.tp, traf.fp, traf.fn]
        result["readability"] = [read.tp, read.fp, read.fn]
        # The published 0.960 on ScrapingHub (the bar) is trafilatura without the
        # comments it keeps by default: shown too, so the bar is measured, not remembered.
        bare = match(page.body, trafilatura.extract(html, url=url, include_comments=False))
        result["trafilatura_no_comments"] = [bare.tp, bare.fp, bare.fn]
    try:
        found = find_date(html, url=url, original_date=True)
    except Exception:  # htmldate's own failures count as "no date"
        found = None
    result["htmldate"] = found[:10] if found else None
    return result


def run_pool(
    func: Callable[[Page], dict[str, Any]],
    pages: Sequence[Page],
    jobs: int,
    spec: str = _extractor_spec,
) -> list[dict[str, Any]]:
    """``func`` on every page, in page order (so results do not depend on scheduling)."""
    if jobs <= 1:
        _init_worker(spec)
        return _progress(func.__name__, map(func, pages), len(pages))
    with ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(spec,)) as pool:
        return _progress(func.__name__, pool.map(func, pages, chunksize=4), len(pages))


def _progress(name: str, results: Iterable[dict[str, Any]], total: int) -> list[dict[str, Any]]:
    """The results as a list, saying on stderr how far a long run is (stdout is the report)."""
    out = []
    for done, result in enumerate(results, 1):
        out.append(result)
        if done % 250 == 0 or done == total:
            print(f"{name}: {done}/{total} pages", file=sys.stderr, flush=True)
    return out


# --------------------------------------------------------------------------- tool cache


def _cache_tag() -> str:
    return json.dumps([CACHE_VERSION, package_versions(TOOLS)])


def load_cache(path: Path) -> dict[str, dict[str, Any]]:
    """Cached tool results by page key, empty when missing or made by other versions."""
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return stored["pages"] if stored.get("tag") == _cache_tag() else {}


def save_cache(path: Path, pages: dict[str, dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"tag": _cache_tag(), "pages": pages}), encoding="utf-8")


def tool_results(pages: Sequence[Page], jobs: int, cache_path: Path) -> dict[str, dict[str, Any]]:
    """The comparison tools' results for ``pages``, computing only what the cache lacks."""
    cache = load_cache(cache_path)
    missing = [page for page in pages if page.key not in cache]
    if missing:
        for page, result in zip(missing, run_pool(run_tools, missing, jobs), strict=True):
            cache[page.key] = result
        save_cache(cache_path, cache)
    return {page.key: cache[page.key] for page in pages}


# --------------------------------------------------------------------------- summaries


@dataclass
class Row:
    """One page's results from every tool, as dumped and summarized."""

    page: Page
    akhbar: dict[str, Any]
    tools: dict[str, Any] = field(default_factory=dict)

    def counts(self, tool: str) -> Counts | None:
        values = self.akhbar["counts"] if tool == "akhbar" else self.tools.get(tool)
        return Counts(*values) if values is not None else None


def _normal_title(text: str | None) -> str:
    return " ".join(_TOKEN.findall((text or "").casefold()))


def title_match(truth: str | None, ours: str | None) -> tuple[bool, bool]:
    """(exact, near): exact after collapsing white space; near on casefolded word tokens."""
    if not truth or not ours:
        return False, False
    exact = " ".join(truth.split()) == " ".join(ours.split())
    a, b = _normal_title(truth), _normal_title(ours)
    return exact, exact or SequenceMatcher(None, a, b).ratio() >= NEAR_TITLE


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _r(value: float | None, digits: int = 3) -> float | None:
    return round(value, digits) if value is not None else None


def summarize(rows: Sequence[Row]) -> dict[str, Any]:
    """The figures of one group of pages."""
    accepted = [r for r in rows if r.akhbar["accepted"]]
    out: dict[str, Any] = {
        "pages": len(rows),
        "accepted_pct": _pct(len(accepted), len(rows)),
        "rejected_pct": _pct(len(rows) - len(accepted), len(rows)),
    }
    if rows and rows[0].page.set_name in ARTICLE_SETS:
        out.update(_body_figures(rows, accepted))
    out.update(_date_figures(rows))
    out.update(_title_figures(rows))
    out["akhbar_cpu_ms_median"] = _r(statistics.median(r.akhbar["cpu_ms"] for r in rows), 1)
    traf_ms = [r.tools["trafilatura_cpu_ms"] for r in rows if "trafilatura_cpu_ms" in r.tools]
    out["trafilatura_cpu_ms_median"] = _r(statistics.median(traf_ms), 1) if traf_ms else None
    reasons = Counter(_reason_kind(r.akhbar["reason"]) for r in rows if not r.akhbar["accepted"])
    if any(reasons):
        out["rejection_reasons"] = dict(reasons.most_common())
    return out


def _reason_kind(reason: str | None) -> str | None:
    """A rejection's reason without its details (an error's message differs on every page)."""
    if reason and reason.startswith("error: "):
        return ":".join(reason.split(":")[:2])
    return reason


def _body_figures(rows: Sequence[Row], accepted: Sequence[Row]) -> dict[str, Any]:
    ours = aggregate([r.counts("akhbar") for r in rows])  # type: ignore[misc]
    out: dict[str, Any] = {
        "akhbar_f1": _r(ours.f1),
        "akhbar_precision": _r(ours.precision),
        "akhbar_recall": _r(ours.recall),
        "akhbar_f1_accepted": _r(aggregate([r.counts("akhbar") for r in accepted]).f1)  # type: ignore[misc]
        if accepted
        else None,
    }
    for tool in ("trafilatura", "trafilatura_no_comments", "readability"):
        counts = [c for r in rows if (c := r.counts(tool)) is not None]
        out[f"{tool}_f1"] = _r(aggregate(counts).f1) if counts else None
        if tool == "trafilatura" and accepted and counts:
            # The same pages as Akhbar's accepted ones: is the body or the rejection the gap?
            same = [c for r in accepted if (c := r.counts(tool)) is not None]
            out["trafilatura_f1_on_akhbar_accepted"] = _r(aggregate(same).f1)
    return out


def _date_figures(rows: Sequence[Row]) -> dict[str, Any]:
    stated = [r for r in rows if r.page.date_text]
    dated = [(r, day) for r in stated if (day := parse_truth_date(r.page.date_text))]
    if not dated:
        return {}
    ours = sum(r.akhbar["date"] == day.isoformat() for r, day in dated)
    theirs = sum(r.tools.get("htmldate") == day.isoformat() for r, day in dated)
    have_htmldate = any("htmldate" in r.tools for r, _ in dated)
    return {
        "dated_pages": len(dated),
        "truth_dates_unparsed": len(stated) - len(dated),
        "akhbar_date_pct": _pct(ours, len(dated)),
        "htmldate_date_pct": _pct(theirs, len(dated)) if have_htmldate else None,
    }


def _title_figures(rows: Sequence[Row]) -> dict[str, Any]:
    titled = [r for r in rows if r.page.title]
    if not titled:
        return {}
    matches = [title_match(r.page.title, r.akhbar["title"]) for r in titled]
    return {
        "titled_pages": len(titled),
        "title_exact_pct": _pct(sum(e for e, _ in matches), len(titled)),
        "title_near_pct": _pct(sum(n for _, n in matches), len(titled)),
    }


def groups(rows: Sequence[Row]) -> dict[str, list[Row]]:
    """Each set, then WCXB articles by language and the other pages by page type."""
    out: dict[str, list[Row]] = {}
    for set_name in SETS:
        members = [r for r in rows if r.page.set_name == set_name]
        if not members:
            continue
        out[set_name] = members
        if set_name in ARTICLE_SETS:
            out.update(_by(members, set_name, "lang", lambda r: r.page.language or "?"))
        elif set_name == "wcxb-other":
            out.update(_by(members, set_name, "type", lambda r: r.page.page_type))
    return out


def _by(
    rows: Sequence[Row], set_name: str, label: str, key: Callable[[Row], str]
) -> dict[str, list[Row]]:
    counts = Counter(key(r) for r in rows)
    small = {k for k, n in counts.items() if n < MIN_LANGUAGE_PAGES}
    out: dict[str, list[Row]] = {}
    for value, _ in counts.most_common():
        if value not in small:
            out[f"{set_name} {label}={value}"] = [r for r in rows if key(r) == value]
    rest = [r for r in rows if key(r) in small]
    if label == "lang" and len(rest) >= MIN_LANGUAGE_PAGES:
        out[f"{set_name} lang=other"] = rest
    return out


# --------------------------------------------------------------------------- report


def _fmt(value: Any, suffix: str = "") -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.3f}" if not suffix else f"{value:.1f}{suffix}"
    return f"{value}{suffix}"


def body_table(figures: dict[str, dict[str, Any]]) -> str:
    return format_table(
        [
            {
                "pages": name,
                "n": f["pages"],
                "Akhbar accepted": _fmt(f["accepted_pct"], " %"),
                "Akhbar F1 (P / R)": (
                    f"{_fmt(f['akhbar_f1'])} ({_fmt(f['akhbar_precision'])} / "
                    f"{_fmt(f['akhbar_recall'])})"
                    if "akhbar_f1" in f
                    else "—"
                ),
                "F1 accepted": _fmt(f.get("akhbar_f1_accepted")),
                "trafilatura F1": _fmt(f.get("trafilatura_f1")),
                "no comments": _fmt(f.get("trafilatura_no_comments_f1")),
                "readability F1": _fmt(f.get("readability_f1")),
            }
            for name, f in figures.items()
        ]
    )


def date_table(figures: dict[str, dict[str, Any]]) -> str:
    return format_table(
        [
            {
                "pages": name,
                "dated": f.get("dated_pages", 0),
                "Akhbar day": _fmt(f.get("akhbar_date_pct"), " %"),
                "htmldate day": _fmt(f.get("htmldate_date_pct"), " %"),
                "title exact": _fmt(f.get("title_exact_pct"), " %"),
                "title near": _fmt(f.get("title_near_pct"), " %"),
                "Akhbar ms": _fmt(f["akhbar_cpu_ms_median"], " "),
                "trafilatura ms": _fmt(f.get("trafilatura_cpu_ms_median"), " "),
            }
            for name, f in figures.items()
        ]
    )


def dump_rows(path: Path, rows: Iterable[Row]) -> None:
    """One JSON line per page: what Akhbar and the others found, against the truth."""
    with path.open("w", encoding="utf-8") as out:
        for r in rows:
            day = parse_truth_date(r.page.date_text)
            record = {
                "id": r.page.page_id,
                "url": r.page.url,
                "set": r.page.set_name,
                "page_type": r.page.page_type,
                "language": r.page.language,
                "accepted": r.akhbar["accepted"],
                "reason": r.akhbar["reason"],
                "f1": _r(r.counts("akhbar").f1),  # type: ignore[union-attr]
                "trafilatura_f1": _r(c.f1) if (c := r.counts("trafilatura")) else None,
                "date_truth": r.page.date_text,
                "date_truth_day": day.isoformat() if day else None,
                "date_akhbar": r.akhbar["date"],
                "date_htmldate": r.tools.get("htmldate"),
                "title_truth": r.page.title,
                "title_akhbar": r.akhbar["title"],
                "cpu_ms": _r(r.akhbar["cpu_ms"], 2),
            }
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="../shared/extraction")
    parser.add_argument("--limit", type=int, help="first N pages of each set")
    parser.add_argument("--set", choices=SETS, action="append", help="only these sets")
    parser.add_argument("--only", choices=("akhbar",), help="skip the comparison tools")
    parser.add_argument("--dump", type=Path, help="JSON Lines, one line per page")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument(
        "--extractor",
        default="crawler.extraction:extract_article",
        help="MODULE:FUNCTION taking (html, url), returning an ArticleItem or None",
    )
    parser.add_argument("--cache", type=Path, default=CACHE, help="comparison tools' results")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    pages: list[Page] = []
    for set_name in args.set or SETS:
        pages.extend(load_pages(args.data, set_name)[: args.limit])
    pages = with_languages(pages)
    akhbar = run_pool(run_akhbar, pages, args.jobs, args.extractor)
    tools = {} if args.only else tool_results(pages, args.jobs, args.cache)
    rows = [Row(p, a, tools.get(p.key, {})) for p, a in zip(pages, akhbar, strict=True)]
    figures = {name: summarize(members) for name, members in groups(rows).items()}
    if args.dump:
        dump_rows(args.dump, rows)
    title = "extraction"
    print(f"\n{title}: {args.extractor} on {args.data}\n")
    print(body_table(figures))
    print()
    print(date_table(figures))
    payload = {
        "benchmark": title,
        "extractor": args.extractor,
        "limit": args.limit,
        "comparison_tools": not args.only,
        "sets": figures,
        "machine": machine_info(packages=("akhbar", "lxml", "trafilatura", *TOOLS[1:])),
    }
    print(json.dumps(payload, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
