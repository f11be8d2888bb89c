"""HTML mode's speed against trafilatura's, side by side in one process, with `clean_html`'s time by stage.

    .venv/bin/python bench/html_speed.py ../shared/data/wcxb-dev ../shared/data/news-dev/dragnet \\
        ../shared/data/news-dev/l3s-gn1 --every 3 --clock cpu --repeat 3 --label after

For each set, --pages pages spread evenly over it (every len/pages-th id), or with --every N every
N-th page, read into memory first. --clock cpu times each call by the process's CPU time
(`time.process_time`: a page another job preempts is not charged for the wait), wall by
`time.perf_counter`.
After a warm-up (imports, models, compiled rules), --repeat rounds go over the pages, timing
`trafilatura.extract(html, url=url)` and `cleaner.clean_html(html, url)` on each page back to back
(which goes first alternates); a page's time is its minimum over the rounds, and the ratio is the
sum of one's over the sum of the other's (a burst of load from another job lands on both, and on
one round only). Each round's own ratio is reported too: on a shared machine their spread says how
much the load moved. One more round of `clean_html` runs with a timer around each stage (inclusive
times, nested stages indented: a stage's time includes the stages under it) to say where the time
goes. Run with PYTHONPATH=<another checkout> it measures that checkout's cleaner (a "before").
The load average (`os.getloadavg`) is recorded before and after. Writes
<out>/<date>-html-speed[-label].json and .md.

Target (issue 19): clean_html <= 1.3x trafilatura.extract on wcxb-dev and on news-dev.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent

# (label, module, attribute, depth): each is wrapped with a timer for the breakdown round. A stage is
# wrapped where its caller looks it up (the module that calls it by name).
STAGES: tuple[tuple[str, str, str, int], ...] = (
    ("clean_html_page (all of it)", "cleaner.api", "clean_html_page", 0),
    ("page.prepare", "cleaner.html.mode", "prepare", 1),
    ("title (regex over the head)", "cleaner.html.page", "page_title", 2),
    ("parse (load_html)", "cleaner.html.page", "_parse", 2),
    ("dom walk (dom.blocks)", "cleaner.html.dom", "blocks", 2),
    ("trafilatura bare_extraction", "trafilatura", "bare_extraction", 2),
    ("own url", "cleaner.html.page", "own_url", 2),
    ("page kind (pagekind.features)", "cleaner.pagekind", "features", 2),
    ("page_lines", "cleaner.html.mode", "page_lines", 1),
    ("page_features", "cleaner.html.mode", "page_features", 1),
    ("rules annotation", "cleaner.html.blocks", "annotate", 2),
    ("features (local, windows)", "cleaner.html.blocks", "features", 2),
    ("policy.decide", "cleaner.html.mode", "decide", 1),
    ("trees: raw scores (both stages)", "cleaner.models.trees.Trees", "raw", 2),
    ("trees: raw+contributions (all rows)", "cleaner.models.trees.Trees", "raw_and_contributions", 2),
    ("trees: contributions (dropped rows)", "cleaner.models.trees.Trees", "contributions", 2),
    ("categories", "cleaner.html.policy", "drop_categories", 2),
    ("protected_lines", "cleaner.html.mode", "protected_lines", 1),
    ("pipeline.run_blocks", "cleaner.api", "run_blocks", 1),
)


def _pages(root: Path, n: int, every: int | None = None) -> list[tuple[bytes, str | None]]:
    from cleaner.evaluation.datasets import list_ids, load_pages

    ids = list_ids(root)
    chosen = ids[::every] if every else ids[:: max(1, len(ids) // n)][:n]
    return [(p.html_bytes, p.url) for p in load_pages(root, ids=chosen)]


CLOCKS: dict[str, Callable[[], float]] = {"wall": time.perf_counter, "cpu": time.process_time}


def _owner(path: str) -> Any:
    """The module, or the class in a module ("cleaner.models.trees.Trees"), named by `path`."""
    import importlib

    try:
        return importlib.import_module(path)
    except ModuleNotFoundError:
        module, _, name = path.rpartition(".")
        return getattr(importlib.import_module(module), name)


def _timed(
    totals: dict[str, float], label: str, fn: Callable[..., Any], clock: Callable[[], float]
) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = clock()
        try:
            return fn(*args, **kwargs)
        finally:
            totals[label] = totals.get(label, 0.0) + clock() - start

    return wrapper


def breakdown(
    pages: list[tuple[bytes, str | None]], clock: Callable[[], float] = time.perf_counter
) -> dict[str, float]:
    """Seconds spent in each of STAGES over one round of `clean_html` (inclusive), and the round's total."""
    import cleaner

    totals: dict[str, float] = {}
    saved = []
    for label, module, attr, _ in STAGES:
        owner = _owner(module)
        original = getattr(owner, attr)
        saved.append((owner, attr, original))
        setattr(owner, attr, _timed(totals, label, original, clock))
    try:
        start = clock()
        for html, url in pages:
            cleaner.clean_html(html, url)
        totals["total"] = clock() - start
    finally:
        for owner, attr, original in reversed(saved):
            setattr(owner, attr, original)
    return totals


