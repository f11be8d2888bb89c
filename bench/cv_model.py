"""Cross-validate the line model on a WCXB-layout dataset, folds grouped by web domain.

    .venv/bin/python bench/cv_model.py ../shared/data/wcxb-dev --jobs 2 --out bench/results/cv_model.json

For each of K folds (a domain's fold is a hash of the domain, so no site is in both training and
test): train on the other folds' pages exactly as `cleaner train` does, then clean the held-out
pages' texts (trafilatura's output, trafilatura with favor_recall, the whole page as text) with
the full pipeline three ways: as input (no cleaning), rules only (`model="off"`), rules + the
fold's model, each text with its page's address as `cleaner eval` gives it (a forum's address keeps
its replies from the comment rules; the models are trained without addresses, as `cleaner train`
trains them). Scores are the WCXB word F1 per page, averaged per page type and overall, with
every page scored exactly once (when it was held out). `--sources` names the texts trained on and
scored; `--eval-sources` scores more texts than are trained on (a new input measured against
today's trainer). Each text is cleaned as its peer gives it. Needs the `train` extra.

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
from collections.abc import Mapping, Sequence
from pathlib import Path

from cleaner.api import clean
from cleaner.config import CleanerConfig
from cleaner.evaluation.datasets import load_pages
from cleaner.evaluation.metrics import word_prf
from cleaner.evaluation.peers import DEFAULT_CACHE, peer_text
from cleaner.learn.dataset import SOURCES, Doc, load_docs
from cleaner.learn.train import TrainConfig, dumps, fit, fold_of

OUTER_SALT = "outer:"  # the inner (vocabulary cross-fitting) folds use no salt: the two must differ


def _text(doc: Doc) -> str:
    return "\n".join(b.text for b in doc.blocks)


def _score(args: tuple[str, str, str | None, str, str, bool]) -> tuple[float, float, float]:
    text, truth, url, model_path, threshold, model_only = args
    base = rules = 0.0
    if not model_only:
        base = word_prf(text, truth).f1
        rules = word_prf(clean(text, model="off", url=url).text, truth).f1
    config = CleanerConfig(model=model_path, model_threshold=float(threshold) if threshold else None)
    full = word_prf(clean(text, config, url=url).text, truth).f1
    return base, rules, full


def run(
    docs: list[Doc],
    folds: int,
    work: Path,
    jobs: int,
    cfg: TrainConfig,
    threshold: str,
    model_only: bool = False,
    reuse: bool = False,
    urls: Mapping[str, str | None] | None = None,
    texts: Mapping[tuple[str, str], str] | None = None,
    train_sources: Sequence[str] | None = None,
) -> dict[str, object]:
    scores: dict[str, dict[str, list[tuple[float, float, float]]]] = defaultdict(lambda: defaultdict(list))
    for f in range(folds):
        t0 = time.perf_counter()
        train = [
            d
            for d in docs
            if fold_of(d.domain, folds, OUTER_SALT) != f and (train_sources is None or d.source in train_sources)
        ]
        test = [d for d in docs if fold_of(d.domain, folds, OUTER_SALT) == f]
        path = work / f"fold{f}.json"
        if not (reuse and path.exists()):
            path.write_text(dumps(fit(train, cfg)), encoding="utf-8")
        t1 = time.perf_counter()
        jobs_args = [
            (
                (texts or {}).get((d.page_id, d.source)) or _text(d),
                d.truth,
                (urls or {}).get(d.page_id),
                str(path),
                threshold,
                model_only,
            )
            for d in test
        ]
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = pool.map(_score, jobs_args, chunksize=4)
        for d, r in zip(test, results, strict=True):
            scores[d.source][d.page_type].append(r)
            scores[d.source]["all"].append(r)
        print(
            f"fold {f}: {len(train)} train docs, {len(test)} test docs, "
            f"fit {t1 - t0:.0f} s, clean {time.perf_counter() - t1:.0f} s",
            file=sys.stderr,
        )
    table: dict[str, object] = {}
    for source, by_type in sorted(scores.items()):
        table[source] = {
            t: {
                "pages": len(v),
                "input": round(sum(r[0] for r in v) / len(v), 4),
                "rules": round(sum(r[1] for r in v) / len(v), 4),
                "model": round(sum(r[2] for r in v) / len(v), 4),
            }
            for t, v in sorted(by_type.items())
        }
    return table


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--work", type=Path, default=Path(".cache/cv_model"), help="fold models and the docs cache")
    ap.add_argument("--out", type=Path, help="write the table as JSON here")
    ap.add_argument("--threshold", default="", help="override the models' threshold")
    ap.add_argument("--trees", type=int, default=TrainConfig.trees)
    ap.add_argument("--leaves", type=int, default=TrainConfig.leaves)
    ap.add_argument("--learning-rate", type=float, default=TrainConfig.learning_rate)
    ap.add_argument("--max-depth", type=int, default=TrainConfig.max_depth)
    ap.add_argument("--seed", type=int, default=TrainConfig.seed, help="LightGBM's seed (to measure seed noise)")
    ap.add_argument(
        "--members", type=int, default=TrainConfig.members, help="forests per model (seeds seed, seed + 1, ...)"
    )
    ap.add_argument("--sources", default=",".join(SOURCES))
    ap.add_argument(
        "--eval-sources",
        default="",
        help="also score these sources' texts (trained on --sources only; default: the same sources)",
    )
    ap.add_argument("--model-only", action="store_true", help="skip the input and rules-only columns (0.0)")
    ap.add_argument("--reuse", action="store_true", help="use the fold models already in --work")
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    train_sources = tuple(args.sources.split(","))
    sources = tuple(dict.fromkeys(train_sources + tuple(s for s in args.eval_sources.split(",") if s)))
    cache = args.work / f"docs-{'-'.join(sources)}.pkl"
    if cache.exists():
        docs = pickle.loads(cache.read_bytes())
    else:
        docs = list(load_docs(args.data, sources=sources, jobs=args.jobs))
        cache.write_bytes(pickle.dumps(docs, protocol=pickle.HIGHEST_PROTOCOL))
    cfg = TrainConfig(
        trees=args.trees,
        leaves=args.leaves,
        learning_rate=args.learning_rate,
        max_depth=args.max_depth,
        seed=args.seed,
        members=args.members,
    )
    # Each text is cleaned with its page's address, as `cleaner eval` cleans it (a forum's address
    # keeps its replies from the comment rules); the models are trained without it, as `cleaner train` is.
    pages = list(load_pages(args.data))
    urls = {page.id: page.url for page in pages}
    # Each text as its peer gives it (a Doc holds the lines of the form `clean` reads it in).
    texts = {(page.id, s): peer_text(s, page.html_bytes, page.url, DEFAULT_CACHE) for page in pages for s in sources}
    table = run(
        docs,
        args.folds,
        args.work,
        args.jobs,
        cfg,
        args.threshold,
        args.model_only,
        args.reuse,
        urls,
        texts,
        train_sources,
    )
    text = json.dumps(table, indent=1, sort_keys=True)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
