"""Mine boilerplate phrasings from labelled lines: candidates for phrase rules, never rules.

Rules are written by people (docs/rules.md); this module only finds what to look at. It reads
the texts users have (peer extractors' outputs of benchmark pages), labels each line against the
page's human main text (`cleaner.learn.labels`: BOILERPLATE or ARTICLE, ambiguous lines left
out) and counts, for every key:

* ``line``: the whole normalised line (`cleaner.segment.normalize`), e.g. ``skip to content``;
* ``prefix``: the first 1-4 words of a line, e.g. ``share on`` (boilerplate often *starts* the
  line: a call to action or a label, followed by a name or a headline);
* ``ngram``: 1-4 consecutive words anywhere in a line.

``prefix`` and ``ngram`` keys are counted on lines of at most `MineConfig.max_words` words only:
that is all a `prefix` or `short` rule with that `max_words` could ever fire on. How often the
words occur in longer article lines (prose) is reported beside, as ``article_long``.

Counting unit. A page's line is counted once, however many sources print it and however often:
the unit is the pair (page, normalised line), over the union of the sources' lines. Trafilatura's
output is mostly a subset of the whole-page text, so counting per source would give the lines it
keeps three votes and the rest one; what matters is on how many pages (and sites) a phrasing is
boilerplate, not how many extractors let it through. ``by_source`` says in which sources the
boilerplate units were seen, so a reviewer knows whether a rule would matter to trafilatura users.

A candidate must be precise (``boiler / (boiler + article) >= min_precision``) and seen as
boilerplate on many distinct web domains (``>= min_domains``): a site's template repeats its own
strings on every page of the site, so only a phrasing that many unrelated sites print survives.
Candidates contained in a shorter candidate that is at least as precise are pruned (the shorter
one already covers them), and of the kinds of one text only the broadest that passes is kept
(``ngram`` counts every line ``prefix`` counts, which counts every line ``line`` counts).
``covered`` counts a candidate's boilerplate units that the packaged rules already remove; a
candidate with more than `MineConfig.max_covered` of them covered is left out, so that review
sees only what is not handled yet.

Generalisation. Domains are split into two halves by a stable hash. Every candidate reports its
counts per half, and the summary says how many keys selected on one half alone (with half the
domain threshold) keep the precision threshold on the other half.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from cleaner.learn import SOURCES
from cleaner.learn.labels import Label, Truth, label_line
from cleaner.segment import WORD_RE, normalize

LINE_MAX_CHARS = 300  # longer lines are never `line`-scope matches (cleaner.rules)
EXAMPLE_MAX_CHARS = 100
GROUPS = ("a", "b")


class Kind(Enum):
    LINE = "line"
    PREFIX = "prefix"
    NGRAM = "ngram"


Key = tuple[Kind, str]
Covered = Callable[[str, int], bool]  # (normalised line, words) -> do existing rules remove it?


@dataclass(frozen=True)
class MineConfig:
    """Thresholds; the defaults are the ones the shipped candidates file was made with.

    ``min_precision`` 0.95: one article line in twenty is already a lot for a rule whose drops
    are never undone. ``min_domains`` 10: on WCXB (1,296 domains for 1,497 pages) a site rarely
    has more than a few pages, so ten domains means ten unrelated templates; 8 kept half as many
    again, many of them shop-menu words (product categories) that no rule should hold. ``max_covered``
    0.8: a candidate whose boilerplate lines the packaged rules already remove for the most part
    has nothing left to review.
    """

    min_precision: float = 0.95
    min_domains: int = 10
    max_covered: float = 0.8
    max_n: int = 4
    max_words: int = 20
    examples: int = 2


@dataclass(frozen=True)
class PageTexts:
    """One page as mining sees it: where it is from, its main text, and the sources' texts."""

    id: str
    domain: str
    truth: str
    texts: tuple[str, ...]  # one text per source, in the order of `sources`


