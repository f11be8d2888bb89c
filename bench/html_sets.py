"""HTML mode on several benchmark sets side by side: clean_html (default), clean_html with other
block-model files (e.g. the previous one), clean_html with html_model="off", and trafilatura alone.

    .venv/bin/python bench/html_sets.py ../shared/data/news-dev/l3s-gn1 ../shared/data/news-dev/dragnet \\
        --variant before=/path/to/old_dom_model.json --jobs 2 --out bench/results/2026-12-04-html-news.json

Every page of each set (or every --every'th), WCXB word P / R / F1 mean over pages, as `cleaner eval`
scores them; per-page F1 go to the JSON so that the pages a change made worse can be read.
news-dev is for measuring only (see its README); wcxb-dev is measured in domain-grouped CV by
bench/cv_dom.py, since the shipped models are trained on it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cleaner.config import CleanerConfig
from cleaner.evaluation.runner import run_eval, select_ids


def _row(result: Any, source: str, step: str) -> tuple[dict[str, float], dict[str, float]]:
    row = result.row(source, step)
    o = row.overall
    per = {rec.page_id: round(rec.rows[row.id].score.prf.f1, 4) for rec in result.records if row.id in rec.rows}
    return {"precision": o.precision, "recall": o.recall, "f1": o.f1, "pages": o.pages}, per


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sets", nargs="+", type=Path)
    ap.add_argument("--variant", action="append", default=[], metavar="NAME=MODEL", help="html_model of a variant")
    ap.add_argument("--every", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)
    variants = {"clean_html": "builtin", "off": "off"}
    variants.update(dict(v.split("=", 1) for v in args.variant))
    out: dict[str, Any] = {"command": " ".join(["bench/html_sets.py", *(argv or sys.argv[1:])]), "sets": {}}
    for data in args.sets:
        ids = select_ids(data)[:: args.every]
        ways: dict[str, Any] = {}
        pages: dict[str, Any] = {}
        peers = run_eval(data, "html", ("trafilatura", "trafilatura_precision"), ids=ids, jobs=args.jobs, rules=False)
        for peer in ("trafilatura", "trafilatura_precision"):
            ways[peer], pages[peer] = _row(peers, "html", peer)
        for name, spec in variants.items():
            cfg = CleanerConfig(html_model=spec)
            res = run_eval(data, "html", (), ids=ids, jobs=args.jobs, config=cfg, rules=False, extract_only=False)
            ways[name], pages[name] = _row(res, "html", "clean_html")
        out["sets"][data.name] = {"pages": len(ids), "ways": ways, "per_page": pages}
        print(f"{data.name} ({len(ids)} pages)")
        for name, m in ways.items():
            print(f"  {name:24s} P {m['precision']:.4f} R {m['recall']:.4f} F1 {m['f1']:.4f}")
    if args.out:
        args.out.write_text(json.dumps(out, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
