"""HTML mode's entry: a page as the text pipeline gets it (`html_document`). With the block model
the page's blocks are its lines (`page_text`), and the model's drops (`page_drops`) come with them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cleaner.annotate import annotate
from cleaner.config import CleanerConfig
from cleaner.html import dom
from cleaner.html.blocks import DomModel, load, page_features
from cleaner.html.page import Prepared, extract, prepare
from cleaner.html.policy import decide
from cleaner.pipeline import ruleset_for
from cleaner.rules import build_ruleset
from cleaner.types import Decision


def separated(items: Sequence[dom.DomBlock]) -> list[bool]:
    """Whether a blank line goes before each block: between paragraphs, not inside a list, a
    table or a <pre>."""
    tight = {"li", "dd", "dt", "td", "th", "pre"}
    out = []
    for i, b in enumerate(items):
        prev = items[i - 1] if i else None
        out.append(prev is not None and not (b.tag in tight and prev.tag == b.tag and prev.signature == b.signature))
    return out


def page_text(items: Sequence[dom.DomBlock]) -> tuple[str, list[int]]:
    """The page as text, one line per block with blank lines between paragraphs (`separated`),
    and the line index of each block."""
    lines: list[str] = []
    where: list[int] = []
    for b, gap in zip(items, separated(items), strict=True):
        if gap:
            lines.append("")
        where.append(len(lines))
        lines.append(b.text)
    return "\n".join(lines), where


def page_drops(model: DomModel, prep: Prepared, config: CleanerConfig) -> tuple[str, dict[int, Decision]]:
    """A prepared page as text and the block model's drops on it, less those in a category or
    rule the user switched off, and less the blocks a switched-off rule or category would have
    taken: those are the user's to keep, and the model must not take them under another name."""
    if not prep.items:
        return "", {}
    # The block model reads words of the page's address; a page given without one is read with the
    # address it gives itself (on the quality gate's pages, in-sample: F1 0.8956 without any URL,
    # 0.9141 with the page's own, 0.9140 with the true one).
    x, rules = page_features(prep, ruleset_for(config), prep.url or prep.own_url)
    ruled = frozenset(i for i, d in rules.items() if d.dropped)
    words = np.array([float(b.words) for b in prep.lines])
    text, where = page_text(prep.items)
    found = decide(model, prep.items, x, config.html_threshold, ruled, prep.kind, words, prep.title)
    drops = {where[i]: d for i, d in found.items()}
    if not config.rule_enabled(model.rule_id):
        return text, {}
    protected: frozenset[int] = frozenset()
    if config.disabled or config.disabled_rules:
        everything = annotate(prep.lines, build_ruleset(config.rule_files, frozenset(), frozenset()))
        protected = frozenset(where[i] for i, d in everything.items() if d.dropped and i not in rules)
    return text, {
        i: d for i, d in drops.items() if d.category is not None and config.enabled(d.category) and i not in protected
    }


@dataclass(frozen=True)
class HtmlDocument:
    """An HTML page as the text pipeline sees it: `text` (the page's blocks, one a line, with
    the block model; trafilatura's main text without it), the drops already decided on it (None
    without the block model), title, url, warnings, and the words of the page's text."""

    text: str
    title: str | None
    url: str | None
    given: dict[int, Decision] | None
    warnings: tuple[str, ...]
    page_words: int
    items: tuple[dom.DomBlock, ...] = ()  # the blocks `text` was made of (`page_text`): the formats' layout


def html_document(html: str | bytes, url: str | None, config: CleanerConfig) -> HtmlDocument:
    model = load(config.html_model)
    if model is None:
        page = extract(html, url=url)
        return HtmlDocument(page.text, page.title, page.url or url, None, page.warnings, 0)
    prep = prepare(html, url=url)
    if len(prep.items) > dom.MODEL_MAX_BLOCKS:
        # trafilatura, the features and the trees cost memory and time per block (300,000 <p> took
        # 35 s and 1.7 GB): past the cap, the page's blocks are its text, cleaned by the text rules.
        warning = (
            f"{len(prep.items):,} blocks is more than the block model reads ({dom.MODEL_MAX_BLOCKS:,}): "
            "the page's text blocks, cleaned by the text rules alone"
        )
        text = page_text(prep.items)[0]
        words = sum(b.words for b in prep.lines)
        return HtmlDocument(text, prep.title, url, None, (*prep.warnings, warning), words, tuple(prep.items))
    text, drops = page_drops(model, prep, config)
    words = sum(b.words for b in prep.lines)
    return HtmlDocument(text, prep.title, url, drops, prep.warnings, words, tuple(prep.items))
