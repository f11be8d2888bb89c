"""cleaner.contrib.scrapy: a real crawl of a local site through the pipeline, and unit tests per item kind."""

from __future__ import annotations

import dataclasses
import functools
import importlib
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import attrs
import pytest
import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

import cleaner
from cleaner.config import ConfigError
from cleaner.contrib.scrapy import CleanerPipeline
from tests.conftest import ROOT
from tests.samples import P1, P2, P3

FIXTURES = ROOT / "tests" / "fixtures_integrations"
SITE = FIXTURES / "site"

DOC = f"Skip to content\n\n{P1}\n\nGet the newsletter\n\n{P2}\n\n{P3}\n\nShare this article\n"
CLEAN = f"{P1}\n\n{P2}\n\n{P3}\n"
FROGS = "Tiny frogs of Borneo sing at night"
BRIDGE = [
    "A Roman bridge emerges from a drying river in Spain",
    "The stone arches of a bridge built almost two thousand years ago have reappeared in northern Spain "
    "after months of drought lowered the river to its lowest level in decades.",
    "Local historians had known of the bridge from old maps, but the last time anyone saw its arches "
    "above the water was during the dry summer of 1949, when children walked across it.",
    "Engineers say the structure is in remarkably good condition, and the regional government has asked "
    "archaeologists to survey it before the autumn rains return.",
]