@dataclass(frozen=True)
class Unit:
    """One labelled (page, normalised line)."""

    domain: str
    norm: str
    raw: str  # the first raw line (stripped) that normalised to `norm`
    words: int
    boiler: bool  # BOILERPLATE; False = ARTICLE
    sources: int  # bit i set = seen in source i
    covered: bool  # the packaged rules already remove it


@dataclass(frozen=True)
class Stats:
    boiler: int
    article: int
    domains: int

    @property
    def precision(self) -> float:
        total = self.boiler + self.article
        return self.boiler / total if total else 0.0


@dataclass(frozen=True)
class Candidate:
    kind: Kind
    text: str
    total: Stats
    halves: tuple[Stats, Stats]
    covered: int  # boilerplate units the existing rules already remove
    article_long: int  # article lines longer than max_words that contain it (prefix/ngram)
    by_source: tuple[int, ...]  # boilerplate units seen in each source
    examples: tuple[str, ...]


@dataclass(frozen=True)
class Generalisation:
    """Keys selected on one half of the domains, checked on the other."""

    selected: int  # passing the thresholds on the mining half (min_domains halved)
    supported: int  # of those, seen at least min_domains/2 times on the held-out half
    precise: int  # of those, precise on the held-out half too


@dataclass(frozen=True)
class MineResult:
    config: MineConfig
    sources: tuple[str, ...]
    pages: int
    domains: int
    boiler_units: int
    article_units: int
    candidates: list[Candidate]
    generalisation: dict[str, Generalisation] = field(default_factory=dict)  # mined on "a" / "b"


# -- units and keys ------------------------------------------------------------------------------


def domain_of(url: str | None) -> str:
    from cleaner.pagekind import split_url

    return split_url(url)[0].removeprefix("www.")


def half_of(domain: str) -> int:
    """0 or 1, stable across runs and machines (not Python's salted hash)."""
    return hashlib.sha256(domain.encode("utf-8")).digest()[0] & 1


def page_units(page: PageTexts, covered: Covered | None = None) -> list[Unit]:
    """The page's labelled lines, one per distinct normalised line over all sources."""
    truth = Truth.of(page.truth)
    seen: dict[str, tuple[str, int, Label]] = {}
    for i, text in enumerate(page.texts):
        for line in text.split("\n"):
            stripped = line.strip()
            norm = normalize(stripped)
            if not norm:
                continue
            if norm in seen:
                raw, mask, label = seen[norm]
                seen[norm] = (raw, mask | (1 << i), label)
                continue
            seen[norm] = (stripped, 1 << i, label_line(stripped, truth)[0])
    units = []
    for norm, (raw, mask, label) in seen.items():
        if label not in (Label.BOILERPLATE, Label.ARTICLE):
            continue
        words = len(WORD_RE.findall(raw))
        units.append(
            Unit(
                domain=page.domain,
                norm=norm,
                raw=raw,
                words=words,
                boiler=label is Label.BOILERPLATE,
                sources=mask,
                covered=bool(covered and covered(norm, words)),
            )
        )
    return units


def unit_keys(unit: Unit, config: MineConfig) -> set[Key]:
    """Every key a unit counts for (each once)."""
    keys: set[Key] = set()
    if len(unit.norm) <= LINE_MAX_CHARS:
        keys.add((Kind.LINE, unit.norm))
    if unit.words > config.max_words:
        return keys
    toks = WORD_RE.findall(unit.norm)
    for n in range(1, min(config.max_n, len(toks)) + 1):
        keys.add((Kind.PREFIX, " ".join(toks[:n])))
        for i in range(len(toks) - n + 1):
            keys.add((Kind.NGRAM, " ".join(toks[i : i + n])))
    return keys


def long_line_grams(unit: Unit, max_n: int) -> set[str]:
    toks = WORD_RE.findall(unit.norm)
    return {" ".join(toks[i : i + n]) for n in range(1, max_n + 1) for i in range(len(toks) - n + 1)}


# -- counting ------------------------------------------------------------------------------------


