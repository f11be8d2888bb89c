"""Training data: the texts users have, split into lines, labelled against the human main text.

For each benchmark page and each source (an extractor's output or the whole page as text), a
`Doc` holds the segmented lines, the phrase rules' verdicts, each line's local features and its
label (`cleaner.learn.labels`). Everything the vocabulary needs is kept per web domain, so that a
vocabulary can be learned from any set of domains (cross-fitting) without re-reading pages.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.annotate import annotate
from cleaner.config import CleanerConfig
from cleaner.learn import SOURCES
from cleaner.learn.labels import Label, Truth, label_line
from cleaner.learn.mine import domain_of
from cleaner.models.line_features import Vocabulary, local_features
from cleaner.pipeline import ruleset_for
from cleaner.revise import DocView, revise
from cleaner.segment import WORD_RE, segment
from cleaner.topic import stopwords
from cleaner.types import Block, Decision

VOCAB_MIN_DOMAINS = 5  # a token seen on fewer web domains says more about a site than about boilerplate
VOCAB_MIN_LINES = 10
VOCAB_SMOOTHING = 1.0
VOCAB_CLIP = 6.0


@dataclass
class Doc:
    page_id: str
    domain: str
    source: str
    page_type: str
    truth: str = field(repr=False)
    blocks: list[Block] = field(repr=False)
    rules: dict[int, Decision] = field(repr=False)  # the rules' drops in the first pass (annotate + revise)
    second: list[int] = field(repr=False)  # block indices of the second-pass view (see `make_doc`)
    second_rules: dict[int, Decision] = field(repr=False)  # the context rules' drops over that view
    local: dict[int, list[float]] = field(repr=False)  # block index -> LOCAL_NAMES values
    labels: dict[int, Label] = field(repr=False)  # block index -> label (non-blank lines)
    boiler_tokens: Counter[str] = field(repr=False)  # lines containing each token, by label
    article_tokens: Counter[str] = field(repr=False)


def make_doc(page_id: str, domain: str, source: str, page_type: str, text: str, truth_text: str) -> Doc:
    """The page's lines, labels and features in the two views the model meets in the pipeline.

    First pass: every line, with the phrase rules' and the context rules' drops in place. Second
    pass (what a later pass, or a second `clean`, sees): the lines the rules kept, less the
    labelled boilerplate, as if the first pass had removed exactly that; it teaches the model
    that a clean article stays clean.
    """
    config = CleanerConfig()
    rules = ruleset_for(config)
    blocks = segment(text)
    ann = annotate(blocks, rules)
    first = {**ann, **revise(DocView(blocks, config), ann, rules)}
    first = {i: d for i, d in first.items() if d.dropped}
    truth = Truth.of(truth_text)
    stop = stopwords()
    local: dict[int, list[float]] = {}
    labels: dict[int, Label] = {}
    boiler: Counter[str] = Counter()
    article: Counter[str] = Counter()
    for b in blocks:
        if b.blank:
            continue
        local[b.index] = local_features(b, stop)
        label, _ = label_line(b.text, truth)
        labels[b.index] = label
        if label is Label.BOILERPLATE:
            boiler.update(set(WORD_RE.findall(b.text.lower())))
        elif label is Label.ARTICLE:
            article.update(set(WORD_RE.findall(b.text.lower())))
    view = [b for b in blocks if b.index not in first and labels.get(b.index) is not Label.BOILERPLATE]
    second = {i: d for i, d in revise(DocView(view, config), {}, rules).items() if d.dropped}
    return Doc(
        page_id,
        domain,
        source,
        page_type,
        truth_text,
        blocks,
        first,
        [b.index for b in view],
        second,
        local,
        labels,
        boiler,
        article,
    )


def learn_vocabulary(docs: Iterable[Doc]) -> Vocabulary:
    """Token log-odds (boilerplate vs article lines) over `docs`, from tokens seen on enough domains."""
    boiler: Counter[str] = Counter()
    article: Counter[str] = Counter()
    domains: dict[str, set[str]] = {}
    n_boiler = n_article = 0
    for d in docs:
        boiler.update(d.boiler_tokens)
        article.update(d.article_tokens)
        for tok in d.boiler_tokens.keys() | d.article_tokens.keys():
            domains.setdefault(tok, set()).add(d.domain)
        n_boiler += sum(1 for v in d.labels.values() if v is Label.BOILERPLATE)
        n_article += sum(1 for v in d.labels.values() if v is Label.ARTICLE)
    prior = math.log((n_boiler + 1) / (n_article + 1))
    table: dict[str, float] = {}
    for tok in sorted(domains):
        b, a = boiler[tok], article[tok]
        if len(domains[tok]) < VOCAB_MIN_DOMAINS or a + b < VOCAB_MIN_LINES:
            continue
        lo = math.log((b + VOCAB_SMOOTHING) / (a + VOCAB_SMOOTHING)) - prior
        table[tok] = round(max(-VOCAB_CLIP, min(VOCAB_CLIP, lo)), 4)
    return Vocabulary(table)


def _build(args: tuple[str, str, str, str, str, str]) -> Doc:
    return make_doc(*args)


def load_docs(
    data: Path, *, ids: Sequence[str] | None = None, sources: Sequence[str] = SOURCES, jobs: int = 1
) -> Iterator[Doc]:
    """Docs for every (page, source), in id order then source order. Peer texts come from the
    evaluation cache (computed and stored when missing)."""
    from cleaner.evaluation.datasets import load_pages
    from cleaner.evaluation.peers import DEFAULT_CACHE, peer_text

    def jobs_iter() -> Iterator[tuple[str, str, str, str, str, str]]:
        for page in load_pages(data, ids=ids):
            domain = domain_of(page.url) or page.id  # the page id stands for a page without a URL
            for source in sources:
                text = peer_text(source, page.html_bytes, page.url, DEFAULT_CACHE)
                yield page.id, domain, source, page.page_type, text, page.truth_text

    if jobs <= 1:
        for args in jobs_iter():
            yield _build(args)
        return
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap(_build, jobs_iter(), chunksize=8)