# -- a real crawl -------------------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def site_url() -> Iterator[str]:
    """The fixture site served by http.server on 127.0.0.1, on a free port, in a thread."""
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def crawl(site_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run both spiders of crawl_site.py with CrawlerProcess, in a subprocess (a Twisted reactor
    cannot be restarted, so an in-process crawl would be the only one in the test session)."""
    out = tmp_path_factory.mktemp("crawl")
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)  # this checkout's cleaner
    proc = subprocess.run(
        [sys.executable, str(FIXTURES / "crawl_site.py"), site_url, str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": path},
    )
    assert proc.returncode == 0, proc.stderr
    return out


def _items(path: Path) -> dict[str, dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return {row["url"].rsplit("/", 1)[-1]: row for row in rows}


def test_crawl_cleans_text_items(crawl: Path, site_url: str) -> None:
    items = _items(crawl / "text.jsonl")
    assert sorted(items) == ["bridge.html", "frogs.html"]  # promo.html: nothing left, dropped
    frogs = items["frogs.html"]
    assert frogs["text"] == f"{FROGS}\n\n{CLEAN}"
    assert frogs["title"] == FROGS and frogs["status"] == 200 and frogs["url"] == site_url + "frogs.html"
    assert [(r["category"], r["text"]) for r in frogs["removals"]] == [
        ("duplicate-headline", FROGS),  # the figure caption repeating the title
        ("newsletter", "Get the newsletter"),
        ("related", "Read also:"),
        ("related", "Rare orchid found in a Scottish glen after fifty years"),
        ("related", "Why city bees are thriving while country bees decline"),
        ("promo", "Share this article"),
    ]
    bridge = items["bridge.html"]
    assert bridge["text"] == "\n\n".join(BRIDGE) + "\n"
    assert [r["rule"] for r in bridge["removals"]] == [
        "en.navigation.skip-link",
        "en.newsletter.sign-up",
        "en.promo.share",
    ]


def test_crawl_stats(crawl: Path) -> None:
    stats = json.loads((crawl / "stats.json").read_text())
    text = {k: v for k, v in stats["text"].items() if k.startswith("cleaner/")}
    assert text == {
        "cleaner/items": 3,
        "cleaner/removed/duplicate-headline": 1,
        "cleaner/removed/newsletter": 2,
        "cleaner/removed/related": 3,
        "cleaner/removed/navigation": 1,
        "cleaner/removed/promo": 4,
        "cleaner/dropped_empty": 1,
    }
    assert stats["text"]["item_scraped_count"] == 2
    assert stats["text"]["item_dropped_count"] == 1
    html = {k: v for k, v in stats["html"].items() if k.startswith("cleaner/")}
    # The pages through clean_html with the spider's settings: the stats count exactly its removals.
    expected: dict[str, int] = {"cleaner/items": 3}
    for name in ("bridge.html", "frogs.html", "promo.html"):
        result = cleaner.clean_html((SITE / name).read_text(encoding="utf-8"), disabled={"promo"})
        for category, n in result.by_category().items():
            expected[f"cleaner/removed/{category}"] = expected.get(f"cleaner/removed/{category}", 0) + n
    assert html == expected and expected["cleaner/removed/newsletter"] >= 1
    assert stats["html"]["item_scraped_count"] == 3


def test_crawl_html_field_extracts_the_page(crawl: Path) -> None:
    items = _items(crawl / "html.jsonl")
    assert sorted(items) == ["bridge.html", "frogs.html", "promo.html"]
    for name, item in items.items():
        assert item["html"] == (SITE / name).read_text(encoding="utf-8")  # the page is left as it was
        assert set(item) == {"url", "html", "text"}
    bridge = items["bridge.html"]["text"]
    assert "Skip to content" not in bridge and "Sign up for our newsletter" not in bridge
    assert all(line in bridge for line in BRIDGE[1:])
    assert "Share this article" in bridge  # CLEANER_DISABLE = "promo" for this spider
    assert items["promo.html"]["text"] == "Download our app\n\nShare this article\n"  # paragraphs: blank between
    frogs = cleaner.clean_html((SITE / "frogs.html").read_text(), url=items["frogs.html"]["url"], disabled={"promo"})
    assert items["frogs.html"]["text"] == frogs.text


# -- the pipeline on its own ---------------------------------------------------------------------


def pipeline(**settings: Any) -> tuple[CleanerPipeline, Crawler]:
    crawler = get_crawler(settings_dict=settings)
    return CleanerPipeline.from_crawler(crawler), crawler


def cleaner_stats(crawler: Crawler) -> dict[str, Any]:
    assert crawler.stats is not None
    return {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("cleaner/")}


@dataclasses.dataclass
class ArticleData:
    url: str
    text: str = ""
    removals: list[dict[str, object]] = dataclasses.field(default_factory=list)


class ArticleItem(scrapy.Item):
    url = scrapy.Field()
    title = scrapy.Field()
    body = scrapy.Field()
    html = scrapy.Field()


@attrs.define
class ArticleAttrs:
    text: str
    title: str | None = None


def test_dataclass_item() -> None:
    pipe, crawler = pipeline(CLEANER_REMOVALS_FIELD="removals")
    item = ArticleData(url="https://example.org/frogs", text=DOC)
    assert pipe.process_item(item) is item  # cleaned in place
    assert item.text == CLEAN
    assert [r["category"] for r in item.removals] == ["navigation", "newsletter", "promo"]
    assert cleaner_stats(crawler) == {
        "cleaner/items": 1,
        "cleaner/removed/navigation": 1,
        "cleaner/removed/newsletter": 1,
        "cleaner/removed/promo": 1,
    }


def test_scrapy_item_with_custom_fields() -> None:
    pipe, crawler = pipeline(CLEANER_FIELD="body", CLEANER_HTML_FIELD="html", CLEANER_DISABLE="promo,related")
    item = ArticleItem(url="https://example.org/frogs", body=DOC, title="Frogs")
    result = pipe.process_item(item, scrapy.Spider("legacy"))  # Scrapy < 2.13 passes the spider
    assert result is item
    assert item["body"] == f"{P1}\n\n{P2}\n\n{P3}\n\nShare this article\n"  # promo disabled
    assert "removals" not in item and item["title"] == "Frogs"
    page = ArticleItem(html=(SITE / "bridge.html").read_bytes())  # bytes, as in response.body
    pipe.process_item(page)
    assert [line for line in page["body"].splitlines() if line] == [*BRIDGE, "Share this article"]
    bridge = cleaner.clean_html((SITE / "bridge.html").read_bytes(), disabled={"promo", "related"})
    text_counts = cleaner.clean(DOC, title="Frogs", disabled={"promo", "related"}).by_category()
    expected = {"cleaner/items": 2}
    for counts in (text_counts, bridge.by_category()):
        for category, n in counts.items():
            expected[f"cleaner/removed/{category}"] = expected.get(f"cleaner/removed/{category}", 0) + n
    assert cleaner_stats(crawler) == expected


def test_attrs_item_and_title_field() -> None:
    pipe, crawler = pipeline()
    text = f"By Jane Smith and Tom Lee\n\n{P1}\n\n{FROGS}\n\n{P2}\n\n{FROGS}\n"
    item = ArticleAttrs(text=text, title=FROGS)
    pipe.process_item(item)
    assert item.text == f"By Jane Smith and Tom Lee\n\n{P1}\n\n{FROGS}\n\n{P2}\n"
    assert cleaner_stats(crawler) == {"cleaner/items": 1, "cleaner/removed/duplicate-headline": 1}
    untitled, _ = pipeline(CLEANER_TITLE_FIELD="")
    other = ArticleAttrs(text=text, title=FROGS)
    untitled.process_item(other)
    assert other.text == text  # without the title the repeat is not recognised


def test_undeclared_removals_field_is_a_clear_error() -> None:
    pipe, _ = pipeline(CLEANER_FIELD="body", CLEANER_REMOVALS_FIELD="removals")
    with pytest.raises(KeyError, match=r"ArticleItem has no field 'removals'.*CLEANER_REMOVALS_FIELD"):
        pipe.process_item(ArticleItem(body=DOC))


def test_items_without_text_pass_unchanged() -> None:
    pipe, crawler = pipeline(CLEANER_DROP_EMPTY=True, CLEANER_REMOVALS_FIELD="removals")
    items: list[Any] = [{"url": "https://example.org/"}, {"text": None}, {"text": 42}, ArticleItem(url="x")]
    for item in items:
        before = dict(item)
        assert pipe.process_item(item) is item
        assert dict(item) == before
    assert cleaner_stats(crawler) == {"cleaner/skipped": 4}


def test_drop_empty() -> None:
    pipe, crawler = pipeline(CLEANER_DROP_EMPTY=True)
    with pytest.raises(DropItem, match=r"nothing left in 'text' after cleaning \(2 line\(s\) removed: promo 2\)"):
        pipe.process_item({"text": "Download our app\nShare this article\n"})
    with pytest.raises(DropItem, match="it was empty already"):
        pipe.process_item({"text": "\n"})
    assert pipe.process_item({"text": DOC})["text"] == CLEAN
    assert cleaner_stats(crawler)["cleaner/dropped_empty"] == 2
    keep, _ = pipeline()  # the default: never drop
    assert keep.process_item({"text": "Download our app\n"}) == {"text": ""}


def test_config_file_and_disable_settings(tmp_path: Path) -> None:
    toml = tmp_path / "cleaner.toml"
    toml.write_text('disabled = ["newsletter"]\ndisabled_rules = ["en.navigation.skip-link"]\n')
    pipe, _ = pipeline(CLEANER_CONFIG=str(toml), CLEANER_DISABLE=["promo"])
    config = pipe.cleaner.config
    assert config is not None
    assert {c.value for c in config.disabled} == {"newsletter", "promo"}  # the file's and the setting's
    assert pipe.process_item({"text": DOC})["text"] == DOC.rstrip("\n") + "\n"  # every removal switched off
    with pytest.raises(ConfigError, match="unknown category 'adverts'"):
        pipeline(CLEANER_DISABLE=["adverts"])
    with pytest.raises(ConfigError, match="cannot read config"):
        pipeline(CLEANER_CONFIG=str(tmp_path / "missing.toml"))


def test_missing_scrapy_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "itemadapter", None)  # None in sys.modules: the import fails
    monkeypatch.delitem(sys.modules, "cleaner.contrib.scrapy")
    with pytest.raises(ImportError, match=r"pip install cleaner\[scrapy\]"):
        importlib.import_module("cleaner.contrib.scrapy")
