"""What every benchmark shares: the machine it ran on, and how it prints its results.

Each benchmark prints a human table and then, as its very last line, one JSON object with
its figures plus ``machine`` (host, CPU, memory, OS, Python, package versions, date), so that
a figure can always be traced back to where and when it was taken.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

#: Packages whose versions are recorded with every result; missing ones are recorded as null.
DEFAULT_PACKAGES = (
    "akhbar",
    "scrapy",
    "twisted",
    "lxml",
    "parsel",
    "trafilatura",
    "sqlalchemy",
    "psycopg",
    "news-please",
)


def package_versions(packages: Sequence[str] = DEFAULT_PACKAGES) -> dict[str, str | None]:
    """Installed version of each distribution, or None when it is not installed."""
    versions: dict[str, str | None] = {}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> float | None:
    try:
        pages = os.sysconf("SC_PHYS_PAGES")
        page_size = os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return None
    return round(pages * page_size / 1024**3, 1)


def postgres_version(database_url: str) -> str | None:
    """``SELECT version()`` of the server behind ``database_url``, None if it cannot be asked."""
    try:
        import psycopg

        with psycopg.connect(database_url, connect_timeout=5) as conn:
            row = conn.execute("SHOW server_version").fetchone()
    except Exception:  # a missing server must not stop the report
        return None
    return str(row[0]) if row else None


def machine_info(
    *,
    packages: Sequence[str] = DEFAULT_PACKAGES,
    database_url: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Where and when a benchmark ran: host, CPU, load, memory, OS, versions and UTC date.

    ``load_avg`` is recorded because the machines we measure on are often shared: a figure
    taken at a load of 3 on 2 cores is not comparable with one taken on a quiet machine.
    """
    info: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "host": platform.node(),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gb": _memory_gb(),
        "load_avg": [round(x, 2) for x in os.getloadavg()],
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": package_versions(packages),
    }
    if database_url:
        info["postgresql"] = postgres_version(database_url)
    if extra:
        info.update(extra)
    return info


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def format_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """Rows (dicts sharing keys) as an aligned plain-text table; numbers are right-aligned."""
    if not rows:
        return "(no rows)"
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    cells = [[_cell(row.get(col)) for col in columns] for row in rows]
    widths = [max(len(col), *(len(r[i]) for r in cells)) for i, col in enumerate(columns)]
    numeric = [
        all(isinstance(row.get(col), int | float) or row.get(col) is None for row in rows)
        for col in columns
    ]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out.extend(line(r) for r in cells)
    return "\n".join(out)


def print_report(
    title: str,
    rows: Sequence[Mapping[str, Any]],
    figures: Mapping[str, Any],
    *,
    machine: Mapping[str, Any] | None = None,
    notes: Sequence[str] = (),
) -> None:
    """Print the title, the table, optional notes, then the one-line JSON object (last line).

    The JSON holds ``benchmark`` (the title), every figure, and ``machine`` (``machine_info()``
    unless given), so a script's output can be piped into ``tail -n 1 | jq``.
    """
    print(f"\n{title}\n{'=' * len(title)}")
    print(format_table(rows))
    for note in notes:
        print(f"note: {note}")
    payload = {"benchmark": title, **figures, "machine": dict(machine or machine_info())}
    sys.stdout.flush()
    print(json.dumps(payload, ensure_ascii=False, sort_keys=False), flush=True)


@dataclass(frozen=True)
class ProcessUsage:
    """Cost of one child process tree."""

    returncode: int
    wall_s: float
    cpu_s: float  # user + system of the process and the descendants it waited for
    peak_rss_mb: float  # the largest peak resident set (VmHWM) of any process in the tree


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _peak_rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_peak_rss_kb(root: int) -> int:
    """Largest VmHWM (peak RSS, KiB) among ``root`` and its living descendants."""
    children = _children_map()
    peak, todo = 0, [root]
    while todo:
        pid = todo.pop()
        peak = max(peak, _peak_rss_kb(pid))
        todo.extend(children.get(pid, ()))
    return peak


def run_measured(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: str | None = None,
    timeout_s: float | None = None,
    stdout: Any = None,
    stderr: Any = None,
    sample_s: float = 0.25,
) -> ProcessUsage:
    """Run ``argv`` to completion and return its wall time, CPU seconds and peak RSS.

    CPU comes from ``os.wait4``: exactly this child and the grandchildren it reaped (such as
    the ``scrapy crawl`` process that ``akhbar crawl`` starts), unlike ``RUSAGE_CHILDREN``,
    which mixes every child this benchmark ever started. Peak RSS is sampled from
    ``/proc/PID/status`` (VmHWM) every ``sample_s`` over the whole tree, because the
    kernel's ``ru_maxrss`` of a child counts the parent's memory copied at fork time: a
    benchmark holding its corpus would make every child look that large.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(argv), env=dict(env) if env else None, cwd=cwd, stdout=stdout, stderr=stderr
    )
    deadline = None if timeout_s is None else start + timeout_s
    peak_kb = 0
    next_sample = start
    while True:
        now = time.perf_counter()
        if now >= next_sample:
            peak_kb = max(peak_kb, tree_peak_rss_kb(proc.pid))
            next_sample = now + sample_s
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and now > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from waiting again
    return ProcessUsage(
        returncode=proc.returncode,
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=peak_kb / 1024,
    )


def self_usage() -> tuple[float, float]:
    """CPU seconds and peak RSS (MB) of this process so far, for in-process measurements."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


