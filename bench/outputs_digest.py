"""Fingerprint what cleaner gives, page by page, to prove a refactor or a speed-up output-identical.

    .venv/bin/python bench/outputs_digest.py ../shared/data/wcxb-dev ../shared/data/news-dev/dragnet \\
        ../shared/data/news-dev/l3s-gn1 --every 3 --jobs 2 --out /tmp/before.json
    ... change the code ...
    .venv/bin/python bench/outputs_digest.py <same sets and --every> --jobs 2 --compare /tmp/before.json

For every --every'th page of each set: `clean_html` with the block model, `clean_html` with
html_model="off", the markdown rendering of `clean_html_document`, and text mode (`clean`) over the
page's trafilatura and html_text extracts (from the eval cache, computed when missing). Each
output is reduced to a SHA-256 of its text, its removals (line, category, rule id, reason) and its
warnings. `--compare` names every page and path whose fingerprint moved and exits 1 if any did; it compares
the pages of this run (a larger earlier run, e.g. every page, serves any --every).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

PATHS = ("html", "html_off", "markdown", "text_trafilatura", "text_html_text")


def _result_digest(result: Any) -> str:
    h = hashlib.sha256()
    h.update(result.text.encode("utf-8", "surrogatepass"))
    for r in result.removed:
        line = f"\x00{r.lines}\x01{r.category.value}\x01{r.rule}\x01{r.reason}\x01{r.score}"
        h.update(line.encode("utf-8", "surrogatepass"))
    for w in result.warnings:
        h.update(f"\x02{w}".encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:24]


def _page_digests(job: tuple[str, str]) -> tuple[str, dict[str, str]]:
    import cleaner
    from cleaner.evaluation.datasets import load_pages
    from cleaner.evaluation.peers import peer_text

    root, pid = job
    page = next(load_pages(root, ids=[pid]))
    out: dict[str, str] = {}
    for path in PATHS:
        try:
            if path == "html":
                out[path] = _result_digest(cleaner.clean_html(page.html_bytes, page.url))
            elif path == "html_off":
                out[path] = _result_digest(cleaner.clean_html(page.html_bytes, page.url, html_model="off"))
            elif path == "markdown":
                doc = cleaner.clean_html_document(page.html_bytes, page.url)
                out[path] = hashlib.sha256(cleaner.render(doc, cleaner.Format.MARKDOWN).encode()).hexdigest()[:24]
            else:
                text = peer_text(path.removeprefix("text_"), page.html_bytes, page.url)
                out[path] = _result_digest(cleaner.clean(text, url=page.url))
        except Exception as exc:  # an error is an output too: it must not change either
            out[path] = f"error {type(exc).__name__}: {exc}"[:200]
    return f"{Path(root).name}/{pid}", out


Digests = dict[str, dict[str, str]]
PageDigests = Callable[[tuple[str, str]], tuple[str, dict[str, str]]]


def fingerprint(argv: list[str] | None, doc: str, page: PageDigests) -> tuple[argparse.Namespace, Digests]:
    """Parse the command line (sets, --every, --jobs, --out, --compare), fingerprint every
    --every'th page of each set with `page` in --jobs processes and write --out."""
    from cleaner.evaluation.datasets import list_ids

    ap = argparse.ArgumentParser(description=doc.split("\n")[0])
    ap.add_argument("sets", nargs="+", type=Path)
    ap.add_argument("--every", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--compare", type=Path)
    args = ap.parse_args(argv)
    jobs = [(str(root), pid) for root in args.sets for pid in list_ids(root)[:: args.every]]
    with ProcessPoolExecutor(args.jobs) as pool:
        digests = dict(pool.map(page, jobs, chunksize=4))
    if args.out:
        args.out.write_text(json.dumps(digests, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    return args, digests


def earlier(args: argparse.Namespace, digests: Digests) -> Digests | None:
    """The --compare run's fingerprints (None without --compare); exits 2 when it lacks a page of
    this run (a --every or a set it did not have: nothing to compare with)."""
    if not args.compare:
        return None
    before: Digests = json.loads(args.compare.read_text(encoding="utf-8"))
    unknown = sorted(set(digests) - set(before))
    if unknown:
        print(f"{len(unknown)} pages are not in {args.compare}, e.g. {unknown[0]}", file=sys.stderr)
        raise SystemExit(2)
    return before


def main(argv: list[str] | None = None) -> int:
    args, digests = fingerprint(argv, __doc__, _page_digests)
    print(f"{len(digests)} pages x {len(PATHS)} paths fingerprinted", file=sys.stderr)
    before = earlier(args, digests)
    if before is None:
        return 0
    moved = [(p, path) for p in sorted(digests) for path in PATHS if before[p][path] != digests[p][path]]
    for page, path in moved[:50]:
        print(f"moved: {page} {path}")
    print(f"{len(moved)} of {len(digests) * len(PATHS)} outputs moved")
    for path in PATHS:  # which outputs moved: a change meant for one format must leave the others be
        print(f"  {path}: {sum(1 for _, p in moved if p == path)} of {len(digests)} pages")
    return 1 if moved else 0


if __name__ == "__main__":
    sys.exit(main())
