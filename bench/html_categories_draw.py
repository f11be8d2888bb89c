"""Draw a fresh held-out set of removed HTML blocks to label by hand, shown WITHOUT their category.

    .venv/bin/python bench/html_categories_draw.py [DATA] --seed N --pages 40 --out draw.jsonl

Pages of wcxb-dev (WCXB by Murrough Foley, CC-BY-4.0) in none of tests/cases/html_categories*.jsonl
are drawn (`random.Random(seed).sample`), cleaned with `clean_html` (default settings), and from each
page that removed anything two removed non-blank lines are drawn with the same generator. Each block
is printed with what a labeller reads (the guide, tests/cases/html_categories.md): the page's title
and address, the block's tag, the family words of its element and its ancestors, its containers,
its share of link text, whether it sits in a form with an e-mail field, and the three blocks above
and below (removed or kept) - never the category `clean_html` gave it. `--out` writes the drawn
blocks as JSON lines with `category` empty, to be filled in by hand.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

import cleaner
from cleaner.config import CleanerConfig
from cleaner.evaluation.categories import load_cases, removed_lines
from cleaner.evaluation.datasets import list_ids, load_pages
from cleaner.html import dom
from cleaner.html.mode import html_document, line_of

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
NEIGHBOURS = 3


def _names(bits: int, names: tuple[str, ...]) -> str:
    return ",".join(n for i, n in enumerate(names) if bits & (1 << i)) or "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=ROOT.parent / "shared" / "data" / "wcxb-dev")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--per-page", type=int, default=2)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    used = {c.page for path in sorted(CASES.glob("html_categories*.jsonl")) for c in load_cases(path)}
    pool = [pid for pid in list_ids(args.data) if pid not in used]
    rng = random.Random(args.seed)
    pages = sorted(rng.sample(pool, args.pages))
    drawn = []
    for page in load_pages(args.data, ids=pages):
        result = cleaner.clean_html(page.html_bytes, page.url)
        removed = {n: t for n, (t, _) in removed_lines(result.removed).items() if t.strip()}
        if not removed:
            continue
        doc = html_document(page.html_bytes, page.url, CleanerConfig())
        at = dict(zip(line_of(doc.items), doc.items, strict=True))
        lines = sorted(at)
        for n in sorted(rng.sample(sorted(removed), min(args.per_page, len(removed)))):
            drawn.append({"page": page.id, "line": n, "text": removed[n], "category": ""})
            b = at.get(n - 1)
            print(f"=== {page.id} line {n} | {doc.title!r} | {page.url}")
            if b is None:
                print("  (not one block)")
            else:
                share = min(1.0, b.link_chars / len(b.text)) if b.text else 0.0
                print(
                    f"  tag={b.tag} own={_names(b.own_families, dom.FAMILY_NAMES)} "
                    f"fam={_names(b.families, dom.FAMILY_NAMES)} in={_names(b.containers, dom.CONTAINERS)} "
                    f"link={share:.2f} email_form={b.email_form}"
                )
                k = lines.index(n - 1)
                for j in lines[max(0, k - NEIGHBOURS) : k + NEIGHBOURS + 1]:
                    mark = ">>" if j == n - 1 else ("x " if j + 1 in removed else "  ")
                    print(f"  {mark} [{at[j].tag}] {at[j].text[:150]}")
    args.out.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in drawn), encoding="utf-8")
    print(f"{len(drawn)} blocks of {len({d['page'] for d in drawn})} pages -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
