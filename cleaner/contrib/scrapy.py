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

Items of any kind `itemadapter` knows (dicts, `scrapy.Item`, dataclasses, attrs classes) are
cleaned in place and returned; with an Item, dataclass or attrs item, the text field (and the
removals field, if set) must be declared fields. An item without text to clean (the field
missing or not a string, and no page in CLEANER_HTML_FIELD) is passed on unchanged and counted
as ``cleaner/skipped``. No item is ever dropped, except with CLEANER_DROP_EMPTY when the cleaned
text is empty.

Stats: ``cleaner/items`` (items cleaned), ``cleaner/removed/<category>`` (lines removed per
category), ``cleaner/skipped``, ``cleaner/dropped_empty``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cleaner.config import CleanerConfig
from cleaner.contrib import missing_extra
from cleaner.records import RecordCleaner
from cleaner.types import CleanResult

try:
    from itemadapter import ItemAdapter
    from scrapy.exceptions import DropItem
except ImportError as exc:  # pragma: no cover - exercised by the test that hides scrapy
    raise missing_extra(__name__, "Scrapy and itemadapter", "scrapy", exc) from exc

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from scrapy.statscollectors import StatsCollector

__all__ = ["CleanerPipeline", "config_from_settings", "record_cleaner_from_settings"]

STATS_PREFIX = "cleaner"


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


class CleanerPipeline:
    """Clean the text field of every item; count removals per category in the crawler stats."""

    def __init__(
        self,
        cleaner: RecordCleaner | None = None,
        *,
        drop_empty: bool = False,
        stats: StatsCollector | None = None,
    ) -> None:
        self.cleaner = cleaner or RecordCleaner()
        self.drop_empty = drop_empty
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CleanerPipeline:
        settings = crawler.settings
        return cls(
            record_cleaner_from_settings(settings),
            drop_empty=settings.getbool("CLEANER_DROP_EMPTY", False),
            stats=crawler.stats,
        )

    def process_item(self, item: Any, spider: Any = None) -> Any:
        """Clean the item in place and return it (`spider` is accepted for Scrapy < 2.13)."""
        adapter = ItemAdapter(item)
        result = self.cleaner.result(adapter)
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
        self._count(result)
        if self.drop_empty and not result.text.strip():
            self._inc("dropped_empty")
            raise DropItem(self._empty_reason(result))
        return item

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
