"""Cross-validate HTML mode's block model on a WCXB-layout dataset, folds grouped by web domain.

    .venv/bin/python bench/cv_dom.py ../shared/data/wcxb-dev --jobs 2 --work /tmp/cvdom \\
        --out bench/results/cv_dom.json

For each of K folds (a domain's fold is a hash of the domain: no site is in both training and
test), train the block model on the other folds' pages exactly as `cleaner train-html` does,
then run the held-out pages through the whole of `cleaner.clean_html` with that fold's model
(the real pipeline: blocks, block model, text rules, settle rounds). Side by side on the same
pages, in the same worker: `trafilatura.extract(html, url=url)` with default settings (the
evaluation's `trafilatura` peer), and `clean_html` with `html_model="off"` (trafilatura's text
cleaned by the rules, the previous HTML mode). Scores are the WCXB word precision, recall and F1
per page, averaged per page type and overall; times are per page, on one core per worker.

Data: WCXB (Web Content Extraction Benchmark) by Murrough Foley, CC-BY-4.0.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import pickle
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from cleaner.api import clean_html
from cleaner.evaluation.datasets import load_pages
from cleaner.evaluation.metrics import snippet_hits, word_prf
from cleaner.learn.domtrain import DomTrainConfig, PageRows, fit, load_rows, write
from cleaner.learn.train import fold_of

OUTER_SALT = "outer:"
WAYS = ("trafilatura", "rules_on_trafilatura", "dom")


def _page(args: tuple[str, str, str | None, str, str]) -> dict[str, Any]:
    import trafilatura

    data, page_id, url, page_type, model_path = args
    page = next(load_pages(data, ids=[page_id]))
    html = page.html_bytes
    out: dict[str, Any] = {"id": page_id, "type": page_type}
    t = time.perf_counter()
    traf = trafilatura.extract(html, url=url) or ""
    out["trafilatura_s"] = time.perf_counter() - t
    t = time.perf_counter()
    dom = clean_html(html, url, html_model=model_path).text
    out["dom_s"] = time.perf_counter() - t
    rules = clean_html(html, url, html_model="off").text
    for way, text in zip(WAYS, (traf, rules, dom), strict=True):
        m = word_prf(text, page.truth_text)
        out[way] = (m.precision, m.recall, m.f1)
        # WCXB's snippets: share found of those that must be there / must not be (rates per page)
        out[f"{way}_snippets"] = (*snippet_hits(page.with_, text), *snippet_hits(page.without, text))
    return out


_TRAIN: Any = None  # (rows, fold by page id, config, paths), inherited by the forked trainers


def _train_fold(k: int) -> int:
    rows, fold, cfg, paths = _TRAIN
    write(fit([r for r in rows if fold[r.page_id] != k], cfg), Path(paths[k]))
    return k


def summarize(results: list[dict[str, Any]]) -> dict[str, Any]:
    by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in results:
        by[r["type"]].append(r)
        by["all"].append(r)
    table: dict[str, Any] = {}
    for kind, rs in sorted(by.items()):
        row: dict[str, Any] = {"pages": len(rs)}
        for way in WAYS:
            p, r, f = np.mean([x[way] for x in rs], axis=0)
            row[way] = {"precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4)}
            hits = [x[f"{way}_snippets"] for x in rs if f"{way}_snippets" in x]
            for name, found, total in (("with_rate", 0, 1), ("without_rate", 2, 3)):
                rates = [h[found] / h[total] for h in hits if h[total]]
                row[way][name] = round(float(np.mean(rates)), 4) if rates else None
        row["dom_worse_pages"] = sum(1 for x in rs if x["dom"][2] < x["trafilatura"][2] - 1e-9)
        row["dom_better_pages"] = sum(1 for x in rs if x["dom"][2] > x["trafilatura"][2] + 1e-9)
        table[kind] = row
    traf_s = float(np.sum([r["trafilatura_s"] for r in results]))
    dom_s = float(np.sum([r["dom_s"] for r in results]))
    return {
        "by_type": table,
        "time": {
            "trafilatura_extract_s": round(traf_s, 2),
            "clean_html_s": round(dom_s, 2),
            "ratio": round(dom_s / traf_s, 3) if traf_s else None,
            "pages": len(results),
        },
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--work", type=Path, required=True, help="folder for the page rows and fold models")
    ap.add_argument("--reuse", action="store_true", help="reuse rows and fold models found in --work")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--set", default="{}", metavar="JSON", help="DomTrainConfig fields to change, as JSON")
    ap.add_argument("--pages-out", type=Path, help="also write every page's P / R / F1 per way here (JSON)")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    cache = args.work / "rows.pkl"
    t0 = time.time()
    if args.reuse and cache.exists():
        rows: list[PageRows] = pickle.loads(cache.read_bytes())
    else:
        rows = list(load_rows(args.data, jobs=args.jobs))
        cache.write_bytes(pickle.dumps(rows))
    print(f"rows: {len(rows)} pages in {time.time() - t0:.0f} s", file=sys.stderr)
    fold = {r.page_id: fold_of(r.domain, args.folds, salt=OUTER_SALT) for r in rows}
    cfg = DomTrainConfig(**json.loads(args.set))
    paths = [str(args.work / f"fold{k}.json") for k in range(args.folds)]
    todo = [k for k in range(args.folds) if not (args.reuse and Path(paths[k]).exists())]
    global _TRAIN
    _TRAIN = (rows, fold, cfg, paths)
    t = time.time()
    with multiprocessing.get_context("fork").Pool(min(args.jobs, len(todo) or 1)) as pool:
        for k in pool.imap_unordered(_train_fold, todo):
            print(f"fold {k}: trained ({time.time() - t:.0f} s)", file=sys.stderr)
    tasks = [(str(args.data), r.page_id, _url(args.data, r.page_id), r.page_type, paths[fold[r.page_id]]) for r in rows]
    del rows
    with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
        results = list(pool.imap(_page, tasks, chunksize=4))
    summary = summarize(results)
    if args.pages_out:
        args.pages_out.write_text(json.dumps(results, sort_keys=True) + "\n", encoding="utf-8")
    summary["command"] = " ".join(["bench/cv_dom.py", *(argv if argv is not None else sys.argv[1:])])
    summary["folds"] = args.folds
    summary["data"] = "WCXB (Web Content Extraction Benchmark) by Murrough Foley, CC-BY-4.0"
    summary["config"] = {k: v for k, v in vars(cfg).items()}
    text = json.dumps(summary, indent=2, sort_keys=True)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(markdown(summary))
    return 0


def _url(data: Path, page_id: str) -> str | None:
    return next(load_pages(data, ids=[page_id])).url


def _rates(m: dict[str, Any]) -> str:
    w, o = m.get("with_rate"), m.get("without_rate")
    return "-" if w is None or o is None else f"{w:.3f} / {o:.3f}"


def prf(m: dict[str, float], digits: int = 4, bold: bool = False) -> str:
    """'P / R / F1' of a scores dict, P and R to `digits` places, F1 always to four (bold: in **)."""
    f1 = f"**{m['f1']:.4f}**" if bold else f"{m['f1']:.4f}"
    return f"{m['precision']:.{digits}f} / {m['recall']:.{digits}f} / {f1}"


def markdown(summary: dict[str, Any]) -> str:
    lines = [
        "| type | pages | trafilatura P / R / F1 | rules on trafilatura F1 "
        "| clean_html (dom) P / R / F1 | better / worse pages | with / without snippets: trafilatura, clean_html |"
    ]
    lines.append("|---|---|---|---|---|---|---|")
    for kind, row in summary["by_type"].items():
        t, r, d = row["trafilatura"], row["rules_on_trafilatura"], row["dom"]
        lines.append(
            f"| {kind} | {row['pages']} | {prf(t)} | {r['f1']:.4f} | {prf(d)} "
            f"| {row['dom_better_pages']} / {row['dom_worse_pages']} | {_rates(t)}, {_rates(d)} |"
        )
    tm = summary["time"]
    lines.append(
        f"\ntime: trafilatura.extract {tm['trafilatura_extract_s']} s, clean_html {tm['clean_html_s']} s "
        f"over {tm['pages']} pages ({tm['ratio']}x)"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
