"""How long the Scrapy pipeline keeps the reactor from running while it cleans pages.

    .venv/bin/python bench/scrapy_reactor.py [DATA] [--pages 40] [--concurrency 0 1 2]

The first N wcxb-dev pages (WCXB by Murrough Foley, CC-BY-4.0) go through CleanerPipeline as items
with the page in "html" (CLEANER_HTML_FIELD), all handed over at once as Scrapy's scraper does,
under Scrapy's asyncio reactor, once per CLEANER_CONCURRENCY value (each in a fresh process: a
reactor runs once per process). A LoopingCall asks for the reactor every 5 ms; the longest wait
between its calls is how long the crawl (downloads, callbacks) would have stood still. Prints one
JSON line per run: wall time, the longest and the 99th-percentile gap, and the number of ticks.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

TICK = 0.005


def one(data: Path, pages: int, concurrency: int) -> dict[str, Any]:
    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")
    from scrapy.utils.defer import deferred_from_coro
    from scrapy.utils.test import get_crawler
    from twisted.internet import defer, reactor, task

    from cleaner.contrib.scrapy import CleanerPipeline

    files = sorted((data / "html").glob("*.html.gz"))[:pages]
    if not files:
        raise SystemExit(f"no pages (*.html.gz) in {data / 'html'}")
    items = [{"url": f"https://example.org/{p.name}", "html": gzip.decompress(p.read_bytes())} for p in files]
    pipe = CleanerPipeline.from_crawler(
        get_crawler(settings_dict={"CLEANER_HTML_FIELD": "html", "CLEANER_CONCURRENCY": concurrency})
    )
    pipe.clean_item({"text": "warm up: rules and models load once per process\n"})
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    out: dict[str, Any] = {"pages": len(items), "concurrency": concurrency}

    def run() -> defer.Deferred[Any]:
        loop = task.LoopingCall(tick)
        loop.start(TICK)
        start = time.perf_counter()
        ds = [defer.maybeDeferred(lambda item=item: deferred_from_coro(pipe.process_item(item))) for item in items]

        def done(_: Any) -> None:
            tick()  # the wait up to here counts too (with concurrency 0, it is the whole run)
            out["wall_s"] = round(time.perf_counter() - start, 2)
            loop.stop()
            pipe.close_spider()
            reactor.stop()  # type: ignore[attr-defined]

        return defer.gatherResults(ds).addBoth(done)

    reactor.callWhenRunning(run)  # type: ignore[attr-defined]
    reactor.run()  # type: ignore[attr-defined]
    ordered = sorted(gaps)
    out["ticks"] = len(gaps)
    out["longest_gap_ms"] = round(1000 * ordered[-1], 1)
    out["p99_gap_ms"] = round(1000 * ordered[int(0.99 * (len(ordered) - 1))], 1)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=Path("../shared/data/wcxb-dev"))
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the run in a child process
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(one(args.data, args.pages, args.one)))
        return
    for n in args.concurrency:
        cmd = [sys.executable, __file__, str(args.data), "--pages", str(args.pages), "--one", str(n)]
        print(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip(), flush=True)


if __name__ == "__main__":
    main()