def _passes(boiler: int, article: int, domains: int, min_precision: float, min_domains: int) -> bool:
    return domains >= min_domains and boiler / (boiler + article) >= min_precision


def _contained(short: Key, long: Key) -> bool:
    """Whether every line `long` counts is also counted by `short` (words only, conservative)."""
    skind, stext = short
    lkind, ltext = long
    if skind is Kind.LINE:
        return False
    if skind is Kind.PREFIX:
        return lkind is not Kind.NGRAM and (ltext == stext or ltext.startswith(stext + " "))
    return f" {stext} " in f" {ltext} "


_BROADER = {Kind.LINE: (Kind.PREFIX, Kind.NGRAM), Kind.PREFIX: (Kind.NGRAM,), Kind.NGRAM: ()}


def _prune(cands: list[Candidate]) -> list[Candidate]:
    """Drop a candidate that a broader kind of the same text, or a shorter and at least as
    precise candidate, contains."""
    keys = {(c.kind, c.text): c for c in cands}
    kept = []
    for c in cands:
        me = (c.kind, c.text)
        subsumed = any((k, c.text) in keys for k in _BROADER[c.kind]) or any(
            other != me
            and _contained(other, me)
            and len(other[1]) <= len(c.text)
            and keys[other].total.precision >= c.total.precision
            for other in _sub_keys(c)
            if other in keys
        )
        if not subsumed:
            kept.append(c)
    return kept


def _sub_keys(c: Candidate) -> Iterator[Key]:
    toks = c.text.split(" ")
    for n in range(1, len(toks) + 1):
        for i in range(len(toks) - n + 1):
            sub = " ".join(toks[i : i + n])
            yield (Kind.NGRAM, sub)
            if i == 0:
                yield (Kind.PREFIX, sub)


