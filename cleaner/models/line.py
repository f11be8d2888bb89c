"""The learned line model at run time: a line's probability of being boilerplate, and its drops.

The model file (JSON, written by `cleaner.learn.train`) holds the feature names, the learned
vocabulary, the decision thresholds, a model card, and two tree ensembles in the flat format of
`cleaner.models.trees` (the line trees, and the kind trees that tell a whole page's text from an
extractor's output). The model may have members: the same setup trained with other seeds
(`members`, each with its `trees` and optionally its `kind_trees`), whose probabilities (and the
line trees' contributions) are averaged with the first's; a file without `members` is a model of one.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from cleaner.data import LINE_MODEL_FILE
from cleaner.models.cut import best_cut
from cleaner.models.line_features import (
    DOC_NAMES,
    FEATURE_NAMES,
    Vocabulary,
    context_features,
    doc_features,
    rule_codes,
)
from cleaner.models.trees import (
    ModelError,
    Trees,
    check_stopword_languages,
    mean_score_and_contributions_at,
    member_mean,
    read_model_json,
)
from cleaner.types import Action, Block, Category, Decision, Decisions, Shape, Stage, Strength

FORMAT = "cleaner-line-model/1"
DECISIONS = ("threshold", "expected_f1")
BUILTIN_FILE = LINE_MODEL_FILE


@dataclass(frozen=True, eq=False)
class LineModel:
    """A loaded model: `trees` score a line's probability of being boilerplate; `kind` scores
    how page-like a whole text is (the whole page as text, menus and all, rather than an
    extractor's output), which the line trees take as their `page_like` feature. `others`: more
    members (other seeds): a line's probability is the mean of the members', and so are its
    contributions; `kind_others`: their kind trees, whose probabilities are averaged the same way."""

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
    others: tuple[Trees, ...] = ()
    kind_others: tuple[Trees, ...] = ()
    # How a page-like text's cut is set: "threshold" (at `threshold`), or "expected_f1": the text's
    # own cut (`cleaner.models.cut.best_cut` over its lines' probabilities and words), never under
    # `threshold` nor over `cut_max`. A file written before this field has the first.
    decision: str = "threshold"
    cut_max: float = 0.5
    # A text the kind trees are less sure of (probability from `doubt_from`, under `page_like_at`)
    # still counts as page-like when the rules dropped at least `doubt_rule_lines` of its lines,
    # with the smaller word cap `doubt_cap`. A file written before these fields has no such band.
    doubt_from: float = 1.0
    doubt_cap: float = 0.0
    doubt_rule_lines: int = 0

    @property
    def rule_id(self) -> str:
        return f"model:{self.version}"

    @property
    def members(self) -> tuple[Trees, ...]:
        return (self.trees, *self.others)

    def raw(self, x: np.ndarray) -> np.ndarray:
        """The log-odds of `score` (one member: its trees' raw score)."""
        if not self.others:
            return self.trees.raw(x)
        p = self.score(x)
        out: np.ndarray = np.log(p) - np.log1p(-p)
        return out

    def score(self, x: np.ndarray) -> np.ndarray:
        """Each row's probability of boilerplate: the mean of the members'."""
        if not self.others:
            return self.trees.score(x)
        return member_mean([m.score(x) for m in self.members])

    def contributions(self, x: np.ndarray) -> np.ndarray:
        """Each row's per-feature contributions (Saabas): the mean of the members'."""
        if not self.others:
            return self.trees.contributions(x)
        return member_mean([m.contributions(x) for m in self.members])

    def score_and_contributions_at(
        self, x: np.ndarray, at: float | Callable[[np.ndarray], float]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`score(x)`, the rows scoring at or above `at`, and their `contributions`, from one walk
        of each member's trees."""
        return mean_score_and_contributions_at(self.members, x, at)

    def kind_probability(self, doc: np.ndarray) -> float:
        """The kind trees' probability that the document features `doc` (DOC_NAMES) are a whole
        page's text (the members' mean)."""
        row = doc[None, :]
        return float(member_mean([k.score(row) for k in (self.kind, *self.kind_others)])[0])

    def page_like(self, doc: np.ndarray) -> float:
        """1.0 when the document features `doc` (DOC_NAMES) look like a whole page's text."""
        return float(self.kind_probability(doc) >= self.page_like_at)

    def page_like_and_cap(self, doc: np.ndarray, rule_lines: int) -> tuple[float, float]:
        """Whether a text with rule drops (`rule_lines` of its lines, `doc` its DOC_NAMES) is
        page-like (1.0) or an extract (0.0), and the share of its words the model may take. A text
        the kind trees put just under `page_like_at`, in the doubtful band from `doubt_from`,
        counts as page-like when the rules found boilerplate on several of its lines: most such
        texts are whole pages (in CV on wcxb-dev: 170 of 1,497 whole-page texts, 15 of 2,994 extracts),
        and left to the rules they kept their menus. The smaller cap `doubt_cap` bounds what a
        misjudged extract can lose (bench/results/2026-12-05-line-doubt.md)."""
        p = self.kind_probability(doc)
        if p >= self.page_like_at:
            return 1.0, self.page_cap
        if p >= self.doubt_from and rule_lines >= self.doubt_rule_lines:
            return 1.0, self.doubt_cap
        return 0.0, self.extract_cap


def _optional_float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def _whole(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole number of lines, got {value!r}")
    return value


def from_dict(data: Mapping[str, object], source: str) -> LineModel:
    """Build a model from the parsed JSON; `source` names the file in errors."""
    if data.get("format") != FORMAT:
        raise ModelError(f"{source}: not a cleaner line model (format {data.get('format')!r}, want {FORMAT!r})")
    check_stopword_languages(data, source)
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
        members = data.get("members", [])  # none in a file written before models had members
        if not isinstance(members, list) or not all(isinstance(m, Mapping) and "trees" in m for m in members):
            raise ModelError(f"{source}: malformed model file (members: a list of objects, each with its trees)")
        if len({"kind_trees" in m for m in members}) > 1:
            raise ModelError(f"{source}: malformed model file (members: kind_trees in every member or in none)")
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
            decision=str(data.get("decision", "threshold")),
            cut_max=float(data.get("cut_max", data["threshold"])),  # type: ignore[arg-type]
            doubt_from=float(data.get("doubt_from", 1.0)),  # type: ignore[arg-type]
            doubt_cap=float(data.get("doubt_cap", 0.0)),  # type: ignore[arg-type]
            doubt_rule_lines=_whole(data.get("doubt_rule_lines", 0), "doubt_rule_lines"),
            trees=Trees.of(trees, len(features), source, "trees"),
            kind=Trees.of(kind, len(kind_features), source, "kind_trees"),
            card=card,
            others=tuple(
                Trees.of(m["trees"], len(features), source, f"members[{k}].trees") for k, m in enumerate(members)
            ),
            kind_others=tuple(
                Trees.of(m["kind_trees"], len(kind_features), source, f"members[{k}].kind_trees")
                for k, m in enumerate(members)
                if "kind_trees" in m
            ),
        )
    except ModelError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"{source}: malformed model file ({type(exc).__name__}: {exc})") from None
    if model.decision not in DECISIONS:
        raise ModelError(f"{source}: decision must be one of {', '.join(DECISIONS)}, got {model.decision!r}")
    if not model.threshold <= model.cut_max < 1.0:
        raise ModelError(f"{source}: cut_max must lie between the threshold and 1, got {model.cut_max}")
    band = ("doubt_from", "doubt_cap", "doubt_rule_lines")
    if any(k in data for k in band) and not (
        0.0 < model.doubt_from <= model.page_like_at and 0.0 < model.doubt_cap <= 1.0
    ):
        raise ModelError(
            f"{source}: a band needs doubt_from between 0 and page_like_at and doubt_cap between 0 and 1, "
            f"got {model.doubt_from} and {model.doubt_cap}" + "".join(f"; {k} missing" for k in band if k not in data)
        )
    for name in ("threshold", "extract_threshold", "page_cap", "extract_cap", "page_like_at"):
        value = getattr(model, name)
        if value is None and name == "extract_threshold":
            continue  # the model leaves extractors' outputs to the rules
        if not math.isfinite(value) or not 0.0 < value <= 1.0 or (value == 1.0 and "threshold" in name):
            raise ModelError(f"{source}: {name} must lie between 0 and 1, got {value}")
    return model


@functools.lru_cache(maxsize=8)
def load_line_model(spec: str) -> LineModel | None:
    """`"builtin"`: the packaged model; `"off"`: no model; anything else: a model file's path."""
    found = read_model_json(spec, BUILTIN_FILE)
    return None if found is None else from_dict(*found)


def top_signals(names: Sequence[str], contrib: np.ndarray, k: int = 3, order: np.ndarray | None = None) -> list[str]:
    """Plain words for the (up to) k features that pushed hardest towards boilerplate, strongest
    first; features that share a description count once. `order`: `contrib`'s stable descending
    argsort, when the caller sorted many rows at once."""
    if order is None:
        order = np.argsort(-contrib, kind="stable")  # strongest first; ties in feature order
    values = contrib.tolist()
    out: list[str] = []
    for f in order.tolist():
        if values[f] <= 0 or len(out) == k:
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
    the text is page-like, and how many words it may take in all (its cap of what the rules left).
    Drops that would go over the cap are refused where they would also go over the page cap
    (`LineModel.page_cap` of the words the rules left: the model would take most of the text);
    under it (a text in the doubtful band, whose cap is smaller) the surest of them that fit are
    taken (`within_budget`)."""

    page_like: float | None = None
    cap: float = 0.0  # the share of `words` the model may take
    words: int = 0  # the words the rules left in the first pass (the caps' base)
    used: int = 0
    # The (page_like, cap) verdict made on the text as the user gave it, when the pass reads it in
    # another form (`cleaner.fragmented`: a sentence a line); None: made on the pass's own view.
    given: tuple[float, float] | None = None


def verdict(model: LineModel, view: Sequence[Block], rows: Mapping[int, np.ndarray], codes: int) -> tuple[float, float]:
    """(page_like, cap) of a document's first pass: the kind trees' verdict on the text's shape,
    and boilerplate the rules found (`codes`: the lines they dropped). The whole page as text
    always carries some (98 % of wcxb-dev pages), most extracts none (79 %), and an extract the
    kind trees misjudge loses whole paragraphs."""
    if codes:
        return model.page_like_and_cap(doc_features(view, rows), codes)
    return 0.0, model.extract_cap


def text_cut(p: np.ndarray, words: np.ndarray, low: float, high: float) -> float:
    """A page-like text's cut: the probability from which its lines go so that its expected word F1
    is highest (`best_cut` of their keep-probabilities), within [low, high]. On a text whose lines
    the model is unsure of, the cut rises: keeping a doubtful paragraph costs less than losing it.
    In CV on wcxb-dev the cut found lies under the model's threshold on almost no page (bounding
    it below changed nothing) and over 0.7 on few (bench/results/2026-12-05-line-cut.md)."""
    # Just over 1 - q: the line whose keep-probability is the cut itself stays.
    return min(max(1.0 - best_cut(1.0 - p, words) + 1e-12, low), high)


def within_budget(p: np.ndarray, words: Sequence[int], room: float) -> list[int]:
    """Which of the hits (their probabilities `p` and words, in row order) fit in `room` words,
    taken the surest first (ties in row order) up to the first that does not fit: their
    positions, in row order."""
    kept: list[int] = []
    for k in sorted(range(len(words)), key=lambda k: -p[k]):
        if words[k] > room:
            break
        room -= words[k]
        kept.append(k)
    return sorted(kept)


def line_drops(
    model: LineModel,
    view: Sequence[Block],
    rows: Mapping[int, np.ndarray],
    dropped: Mapping[int, Decision],
    threshold: float | None = None,
    title: str | None = None,
    state: DocState | None = None,
) -> Decisions:
    """The model's drops among the visible lines of one pass that no rule dropped.

    `view`: the lines the pass sees (blank ones included); `rows`: their self features
    (`self_features`); `dropped`: the rules' drops in this view, which stay in place as context;
    `state`: shared by the passes over one document (a fresh one: this pass is the first).
    """
    state = state if state is not None else DocState()
    codes = rule_codes(dropped)
    by_index = {b.index: b for b in view}
    if state.page_like is None:
        state.page_like, state.cap = state.given or verdict(model, view, rows, len(codes))
        state.words = sum(b.words for b in view if not b.blank and b.index not in dropped)
    page_like = state.page_like
    cut = threshold if threshold is not None else model.threshold if page_like else model.extract_threshold
    if cut is None:
        return {}  # an extractor's output: this model leaves it to the rules
    indices, x = context_features(view, rows, codes, page_like, title)
    if not indices:
        return {}
    # Only the lines no rule dropped can become drops: the others are context, never scored.
    open_rows = np.array([r for r, i in enumerate(indices) if i not in dropped], dtype=np.int64)
    at: float | Callable[[np.ndarray], float] = cut
    if page_like and threshold is None and model.decision == "expected_f1":
        words = np.array([by_index[indices[r]].words for r in open_rows], dtype=np.float64)
        at = functools.partial(text_cut, words=words, low=model.threshold, high=model.cut_max)
    p_open, picked, contrib = model.score_and_contributions_at(x[open_rows], at)
    if not len(picked):
        return {}
    hits = open_rows[picked].tolist()
    p = np.zeros(len(indices))
    p[open_rows] = p_open
    taken = sum(by_index[indices[r]].words for r in hits)
    if state.used + taken > state.cap * state.words:
        if state.used + taken > model.page_cap * state.words:
            return {}  # the model would take most of the text: its view of this document is not to be trusted
        # Over a smaller cap (the doubtful band's) but not over the page cap: the most sure lines that fit.
        fit = within_budget(p[hits], [by_index[indices[r]].words for r in hits], state.cap * state.words - state.used)
        if not fit:
            return {}
        hits, contrib = [hits[k] for k in fit], contrib[fit]
        taken = sum(by_index[indices[r]].words for r in hits)
    state.used += taken
    kinds = [d.category if (d := dropped.get(i)) is not None else None for i in indices]
    before, after = FEATURE_NAMES.index("core_before"), FEATURE_NAMES.index("core_after")
    out: Decisions = {}
    orders = np.argsort(-contrib, axis=1, kind="stable")  # each row's as top_signals sorts it
    for k, r in enumerate(hits):
        block = by_index[indices[r]]
        signals = top_signals(model.features, contrib[k], order=orders[k])
        reason = f"line model: boilerplate with probability {p[r]:.2f}; it weighed most: {'; '.join(signals)}"
        category = _category(r, kinds, block, x[r, before], x[r, after])
        out[block.index] = Decision(
            Action.DROP, Stage.MODEL, model.rule_id, reason, category, Strength.WEAK, round(float(p[r]), 4)
        )
    return out
