"""The learned line model at run time: a gradient-boosted tree ensemble evaluated with numpy.

The model file (JSON, written by `cleaner.learn.train`) holds the feature names, the learned
vocabulary, the decision threshold, a model card, and the trees as flat arrays: node `k` is a
split (`feature[k] >= 0`: go to `left[k]` when `x[feature[k]] <= threshold[k]`, else
`right[k]`) or a leaf (`feature[k] == -1`). `value[k]` is the node's output: the leaf value, or
for a split the mean output of the rows that reached it in training, which is what the
per-feature contributions behind every explanation are computed from (each step down a tree
credits its feature with the change of value).

All trees are walked at once: one (lines x trees) array of node ids, advanced level by level,
so scoring a document costs a few dozen numpy operations whatever its length.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from cleaner.learn.features import DOC_NAMES, FEATURE_NAMES, Vocabulary, context_features, doc_features, rule_codes
from cleaner.types import Action, Block, Category, Decision, Shape, Stage, Strength

FORMAT = "cleaner-line-model/1"
BUILTIN = "builtin"
BUILTIN_FILE = "line_model.json"
# Rows scored at a time. The walk's working set is rows x trees: at 512 rows (300 trees) it stays
# in cache; 2048 rows ran 2.6x slower per row on one large document (measured, bench notes).
CHUNK = 512
# Bounds on a model file, far above any trained one (300 trees of depth 8, 18,300 nodes): the walk's
# buffers take ~40 bytes x CHUNK x trees (5,000 trees: 100 MB), each row takes `depth` steps.
MAX_TREES = 5_000
MAX_NODES = 2_000_000
MAX_DEPTH = 64
_TWICE = "a node is reached twice (a cycle, or trees that share nodes)"


class ModelError(ValueError):
    """A model file is missing, unreadable or not a cleaner line model; the message names it."""


@dataclass(frozen=True, eq=False)
class Trees:
    """One tree ensemble as flat node arrays (see the module docstring)."""

    roots: np.ndarray
    feature: np.ndarray
    split: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    width: int  # the number of features of a row
    base: float = 0.0

    @classmethod
    def of(cls, data: Mapping[str, object], width: int, source: str, what: str) -> Trees:
        """The trees of a model file's `data[what]`, checked first: a bad file is one ModelError
        naming it, never a traceback or an allocation that fails on every document."""

        def bad(problem: str) -> ModelError:
            return ModelError(f"{source}: malformed model file ({what}: {problem})")

        def arr(key: str, kinds: str, dtype: type) -> np.ndarray:
            if key not in data:
                raise bad(f"no {key!r}")
            try:
                found = np.asarray(data[key])
            except ValueError:  # ragged nesting
                found = np.zeros((0, 0))
            if found.ndim != 1 or (found.size and found.dtype.kind not in kinds):
                raise bad(f"{key} must be an array of {'whole numbers' if kinds == 'iu' else 'numbers'}")
            return found.astype(dtype)

        if not isinstance(data, Mapping):
            raise bad("not an object")
        roots, feature, left, right = (arr(k, "iu", np.int64) for k in ("roots", "feature", "left", "right"))
        split, value = arr("threshold", "iuf", np.float64), arr("value", "iuf", np.float64)
        n = len(feature)
        if {len(split), len(left), len(right), len(value)} != {n}:
            raise bad("node arrays disagree")
        # The walk holds CHUNK x trees node ids, and renumbering visits every node in Python.
        if not 0 < len(roots) <= min(n, MAX_TREES) or n > MAX_NODES:
            raise bad(f"{len(roots)} trees of {n} nodes; at most {MAX_TREES} trees, {MAX_NODES} nodes")
        if len(np.unique(roots)) != len(roots):
            raise bad("two trees share a root")
        inner = feature >= 0
        for ids in (roots, left[inner], right[inner]):
            if ids.size and (ids.min() < 0 or ids.max() >= n):
                raise bad("a node index is out of range")
        if inner.any() and feature[inner].max() >= width:
            raise bad("a feature index is out of range")
        if not np.isfinite(value).all() or np.isnan(split).any():
            raise bad("a value is not a finite number")
        try:
            return cls(roots, feature, split, left, right, value, width)
        except RecursionError as exc:
            raise bad(str(exc)) from None

    def __post_init__(self) -> None:
        # Renumbered for the walk: each split's two children are adjacent (right = left + 1), and
        # a leaf is its own child with threshold +inf, so a step is `child[node] + (x > split)`
        # and every row takes exactly `depth` steps.
        order: list[int] = []
        child: dict[int, int] = {}
        level = [int(r) for r in self.roots]
        order.extend(level)
        depth = 0
        while True:
            nxt: list[int] = []
            for k in level:
                if self.feature[k] >= 0:
                    child[k] = len(order) + len(nxt)
                    nxt += [int(self.left[k]), int(self.right[k])]
            if not nxt:
                break
            depth += 1
            if len(order) + len(nxt) > len(self.feature):
                raise RecursionError(_TWICE)
            if depth > MAX_DEPTH:
                raise RecursionError(f"a tree is deeper than {MAX_DEPTH} levels")
            order.extend(nxt)
            level = nxt
        new = np.asarray(order, dtype=np.int64)
        if len(np.unique(new)) != len(new):
            raise RecursionError(_TWICE)
        inner = self.feature[new] >= 0
        position = np.arange(len(new))
        kids = np.array([child.get(int(k), -1) for k in new], dtype=np.int64)
        # int32 node tables: half the memory traffic of the walk's gathers (node ids < 2**31).
        object.__setattr__(self, "_roots", position[: len(self.roots)].astype(np.int32))
        object.__setattr__(self, "_feature", np.where(inner, self.feature[new], 0).astype(np.int32))
        object.__setattr__(self, "_split", np.where(inner, self.split[new], np.inf))
        object.__setattr__(self, "_child", np.where(inner, kids, position).astype(np.int32))
        object.__setattr__(self, "_value", self.value[new])
        object.__setattr__(self, "depth", depth)

    def _walk(self, x: np.ndarray, contrib: np.ndarray | None = None) -> np.ndarray:
        """The leaf each row reaches in each tree (in the walk's numbering: index `_value`);
        with `contrib`, add each split's change of value to its feature's column (Saabas)."""
        feature: np.ndarray = self._feature  # type: ignore[attr-defined]
        split: np.ndarray = self._split  # type: ignore[attr-defined]
        child: np.ndarray = self._child  # type: ignore[attr-defined]
        value: np.ndarray = self._value  # type: ignore[attr-defined]
        roots: np.ndarray = self._roots  # type: ignore[attr-defined]
        width = x.shape[1]
        flat = np.ascontiguousarray(x).ravel()
        shape = (len(x), len(roots))
        base = (np.arange(len(x), dtype=np.int32) * np.int32(width))[:, None]
        nodes = np.broadcast_to(roots, shape).copy()
        # One set of buffers for every level: np.take into them allocates nothing per step.
        cell, seen = np.empty(shape, np.int32), np.empty(shape)
        right, nxt = np.empty(shape, bool), np.empty_like(nodes)
        cells = contrib.size if contrib is not None else 0
        for _ in range(self.depth):  # type: ignore[attr-defined]
            np.take(feature, nodes, out=cell)
            cell += base  # the (row, feature) cell each node reads
            np.take(flat, cell, out=seen)
            np.greater(seen, np.take(split, nodes), out=right)
            np.take(child, nodes, out=nxt)
            nxt += right
            if contrib is not None:
                # Sum each split's change of value into its (row, feature) cell.
                gain = np.bincount(cell.ravel(), (value[nxt] - value[nodes]).ravel(), cells)
                contrib += gain.reshape(contrib.shape)
            nodes, nxt = nxt, nodes
        return nodes

    def raw(self, x: np.ndarray) -> np.ndarray:
        """The ensemble's raw score (log-odds) for each row of `x`, CHUNK rows at a time (the
        node array is rows x trees: memory stays flat however long the document)."""
        out = np.zeros(len(x))
        for start in range(0, len(x), CHUNK):
            part = x[start : start + CHUNK]
            leaves = self._walk(part)
            out[start : start + len(part)] = self._value[leaves].sum(axis=1) + self.base  # type: ignore[attr-defined]
        return out

    def raw_and_contributions(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`raw(x)` and `contributions(x)` from one walk of the trees."""
        raw = np.zeros(len(x))
        out = np.zeros((len(x), self.width))
        for start in range(0, len(x), CHUNK):
            leaves = self._walk(x[start : start + CHUNK], out[start : start + CHUNK])
            raw[start : start + len(leaves)] = self._value[leaves].sum(axis=1) + self.base  # type: ignore[attr-defined]
        return raw, out

    def score(self, x: np.ndarray) -> np.ndarray:
        """The probability of the positive class for each row of `x`."""
        p: np.ndarray = 1.0 / (1.0 + np.exp(-self.raw(x)))
        return p

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """Per-feature contributions to each row's raw score (Saabas: each split's change of
        value, credited to the split's feature); a (rows x features) array. With the roots'
        values and `base` they add up to `raw`."""
        out = np.zeros((len(x), self.width))
        for start in range(0, len(x), CHUNK):
            self._walk(x[start : start + CHUNK], out[start : start + CHUNK])
        return out


