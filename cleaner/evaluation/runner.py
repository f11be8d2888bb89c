"""`run_eval`: score cleaner against peers on a benchmark, page by page, and aggregate.

Modes
-----
text
    For each peer extractor (see `peers`): the peer's text as it is (``as-is``), after
    ``cleaner.clean(peer_text)`` (``cleaner``), and after datatrove's C4 line filter (``c4``).
html
    ``cleaner.clean_html(html, url)`` (``clean_html``), the same extraction without the
    cleaning step (``extract-only``: cleaner's own trafilatura call), and trafilatura alone as
    peers (by default ``trafilatura`` and ``trafilatura_precision``).

Speed (pages/s, MB/s) is measured for the step under test only, as the sum of per-page
wall-clock times on one core: text mode times ``cleaner.clean`` (or the C4 filter) on the
peer's text and counts that text's UTF-8 bytes; html mode times the whole ``clean_html`` and
counts the HTML bytes. Rows without a step under test (``as-is``, peers) have no speed.
With ``jobs > 1`` pages are shared among processes; each page is still timed on one core.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from cleaner.config import CleanerConfig
from cleaner.evaluation import c4, peers
from cleaner.evaluation.datasets import Page, credit, dataset_hash, detect_format, list_ids, load_pages, page_types
from cleaner.evaluation.metrics import PageScore, Summary, score_page, summarize_by_type, summarize_shingles
from cleaner.evaluation.rulesview import PageRules, RuleStat, aggregate, classify_page, worst_rules

Mode = Literal["text", "html"]

DEFAULT_TEXT_PEERS: tuple[str, ...] = peers.TEXT_PEERS  # every text peer
DEFAULT_HTML_PEERS: tuple[str, ...] = ("trafilatura", "trafilatura_precision")
TEXT_STEPS = ("as-is", "cleaner", "c4")
HTML_SOURCE = "html"


@dataclass(frozen=True, slots=True)
class RowPage:
    score: PageScore
    seconds: float | None  # time of the step under test, None when there is none
    nbytes: int  # input bytes of the step under test
    lines_removed: int = 0


@dataclass(slots=True)
class PageRecord:
    page_id: str
    page_type: str
    rows: dict[str, RowPage]
    rules: dict[str, PageRules] = field(default_factory=dict)  # source -> classified removals


def astuple_prf(score: PageScore) -> tuple[float, float, float]:
    return score.prf.precision, score.prf.recall, score.prf.f1


def row_id(source: str, step: str) -> str:
    return f"{source}|{step}"


@dataclass(frozen=True)
class Options:
    data: Path
    mode: Mode
    peers: tuple[str, ...]
    cache_dir: Path
    config: CleanerConfig | None
    c4: bool = True
    rules: bool = True
    extract_only: bool = True


def evaluate_page(page: Page, opt: Options) -> PageRecord:
    """All rows of one page (the unit of work of a run)."""
    import cleaner

    def score(pred: str) -> PageScore:
        return score_page(page.id, page.page_type, pred, page.truth_text, page.with_, page.without)

    rec = PageRecord(page.id, page.page_type, {})
    if opt.mode == "text":
        for peer in opt.peers:
            text = peers.peer_text(peer, page.html_bytes, page.url, opt.cache_dir)
            nbytes = len(text.encode("utf-8"))
            rec.rows[row_id(peer, "as-is")] = RowPage(score(text), None, nbytes)
            t0 = time.perf_counter()
            res = cleaner.clean(text, opt.config, url=page.url)
            secs = time.perf_counter() - t0
            rec.rows[row_id(peer, "cleaner")] = RowPage(score(res.text), secs, nbytes, res.lines_removed)
            if opt.rules:
                rec.rules[peer] = classify_page(page.id, res.removed, res.text, page.truth_text)
            if opt.c4:
                t0 = time.perf_counter()
                filtered = c4.c4_filter(text)
                secs = time.perf_counter() - t0
                rec.rows[row_id(peer, "c4")] = RowPage(score(filtered), secs, nbytes)
        return rec
    html = page.html_bytes
    t0 = time.perf_counter()
    res = cleaner.clean_html(html, page.url, opt.config)
    secs = time.perf_counter() - t0
    rec.rows[row_id(HTML_SOURCE, "clean_html")] = RowPage(score(res.text), secs, len(html), res.lines_removed)
    if opt.rules:
        rec.rules[HTML_SOURCE] = classify_page(page.id, res.removed, res.text, page.truth_text)
    if opt.extract_only:
        from cleaner.html import extract

        rec.rows[row_id(HTML_SOURCE, "extract-only")] = RowPage(
            score(extract(html, url=page.url).text), None, len(html)
        )
    for peer in opt.peers:
        text = peers.peer_text(peer, html, page.url, opt.cache_dir)
        rec.rows[row_id(HTML_SOURCE, peer)] = RowPage(score(text), None, len(html))
    return rec


_WORKER_OPT: Options | None = None


def _init_worker(opt: Options) -> None:
    global _WORKER_OPT
    _WORKER_OPT = opt


def _work(page_id: str) -> PageRecord:
    assert _WORKER_OPT is not None
    page = next(load_pages(_WORKER_OPT.data, ids=[page_id]))
    return evaluate_page(page, _WORKER_OPT)


@dataclass(slots=True)
class RowResult:
    source: str
    step: str
    overall: Summary
    by_type: dict[str, Summary]
    shingle: dict[str, float]
    pages_per_s: float | None
    mb_per_s: float | None
    seconds: float | None
    lines_removed: int

    @property
    def id(self) -> str:
        return row_id(self.source, self.step)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "step": self.step,
            "overall": self.overall.to_dict(),
            "by_type": {t: s.to_dict() for t, s in self.by_type.items()},
            "scrapinghub_shingles": self.shingle,
            "speed": {"pages_per_s": self.pages_per_s, "mb_per_s": self.mb_per_s, "seconds": self.seconds},
            "lines_removed": self.lines_removed,
        }


@dataclass(slots=True)
class EvalResult:
    meta: dict[str, Any]
    rows: list[RowResult]
    rules: dict[str, dict[str, RuleStat]]  # source -> rule -> stats
    records: list[PageRecord]

    def row(self, source: str, step: str) -> RowResult:
        for r in self.rows:
            if r.source == source and r.step == step:
                return r
        raise KeyError(row_id(source, step))

    def scored_pages(self) -> int:
        return self.rows[0].overall.pages if self.rows else 0

    def to_dict(self, *, per_page: bool = True, examples: int = 5) -> dict[str, Any]:
        n = self.scored_pages()
        out: dict[str, Any] = {
            "meta": self.meta,
            "rows": [r.to_dict() for r in self.rows],
            "rules": {src: [s.to_dict(n, examples) for s in worst_rules(stats)] for src, stats in self.rules.items()},
        }
        if per_page:
            out["per_page"] = {
                "types": {rec.page_id: rec.page_type for rec in self.records},
                "columns": ["precision", "recall", "f1"],
                "rows": {
                    r.id: {
                        rec.page_id: [round(x, 4) for x in astuple_prf(rec.rows[r.id].score)]
                        for rec in self.records
                        if r.id in rec.rows
                    }
                    for r in self.rows
                },
            }
        return out


def _aggregate_rows(records: Sequence[PageRecord]) -> list[RowResult]:
    order: list[str] = []
    for rec in records:
        for rid in rec.rows:
            if rid not in order:
                order.append(rid)
    rows: list[RowResult] = []
    for rid in order:
        items = [rec.rows[rid] for rec in records if rid in rec.rows]
        scores = [it.score for it in items]
        from cleaner.evaluation.metrics import summarize_wcxb

        timed = [it for it in items if it.seconds is not None]
        secs = sum(it.seconds or 0.0 for it in timed)
        sh = summarize_shingles(s.shingle for s in scores)
        source, step = rid.split("|", 1)
        rows.append(
            RowResult(
                source=source,
                step=step,
                overall=summarize_wcxb(scores),
                by_type=summarize_by_type(scores),
                shingle={"precision": sh.precision, "recall": sh.recall, "f1": sh.f1},
                pages_per_s=len(timed) / secs if timed and secs > 0 else None,
                mb_per_s=sum(it.nbytes for it in timed) / secs / 1e6 if timed and secs > 0 else None,
                seconds=secs if timed else None,
                lines_removed=sum(it.lines_removed for it in items),
            )
        )
    return rows


def select_ids(
    data: Path, *, ids: Sequence[str] | None = None, types: Sequence[str] | None = None, limit: int | None = None
) -> list[str]:
    """The page ids a run covers: `ids` (or all), filtered by page type, then the first `limit`."""
    chosen = list(ids) if ids is not None else list_ids(data)
    if types:
        kinds = page_types(data)
        wanted = set(types)
        chosen = [i for i in chosen if kinds.get(i) in wanted]
    return chosen[:limit] if limit is not None else chosen


def versions() -> dict[str, str]:
    import cleaner

    return {"cleaner": cleaner.__version__, "python": platform.python_version(), **peers.library_versions()}


def source_state() -> dict[str, Any]:
    """Which cleaner was measured: the git commit (and whether the tree had changes) and a
    sha256 over the package's sources and rule files, which also pins uncommitted edits."""
    import hashlib
    import subprocess

    pkg = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for f in sorted(pkg.rglob("*")):
        if f.suffix in (".py", ".toml") and "__pycache__" not in f.parts:
            h.update(f.relative_to(pkg).as_posix().encode() + b"\0" + f.read_bytes() + b"\0")
    state: dict[str, Any] = {"cleaner_sources_sha256": h.hexdigest()}
    try:

        def git(*args: str) -> str:
            return subprocess.run(
                ["git", *args], cwd=pkg.parent, capture_output=True, text=True, timeout=10, check=True
            ).stdout.strip()

        state["git_commit"] = git("rev-parse", "HEAD")
        state["git_dirty"] = bool(git("status", "--porcelain", "--", "cleaner"))
    except (OSError, subprocess.SubprocessError):
        state["git_commit"] = None
    return state


