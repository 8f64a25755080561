"""news-please on a generated copy of the site, for the ingest benchmark's comparison.

news-please keeps ``:port`` in its allowed domain, so a site on 127.0.0.1:8080 yields
nothing. Its copy is therefore served on ports 80 and 443 (TLS, self-signed: the sitemaps
name ``https://`` URLs) by nginx inside a network namespace and mount namespace of the
benchmark's own (``unshare --net --mount``), where ``/etc/hosts`` is bind-mounted to send
``www.casablancatoday.com`` to 127.0.0.1. Nothing leaves the namespace's loopback.

news-please runs with its own defaults (``SitemapCrawler``, its extractors, its HTML and
JSON file storage), except for its working directory, 16 requests per domain (what every
other crawler of the benchmark gets) and no certificate check (the local certificate is
self-signed). Articles are the JSON files it wrote.
"""

from __future__ import annotations

import configparser
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks._common import run_measured
from benchmarks.site import HOST, NGINX, ORIGIN, Text, nginx_config, write_site

TIMEOUT_S = 1800.0
#: The site's entry in news-please's sitelist. Its default heuristics reject a page whose
#: headlines are mostly links (``linked_headlines``): casablancatoday's article pages list 15
#: related articles as linked ``h4``s, so all but the first few pages would be dropped. As
#: news-please's own sitelist example does for such sites, only ``og_type`` is kept.
SITELIST_ENTRY = {
    "url": f"http://{HOST}/",
    "crawler": "SitemapCrawler",
    "overwrite_heuristics": {
        "og_type": True,
        "linked_headlines": False,
        "self_linked_headlines": False,
    },
    "pass_heuristics_condition": "og_type",
}
_ELAPSED = re.compile(r"'elapsed_time_seconds': ([0-9.]+)")


def unavailable() -> str | None:
    """Why news-please cannot be measured here, or None when it can."""
    if importlib.util.find_spec("newsplease") is None:
        return 'news-please is not installed (pip install -e ".[bench]")'
    if importlib.util.find_spec("nltk") is None:
        return "nltk is not installed; news-please needs it for Arabic pages"
    if NGINX is None:
        return "nginx is not installed (apt-get install nginx-light); it serves port 80"
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("ip"):
        return "needs root, unshare and ip to serve port 80 in a network namespace"
    if not shutil.which("openssl"):
        return "openssl is missing (needed for the local TLS certificate)"
    return None


def _config_dir(workdir: Path) -> Path:
    """news-please's default configuration, pointed at ``workdir`` and the local site."""
    spec = importlib.util.find_spec("newsplease")
    assert spec is not None and spec.origin is not None
    defaults = Path(spec.origin).parent / "config"
    config = workdir / "config"
    shutil.copytree(defaults, config)
    cfg = configparser.RawConfigParser()
    cfg.optionxform = str  # keep the keys' case (Scrapy setting names)
    cfg.read(config / "config.cfg")
    cfg["Files"]["working_path"] = str(workdir / "repo")
    cfg["Crawler"]["check_certificate"] = "False"
    cfg["Scrapy"]["CONCURRENT_REQUESTS_PER_DOMAIN"] = "16"
    with open(config / "config.cfg", "w", encoding="utf-8") as out:
        cfg.write(out)
    (config / "sitelist.hjson").write_text(
        json.dumps({"base_urls": [SITELIST_ENTRY]}),
        encoding="utf-8",
    )
    return config


def _tls(workdir: Path) -> str:
    key, cert = workdir / "tls.key", workdir / "tls.crt"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return f"ssl_certificate {cert}; ssl_certificate_key {key};"


def measure(
    workdir: Path,
    n_articles: int,
    *,
    page_kb: float,
    texts: Sequence[Text],
    text_source: str,
) -> tuple[dict[str, Any] | None, str | None]:
    """Crawl a site of ``n_articles`` with news-please: (figures, None) or (None, reason)."""
    reason = unavailable()
    if reason:
        return None, reason
    workdir.mkdir(parents=True)
    site = write_site(
        workdir / "site", n_articles, page_kb=page_kb, texts=texts, text_source=text_source
    )
    state = workdir / "nginx"
    conf = nginx_config(
        site.root,
        state,
        ["127.0.0.1:80", "127.0.0.1:443 ssl"],
        daemon=True,
        tls=_tls(workdir),
    )
    hosts = workdir / "hosts"
    hosts.write_text(f"127.0.0.1 localhost {HOST}\n", encoding="utf-8")
    config = _config_dir(workdir)
    # One shell inside the namespaces: loopback up, the host name mapped, nginx started
    # (it detaches), then news-please, whose process tree is what os.wait4 measures.
    script = (
        'set -e; ip link set lo up; mount --bind "$1" /etc/hosts; "$2" -c "$3"; shift 3; exec "$@"'
    )
    argv = ["unshare", "--net", "--mount", "sh", "-c", script, "sh", str(hosts), NGINX, str(conf)]
    argv += [sys.executable, "-m", "newsplease", "-c", str(config), "-no-confirm"]
    log_path = workdir / "newsplease.log"
    try:
        with open(log_path, "wb") as log:
            usage = run_measured(
                argv, cwd=str(workdir), stdout=log, stderr=log, timeout_s=TIMEOUT_S
            )
    finally:
        _stop_nginx(state / "nginx.pid")
    articles = sum(1 for _ in (workdir / "repo" / "data").rglob("*.json"))
    log_text = log_path.read_text(encoding="utf-8", errors="replace")
    if articles == 0:
        return (
            None,
            f"news-please extracted no article (exit {usage.returncode}): {log_text[-600:]}",
        )
    # Spider time from the stats news-please's Scrapy logs, as for the other crawlers (its
    # process manager adds several seconds of start-up and polling); else the wall time.
    elapsed = [float(x) for x in _ELAPSED.findall(log_text)]
    seconds = sum(elapsed) or usage.wall_s
    return {
        "articles": articles,
        "pages": None,
        "elapsed_s": seconds,
        "wall_s": usage.wall_s,
        "pages_per_s": None,
        "articles_per_s": articles / seconds,
        "cpu_s": usage.cpu_s,
        "peak_rss_mb": usage.peak_rss_mb,
        "origin": ORIGIN,
    }, None


def _stop_nginx(pid_file: Path) -> None:
    """Stop the namespace's nginx (ours, by the pid it wrote) and wait for it to go."""
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
