"""The block model's page cut and page policy on stored block rows: a change of the policy measured
on every page of several sets in seconds, before it is measured through `clean_html`.

    .venv/bin/python bench/policy_sim.py news=../shared/data/news-dev/dragnet \\
        wcxb=../shared/data/wcxb-dev:/tmp/cvdom --rows /tmp/rows --set LEVEL_MIX=1.0 --set LEVEL_LINKS=0.0

Each set is NAME=DATA or NAME=DATA:FOLDS. With FOLDS (a `bench/cv_dom.py --work` folder: rows.pkl
and fold0.json ... fold4.json), every page is scored by the fold model that never saw its web
domain (wcxb-dev, which the shipped model is trained on); without, by the packaged model (news-dev,
measuring only). Rows (`cleaner.learn.domtrain.load_rows`) are built once and kept in --rows as
NAME.pkl (or read from FOLDS/rows.pkl).

For each page, `cleaner.html.policy.policy_drops` decides the blocks to drop exactly as `decide`
does on a page (the cut, `kept_anyway`, the page policy), first with the module's constants as
they are, then with each --set NAME=VALUE applied to `cleaner.html.policy` (or `.replies`, `.shapes`, where
the constant lives). The kept blocks' text
is scored against the page's gold with the WCXB word F1. Not simulated: `whole_rows` (a data
table's row kept whole) and the text rules that run over the page's blocks afterwards, so the
figures sit a little under `clean_html`'s (on 2026-12-06: 0.8855 / 0.8978 / 0.8669 against 0.8965 /
0.9069 / 0.8676 for dragnet, l3s-gn1, wcxb-dev CV), but a change moved them as it moved
`clean_html`'s (bench/results/2026-12-06-level-cut.md). Data: WCXB by Murrough Foley, CC-BY-4.0;
news-dev for measuring only (see its README).
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

from cleaner.evaluation.metrics import word_prf
from cleaner.html import policy, replies, shapes
from cleaner.html.blocks import DomModel, load
from cleaner.learn.domtrain import PageRows, load_rows
from cleaner.learn.train import fold_of

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cv_dom import OUTER_SALT  # bench/cv_dom.py's folds: the same salt, FOLDS of them

FOLDS = 5


def scored(rows: list[PageRows], folds: Path | None) -> list[tuple[PageRows, DomModel, np.ndarray]]:
    """Each page's rows with its model and the model's probabilities (computed once)."""
    models: dict[Path | None, DomModel] = {}
    out = []
    for r in rows:
        key = None if folds is None else folds / f"fold{fold_of(r.domain, FOLDS, salt=OUTER_SALT)}.json"
        if key not in models:
            model = load("builtin" if key is None else str(key))
            assert model is not None
            models[key] = model
        model = models[key]
        p, _ = model.score(r.x, r.group)
        out.append((r, model, p))
    return out


def page_f1(r: PageRows, model: DomModel, p: np.ndarray) -> float:
    if not len(r.x):
        return word_prf("", r.truth_text).f1
    ruled = frozenset(np.flatnonzero(r.rule_drop).tolist())
    counts = r.words.astype(float)
    chosen, _, _, _ = policy.policy_drops(model, r.texts, r.x, p, counts, ruled, r.kind)
    gone = np.zeros(len(r.texts), dtype=bool)
    gone[chosen] = True
    return word_prf("\n".join(t for t, g in zip(r.texts, gone, strict=True) if not g), r.truth_text).f1


def summary(pages: list[tuple[PageRows, DomModel, np.ndarray]]) -> dict[str, float]:
    by: dict[str, list[float]] = defaultdict(list)
    for r, model, p in pages:
        f = page_f1(r, model, p)
        by["all"].append(f)
        by[r.page_type].append(f)
    return {k: statistics.mean(v) for k, v in by.items()}


def parse_value(text: str) -> Any:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("sets", nargs="+", metavar="NAME=DATA[:FOLDS]")
    ap.add_argument("--rows", type=Path, required=True, help="folder for the sets' rows (NAME.pkl)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help="a policy constant to change")
    ap.add_argument("--jobs", type=int, default=2, help="workers to build rows")
    args = ap.parse_args(argv)
    args.rows.mkdir(parents=True, exist_ok=True)
    sets: dict[str, list[tuple[PageRows, DomModel, np.ndarray]]] = {}
    for spec in args.sets:
        name, _, where = spec.partition("=")
        data, _, fold_dir = where.partition(":")
        folds = Path(fold_dir) if fold_dir else None
        cache = folds / "rows.pkl" if folds is not None else args.rows / f"{name}.pkl"
        if cache.exists():
            rows = pickle.loads(cache.read_bytes())
        else:
            rows = list(load_rows(Path(data), jobs=args.jobs))
            cache.write_bytes(pickle.dumps(rows))
        sets[name] = scored(rows, folds)
        print(f"{name}: {len(rows)} pages", file=sys.stderr)
    changes = [(k, parse_value(v)) for k, _, v in (s.partition("=") for s in args.set)]
    # the page policy's constants live in its module and the two it reads from
    homes = {k: next((m for m in (policy, replies, shapes) if k.isupper() and hasattr(m, k)), None) for k, _ in changes}
    for k, home in homes.items():
        if home is None:
            ap.error(f"no constant {k} in cleaner.html.policy, .replies or .shapes")
    before = {name: summary(pages) for name, pages in sets.items()}
    for k, v in changes:
        setattr(homes[k], k, v)
    after = {name: summary(pages) for name, pages in sets.items()} if changes else before
    print("| set | type | before | after | change |")
    print("|---|---|---:|---:|---:|")
    for name in sets:
        for t in sorted(before[name], key=lambda t: (t != "all", t)):
            b, a = before[name][t], after[name][t]
            print(f"| {name} | {t} | {b:.4f} | {a:.4f} | {a - b:+.4f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
