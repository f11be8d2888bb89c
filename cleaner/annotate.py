"""Stage 2: context-free annotation. Each line on its own: does a phrase rule claim it?

Only the rule families decide here; everything that needs neighbours, position or the rest of
the document waits for `revise`.
"""

from __future__ import annotations

from collections.abc import Sequence

from cleaner.rules import RuleSet
from cleaner.types import Action, Block, Decision, Stage, Strength


def annotate(blocks: Sequence[Block], rules: RuleSet) -> dict[int, Decision]:
    """Drop decisions for the lines a phrase rule claims, keyed by block index."""
    out: dict[int, Decision] = {}
    for block in blocks:
        if block.blank or not block.norm:
            continue
        rule = rules.match(block.norm, block.words)
        if rule is not None:
            out[block.index] = Decision(
                action=Action.DROP,
                stage=Stage.ANNOTATE,
                rule=rule.id,
                reason=rule.why,
                category=rule.category,
                strength=Strength.STRONG,
            )
    return out
