"""Stage 4: the over-removal guard.

When the drops would leave almost nothing of a document that had real prose, the uncertain
(WEAK, context-made) drops are undone. Phrase-rule drops stay: they matched a whole family of
boilerplate wording, and a page that is nothing but that is worth emptying.
"""

from __future__ import annotations

from collections.abc import Sequence

from cleaner.config import CleanerConfig
from cleaner.types import Action, Block, Decision, Decisions, Shape, Stage, Strength


def prose_words(blocks: Sequence[Block], decisions: Decisions | None = None) -> int:
    """Words in prose-shaped lines (those not dropped, when decisions are given)."""
    total = 0
    for b in blocks:
        if b.shape is Shape.PROSE:
            d = decisions.get(b.index) if decisions else None
            if d is None or not d.dropped:
                total += b.words
    return total


def guard(blocks: Sequence[Block], decisions: Decisions, config: CleanerConfig) -> tuple[Decisions, list[int]]:
    """Return the final decisions and the indices of the drops the guard undid."""
    if not config.guard:
        return decisions, []
    # Measured against what the sure (STRONG) drops leave, not the input: cleaning the output
    # again (where those lines are gone) then asks the same question and gets the same answer.
    before = prose_words(blocks, {i: d for i, d in decisions.items() if d.strength is Strength.STRONG})
    if before < config.guard_min_words:
        return decisions, []
    after = prose_words(blocks, decisions)
    if after >= config.guard_keep_ratio * before:
        return decisions, []
    restored = [i for i, d in decisions.items() if d.dropped and d.strength is Strength.WEAK]
    if not restored:
        return decisions, []
    out = dict(decisions)
    for i in restored:
        out[i] = Decision(
            Action.KEEP,
            Stage.GUARD,
            "guard.over-removal",
            f"Kept: removing it would leave under {config.guard_keep_ratio:.0%} of the document's prose.",
        )
    return out, sorted(restored)
