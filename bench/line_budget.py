"""Where text mode's time goes, per line: each stage of `cleaner.clean` timed on its own.

    .venv/bin/python bench/line_budget.py [DATA] [--pages 300] [--repeat 3] [--out bench/results] [--tag TAG]

On the throughput benchmark's fixed input (the first N wcxb-dev pages by id, as whole-page text
and as trafilatura's output; WCXB by Murrough Foley, CC-BY-4.0) it times, in one process on one
core, the least CPU time of `--repeat` runs of: splitting into lines, segmenting into Blocks, the phrase
rules (memo cleared first), the line model's own-text features, its context features (one pass),
one walk of its trees, and for scale the same rows through a LightGBM booster of the model's shape
(300 trees, 31 leaves, depth 8; trained here on these rows, when lightgbm is installed), the C4
line filter, and the whole `clean` without and with the model. Each stage is given in
microseconds per line next to the budget a throughput target leaves (25 MB/s at this input's
bytes per line). Writes <out>/<date>-line-budget.json and .md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from throughput import DEFAULT_DATA, _machine, _pages  # noqa: E402

import cleaner  # noqa: E402
from cleaner.annotate import annotate  # noqa: E402
from cleaner.evaluation.c4 import c4_filter  # noqa: E402
from cleaner.evaluation.peers import peer_text  # noqa: E402
from cleaner.models.line import load_line_model as load  # noqa: E402
from cleaner.models.line_features import context_features, self_features  # noqa: E402
from cleaner.rules import build_ruleset  # noqa: E402
from cleaner.segment import segment  # noqa: E402

TARGET_MB_S = 25.0


def _best(fn: Callable[[], object], repeat: int) -> float:
    """The least CPU time of `repeat` runs: on a shared machine wall time counts the waits for a core."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def _explained(trees: object, x: np.ndarray, at: float) -> object:
    """What a pass of the line model asks of its trees: every score, and the contributions of the
    rows at or above the page threshold (one walk where the engine has it, else two)."""
    if hasattr(trees, "score_and_contributions_at"):
        return trees.score_and_contributions_at(x, at)
    p = trees.score(x)  # type: ignore[attr-defined]
    return p, trees.contributions(x[p >= at])  # type: ignore[attr-defined]


def _stages(texts: list[str], repeat: int) -> dict[str, float]:
    """Seconds per stage over all `texts` (best of `repeat`)."""
    model = load("builtin")
    if model is None:
        raise SystemExit("no packaged line model: run `make model` first")
    rules = build_ruleset()
    blocks = [segment(t) for t in texts]
    rows = [self_features(b, model.vocabulary) for b in blocks]
    xs = [context_features(b, r, {}, 1.0, None)[1] for b, r in zip(blocks, rows, strict=True)]

    def rules_fresh() -> None:
        rules.forget()  # every line matched as if first seen
        for b in blocks:
            annotate(b, rules)

    out = {
        "split into lines": _best(lambda: [t.split("\n") for t in texts], repeat),
        "segment (Blocks)": _best(lambda: [segment(t) for t in texts], repeat),
        "phrase rules (annotate)": _best(rules_fresh, repeat),
        "line features, own text": _best(lambda: [self_features(b, model.vocabulary) for b in blocks], repeat),
        "line features, context (1 pass)": _best(
            lambda: [context_features(b, r, {}, 1.0, None) for b, r in zip(blocks, rows, strict=True)], repeat
        ),
        "tree walk, numpy (1 pass)": _best(lambda: [model.raw(x) for x in xs], repeat),
        "scores + the hits' contributions (1 pass)": _best(
            lambda: [_explained(model, x, model.threshold) for x in xs], repeat
        ),
    }
    try:
        import lightgbm as lgb
    except ImportError:
        pass
    else:
        every = np.vstack(xs)
        labels = (model.trees.raw(every) > 0).astype(int)
        params = {"objective": "binary", "num_leaves": 31, "max_depth": 8, "num_threads": 1, "verbose": -1}
        booster = lgb.train(params, lgb.Dataset(every, labels), 300)
        predict = functools.partial(booster.predict, raw_score=True, num_threads=1)
        out["LightGBM predict, same shape (1 pass)"] = _best(lambda: [predict(x) for x in xs], repeat)
    out["C4 line filter"] = _best(lambda: [c4_filter(t) for t in texts], repeat)
    for name, spec in (("clean, rules only", "off"), ("clean, rules + model", "builtin")):
        cleaner.clean("warm up", model=spec)
        out[name] = _best(lambda spec=spec: [cleaner.clean(t, model=spec) for t in texts], repeat)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path, nargs="?", default=DEFAULT_DATA)
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=BENCH / "results")
    ap.add_argument("--tag", default="", help="results file: <date>-line-budget<-tag>.md/.json")
    args = ap.parse_args()
    load_before = os.getloadavg()
    pages = _pages(args.data, args.pages)
    report: dict[str, object] = {"date": dt.date.today().isoformat(), "pages": args.pages, "machine": _machine()}
    md = [
        f"# Line budget {report['date']}",
        "",
        f"First {args.pages} pages of {args.data.name} (WCXB by Murrough Foley, CC-BY-4.0); one process, one core, "
        f"least CPU time of {args.repeat} runs. Machine: {_machine()['cpu']}, Python {_machine()['python']}.",
        "",
    ]
    for peer in ("html_text", "trafilatura"):
        texts = [peer_text(peer, html, url) for _, html, url in pages]
        size = sum(len(t.encode("utf-8")) for t in texts)
        lines = sum(t.count("\n") + 1 for t in texts)
        budget = size / lines / TARGET_MB_S  # bytes per line / (bytes per microsecond)
        seconds = _stages(texts, args.repeat)
        report[peer] = {"mb": size / 1e6, "lines": lines, "budget_us_per_line": budget, "seconds": seconds}
        md += [
            f"## {peer}: {size / 1e6:.2f} MB, {lines:,} lines, {size / lines:.0f} bytes a line",
            "",
            f"{TARGET_MB_S:.0f} MB/s leaves {budget:.2f} µs a line for everything.",
            "",
            "| stage | µs / line | MB/s | x budget |",
            "|---|---:|---:|---:|",
        ]
        for name, s in seconds.items():
            per_line = s / lines * 1e6
            md.append(f"| {name} | {per_line:.2f} | {size / 1e6 / s:.2f} | {per_line / budget:.1f} |")
        md.append("")
    load = (
        ", ".join(f"{x:.2f}" for x in load_before)
        + " before the run, "
        + ", ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    report["load"] = f"load average (1, 5, 15 min) {load} after"
    report["command"] = " ".join(["python", "bench/line_budget.py", *sys.argv[1:]])
    report["cleaner"] = str(Path(cleaner.__file__).resolve().parent.parent)
    md += [f"Machine load: {report['load']}. Command: `{report['command']}` (cleaner from {report['cleaner']}).", ""]
    args.out.mkdir(parents=True, exist_ok=True)
    stem = args.out / f"{report['date']}-line-budget{'-' + args.tag if args.tag else ''}"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    stem.with_suffix(".md").write_text("\n".join(md), encoding="utf-8")
    print("\n".join(md))


if __name__ == "__main__":
    main()
