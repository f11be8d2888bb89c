"""The typed vocabulary every stage shares: blocks in, decisions out.

A document becomes a tuple of `Block`s (one per input line). Each pipeline stage returns new
`Decision`s for the blocks it has an opinion about; nothing is mutated in place, so a test can
look at any stage on its own. The output text is always rebuilt from blocks + final decisions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Category(StrEnum):
    """What kind of boilerplate a removed line is."""

    PAYWALL = "paywall"
    NEWSLETTER = "newsletter"
    RELATED = "related"
    DUPLICATE_HEADLINE = "duplicate-headline"
    NAVIGATION = "navigation"
    CAPTION = "caption"
    PROMO = "promo"
    LEGAL = "legal"
    OTHER = "other"  # boilerplate of no family above (a byline, a date, a comment, a price): HTML mode
    COMMENTS = "comments"  # readers' comments under an article, and the prompts and forms around them

    def __str__(self) -> str:
        return self.value


class Action(StrEnum):
    KEEP = "keep"
    DROP = "drop"


class Stage(StrEnum):
    """Which pipeline stage made a decision (the explanation vocabulary is closed)."""

    ANNOTATE = "annotate"  # context-free: phrase rules and line shape
    REVISE = "revise"  # context: neighbours, position, document structure
    MODEL = "model"  # the learned line model (cleaner.models.line)
    GUARD = "guard"  # over-removal guard restored the line


class Strength(StrEnum):
    """How sure a drop is. The over-removal guard only ever undoes WEAK drops."""

    STRONG = "strong"
    WEAK = "weak"


class Shape(StrEnum):
    """Context-free class of a line, from its form alone (jusText's first pass, typed)."""

    BLANK = "blank"
    PROSE = "prose"  # long, sentence-like: article text unless a rule says otherwise
    SHORT = "short"  # short sentence or fragment: uncertain, decided by context
    HEADLINE = "headline"  # short, title-like, no sentence punctuation at the end


@dataclass(frozen=True, slots=True)
class Block:
    """One input line with the features every stage needs, computed once."""

    index: int  # 0-based position in the document's line list
    text: str  # the line exactly as given (without its line ending)
    norm: str  # lower-cased, whitespace-collapsed, bullets and edge punctuation stripped
    words: int  # number of \\w+ tokens
    shape: Shape

    @property
    def line(self) -> int:
        """1-based line number, as in `text.split("\\n")`."""
        return self.index + 1

    @property
    def blank(self) -> bool:
        return self.shape is Shape.BLANK


@dataclass(frozen=True, slots=True)
class Decision:
    """A stage's verdict on one block. Drops always carry category, rule id and reason."""

    action: Action
    stage: Stage
    rule: str
    reason: str
    category: Category | None = None
    strength: Strength = Strength.STRONG
    score: float | None = None
    # The category the text stages read when it is not `category` (HTML block-model drops: see
    # `cleaner.html.category.family_category`); users only ever see `category`.
    context_category: Category | None = None

    @property
    def dropped(self) -> bool:
        return self.action is Action.DROP


# A document's decisions so far, keyed by block index (`Block.index`): what every stage reads and adds to.
Decisions = dict[int, Decision]


@dataclass(frozen=True, slots=True)
class Removal:
    """One removed run of lines, as reported to users."""

    lines: tuple[int, int]  # 1-based inclusive span over the input's lines
    text: str
    category: Category
    rule: str
    reason: str
    score: float | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "lines": list(self.lines),
            "category": self.category.value,
            "rule": self.rule,
            "reason": self.reason,
            "score": self.score,
            "text": self.text,
        }


@dataclass(frozen=True, slots=True)
class CleanResult:
    """The cleaned text and the account of every cut."""

    text: str
    removed: list[Removal] = field(default_factory=list)
    guard_fired: bool = False
    restored: list[Removal] = field(default_factory=list)  # drops the guard undid
    title: str | None = None
    url: str | None = None
    lines_in: int = 0
    warnings: tuple[str, ...] = ()

    @property
    def lines_removed(self) -> int:
        return sum(r.lines[1] - r.lines[0] + 1 for r in self.removed)

    def by_category(self) -> dict[str, int]:
        """Removed line counts per category, for summaries and stats."""
        counts: dict[str, int] = {}
        for r in self.removed:
            counts[r.category.value] = counts.get(r.category.value, 0) + r.lines[1] - r.lines[0] + 1
        return counts