# Databases and crawls -----------------------------------------------------------------------

BENCH_DB_PREFIX = "akhbar_bench_"
REPO = Path(__file__).resolve().parent.parent

#: Scrapy settings of every benchmark crawl: no politeness delay (AutoThrottle off, no
#: download delay), 16 requests in flight to the one local site (what the tests use);
#: everything else is Akhbar's production configuration (crawler/settings.py).
FAST_CRAWL = {
    "AUTOTHROTTLE_ENABLED": "False",
    "DOWNLOAD_DELAY": "0",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
}


def database_url(server_url: str, name: str) -> str:
    """URL of database ``name`` on the server of ``server_url`` (a libpq URL)."""
    if not name.startswith(BENCH_DB_PREFIX):
        raise SystemExit(
            f"refusing to use {name!r}: benchmark databases start with {BENCH_DB_PREFIX}"
        )
    base, _, _ = server_url.partition("?")[0].rpartition("/")
    return f"{base}/{name}"


def fresh_database(server_url: str, name: str) -> str:
    """Drop and re-create benchmark database ``name``, migrate it to head; return its URL."""
    import psycopg
    from psycopg import sql

    from db import schema

    url = database_url(server_url, name)
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    schema.upgrade(url)
    return url


_CRAWL_CHILD = """\
import json, sys
from db.config import load_config
from scheduler.crawl import CrawlRequest, run_crawl
args = json.loads(sys.argv[1])
config = load_config(environ={"AKHBAR_DATABASE_URL": args["database_url"]})
result = run_crawl(config, CrawlRequest(outlet=args["outlet"], host_map=args["host_map"],
                   settings=args["settings"], timeout=args["timeout"]))
print(json.dumps({"run_id": result.run_id, "status": result.status}))
"""


@dataclass(frozen=True)
class AkhbarCrawl:
    """One ``akhbar crawl``: the process tree's cost and what ``crawl_runs`` recorded."""

    usage: ProcessUsage
    status: str
    stats: dict[str, Any]  # the Scrapy stats of the run, as stored in crawl_runs.stats
    articles_new: int
    articles_updated: int
    articles_unchanged: int

    @property
    def requests(self) -> int:
        return int(self.stats.get("downloader/request_count", 0))

    @property
    def elapsed_s(self) -> float:
        """Spider open to close, as Scrapy measured it (interpreter start-up excluded)."""
        return float(self.stats.get("elapsed_time_seconds") or self.usage.wall_s)


def run_akhbar_crawl(
    database_url: str,
    host_map: Mapping[str, str],
    *,
    outlet: str = "casablancatoday",
    settings: Mapping[str, str] = FAST_CRAWL,
    timeout_s: float = 3600.0,
) -> AkhbarCrawl:
    """Run ``scheduler.crawl.run_crawl`` — what ``akhbar crawl OUTLET`` runs: the outlet's lock,
    a ``crawl_runs`` row, and ``python -m scrapy crawl OUTLET`` in its own process — in a child
    process of its own, so that its CPU time and peak RSS are this crawl's alone."""
    args = {
        "database_url": database_url,
        "outlet": outlet,
        "host_map": dict(host_map),
        "settings": dict(settings),
        "timeout": timeout_s,
    }
    with tempfile.TemporaryFile() as out:
        usage = run_measured(
            [sys.executable, "-c", _CRAWL_CHILD, json.dumps(args)],
            cwd=str(REPO),
            stdout=out,
            timeout_s=timeout_s + 60,
        )
        out.seek(0)
        lines = out.read().decode().strip().splitlines()
    if usage.returncode != 0 or not lines:
        raise RuntimeError(f"akhbar crawl failed (exit {usage.returncode})")
    run_id = json.loads(lines[-1])["run_id"]

    import psycopg

    with psycopg.connect(database_url) as conn:
        row = conn.execute(
            "SELECT status, stats, articles_new, articles_updated, articles_unchanged"
            " FROM crawl_runs WHERE id = %s",
            (run_id,),
        ).fetchone()
    assert row is not None
    return AkhbarCrawl(usage, row[0], dict(row[1] or {}), row[2], row[3], row[4])