def run_eval(
    data: Path | str,
    mode: Mode = "text",
    peer_names: Sequence[str] | None = None,
    *,
    limit: int | None = None,
    types: Sequence[str] | None = None,
    ids: Sequence[str] | None = None,
    jobs: int = 1,
    cache_dir: Path | str | None = None,
    config: CleanerConfig | None = None,
    c4_filter: bool | None = None,
    rules: bool = True,
    extract_only: bool = True,
    progress: Callable[[int, int], None] | None = None,
) -> EvalResult:
    """Evaluate one mode on a dataset folder (WCXB or ScrapingHub layout) and return everything.

    `peer_names` defaults to those of DEFAULT_TEXT_PEERS (text mode) or DEFAULT_HTML_PEERS
    (html mode) whose libraries are installed; named peers must be installed. `c4_filter=None`
    adds the C4 rows when datatrove is installed. Peer outputs come from (and go to) the cache
    in `cache_dir` (default `.cache/eval/`).
    """
    data = Path(data)
    if mode not in ("text", "html"):
        raise ValueError(f"mode must be 'text' or 'html', not {mode!r}")
    skipped: list[str] = []
    if peer_names is None:
        defaults = DEFAULT_TEXT_PEERS if mode == "text" else DEFAULT_HTML_PEERS
        names = tuple(n for n in defaults if peers.available(n))
        skipped = [n for n in defaults if n not in names]
    else:
        names = tuple(peer_names)
    for n in names:
        peers.check_extractor(n)
    if c4_filter is None:
        c4_filter = mode == "text" and c4.available()
    elif c4_filter and mode == "text" and not c4.available():
        raise ValueError("the C4 rows need datatrove (install the eval extras: pip install -e '.[eval]')")
    fmt = detect_format(data)
    chosen = select_ids(data, ids=ids, types=types, limit=limit)
    opt = Options(
        data=data,
        mode=mode,
        peers=names,
        cache_dir=Path(cache_dir) if cache_dir is not None else peers.DEFAULT_CACHE,
        config=config,
        c4=c4_filter,
        rules=rules,
        extract_only=extract_only,
    )
    started = time.perf_counter()
    records: list[PageRecord] = []
    if jobs <= 1 or len(chosen) < 2:
        for i, page in enumerate(load_pages(data, ids=chosen), 1):
            records.append(evaluate_page(page, opt))
            if progress:
                progress(i, len(chosen))
    else:
        ctx = mp.get_context("fork")
        with ctx.Pool(jobs, initializer=_init_worker, initargs=(opt,)) as pool:
            for i, rec in enumerate(pool.imap(_work, chosen, chunksize=4), 1):
                records.append(rec)
                if progress:
                    progress(i, len(chosen))
    wall = time.perf_counter() - started
    rule_stats: dict[str, dict[str, RuleStat]] = {}
    if rules:
        sources = sorted({src for rec in records for src in rec.rules})
        for src in sources:
            rule_stats[src] = aggregate(rec.rules[src] for rec in records if src in rec.rules)
    meta: dict[str, Any] = {
        "tool": "cleaner.evaluation",
        "schema": 1,
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "mode": mode,
        "dataset": {
            "path": str(data),
            "format": fmt,
            "credit": credit(fmt),
            "pages": len(records),
            "sha256": dataset_hash(data, chosen),
        },
        "options": {
            "peers": list(names),
            "peers_not_installed": skipped,
            "limit": limit,
            "types": list(types) if types else None,
            "ids": "given" if ids is not None else "all",
            "jobs": jobs,
            "c4": c4_filter,
            "c4_filter": c4.DESCRIPTION if c4_filter and mode == "text" else None,
            "config": repr(config) if config is not None else "default",
        },
        "versions": versions(),
        "source": source_state(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "argv": sys.argv[1:]},
        "wall_seconds": round(wall, 2),
    }
    return EvalResult(meta=meta, rows=_aggregate_rows(records), rules=rule_stats, records=records)
