"""Stage 2: context-free annotation. Each line on its own: does a phrase rule claim it?

Only the rule families decide here; everything that needs neighbours, position or the rest of
the document waits for `revise`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from cleaner.config import CleanerConfig
from cleaner.rules import RuleSet, build_ruleset
from cleaner.types import Action, Block, Decision, Decisions, Shape, Stage, Strength


def annotate(blocks: Sequence[Block], rules: RuleSet) -> Decisions:
    """Drop decisions for the lines a phrase rule claims, keyed by block index."""
    out: Decisions = {}
    for block in blocks:
        if not block.norm or block.shape is Shape.BLANK:
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


def protected_lines(blocks: Sequence[Block], config: CleanerConfig, taken: Collection[int] = ()) -> frozenset[int]:
    """The lines a phrase rule or category the user switched off would have taken, less `taken`:
    they are the user's to keep, so no other stage (the line model, the block model) may take
    them under another name. Empty when nothing is switched off."""
    if not (config.disabled or config.disabled_rules):
        return frozenset()
    everything = annotate(blocks, build_ruleset(config.rule_files, frozenset(), frozenset()))
    return frozenset(i for i, d in everything.items() if d.dropped and i not in taken)
