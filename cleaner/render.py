"""Stage 5: render. The output text is rebuilt from blocks + decisions, and nothing else.

Kept lines are emitted exactly as they were (a CRLF line keeps its '\\r'). A run of blank lines
that a removal created collapses to one; blank runs the author wrote stay as they were; there
are no leading or trailing blank lines; non-empty output ends with the input's line ending.
"""

from __future__ import annotations

from collections.abc import Sequence

from cleaner.types import Block, Decision, Decisions, Removal


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
        elif b.blank:
            gap.append(b.index)
        else:
            if out and gap:
                out.extend(gap[:1] if gap_removed else gap)
            out.append(b.index)
            gap, gap_removed = [], False
    return out


def render(blocks: Sequence[Block], decisions: Decisions) -> str:
    order = emitted(blocks, decisions)
    if not order:
        return ""
    by_index = {b.index: b for b in blocks}
    out = [by_index[i].text for i in order]
    crlf = any(b.text.endswith("\r") for b in blocks[:-1])
    ending = "\n" if out[-1].endswith("\r") or not crlf else "\r\n"
    return "\n".join(out) + ending


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
