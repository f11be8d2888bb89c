"""A line's own-text features, the part of the line model's features read from its text alone.

`local_features` and `Vocabulary.stats` give one line's; `own_features` gives a whole document's
at once, the same floats: the lines joined, character classes counted per line from one array of
code points, the patterns searched in one scan or only where their characters are, the words
looked up in one pass. The text pipeline and HTML mode's block features (without a vocabulary: the
local columns) call `own_features`; training calls the per-line functions.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from cleaner.segment import WORD_RE
from cleaner.types import Block, Shape

_URL = re.compile(r"https?://|www\.|\S@\S+\.\w|\.(?:com|org|net|html?)\b", re.IGNORECASE)
_URL_PLAIN = re.compile(r"https?://|www\.|\.(?:com|org|net|html?)\b", re.IGNORECASE)  # _URL but an e-mail
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
_COL = {name: i for i, name in enumerate(SELF_NAMES)}
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

    def table(self, texts: Sequence[str]) -> np.ndarray:
        """`stats` of each of `texts` as the rows of an array, the words looked up in one pass."""
        toks = list(map(WORD_RE.findall, map(str.lower, map(_sample, texts))))
        return self._table(list(itertools.chain.from_iterable(toks)), np.fromiter(map(len, toks), np.int64, len(toks)))

    def _table(self, flat: list[str], counts: np.ndarray) -> np.ndarray:
        """`table` of the lines whose lower-cased words are `flat`, `counts[k]` of them line k's
        (each line's values summed in its order, as `sum` does on Python 3.11)."""
        n = len(counts)
        values = np.fromiter(map(self.log_odds.get, flat, itertools.repeat(math.nan)), float, len(flat))
        line = np.repeat(np.arange(n), counts)
        known = ~np.isnan(values)
        have = np.bincount(line, known, n)
        out = np.zeros((n, 5))
        out[:, 0] = np.divide(np.bincount(line[known], values[known], n), have, out=np.zeros(n), where=have > 0)
        if known.any():
            kline, kvalues = line[known], values[known]
            head = np.flatnonzero(np.r_[True, kline[1:] != kline[:-1]])
            out[kline[head], 1] = np.minimum.reduceat(kvalues, head)
            out[kline[head], 2] = np.maximum.reduceat(kvalues, head)
        some = counts > 0
        firsts = values[(np.cumsum(counts) - counts)[some]]
        out[some, 3] = np.where(np.isnan(firsts), 0.0, firsts)
        out[:, 4] = np.divide(have, counts, out=np.zeros(n), where=some)
        return out


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


_CODE_CHARS = "".join(sorted({c for needs in _CODE_NEEDS if needs for c in needs} | {c for c in _CODE_ALSO if c}))
_CODE_ORDS = np.array([ord(c) for c in _CODE_CHARS])  # sorted, as _CODE_CHARS is
# A character's classes as bits: str.isalpha, an upper-case letter, isdigit, isspace, a separator, a
# comma, a word character (WORD_RE's \\w), str.isupper, and SAFE: lower-casing it gives one character,
# a word character as it is one, whatever stands around it (not "Σ", whose lower case depends on that).
_ALPHA, _UPPER, _DIGIT, _SPACE, _SEP, _COMMA, _WORD, _ISUPPER, _SAFE = 1, 2, 4, 8, 16, 32, 64, 128, 256
_CLASS_OF: dict[int, int] = {}  # the classes of the code points above 127 seen so far, up to:
_CLASSES_KEPT = 1 << 16  # (a text of every code point would otherwise keep a million entries)
_SEPARATOR = "\x00"  # between the lines of the joined text: of no class, in no pattern
_ASCII_CLASSES: list[np.ndarray] = []  # the classes of code points 0-127, made on first use


def _is_word(c: str) -> bool:
    return WORD_RE.fullmatch(c) is not None


def _char_class(code: int) -> int:
    c = chr(code)
    alpha = c.isalpha()
    return (
        alpha * _ALPHA
        | (alpha and c.isupper()) * _UPPER
        | c.isdigit() * _DIGIT
        | c.isspace() * _SPACE
        | (c in _SEPARATORS) * _SEP
        | (c == ",") * _COMMA
        | _is_word(c) * _WORD
        | c.isupper() * _ISUPPER
        | (c != "Σ" and len(low := c.lower()) == 1 and _is_word(low) == _is_word(c)) * _SAFE
    )


def _new_class(code: int, keep: bool) -> int:
    found = _char_class(code)
    if keep:
        _CLASS_OF[code] = found
    return found


def _classes(codes: np.ndarray) -> np.ndarray:
    """The class bits of each code point in `codes`."""
    if not _ASCII_CLASSES:
        _ASCII_CLASSES.append(np.array([_char_class(c) for c in range(128)], np.uint16))
    ascii_classes = _ASCII_CLASSES[0]
    if codes.dtype == np.uint8:
        same: np.ndarray = ascii_classes[codes]
        return same
    out: np.ndarray = ascii_classes[np.minimum(codes, 127)]
    high = np.flatnonzero(codes > 127)
    if len(high):
        uniq, where = np.unique(codes[high], return_inverse=True)
        get, keep = _CLASS_OF.get, len(_CLASS_OF) < _CLASSES_KEPT
        found = [c if (c := get(u)) is not None else _new_class(u, keep) for u in uniq.tolist()]
        out[high] = np.array(found, np.uint16)[where]
    return out


def _codes(joined: str) -> np.ndarray:
    """The code points of `joined` as an array (one byte each for ASCII text)."""
    if joined.isascii():
        return np.frombuffer(joined.encode("ascii"), np.uint8)
    return np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), np.uint32)  # a lone surrogate too


