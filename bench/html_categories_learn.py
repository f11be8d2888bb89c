"""Does a small learned arbitration over the category evidence generalise better than the
hand-written precedence? Leave-one-set-out and domain-grouped agreement, as markdown.

    .venv/bin/python bench/html_categories_evidence.py --out /tmp/rows.json
    .venv/bin/python bench/html_categories_learn.py /tmp/rows.json [--only NAME] [--out FILE]

The results go to bench/results/<date>-html-categories[-N].md, the first name not taken.

Rows: one a labelled block `clean_html` removes (tests/cases/html_categories*.jsonl, wcxb-dev, WCXB by
Murrough Foley, CC-BY-4.0), with the evidence `cleaner.html.category` reads. The model: a multinomial
logistic regression (numpy, L2, L-BFGS from zero weights: deterministic) over
binary and scaled features; a block whose most likely category is below UNSURE is `other`, as the
labelling guide says. Two feature sets:

* evidence: every cue's category that matches (not only the first), each step of `name_of` on its
  own (headline, cue, markup, shape), the markup family, the phrase or context rule's category, the
  tag, containers, family words of the element and its ancestors, link share, words, title likeness,
  position, the page kind, the dropped neighbours' link share and cue; not the category given;
* evidence + given: the same and the category the hand-written precedence gives (and its
  neighbours'): a learned correction of the precedence.

Measured two ways, each against the category given on the same blocks: leave one labelled set out
(the sets are page-disjoint: each drew pages in none of the earlier files) and eight folds grouped by
the page's domain (no site in train and test).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize  # the train extra's (lightgbm's) dependency

from cleaner.html import dom

sys.path.insert(0, str(Path(__file__).resolve().parent))
from html_categories import unused

ROOT = Path(__file__).resolve().parent.parent
CATEGORIES = (
    "caption",
    "comments",
    "duplicate-headline",
    "legal",
    "navigation",
    "newsletter",
    "other",
    "paywall",
    "promo",
    "related",
)
UNSURE = 0.5  # below this probability of its most likely category, a block is `other`
L2 = 1.0  # the penalty on the weights (per row: the loss is a mean)
STEPS = 1000  # L-BFGS iterations at most
FOLDS = 8
TAGS = ("a", "li", "p", "div", "span", "td", "th", "dd", "dt", "figcaption", "button", "label", "pre", "heading")
POLICY = ("comment", "comments", "teasers", "apart", "repeat")
Featurize = Callable[[dict[str, Any]], dict[str, float]]


def _bits(prefix: str, bits: int, names: Sequence[str], out: dict[str, float]) -> None:
    for i, name in enumerate(names):
        if bits & (1 << i):
            out[f"{prefix}={name}"] = 1.0


def evidence_features(row: dict[str, Any]) -> dict[str, float]:
    """The evidence of one row, not the category the hand-written precedence gives."""
    out: dict[str, float] = {"bias": 1.0}
    ev = row["model"] or row["rule"]
    out["by_model"] = float(row["model"] is not None)
    if row["rule"] is not None:
        out[f"rule={row['rule']['rule_category']}"] = 1.0
    a = row["article"]
    out["article"] = 0.5 if a is None or (isinstance(a, float) and math.isnan(a)) else float(a)
    if ev is None:
        return out
    tag = "heading" if ev["tag"] in dom.HEADINGS else ev["tag"]
    out[f"tag={tag if tag in TAGS else 'else'}"] = 1.0
    _bits("in", ev["containers"], dom.CONTAINERS, out)
    _bits("own", ev["own"], dom.FAMILY_NAMES, out)
    _bits("fam", ev["families"], dom.FAMILY_NAMES, out)
    for key in ("email_form", "in_menu", "box_heading", "gated", "tile"):
        out[key] = float(ev[key])
    out["link_share"] = float(ev["link_share"])
    out["link"] = float(ev["link_share"] >= 0.5)
    out["words"] = math.log1p(ev["words"]) / 3.0
    out["title_sim"] = float(ev["title_sim"])
    if ev["policy_rule"]:
        out[f"policy={ev['policy_rule']}"] = 1.0
    for c in ev["cue_cats"]:
        out[f"cue_any={c}"] = 1.0
    for step in ("headline", "cue", "markup"):
        if ev[step]:
            out[f"{step}={ev[step]}"] = 1.0
    out[f"shape={ev['shape']}"] = 1.0
    out[f"family={ev['family']}"] = 1.0
    out["position"] = float(row.get("position", 0.5))
    for side in ("prev", "next"):
        n = row.get(side)
        if n is None or not n["removed"]:
            out[f"{side}_kept"] = 1.0
            continue
        out[f"{side}_link"] = float(n["link"])
        if n["cue"]:
            out[f"{side}_cue={n['cue']}"] = 1.0
    return out


def given_features(row: dict[str, Any]) -> dict[str, float]:
    """The evidence and the category the hand-written precedence gives (the block's and its
    neighbours')."""
    out = evidence_features(row)
    out[f"given={row['given']}"] = 1.0
    ev = row["model"] or row["rule"]
    if ev is not None:
        out[f"single={ev['single']}"] = 1.0
    for side in ("prev", "next"):
        n = row.get(side)
        if n is not None and n["removed"]:
            out[f"{side}_given={n['given']}"] = 1.0
    return out


class Softmax:
    """Multinomial logistic regression over named features."""

    def __init__(self, names: Sequence[str], weights: np.ndarray, scale: np.ndarray, anchor: float | None) -> None:
        self.names = list(names)
        self.index = {n: i for i, n in enumerate(self.names)}
        self.weights = weights  # (features, categories)
        self.scale = scale
        self.anchor = anchor  # the weight of the category given, when the model is anchored on it

    @classmethod
    def fit(
        cls, feats: Sequence[dict[str, float]], labels: Sequence[str], given: Sequence[str] | None = None
    ) -> Softmax:
        """Fit by L-BFGS from zero weights. With `given` (the hand-written precedence's category of
        each row), each row's logit of that category gets one more weight, learned and not
        penalised: the features learn a correction of the precedence, and where they know little
        the precedence stands."""
        names = sorted({k for f in feats for k in f})
        x = _matrix(feats, {n: i for i, n in enumerate(names)})
        scale = np.maximum(np.abs(x).max(axis=0), 1e-9)
        x = x / scale
        y = np.zeros((len(labels), len(CATEGORIES)))
        y[np.arange(len(labels)), [CATEGORIES.index(c) for c in labels]] = 1.0
        penalty = np.full((x.shape[1], 1), L2 / len(labels))
        penalty[names.index("bias")] = 0.0
        shape = (x.shape[1], len(CATEGORIES))
        size = shape[0] * shape[1]
        g = _onehot(given or [], len(labels))

        def loss(flat: np.ndarray) -> tuple[float, np.ndarray]:
            w = flat[:size].reshape(shape)
            z = x @ w + flat[size] * g
            z = z - z.max(axis=1, keepdims=True)
            logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
            value = -(y * logp).sum() / len(labels) + 0.5 * float((penalty * w * w).sum())
            d = np.exp(logp) - y
            grad = x.T @ d / len(labels) + penalty * w
            return value, np.append(grad.ravel(), float((d * g).sum()) / len(labels))

        found = minimize(loss, np.zeros(size + 1), jac=True, method="L-BFGS-B", options={"maxiter": STEPS})
        w = found.x[:size].reshape(shape)
        return cls(names, np.round(w, 6), scale, round(float(found.x[size]), 6) if given is not None else None)

    def proba(self, feats: Sequence[dict[str, float]], given: Sequence[str] | None = None) -> np.ndarray:
        z = (_matrix(feats, self.index) / self.scale) @ self.weights
        if self.anchor is not None:
            z = z + self.anchor * _onehot(given or [], len(feats))
        return _softmax(z)

    def predict(
        self, feats: Sequence[dict[str, float]], given: Sequence[str] | None = None, unsure: float = UNSURE
    ) -> list[str]:
        p = self.proba(feats, given)
        best = p.argmax(axis=1)
        return [CATEGORIES[b] if p[i, b] >= unsure else "other" for i, b in enumerate(best)]


class Trees:
    """A few shallow gradient-boosted trees (lightgbm, the train extra; one thread, deterministic)."""

    ROUNDS = 100
    LEAVES = 8

    def __init__(self, names: Sequence[str], booster: Any) -> None:
        self.index = {n: i for i, n in enumerate(names)}
        self.booster = booster

    @classmethod
    def fit(cls, feats: Sequence[dict[str, float]], labels: Sequence[str]) -> Trees:
        import lightgbm as lgb

        names = sorted({k for f in feats for k in f})
        x = _matrix(feats, {n: i for i, n in enumerate(names)})
        params = {
            "objective": "multiclass",
            "num_class": len(CATEGORIES),
            "num_leaves": cls.LEAVES,
            "max_depth": 3,
            "learning_rate": 0.1,
            "min_data_in_leaf": 5,
            "lambda_l2": 1.0,
            "num_threads": 1,
            "deterministic": True,
            "seed": 0,
            "verbosity": -1,
        }
        data = lgb.Dataset(x, label=[CATEGORIES.index(c) for c in labels])
        return cls(names, lgb.train(params, data, num_boost_round=cls.ROUNDS))

    def predict(
        self, feats: Sequence[dict[str, float]], given: Sequence[str] | None = None, unsure: float = UNSURE
    ) -> list[str]:
        p = np.asarray(self.booster.predict(_matrix(feats, self.index)))
        best = p.argmax(axis=1)
        return [CATEGORIES[b] if p[i, b] >= unsure else "other" for i, b in enumerate(best)]


def _onehot(given: Sequence[str], rows: int) -> np.ndarray:
    out = np.zeros((rows, len(CATEGORIES)))
    if given:
        out[np.arange(rows), [CATEGORIES.index(c) for c in given]] = 1.0
    return out


def _matrix(feats: Sequence[dict[str, float]], index: dict[str, int]) -> np.ndarray:
    x = np.zeros((len(feats), len(index)))
    for r, f in enumerate(feats):
        for k, v in f.items():
            j = index.get(k)
            if j is not None:
                x[r, j] = v
    return x


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def domain_fold(domain: str) -> int:
    return int(hashlib.sha1(domain.encode()).hexdigest()[:8], 16) % FOLDS


def cross(
    rows: Sequence[dict[str, Any]],
    group: Callable[[dict[str, Any]], str],
    featurize: Featurize,
    unsure: float,
    learner: str = "softmax",
) -> dict[str, tuple[int, int, int, int]]:
    """For each group held out: (blocks, the precedence right, the model right, the model right
    where the precedence is wrong)."""
    out = {}
    feats = [featurize(r) for r in rows]
    for g in sorted({group(r) for r in rows}):
        train = [i for i, r in enumerate(rows) if group(r) != g]
        test = [i for i, r in enumerate(rows) if group(r) == g]
        labels = [rows[i]["label"] for i in train]
        model: Softmax | Trees
        if learner == "trees":
            model = Trees.fit([feats[i] for i in train], labels)
        else:
            anchors = [rows[i]["given"] for i in train] if learner == "anchored" else None
            model = Softmax.fit([feats[i] for i in train], labels, anchors)
        pred = model.predict([feats[i] for i in test], [rows[i]["given"] for i in test], unsure)
        labels = [rows[i]["label"] for i in test]
        hand = [rows[i]["given"] for i in test]
        given = sum(1 for h, t in zip(hand, labels, strict=True) if h == t)
        right = sum(1 for p, t in zip(pred, labels, strict=True) if p == t)
        fixed = sum(1 for p, h, t in zip(pred, hand, labels, strict=True) if p == t != h)
        out[g] = (len(test), given, right, fixed)
    return out


def table(title: str, result: dict[str, tuple[int, int, int, int]]) -> tuple[list[str], float, float]:
    """Agreement of the precedence and of the model, each group's and pooled; `fixed`: blocks the
    model gets right and the precedence wrong, `broken`: the other way round."""
    lines = [
        f"| {title} | blocks | hand-written precedence | learned | learned - hand | fixed | broken |",
        "|---|---|---|---|---|---|---|",
    ]
    diffs = []
    for g, (n, given, right, fixed) in result.items():
        diffs.append((right - given) / n)
        cells = f"{given / n:.3f} ({given}) | {right / n:.3f} ({right}) | {(right - given) / n:+.3f}"
        lines.append(f"| {g} | {n} | {cells} | {fixed} | {fixed - (right - given)} |")
    total = sum(v[0] for v in result.values())
    given = sum(v[1] for v in result.values())
    right = sum(v[2] for v in result.values())
    fixed = sum(v[3] for v in result.values())
    mean = sum(diffs) / len(diffs)
    lines.append(
        f"| all (pooled) | {total} | {given / total:.3f} ({given}) | {right / total:.3f} ({right}) | "
        f"{(right - given) / total:+.3f} | {fixed} | {fixed - (right - given)} |"
    )
    lines.append(f"| mean of the {len(diffs)} | | | | {mean:+.3f} (worst {min(diffs):+.3f}) | | |")
    return lines, mean, min(diffs)


VARIANTS: tuple[tuple[str, Featurize, str], ...] = (
    ("evidence", evidence_features, "softmax"),
    ("evidence + given", given_features, "softmax"),
    ("evidence, anchored on the given category", evidence_features, "anchored"),
    ("trees, evidence", evidence_features, "trees"),
    ("trees, evidence + given", given_features, "trees"),
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rows", type=Path, help="bench/html_categories_evidence.py's output")
    parser.add_argument("--out", type=Path, help="default: bench/results/<date>-html-categories[-N].md, unused")
    parser.add_argument("--only", help="the variants whose name contains this (default: all)")
    args = parser.parse_args(argv)
    try:
        rows = json.loads(args.rows.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        print(f"{args.rows}: not the evidence rows ({e})", file=sys.stderr)
        return 2
    text = [
        "# A learned arbitration over the category evidence vs the hand-written precedence",
        "",
        "`.venv/bin/python bench/html_categories_learn.py ROWS` (ROWS: `bench/html_categories_evidence.py`'s); "
        "data wcxb-dev (WCXB by Murrough Foley, CC-BY-4.0), labels `tests/cases/html_categories*.jsonl`.",
        "",
        f"{len(rows)} removed labelled blocks of {len({r['page'] for r in rows})} pages and "
        f"{len({r['domain'] for r in rows})} domains. Models: softmax regression (L2 {L2}, at most {STEPS} "
        f"L-BFGS steps) or {Trees.ROUNDS} lightgbm trees of {Trees.LEAVES} leaves (depth 3); with the unsure "
        f"rule, `other` below {UNSURE}.",
        "",
    ]
    verdict = []
    for fname, featurize, learner in VARIANTS:
        if args.only and args.only not in fname:
            continue
        for unsure in (UNSURE, 0.0):
            label = f"{fname}, unsure -> other below {unsure}" if unsure else f"{fname}, no unsure rule"
            loso, mean, worst = table("held-out set", cross(rows, lambda r: r["set"], featurize, unsure, learner))
            grouped, gmean, gworst = table(
                "domain fold",
                cross(rows, lambda r: f"fold {domain_fold(r['domain'])}", featurize, unsure, learner),
            )
            text += [f"## {label}", "", "Leave one set out:", "", *loso, "", "Domain-grouped folds:", "", *grouped, ""]
            adopt = mean > 0 and worst >= -0.05
            verdict.append(
                f"* {label}: leave one set out, mean {mean:+.3f}, worst {worst:+.3f} -> "
                f"{'passes' if adopt else 'fails'} (domain folds: mean {gmean:+.3f}, worst {gworst:+.3f})"
            )
    text += ["## The adoption rule (mean higher, no set lower by more than 0.05)", "", *verdict, ""]
    out = "\n".join(text)
    path = args.out or unused(ROOT / "bench" / "results", f"{datetime.date.today().isoformat()}-html-categories")
    path.write_text(out, encoding="utf-8")
    print(f"-> {path}", file=sys.stderr)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
