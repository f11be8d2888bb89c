"""Category agreement of HTML mode's removals with a hand-labelled set of blocks.

Users switch categories off (`--disable navigation`), so a removed block's category must be what
the block is. `tests/cases/html_categories.jsonl` holds blocks of wcxb-dev pages (WCXB by Murrough
Foley, CC-BY-4.0) that `clean_html` removes, each with its true category, read by hand under the
guide in `tests/cases/html_categories.md`. `measure` cleans each page once and compares.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.evaluation.datasets import load_pages
from cleaner.types import Removal


@dataclass(frozen=True, slots=True)
class LabelledBlock:
    page: str  # wcxb-dev page id
    line: int  # 1-based line of the block in clean_html's page text (`CleanResult.removed` spans)
    text: str
    category: str  # the true category (a `Category` value)


@dataclass(frozen=True)
class Agreement:
    """Labelled blocks found removed, by (true, given) category; and those no longer removed."""

    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    kept: tuple[LabelledBlock, ...] = ()

    @property
    def removed(self) -> int:
        return sum(self.confusion.values())

    @property
    def share(self) -> float:
        """The share of removed labelled blocks whose category is the true one."""
        same = sum(n for (true, given), n in self.confusion.items() if true == given)
        return same / self.removed if self.removed else 0.0

    def table(self) -> str:
        """The confusion table as markdown: rows are true categories, columns given ones."""
        names = sorted({c for pair in self.confusion for c in pair})
        lines = [
            "| true \\ given | " + " | ".join(names) + " | agree |",
            "|---" * (len(names) + 2) + "|",
        ]
        for true in sorted({true for true, _ in self.confusion}):
            row = [self.confusion.get((true, given), 0) for given in names]
            total = sum(row)
            ok = self.confusion.get((true, true), 0)
            cells = " | ".join(str(n) if n else "." for n in row)
            lines.append(f"| {true} | {cells} | {ok}/{total} |")
        return "\n".join(lines)


def load_cases(path: Path) -> list[LabelledBlock]:
    """The labelled blocks of a JSON Lines file (one object a line: page, line, text, category)."""
    out = []
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
            out.append(LabelledBlock(str(item["page"]), int(item["line"]), str(item["text"]), str(item["category"])))
        except (ValueError, KeyError, TypeError) as e:
            raise ValueError(f"{path}:{n}: not a labelled block ({e})") from e
    return out


def removed_lines(removed: Iterable[Removal]) -> dict[int, tuple[str, str]]:
    """Each removed line's number -> (its text, its category), from `CleanResult.removed`."""
    out: dict[int, tuple[str, str]] = {}
    for r in removed:
        for k, text in enumerate(r.text.split("\n")):
            out[r.lines[0] + k] = (text, r.category.value)
    return out


def measure(cases: Sequence[LabelledBlock], data: Path) -> Agreement:
    """Clean each labelled page of the WCXB folder `data` with the default settings and compare the
    category of each labelled block's removal with its label."""
    import cleaner

    by_page: dict[str, list[LabelledBlock]] = {}
    for case in cases:
        by_page.setdefault(case.page, []).append(case)
    confusion: Counter[tuple[str, str]] = Counter()
    kept: list[LabelledBlock] = []
    for page in load_pages(data, ids=sorted(by_page)):
        removed = removed_lines(cleaner.clean_html(page.html_bytes, page.url).removed)
        for case in by_page[page.id]:
            found = removed.get(case.line)
            if found is None or found[0] != case.text:
                kept.append(case)
            else:
                confusion[(case.category, found[1])] += 1
    return Agreement(confusion, tuple(kept))
