"""Line labels from a human main text: is this line of an extractor's output article or not?

A page's text (an extractor's output, or the whole page as text) is split into lines, and each
line is compared with the human-reviewed main text of the page, using the WCXB metric's tokens
(``\\w+``, lower-cased):

* a line of 4 or more tokens: the share of its word 4-grams that occur in the main text.
  At least `CONTENT_MIN` (0.8) -> ARTICLE; at most `BOILER_MAX` (0.2) -> BOILERPLATE; between:
  AMBIGUOUS (partly quoted, merged or re-wrapped lines), left out of training.
* a line of 1-3 tokens: ARTICLE when the main text has a line with exactly these tokens (a
  subheading, a list item); BOILERPLATE when the token sequence occurs nowhere in the main text;
  AMBIGUOUS when it occurs only inside a longer line ("Share" in a sentence about sharing).
* a line without tokens: NO_WORDS; the word metric cannot see it, so it is not trained on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum

from cleaner.segment import WORD_RE

CONTENT_MIN = 0.8
BOILER_MAX = 0.2
GRAM = 4


class Label(IntEnum):
    BOILERPLATE = 1  # the model predicts "drop": 1 is the positive class
    ARTICLE = 0
    AMBIGUOUS = -1
    NO_WORDS = -2


def tokens(text: str) -> list[str]:
    return [t.lower() for t in WORD_RE.findall(text)]


def _grams(toks: Sequence[str], n: int) -> list[tuple[str, ...]]:
    return [tuple(toks[i : i + n]) for i in range(len(toks) - n + 1)]


@dataclass(frozen=True)
class Truth:
    """The main text prepared for line lookups."""

    grams: frozenset[tuple[str, ...]]  # word 4-grams of the whole main text
    short: frozenset[tuple[str, ...]]  # every 1-3 token sequence of the main text
    lines: frozenset[tuple[str, ...]]  # token tuples of its lines

    @classmethod
    def of(cls, main_text: str) -> Truth:
        lines = [tokens(line) for line in main_text.splitlines()]
        grams: set[tuple[str, ...]] = set()
        short: set[tuple[str, ...]] = set()
        for toks in lines:  # n-grams never span a line break: lines are units in both texts
            grams.update(_grams(toks, GRAM))
            for n in (1, 2, 3):
                short.update(_grams(toks, n))
        return cls(frozenset(grams), frozenset(short), frozenset(tuple(t) for t in lines if t))


def label_line(line: str, truth: Truth) -> tuple[Label, float]:
    """The line's label and its content share (1.0 all found ... 0.0 none)."""
    toks = tokens(line)
    if not toks:
        return Label.NO_WORDS, 0.0
    if len(toks) < GRAM:
        key = tuple(toks)
        if key in truth.lines:
            return Label.ARTICLE, 1.0
        if key not in truth.short:
            return Label.BOILERPLATE, 0.0
        return Label.AMBIGUOUS, 0.5
    grams = _grams(toks, GRAM)
    share = sum(g in truth.grams for g in grams) / len(grams)
    if share >= CONTENT_MIN:
        return Label.ARTICLE, share
    if share <= BOILER_MAX:
        return Label.BOILERPLATE, share
    return Label.AMBIGUOUS, share


def label_lines(text: str, main_text: str) -> list[Label]:
    truth = Truth.of(main_text)
    return [label_line(line, truth)[0] for line in text.split("\n")]
