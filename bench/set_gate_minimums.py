"""Measure the quality gate's rows and (with --write) pin bench/gate_minimums.json.

    .venv/bin/python bench/set_gate_minimums.py [--data ../shared/data/wcxb-dev] [--write] [--note TEXT]

Minimum = measured mean F1 - MARGIN, rounded down to 4 decimals. Re-pin only when a change is
meant to move the numbers (and say why in --note); the gate test reads the file.
WCXB is by Murrough Foley, CC-BY-4.0.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import time
from pathlib import Path

from cleaner.evaluation.cli import read_ids
from cleaner.evaluation.runner import run_eval

BENCH = Path(__file__).resolve().parent
MARGIN = 0.005
TOLERANCE = 0.002
ROWS = {
    "text|trafilatura|cleaner": "cleaner.clean on trafilatura.extract(html, url) default output",
    "text|html_text|cleaner": "cleaner.clean on the whole page as text (html_text.extract_text)",
    "html|html|clean_html": "cleaner.clean_html(html, url)",
}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=BENCH.parent.parent / "shared" / "data" / "wcxb-dev")
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--note", default="first pinning: measured on the gate subset, minus the margin")
    ap.add_argument("--cache", type=Path, default=None)
    args = ap.parse_args()
    ids = read_ids(BENCH / "gate_ids.txt")
    t0 = time.perf_counter()
    text = run_eval(
        args.data, "text", ("trafilatura", "html_text"), ids=ids, jobs=2, cache_dir=args.cache, c4_filter=False
    )
    html = run_eval(args.data, "html", (), ids=ids, jobs=2, cache_dir=args.cache, extract_only=False)
    secs = time.perf_counter() - t0
    today = dt.date.today().isoformat()
    minimums = {}
    for key, what in ROWS.items():
        mode, source, step = key.split("|")
        row = (text if mode == "text" else html).row(source, step)
        f1 = row.overall.f1
        minimums[key] = {
            "min_f1": math.floor((f1 - MARGIN) * 10_000) / 10_000,
            "measured_f1": round(f1, 4),
            "measured_by_type": {t: round(s.f1, 4) for t, s in row.by_type.items()},
            "what": what,
            "note": args.note,
            "date": today,
        }
        print(f"{key}: F1 {f1:.4f}")
    for peer in ("trafilatura", "html_text"):
        before, after = text.row(peer, "as-is"), text.row(peer, "cleaner")
        print(f"{peer}: as-is {before.overall.f1:.4f} -> cleaner {after.overall.f1:.4f}")
        for t, s in after.by_type.items():
            print(f"   {t:14} {before.by_type[t].f1:.4f} -> {s.f1:.4f} ({s.f1 - before.by_type[t].f1:+.4f})")
    print(f"measured in {secs:.1f}s")
    if args.write:
        payload = {
            "about": "Pinned minimum mean F1 (WCXB word metric) on bench/gate_ids.txt, read by "
            "tests/test_quality_gate.py. WCXB dev by Murrough Foley, CC-BY-4.0.",
            "margin": MARGIN,
            "never_worse_tolerance": TOLERANCE,
            "dataset_sha256": text.meta["dataset"]["sha256"],
            "versions": text.meta["versions"],
            "cleaner_source": text.meta["source"],
            "minimums": minimums,
        }
        out = BENCH / "gate_minimums.json"
        out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"wrote {out}")


if __name__ == "__main__":
    main()
