"""Category agreement of clean_html's removals with the hand-labelled blocks, as markdown.

    .venv/bin/python bench/html_categories.py [DATA] [--out bench/results/<date>-html-categories.md]

Data: wcxb-dev, WCXB (Web Content Extraction Benchmark) by Murrough Foley, CC-BY-4.0. The labelled
blocks and their guide: tests/cases/html_categories.jsonl (developed on), *_heldout.jsonl,
*_heldout2.jsonl (tuned on from the second round), *_heldout3.jsonl (tuned on from the third round),
*_heldout4.jsonl (tuned on from the fourth round), *_heldout5.jsonl (tuned on from the fifth round),
*_heldout6.jsonl (tuned on in the fifth round, after its first measurement), *_heldout7.jsonl
(drawn after the fifth round's code, never tuned on), *_heldout8.jsonl (drawn 2026-12-07, never tuned
on), *_heldout9.jsonl, *_heldout10.jsonl and *_heldout11.jsonl (drawn 2026-12-07, never tuned on), .md.
Each set is measured twice: with the categories users see (`cleaner.html.category.name_of`) and,
for comparison, with the block model's drops named by their markup family alone
(`family_category`, what every drop was named before) and the rules' drops by their rules' categories.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import sys
from collections.abc import Iterator
from pathlib import Path

from cleaner.evaluation.categories import Agreement, load_cases, measure
from cleaner.html import category as domcategory

ROOT = Path(__file__).resolve().parent.parent
SETS = (
    ("labelled (developed on)", ROOT / "tests" / "cases" / "html_categories.jsonl"),
    ("held-out", ROOT / "tests" / "cases" / "html_categories_heldout.jsonl"),
    (
        "held-out 2 (drawn 2026-12-05; tuned on from the second round)",
        ROOT / "tests" / "cases" / "html_categories_heldout2.jsonl",
    ),
    (
        "held-out 3 (drawn 2026-12-05, second round; tuned on from the third round)",
        ROOT / "tests" / "cases" / "html_categories_heldout3.jsonl",
    ),
    (
        "held-out 4 (drawn 2026-12-05, third round; tuned on from the fourth round)",
        ROOT / "tests" / "cases" / "html_categories_heldout4.jsonl",
    ),
    (
        "held-out 5 (drawn 2026-12-05, fourth round; tuned on from the fifth round)",
        ROOT / "tests" / "cases" / "html_categories_heldout5.jsonl",
    ),
    (
        "held-out 6 (drawn 2026-12-05, fifth round; tuned on in it after its first measurement)",
        ROOT / "tests" / "cases" / "html_categories_heldout6.jsonl",
    ),
    (
        "held-out 7 (drawn 2026-12-05 after the fifth round's code; never tuned on)",
        ROOT / "tests" / "cases" / "html_categories_heldout7.jsonl",
    ),
    (
        "held-out 8 (drawn 2026-12-07 at 5fa7b85, labelled blind; never tuned on)",
        ROOT / "tests" / "cases" / "html_categories_heldout8.jsonl",
    ),
    (
        "held-out 9 (drawn 2026-12-07 at 272caba, labelled blind; never tuned on)",
        ROOT / "tests" / "cases" / "html_categories_heldout9.jsonl",
    ),
    (
        "held-out 10 (drawn 2026-12-07 at 272caba's code, three blind labellers; never tuned on)",
        ROOT / "tests" / "cases" / "html_categories_heldout10.jsonl",
    ),
    (
        "held-out 11 (drawn 2026-12-07 at 753bf3e, two blind labellers; never tuned on)",
        ROOT / "tests" / "cases" / "html_categories_heldout11.jsonl",
    ),
)


@contextlib.contextmanager
def markup_families_only() -> Iterator[None]:
    """Name every block-model drop by its markup family, as before `domcategory.name_of`, and every
    rule's drop by its rule's category, as before `domcategory.rule_category`."""
    saved = domcategory.name_of, domcategory.rule_category
    domcategory.name_of = lambda ev: domcategory.Named(domcategory.family_category(ev), "its markup family")
    domcategory.rule_category = lambda category, ev: None
    try:
        yield
    finally:
        domcategory.name_of, domcategory.rule_category = saved


def section(name: str, path: Path, data: Path) -> str:
    cases = load_cases(path)
    now = measure(cases, data)
    with markup_families_only():
        before: Agreement = measure(cases, data)
    pages = len({c.page for c in cases})
    return "\n".join(
        [
            f"## {name}: {len(cases)} blocks of {pages} pages (`{path.relative_to(ROOT)}`)",
            "",
            f"Agreement {now.share:.3f} ({now.removed} removed, {len(now.kept)} no longer removed); "
            f"markup families alone {before.share:.3f}.",
            "",
            "Now (rows: true category, columns: the category given):",
            "",
            now.table(),
            "",
            "Markup families alone:",
            "",
            before.table(),
            "",
        ]
    )


def unused(folder: Path, stem: str) -> Path:
    """`folder/stem.md`, or `stem-2.md`, `stem-3.md`... when it is taken: a second run the same day
    must not overwrite an earlier round's results (it did: the first round's file, 2026-12-05)."""
    path = folder / f"{stem}.md"
    k = 2
    while path.exists():
        path = folder / f"{stem}-{k}.md"
        k += 1
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=ROOT.parent / "shared" / "data" / "wcxb-dev")
    parser.add_argument("--out", type=Path, help="default: bench/results/<date>-html-categories[-N].md, unused")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"{args.data}: no such folder (the WCXB dev set)", file=sys.stderr)
        return 2
    out = args.out or unused(ROOT / "bench" / "results", f"{datetime.date.today().isoformat()}-html-categories")
    text = "\n".join(
        [
            "# HTML removal categories vs hand-labelled blocks",
            "",
            "`.venv/bin/python bench/html_categories.py`; data wcxb-dev (WCXB by Murrough Foley, CC-BY-4.0);",
            "labelling guide `tests/cases/html_categories.md`. Agreement: the share of labelled blocks",
            "`clean_html` removes (default settings) whose removal carries the true category.",
            "",
            *(section(name, path, args.data) for name, path in SETS),
        ]
    )
    out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
