"""Peer text extractors (HTML -> the text a user of that tool would have), cached on disk.

Extractors (names accepted by `peer_text`):

=========================  =================================================================
``trafilatura``            ``trafilatura.extract(html, url=url)``, default settings
``trafilatura_recall``     the same with ``favor_recall=True``
``trafilatura_precision``  the same with ``favor_precision=True`` (an html-mode baseline)
``trafilatura_markdown``   the same with ``output_format="markdown"`` (headings, lists and
                           tables marked, as LLM-data pipelines ask trafilatura for)
``html_text``              the whole page as text: ``html_text.extract_text(decoded html)``
``readability``            ``readability.Document(decoded html).summary()`` -> ``html_text``
``justext``                jusText paragraphs not classed boilerplate (English stop list),
                           joined by blank lines
``node_text``              the page's text nodes, one a line, as a scraper's
                           ``BeautifulSoup(html).get_text("\\n", strip=True)`` gives them
``markdown``               the page as markdown (markdownify, ATX headings), as LLM-data
                           pipelines' crawlers give it
=========================  =================================================================

HTML bytes are handed to trafilatura as they are (it decodes them itself); the other peers get
them decoded by ``trafilatura.utils.decode_file`` (UTF-8 first, then the detected charset).
A peer that raises while extracting returns the empty string (and that result is cached too);
a peer whose library is not installed is an error (`check_extractor`), never an empty text.

Cache layout
------------
One UTF-8 text file per (extractor, version, page)::

    <cache_dir>/<extractor>/<version>/<sha[:2]>/<sha>.txt

where ``sha`` is the hex sha256 of the raw HTML bytes and ``version`` names the library
versions and this module's recipe revision, e.g. ``trafilatura-2.3.1.r1`` or
``readability-lxml-0.9+html-text-0.7.1.r1``. A new library version (or recipe) therefore
lands in a new folder and never reads stale text. The URL is not part of the key (in a dataset
each HTML file has one URL). Text is stored and read with line endings as they are (no newline
translation). Files are written atomically (temporary
file + rename), so several processes may fill the same cache at once. The default cache folder
is ``.cache/eval/`` at the repository root (gitignored; an editable install is assumed).

Anyone may read the cache directly: ``peer_text("trafilatura", html, url, cache_dir)`` returns
the cached text when present and computes (and stores) it otherwise.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

RECIPE = "r1"  # bump when an extractor recipe below changes its output

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CACHE = REPO_ROOT / ".cache" / "eval"

TEXT_PEERS = (
    "trafilatura",
    "trafilatura_recall",
    "trafilatura_markdown",
    "html_text",
    "readability",
    "justext",
    "node_text",
    "markdown",
)
ALL_PEERS = (*TEXT_PEERS, "trafilatura_precision")


def _dist_version(dist: str) -> str:
    from importlib import metadata  # here: `cleaner --help` imports this module for the peers' names

    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "missing"


def _decode(html: bytes) -> str:
    from trafilatura.utils import decode_file

    return str(decode_file(html))


def _trafilatura(
    html: bytes,
    url: str | None,
    *,
    favor_recall: bool = False,
    favor_precision: bool = False,
    output_format: str = "txt",
) -> str:
    import trafilatura

    out = trafilatura.extract(
        html, url=url, favor_recall=favor_recall, favor_precision=favor_precision, output_format=output_format
    )
    return str(out) if out else ""


def _html_text(html: bytes, url: str | None) -> str:
    import html_text

    return str(html_text.extract_text(_decode(html)))


_NOT_TEXT = frozenset({"script", "style", "noscript", "template"})


def _node_text(html: bytes, url: str | None) -> str:
    """The page's text nodes, each stripped on a line of its own, as a scraper's
    `BeautifulSoup(html).get_text("\\n", strip=True)` gives them (scripts and styles left out):
    a link or a word in bold inside a sentence, every token of highlighted code, on its own line."""
    import lxml.html
    from lxml import etree

    text = _decode(html)
    if not text.strip():
        return ""
    try:
        root = lxml.html.fromstring(text.encode("utf-8"))
    except (ValueError, etree.ParserError):
        return ""
    out: list[str] = []
    stack: list[tuple[Any, bool]] = [(root, False)]  # (element, its tail's turn)
    while stack:
        el, tail = stack.pop()
        if tail:
            if el.tail and el.tail.strip():
                out.append(el.tail.strip())
            continue
        stack.append((el, True))
        if not isinstance(el.tag, str) or el.tag in _NOT_TEXT:
            continue  # a comment's, a script's text: not shown (their tails are)
        if el.text and el.text.strip():
            out.append(el.text.strip())
        stack.extend((child, False) for child in reversed(el))
    return "\n".join(out)


def _markdown(html: bytes, url: str | None) -> str:
    """The page as markdown, as the crawlers of LLM-data pipelines hand it over: markdownify's
    conversion (ATX headings) of the decoded page, scripts and styles left out."""
    from bs4 import BeautifulSoup
    from markdownify import MarkdownConverter

    soup = BeautifulSoup(_decode(html), "lxml")
    for tag in soup(list(_NOT_TEXT)):
        tag.decompose()
    return str(MarkdownConverter(heading_style="ATX").convert_soup(soup))


def _readability(html: bytes, url: str | None) -> str:
    import html_text
    from readability import Document

    summary = Document(_decode(html), url=url).summary(html_partial=True)
    return str(html_text.extract_text(summary))


def _justext(html: bytes, url: str | None) -> str:
    import justext

    paragraphs = justext.justext(html, justext.get_stoplist("English"))
    return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)


Extractor = Callable[[bytes, str | None], str]

# name -> (function, distributions whose versions key the cache, modules it imports)
_EXTRACTORS: dict[str, tuple[Extractor, tuple[str, ...], tuple[str, ...]]] = {
    "trafilatura": (lambda h, u: _trafilatura(h, u), ("trafilatura",), ("trafilatura",)),
    "trafilatura_recall": (lambda h, u: _trafilatura(h, u, favor_recall=True), ("trafilatura",), ("trafilatura",)),
    "trafilatura_precision": (
        lambda h, u: _trafilatura(h, u, favor_precision=True),
        ("trafilatura",),
        ("trafilatura",),
    ),
    "trafilatura_markdown": (
        lambda h, u: _trafilatura(h, u, output_format="markdown"),
        ("trafilatura",),
        ("trafilatura",),
    ),
    "html_text": (_html_text, ("html-text",), ("html_text",)),
    "readability": (_readability, ("readability-lxml", "html-text"), ("readability", "html_text")),
    "justext": (_justext, ("jusText",), ("justext",)),
    "node_text": (_node_text, ("lxml", "trafilatura"), ("lxml",)),
    "markdown": (_markdown, ("markdownify", "beautifulsoup4", "trafilatura"), ("markdownify", "bs4")),
}


def check_extractor(extractor: str) -> None:
    """Raise ValueError for an unknown extractor or one whose library is not installed."""
    if extractor not in _EXTRACTORS:
        raise ValueError(f"unknown extractor {extractor!r}; known: {', '.join(sorted(_EXTRACTORS))}")
    missing = [m for m in _EXTRACTORS[extractor][2] if importlib.util.find_spec(m) is None]
    if missing:
        raise ValueError(
            f"extractor {extractor!r} needs {', '.join(missing)} (install the eval extras: pip install -e '.[eval]')"
        )


def available(extractor: str) -> bool:
    try:
        check_extractor(extractor)
    except ValueError:
        return False
    return True


@cache
def peer_version(extractor: str) -> str:
    """The cache version string of an extractor: its libraries' versions and the recipe."""
    if extractor not in _EXTRACTORS:
        check_extractor(extractor)
    dists = _EXTRACTORS[extractor][1]
    return "+".join(f"{d.lower()}-{_dist_version(d)}" for d in dists) + f".{RECIPE}"