@dataclass(frozen=True, eq=False)
class LineModel:
    """A loaded model: `trees` score a line's probability of being boilerplate; `kind` scores
    how page-like a whole text is (the whole page as text, menus and all, rather than an
    extractor's output), which the line trees take as their `page_like` feature."""

    version: str
    features: tuple[str, ...]
    vocabulary: Vocabulary
    threshold: float  # drop at or above this probability on a page-like text ...
    extract_threshold: float | None  # ... and at or above this one on an extractor's output (None: never)
    page_cap: float  # abstain on a page-like text when the drops would take more than this share of its words
    extract_cap: float  # the same on an extractor's output
    page_like_at: float  # the `kind` trees' probability from which a text counts as page-like
    trees: Trees
    kind: Trees
    card: Mapping[str, object]

    @property
    def rule_id(self) -> str:
        return f"model:{self.version}"

    def raw(self, x: np.ndarray) -> np.ndarray:
        return self.trees.raw(x)

    def score(self, x: np.ndarray) -> np.ndarray:
        return self.trees.score(x)

    def contributions(self, x: np.ndarray) -> np.ndarray:
        return self.trees.contributions(x)

    def page_like(self, doc: np.ndarray) -> float:
        """1.0 when the document features `doc` (DOC_NAMES) look like a whole page's text."""
        return float(self.kind.score(doc[None, :])[0] >= self.page_like_at)