def _per_line(flags: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """How many of each line's characters (`starts[k]:ends[k]` of the joined text) are flagged.
    The separator after a line has no class and is flagged nowhere, so a line's sum may take it in."""
    if len(starts) and (ends > starts).all():
        summed: np.ndarray = np.add.reduceat(flags, starts, dtype=np.int64)
        return summed
    total = np.concatenate(([0], np.cumsum(flags, dtype=np.int64)))
    counted: np.ndarray = total[ends] - total[starts]
    return counted


def _lines_matching(pattern: re.Pattern[str], joined: str, samples: Sequence[str], starts: np.ndarray) -> np.ndarray:
    """For each line, whether `pattern.search(line)` finds something: one scan of the joined text.
    A match that runs over a line's end (only through the separator) says nothing of the lines it
    touches: those are searched alone, so every answer is the per-line one."""
    found = [m.span() for m in pattern.finditer(joined)]
    hit = np.zeros(len(samples), bool)
    if not found:
        return hit
    at = np.array(found, dtype=np.int64)
    first = np.searchsorted(starts, at[:, 0], "right") - 1
    last = np.searchsorted(starts, at[:, 1] - 1, "right") - 1
    hit[first] = True
    for a, b in zip(first[last > first].tolist(), last[last > first].tolist(), strict=True):
        for k in range(a, b + 1):
            hit[k] = pattern.search(samples[k]) is not None
    return hit


def _lines_searched(pattern: re.Pattern[str], samples: Sequence[str], able: np.ndarray) -> np.ndarray:
    """For each line, whether `pattern.search(line)` finds something, tried only where `able`."""
    hit = np.zeros(len(samples), bool)
    for k in np.flatnonzero(able).tolist():
        hit[k] = pattern.search(samples[k]) is not None
    return hit


def own_features(blocks: Sequence[Block], stop: frozenset[str], vocab: Vocabulary | None) -> np.ndarray:
    """SELF_NAMES rows of `blocks` (non-blank lines), all at once: the text joined, character classes
    counted per line from one array, the patterns searched in one scan, the words looked up in one
    pass. The same floats as `local_features` and `Vocabulary.stats`, line by line. Without a
    vocabulary, the LOCAL_NAMES columns alone (HTML mode's block features)."""
    n = len(blocks)
    if n == 0:
        return np.zeros((0, len(SELF_NAMES) if vocab is not None else len(LOCAL_NAMES)))
    fulls = [b.text.strip() for b in blocks]
    samples = list(map(_sample, fulls))
    lengths = np.fromiter(map(len, samples), np.int64, n)
    starts = np.concatenate(([0], np.cumsum(lengths + 1)[:-1]))
    ends = starts + lengths
    joined = _SEPARATOR.join(samples)
    codes = _codes(joined)
    classes = _classes(codes)
    letters, upper, digits, spaces, seps, commas = (
        _per_line((classes & bit) != 0, starts, ends) for bit in (_ALPHA, _UPPER, _DIGIT, _SPACE, _SEP, _COMMA)
    )
    out = np.zeros((n, len(SELF_NAMES)))
    col = out.T
    col[_COL["chars_log"]] = np.fromiter(map(math.log1p, map(len, fulls)), float, n)
    col[_COL["words_log"]] = np.fromiter((math.log1p(b.words) for b in blocks), float, n)
    lasts = [f.rstrip(_CLOSERS)[-1:] for f in fulls]
    col[_COL["end_sentence"]] = [last in _SENTENCE_END for last in lasts]
    col[_COL["end_colon"]] = [last == ":" for last in lasts]
    col[_COL["end_other"]] = [
        bool(last) and not last.isalnum() and last not in _SENTENCE_END and last != ":" for last in lasts
    ]
    col[_COL["upper"]] = np.divide(upper, letters, out=np.zeros(n), where=letters > 0)
    sampled = np.maximum(lengths, 1)
    col[_COL["digits"]] = digits / sampled
    col[_COL["symbols"]] = (lengths - letters - digits - spaces) / sampled
    # A URL without an "@" is one of _URL_PLAIN's (one fast scan); a date or time needs a digit.
    at_sign = _per_line(codes == ord("@"), starts, ends) > 0
    col[_COL["url"]] = _lines_matching(_URL_PLAIN, joined, samples, starts) | _lines_searched(_URL, samples, at_sign)
    col[_COL["date"]] = _lines_searched(DATE_RE, samples, digits > 0)
    col[_COL["bullet"]] = [s[:1] in _BULLETS for s in samples]
    col[_COL["separators"]] = seps
    col[_COL["commas"]] = commas
    col[_COL["quoted"]] = [s[:1] in _QUOTES or s[-1:] in _QUOTES for s in samples]
    col[_COL["shape"]] = [SHAPE_CODE[b.shape] for b in blocks]
    # Words: WORD_RE's words are the runs of word characters, so a line's count is its number of
    # runs, their total length its word characters; only the lookups go word by word.
    word = (classes & _WORD) != 0
    start = word & ~np.r_[False, word[:-1]]
    counts = _per_line(start, starts, ends)
    words = np.maximum(counts, 1)
    col[_COL["title_case"]] = _per_line(start & ((classes & _ISUPPER) != 0), starts, ends) / words
    col[_COL["word_len"]] = _per_line(word, starts, ends) / words
    # Lower-casing the joined text lower-cases each word in place when every character is SAFE.
    safe = bool(((classes & _SAFE) != 0).all())
    lower = WORD_RE.findall(joined.lower()) if safe else list(map(str.lower, WORD_RE.findall(joined)))
    line = np.repeat(np.arange(n), counts)
    stops = np.fromiter(map(stop.__contains__, lower), float, len(lower))
    col[_COL["stopwords"]] = np.bincount(line, stops, n) / words
    # Source code: each pattern tried only on the lines that hold the characters it needs.
    present = np.zeros((n, len(_CODE_CHARS)), bool)
    wanted = np.flatnonzero(np.isin(codes, _CODE_ORDS))
    present[np.searchsorted(starts, wanted, "right") - 1, np.searchsorted(_CODE_ORDS, codes[wanted])] = True
    kinds = np.zeros(n)
    for pattern, needs, also in zip(_CODE, _CODE_NEEDS, _CODE_ALSO, strict=True):
        able = np.ones(n, bool)
        if needs is not None:
            able &= present[:, [_CODE_CHARS.index(c) for c in needs]].any(axis=1)
        if also is not None:
            able &= present[:, _CODE_CHARS.index(also)]
        for k in np.flatnonzero(able).tolist():
            kinds[k] += pattern.search(samples[k]) is not None
    col[_COL["code"]] = kinds
    if vocab is None:
        return out[:, : len(LOCAL_NAMES)]
    # The vocabulary reads the words of the lower-cased line, sampled before stripping: the same
    # words when every character is SAFE and no line is cut.
    texts = [b.text for b in blocks]
    same = safe and max(map(len, texts)) <= SAMPLE_CHARS
    out[:, len(LOCAL_NAMES) :] = vocab._table(lower, counts) if same else vocab.table(texts)
    return out
