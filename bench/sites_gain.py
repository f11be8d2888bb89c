"""What per-site templates (`cleaner learn-sites`, `clean --sites`) gain, measured without leakage.

    .venv/bin/python bench/sites_gain.py [DATA] [--out bench/results/sites_gain.json]

Data: wcxb-dev, WCXB (Web Content Extraction Benchmark) by Murrough Foley, CC-BY-4.0
(ground-truth/<id>.json with url and main text, html/<id>.html.gz). Peer texts come from the eval
cache (.cache/eval/, filled on first use) through `cleaner.evaluation.peers.peer_text`.

1. WCXB, leave one out within a domain. Pages are grouped by host (`cleaner.sites.host_of` of
   the page's url). For every page of a host with 2+ pages, the templates are learned from the
   OTHER pages of that host only (never the page itself), then the page is cleaned with and
   without them and scored with the WCXB word F1 (`cleaner.evaluation.metrics.word_prf`, as
   `cleaner/evaluation/runner.py` scores a page). Two inputs: trafilatura's output and the whole
   page as text (html_text). For each setting of min_docs x min_share: pages affected (a site
   line matched), mean F1 without/with over all pages of multi-page hosts, pages better/worse,
   and the lines the site rule removed that are in the gold main text ("article") or not
   ("template"). Most wcxb-dev hosts have 2 or 3 pages, so leave-one-out learns from 1 or 2
   pages: min_docs above that cannot fire there; the rows for hosts of 5+ pages are given apart.
2. Synthetic sites made from real pages: real article texts (gold main text of wcxb-dev article
   pages) each wrapped in the same header and footer, which are real boilerplate (the lines of
   one real page's html_text output before and after its gold main text, i.e. what the gold
   marks as not main text). Every page leaves out a random 15% of the template lines (templates
   vary: a "current page" marker, an A/B tested box), seeded, so the result is deterministic.
   Learn on N-1 pages, clean the held-out page; count the template and the article lines the
   site rule removed.

Writes the JSON and prints a short table. The defaults of `cleaner.sites` (MIN_DOCS, MIN_SHARE)
were chosen from these figures (see the README's "Per-site templates").
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

from cleaner import clean  # noqa: E402
from cleaner.config import CleanerConfig  # noqa: E402
from cleaner.evaluation import peers  # noqa: E402
from cleaner.evaluation.datasets import WCXB_CREDIT, load_pages  # noqa: E402
from cleaner.evaluation.metrics import word_prf  # noqa: E402
from cleaner.segment import normalize, segment  # noqa: E402
from cleaner.sites import MIN_DOCS, MIN_SHARE, RULE_PREFIX, SiteCounts, SiteRules, host_of, learn_sites, site_decisions  # noqa: E402
from cleaner.types import CleanResult  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "wcxb-dev"
INPUTS = ("trafilatura", "html_text")
GRID_DOCS = (1, 2, 3)
GRID_SHARE = (0.3, 0.5, 0.8, 1.0)
BIG_HOST = 5  # hosts with at least this many pages get their own rows
SYNTH_SITES = 6
SYNTH_SIZES = (4, 10)
SYNTH_DROP = 0.15
BASE = CleanerConfig()


@dataclass(frozen=True)
class Doc:
    id: str
    host: str
    url: str | None
    text: str
    gold: str


def gold_lines(gold: str) -> set[str]:
    return {n for n in (normalize(line) for line in gold.split("\n")) if n}


def is_article_line(line: str, gold_norms: set[str], gold_flat: str) -> bool:
    """A removed line is article text when the gold has it as a line, or (long enough not to
    match by chance) inside one."""
    norm = normalize(line)
    return bool(norm) and (norm in gold_norms or (len(norm) >= 30 and norm in gold_flat))


def site_lines(result: CleanResult) -> list[str]:
    return [line for r in result.removed if r.rule.startswith(RULE_PREFIX) for line in r.text.split("\n")]


def one_doc_counts(host: str, text: str) -> SiteCounts:
    counts = SiteCounts()
    counts.add(host, text)
    return counts


def merged(parts: Sequence[SiteCounts]) -> SiteCounts:
    out = SiteCounts()
    for part in parts:
        out = out.merge(part)
    return out


@dataclass
class Tally:
    pages: int = 0
    affected: int = 0
    better: int = 0
    worse: int = 0
    template_lines: int = 0
    article_lines: int = 0
    f1_before: float = 0.0
    f1_after: float = 0.0

    def add(self, before: float, after: float, lines: list[str], gold: str) -> None:
        self.pages += 1
        self.f1_before += before
        self.f1_after += after
        if lines:
            self.affected += 1
        self.better += after > before + 1e-9
        self.worse += after < before - 1e-9
        norms, flat = gold_lines(gold), normalize(gold.replace("\n", " "))
        article = sum(is_article_line(line, norms, flat) for line in lines)
        self.article_lines += article
        self.template_lines += len(lines) - article

    def row(self) -> dict[str, Any]:
        n = max(self.pages, 1)
        return {
            "pages": self.pages,
            "affected": self.affected,
            "better": self.better,
            "worse": self.worse,
            "f1_before": round(self.f1_before / n, 4),
            "f1_after": round(self.f1_after / n, 4),
            "gain": round((self.f1_after - self.f1_before) / n, 4),
            "template_lines_removed": self.template_lines,
            "article_lines_removed": self.article_lines,
        }


def clean_with(doc: Doc, rules: SiteRules | None) -> CleanResult:
    return clean(doc.text, BASE if rules is None else BASE.replace(sites=rules), url=doc.url)


def leave_one_out(docs: list[Doc]) -> dict[str, Any]:
    """Per setting: tallies over all pages of multi-page hosts, and over pages of big hosts."""
    by_host: dict[str, list[Doc]] = defaultdict(list)
    for d in docs:
        by_host[d.host].append(d)
    multi = {h: ds for h, ds in by_host.items() if len(ds) >= 2}
    counts = {d.id: one_doc_counts(d.host, d.text) for ds in multi.values() for d in ds}
    before = {d.id: word_prf(clean_with(d, None).text, d.gold).f1 for ds in multi.values() for d in ds}
    out: dict[str, Any] = {}
    for min_docs in GRID_DOCS:
        for min_share in GRID_SHARE:
            every, big = Tally(), Tally()
            for host, ds in sorted(multi.items()):
                for d in ds:
                    others = merged([counts[o.id] for o in ds if o.id != d.id])
                    rules = learn_sites(others, min_docs=min_docs, min_share=min_share)
                    if site_decisions(segment(d.text), rules, host):
                        res = clean_with(d, rules)
                        after, lines = word_prf(res.text, d.gold).f1, site_lines(res)
                    else:  # no site line on the page: the result is the one without templates
                        after, lines = before[d.id], []
                    every.add(before[d.id], after, lines, d.gold)
                    if len(ds) >= BIG_HOST:
                        big.add(before[d.id], after, lines, d.gold)
            out[f"min_docs={min_docs},min_share={min_share}"] = {"all": every.row(), f"hosts>={BIG_HOST}": big.row()}
    out["hosts"] = {"multi_page_hosts": len(multi), "pages": sum(len(ds) for ds in multi.values())}
    return out


# -- synthetic sites ---------------------------------------------------------------------------


def template_of(text: str, gold: str) -> tuple[list[str], list[str]] | None:
    """(header, footer): the non-blank lines of a page's text before the first and after the last
    line the gold has, none of them in the gold."""
    norms, flat = gold_lines(gold), normalize(gold.replace("\n", " "))
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    inside = [i for i, line in enumerate(lines) if is_article_line(line, norms, flat)]
    if not inside:
        return None
    header = [x for x in lines[: inside[0]] if not is_article_line(x, norms, flat)][-25:]
    footer = [x for x in lines[inside[-1] + 1 :] if not is_article_line(x, norms, flat)][:25]
    return (header, footer) if len(header) + len(footer) >= 10 else None


def synthetic(pages: list[Any], html_text: dict[str, str]) -> dict[str, Any]:
    articles = [p for p in pages if p.page_type == "article" and len(p.truth_text.split()) >= 200]
    templates = []
    for p in pages:
        if p.page_type == "article" and p.id in html_text:
            found = template_of(html_text[p.id], p.truth_text)
            if found is not None:
                templates.append((p.id, found))
    rng = random.Random(20261130)
    chosen = rng.sample(templates, SYNTH_SITES)
    used_articles = {a.id for a in articles}
    pool = [a for a in articles if a.id not in {t[0] for t in chosen}]
    rng.shuffle(pool)
    out: dict[str, Any] = {"template_pages": [t[0] for t in chosen], "articles_available": len(used_articles)}
    for size in SYNTH_SIZES:
        sites = []
        for s, (_, (header, footer)) in enumerate(chosen):
            host = f"synthetic-{s}.test"
            docs = []
            for i, art in enumerate(pool[s * size : (s + 1) * size]):
                keep = random.Random(s * 1000 + i)
                head = [x for x in header if keep.random() >= SYNTH_DROP]
                foot = [x for x in footer if keep.random() >= SYNTH_DROP]
                text = "\n".join([*head, *art.truth_text.strip().split("\n"), *foot]) + "\n"
                doc = Doc(f"{s}-{i}", host, f"https://{host}/page-{i}", text, art.truth_text)
                docs.append((doc, len(head) + len(foot), clean_with(doc, None)))
            sites.append(docs)
        for min_docs in GRID_DOCS:
            for min_share in GRID_SHARE:
                tally = Tally()
                template_total = removed_before = removed_after = 0
                for docs in sites:
                    counts = {d.id: one_doc_counts(d.host, d.text) for d, _, _ in docs}
                    for d, n_template, plain in docs:
                        others = merged([counts[o.id] for o, _, _ in docs if o.id != d.id])
                        with_sites = clean_with(d, learn_sites(others, min_docs=min_docs, min_share=min_share))
                        before, after = word_prf(plain.text, d.gold).f1, word_prf(with_sites.text, d.gold).f1
                        tally.add(before, after, site_lines(with_sites), d.gold)
                        template_total += n_template
                        removed_before += _template_removed(plain, d.gold)
                        removed_after += _template_removed(with_sites, d.gold)
                row = tally.row()
                row.update(
                    template_lines_on_pages=template_total,
                    template_lines_removed_by_any_rule_without_sites=removed_before,
                    template_lines_removed_by_any_rule_with_sites=removed_after,
                )
                out[f"pages_per_site={size},min_docs={min_docs},min_share={min_share}"] = row
    return out


def _template_removed(result: CleanResult, gold: str) -> int:
    norms, flat = gold_lines(gold), normalize(gold.replace("\n", " "))
    lines = [line for r in result.removed for line in r.text.split("\n") if line.strip()]
    return sum(not is_article_line(line, norms, flat) for line in lines)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    ap.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=BENCH / "results" / "sites_gain.json")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    pages = [p for p in load_pages(args.data) if host_of(p.url)]
    result: dict[str, Any] = {
        "data": str(args.data),
        "credit": WCXB_CREDIT,
        "pages_with_url": len(pages),
        "defaults": {"min_docs": MIN_DOCS, "min_share": MIN_SHARE},
    }
    texts: dict[str, dict[str, str]] = {}
    for source in INPUTS:
        texts[source] = {p.id: peers.peer_text(source, p.html_bytes, p.url) for p in pages}
        docs = [Doc(p.id, host_of(p.url) or "", p.url, texts[source][p.id], p.truth_text) for p in pages]
        result[f"wcxb-loo:{source}"] = leave_one_out(docs)
    result["synthetic"] = synthetic(pages, texts["html_text"])
    result["seconds"] = round(time.perf_counter() - t0, 1)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _print(result)


def _print(result: dict[str, Any]) -> None:
    """One row per setting: the mean F1 gain (and pages worse) per input, then the synthetic sites'
    gain and the template/article lines the site rule removed; then the defaults in detail."""
    head = ["setting", "traf all", "traf 5+", "html all", "html 5+", "synth N=4", "synth N=10"]
    print("WCXB: mean F1 gain (pages worse); synthetic: gain, template/article lines removed by the templates")
    print(f"{head[0]:<28}" + "".join(f"{h:>18}" for h in head[1:]))
    for min_docs in GRID_DOCS:
        for min_share in GRID_SHARE:
            key = f"min_docs={min_docs},min_share={min_share}"
            cells = []
            for source in INPUTS:
                for scope in ("all", f"hosts>={BIG_HOST}"):
                    row = result[f"wcxb-loo:{source}"][key][scope]
                    cells.append(f"{row['gain']:+.4f} ({row['worse']})")
            for size in SYNTH_SIZES:
                row = result["synthetic"][f"pages_per_site={size},{key}"]
                cells.append(f"{row['gain']:+.4f} {row['template_lines_removed']}/{row['article_lines_removed']}")
            mark = " *" if (min_docs, min_share) == (MIN_DOCS, MIN_SHARE) else ""
            print(f"{key + mark:<28}" + "".join(f"{c:>18}" for c in cells))
    key = f"min_docs={MIN_DOCS},min_share={MIN_SHARE}"
    print("\n* the defaults; in detail (mean word F1 over the pages of hosts with 2+ pages):")
    for source in INPUTS:
        for scope, row in result[f"wcxb-loo:{source}"][key].items():
            print(
                f"  {source:<12} {scope:<9} {row['pages']:>4} pages, {row['affected']:>3} affected, "
                f"F1 {row['f1_before']:.4f} -> {row['f1_after']:.4f}, {row['better']} better, {row['worse']} worse, "
                f"lines removed {row['template_lines_removed']} template / {row['article_lines_removed']} article"
            )
    for size in SYNTH_SIZES:
        row = result["synthetic"][f"pages_per_site={size},{key}"]
        print(
            f"  synthetic {size} pages a site: F1 {row['f1_before']:.4f} -> {row['f1_after']:.4f}, "
            f"{row['template_lines_removed']} of {row['template_lines_on_pages']} template lines and "
            f"{row['article_lines_removed']} article lines removed by the templates"
        )
    print(f"({result['seconds']} s; {result['credit']})")


if __name__ == "__main__":
    main()
