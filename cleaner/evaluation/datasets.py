"""Benchmark datasets on disk, read into one `Page` shape.

Two layouts are understood:

* WCXB (Web Content Extraction Benchmark, by Murrough Foley, CC-BY-4.0):
  ``html/<id>.html.gz`` and ``ground-truth/<id>.json`` with ``url``,
  ``_internal.page_type.primary``, ``ground_truth.main_content`` and the snippet lists
  ``ground_truth.with`` / ``ground_truth.without``.
* ScrapingHub article-extraction-benchmark: one ``ground-truth.json`` mapping
  id -> ``{"articleBody": ..., "url": ...}`` and ``html/<id>.html.gz``. Its pages are all
  articles and carry no snippets.

The datasets are never copied into the repository: they are read where they lie.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Format = Literal["wcxb", "scrapinghub"]

WCXB_CREDIT = "WCXB (Web Content Extraction Benchmark) by Murrough Foley, CC-BY-4.0"
SCRAPINGHUB_CREDIT = "ScrapingHub article-extraction-benchmark (MIT)"


@dataclass(frozen=True, slots=True)
class Page:
    """One benchmark page: its HTML and what a perfect extractor would return."""

    id: str
    url: str | None
    page_type: str
    html_bytes: bytes = field(repr=False)
    truth_text: str = field(repr=False)
    with_: tuple[str, ...] = field(default=(), repr=False)  # WCXB `with`: snippets that must be in the output
    without: tuple[str, ...] = field(default=(), repr=False)  # WCXB `without`: snippets that must not be


class DatasetError(ValueError):
    """The folder is not a dataset in a known layout."""


def detect_format(root: Path) -> Format:
    if (root / "ground-truth").is_dir():
        return "wcxb"
    if (root / "ground-truth.json").is_file():
        return "scrapinghub"
    raise DatasetError(f"{root}: neither WCXB (ground-truth/<id>.json) nor ScrapingHub (ground-truth.json)")


def credit(fmt: Format) -> str:
    return WCXB_CREDIT if fmt == "wcxb" else SCRAPINGHUB_CREDIT


def _read_html(root: Path, page_id: str) -> bytes:
    gz = root / "html" / f"{page_id}.html.gz"
    if gz.is_file():
        return gzip.decompress(gz.read_bytes())
    plain = root / "html" / f"{page_id}.html"
    if plain.is_file():
        return plain.read_bytes()
    raise DatasetError(f"{root}: no html/{page_id}.html.gz")


def list_ids(root: Path) -> list[str]:
    """All page ids of a dataset, sorted."""
    fmt = detect_format(root)
    if fmt == "wcxb":
        return sorted(p.name.removesuffix(".json") for p in (root / "ground-truth").glob("*.json"))
    data = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    return sorted(data)


def _wcxb_page(root: Path, page_id: str) -> Page:
    meta: dict[str, Any] = json.loads((root / "ground-truth" / f"{page_id}.json").read_text(encoding="utf-8"))
    gt: dict[str, Any] = meta.get("ground_truth") or {}
    page_type = ((meta.get("_internal") or {}).get("page_type") or {}).get("primary") or "unknown"
    return Page(
        id=page_id,
        url=meta.get("url"),
        page_type=str(page_type),
        html_bytes=_read_html(root, page_id),
        truth_text=gt.get("main_content") or "",
        with_=tuple(s for s in gt.get("with") or () if isinstance(s, str)),
        without=tuple(s for s in gt.get("without") or () if isinstance(s, str)),
    )


def load_pages(
    root: Path | str,
    *,
    ids: Iterable[str] | None = None,
    types: Sequence[str] | None = None,
    limit: int | None = None,
) -> Iterator[Page]:
    """Yield the pages of a dataset in id order.

    `ids` restricts to those pages (in the given order), `types` to those page types, and
    `limit` stops after that many pages (after the filters).
    """
    root = Path(root)
    fmt = detect_format(root)
    wanted = list(ids) if ids is not None else list_ids(root)
    type_set = set(types) if types else None
    n = 0
    if fmt == "wcxb":
        for pid in wanted:
            if limit is not None and n >= limit:
                return
            page = _wcxb_page(root, pid)
            if type_set is not None and page.page_type not in type_set:
                continue
            n += 1
            yield page
        return
    data: dict[str, Any] = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    for pid in wanted:
        if limit is not None and n >= limit:
            return
        if type_set is not None and "article" not in type_set:
            return
        item = data[pid]
        n += 1
        yield Page(
            id=pid,
            url=item.get("url"),
            page_type="article",
            html_bytes=_read_html(root, pid),
            truth_text=item.get("articleBody") or "",
        )


def page_types(root: Path | str) -> dict[str, str]:
    """id -> page type, without reading any HTML."""
    root = Path(root)
    if detect_format(root) == "scrapinghub":
        return dict.fromkeys(list_ids(root), "article")
    out: dict[str, str] = {}
    for pid in list_ids(root):
        meta = json.loads((root / "ground-truth" / f"{pid}.json").read_text(encoding="utf-8"))
        out[pid] = str(((meta.get("_internal") or {}).get("page_type") or {}).get("primary") or "unknown")
    return out


def dataset_hash(root: Path | str, ids: Iterable[str] | None = None) -> str:
    """sha256 over the sorted ids and the sha256 of each page's files (HTML and ground truth).

    With `ids`, only those pages count, so a subset run has its own stable hash.
    """
    root = Path(root)
    fmt = detect_format(root)
    chosen = sorted(ids) if ids is not None else list_ids(root)
    outer = hashlib.sha256()
    if fmt == "scrapinghub":
        outer.update(b"ground-truth.json\0")
        gt = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
        for pid in chosen:
            outer.update(json.dumps(gt[pid], sort_keys=True).encode() + b"\0")
    for pid in chosen:
        files = [root / "html" / f"{pid}.html.gz"]
        if fmt == "wcxb":
            files.append(root / "ground-truth" / f"{pid}.json")
        outer.update(pid.encode() + b"\0")
        for f in files:
            digest = hashlib.sha256(f.read_bytes()).hexdigest() if f.is_file() else "missing"
            outer.update(f"{f.name}:{digest}\0".encode())
    return outer.hexdigest()
