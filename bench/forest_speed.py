"""Line model files side by side: the trees' stage and the whole `clean`, per line, in one process.

    .venv/bin/python bench/forest_speed.py MODEL.json [MODEL.json ...] [--data DIR] [--pages 300]
        [--repeat 3] [--out FILE.json]

For comparing candidate forests (other tree counts, depths, learning rates; e.g. the fold models
bench/cv_model.py leaves in its --work folder) on the throughput benchmark's fixed input: the first
N wcxb-dev pages by id as whole-page text (WCXB by Murrough Foley, CC-BY-4.0), the text the model
decides. For each model it takes the least CPU time of `--repeat` rounds, the models interleaved
within a round so that the machine's load falls on all of them alike, of:

- "trees": what a pass of the line model asks of its trees (`score_and_contributions_at` at the
  model's page threshold: every member's trees, averaged) on every line's feature row of one pass;
- "clean": `cleaner.clean(text, model=MODEL)` on every page.

Both are given in microseconds per line; the load average before and after is printed with them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from throughput import DEFAULT_DATA, _machine, _pages  # noqa: E402

import cleaner  # noqa: E402
from cleaner.evaluation.peers import peer_text  # noqa: E402
from cleaner.models.line import load_line_model  # noqa: E402
from cleaner.models.line_features import context_features, self_features  # noqa: E402
from cleaner.segment import segment  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("models", nargs="+", help="line model files (or 'builtin')")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, help="also write the figures here as JSON")
    args = ap.parse_args()
    models = []
    for spec in args.models:
        model = load_line_model(spec)
        if model is None:
            raise SystemExit(f"{spec}: no line model there")
        models.append(model)
    texts = [peer_text("html_text", html, url) for _, html, url in _pages(args.data, args.pages)]
    lines = sum(t.count("\n") + 1 for t in texts)
    blocks = [segment(t) for t in texts]
    rows = [[context_features(b, self_features(b, m.vocabulary), {}, 1.0, None)[1] for b in blocks] for m in models]
    for spec in args.models:
        cleaner.clean("warm up the compiled rules and load the model", model=spec)
    best = {spec: {"trees": float("inf"), "clean": float("inf")} for spec in args.models}
    load_before = os.getloadavg()
    for _ in range(args.repeat):
        for spec, model, xs in zip(args.models, models, rows, strict=True):
            start = time.process_time()
            for x in xs:
                model.score_and_contributions_at(x, model.threshold)
            best[spec]["trees"] = min(best[spec]["trees"], time.process_time() - start)
            start = time.process_time()
            for text in texts:
                cleaner.clean(text, model=spec)
            best[spec]["clean"] = min(best[spec]["clean"], time.process_time() - start)
    load = (
        f"{', '.join(f'{x:.2f}' for x in load_before)} before, {', '.join(f'{x:.2f}' for x in os.getloadavg())} after"
    )
    report: dict[str, object] = {
        "machine": _machine(),
        "pages": args.pages,
        "lines": lines,
        "load": f"load average (1, 5, 15 min) {load}",
        "command": " ".join(["python", "bench/forest_speed.py", *sys.argv[1:]]),
        "us_per_line": {},
    }
    print(f"{args.pages} pages as whole-page text, {lines:,} lines; least CPU of {args.repeat}; {report['load']}")
    for spec, model in zip(args.models, models, strict=True):
        members = f"{len(model.members)} members x " if len(model.members) > 1 else ""
        shape = f"{members}{len(model.trees.roots)} trees, depth {model.trees.depth}"  # type: ignore[attr-defined]
        per_line = {k: round(v / lines * 1e6, 2) for k, v in best[spec].items()}
        report["us_per_line"][spec] = per_line | {"shape": shape}  # type: ignore[index]
        print(f"{spec} ({shape}): trees {per_line['trees']:.2f} µs/line, clean {per_line['clean']:.2f} µs/line")
    if args.out:
        args.out.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
