"""HTML mode's entry: a page as the text pipeline gets it (`html_document`). With the block model
the page's blocks are its lines (`page_text`), and the model's drops (`page_drops`) come with them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cleaner.annotate import protected_lines
from cleaner.config import CleanerConfig
from cleaner.html import dom
from cleaner.html.blocks import DomModel, load, page_features
from cleaner.html.page import Prepared, extract, prepare
from cleaner.html.policy import decide
from cleaner.pipeline import ruleset_for
from cleaner.rendering import renumbered
from cleaner.segment import make_block, segment
from cleaner.types import Block, Decision, Decisions


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
    where = line_of(items)
    lines = [""] * (where[-1] + 1 if where else 0)
    for b, j in zip(items, where, strict=True):
        lines[j] = b.text
    return "\n".join(lines), where


def page_lines(prep: Prepared) -> tuple[list[Block], list[int]]:
    """The page's lines as the text pipeline reads them, the Blocks `segment(page_text(...)[0])`
    would make (each block's own Block from `prep.lines`, renumbered: a block's text has no line
    break), and the line index of each block."""
    where = line_of(prep.items)
    if not where:
        return [make_block(0, "")], where
    lines: list[Block] = []
    for b, j in zip(prep.lines, where, strict=True):
        if j > len(lines):  # the blank line before a paragraph
            lines.append(make_block(len(lines), ""))
        lines.append(renumbered(b, j))
    return lines, where


def line_of(items: Sequence[dom.DomBlock]) -> list[int]:
    """The line of each block in the page's text: one a line, a blank line before each that
    `separated` says starts a paragraph."""
    where: list[int] = []
    for gap in separated(items):
        where.append(where[-1] + 1 + gap if where else 0)
    return where


def page_drops(model: DomModel, prep: Prepared, config: CleanerConfig) -> tuple[list[Block], Decisions, Decisions]:
    """A prepared page's lines (`page_lines`), the block model's drops on them, less those in a
    category or rule the user switched off, and less the blocks a switched-off rule or category
    would have taken (those are the user's to keep: the model must not take them under another
    name), and the phrase rules' decisions on them (made for the model's features, handed on to
    the text pipeline so that it does not make them again)."""
    lines, where = page_lines(prep)
    if not prep.items:
        return lines, {}, {}
    # The block model reads words of the page's address; a page given without one is read with the
    # address it gives itself (on the quality gate's pages, in-sample: F1 0.8956 without any URL,
    # 0.9141 with the page's own, 0.9140 with the true one).
    x, rules = page_features(prep, ruleset_for(config), prep.url or prep.own_url)
    annotated = {where[i]: d for i, d in rules.items()}
    ruled = frozenset(i for i, d in rules.items() if d.dropped)
    words = np.array([float(b.words) for b in prep.lines])
    found = decide(model, prep.items, x, words, config.html_threshold, ruled, prep.kind, prep.title)
    if not config.rule_enabled(model.rule_id):
        return lines, {}, annotated
    protected = protected_lines(prep.lines, config, taken=rules)
    drops = {where[i]: d for i, d in found.items() if d.category and config.allows(d) and i not in protected}
    return lines, drops, annotated


@dataclass(frozen=True)
class HtmlDocument:
    """An HTML page as the text pipeline sees it: `text` (the page's blocks, one a line, with
    the block model; trafilatura's main text without it) and its `lines` as Blocks, the drops
    already decided on it (None without the block model), title, url, warnings, the words of the
    page's text, and the phrase rules' decisions on `lines` when they were made already."""

    text: str
    title: str | None
    url: str | None
    given: dict[int, Decision] | None
    warnings: tuple[str, ...]
    page_words: int
    items: tuple[dom.DomBlock, ...] = ()  # the blocks `text` was made of (`page_text`): the formats' layout
    lines: tuple[Block, ...] = ()  # `segment(text)`, made without reading `text` again
    annotated: dict[int, Decision] | None = None  # the phrase rules' decisions on `lines` (cleaner.pipeline.run_blocks)


def html_document(html: str | bytes, url: str | None, config: CleanerConfig) -> HtmlDocument:
    model = load(config.html_model)
    if model is None:
        page = extract(html, url=url)
        lines = tuple(segment(page.text))
        return HtmlDocument(page.text, page.title, page.url or url, None, page.warnings, 0, lines=lines)
    prep = prepare(html, url=url)
    words = sum(b.words for b in prep.lines)
    if len(prep.items) > dom.MODEL_MAX_BLOCKS:
        # trafilatura, the features and the trees cost memory and time per block (300,000 <p> took
        # 35 s and 1.7 GB): past the cap, the page's blocks are its text, cleaned by the text rules.
        warning = (
            f"{len(prep.items):,} blocks is more than the block model reads ({dom.MODEL_MAX_BLOCKS:,}): "
            "the page's text blocks, cleaned by the text rules alone"
        )
        lines = tuple(page_lines(prep)[0])
        text = "\n".join(b.text for b in lines)
        return HtmlDocument(text, prep.title, url, None, (*prep.warnings, warning), words, tuple(prep.items), lines)
    found, drops, annotated = page_drops(model, prep, config)
    text = "\n".join(b.text for b in found)
    return HtmlDocument(text, prep.title, url, drops, prep.warnings, words, tuple(prep.items), tuple(found), annotated)
