"""cleaner.contrib.scrapy: a real crawl of a local site through the pipeline, and unit tests per item kind."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import json
import sys
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
from tests.conftest import ROOT, run_python
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


@pytest.fixture(scope="module")
def crawl(site_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the spiders of crawl_site.py with CrawlerProcess, in a subprocess (a Twisted reactor
    cannot be restarted, so an in-process crawl would be the only one in the test session)."""
    out = tmp_path_factory.mktemp("crawl")
    run_python([str(FIXTURES / "crawl_site.py"), site_url, str(out)], timeout=120)
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
    lean = _items(crawl / "lean.jsonl")  # the same crawl with CLEANER_DROP_HTML: the pages are not exported
    assert lean == {name: {"url": item["url"], "text": item["text"]} for name, item in items.items()}


# -- the pipeline on its own ---------------------------------------------------------------------


def pipeline(**settings: Any) -> tuple[CleanerPipeline, Crawler]:
    """A pipeline that cleans in line (CLEANER_CONCURRENCY 0, unless set), so no reactor is needed;
    the threads are tested under a running reactor by test_threads_under_a_running_reactor."""
    crawler = get_crawler(settings_dict={"CLEANER_CONCURRENCY": 0, **settings})
    return CleanerPipeline.from_crawler(crawler), crawler


def process(pipe: CleanerPipeline, item: Any, *args: Any) -> Any:
    """pipe.process_item(item) to the end: in line, its coroutine finishes without waiting for anything."""
    coroutine = pipe.process_item(item, *args)
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise AssertionError("process_item waited for something: it did not clean in line")


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
    assert process(pipe, item) is item  # cleaned in place
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
    result = process(pipe, item, scrapy.Spider("legacy"))  # Scrapy < 2.13 passes the spider
    assert result is item
    assert item["body"] == f"{P1}\n\n{P2}\n\n{P3}\n\nShare this article\n"  # promo disabled
    assert "removals" not in item and item["title"] == "Frogs"
    page = ArticleItem(html=(SITE / "bridge.html").read_bytes())  # bytes, as in response.body
    process(pipe, page)
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
    process(pipe, item)
    assert item.text == f"By Jane Smith and Tom Lee\n\n{P1}\n\n{FROGS}\n\n{P2}\n"
    assert cleaner_stats(crawler) == {"cleaner/items": 1, "cleaner/removed/duplicate-headline": 1}
    untitled, _ = pipeline(CLEANER_TITLE_FIELD="")
    other = ArticleAttrs(text=text, title=FROGS)
    process(untitled, other)
    assert other.text == text  # without the title the repeat is not recognised


def test_undeclared_removals_field_is_a_clear_error() -> None:
    pipe, _ = pipeline(CLEANER_FIELD="body", CLEANER_REMOVALS_FIELD="removals")
    with pytest.raises(KeyError, match=r"ArticleItem has no field 'removals'.*CLEANER_REMOVALS_FIELD"):
        process(pipe, ArticleItem(body=DOC))


def test_items_without_text_pass_unchanged() -> None:
    pipe, crawler = pipeline(CLEANER_DROP_EMPTY=True, CLEANER_REMOVALS_FIELD="removals")
    items: list[Any] = [{"url": "https://example.org/"}, {"text": None}, {"text": 42}, ArticleItem(url="x")]
    for item in items:
        before = dict(item)
        assert process(pipe, item) is item
        assert dict(item) == before
    assert cleaner_stats(crawler) == {"cleaner/skipped": 4}


def test_drop_empty() -> None:
    pipe, crawler = pipeline(CLEANER_DROP_EMPTY=True)
    with pytest.raises(DropItem, match=r"nothing left in 'text' after cleaning \(2 line\(s\) removed: promo 2\)"):
        process(pipe, {"text": "Download our app\nShare this article\n"})
    with pytest.raises(DropItem, match="it was empty already"):
        process(pipe, {"text": "\n"})
    assert process(pipe, {"text": DOC})["text"] == CLEAN
    assert cleaner_stats(crawler)["cleaner/dropped_empty"] == 2
    keep, _ = pipeline()  # the default: never drop
    assert process(keep, {"text": "Download our app\n"}) == {"text": ""}


def test_config_file_and_disable_settings(tmp_path: Path) -> None:
    toml = tmp_path / "cleaner.toml"
    toml.write_text('disabled = ["newsletter"]\ndisabled_rules = ["en.navigation.skip-link"]\n')
    pipe, _ = pipeline(CLEANER_CONFIG=str(toml), CLEANER_DISABLE=["promo"])
    config = pipe.cleaner.config
    assert config is not None
    assert {c.value for c in config.disabled} == {"newsletter", "promo"}  # the file's and the setting's
    assert process(pipe, {"text": DOC})["text"] == DOC.rstrip("\n") + "\n"  # every removal switched off
    with pytest.raises(ConfigError, match="unknown category 'adverts'"):
        pipeline(CLEANER_DISABLE=["adverts"])
    with pytest.raises(ConfigError, match="cannot read config"):
        pipeline(CLEANER_CONFIG=str(tmp_path / "missing.toml"))


