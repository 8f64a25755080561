"""Load test of the search API: many concurrent clients for a bounded time, loopback only.

Starts the real API (``akhbar serve``, the FastAPI app under uvicorn) on 127.0.0.1
against an archive (the 100,000-article one built by ``import_corpus``), then runs
``--clients`` client threads, each with its own keep-alive connection, sending
``/api/search`` requests back to back for ``--seconds``. The queries mix rare names,
mid-frequency and very common words, one and two words, some with an outlet or date
filter. A request counts as an error when it fails, times out, or does not answer
200 with a JSON page of results. Prints throughput, latency percentiles and errors.

    .venv/bin/python -m benchmarks.load \\
        --database-url postgresql://postgres@127.0.0.1:5432/akhbar_bench_search_100k \\
        --clients 50 --seconds 60
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks._common import machine_info, print_report
from benchmarks.search import latency_summary

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"  # loopback only, whatever the options say
MAX_CLIENTS = 200
MAX_SECONDS = 600
MAX_REQUESTS = 1_000_000
REQUEST_TIMEOUT_S = 30.0
REPO = Path(__file__).resolve().parents[1]

# Rare names, mid-frequency words, very common words; phrases; filters.
QUERIES: list[dict[str, str]] = [
    {"q": "بومبيو"},
    {"q": "قامشلو"},
    {"q": "كورونا"},
    {"q": "أرامكو"},
    {"q": "ليفربول"},
    {"q": "ترامب"},
    {"q": "الحريري"},
    {"q": "النفط"},
    {"q": "الرئيس"},
    {"q": "السعودية"},
    {"q": "اليوم"},
    {"q": "الحكومة"},
    {"q": "الرئيس الأمريكي"},
    {"q": "وزير الخارجية"},
    {"q": '"ولي العهد"'},
    {"q": "أسعار النفط"},
    {"q": "داعش سوريا"},
    {"q": "مجلس الأمن"},
    {"q": "الرئيس", "outlet": "skynewsarabia.com"},
    {"q": "النفط", "since": "2026-01-01"},
    {"q": "الحكومة", "sort": "date"},
    {"q": "كرة القدم", "limit": "20"},
    {"q": "الأمم المتحدة", "offset": "10"},
    {"q": "الصحة العالمية"},
]


@dataclass
class ClientStats:
    latencies_ms: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_server(database_url: str, port: int) -> subprocess.Popen[bytes]:
    """``akhbar serve`` on 127.0.0.1:port, once it answers."""
    env = {**os.environ, "DATABASE_URL": database_url, "AKHBAR_DATABASE_URL": database_url}
    argv = [sys.executable, "-m", "akhbar", "serve", "--host", HOST, "--port", str(port)]
    server = subprocess.Popen(
        [*argv, "--no-access-log"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited: {server.stderr.read().decode()[-2000:]}")
        try:
            connection = http.client.HTTPConnection(HOST, port, timeout=2)
            connection.request("GET", "/openapi.json")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not answer within 60 s")


def _path(params: dict[str, str]) -> str:
    return "/api/search?" + urlencode({"limit": "10", **params})


def client(port: int, offset: int, stop_at: float, budget: Any, stats: ClientStats) -> None:
    """Send requests back to back on one keep-alive connection until ``stop_at``."""
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
    for index in itertools.count(offset):
        if time.monotonic() >= stop_at or not budget.acquire(blocking=False):
            break
        path = _path(QUERIES[index % len(QUERIES)])
        began = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            body = response.read()
            elapsed = (time.perf_counter() - began) * 1000
            if response.status != 200:
                stats.error(f"http_{response.status}")
            elif "results" not in json.loads(body):
                stats.error("bad_body")
            else:
                stats.latencies_ms.append(elapsed)
        except (OSError, http.client.HTTPException, ValueError) as exc:
            stats.error(type(exc).__name__)
            connection.close()
            connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_S)
    connection.close()


def run(database_url: str, clients: int, seconds: float, max_requests: int) -> dict[str, Any]:
    port = free_port()
    server = start_server(database_url, port)
    try:
        warm = ClientStats()  # one pass over the queries, not counted
        client(port, 0, time.monotonic() + 120, threading.Semaphore(len(QUERIES)), warm)
        budget = threading.Semaphore(max_requests)
        stats = [ClientStats() for _ in range(clients)]
        began = time.monotonic()
        threads = [
            threading.Thread(target=client, args=(port, i, began + seconds, budget, stats[i]))
            for i in range(clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - began
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    latencies = [ms for s in stats for ms in s.latencies_ms]
    errors: dict[str, int] = {}
    for s in stats:
        for kind, n in s.errors.items():
            errors[kind] = errors.get(kind, 0) + n
    return {
        "clients": clients,
        "seconds": round(wall, 1),
        "requests": len(latencies) + sum(errors.values()),
        "ok": len(latencies),
        "errors": sum(errors.values()),
        "errors_by_kind": errors,
        "throughput_rps": round(len(latencies) / wall, 1),
        **{k: v for k, v in latency_summary(latencies).items() if k != "n"},
        "max_ms": round(max(latencies), 1) if latencies else None,
        "warmup_errors": sum(warm.errors.values()),
        "queries": len(QUERIES),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="the archive to serve")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--max-requests", type=int, default=200_000)
    args = parser.parse_args(argv)
    if not (1 <= args.clients <= MAX_CLIENTS and 0 < args.seconds <= MAX_SECONDS):
        parser.error(f"--clients 1..{MAX_CLIENTS}, --seconds up to {MAX_SECONDS}")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    figures = run(
        args.database_url, args.clients, args.seconds, min(args.max_requests, MAX_REQUESTS)
    )
    row = {k: v for k, v in figures.items() if not isinstance(v, dict)}
    print_report(
        "load: search API under concurrent clients",
        [row],
        figures,
        machine=machine_info(
            packages=("akhbar", "fastapi", "uvicorn", "sqlalchemy", "psycopg"),
            database_url=args.database_url,
        ),
    )


if __name__ == "__main__":
    main()