def _optional_float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def from_dict(data: Mapping[str, object], source: str) -> LineModel:
    """Build a model from the parsed JSON; `source` names the file in errors."""
    if data.get("format") != FORMAT:
        raise ModelError(f"{source}: not a cleaner line model (format {data.get('format')!r}, want {FORMAT!r})")
    try:
        features = tuple(str(f) for f in data["features"])  # type: ignore[attr-defined]
        kind_features = tuple(str(f) for f in data["kind_features"])  # type: ignore[attr-defined]
        if features != FEATURE_NAMES or kind_features != DOC_NAMES:
            raise ModelError(
                f"{source}: the model was trained on other features than this version of cleaner computes; "
                "retrain it with `cleaner train`"
            )
        trees, kind, vocab, card = data["trees"], data["kind_trees"], data["vocabulary"], data.get("card", {})
        if not all(isinstance(v, Mapping) for v in (trees, kind, vocab, card)):
            raise TypeError("trees, kind_trees, vocabulary and card must be objects")
        assert isinstance(trees, Mapping) and isinstance(kind, Mapping)
        assert isinstance(vocab, Mapping) and isinstance(card, Mapping)
        model = LineModel(
            version=str(data["version"]),
            features=features,
            vocabulary=Vocabulary({str(k): float(v) for k, v in vocab.items()}),
            threshold=float(data["threshold"]),  # type: ignore[arg-type]
            extract_threshold=_optional_float(data["extract_threshold"]),
            page_cap=float(data["page_cap"]),  # type: ignore[arg-type]
            extract_cap=float(data["extract_cap"]),  # type: ignore[arg-type]
            page_like_at=float(data["page_like_at"]),  # type: ignore[arg-type]
            trees=Trees.of(trees, len(features), source, "trees"),
            kind=Trees.of(kind, len(kind_features), source, "kind_trees"),
            card=card,
        )
    except ModelError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{source}: malformed model file ({type(exc).__name__}: {exc})") from None
    for name in ("threshold", "extract_threshold", "page_cap", "extract_cap", "page_like_at"):
        value = getattr(model, name)
        if value is None and name == "extract_threshold":
            continue  # the model leaves extractors' outputs to the rules
        if not math.isfinite(value) or not 0.0 < value <= 1.0 or (value == 1.0 and "threshold" in name):
            raise ModelError(f"{source}: {name} must lie between 0 and 1, got {value}")
    return model


