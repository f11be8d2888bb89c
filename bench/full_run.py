"""Full benchmark run: text and html mode on a dataset, written as dated results.

    .venv/bin/python bench/full_run.py [DATA] [--jobs 2] [--cache DIR]

Writes bench/results/<date>-<dataset>-text.json, -html.json and <date>-<dataset>.md (a short
summary), and prints the tables. Peer outputs come from the cache (.cache/eval/ by default);
fill it first with `python -m cleaner.evaluation cache DATA --peers ...` to time only cleaning.
WCXB is by Murrough Foley, CC-BY-4.0.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from rich.console import Console

from cleaner.evaluation.report import markdown_summary, print_result, write_json
from cleaner.evaluation.runner import run_eval

BENCH = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("data", type=Path, nargs="?", default=BENCH.parent.parent / "shared" / "data" / "wcxb-dev")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--out", type=Path, default=BENCH / "results")
    args = ap.parse_args()
    name = args.data.resolve().name
    stem = f"{dt.date.today().isoformat()}-{name}"
    console = Console(width=160)
    results = []
    for mode in ("text", "html"):
        res = run_eval(args.data, mode, jobs=args.jobs, cache_dir=args.cache)  # type: ignore[arg-type]
        print_result(res, console)
        write_json(res, args.out / f"{stem}-{mode}.json")
        results.append(res)
    header = [
        f"# Benchmark run {stem}",
        "",
        f"Data: {results[0].meta['dataset']['credit']}. Metric: WCXB word-multiset P/R/F1 (mean over all",
        "pages, as the published WCXB figures; see cleaner/evaluation/metrics.py); ΔF1 against the same input",
        "before cleaning (html: against cleaner's own extraction without the cleaning step).",
        "Speed: the step under test only, one core per page.",
        "Cleaner sources: commit {git_commit} (uncommitted changes: {git_dirty}), "
        "sources sha256 {cleaner_sources_sha256}.".format(**results[0].meta["source"]),
        "",
        "",
    ]
    md = "\n".join(header) + markdown_summary(results) + "\n"
    (args.out / f"{stem}.md").write_text(md, encoding="utf-8")
    console.print(f"wrote {args.out}/{stem}-text.json, -html.json, .md")


if __name__ == "__main__":
    main()
