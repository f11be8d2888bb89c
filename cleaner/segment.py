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
# Bullets, arrows and decoration at the edges carry no wording. A trailing '?' is kept:
# questions ("Already a subscriber?") are part of several phrase families. Stripped with
# str.lstrip/rstrip: a regex anchored at the end is tried at every position of the line.
_LEAD = " -*•·●▪►▶→>»›|#=~+:\"'_"
_TRAIL = " -*•·●▪►▶→>»›«‹|#=~+:;,.!…\"'_"
_CLOSERS = "\"')]"
_SENTENCE_MARKS = ".!?…:;"

PROSE_MIN_WORDS = 20  # a line this long is prose-shaped whatever its punctuation
SENTENCE_MIN_WORDS = 10  # ... or this long and ending like a sentence
HEADLINE_MAX_WORDS = 20


def normalize(line: str) -> str:
    """Lower-case, fold quotes/dashes/spaces, collapse whitespace, trim decoration."""
    # split() and \s agree on what whitespace is (str.isspace); joining collapses every run.
    return " ".join(line.translate(_FOLD).lower().split()).lstrip(_LEAD).rstrip(_TRAIL)


def shape_of(stripped: str, words: int) -> Shape:
    if not stripped:
        return Shape.BLANK
    body = stripped.rstrip(_CLOSERS)  # sentence punctuation, then any closing quotes/brackets
    ends_sentence = bool(body) and body[-1] in _SENTENCE_MARKS
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
