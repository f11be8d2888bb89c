"""The over-removal guard: undo uncertain drops when they would leave almost no prose."""

from __future__ import annotations

import cleaner
from cleaner.config import CleanerConfig
from cleaner.guard import guard, prose_words
from cleaner.segment import segment
from cleaner.types import Action, Category, Decision, Stage, Strength

PROSE = "The river rose by two metres overnight and the town council opened the sports hall to families."


def drop(strength: Strength) -> Decision:
    return Decision(Action.DROP, Stage.REVISE, "context.test", "Test.", Category.RELATED, strength)


def test_guard_restores_weak_drops_when_almost_all_prose_would_go() -> None:
    blocks = segment("\n".join([PROSE] * 5 + ["Share this article"]))
    decisions = {i: drop(Strength.WEAK) for i in range(4)} | {5: drop(Strength.STRONG)}
    final, restored = guard(blocks, decisions, CleanerConfig())  # 1 of 5 prose lines left: 20 % < 25 %
    assert restored == [0, 1, 2, 3]
    assert all(final[i].action is Action.KEEP and final[i].stage is Stage.GUARD for i in restored)
    assert final[5].dropped  # phrase-rule (strong) drops stay


def test_guard_leaves_decisions_alone_when_enough_prose_remains() -> None:
    blocks = segment("\n".join([PROSE] * 4))
    decisions = {0: drop(Strength.WEAK)}
    assert guard(blocks, decisions, CleanerConfig()) == (decisions, [])


def test_guard_ignores_documents_without_real_prose() -> None:
    blocks = segment("Menu\nHome\nAbout us")
    decisions = {0: drop(Strength.WEAK), 1: drop(Strength.WEAK)}
    assert prose_words(blocks) == 0
    assert guard(blocks, decisions, CleanerConfig())[1] == []


def test_guard_can_be_switched_off_and_tuned() -> None:
    blocks = segment("\n".join([PROSE] * 4))
    decisions = {i: drop(Strength.WEAK) for i in range(4)}
    assert guard(blocks, decisions, CleanerConfig(guard=False))[1] == []
    assert guard(blocks, decisions, CleanerConfig(guard_min_words=10_000))[1] == []
    assert guard(blocks, decisions, CleanerConfig())[1] == [0, 1, 2, 3]


def test_guard_fires_end_to_end_on_a_page_that_is_all_teasers() -> None:
    text = "\n\n".join(
        [
            "Read also:",
            "Cats Rule the Night in Rural Barns",
            "Farm cats sleep through most of the day and hunt at night, when mice leave the hay and fields go quiet.",
            "Freight Trains Grow Longer Every Year",
            "Railway companies now run freight trains more than three kilometres long across the prairie, saving fuel.",
            "Ten Islands Where Summer Never Ends",
            "From quiet coves to crowded promenades, these islands offer sunshine, seafood and clear water all year.",
        ]
    )
    result = cleaner.clean(text)
    assert result.guard_fired
    assert [r.category for r in result.removed] == [Category.RELATED]  # only the header goes
    assert {r.rule for r in result.restored} == {"context.teaser"}
    assert "Farm cats sleep" in result.text and "Read also:" not in result.text
    assert not cleaner.clean(text, guard=False).guard_fired
