"""How often `--format json`'s date and author (`cleaner.metadata`) are the gold ones, and at what cost.

    .venv/bin/python bench/metadata_gain.py [DATA] [--every 25] [--out bench/results/metadata.json]

Data: wcxb-dev, WCXB (Web Content Extraction Benchmark) by Murrough Foley, CC-BY-4.0: its
ground-truth/<id>.json gives each page's `author` and `publish_date` (null where the page has
none). For every page with a gold value: whether `cleaner.metadata.page_metadata` finds it (a
date: the same YYYY-MM-DD; an author: either name contains the other, case-insensitive), and the
same for trafilatura's `extract_metadata` on every `--every`-th page (it is slow: that is the
point of measuring it). Also counted: values found where the gold has none, and time per page.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from pathlib import Path
from typing import Any

from cleaner.metadata import iso_date, page_metadata

ROOT = Path(__file__).resolve().parents[1]


def _author_hit(found: str | None, gold: str) -> bool:
    return bool(found) and (found.lower() in gold.lower() or gold.lower() in str(found).lower())


def _score(rows: list[tuple[str | None, str | None, Any]]) -> dict[str, int]:
    """rows: (found date, found author, gold)."""
    out = {"dates": 0, "dates_found": 0, "dates_extra": 0, "authors": 0, "authors_found": 0, "authors_extra": 0}
    for date, author, gold in rows:
        gold_date = iso_date(gold.get("publish_date"))
        if gold_date:
            out["dates"] += 1
            out["dates_found"] += date == gold_date
        else:
            out["dates_extra"] += date is not None
        if gold.get("author"):
            out["authors"] += 1
            out["authors_found"] += _author_hit(author, gold["author"])
        else:
            out["authors_extra"] += author is not None
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=ROOT.parent / "shared" / "data" / "wcxb-dev")
    parser.add_argument("--every", type=int, default=25, help="trafilatura on every Nth page only")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "metadata.json")
    args = parser.parse_args()
    import trafilatura
    from trafilatura.metadata import extract_metadata

    ours: list[tuple[str | None, str | None, Any]] = []
    ours_sub: list[tuple[str | None, str | None, Any]] = []
    theirs: list[tuple[str | None, str | None, Any]] = []
    ours_s = theirs_s = 0.0
    pages = sorted((args.data / "html").glob("*.html.gz"))
    for n, page in enumerate(pages):
        gold = json.loads((args.data / "ground-truth" / page.name.replace(".html.gz", ".json")).read_text())
        gold = gold["ground_truth"]
        html = gzip.decompress(page.read_bytes())
        start = time.perf_counter()
        meta = page_metadata(html)
        ours_s += time.perf_counter() - start
        ours.append((meta.date, meta.author, gold))
        if n % args.every:
            continue
        ours_sub.append(ours[-1])
        tree = trafilatura.load_html(html)
        start = time.perf_counter()
        found = extract_metadata(tree) if tree is not None else None
        theirs_s += time.perf_counter() - start
        theirs.append((iso_date(getattr(found, "date", None)), getattr(found, "author", None), gold))
    result = {
        "data": str(args.data.name),
        "pages": len(ours),
        "cleaner": {**_score(ours), "ms_per_page": round(1000 * ours_s / max(1, len(ours)), 2)},
        "subset_every": args.every,
        "subset_pages": len(theirs),
        "cleaner_on_subset": _score(ours_sub),
        "trafilatura_on_subset": {**_score(theirs), "ms_per_page": round(1000 * theirs_s / max(1, len(theirs)), 2)},
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
