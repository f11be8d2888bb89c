"""The document as the context pass sees it: its visible blocks, and the helpers every context
function shares (`cleaner.revise`, `cleaner.comments`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from cleaner.config import CleanerConfig
from cleaner.topic import content_words, vocabulary
from cleaner.types import Action, Block, Category, Decision, Decisions, Shape, Stage, Strength

REPEATED_HEADER = 3  # a "header" repeated this often is the button of a card grid, not a header


@dataclass
class DocView:
    """The visible blocks of one document plus lazily computed per-document features."""

    blocks: Sequence[Block]
    config: CleanerConfig
    title: str | None = None
    forum: bool = False  # a forum's or Q&A thread's page (from its url): its posts are its content
    nonblank: list[int] = field(init=False)
    _words: list[frozenset[str]] | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        blank = Shape.BLANK  # `Block.blank`, without a property call per line
        self.nonblank = [i for i, b in enumerate(self.blocks) if b.shape is not blank]

    def words(self, pos: int) -> frozenset[str]:
        if self._words is None:
            self._words = [content_words(b.text) if not b.blank else frozenset() for b in self.blocks]
        return self._words[pos]

    def vocabulary(self, decisions: Decisions) -> Counter[str]:
        """Content-word line counts over the lines still kept."""
        return vocabulary(self.words(p) for p in self.nonblank if self.blocks[p].index not in decisions)


def drop(rule: str, category: Category, reason: str, strength: Strength, score: float | None = None) -> Decision:
    return Decision(Action.DROP, Stage.REVISE, rule, reason, category, strength, score)


def dropped(decisions: Decisions, block: Block) -> Decision | None:
    d = decisions.get(block.index)
    return d if d is not None and d.dropped else None
