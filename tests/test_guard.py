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
    blocks = segment("\n".join([PROSE] * 11 + ["Share this article"]))
    decisions = {i: drop(Strength.WEAK) for i in range(10)} | {11: drop(Strength.STRONG)}
    final, restored = guard(blocks, decisions, CleanerConfig())  # 1 of 11 prose lines left: 9 % < 10 %
    assert restored == list(range(10))
    assert all(final[i].action is Action.KEEP and final[i].stage is Stage.GUARD for i in restored)
    assert final[11].dropped  # phrase-rule (strong) drops stay


def test_guard_lets_most_of_the_prose_go_when_a_tenth_stays() -> None:
    # A whole page's text is mostly other stories' summaries and readers' comments: a fifth of its prose
    # left is no sign of over-removal (at 25 % the guard undid more good drops than bad ones).
    blocks = segment("\n".join([PROSE] * 5))
    decisions = {i: drop(Strength.WEAK) for i in range(4)}
    assert guard(blocks, decisions, CleanerConfig()) == (decisions, [])
    assert guard(blocks, decisions, CleanerConfig(guard_keep_ratio=0.25))[1] == [0, 1, 2, 3]


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


TOPICS = [
    (
        "Cats Rule the Night in Rural Barns",
        "Farm cats sleep through the day and hunt at night, when mice leave the hay.",
    ),
    (
        "Freight Trains Grow Longer Every Year",
        "Railway firms now run freight trains three kilometres long, saving fuel.",
    ),
    (
        "Ten Islands Where Summer Never Ends",
        "From quiet coves to busy promenades, these islands offer sun and seafood.",
    ),
    (
        "Why Sourdough Bakers Argue About Flour",
        "Bakers still debate rye, spelt and wheat, and how long a starter needs.",
    ),
    (
        "The Quiet Return of the Fountain Pen",
        "Stationery shops report rising sales of ink, nibs and thick writing paper.",
    ),
    (
        "Mountain Huts Prepare for a Busy Winter",
        "Alpine wardens stock firewood, tinned soup and blankets before the snow.",
    ),
    ("How Chess Clubs Won Back Teenagers", "Online games brought a new generation to club nights in church halls."),
    (
        "Orchards Try New Apples for Hotter Summers",
        "Growers plant varieties that ripen early and tolerate dry, warm weather.",
    ),
    (
        "Lighthouse Keepers Share Their Logbooks",
        "Old entries describe storms, shipwrecks and the long winters on the rocks.",
    ),
    (
        "Village Choirs Sing Again After the Lockdowns",
        "Rehearsals moved from kitchens back to chapels and community centres.",
    ),
]


EXTRA = [
    "Some farmers keep a dozen.",
    "Drivers need special training.",
    "Ferries run hourly in July.",
    "Rye loaves keep for a week.",
    "Collectors trade vintage nibs.",
    "Some huts open at Christmas.",
    "Tournaments start in March.",
    "Cider makers are curious too.",
    "Museums now display several.",
    "New members are welcome.",
]


def _teaser_page(article: list[str]) -> str:
    # Summaries of two sentences, as teaser cards often have: most of the page's prose.
    teasers = [
        line for (head, summary), more in zip(TOPICS, EXTRA, strict=True) for line in (head, f"{summary} {more}")
    ]
    return "\n\n".join([*article, "Read also:", *teasers])


ARTICLE = [
    "The river rose by two metres overnight and the town council opened the sports hall to families from "
    "the lower streets near the old bridge.",
    "Volunteers carried sandbags to the bakery, the school and the clinic while engineers watched the "
    "weir, which held until the morning.",
]


def test_teasers_go_that_outweigh_an_article_four_to_one() -> None:
    result = cleaner.clean(_teaser_page(ARTICLE))
    assert not result.guard_fired
    assert all(line in result.text for line in ARTICLE)
    assert "Read also:" not in result.text and TOPICS[0][1] not in result.text


def test_guard_fires_end_to_end_when_teasers_would_leave_little_of_the_article() -> None:
    text = _teaser_page(ARTICLE)
    result = cleaner.clean(text, guard_keep_ratio=0.25)  # a fifth of the prose would stay
    assert result.guard_fired
    assert [r.category for r in result.removed] == [Category.RELATED]  # only the header goes
    assert {r.rule for r in result.restored} == {"context.teaser"}
    assert TOPICS[0][1] in result.text and "Read also:" not in result.text
    unguarded = cleaner.clean(text, guard=False, guard_keep_ratio=0.25)
    assert not unguarded.guard_fired and TOPICS[0][1] not in unguarded.text
