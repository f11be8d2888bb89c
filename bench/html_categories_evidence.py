"""The evidence behind each labelled block's category, as `clean_html` reads it: one row a block.

    .venv/bin/python bench/html_categories_evidence.py [DATA] --out rows.json

For every block of tests/cases/html_categories*.jsonl that `clean_html` (default settings) removes,
on wcxb-dev (WCXB by Murrough Foley, CC-BY-4.0): the category it is given (the hand-written
precedence of `cleaner.html.category` and `category_runs`), its label, and the evidence that
precedence arbitrates between, recorded while the page is cleaned (nothing is recomputed apart):
which text cues match (every cue, not only the first), the markup family, the phrase or context
rule's own category, what each step of `name_of` says on its own (headline, cue, markup, shape),
the block's tag, containers, family words, link share, words, title likeness, position on the
page, the page kind, and its dropped neighbours. `bench/html_categories_learn.py` reads the rows.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import cleaner
import cleaner.html.category as category
import cleaner.html.mode as mode
import cleaner.html.policy as policy
from cleaner.evaluation.categories import load_cases, removed_lines
from cleaner.evaluation.datasets import load_pages
from cleaner.html import dom
from cleaner.html.blocks import load
from cleaner.html.mode import line_of
from cleaner.types import Decision

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
SET_FILES = (
    "html_categories.jsonl",
    *(f"html_categories_heldout{k}.jsonl" for k in ("", "2", "3", "4", "5", "6", "7", "8")),
)


def set_files() -> list[tuple[str, Path]]:
    """The labelled sets that exist, by name (the file's stem after `html_categories`)."""
    out = []
    for name in SET_FILES:
        path = CASES / name
        if path.exists():
            out.append((path.stem.removeprefix("html_categories").lstrip("_") or "labelled", path))
    return out


def _cat(named: Any) -> str:
    return "" if named is None else str(named.category.value)


def evidence(ev: category.Evidence) -> dict[str, Any]:
    """What one block's category is read from, each step of `name_of` on its own."""
    low = ev.block.text.lower()
    first = category.text_cue(ev.block.text)
    shape = category.shape_category(ev)
    return {
        "tag": ev.block.tag,
        "containers": ev.block.containers,
        "own": ev.block.own_families,
        "families": ev.block.families,
        "email_form": bool(ev.block.email_form),
        "link_share": ev.link_share,
        "words": ev.words,
        "title_sim": ev.title_sim,
        "policy_rule": ev.rule if ev.rule in ("comment", "comments", "teasers", "apart", "repeat") else "",
        "in_menu": ev.in_menu,
        "box_heading": ev.box_heading,
        "gated": ev.gated,
        "tile": ev.tile,
        "cue_first": "" if first is None else first.id,
        "cue_cats": sorted({c.category.value for c in category.cues() if c.pattern.search(low)}),
        "headline": _cat(category.headline_category(ev)),
        "cue": _cat(category.cue_category(ev)),
        "markup": _cat(category.markup_category(ev)),
        "shape": shape.category.value,
        "shape_why": shape.why,
        "single": category.name_of(ev).category.value,
        "family": category.family_category(ev).value,
    }


class Recorder:
    """Patches the three places a dropped block's category is named and keeps what they saw."""

    def __init__(self) -> None:
        self.model: dict[int, dict[str, Any]] = {}  # line (1-based) -> evidence of a block-model drop
        self.rule: dict[int, dict[str, Any]] = {}  # line (1-based) -> evidence of a rule's drop
        self.items: Sequence[dom.DomBlock] = ()
        self.article = float("nan")

    def reset(self) -> None:
        self.model, self.rule, self.items, self.article = {}, {}, (), float("nan")

    @contextmanager
    def patched(self) -> Iterator[None]:
        saved = policy.drop_categories, category.rules_shown, mode.decide
        real_drop, real_shown, real_decide = saved

        def drop_categories(items, x, words, chosen, pol, title):  # type: ignore[no-untyped-def]
            out = real_drop(items, x, words, chosen, pol, title)
            where = line_of(items)
            self.items = items
            for i in chosen:
                ev = category.Evidence(
                    items[i],
                    float(x[i, policy._COL["link_density"]]),
                    float(words[i]),
                    float(x[i, policy._COL["title_sim"]]),
                    title,
                    pol[i][0] if i in pol else "",
                )
                row = evidence(ev)
                row["index"] = i
                row["given_model"] = out[i][0].category.value
                row["why_model"] = out[i][0].why
                self.model[where[i] + 1] = row
            return out

        def rules_shown(items, where, lines, title):  # type: ignore[no-untyped-def]
            shown = real_shown(items, where, lines, title)
            block_at = {j: i for i, j in enumerate(where)}
            title_words = category._title_parts(title)[0] if title else frozenset()

            def wrapped(line: int, d: Decision) -> Decision:
                out = shown(line, d)
                i = block_at.get(line)
                if i is not None and d.category is not None:
                    b = items[i]
                    words = category._words(b.text)
                    sim = len(words & title_words) / len(words | title_words) if words and title_words else 0.0
                    link = min(1.0, b.link_chars / len(b.text)) if b.text else 0.0
                    ev = category.Evidence(b, link, float(lines[line].words), sim, title, d.rule)
                    row = evidence(ev)
                    row["index"] = i
                    row["rule_category"] = d.category.value
                    row["rule_id"] = d.rule
                    row["rule_shown"] = out.category.value if out.category else ""
                    self.rule[line + 1] = row
                return out

            return wrapped

        def decide(model, items, x, counts, threshold=None, ruled=frozenset(), kind=(), title=None):  # type: ignore[no-untyped-def]
            if model.page_kind is not None and len(kind):
                self.article = model.page_kind.article(kind)
            return real_decide(model, items, x, counts, threshold, ruled, kind, title)

        policy.drop_categories, category.rules_shown, mode.decide = drop_categories, rules_shown, decide
        try:
            yield
        finally:
            policy.drop_categories, category.rules_shown, mode.decide = saved


def _neighbour(rec: Recorder, line: int, removed: dict[int, tuple[str, str]]) -> dict[str, Any]:
    """A neighbouring block's: removed or not, the category given, its link share and first cue."""
    found = removed.get(line)
    ev = rec.model.get(line) or rec.rule.get(line)
    return {
        "removed": found is not None,
        "given": found[1] if found else "",
        "link": ev["link_share"] if ev else 0.0,
        "cue": ev["cue"] if ev else "",
    }


def rows_of(data: Path, sets: Sequence[tuple[str, Path]], log: Callable[[str], None] = print) -> list[dict[str, Any]]:
    cases = [(name, c) for name, path in sets for c in load_cases(path)]
    by_page: dict[str, list[tuple[str, Any]]] = {}
    for name, c in cases:
        by_page.setdefault(c.page, []).append((name, c))
    rec = Recorder()
    rows: list[dict[str, Any]] = []
    model = load(cleaner.CleanerConfig().html_model)
    assert model is not None
    with rec.patched():
        for n, page in enumerate(load_pages(data, ids=sorted(by_page)), 1):
            rec.reset()
            result = cleaner.clean_html(page.html_bytes, page.url)
            removed = removed_lines(result.removed)
            where = line_of(rec.items) if rec.items else []
            for name, c in by_page[page.id]:
                found = removed.get(c.line)
                if found is None or found[0] != c.text:
                    continue
                row: dict[str, Any] = {
                    "set": name,
                    "page": c.page,
                    "domain": urlsplit(page.url or "").hostname or page.id,
                    "line": c.line,
                    "text": c.text,
                    "label": c.category,
                    "given": found[1],
                    "article": rec.article,
                    "model": rec.model.get(c.line),
                    "rule": rec.rule.get(c.line),
                }
                ev = row["model"] or row["rule"]
                if ev is not None and where:
                    i = ev["index"]
                    row["position"] = i / max(1, len(where) - 1)
                    row["prev"] = _neighbour(rec, where[i - 1] + 1, removed) if i > 0 else None
                    row["next"] = _neighbour(rec, where[i + 1] + 1, removed) if i + 1 < len(where) else None
                rows.append(row)
            if n % 50 == 0:
                log(f"{n} of {len(by_page)} pages")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=ROOT.parent / "shared" / "data" / "wcxb-dev")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"{args.data}: no such folder (the WCXB dev set)", file=sys.stderr)
        return 2
    rows = rows_of(args.data, set_files(), lambda s: print(s, file=sys.stderr))
    args.out.write_text(json.dumps(rows, ensure_ascii=False, sort_keys=True, indent=0) + "\n", encoding="utf-8")
    print(f"{len(rows)} removed labelled blocks -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
