"""Stage 1: text -> Blocks (one per line), with the features every later stage reads.

Line numbering is `text.split("\\n")`, the contract's numbering; a trailing "\\r" (CRLF input)
is kept in the rendered line but ignored by every feature.
"""

from __future__ import annotations

import re

from cleaner.types import Block, Shape

WORD_RE = re.compile(r"\w+")

# Typographic variants folded so that one pattern covers them all.
_FOLD = str.maketrans(
    {
        "\u2019": "'",
        "\u2018": "'",
        "\u201b": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\u2060": "",
        "\ufeff": "",
    }
)
_SPACES = re.compile(r"\s+")
# Bullets, arrows and decoration at the edges carry no wording. A trailing '?' is kept:
# questions ("Already a subscriber?") are part of several phrase families.
_LEAD = re.compile(r"^[\s\-*•·●▪►▶→>»›|#=~+:\"'_]+")
_TRAIL = re.compile(r"[\s\-*•·●▪►▶→>»›«‹|#=~+:;,.!…\"'_]+$")
_SENTENCE_END = re.compile(r"[.!?…:;][\"'\)\]]*$")

PROSE_MIN_WORDS = 20  # a line this long is prose-shaped whatever its punctuation
SENTENCE_MIN_WORDS = 10  # ... or this long and ending like a sentence
HEADLINE_MAX_WORDS = 20


def normalize(line: str) -> str:
    """Lower-case, fold quotes/dashes/spaces, collapse whitespace, trim decoration."""
    s = _SPACES.sub(" ", line.translate(_FOLD).lower())
    s = _LEAD.sub("", s)
    return _TRAIL.sub("", s)


def shape_of(stripped: str, words: int) -> Shape:
    if not stripped:
        return Shape.BLANK
    ends_sentence = _SENTENCE_END.search(stripped) is not None
    if words >= PROSE_MIN_WORDS or (words >= SENTENCE_MIN_WORDS and ends_sentence):
        return Shape.PROSE
    if words and words <= HEADLINE_MAX_WORDS and not ends_sentence:
        return Shape.HEADLINE
    return Shape.SHORT


def make_block(index: int, line: str) -> Block:
    stripped = line.strip()
    words = len(WORD_RE.findall(stripped)) if stripped else 0
    return Block(index=index, text=line, norm=normalize(stripped), words=words, shape=shape_of(stripped, words))


def segment(text: str) -> list[Block]:
    """One Block per line of `text.split("\\n")`."""
    return [make_block(i, line) for i, line in enumerate(text.split("\n"))]
