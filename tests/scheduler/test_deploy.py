"""The egg ``akhbar deploy`` uploads: what scrapyd needs to run our spiders from it."""

from __future__ import annotations

import io
import zipfile

from scheduler.deploy import build_egg


def test_the_egg_holds_the_crawler_and_names_its_settings() -> None:
    with zipfile.ZipFile(io.BytesIO(build_egg("akhbar", "7"))) as egg:
        names = set(egg.namelist())
        assert {"crawler/settings.py", "crawler/spiders/hawarnews.py", "db/runs.py"} <= names
        assert not any(name.startswith(("scheduler/", "akhbar/", "tests/")) for name in names)
        assert egg.read("EGG-INFO/entry_points.txt").decode() == (
            "[scrapy]\nsettings = crawler.settings\n"
        )
        assert "Version: 7" in egg.read("EGG-INFO/PKG-INFO").decode()
