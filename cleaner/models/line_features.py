"""The learned model's features: one row per visible non-blank line.

Two layers, so that each line's own features are computed once per document whatever the number
of passes:

* `local_features` (per line, from its text alone): shape (length, words, end punctuation,
  capitals, digits, symbols), patterns (URL or e-mail, date or time, bullet, separators),
  function-word share, and the learned vocabulary's view of its words
  (`Vocabulary`: per-token log-odds of boilerplate vs article, learned from the training data).
* `context_features` (per pass, over the lines still visible): position from top and bottom,
  the rules' verdicts on the line and its neighbours, the neighbours' features, runs of short
  lines, where the article's prose core lies, the line's
  overlap with the document's prose vocabulary and with the title, repetition in the document.

Every value is a finite float; the model's trees only compare values with thresholds.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from cleaner.segment import WORD_RE
from cleaner.topic import content_words, stopwords
from cleaner.types import Block, Category, Decision, Shape

_URL = re.compile(r"https?://|www\.|\S@\S+\.\w|\.(?:com|org|net|html?)\b", re.IGNORECASE)
DATE_RE = re.compile(
    r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b|\b(?:19|20)\d\d\b|\b\d+\s?(?:min|h|hrs?|hours?|days?|mins?)\b",
    re.IGNORECASE,
)
# Source code (answers, docs and tutorials quote it; whole-page text also carries script residue):
# each pattern is one kind of evidence, and a line's `code` value counts the kinds it shows.
_CODE = tuple(
    re.compile(p)
    for p in (
        r"[;{}]\s*$",  # statement or block end
        r"^\s*(?:def|class|import|from|return|print|var|let|const|function|elif|else|try|except|catch|"
        r"public|private|static|void|func|fn|package|using|#include|async|await|yield|lambda)\b",
        # A call. Tried only where a word starts, taking its letters whole (the match is group 1,
        # from its first ASCII letter, as before): a word of 9,990 letters before " ( )" made the old
        # `[A-Za-z_]\w*\(` rescan the word from each letter, 2 s for ten such lines.
        r"(?<!\w)[^\WA-Za-z_]*+([A-Za-z_]\w*+\([^()]*+\))",
        r"\w\.\w+\(",  # a method call
        r"(?:^|\s)(?:[-+*/%|&]?=|==|!=|<=|>=|->|=>|::|&&|\|\|)(?:\s|$)",  # assignment or operator
        r"^\s*(?:#|//|/\*|<!--)",  # a comment
        r"[\[\]{}]",  # brackets
    )
)
# The characters without which each _CODE pattern cannot match (None: always try it): a line of
# prose is then cleared with a few `in` tests instead of seven regex searches. Same counts.
_CODE_NEEDS: tuple[tuple[str, ...] | None, ...] = (
    (";", "{", "}"),
    None,
    ("(",),
    ("(",),
    ("=", ">", ":", "&", "|"),
    ("#", "/", "<"),
    ("[", "]", "{", "}"),
)
_CODE_ALSO: tuple[str | None, ...] = (None, None, ")", ".", None, None, None)  # and this one too


def code_kinds(text: str) -> int:
    """How many kinds of source-code evidence (_CODE) the text shows."""
    n = 0
    for pattern, needs, also in zip(_CODE, _CODE_NEEDS, _CODE_ALSO, strict=True):
        if needs is not None and not any(c in text for c in needs):
            continue
        if also is not None and also not in text:
            continue
        if pattern.search(text):
            n += 1
    return n


_BULLETS = frozenset("-*•·●▪►▶→>»›+–—")
_SEPARATORS = frozenset("|·•›»/")
_QUOTES = frozenset("\"'“”„«»‘’")
_SENTENCE_END = frozenset(".!?…")
_CLOSERS = "\"')]”’»"
_ASCII = [chr(i) for i in range(128)]
_ASCII_LETTERS = "".join(c for c in _ASCII if c.isalpha()).encode()
_ASCII_UPPER = "".join(c for c in _ASCII if c.isupper()).encode()
_ASCII_DIGITS = "".join(c for c in _ASCII if c.isdigit()).encode()
_ASCII_SPACES = "".join(c for c in _ASCII if c.isspace()).encode()
SHAPE_CODE = {Shape.BLANK: 0.0, Shape.PROSE: 1.0, Shape.SHORT: 2.0, Shape.HEADLINE: 3.0}
# The rules' verdict as a number (the `rule` feature, here and in HTML mode's block model).
# Comment prompts were `promo` rules when the packaged models were trained: `comments` keeps
# promo's code, so their trees read the same values for the same lines.
_CODED = [c for c in Category if c is not Category.COMMENTS]
CATEGORY_CODE: dict[Category, float] = {c: float(_CODED.index(c) + 1) for c in _CODED}
CATEGORY_CODE[Category.COMMENTS] = CATEGORY_CODE[Category.PROMO]

LOCAL_NAMES: tuple[str, ...] = (
    "chars_log",
    "words_log",
    "end_sentence",
    "end_colon",
    "end_other",
    "title_case",
    "upper",
    "digits",
    "symbols",
    "url",
    "date",
    "bullet",
    "separators",
    "stopwords",
    "word_len",
    "commas",
    "quoted",
    "shape",
    "code",
)
VOCAB_NAMES: tuple[str, ...] = ("vocab_mean", "vocab_min", "vocab_max", "vocab_first", "vocab_known")
SELF_NAMES = LOCAL_NAMES + VOCAB_NAMES
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
_COL = {name: i for i, name in enumerate(SELF_NAMES)}
SHORT_LINE_WORDS = 5
CORE_MIN_WORDS = 15
CORE_MIN_STOPWORDS = 0.2
CLIP = 30.0
SAMPLE_CHARS = 10_000  # a longer line's text features are read from its first this many characters


def _sample(text: str) -> str:
    """The part of a line its text features are computed from: all of it unless it is huge (a
    100 MB line is not worth 100 MB of word lists; its length and word count stay exact)."""
    return text if len(text) <= SAMPLE_CHARS else text[:SAMPLE_CHARS]


@dataclass(frozen=True)
class Vocabulary:
    """Per-token log-odds of a token standing in a boilerplate line rather than an article line."""

    log_odds: Mapping[str, float]

    def stats(self, text: str) -> tuple[float, float, float, float, float]:
        """(mean, min, max, first token, share of tokens known) of the line's token log-odds."""
        toks = WORD_RE.findall(_sample(text).lower())
        if not toks:
            return 0.0, 0.0, 0.0, 0.0, 0.0
        get = self.log_odds.get
        values = [v for v in (get(t) for t in toks) if v is not None]
        first = get(toks[0], 0.0)
        if not values:
            return 0.0, 0.0, 0.0, first, 0.0
        return sum(values) / len(values), min(values), max(values), first, len(values) / len(toks)


