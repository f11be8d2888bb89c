"""The output is rebuilt from blocks + decisions, and only from them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cleaner.rendering import emitted, removals, render, rendered_blocks
from cleaner.segment import segment
from cleaner.types import Action, Category, Decision, Stage

DROP = Decision(Action.DROP, Stage.ANNOTATE, "test.rule", "Test.", Category.PROMO)
LINES = st.lists(st.sampled_from(["", "  ", "alpha", "beta gamma", "delta\r", "\r"]), max_size=12)


@given(LINES, st.sets(st.integers(0, 11)))
def test_render_keeps_exactly_the_undropped_non_blank_lines_in_order(lines: list[str], drop: set[int]) -> None:
    blocks = segment("\n".join(lines))
    decisions = {i: DROP for i in drop if i < len(blocks)}
    out = render(blocks, decisions)
    expected = [b.text.rstrip("\r") for b in blocks if not b.blank and b.index not in decisions]
    # '\r' is a CRLF line's ending, not content; a last line gains the document's ending.
    assert [line.rstrip("\r") for line in out.split("\n") if line.strip()] == expected
    assert not out.startswith(("\n", "\r")) and not out.endswith("\n\n")


def test_render_with_no_decisions_only_trims_edges() -> None:
    blocks = segment("\n\na\n\n\nb\n\n")
    assert render(blocks, {}) == "a\n\n\nb\n"


def test_removals_group_consecutive_lines_of_one_rule() -> None:
    blocks = segment("a\nb\nc\n\nd")
    spans = [r.lines for r in removals(blocks, {0: DROP, 1: DROP, 4: DROP})]
    assert spans == [(1, 2), (5, 5)]


@given(LINES, st.sets(st.integers(0, 11)))
def test_rendered_blocks_are_the_output_segmented_again(lines: list[str], drop: set[int]) -> None:
    """The settle rounds renumber the kept Blocks instead of rendering and segmenting again: the
    same Blocks, blank lines, CRLF endings and the empty line after the final newline included."""
    blocks = segment("\n".join(lines))
    decisions = {i: DROP for i in drop if i < len(blocks)}
    assert rendered_blocks(blocks, emitted(blocks, decisions)) == segment(render(blocks, decisions))


def test_rendered_blocks_at_the_edges() -> None:
    for text, drop in [
        ("first\nsecond\n\nthird", {0}),  # the first line goes
        ("first\nsecond\n\nthird", {3}),  # the last line goes: the blank before it is trimmed
        ("first\r\nsecond\r\nthird", {2}),  # CRLF: the new last line carries its own \r
        ("first\r\nsecond\r\nthird", {1}),  # CRLF: the last line gains one
        ("\n\nonly\n\n", set()),  # blank edges
        ("a\nb", {0, 1}),  # nothing left
        ("", set()),
    ]:
        blocks = segment(text)
        decisions = {i: DROP for i in drop}
        assert rendered_blocks(blocks, emitted(blocks, decisions)) == segment(render(blocks, decisions)), text
