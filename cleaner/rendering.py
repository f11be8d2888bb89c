"""Stage 5: render. The output text is rebuilt from blocks + decisions, and nothing else.

Kept lines are emitted exactly as they were (a CRLF line keeps its '\\r'). A run of blank lines
that a removal created collapses to one; blank runs the author wrote stay as they were; there
are no leading or trailing blank lines; non-empty output ends with the input's line ending.
"""

from __future__ import annotations

from collections.abc import Sequence

from cleaner.segment import make_block
from cleaner.types import Block, Decision, Decisions, Removal, Shape


def emitted(blocks: Sequence[Block], decisions: Decisions) -> list[int]:
    """The indices of the blocks `render` writes, in order: line j of the output is block
    `emitted(...)[j]` of the input."""
    out: list[int] = []
    gap: list[int] = []  # blank lines since the last kept non-blank line
    gap_removed = False
    for b in blocks:
        d = decisions.get(b.index)
        if d is not None and d.dropped:
            gap_removed = True
        elif b.shape is Shape.BLANK:  # `b.blank` without the property call
            gap.append(b.index)
        else:
            if out and gap:
                out.extend(gap[:1] if gap_removed else gap)
            out.append(b.index)
            gap, gap_removed = [], False
    return out


def rendered_blocks(blocks: Sequence[Block], order: Sequence[int]) -> list[Block]:
    """`segment(render(blocks, decisions))` without writing the text and reading it again, where
    `order` is `emitted(blocks, decisions)`: the kept Blocks renumbered, the last one with the
    line ending `render` gives it (a '\\r' of CRLF output), then the empty line after the final
    newline. `blocks` are lines, as `segment` makes them (no '\\n' in a Block's text)."""
    if not order:
        return [make_block(0, "")]
    by_index = {b.index: b for b in blocks}
    out = [renumbered(by_index[i], j) for j, i in enumerate(order)]
    if _ending(blocks, out[-1].text) == "\r\n":  # the \r goes with the last line; no feature reads it
        last = out[-1]
        out[-1] = Block(last.index, last.text + "\r", last.norm, last.words, last.shape)
    out.append(make_block(len(out), ""))
    return out


def renumbered(block: Block, index: int) -> Block:
    """`block` as line `index` of another text (a third of the time of `dataclasses.replace`)."""
    return Block(index, block.text, block.norm, block.words, block.shape)


def _ending(blocks: Sequence[Block], last: str) -> str:
    """The line ending `render` writes after its `last` line: the input's (CRLF when a line but
    the input's last ends with '\\r'), unless that line carries its own '\\r'."""
    crlf = any(b.text.endswith("\r") for b in blocks[:-1])
    return "\n" if last.endswith("\r") or not crlf else "\r\n"


def render(blocks: Sequence[Block], decisions: Decisions) -> str:
    order = emitted(blocks, decisions)
    if not order:
        return ""
    by_index = {b.index: b for b in blocks}
    out = [by_index[i].text for i in order]
    return "\n".join(out) + _ending(blocks, out[-1])


def removals(blocks: Sequence[Block], decisions: Decisions) -> list[Removal]:
    """Dropped lines grouped into runs of consecutive lines removed by the same rule.

    A run's lines are collected in a list and joined once: growing one string line by line is
    quadratic, and a run can be 200,000 lines long.
    """
    runs: list[tuple[Block, Decision, list[str]]] = []  # first block, its decision, the run's lines
    last_line = -2
    for b in blocks:
        d = decisions.get(b.index)
        if d is None or not d.dropped or d.category is None:
            continue
        text = b.text.rstrip("\r")
        if runs and last_line == b.line - 1 and runs[-1][1].rule == d.rule and runs[-1][1].category == d.category:
            runs[-1][2].append(text)
        else:
            runs.append((b, d, [text]))
        last_line = b.line
    out = []
    for first, d, lines in runs:
        assert d.category is not None
        span = (first.line, first.line + len(lines) - 1)
        out.append(Removal(span, "\n".join(lines), d.category, d.rule, d.reason, d.score))
    return out