def _char_counts(text: str) -> tuple[int, int, int, int]:
    """(letters, upper-case letters, digits, whitespace) of `text`, by str.isalpha/isupper/
    isdigit/isspace. ASCII text (most lines) is counted by deleting byte classes, in C."""
    if text.isascii():
        raw = text.encode("ascii")
        return (
            len(raw) - len(raw.translate(None, _ASCII_LETTERS)),
            len(raw) - len(raw.translate(None, _ASCII_UPPER)),
            len(raw) - len(raw.translate(None, _ASCII_DIGITS)),
            len(raw) - len(raw.translate(None, _ASCII_SPACES)),
        )
    letters = "".join(filter(str.isalpha, text))
    return (
        len(letters),
        sum(map(str.isupper, letters)),
        sum(map(str.isdigit, text)),
        sum(map(str.isspace, text)),
    )


def local_features(block: Block, stop: frozenset[str]) -> list[float]:
    """The line's own features, without the vocabulary (see LOCAL_NAMES)."""
    full = block.text.strip()
    n = len(full)
    text = _sample(full)
    toks = WORD_RE.findall(text)
    words = len(toks)
    body = full.rstrip(_CLOSERS)
    last = body[-1:] if body else ""
    letters, upper, digits, spaces = _char_counts(text)
    symbols = len(text) - letters - digits - spaces  # isalpha, isdigit and isspace are disjoint
    sampled = len(text) or 1
    title = sum(1 for t in toks if t[:1].isupper()) / words if words else 0.0
    stops = sum(map(stop.__contains__, map(str.lower, toks))) / words if words else 0.0
    return [
        math.log1p(n),
        math.log1p(block.words),
        float(last in _SENTENCE_END),
        float(last == ":"),
        float(bool(last) and not last.isalnum() and last not in _SENTENCE_END and last != ":"),
        title,
        upper / letters if letters else 0.0,
        digits / sampled,
        symbols / sampled,
        float(_URL.search(text) is not None),
        float(DATE_RE.search(text) is not None),
        float(text[:1] in _BULLETS),
        float(sum(map(text.count, _SEPARATORS))),
        stops,
        sum(map(len, toks)) / words if words else 0.0,
        float(text.count(",")),
        float(text[:1] in _QUOTES or text[-1:] in _QUOTES),
        SHAPE_CODE[block.shape],
        float(code_kinds(text)),
    ]


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
        table = np.array([[*local_features(b, stop), *vocab.stats(b.text)] for b in todo], dtype=np.float64)
        memo.update(zip((b.text for b in todo), table, strict=True))
    return {b.index: memo[b.text] for b in lines}


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
    own = np.vstack([rows[b.index] for b in lines])
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
    own = np.vstack([rows[i] for i in indices])
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
