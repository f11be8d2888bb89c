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


def run(text: str, config: CleanerConfig, title: str | None = None, url: str | None = None) -> CleanResult:
    rules = ruleset_for(config)
    blocks = segment(text)
    # Context-free, so once: a later pass only sees lines no phrase rule claimed.
    decisions: dict[int, Decision] = annotate(blocks, rules)
    visible = [b for b in blocks if b.index not in decisions]
    annotations = dict(decisions)
    # Context passes until a pass over exactly what a second `clean` would see (the surviving
    # lines, no annotations) removes nothing: so cleaning twice changes nothing. The first
    # pass sees the annotated lines in place, because headers and boxes are context.
    view: list[Block] = blocks
    for _ in range(config.max_passes):
        new = {i: d for i, d in revise(DocView(view, config, title), annotations, rules).items() if d.dropped}
        if not new and not annotations:
            break
        decisions.update(new)
        visible = [b for b in visible if b.index not in new]
        view, annotations = visible, {}
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
