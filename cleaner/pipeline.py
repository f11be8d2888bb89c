"""The pipeline, visible in one function: segment -> annotate -> revise -> guard -> render."""

from __future__ import annotations

from cleaner.annotate import annotate
from cleaner.config import CleanerConfig
from cleaner.guard import guard
from cleaner.render import removals, render
from cleaner.revise import DocView, revise
from cleaner.rules import RuleSet, build_ruleset
from cleaner.segment import segment
from cleaner.types import Block, CleanResult, Decision


def ruleset_for(config: CleanerConfig) -> RuleSet:
    return build_ruleset(config.rule_files, config.disabled, config.disabled_rules)


def decide(blocks: list[Block], config: CleanerConfig, rules: RuleSet, title: str | None) -> dict[int, Decision]:
    """One pass over the visible blocks: context-free annotations, then the context revision."""
    annotations = annotate(blocks, rules)
    revised = revise(DocView(blocks, config, title), annotations, rules)
    return {**annotations, **revised}


def run(text: str, config: CleanerConfig, title: str | None = None, url: str | None = None) -> CleanResult:
    rules = ruleset_for(config)
    blocks = segment(text)
    decisions: dict[int, Decision] = {}
    visible = blocks
    # Passes until nothing more goes: what a second `clean` of the output would remove is
    # removed now, so cleaning twice changes nothing.
    for _ in range(config.max_passes):
        new = {i: d for i, d in decide(visible, config, rules, title).items() if d.dropped}
        if not new:
            break
        decisions.update(new)
        visible = [b for b in visible if b.index not in new]
    final, restored = guard(blocks, decisions, config)
    by_index = {b.index: b for b in blocks}
    return CleanResult(
        text=render(blocks, final),
        removed=removals(blocks, final),
        guard_fired=bool(restored),
        restored=removals([by_index[i] for i in restored], decisions),
        title=title,
        url=url,
        lines_in=len(blocks),
    )
