"""Stage 1: text -> Blocks (one per line), with the features every later stage reads.

Line numbering is `text.split("\\n")`, the contract's numbering; a trailing "\\r" (CRLF input)
is kept in the rendered line but ignored by every feature.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cleaner.types import Block, Shape

WORD_RE = re.compile(r"\w+")

# A line longer than this is worked through in pieces of about this size: a list of all its words
# would cost some 60 bytes a word (a 100 MB line of 20 million words: 1.3 GB of word strings).
# Shorter lines (all ordinary text) keep the one-list way, which is the faster one (measured).
LONG_LINE = 100_000
_SPACE = re.compile(r"\s")
_NON_WORD = re.compile(r"\W")

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
_FOLDED = {chr(k): v for k, v in _FOLD.items()}
_FOLDS = re.compile("[" + re.escape("".join(_FOLDED)) + "]")


def _fold_one(found: re.Match[str]) -> str:
    return _FOLDED[found.group()]


def fold(text: str) -> str:
    """`text.translate(_FOLD)`: the same string, about 9x faster on a line with non-ASCII
    characters (str.translate looks every character up in a dict; this finds the few to fold)."""
    return _FOLDS.sub(_fold_one, text)


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


def _pieces(text: str, cut: re.Pattern[str]) -> Iterator[str]:
    """`text` in consecutive pieces of about LONG_LINE characters, each cut just before a
    character that `cut` matches, so that no run of other characters spans two pieces."""
    start = 0
    while start < len(text):
        found = cut.search(text, start + LONG_LINE)
        end = found.start() if found else len(text)
        yield text[start:end]
        start = end


def _count_long(text: str) -> int:
    """`len(WORD_RE.findall(text))` for a long line, piece by piece."""
    return sum(len(WORD_RE.findall(piece)) for piece in _pieces(text, _NON_WORD))


# ASCII bytes: "a" for a word character (\w: letters, digits, "_"), " " for any other.
_ASCII_WORD = bytes(0x61 if chr(c).isalnum() or c == 0x5F else 0x20 for c in range(128)) + b" " * 128


def word_count(text: str) -> int:
    """`len(WORD_RE.findall(text))`. An ASCII text (most lines) is counted in bytes: its word
    characters made "a", the rest " ", a word is a " a" or the "a" it starts with (~2x faster)."""
    if text.isascii():
        marked = text.encode("ascii").translate(_ASCII_WORD)
        return marked.count(b" a") + (marked[:1] == b"a")
    return len(WORD_RE.findall(text))


def normalize(line: str) -> str:
    """Lower-case, fold quotes/dashes/spaces, collapse whitespace, trim decoration."""
    # split() and \s agree on what whitespace is (str.isspace); joining collapses every run.
    # No character _FOLD maps is ASCII: an ASCII line (most) skips folding.
    folded = line if line.isascii() else fold(line)
    return " ".join(folded.lower().split()).lstrip(_LEAD).rstrip(_TRAIL)


def _normalize_long(line: str) -> str:
    """`normalize` for a long line, its whitespace collapsed piece by piece."""
    folded = fold(line).lower()
    collapsed = " ".join(filter(None, (" ".join(piece.split()) for piece in _pieces(folded, _SPACE))))
    return collapsed.lstrip(_LEAD).rstrip(_TRAIL)


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
    if len(stripped) > LONG_LINE:
        words, norm = _count_long(stripped), _normalize_long(stripped)
    else:
        words = word_count(stripped) if stripped else 0
        norm = normalize(stripped)
    return Block(index=index, text=line, norm=norm, words=words, shape=shape_of(stripped, words))


def segment(text: str) -> list[Block]:
    """One Block per line of `text.split("\\n")`: `make_block` of each line, inline."""
    out = []
    word_re, ascii_word, lead, trail, blank = WORD_RE, _ASCII_WORD, _LEAD, _TRAIL, Shape.BLANK
    for i, line in enumerate(text.split("\n")):
        stripped = line.strip()
        if not stripped:
            out.append(Block(i, line, "", 0, blank))
            continue
        if len(stripped) > LONG_LINE:
            out.append(make_block(i, line))
            continue
        if stripped.isascii():  # `word_count` and `normalize`, inline
            marked = stripped.encode("ascii").translate(ascii_word)
            words = marked.count(b" a") + (marked[:1] == b"a")
            norm = " ".join(stripped.lower().split()).lstrip(lead).rstrip(trail)
        else:
            words = len(word_re.findall(stripped))
            norm = " ".join(fold(stripped).lower().split()).lstrip(lead).rstrip(trail)
        out.append(Block(i, line, norm, words, shape_of(stripped, words)))
    return out
