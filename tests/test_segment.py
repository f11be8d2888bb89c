"""Segmentation features against their reference definitions (regexes), on arbitrary text."""

from __future__ import annotations

import re
import tracemalloc

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import segment as segment_module
from cleaner.segment import _FOLD, WORD_RE, fold, make_block, normalize, segment, shape_of, word_count
from cleaner.types import Shape

# The reference definitions the fast string methods must equal.
_REF_SPACES = re.compile(r"\s+")
_REF_LEAD = re.compile(r"^[\s\-*•·●▪►▶→>»›|#=~+:\"'_]+")
_REF_TRAIL = re.compile(r"[\s\-*•·●▪►▶→>»›«‹|#=~+:;,.!…\"'_]+$")
_REF_SENTENCE_END = re.compile(r"[.!?…:;][\"'\)\]]*$")

TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list(" \t\u00a0\u2009\u200b-*•·>»›«|#=~+:;,.!?…\"'_)]([ab1É")),
        st.characters(codec="utf-8"),
    ),
    max_size=40,
)


def reference_normalize(line: str) -> str:
    s = _REF_SPACES.sub(" ", line.translate(_FOLD).lower())
    return _REF_TRAIL.sub("", _REF_LEAD.sub("", s))


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_normalize_equals_its_regex_definition(line: str) -> None:
    assert normalize(line) == reference_normalize(line)


@settings(max_examples=500, deadline=None)
@given(
    st.text(
        alphabet=st.one_of(st.sampled_from([chr(k) for k in _FOLD] + list("a -\\]^'")), st.characters(codec="utf-8")),
        max_size=40,
    )
)
def test_fold_is_translate(text: str) -> None:
    # every folded character (a zero-width one folds to nothing), and the regex class's own specials
    assert fold(text) == text.translate(_FOLD)


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_sentence_end_equals_its_regex_definition(text: str) -> None:
    stripped = text.strip()
    words = 12  # in the band where the sentence ending decides PROSE vs HEADLINE
    expected = _REF_SENTENCE_END.search(stripped) is not None
    shape = shape_of(stripped, words)
    if stripped:
        assert (shape is Shape.PROSE) == expected


@settings(max_examples=500, deadline=None)
@given(TEXT)
def test_word_count_equals_its_regex_definition(text: str) -> None:
    assert word_count(text) == len(WORD_RE.findall(text))


def test_word_count_examples() -> None:
    # ASCII (counted in bytes) and not (by the regex); "_" and digits are word characters.
    assert [word_count(t) for t in ("", " ", "a", " a_b c1 ", "--x--y", "é b", "a\x7fb")] == [0, 0, 1, 2, 2, 2, 2]


LINES = st.lists(TEXT, max_size=6).map("\n".join)


@settings(max_examples=500, deadline=None)
@given(LINES)
def test_segment_is_make_block_of_each_line(text: str) -> None:
    """`segment` does `make_block`'s work inline; each of its Blocks must be the one make_block makes."""
    assert segment(text) == [make_block(i, line) for i, line in enumerate(text.split("\n"))]


def test_segment_makes_long_lines_as_make_block_does() -> None:
    text = "Short line.\n" + "word " * 30 + "\n  ΣΟΦΙΑ’s “x”  \n"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(segment_module, "LONG_LINE", 20)
        assert segment(text) == [make_block(i, line) for i, line in enumerate(text.split("\n"))]


def test_normalize_examples() -> None:
    assert normalize("  » Read  also:  ") == "read also"
    assert normalize("Already a subscriber?") == "already a subscriber?"
    assert normalize("“Quoted” – dash") == 'quoted" - dash'  # a leading quote is decoration


def test_segment_numbers_lines_like_split_and_keeps_crlf_out_of_features() -> None:
    blocks = segment("a\r\n\r\nSkip to content\r\n")
    assert [b.line for b in blocks] == [1, 2, 3, 4]
    assert blocks[0].text == "a\r" and blocks[1].blank and blocks[2].norm == "skip to content"


# -- long lines: worked through in pieces, to the same result ----------------------------------

LONG_TEXT = st.text(
    alphabet=st.one_of(st.sampled_from(list(" \t\u00a0\u200b,.-ab1ÉΣσ_")), st.characters(codec="utf-8")),
    max_size=60,
)


@settings(max_examples=500, deadline=None)
@given(LONG_TEXT, st.integers(min_value=1, max_value=8))
def test_long_lines_get_the_features_short_lines_get(line: str, piece: int) -> None:
    short = segment_module.make_block(0, line)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(segment_module, "LONG_LINE", piece)  # every line here is "long": cut in pieces
        long = segment_module.make_block(0, line)
    assert long == short
    assert long.words == len(WORD_RE.findall(line.strip()))
    assert long.norm == reference_normalize(line.strip())


def test_a_long_line_is_not_held_as_a_list_of_words() -> None:
    """20 million words on a 100 MB line made 1.3 GB of word strings (tests/test_hostile.py)."""
    line = "word " * 200_000
    tracemalloc.start()
    try:
        block = segment_module.make_block(0, line)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert block.words == 200_000 and block.norm == line.strip()
    assert peak < 8 * len(line)  # measured: 4.3x the line (a list of its words: 14x)
