"""Fingerprint only the text `clean_html` returns, page by page: proof that a change of categories
(or reasons) moved no text, where `bench/outputs_digest.py` also hashes the removals.

    .venv/bin/python bench/html_text_digest.py ../shared/data/wcxb-dev ../shared/data/news-dev/dragnet \\
        ../shared/data/news-dev/l3s-gn1 --every 7 --out /tmp/before.json
    ... change the code ...
    .venv/bin/python bench/html_text_digest.py <same sets and --every> --compare /tmp/before.json

For every --every'th page of each set: a SHA-256 of `clean_html(page).text`, of the markdown
rendering of `clean_html_document(page)`, and, for reference, of the removals' (lines, category)
pairs. `--compare` counts what moved in each and exits 1 if a text or a markdown rendering did.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from outputs_digest import earlier, fingerprint

KINDS = ("text", "markdown", "categories")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def _page(job: tuple[str, str]) -> tuple[str, dict[str, str]]:
    import cleaner
    from cleaner.evaluation.datasets import load_pages

    root, pid = job
    page = next(load_pages(Path(root), ids=[pid]))
    try:
        result = cleaner.clean_html(page.html_bytes, page.url)
        markdown = cleaner.render(cleaner.clean_html_document(page.html_bytes, page.url), cleaner.Format.MARKDOWN)
        pairs = json.dumps([(r.lines, r.category.value) for r in result.removed])
        out = {"text": _sha(result.text), "markdown": _sha(markdown), "categories": _sha(pairs)}
    except Exception as exc:  # an error is an output too
        out = dict.fromkeys(KINDS, f"error {type(exc).__name__}: {exc}"[:200])
    return f"{Path(root).name}/{pid}", out


def main(argv: list[str] | None = None) -> int:
    args, digests = fingerprint(argv, __doc__, _page)
    print(f"{len(digests)} pages fingerprinted", file=sys.stderr)
    before = earlier(args, digests)
    if before is None:
        return 0
    moved = {kind: [p for p in sorted(digests) if before[p][kind] != digests[p][kind]] for kind in KINDS}
    for kind in KINDS:
        shown = moved[kind][:20] if kind != "categories" else []
        print(f"{kind}: {len(moved[kind])} of {len(digests)} pages moved", *shown)
    return 1 if moved["text"] or moved["markdown"] else 0


if __name__ == "__main__":
    sys.exit(main())
