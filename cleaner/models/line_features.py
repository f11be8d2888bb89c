"""The learned model's features: one row per visible non-blank line.

Two layers, so that each line's own features are computed once per document whatever the number
of passes:

* own-text features (`cleaner.models.line_text`: per line from its text alone, a document's lines
  at once): shape (length, words, end punctuation, capitals, digits, symbols), patterns (URL or
  e-mail, date or time, bullet, separators), function-word share, and the learned vocabulary's
  view of its words (`Vocabulary`: per-token log-odds of boilerplate vs article, learned from the
  training data). Their names are re-exported here.
* `context_features` (per pass, over the lines still visible): position from top and bottom,
  the rules' verdicts on the line and its neighbours, the neighbours' features, runs of short
  lines, where the article's prose core lies, the line's
  overlap with the document's prose vocabulary and with the title, repetition in the document.

Every value is a finite float; the model's trees only compare values with thresholds.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence

import numpy as np

# The own-text features; the names imported `as` themselves are re-exported (their old home).
from cleaner.models.line_text import _COL, _sample, own_features
from cleaner.models.line_text import DATE_RE as DATE_RE
from cleaner.models.line_text import LOCAL_NAMES as LOCAL_NAMES
from cleaner.models.line_text import SAMPLE_CHARS as SAMPLE_CHARS
from cleaner.models.line_text import SELF_NAMES as SELF_NAMES
from cleaner.models.line_text import SHAPE_CODE as SHAPE_CODE
from cleaner.models.line_text import VOCAB_NAMES as VOCAB_NAMES
from cleaner.models.line_text import Vocabulary as Vocabulary
from cleaner.models.line_text import code_kinds as code_kinds
from cleaner.models.line_text import local_features as local_features
from cleaner.topic import content_words, stopwords
from cleaner.types import Block, Category, Decision, Shape

# The rules' verdict as a number (the `rule` feature, here and in HTML mode's block model).
# Comment prompts were `promo` rules when the packaged models were trained: `comments` keeps
# promo's code, so their trees read the same values for the same lines.
_CODED = [c for c in Category if c is not Category.COMMENTS]
CATEGORY_CODE: dict[Category, float] = {c: float(_CODED.index(c) + 1) for c in _CODED}
CATEGORY_CODE[Category.COMMENTS] = CATEGORY_CODE[Category.PROMO]

_NEIGHBOUR = ("words_log", "end_sentence", "stopwords", "shape", "rule", "vocab_mean")
_NEAR = ("words_log", "vocab_mean")
CONTEXT_NAMES: tuple[str, ...] = (
    "rule",
    *(f"prev_{n}" for n in _NEIGHBOUR),
    *(f"next_{n}" for n in _NEIGHBOUR),
    *(f"prev2_{n}" for n in _NEAR),
    *(f"next2_{n}" for n in _NEAR),
    "blank_before",
    "blank_after",
    "pos_rel",
    "from_top_log",
    "from_bottom_log",
    "words_before",
    "short_run_log",
    "window_words",
    "window_vocab",
    "window_code",
    "rule_near",
    "core_before",
    "core_after",
    "prose_vocab",
    "title_sim",
    "repeats",
    "doc_lines_log",
    "doc_words_log",
    "doc_prose_share",
    "page_like",
)
# Whole-document features of the `kind` trees: is this the whole page as text, or an extract?
DOC_NAMES: tuple[str, ...] = (
    "lines_log",
    "words_log",
    "short_share",
    "prose_share",
    "prose_word_share",
    "vocab_mean",
    "top_short_share",
    "bottom_short_share",
    "url_date_share",
    "longest_short_run_log",
    "separators_share",
    "code_share",
)
EDGE_LINES = 20
FEATURE_NAMES: tuple[str, ...] = SELF_NAMES + CONTEXT_NAMES
SHORT_LINE_WORDS = 5
CORE_MIN_WORDS = 15
CORE_MIN_STOPWORDS = 0.2
CLIP = 30.0


def self_features(
    blocks: Sequence[Block], vocab: Vocabulary, cache: dict[str, np.ndarray] | None = None
) -> dict[int, np.ndarray]:
    """SELF_NAMES rows of the non-blank blocks, keyed by block index: computed once per document.

    A row depends on the line's text alone; `cache` (line text -> row) lets the pipeline's
    settle rounds, which clean the output of a clean again, reuse the rows of the lines they kept."""
    stop = stopwords()
    memo: dict[str, np.ndarray] = {} if cache is None else cache
    lines = [b for b in blocks if not b.blank]
    todo = list({b.text: b for b in lines if b.text not in memo}.values())
    if todo:
        memo.update(zip((b.text for b in todo), own_features(todo, stop, vocab), strict=True))
    return {b.index: memo[b.text] for b in lines}


class LazyRows(Mapping[int, np.ndarray]):
    """The model's per-line features of a document (`self_features`), computed on first use: a
    text the rules removed nothing from counts as an extract, and the model never reads them.
    `stack` gives the rows of many lines as one matrix (each pass asks for all it sees)."""

    def __init__(self, blocks: list[Block], vocab: Vocabulary, cache: dict[str, np.ndarray] | None) -> None:
        self._args = (blocks, vocab, cache)
        self._rows: dict[int, np.ndarray] | None = None
        self._matrix: np.ndarray | None = None
        self._at: dict[int, int] = {}

    def _get(self) -> dict[int, np.ndarray]:
        if self._rows is None:
            self._rows = self_features(*self._args)
        return self._rows

    def __getitem__(self, index: int) -> np.ndarray:
        return self._get()[index]

    def __iter__(self) -> Iterator[int]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())

    def stack(self, indices: Sequence[int]) -> np.ndarray:
        """`np.vstack([self[i] for i in indices])`, taken from one matrix of all the rows, made once."""
        if self._matrix is None:
            rows = self._get()
            self._at = {i: k for k, i in enumerate(rows)}
            self._matrix = np.vstack(list(rows.values())) if rows else np.zeros((0, len(SELF_NAMES)))
        at = self._at
        return self._matrix[[at[i] for i in indices]]


def stacked(rows: Mapping[int, np.ndarray], indices: Sequence[int]) -> np.ndarray:
    """The rows of `indices`, one matrix (`LazyRows.stack` where `rows` is one)."""
    if isinstance(rows, LazyRows):
        return rows.stack(indices)
    return np.vstack([rows[i] for i in indices])


def rule_codes(decisions: Mapping[int, Decision]) -> dict[int, float]:
    """Block index -> category code of the rule drops a pass sees (the `rule` feature)."""
    return {i: CATEGORY_CODE[d.category] for i, d in decisions.items() if d.dropped and d.category is not None}


def _shifted(col: np.ndarray, k: int, fill: float) -> np.ndarray:
    """col moved by k rows (k > 0: the value of the line k above), padded with `fill`."""
    out = np.full_like(col, fill)
    if k > 0:
        out[k:] = col[:-k]
    elif k < 0:
        out[:k] = col[-k:]
    return out


def _short_runs(short: np.ndarray) -> np.ndarray:
    """For each row, the length of the run of consecutive short rows it stands in (0 if long)."""
    n = len(short)
    out = np.zeros(n)
    i = 0
    while i < n:
        if not short[i]:
            i += 1
            continue
        j = i
        while j < n and short[j]:
            j += 1
        out[i:j] = j - i
        i = j
    return out


def _window_mean(col: np.ndarray, radius: int) -> np.ndarray:
    """Mean of `col` over the rows within `radius`, the row itself excluded."""
    n = len(col)
    csum = np.concatenate(([0.0], np.cumsum(col)))
    idx = np.arange(n)
    lo = np.maximum(idx - radius, 0)
    hi = np.minimum(idx + radius + 1, n)
    total = csum[hi] - csum[lo] - col
    count = hi - lo - 1
    return np.where(count > 0, total / np.maximum(count, 1), 0.0)


def doc_features(blocks: Sequence[Block], rows: Mapping[int, np.ndarray]) -> np.ndarray:
    """DOC_NAMES of the visible document: size, how much of it is short lines or prose,
    vocabulary, short lines at its edges (menus, footers), links, dates, separators and code.
    Not the rules' drops: a few removed lines made an extract look page-like to trees that had
    learned that extracts have none."""
    lines = [b for b in blocks if not b.blank]
    n = len(lines)
    if n == 0:
        return np.zeros(len(DOC_NAMES))
    words = np.array([float(b.words) for b in lines])
    total = float(words.sum()) or 1.0
    short = words <= SHORT_LINE_WORDS
    prose = np.array([b.shape is Shape.PROSE for b in lines])
    own = stacked(rows, [b.index for b in lines])
    runs = _short_runs(short)
    return np.array(
        [
            math.log1p(n),
            math.log1p(total),
            float(short.mean()),
            float(prose.mean()),
            float(words[prose].sum()) / total,
            float((own[:, _COL["vocab_mean"]] * words).sum()) / total,
            float(short[:EDGE_LINES].mean()),
            float(short[-EDGE_LINES:].mean()),
            float(np.maximum(own[:, _COL["url"]], own[:, _COL["date"]]).mean()),
            math.log1p(float(runs.max())),
            float((own[:, _COL["separators"]] > 0).mean()),
            float((own[:, _COL["code"]] >= 2).mean()),
        ]
    )


def context_features(
    blocks: Sequence[Block],
    rows: Mapping[int, np.ndarray],
    codes: Mapping[int, float],
    page_like: float = 0.0,
    title: str | None = None,
) -> tuple[list[int], np.ndarray]:
    """Full feature rows (FEATURE_NAMES) of the visible non-blank blocks, in order.

    `blocks` are the visible blocks of the document, blank lines included (they separate
    paragraphs); `rows` their self features; `codes` the rule drops among them
    (`rule_codes`); `page_like` the `kind` trees' verdict on the document (1.0: the whole page
    as text). Returns the block indices and the matrix.
    """
    order = [k for k, b in enumerate(blocks) if not b.blank]
    n = len(order)
    if n == 0:
        return [], np.zeros((0, len(FEATURE_NAMES)))
    indices = [blocks[k].index for k in order]
    own = stacked(rows, indices)
    code = np.array([codes.get(i, 0.0) for i in indices])
    cols: list[np.ndarray] = [code]
    for k in (1, -1):
        for name in _NEIGHBOUR:
            col = code if name == "rule" else own[:, _COL[name]]
            cols.append(_shifted(col, k, -1.0))
    for k in (2, -2):
        for name in _NEAR:
            cols.append(_shifted(own[:, _COL[name]], k, -1.0))
    # A blank line between this line and the previous (next) line with words: not a count, and
    # nothing before the first or after the last line, so that the same text with its blank runs
    # collapsed and its edges trimmed (a cleaned text) gives the same values.
    blank_before = np.array([float(r > 0 and order[r - 1] < k - 1) for r, k in enumerate(order)])
    blank_after = np.array([float(r + 1 < n and order[r + 1] > k + 1) for r, k in enumerate(order)])
    cols += [blank_before, blank_after]

    pos = np.arange(n, dtype=float)
    words = np.array([float(blocks[k].words) for k in order])
    total_words = float(words.sum()) or 1.0
    cols += [
        pos / max(n - 1, 1),
        np.log1p(pos),
        np.log1p(n - 1 - pos),
        (np.cumsum(words) - words) / total_words,
    ]
    cols.append(np.log1p(_short_runs(words <= SHORT_LINE_WORDS)))
    cols.append(_window_mean(own[:, _COL["words_log"]], 3))
    cols.append(_window_mean(own[:, _COL["vocab_mean"]], 3))
    cols.append(_window_mean(own[:, _COL["code"]], 3))
    rule = code > 0
    near = np.zeros(n)
    for k in (-2, -1, 1, 2):
        near = np.maximum(near, _shifted(rule.astype(float), k, 0.0))
    cols.append(near)

    stops = own[:, _COL["stopwords"]]
    core = np.flatnonzero((words >= CORE_MIN_WORDS) & (stops >= CORE_MIN_STOPWORDS) & ~rule)
    if len(core):
        cols.append(np.clip(core[0] - pos, -CLIP, CLIP))
        cols.append(np.clip(pos - core[-1], -CLIP, CLIP))
    else:
        cols += [np.full(n, CLIP), np.full(n, CLIP)]

    line_words = [content_words(_sample(blocks[k].text)) for k in order]
    prose = [blocks[k].shape is Shape.PROSE for k in order]
    prose_vocab: Counter[str] = Counter()
    for ws, is_prose in zip(line_words, prose, strict=True):
        if is_prose:
            prose_vocab.update(ws)
    title_words = content_words(title) if title else frozenset()
    shared = np.full(n, -1.0)
    title_sim = np.full(n, -1.0)
    for r, ws in enumerate(line_words):
        if len(ws) >= 2:
            own_line = 1 if prose[r] else 0
            shared[r] = sum(1 for w in ws if prose_vocab[w] - own_line > 0) / len(ws)
            if title_words:
                title_sim[r] = len(ws & title_words) / len(ws | title_words)
    cols += [shared, title_sim]
    norms = Counter(blocks[k].norm for k in order)
    cols.append(np.array([float(min(norms[blocks[k].norm] - 1, 5)) for k in order]))
    prose_words = float(sum(w for w, p in zip(words, prose, strict=True) if p))
    cols += [
        np.full(n, math.log1p(n)),
        np.full(n, math.log1p(total_words)),
        np.full(n, prose_words / total_words),
        np.full(n, page_like),
    ]
    return indices, np.hstack([own, np.column_stack(cols)])
