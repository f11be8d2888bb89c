"""A real Scrapy crawl through cleaner's pipeline, run in its own process by test_contrib_scrapy.

    python crawl_site.py BASE_URL OUTDIR

Two spiders crawl the fixture site at BASE_URL (index.html and the articles it links to):
`text` yields items with the article text taken block by block with selectors, as many
scrapers do; `html` yields the raw page and lets the pipeline extract it (CLEANER_HTML_FIELD);
`lean` does the same and has the page removed from the items (CLEANER_DROP_HTML).
Items go to OUTDIR/<spider>.jsonl by feed export; each crawler's stats to OUTDIR/stats.json.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import scrapy
from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.http import Response

ARTICLE_BLOCKS = "article h1, article p, article li, article figcaption"


class SiteSpider(scrapy.Spider):
    name = "site"

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.start_urls = [base_url + "index.html"]

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        for href in response.css("a.story::attr(href)").getall():
            yield response.follow(href, callback=self.parse_article)

    def parse_article(self, response: Response) -> Iterator[dict[str, Any]]:
        raise NotImplementedError


class TextSpider(SiteSpider):
    name = "text"
    custom_settings: ClassVar[dict[str, Any]] = {
        "CLEANER_REMOVALS_FIELD": "removals",
        "CLEANER_DROP_EMPTY": True,
    }

    def parse_article(self, response: Response) -> Iterator[dict[str, Any]]:
        blocks = [b.xpath("normalize-space()").get(default="") for b in response.css(ARTICLE_BLOCKS)]
        yield {
            "url": response.url,
            "title": response.css("h1::text").get(),
            "text": "\n\n".join(blocks) + "\n",
            "status": response.status,
        }


class HtmlSpider(SiteSpider):
    name = "html"
    custom_settings: ClassVar[dict[str, Any]] = {
        "CLEANER_HTML_FIELD": "html",
        "CLEANER_DISABLE": "promo",
    }

    def parse_article(self, response: Response) -> Iterator[dict[str, Any]]:
        yield {"url": response.url, "html": response.text}


class LeanSpider(HtmlSpider):
    """As `html`, with the page removed from each item once it is cleaned (CLEANER_DROP_HTML)."""

    name = "lean"
    custom_settings: ClassVar[dict[str, Any]] = {**HtmlSpider.custom_settings, "CLEANER_DROP_HTML": True}


def main(base_url: str, outdir: Path) -> None:
    settings = {
        "ITEM_PIPELINES": {"cleaner.contrib.scrapy.CleanerPipeline": 300},
        "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False,
        "ROBOTSTXT_OBEY": False,
        "FEEDS": {str(outdir / "%(name)s.jsonl"): {"format": "jsonlines", "encoding": "utf8"}},
    }
    process = CrawlerProcess(settings)
    crawlers: list[Crawler] = []
    for spider in (TextSpider, HtmlSpider, LeanSpider):
        crawler = process.create_crawler(spider)
        crawlers.append(crawler)
        process.crawl(crawler, base_url=base_url)
    process.start()
    stats = {c.spider.name: c.stats.get_stats() for c in crawlers if c.spider is not None and c.stats is not None}
    (outdir / "stats.json").write_text(json.dumps(stats, default=str, indent=1))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