def mine(
    pages_texts: Iterable[PageTexts],
    config: MineConfig | None = None,
    *,
    sources: Sequence[str] = SOURCES,
    covered: Covered | None = None,
) -> MineResult:
    """Count keys over the labelled lines of `pages_texts` and keep the strong, general ones."""
    cfg = config or MineConfig()
    units: list[Unit] = []
    pages = 0
    domains: set[str] = set()
    for page in pages_texts:
        pages += 1
        domains.add(page.domain)
        units.extend(page_units(page, covered))

    # Pass 1: counts per half and label, for every key.
    boiler: tuple[Counter[Key], Counter[Key]] = (Counter(), Counter())
    article: tuple[Counter[Key], Counter[Key]] = (Counter(), Counter())
    halves = [half_of(u.domain) for u in units]
    for unit, half in zip(units, halves, strict=True):
        (boiler if unit.boiler else article)[half].update(unit_keys(unit, cfg))

    # Keys worth a second look: enough boilerplate on all data or on one half, and precise there.
    half_min = max(1, cfg.min_domains // 2)
    total_b = boiler[0] + boiler[1]
    total_a = article[0] + article[1]
    maybe = {
        k
        for k, b in total_b.items()
        if b >= half_min
        and (
            b / (b + total_a[k]) >= cfg.min_precision
            or any(
                boiler[h][k] >= half_min and boiler[h][k] / (boiler[h][k] + article[h][k]) >= cfg.min_precision
                for h in (0, 1)
            )
        )
    }

    # Pass 2: domains, coverage, sources and examples of those keys only.
    dom: dict[Key, tuple[set[str], set[str]]] = {k: (set(), set()) for k in maybe}
    cov: Counter[Key] = Counter()
    src: dict[Key, list[int]] = {k: [0] * len(sources) for k in maybe}
    examples: dict[Key, dict[str, str]] = {k: {} for k in maybe}
    long_article: Counter[str] = Counter()
    wanted_grams = {text for kind, text in maybe if kind is not Kind.LINE}
    for unit, half in zip(units, halves, strict=True):
        if not unit.boiler:
            if unit.words > cfg.max_words:
                long_article.update(g for g in long_line_grams(unit, cfg.max_n) if g in wanted_grams)
            continue
        for key in unit_keys(unit, cfg) & maybe:
            dom[key][half].add(unit.domain)
            cov[key] += unit.covered
            for i in range(len(sources)):
                if unit.sources >> i & 1:
                    src[key][i] += 1
            ex = examples[key]
            if unit.domain not in ex or (len(unit.raw), unit.raw) < (len(ex[unit.domain]), ex[unit.domain]):
                ex[unit.domain] = unit.raw  # the shortest per domain, whatever the page order

    def stats(key: Key, half: int | None) -> Stats:
        if half is None:
            return Stats(total_b[key], total_a[key], len(dom[key][0]) + len(dom[key][1]))
        return Stats(boiler[half][key], article[half][key], len(dom[key][half]))

    cands = []
    for key in maybe:
        total = stats(key, None)
        if not _passes(total.boiler, total.article, total.domains, cfg.min_precision, cfg.min_domains):
            continue
        if cov[key] > cfg.max_covered * total.boiler:
            continue
        picked = sorted(examples[key].items(), key=lambda kv: (len(kv[1]), kv[0], kv[1]))[: cfg.examples]
        cands.append(
            Candidate(
                kind=key[0],
                text=key[1],
                total=total,
                halves=(stats(key, 0), stats(key, 1)),
                covered=cov[key],
                article_long=0 if key[0] is Kind.LINE else long_article[key[1]],
                by_source=tuple(src[key]),
                examples=tuple(_clip(raw) for _, raw in picked),
            )
        )
    order = {Kind.LINE: 0, Kind.PREFIX: 1, Kind.NGRAM: 2}
    cands.sort(key=lambda c: (-(c.total.boiler - c.covered), order[c.kind], c.text))

    general = {}
    for h, name in enumerate(GROUPS):
        other = 1 - h
        picked_keys = [
            k
            for k in maybe
            if boiler[h][k] and _passes(boiler[h][k], article[h][k], len(dom[k][h]), cfg.min_precision, half_min)
        ]
        supported = [k for k in picked_keys if boiler[other][k] + article[other][k] >= half_min]
        precise = [k for k in supported if stats(k, other).precision >= cfg.min_precision]
        general[name] = Generalisation(len(picked_keys), len(supported), len(precise))

    return MineResult(
        config=cfg,
        sources=tuple(sources),
        pages=pages,
        domains=len(domains),
        boiler_units=sum(u.boiler for u in units),
        article_units=sum(not u.boiler for u in units),
        candidates=_prune(cands),
        generalisation=general,
    )


def _clip(text: str) -> str:
    return text if len(text) <= EXAMPLE_MAX_CHARS else text[: EXAMPLE_MAX_CHARS - 1] + "…"


# -- output --------------------------------------------------------------------------------------


def _s(text: str) -> str:
    """A TOML basic string (JSON's escapes are a subset of TOML's)."""
    return json.dumps(text, ensure_ascii=False)


def _stats_table(s: Stats) -> str:
    return f"{{ boiler = {s.boiler}, article = {s.article}, precision = {s.precision:.3f}, domains = {s.domains} }}"


def to_toml(result: MineResult, credit: str = "") -> str:
    """The reviewable candidates file: deterministic for the same input."""
    cfg = result.config
    out = [
        "# Mined boilerplate candidates (cleaner.learn.mine). NOT rules: nothing here is loaded.",
        "# Review them, then write phrase rules by hand in cleaner/rules/<lang>.toml (docs/rules.md).",
        "# boiler/article: labelled (page, line) units; precision = boiler / (boiler + article);",
        "# domains: distinct web domains where it is boilerplate; covered: boilerplate units the",
        "# packaged rules already removed when this was mined; article_long: article lines longer",
        "# than max_words that contain the words; halves: the same counts per half of the domains.",
    ]
    if credit:
        out.append(f"# Data: {credit}. Examples are short quotations of boilerplate lines.")
    out += [
        "",
        "[summary]",
        f"sources = [{', '.join(_s(s) for s in result.sources)}]",
        f"pages = {result.pages}",
        f"domains = {result.domains}",
        f"boiler_units = {result.boiler_units}",
        f"article_units = {result.article_units}",
        f"min_precision = {cfg.min_precision}",
        f"min_domains = {cfg.min_domains}",
        f"max_covered = {cfg.max_covered}",
        f"max_n = {cfg.max_n}",
        f"max_words = {cfg.max_words}",
        f"candidates = {len(result.candidates)}",
    ]
    for name, g in result.generalisation.items():
        out.append(
            f"generalisation_{name} = {{ selected = {g.selected}, supported = {g.supported}, precise = {g.precise} }}"
        )
    for c in result.candidates:
        src = ", ".join(f"{name} = {n}" for name, n in zip(result.sources, c.by_source, strict=True))
        out += [
            "",
            "[[candidate]]",
            f"kind = {_s(c.kind.value)}",
            f"text = {_s(c.text)}",
            f"boiler = {c.total.boiler}",
            f"article = {c.total.article}",
            f"precision = {c.total.precision:.3f}",
            f"domains = {c.total.domains}",
            f"covered = {c.covered}",
            f"article_long = {c.article_long}",
            f"by_source = {{ {src} }}",
            f"halves = {{ a = {_stats_table(c.halves[0])}, b = {_stats_table(c.halves[1])} }}",
            f"examples = [{', '.join(_s(e) for e in c.examples)}]",
        ]
    return "\n".join(out) + "\n"


# -- data and command line -----------------------------------------------------------------------


def wcxb_page_texts(data: Path, sources: Sequence[str] = SOURCES, cache: Path | None = None) -> Iterator[PageTexts]:
    """The pages of a benchmark folder with their peers' texts (cached by the evaluation)."""
    from cleaner.evaluation.datasets import load_pages
    from cleaner.evaluation.peers import DEFAULT_CACHE, peer_text

    for page in load_pages(data):
        texts = tuple(peer_text(s, page.html_bytes, page.url, cache or DEFAULT_CACHE) for s in sources)
        yield PageTexts(page.id, domain_of(page.url), page.truth_text, texts)


def packaged_coverage() -> Covered:
    from cleaner.rules import build_ruleset

    rules = build_ruleset((), frozenset(), frozenset())
    return lambda norm, words: rules.match(norm, words) is not None


def mine_command(
    data: Path,
    out: Path,
    *,
    sources: Sequence[str] = SOURCES,
    config: MineConfig | None = None,
    cache: Path | None = None,
) -> MineResult:
    """Mine `data` and write the candidates file to `out`."""
    from cleaner.evaluation.datasets import credit, detect_format

    result = mine(wcxb_page_texts(data, sources, cache), config, sources=sources, covered=packaged_coverage())
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(to_toml(result, credit(detect_format(data))), encoding="utf-8")
    return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cleaner.learn.mine", description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="benchmark folder (WCXB layout)")
    parser.add_argument("--out", type=Path, required=True, help="candidates TOML file to write")
    parser.add_argument("--sources", default=",".join(SOURCES), help="comma-separated peer extractors")
    parser.add_argument("--min-precision", type=float, default=MineConfig.min_precision)
    parser.add_argument("--min-domains", type=int, default=MineConfig.min_domains)
    parser.add_argument("--max-covered", type=float, default=MineConfig.max_covered)
    parser.add_argument("--max-n", type=int, default=MineConfig.max_n)
    parser.add_argument("--max-words", type=int, default=MineConfig.max_words)
    parser.add_argument("--cache", type=Path, default=None, help="peer-output cache folder")
    args = parser.parse_args(argv)
    config = MineConfig(
        min_precision=args.min_precision,
        min_domains=args.min_domains,
        max_covered=args.max_covered,
        max_n=args.max_n,
        max_words=args.max_words,
    )
    sources = tuple(s for s in args.sources.split(",") if s)
    result = mine_command(args.data, args.out, sources=sources, config=config, cache=args.cache)
    print(f"{len(result.candidates)} candidates from {result.pages} pages -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
