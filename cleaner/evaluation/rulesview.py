"""Per-rule view: what each rule removed, and how much of that was the article itself.

A removed line is *gold* (mostly contained in the reference main content) when

* it has 4 or more ``\\w+`` tokens (lower-cased) and at least half of its word 4-grams occur
  in the reference's 4-grams;
* it has 1 to 3 tokens and the reference has a line with exactly those tokens (a heading,
  a label, a list item). Short lines are matched as whole lines: "Home", "Share" or "AI,
  Personalization" occur inside many long texts, so finding their words says nothing.

Matching is by counts, against what the kept text does not already cover: the reference's
4-grams (and short lines) minus those of the kept lines, consumed by the removed lines in
document order. Removing the second copy of a headline the reference has once is therefore not
a gold removal, while removing its only copy is. Lines without tokens are not counted. Rules
that remove gold lines are the first to fix.

For each rule we also measure its *marginal F1 effect*: for each page, the F1 of the cleaned
text minus the F1 of the cleaned text with that rule's removed lines put back (the word metric
ignores order, so putting back = adding the tokens). Summed over pages and divided by the
number of pages, it is the rule's share of the mean-F1 change (positive: the rule helps). It
is exact for the text-mode metric, save for interactions between rules (a line that another
rule would have removed had this one not fired).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cleaner.evaluation.metrics import multiset_prf, word_tokens
from cleaner.types import Removal

GOLD_SHARE = 0.5


def _grams4(tokens: Sequence[str]) -> list[tuple[str, ...]]:
    return [tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)]


class GoldIndex:
    """The reference text, indexed for the gold-line test; `kept` lines are already covered."""

    def __init__(self, truth: str, kept: str = "") -> None:
        tokens = word_tokens(truth)
        self.tokens = tokens
        self.counts: Counter[str] = Counter(tokens)
        self.grams4: Counter[tuple[str, ...]] = Counter(_grams4(tokens))
        self.short_lines: Counter[tuple[str, ...]] = Counter(
            t for t in (tuple(word_tokens(line)) for line in truth.split("\n")) if 0 < len(t) < 4
        )
        for line in kept.split("\n"):
            toks = word_tokens(line)
            if len(toks) >= 4:
                self.grams4.subtract(_grams4(toks))
            elif toks:
                self.short_lines.subtract([tuple(toks)])

    def is_gold(self, line: str) -> bool | None:
        """Whether a removed line is mostly uncovered article text; None for a line without words.

        Each call consumes what it matched, so call it once per removed line, in order.
        """
        toks = word_tokens(line)
        n = len(toks)
        if n == 0:
            return None
        if n >= 4:
            found = 0
            for g in _grams4(toks):
                if self.grams4[g] > 0:
                    self.grams4[g] -= 1
                    found += 1
            return found >= GOLD_SHARE * (n - 3)
        key = tuple(toks)
        if self.short_lines[key] > 0:
            self.short_lines[key] -= 1
            return True
        return False


@dataclass(frozen=True, slots=True)
class RemovedLine:
    rule: str
    category: str
    text: str
    words: int
    gold: bool


@dataclass(slots=True)
class PageRules:
    """One page's removals, classified, with each rule's marginal F1 effect."""

    page_id: str
    lines: list[RemovedLine]
    f1_effect: dict[str, float]  # rule -> F1(cleaned) - F1(cleaned + that rule's lines)


def classify_page(page_id: str, removed: Sequence[Removal], cleaned: str, truth: str) -> PageRules:
    gold = GoldIndex(truth, cleaned)
    lines: list[RemovedLine] = []
    by_rule: dict[str, Counter[str]] = {}
    for r in removed:
        for text in r.text.split("\n"):
            verdict = gold.is_gold(text)
            toks = word_tokens(text)
            by_rule.setdefault(r.rule, Counter()).update(toks)
            if verdict is None:
                continue
            lines.append(RemovedLine(r.rule, r.category.value, text.strip(), len(toks), verdict))
    effect: dict[str, float] = {}
    if by_rule and gold.tokens:
        out = Counter(word_tokens(cleaned))
        base = multiset_prf(out, gold.counts).f1
        for rule, rule_toks in by_rule.items():
            effect[rule] = base - multiset_prf(out + rule_toks, gold.counts).f1
    return PageRules(page_id, lines, effect)


@dataclass(slots=True)
class RuleStat:
    rule: str
    category: str
    lines: int = 0
    gold_lines: int = 0
    words: int = 0
    gold_words: int = 0
    pages: set[str] = field(default_factory=set)
    gold_pages: set[str] = field(default_factory=set)
    f1_effect_sum: float = 0.0
    gold_examples: list[tuple[str, str]] = field(default_factory=list)  # (page id, line)
    other_examples: list[tuple[str, str]] = field(default_factory=list)

    @property
    def gold_share(self) -> float:
        return self.gold_lines / self.lines if self.lines else 0.0

    def to_dict(self, n_pages: int, examples: int = 5) -> dict[str, object]:
        return {
            "rule": self.rule,
            "category": self.category,
            "lines": self.lines,
            "gold_lines": self.gold_lines,
            "gold_share": round(self.gold_share, 4),
            "words": self.words,
            "gold_words": self.gold_words,
            "pages": len(self.pages),
            "gold_pages": len(self.gold_pages),
            "f1_effect": self.f1_effect_sum / n_pages if n_pages else 0.0,
            "gold_examples": [{"page": p, "line": t} for p, t in self.gold_examples[:examples]],
            "other_examples": [{"page": p, "line": t} for p, t in self.other_examples[:examples]],
        }


MAX_EXAMPLES = 20
EXAMPLES_PER_PAGE = 2  # spread the examples over pages


def aggregate(pages: Iterable[PageRules]) -> dict[str, RuleStat]:
    stats: dict[str, RuleStat] = {}
    for page in pages:
        shown: Counter[tuple[str, bool]] = Counter()
        for ln in page.lines:
            st = stats.get(ln.rule)
            if st is None:
                st = stats[ln.rule] = RuleStat(ln.rule, ln.category)
            st.lines += 1
            st.words += ln.words
            st.pages.add(page.page_id)
            if ln.gold:
                st.gold_lines += 1
                st.gold_words += ln.words
                st.gold_pages.add(page.page_id)
                if len(st.gold_examples) < MAX_EXAMPLES and shown[ln.rule, True] < EXAMPLES_PER_PAGE:
                    st.gold_examples.append((page.page_id, ln.text))
                    shown[ln.rule, True] += 1
            elif len(st.other_examples) < MAX_EXAMPLES and shown[ln.rule, False] < EXAMPLES_PER_PAGE:
                st.other_examples.append((page.page_id, ln.text))
                shown[ln.rule, False] += 1
        for rule, eff in page.f1_effect.items():
            if rule in stats:
                stats[rule].f1_effect_sum += eff
    return stats


def worst_rules(stats: dict[str, RuleStat], n: int | None = None) -> list[RuleStat]:
    """Rules by gold lines removed (most first), then by gold share."""
    ranked = sorted(stats.values(), key=lambda s: (-s.gold_lines, -s.gold_share, s.rule))
    return ranked if n is None else ranked[:n]