def measure(
    pages: list[tuple[bytes, str | None]], repeat: int, clock: Callable[[], float] = time.perf_counter
) -> dict[str, Any]:
    import trafilatura

    import cleaner

    # Page by page, the two back to back (which goes first alternates): a burst of load from another
    # job lands on both; each page's time is its minimum over the rounds.
    tools: dict[str, Callable[[bytes, str | None], Any]] = {
        "trafilatura": lambda html, url: trafilatura.extract(html, url=url),
        "clean_html": cleaner.clean_html,
    }
    best_of = {name: [float("inf")] * len(pages) for name in tools}
    rounds: list[dict[str, float]] = []
    for r in range(repeat):
        seconds = dict.fromkeys(tools, 0.0)
        for k, (html, url) in enumerate(pages):
            for name in list(tools)[:: 1 if (r + k) % 2 == 0 else -1]:
                start = clock()
                tools[name](html, url)
                took = clock() - start
                seconds[name] += took
                best_of[name][k] = min(best_of[name][k], took)
        rounds.append(seconds)
    best = {name: sum(times) for name, times in best_of.items()}
    return {
        "pages": len(pages),
        "mb": sum(len(h) for h, _ in pages) / 1e6,
        "rounds": rounds,
        "round_ratios": [s["clean_html"] / s["trafilatura"] for s in rounds],
        "best": best,
        "ratio": best["clean_html"] / best["trafilatura"],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sets", nargs="+", type=Path)
    ap.add_argument("--pages", type=int, default=150, help="pages per set, spread evenly over it")
    ap.add_argument("--every", type=int, default=None, help="every N-th page of each set instead of --pages")
    ap.add_argument("--clock", choices=sorted(CLOCKS), default="wall", help="wall time, or the process's CPU time")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--label", default="")
    ap.add_argument("--out", type=Path, default=BENCH / "results")
    args = ap.parse_args(argv)

    import trafilatura

    import cleaner

    load_before = os.getloadavg()
    data = {root.name: _pages(root, args.pages, args.every) for root in args.sets}
    for pages in data.values():  # warm-up: imports, models, compiled rules, caches of first use
        for html, url in pages[:5]:
            cleaner.clean_html(html, url)
            trafilatura.extract(html, url=url)
    results: dict[str, Any] = {}
    for name, pages in data.items():
        found = measure(pages, args.repeat, CLOCKS[args.clock])
        found["stages"] = breakdown(pages, CLOCKS[args.clock])
        results[name] = found
        print(
            f"{name}: {found['pages']} pages, clean_html/trafilatura.extract {found['ratio']:.2f}x "
            f"(rounds {', '.join(f'{r:.2f}' for r in found['round_ratios'])})",
            file=sys.stderr,
        )
    load_after = os.getloadavg()
    stamp = dt.date.today().isoformat()
    suffix = f"-{args.label}" if args.label else ""
    command = "python bench/html_speed.py " + " ".join(sys.argv[1:] if argv is None else argv)
    if os.environ.get("PYTHONPATH"):
        command = f"PYTHONPATH={os.environ['PYTHONPATH']} {command}"
    machine = {
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "trafilatura": trafilatura.__version__,
        "cleaner": str(Path(cleaner.__file__).parent.parent),
        "load_before": load_before,
        "load_after": load_after,
        "clock": args.clock,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"{stamp}-html-speed{suffix}.json").write_text(
        json.dumps({"command": command, "machine": machine, "sets": results}, indent=1) + "\n", encoding="utf-8"
    )
    lines = [
        f"# clean_html vs trafilatura.extract{f' ({args.label})' if args.label else ''}",
        "",
        f"`{command}`",
        "",
        f"{machine['platform']}, Python {machine['python']}, {machine['cpus']} CPUs, trafilatura "
        f"{machine['trafilatura']}, cleaner from {machine['cleaner']}. "
        f"Load average (1, 5, 15 min) before {_load(load_before)}, after "
        f"{_load(load_after)}: a shared machine, other jobs running; the ratio is taken within one process, "
        "the two timed back to back page by page, each page's minimum over the rounds; "
        f"{'CPU time of the process' if args.clock == 'cpu' else 'wall time'}.",
        "",
        "| set | pages | MB | trafilatura s | clean_html s | ratio | each round |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for name, r in results.items():
        lines.append(
            f"| {name} | {r['pages']} | {r['mb']:.1f} | {r['best']['trafilatura']:.2f} | "
            f"{r['best']['clean_html']:.2f} | {r['ratio']:.2f}x | {', '.join(f'{x:.2f}' for x in r['round_ratios'])} |"
        )
    lines += [
        "",
        "Where clean_html's time goes (ms a page, one instrumented round; nested stages are inside their parent):",
        "",
    ]
    lines.append("| stage | " + " | ".join(results) + " |")
    lines.append("|---|" + "---:|" * len(results))
    for label, _, _, depth in (*STAGES, ("total (instrumented)", "", "", 0)):
        key = "total" if label.startswith("total") else label
        cells = [f"{1000 * r['stages'].get(key, 0.0) / r['pages']:.1f}" for r in results.values()]
        lines.append(f"| {'&nbsp;' * 4 * depth}{label} | " + " | ".join(cells) + " |")
    (args.out / f"{stamp}-html-speed{suffix}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


def _load(load: tuple[float, float, float]) -> str:
    return ", ".join(f"{x:.2f}" for x in load)


if __name__ == "__main__":
    sys.exit(main())
