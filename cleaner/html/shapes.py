"""Shapes among the blocks the page policy (`cleaner.html.policy`) reads beyond scores: a run of
other stories' teasers (`teaser_run`) and a keyword list a page hides from readers (`keyword_list`,
`hidden_keywords`)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from cleaner.html.blocks import _COL

TEASER_PAIRS = 3  # a run of this many headline links, each with its summary just under it, is teasers...
TEASER_HEADLINE = (3, 20)  # ...a headline: a block of this many words (inclusive), LINKS_HEADLINE of them links
TEASER_SUMMARY = (8, 80)  # ...a summary: this many words, under SUMMARY_LINKS of them links (`teaser_run`)
LINKS_HEADLINE = 0.8
SUMMARY_LINKS = 0.2
KEYWORD_ITEMS = 4  # a hidden block listing this many words or short phrases, as a page's keywords...
KEYWORD_WORDS = 3  # ...of at most this many words each, is page metadata (`hidden_keywords`)


def teaser_run(x: np.ndarray, dropped: np.ndarray, words: np.ndarray, asks: np.ndarray | None = None) -> list[int]:
    """Runs of other stories' teasers among the extras: TEASER_PAIRS or more pairs in a row of a
    headline link (TEASER_HEADLINE words, LINKS_HEADLINE of them link text) and, the very next
    block, its summary (TEASER_SUMMARY words, under SUMMARY_LINKS link text), counting only kept
    blocks that trafilatura's main text left out (a dropped byline or date between two pairs does
    not break the run). The block model scores such a summary as prose, and a run of them, each
    under 0.5, outweighs a short article in the page's cut; `settle_page` takes the runs on a page
    that reads as an article (ARTICLE_SURE, or ARTICLE_POST on a short post with prose in
    trafilatura's text), not a listing's or a forum's: there the run is the content. News-dev:
    dragnet +0.0006 simulated (six pages up, none down), l3s-gn1 and wcxb-dev CV not moved
    (bench/results/2026-12-06-teaser-runs.md). A headline that asks (`asks`: its text
    ends with a question mark) is an FAQ's question over its answer, not a teaser: it breaks the run
    (wcxb-dev 4869, a service page's FAQ, once the rule reached short posts)."""
    traf = x[:, _COL["traf_in"]] > 0
    links = x[:, _COL["link_density"]]
    seq = np.flatnonzero(~dropped & ~traf).tolist()

    def pair(k: int) -> bool:
        h, s = seq[k], seq[k + 1]
        return (
            s == h + 1
            and links[h] >= LINKS_HEADLINE
            and not (asks is not None and asks[h])
            and TEASER_HEADLINE[0] <= words[h] <= TEASER_HEADLINE[1]
            and links[s] < SUMMARY_LINKS
            and TEASER_SUMMARY[0] <= words[s] <= TEASER_SUMMARY[1]
        )

    out: list[int] = []
    k = 0
    while k < len(seq) - 1:
        j = k
        while j < len(seq) - 1 and pair(j):
            j += 2
        if j - k >= 2 * TEASER_PAIRS:
            out += seq[k:j]
            k = j
        else:
            k += 1
    return out


# A list's separator: a comma, semicolon, bar or middle dot with a space after it (not a number's
# thousands: "1,922,710 Views"), and the end of a sentence or a label (a list that ends so is text).
_SEPARATOR = re.compile(r"\s*[,;|\u00b7]\s+|\s+[|\u00b7]\s*")
_SENTENCE_END = re.compile(r"[.!?:\u3002]\s*$")
_NOT_KEYWORDS = re.compile(r"[\d:()\[\]{}<>=\"]")  # a digit, a label's colon, code's brackets and quotes
# An item opening with a conjunction ends a phrase of prose or a heading ("Data, Analytics, and
# Integration", "Car, Bus oder Bahn"), in the rule files' seven languages: a keyword list has none.
_CONJUNCTION = re.compile(r"(?i)^(?:and|or|und|oder|et|ou|y|o|e|en|of|&)\s")


def keyword_list(text: str) -> bool:
    """Whether a block's text reads as a keyword list: KEYWORD_ITEMS or more items split by
    `_SEPARATOR`, each of one to KEYWORD_WORDS words, none with a digit (a date, "Monday, November
    12, 2012", a price range), a colon ("Synthetic: lightweight, ...") or code's brackets, none opening with a
    conjunction (a phrase: "Distributed, hybrid, and multicloud"), three letters an item or more on
    average (a product's sizes, "XS, S, M, L, XL"), and no end of a sentence."""
    text = text.strip()
    if not text or _SENTENCE_END.search(text) or _NOT_KEYWORDS.search(text):
        return False
    items = [item for item in _SEPARATOR.split(text) if item]
    return (
        len(items) >= KEYWORD_ITEMS
        and all(1 <= len(item.split()) <= KEYWORD_WORDS and not _CONJUNCTION.match(item) for item in items)
        and sum(len(item) for item in items) >= 3 * len(items)
    )


def hidden_keywords(texts: Sequence[str], x: np.ndarray, dropped: np.ndarray) -> dict[int, str]:
    """Page metadata in hidden elements: a kept block inside an element the page hides (hidden,
    aria-hidden, display:none) that trafilatura's main text left out, and whose text is a keyword
    list (`keyword_list`: "city council, budget, transit, buses"). A news page carries its tags
    so for scripts and search engines; no reader sees them. (Hidden timestamps and image addresses
    are the phrase rules' `machine-timestamp` and image-address rules.) Hidden prose, a hidden
    tab's text or a post in `<noscript>` is not a list of short items and stays."""
    hidden = ~dropped & (x[:, _COL["in_hidden"]] > 0) & (x[:, _COL["traf_in"]] == 0)
    hidden &= (x[:, _COL["in_pre"]] == 0) & (x[:, _COL["code"]] == 0)
    why = "a keyword list the page hides from readers (page metadata)"
    return {i: why for i in np.flatnonzero(hidden).tolist() if keyword_list(texts[i])}
