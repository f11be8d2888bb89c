"""A Scrapy item pipeline that cleans one text field of every item.

Enable it in the project settings and say where the text is::

    ITEM_PIPELINES = {"cleaner.contrib.scrapy.CleanerPipeline": 500}
    CLEANER_FIELD = "text"               # the field cleaned in place (default "text")
    CLEANER_HTML_FIELD = "html"          # optional: a page (str or bytes) to extract when the item has no text
    CLEANER_URL_FIELD = "url"            # default "url"; "" to ignore
    CLEANER_TITLE_FIELD = "title"        # default "title"; "" to ignore (feeds the duplicate-headline rule)
    CLEANER_DISABLE = ["related"]        # categories never removed (a list, or "a,b")
    CLEANER_DISABLE_RULES = []           # rule ids (or prefixes ending in ".") that never fire
    CLEANER_CONFIG = "cleaner.toml"      # optional: a CleanerConfig TOML file (the CLI's --config)
    CLEANER_REMOVALS_FIELD = "removals"  # optional: add the removals (list of dicts) to each item
    CLEANER_DROP_EMPTY = False           # True: drop items whose cleaned text is empty
    CLEANER_DROP_HTML = False            # True: remove CLEANER_HTML_FIELD from each cleaned item (None
                                         # on dataclass and attrs items, whose fields cannot go)
    CLEANER_CONCURRENCY = 2              # items cleaned at once, in threads; 0: on the reactor thread

The cleaning runs in a pool of CLEANER_CONCURRENCY threads of the pipeline's own, so the crawl
(downloads, parsing, other pipelines) goes on while a page is cleaned; the item is written to
and the stats counted back on the reactor thread. With 0, items are cleaned on the reactor
thread, one at a time, as a plain function call (the crawl waits for each).

Items of any kind `itemadapter` knows (dicts, `scrapy.Item`, dataclasses, attrs classes) are
cleaned in place and returned; with an Item, dataclass or attrs item, the text field (and the
removals field, if set) must be declared fields. An item without text to clean (the field
missing or not a string, and no page in CLEANER_HTML_FIELD) is passed on unchanged and counted
as ``cleaner/skipped``. No item is ever dropped, except with CLEANER_DROP_EMPTY when the cleaned
text is empty.

Stats: ``cleaner/items`` (items cleaned), ``cleaner/removed/<category>`` (lines removed per
category), ``cleaner/skipped``, ``cleaner/dropped_empty``.

`html_timeout` (CleanerConfig) is enforced in the main thread only: in the cleaning threads a
page has no time limit (Python cannot stop a thread), so a crawl of hostile pages may prefer
CLEANER_CONCURRENCY = 0.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, MutableMapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from cleaner.config import CleanerConfig, ConfigError
from cleaner.contrib import missing_extra
from cleaner.records import RecordCleaner
from cleaner.types import CleanResult

try:
    from itemadapter import ItemAdapter
    from scrapy.exceptions import DropItem
    from twisted.internet.defer import Deferred
except ImportError as exc:  # pragma: no cover - exercised by the test that hides scrapy
    raise missing_extra(__name__, "Scrapy and itemadapter", "scrapy", exc) from exc

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from scrapy.statscollectors import StatsCollector

__all__ = ["CleanerPipeline", "concurrency_from_settings", "config_from_settings", "record_cleaner_from_settings"]

STATS_PREFIX = "cleaner"
DEFAULT_CONCURRENCY = 2  # threads; the GIL makes more of them worth little for rules in pure Python

T = TypeVar("T")


def config_from_settings(settings: BaseSettings) -> CleanerConfig:
    """CLEANER_CONFIG (a TOML file), with CLEANER_DISABLE and CLEANER_DISABLE_RULES added to it."""
    path = settings.get("CLEANER_CONFIG")
    config = CleanerConfig.from_toml(path) if path else CleanerConfig()
    disable = [c.strip() for c in settings.getlist("CLEANER_DISABLE") if c.strip()]
    rules = [r.strip() for r in settings.getlist("CLEANER_DISABLE_RULES") if r.strip()]
    overrides: dict[str, Any] = {}
    if disable:
        overrides["disabled"] = config.disabled | CleanerConfig(disabled=frozenset(disable)).disabled
    if rules:
        overrides["disabled_rules"] = config.disabled_rules | frozenset(rules)
    return config.replace(**overrides)


def record_cleaner_from_settings(settings: BaseSettings) -> RecordCleaner:
    """Which fields to read and write, and the config, from the CLEANER_* settings."""
    return RecordCleaner(
        field=settings.get("CLEANER_FIELD") or "text",
        html_field=settings.get("CLEANER_HTML_FIELD") or None,
        url_field=settings.get("CLEANER_URL_FIELD", "url") or None,
        title_field=settings.get("CLEANER_TITLE_FIELD", "title") or None,
        removals_field=settings.get("CLEANER_REMOVALS_FIELD") or None,
        config=config_from_settings(settings),
    )


def concurrency_from_settings(settings: BaseSettings) -> int:
    """CLEANER_CONCURRENCY: a whole number of threads, 0 or more (0: clean on the reactor thread)."""
    value = settings.get("CLEANER_CONCURRENCY", DEFAULT_CONCURRENCY)
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0 or (isinstance(value, float) and value != number) or isinstance(value, bool):
        raise ConfigError(f"CLEANER_CONCURRENCY must be a whole number of threads, 0 or more, got {value!r}")
    return number


class CleanerPipeline:
    """Clean the text field of every item; count removals per category in the crawler stats.

    `concurrency` threads clean items off the reactor thread (0: cleaned in line, on the
    reactor thread). `drop_html`: remove the cleaner's html_field from each cleaned item.
    """

    def __init__(
        self,
        cleaner: RecordCleaner | None = None,
        *,
        drop_empty: bool = False,
        drop_html: bool = False,
        concurrency: int = DEFAULT_CONCURRENCY,
        stats: StatsCollector | None = None,
    ) -> None:
        self.cleaner = cleaner or RecordCleaner()
        if drop_html and not self.cleaner.html_field:
            raise ConfigError("CLEANER_DROP_HTML needs CLEANER_HTML_FIELD: the field to remove from each item")
        if concurrency < 0:
            raise ConfigError(f"concurrency must be 0 or more, got {concurrency}")
        self.drop_empty = drop_empty
        self.drop_html = drop_html
        self.concurrency = concurrency
        self.stats = stats
        self._pool: ThreadPoolExecutor | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanerPipeline:
        settings = crawler.settings
        return cls(
            record_cleaner_from_settings(settings),
            drop_empty=settings.getbool("CLEANER_DROP_EMPTY", False),
            drop_html=settings.getbool("CLEANER_DROP_HTML", False),
            concurrency=concurrency_from_settings(settings),
            stats=crawler.stats,
        )

    async def process_item(self, item: Any, spider: Any = None) -> Any:
        """Clean the item in place and return it (`spider` is accepted for Scrapy < 2.13).

        The cleaning runs in one of the pipeline's threads; the item is updated, and the stats
        counted, when the coroutine resumes on the reactor thread.
        """
        if not self.concurrency:
            return self.clean_item(item)
        adapter = ItemAdapter(item)
        return self._apply(item, adapter, await self._in_thread(self.cleaner.result, adapter))

    def clean_item(self, item: Any) -> Any:
        """Clean the item in place, here and now, and return it (what process_item does in its
        thread and then on the reactor thread); raises DropItem as process_item does."""
        adapter = ItemAdapter(item)
        return self._apply(item, adapter, self.cleaner.result(adapter))

    def close_spider(self, spider: Any = None) -> None:
        """Let the cleaning threads go (every item has been through process_item by now)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    async def _in_thread(self, work: Callable[..., T], *args: Any) -> T:
        """`work(*args)` in the pool, awaited the way the running Scrapy can await: an asyncio
        future under the asyncio reactor (or without a reactor), a Deferred under another reactor."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="cleaner")
        future = self._pool.submit(work, *args)
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # a Twisted reactor that is not asyncio's: wake it from the thread
            return await _deferred(future)
        return await asyncio.wrap_future(future)

    def _apply(self, item: Any, adapter: ItemAdapter, result: CleanResult | None) -> Any:
        """Write a cleaning's result to the item, count it, and drop the item if asked to."""
        if result is None:
            self._inc("skipped")
            return item
        for name, value in self.cleaner.updates(result).items():
            try:
                adapter[name] = value
            except KeyError:
                kind = type(item).__name__
                raise KeyError(
                    f"cleaner: {kind} has no field {name!r} to write the cleaned item to; declare it in {kind} "
                    "or change CLEANER_FIELD / CLEANER_REMOVALS_FIELD"
                ) from None
        if self.drop_html:
            self._drop_html(item, adapter)
        self._count(result)
        if self.drop_empty and not result.text.strip():
            self._inc("dropped_empty")
            raise DropItem(self._empty_reason(result))
        return item

    def _drop_html(self, item: Any, adapter: ItemAdapter) -> None:
        """Remove the page from a dict or scrapy.Item; a dataclass or attrs item cannot lose a
        declared field, so there it becomes None."""
        name = self.cleaner.html_field
        if name is None or name not in adapter:
            return
        if isinstance(item, MutableMapping):
            del adapter[name]
        else:
            adapter[name] = None

    def _count(self, result: CleanResult) -> None:
        self._inc("items")
        for category, lines in result.by_category().items():
            self._inc(f"removed/{category}", lines)

    def _inc(self, key: str, count: int = 1) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"{STATS_PREFIX}/{key}", count)

    def _empty_reason(self, result: CleanResult) -> str:
        counts = ", ".join(f"{category} {lines}" for category, lines in result.by_category().items())
        removed = f"{result.lines_removed} line(s) removed: {counts}" if counts else "it was empty already"
        return f"cleaner: nothing left in {self.cleaner.field!r} after cleaning ({removed})"


def _deferred(future: Future[T]) -> Deferred[T]:
    """A Deferred fired on the reactor thread when `future` (running in another thread) is done."""
    from twisted.internet import reactor  # here: importing it installs the default reactor if none is yet

    d: Deferred[T] = Deferred()

    def fire(done: Future[T]) -> None:
        exc = done.exception()
        if exc is None:
            d.callback(done.result())
        else:
            d.errback(exc)

    future.add_done_callback(lambda done: reactor.callFromThread(fire, done))
    return d