def test_drop_html() -> None:
    pipe, crawler = pipeline(CLEANER_HTML_FIELD="html", CLEANER_DROP_HTML=True, CLEANER_FIELD="body")
    page = (SITE / "bridge.html").read_text(encoding="utf-8")
    item = ArticleItem(url="https://example.org/bridge", html=page)
    assert process(pipe, item) is item
    assert set(item) == {"url", "body"} and item["body"] == cleaner.clean_html(page).text  # the page is gone
    texted = {"body": DOC, "html": page}  # cleaned from its text: the page goes too
    assert process(pipe, texted) == {"body": CLEAN}
    data, _ = pipeline(CLEANER_HTML_FIELD="removals", CLEANER_DROP_HTML=True)
    declared = ArticleData(url="x", text=DOC)  # a dataclass keeps its fields: the page one becomes None
    declared.removals = [{"a": 1}]
    process(data, declared)
    assert declared.removals is None and declared.text == CLEAN
    skipped = {"html": 42}  # nothing to clean: passed on as it is, page field and all
    assert process(pipe, skipped) == {"html": 42}
    assert cleaner_stats(crawler)["cleaner/skipped"] == 1
    keep, _ = pipeline(CLEANER_HTML_FIELD="html")  # the default: the page stays
    assert process(keep, {"text": DOC, "html": page}) == {"text": CLEAN, "html": page}
    with pytest.raises(ConfigError, match="CLEANER_DROP_HTML needs CLEANER_HTML_FIELD"):
        pipeline(CLEANER_DROP_HTML=True)


def test_concurrency_setting() -> None:
    assert CleanerPipeline.from_crawler(get_crawler()).concurrency == 2  # the default: two threads
    assert pipeline(CLEANER_CONCURRENCY="4")[0].concurrency == 4  # settings from the command line are strings
    for bad in (-1, "two", 1.5, True):
        with pytest.raises(ConfigError, match=r"CLEANER_CONCURRENCY must be a whole number of threads, 0 or more"):
            pipeline(CLEANER_CONCURRENCY=bad)


@pytest.mark.parametrize(
    ("reactor", "settings", "threads"),
    [("asyncio", {}, 2), ("select", {"CLEANER_CONCURRENCY": 3}, 3)],
)
def test_threads_under_a_running_reactor(reactor: str, settings: dict[str, Any], threads: int) -> None:
    """Six items at once through process_item with a reactor running (a subprocess: a reactor runs once
    per process): each is cleaned in a thread while the reactor goes on, at most `threads` at a time,
    and written, counted or dropped as in line; under Scrapy's asyncio reactor and under another one."""
    settings = {
        "CLEANER_HTML_FIELD": "html",
        "CLEANER_DROP_HTML": True,
        "CLEANER_DROP_EMPTY": True,
        "CLEANER_REMOVALS_FIELD": "removals",
        **settings,
    }
    script = FIXTURES / "threaded_pipeline.py"
    run = json.loads(run_python([str(script), reactor, json.dumps(settings)], timeout=120).stdout)
    assert "error" not in run, run["error"]
    assert run["calls"] == [{"id": i, "on_reactor_thread": False, "reactor_ran_meanwhile": True} for i in range(6)]
    assert run["most_at_once"] == threads
    assert run["pool_after_close"] is False
    page, text = (_fixture_constant(script, name) for name in ("PAGE", "TEXT"))
    items = run["items"]
    assert sorted(items) == ["0", "1", "3", "4", "5"]
    assert run["dropped"] == {"2": "cleaner: nothing left in 'text' after cleaning (1 line(s) removed: promo 1)"}
    from_page, from_text = cleaner.clean_html(page), cleaner.clean(text)
    assert items["1"] == {"id": 1, "text": from_page.text, "removals": [r.to_dict() for r in from_page.removed]}
    for i in ("0", "3", "5"):  # item 3 had a page too: dropped
        assert items[i] == {"id": int(i), "text": from_text.text, "removals": [r.to_dict() for r in from_text.removed]}
    assert items["4"] == {"id": 4}
    expected = {"cleaner/items": 5, "cleaner/skipped": 1, "cleaner/dropped_empty": 1}
    for result, times in ((from_page, 1), (from_text, 3), (cleaner.clean("Download our app\n"), 1)):
        for category, n in result.by_category().items():
            expected[f"cleaner/removed/{category}"] = expected.get(f"cleaner/removed/{category}", 0) + n * times
    assert run["stats"] == expected


def _fixture_constant(script: Path, name: str) -> str:
    """A string constant of a fixture script, read without running it (it installs a reactor)."""
    for node in ast.parse(script.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [name]:
            value = ast.literal_eval(node.value)
            assert isinstance(value, str)
            return value
    raise LookupError(name)


def test_missing_scrapy_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "itemadapter", None)  # None in sys.modules: the import fails
    monkeypatch.delitem(sys.modules, "cleaner.contrib.scrapy")
    with pytest.raises(ImportError, match=r"pip install cleaner\[scrapy\]"):
        importlib.import_module("cleaner.contrib.scrapy")
