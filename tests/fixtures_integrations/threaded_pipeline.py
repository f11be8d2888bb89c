"""CleanerPipeline.process_item under a running Twisted reactor, run in its own process by test_contrib_scrapy.

    python threaded_pipeline.py REACTOR SETTINGS_JSON

REACTOR is "asyncio" (Scrapy's default) or "select" (a reactor that is not asyncio's). Six
items go through process_item at once, as Scrapy hands them over; the pipeline's cleaner is
instrumented to record, for each cleaning, whether it ran on the reactor thread, how many ran at
once, and whether the reactor ran a call scheduled while it was cleaning (the cleaning waits up to
2 s for it: on the reactor thread it can never come). One JSON object on stdout says what happened.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import fields
from typing import Any

from scrapy.utils.reactor import install_reactor

REACTORS = {
    "asyncio": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
    "select": "twisted.internet.selectreactor.SelectReactor",
}
install_reactor(REACTORS[sys.argv[1]])

from scrapy.exceptions import DropItem  # noqa: E402
from scrapy.utils.defer import deferred_from_coro  # noqa: E402
from scrapy.utils.test import get_crawler  # noqa: E402
from twisted.internet import defer, reactor  # noqa: E402

from cleaner.contrib.scrapy import CleanerPipeline  # noqa: E402
from cleaner.records import RecordCleaner  # noqa: E402
from cleaner.types import CleanResult  # noqa: E402

PAGE = (
    "<html><head><title>Frogs</title></head><body><nav>Home | World | Sport</nav><article><h1>Frogs</h1>"
    "<p>Scientists have described a new species of tree frog from the rainforest of Borneo, "
    "smaller than a fingernail.</p><p>The frog sings at night with a call like a dripping tap, "
    "and the team recorded hundreds of its songs.</p></article></body></html>"
)
TEXT = (
    "Skip to content\n\nScientists have described a new species of tree frog from the rainforest of Borneo.\n\n"
    "Get the newsletter\n"
)
ITEMS: list[dict[str, Any]] = [
    {"id": 0, "text": TEXT},
    {"id": 1, "html": PAGE},
    {"id": 2, "text": "Download our app\n", "html": PAGE},  # nothing left: dropped with CLEANER_DROP_EMPTY
    {"id": 3, "text": TEXT, "html": PAGE},
    {"id": 4},  # nothing to clean: skipped, passed on as it is
    {"id": 5, "text": TEXT},
]


class Watched(RecordCleaner):
    """Records where and alongside how many others each cleaning ran."""

    lock = threading.Lock()
    active = 0
    most = 0
    expected = 1  # cleanings the pipeline should run at once: its concurrency
    calls: list[dict[str, Any]] = []  # noqa: RUF012

    def result(self, record: Any) -> CleanResult | None:
        cls = Watched
        ticked = threading.Event()
        reactor.callFromThread(reactor.callLater, 0, ticked.set)  # type: ignore[attr-defined]
        with cls.lock:
            cls.active += 1
            cls.most = max(cls.most, cls.active)
        try:
            reactor_ran = ticked.wait(2)
            # give the others a moment (up to 1 s) to start, so that a bound of N shows as N at once
            for _ in range(100):
                if cls.active >= cls.expected:
                    break
                time.sleep(0.01)
            result = super().result(record)
        finally:
            with cls.lock:
                cls.active -= 1
        cls.calls.append(
            {"id": record.get("id"), "on_reactor_thread": threading.current_thread() is threading.main_thread()}
            | {"reactor_ran_meanwhile": reactor_ran}
        )
        return result


def main(settings: dict[str, Any]) -> None:
    crawler = get_crawler(settings_dict=settings)
    pipe = CleanerPipeline.from_crawler(crawler)
    Watched.expected = pipe.concurrency
    pipe.cleaner = Watched(**{f.name: getattr(pipe.cleaner, f.name) for f in fields(pipe.cleaner)})
    items = [dict(item) for item in ITEMS]
    out: dict[str, Any] = {"items": {}, "dropped": {}}

    def one(item: dict[str, Any]) -> defer.Deferred[Any]:
        d = defer.maybeDeferred(lambda: deferred_from_coro(pipe.process_item(item)))

        def done(value: Any) -> None:
            out["items"][item["id"]] = value

        def dropped(failure: Any) -> None:
            failure.trap(DropItem)
            out["dropped"][item["id"]] = str(failure.value)

        return d.addCallbacks(done, dropped)

    def run() -> defer.Deferred[Any]:
        return defer.gatherResults([one(item) for item in items], consumeErrors=True)

    def finish(result: Any) -> None:
        pipe.close_spider()
        assert crawler.stats is not None
        out["stats"] = {k: v for k, v in crawler.stats.get_stats().items() if k.startswith("cleaner/")}
        out["calls"] = sorted(Watched.calls, key=lambda c: c["id"])
        out["most_at_once"] = Watched.most
        out["pool_after_close"] = pipe._pool is not None
        if not isinstance(result, list):
            out["error"] = str(result)
        reactor.stop()  # type: ignore[attr-defined]

    reactor.callWhenRunning(lambda: run().addBoth(finish))  # type: ignore[attr-defined]
    reactor.run()  # type: ignore[attr-defined]
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main(json.loads(sys.argv[2]))
