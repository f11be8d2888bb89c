"""Train the line model: `cleaner train --data DIR --out FILE` (needs the `train` extra).

Data: a directory in the WCXB layout (`html/`, `ground-truth/`; see `cleaner.evaluation.datasets`).
Each page gives three texts (trafilatura's output, trafilatura with favor_recall, the whole page
as text); each line is labelled against the human main text (`cleaner.learn.labels`) and seen in
the two views of the pipeline (`cleaner.learn.dataset.make_doc`). Lines a rule already removes,
ambiguous lines and lines without words are not trained on.

Rows are weighted so that every (page, source, view) weighs the same and, within it, lines weigh
by their words: the benchmark's score is a per-page word F1.

The vocabulary features are cross-fitted: the rows of a domain are computed with a vocabulary
learned without that domain's fold, so the trees learn how much to trust the vocabulary on words
it has not memorised. The shipped vocabulary is learned from all the data.

Everything is deterministic: inputs sorted, folds from a hash of the domain, LightGBM with
`deterministic`, one thread and a fixed seed, floats written with `repr`. Training twice gives
the same file byte for byte.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from cleaner.learn import SOURCES
from cleaner.learn.dataset import Doc, learn_vocabulary, load_docs
from cleaner.learn.labels import Label
from cleaner.models.line import FORMAT
from cleaner.models.line_features import (
    DOC_NAMES,
    FEATURE_NAMES,
    Vocabulary,
    context_features,
    doc_features,
    rule_codes,
)
from cleaner.models.trees import stopword_languages_entry

MODEL_VERSION = "2"
SECOND_VIEW_WEIGHT = 0.5
KIND_TREES = 60
PAGE_SOURCES = frozenset({"html_text"})  # sources that give the whole page as text
INNER_FOLDS = 5


@dataclass(frozen=True)
class TrainConfig:
    # Two members of 100 trees (issue 19): in CV on wcxb-dev as good as 300 trees' mean over two seeds on
    # every input and page type, with 2/3 of the trees to walk (bench/results/2026-12-05-line-members.md).
    trees: int = 100
    leaves: int = 31
    max_depth: int = 8  # bounds the levels numpy walks per row at run time
    learning_rate: float = 0.15
    min_data_in_leaf: int = 50
    feature_fraction: float = 0.8
    bagging_fraction: float = 0.8
    lambda_l2: float = 1.0
    threshold: float = 0.5  # page-like texts: the lowest cut ...
    # ... and how a text's cut is set (`cleaner.models.line.text_cut`): its expected-F1 cut, at
    # most cut_max (in CV on wcxb-dev's whole-page text 0.7878 -> 0.7940 over the fixed threshold,
    # every page type up; bench/results/2026-12-05-line-cut.md)
    decision: str = "expected_f1"
    cut_max: float = 0.75
    # Extractors' outputs: None leaves them to the rules (cross-validated, a threshold for them
    # gained nothing on average and lost whole pages to misjudged kinds).
    extract_threshold: float | None = None
    page_cap: float = 0.9
    extract_cap: float = 0.3
    page_like_at: float = 0.8
    # The doubtful band (`cleaner.models.line.LineModel.page_like_and_cap`): a text the kind trees
    # put from doubt_from to page_like_at counts as page-like when the rules dropped doubt_rule_lines
    # or more of its lines, the model taking at most doubt_cap of its words (in CV on wcxb-dev's
    # whole-page text 0.7940 -> 0.8015, every page type and input at or above; the 3 lines were
    # set before measuring, bench/results/2026-12-05-line-doubt.md)
    doubt_from: float = 0.6
    doubt_cap: float = 0.5
    doubt_rule_lines: int = 3
    seed: int = 20261130
    members: int = 2  # forests trained with seeds seed, seed + 1, ..., their probabilities averaged
    extra: Mapping[str, Any] = field(default_factory=dict)


def fold_of(domain: str, folds: int, salt: str = "") -> int:
    """A domain's fold: stable across runs, machines and Python versions."""
    digest = hashlib.sha256(f"{salt}{domain}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % folds


@dataclass
class Rows:
    """Training rows: lines (features, labels, weights) and documents (features, page-like)."""

    x: list[np.ndarray] = field(default_factory=list)
    y: list[np.ndarray] = field(default_factory=list)
    w: list[np.ndarray] = field(default_factory=list)
    doc_x: list[np.ndarray] = field(default_factory=list)
    doc_y: list[float] = field(default_factory=list)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        width = len(FEATURE_NAMES)
        x = np.vstack(self.x) if self.x else np.zeros((0, width))
        y = np.concatenate(self.y) if self.y else np.zeros(0)
        w = np.concatenate(self.w) if self.w else np.zeros(0)
        return x, y, w, np.vstack(self.doc_x), np.array(self.doc_y)


def doc_rows(doc: Doc, vocab: Vocabulary, out: Rows) -> None:
    """Add a doc's trainable lines (both views) and its two document rows to `out`.

    The first view is page-like when the doc's source is the whole page as text; the second
    view (the labelled boilerplate gone) never is."""
    rows = {i: np.array(v + list(vocab.stats(doc.blocks[i].text))) for i, v in doc.local.items()}
    views = (
        (doc.blocks, doc.rules, 1.0, float(doc.source in PAGE_SOURCES)),
        ([doc.blocks[i] for i in doc.second], doc.second_rules, SECOND_VIEW_WEIGHT, 0.0),
    )
    for blocks, dropped, weight, page_like in views:
        codes = rule_codes(dropped)
        if any(not b.blank for b in blocks):
            out.doc_x.append(doc_features(blocks, rows))
            out.doc_y.append(page_like)
        indices, x = context_features(blocks, rows, codes, page_like)
        keep = [
            r for r, i in enumerate(indices) if i not in dropped and doc.labels[i] in (Label.BOILERPLATE, Label.ARTICLE)
        ]
        if not keep:
            continue
        words = np.array([doc.blocks[indices[r]].words + 1.0 for r in keep])
        out.x.append(x[keep])
        out.y.append(np.array([float(doc.labels[indices[r]] is Label.BOILERPLATE) for r in keep]))
        out.w.append(weight * words / words.sum())


def cross_fitted_rows(docs: Sequence[Doc]) -> Rows:
    """Every doc's rows, with vocabulary features from a vocabulary learned without its fold."""
    fold = [fold_of(d.domain, INNER_FOLDS) for d in docs]
    out = Rows()
    for f in range(INNER_FOLDS):
        members = [d for d, g in zip(docs, fold, strict=True) if g == f]
        if not members:
            continue
        vocab = learn_vocabulary(d for d, g in zip(docs, fold, strict=True) if g != f)
        for d in members:
            doc_rows(d, vocab, out)
    return out


def _kind_params(cfg: TrainConfig) -> dict[str, Any]:
    return {**_params(cfg), "num_leaves": 7, "min_data_in_leaf": 20, "learning_rate": 0.1}


def _params(cfg: TrainConfig) -> dict[str, Any]:
    return {**lgb_params(cfg), **cfg.extra}


class TreeSettings(Protocol):
    """The tree settings every cleaner trainer's config has (TrainConfig, DomTrainConfig)."""

    @property
    def leaves(self) -> int: ...
    @property
    def max_depth(self) -> int: ...
    @property
    def learning_rate(self) -> float: ...
    @property
    def min_data_in_leaf(self) -> int: ...
    @property
    def feature_fraction(self) -> float: ...
    @property
    def bagging_fraction(self) -> float: ...
    @property
    def lambda_l2(self) -> float: ...
    @property
    def seed(self) -> int: ...


def lgb_params(cfg: TreeSettings) -> dict[str, Any]:
    """LightGBM settings of every cleaner model: binary, deterministic, one thread (so the same
    data gives the same file byte for byte on any machine)."""
    return {
        "objective": "binary",
        "num_leaves": cfg.leaves,
        "max_depth": cfg.max_depth,
        "learning_rate": cfg.learning_rate,
        "min_data_in_leaf": cfg.min_data_in_leaf,
        "feature_fraction": cfg.feature_fraction,
        "bagging_fraction": cfg.bagging_fraction,
        "bagging_freq": 1,
        "lambda_l2": cfg.lambda_l2,
        "seed": cfg.seed,
        "deterministic": True,
        "force_row_wise": True,
        "num_threads": 1,
        "verbosity": -1,
    }


def _flatten(dump: Mapping[str, Any]) -> dict[str, list[Any]]:
    """LightGBM's nested tree dump as the flat node arrays of `cleaner.models.trees`."""
    feature: list[int] = []
    threshold: list[float] = []
    left: list[int] = []
    right: list[int] = []
    value: list[float] = []
    roots: list[int] = []

    def walk(node: Mapping[str, Any]) -> int:
        k = len(feature)
        feature.append(-1)
        threshold.append(0.0)
        left.append(-1)
        right.append(-1)
        if "split_index" not in node:
            value.append(float(node["leaf_value"]))
            return k
        if node["decision_type"] != "<=":
            raise ValueError(f"unsupported split {node['decision_type']!r}")
        value.append(float(node["internal_value"]))
        feature[k] = int(node["split_feature"])
        threshold[k] = float(node["threshold"])
        left[k] = walk(node["left_child"])
        right[k] = walk(node["right_child"])
        return k

    for tree in dump["tree_info"]:
        roots.append(walk(tree["tree_structure"]))
    return {"roots": roots, "feature": feature, "threshold": threshold, "left": left, "right": right, "value": value}


def fit(docs: Sequence[Doc], cfg: TrainConfig = TrainConfig()) -> dict[str, Any]:
    """Train on `docs`; return the model file's content (see `cleaner.models.line`)."""
    import lightgbm as lgb

    docs = sorted(docs, key=lambda d: (d.page_id, d.source))
    x, y, w, doc_x, doc_y = cross_fitted_rows(docs).arrays()
    # One member per seed: a retrain with another seed moved a page type's CV F1 by up to 0.0175
    # (bench/results/2026-12-05-forest.md); the mean of the members hangs less on one seed's luck.
    # Each member is the model one seed alone gives (its own Dataset: the seed also samples the bins).
    seeds = [cfg.seed + k for k in range(max(1, cfg.members))]
    members = []
    for seed in seeds:
        data = lgb.Dataset(x, label=y, weight=w, feature_name=list(FEATURE_NAMES), free_raw_data=False)
        booster = lgb.train(_params(replace(cfg, seed=seed)), data, num_boost_round=cfg.trees)
        members.append(_flatten(booster.dump_model()))
    # The kind trees too, one per seed: a text near the page-like cut is decided by their mean, not by
    # one seed's (a retrain moved a wcxb-dev extract from 0.77 to 0.81 against the 0.8 cut).
    kinds = []
    for seed in seeds:
        kind_data = lgb.Dataset(doc_x, label=doc_y, feature_name=list(DOC_NAMES), free_raw_data=False)
        kinds.append(lgb.train(_kind_params(replace(cfg, seed=seed)), kind_data, num_boost_round=KIND_TREES))
    kind_p = np.mean([np.asarray(k.predict(doc_x)) for k in kinds], axis=0)
    kind_accuracy = float(((kind_p >= 0.5) == (doc_y >= 0.5)).mean())
    vocab = learn_vocabulary(docs)
    sources = sorted({d.source for d in docs})
    card = {
        "data": {
            "pages": len({d.page_id for d in docs}),
            "domains": len({d.domain for d in docs}),
            "sources": sources,
            "rows": len(y),
            "boilerplate_rows": int(y.sum()),
            "documents": len(doc_y),
            "page_like_documents": int(doc_y.sum()),
            "page_like_sources": sorted(PAGE_SOURCES),
            "labels": "cleaner.learn.labels: word 4-gram share >= 0.8 article, <= 0.2 boilerplate",
        },
        "trainer": {
            "lightgbm": lgb.__version__,
            "numpy": np.__version__,
            "params": {k: v for k, v in sorted(_params(cfg).items())},
            "trees": cfg.trees,
            "seeds": seeds,
        },
        "vocabulary_size": len(vocab.log_odds),
        "kind_training_accuracy": round(kind_accuracy, 4),
    }
    return {
        "format": FORMAT,
        "version": MODEL_VERSION,
        "features": list(FEATURE_NAMES),
        "kind_features": list(DOC_NAMES),
        "kind_trees": _flatten(kinds[0].dump_model()),
        "threshold": cfg.threshold,
        "decision": cfg.decision,
        "cut_max": cfg.cut_max,
        "extract_threshold": cfg.extract_threshold,
        "page_cap": cfg.page_cap,
        "extract_cap": cfg.extract_cap,
        "page_like_at": cfg.page_like_at,
        "doubt_from": cfg.doubt_from,
        "doubt_cap": cfg.doubt_cap,
        "doubt_rule_lines": cfg.doubt_rule_lines,
        "card": card,
        "vocabulary": dict(sorted(vocab.log_odds.items())),
        "trees": members[0],
        "members": [
            {"trees": t, "kind_trees": _flatten(k.dump_model())} for t, k in zip(members[1:], kinds[1:], strict=True)
        ],
        **stopword_languages_entry(),
    }


def dumps(model: Mapping[str, Any]) -> str:
    """The model file's text: sorted keys, one line per array, floats as Python writes them."""
    return json.dumps(model, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n"


def train_command(
    data: Path,
    out: Path,
    *,
    ids: Iterable[str] | None = None,
    sources: Sequence[str] = SOURCES,
    jobs: int = 1,
    cfg: TrainConfig = TrainConfig(),
) -> dict[str, Any]:
    """Load the data, train, write `out` atomically, return the model. The file holds nothing
    that varies between runs (no dates, no paths beyond the data directory's name); the
    measured metrics and the date live in the model card next to it (MODEL_CARD.md)."""
    docs = list(load_docs(data, ids=sorted(ids) if ids is not None else None, sources=sources, jobs=jobs))
    model = fit(docs, cfg)
    model["card"]["data"]["path"] = data.name
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(dumps(model), encoding="utf-8")
    tmp.replace(out)
    return model