def library_versions() -> dict[str, str]:
    names = ["trafilatura", "html-text", "readability-lxml", "jusText", "datatrove", "lxml"]
    return {n: _dist_version(n) for n in names}


def cache_path(extractor: str, html: bytes, cache_dir: Path) -> Path:
    sha = hashlib.sha256(html).hexdigest()
    return Path(cache_dir) / extractor / peer_version(extractor) / sha[:2] / f"{sha}.txt"


def extract_uncached(extractor: str, html: bytes, url: str | None) -> str:
    """Run one extractor on one page; an exception in the peer gives the empty string."""
    check_extractor(extractor)
    func = _EXTRACTORS[extractor][0]
    try:
        return func(html, url)
    except ImportError:
        raise
    except Exception:
        return ""


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".txt")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def peer_text(extractor: str, html: bytes, url: str | None, cache_dir: Path | None = None) -> str:
    """The text `extractor` makes of `html`, from the cache when there, else computed and stored.

    `cache_dir=None` uses the default cache folder (``.cache/eval/`` in the repository).
    """
    path = cache_path(extractor, html, DEFAULT_CACHE if cache_dir is None else cache_dir)
    try:
        with open(path, encoding="utf-8", newline="") as fh:
            return fh.read()
    except FileNotFoundError:
        pass
    text = extract_uncached(extractor, html, url)
    _write_atomic(path, text)
    return text


def is_cached(extractor: str, html: bytes, cache_dir: Path | None = None) -> bool:
    return cache_path(extractor, html, DEFAULT_CACHE if cache_dir is None else cache_dir).is_file()


def _warm_one(args: tuple[str, str, tuple[str, ...], str]) -> int:
    from cleaner.evaluation.datasets import load_pages

    root, page_id, extractors, cache_dir = args
    page = next(load_pages(Path(root), ids=[page_id]))
    done = 0
    for ex in extractors:
        if not is_cached(ex, page.html_bytes, Path(cache_dir)):
            peer_text(ex, page.html_bytes, page.url, Path(cache_dir))
            done += 1
    return done


def warm_cache(
    root: Path,
    extractors: tuple[str, ...],
    cache_dir: Path | None = None,
    *,
    ids: list[str] | None = None,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Fill the cache for every page of a dataset; returns how many outputs were computed."""
    from cleaner.evaluation.datasets import list_ids

    for ex in extractors:
        check_extractor(ex)
    cdir = str(DEFAULT_CACHE if cache_dir is None else cache_dir)
    chosen = ids if ids is not None else list_ids(root)
    tasks = [(str(root), pid, extractors, cdir) for pid in chosen]
    computed = 0
    if jobs <= 1:
        for i, t in enumerate(tasks, 1):
            computed += _warm_one(t)
            if progress:
                progress(i, len(tasks))
        return computed
    import multiprocessing as mp

    with mp.get_context("spawn").Pool(jobs) as pool:
        for i, n in enumerate(pool.imap_unordered(_warm_one, tasks, chunksize=4), 1):
            computed += n
            if progress:
                progress(i, len(tasks))
    return computed