@functools.lru_cache(maxsize=8)
def load(spec: str) -> LineModel | None:
    """`"builtin"`: the packaged model; `"off"`: no model; anything else: a model file's path."""
    found = read_model_json(spec, BUILTIN_FILE)
    return None if found is None else from_dict(*found)


def read_model_json(spec: str, builtin_file: str) -> tuple[Mapping[str, object], str] | None:
    """A model file's parsed JSON and the name to use in errors: `spec` "off" gives None,
    "builtin" the packaged `builtin_file` (None when the checkout has none), else a path.
    ModelError names the file and what is wrong with it."""
    if spec == "off":
        return None
    if spec == BUILTIN:
        source = f"cleaner/data/{builtin_file}"
        try:
            text = resources.files("cleaner.data").joinpath(builtin_file).read_text(encoding="utf-8")
        except (FileNotFoundError, ModuleNotFoundError):
            return None  # a checkout before the model was trained
    else:
        source = spec
        try:
            text = Path(spec).read_text(encoding="utf-8")
        except OSError as exc:
            raise ModelError(f"{spec}: cannot read the model file ({exc.strerror or exc})") from None
        except UnicodeDecodeError:
            raise ModelError(f"{spec}: not a model file (not UTF-8 JSON)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelError(f"{source}: not a model file (invalid JSON: {exc})") from None
    except RecursionError:
        raise ModelError(f"{source}: not a model file (JSON nested too deeply)") from None
    if not isinstance(data, dict):
        raise ModelError(f"{source}: not a model file (JSON is not an object)")
    return data, source


def top_signals(names: Sequence[str], contrib: np.ndarray, k: int = 3) -> list[str]:
    """Plain words for the (up to) k features that pushed hardest towards boilerplate, strongest
    first; features that share a description count once."""
    order = np.argsort(-contrib, kind="stable")  # strongest first; ties in feature order
    out: list[str] = []
    for f in order.tolist():
        if contrib[f] <= 0 or len(out) == k:
            break
        words = SIGNALS.get(names[f], names[f].replace("_", " "))
        if words not in out:
            out.append(words)
    return out


# What each feature means in an explanation ("the model dropped this line: short line, ...").
SIGNALS: dict[str, str] = {
    "chars_log": "its length",
    "words_log": "its word count",
    "end_sentence": "its end punctuation",
    "end_colon": "its end punctuation",
    "end_other": "its end punctuation",
    "title_case": "its capitalised words",
    "upper": "its capital letters",
    "digits": "its digits",
    "symbols": "its symbols",
    "url": "a URL or e-mail",
    "date": "a date or time",
    "bullet": "a list marker",
    "separators": "separators (| · › /)",
    "stopwords": "its share of function words",
    "word_len": "its word lengths",
    "commas": "its commas",
    "quoted": "quotation marks",
    "shape": "its shape",
    "code": "its look of source code",
    "vocab_mean": "its words (learned vocabulary)",
    "vocab_min": "its words (learned vocabulary)",
    "vocab_max": "its words (learned vocabulary)",
    "vocab_first": "its first word (learned vocabulary)",
    "vocab_known": "its words (learned vocabulary)",
    "rule": "the rules' verdict on it",
    "blank_before": "the blank lines around it",
    "blank_after": "the blank lines around it",
    "pos_rel": "its position",
    "from_top_log": "its distance from the top",
    "from_bottom_log": "its distance from the bottom",
    "words_before": "its position",
    "short_run_log": "the run of short lines it stands in",
    "window_words": "the lengths of the lines around it",
    "window_vocab": "the words of the lines around it",
    "window_code": "source code around it",
    "rule_near": "removed lines next to it",
    "core_before": "where it stands from the article's prose",
    "core_after": "where it stands from the article's prose",
    "prose_vocab": "its overlap with the article's words",
    "title_sim": "its overlap with the title",
    "repeats": "its repetition in the page",
    "doc_lines_log": "the page's size",
    "doc_words_log": "the page's size",
    "doc_prose_share": "the page's share of prose",
}
for _side, _where in (("prev", "the line above"), ("next", "the line below")):
    for _n in ("words_log", "end_sentence", "stopwords", "shape", "rule", "vocab_mean"):
        SIGNALS[f"{_side}_{_n}"] = _where
        SIGNALS[f"{_side}2_{_n}"] = _where.replace("the line", "the lines")


def _category(pos: int, kinds: Sequence[Category | None], block: Block, before: float, after: float) -> Category:
    """A model drop's category: that of a rule drop within two lines, else from where it stands
    relative to the article's prose (`before`/`after`: the core_before/core_after features)."""
    for step in (1, 2):
        for near in (pos - step, pos + step):
            if 0 <= near < len(kinds) and (kind := kinds[near]) is not None:
                return kind
    if before > 0:  # above the prose: mastheads, menus, breadcrumbs, bylines
        return Category.NAVIGATION
    if after > 0:  # below it: other stories' headlines, footers
        return Category.RELATED if block.shape is Shape.HEADLINE else Category.NAVIGATION
    return Category.RELATED if block.shape is Shape.HEADLINE else Category.CAPTION


@dataclass
class DocState:
    """What the model settles on in a document's first pass and keeps for the later ones: whether
    the text is page-like, and how many words it may take in all (its cap of what the rules left)."""

    page_like: float | None = None
    budget: float = 0.0
    used: int = 0


def decide(
    model: LineModel,
    view: Sequence[Block],
    rows: Mapping[int, np.ndarray],
    dropped: Mapping[int, Decision],
    threshold: float | None = None,
    title: str | None = None,
    state: DocState | None = None,
) -> dict[int, Decision]:
    """The model's drops among the visible lines of one pass that no rule dropped.

    `view`: the lines the pass sees (blank ones included); `rows`: their self features
    (`self_features`); `dropped`: the rules' drops in this view, which stay in place as context;
    `state`: shared by the passes over one document (a fresh one: this pass is the first).
    """
    state = state if state is not None else DocState()
    codes = rule_codes(dropped)
    by_index = {b.index: b for b in view}
    if state.page_like is None:
        # Page-like takes the kind trees' verdict on the text's shape, and boilerplate the rules
        # found: the whole page as text always carries some (98 % of wcxb-dev pages), most
        # extracts none (79 %), and an extract the kind trees misjudge loses whole paragraphs.
        state.page_like = model.page_like(doc_features(view, rows)) if codes else 0.0
        cap = model.page_cap if state.page_like else model.extract_cap
        state.budget = cap * sum(b.words for b in view if not b.blank and b.index not in dropped)
    page_like = state.page_like
    cut = threshold if threshold is not None else model.threshold if page_like else model.extract_threshold
    if cut is None:
        return {}  # an extractor's output: this model leaves it to the rules
    indices, x = context_features(view, rows, codes, page_like, title)
    if not indices:
        return {}
    p = model.score(x)
    hits = [r for r, i in enumerate(indices) if p[r] >= cut and i not in dropped]
    if not hits:
        return {}
    taken = sum(by_index[indices[r]].words for r in hits)
    if state.used + taken > state.budget:
        return {}  # the model would take most of the text: its view of this document is not to be trusted
    state.used += taken
    contrib = model.contributions(x[hits])
    kinds = [d.category if (d := dropped.get(i)) is not None else None for i in indices]
    before, after = FEATURE_NAMES.index("core_before"), FEATURE_NAMES.index("core_after")
    out: dict[int, Decision] = {}
    for k, r in enumerate(hits):
        block = by_index[indices[r]]
        signals = top_signals(model.features, contrib[k])
        reason = f"line model: boilerplate with probability {p[r]:.2f}; it weighed most: {'; '.join(signals)}"
        category = _category(r, kinds, block, x[r, before], x[r, after])
        out[block.index] = Decision(
            Action.DROP, Stage.MODEL, model.rule_id, reason, category, Strength.WEAK, round(float(p[r]), 4)
        )
    return out
