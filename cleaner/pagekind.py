"""What kind of page this is, from evidence that holds across sites, languages and years.

HTML mode decides differently on an article (one story: trafilatura's main text is the
anchor, and the block model may only add what it is sure of) than on a forum thread, a
documentation page, a listing or a product page (where the main content is many like items
that trafilatura often leaves out). The page's kind is read from:

* what the page says of itself: `og:type`, JSON-LD and microdata `@type`s (Article and
  NewsArticle vs Product, QAPage, DiscussionForumPosting, ItemList...), `article:published_time`;
* its address (`cleaner.html.blocks.URL_KINDS`: a date or a long slug in the path, or words such as
  forum, product, docs, tag);
* its shape: how much of its text trafilatura takes as main text and in how many long paragraphs,
  `<article>` and `<pre>` counts, link-word share, prices, comments.

`features` turns that into PAGE_NAMES; the page-kind model (`cleaner.pagekind.PageKindModel`)
turns those into the probability that the page is an article. Nothing here is site-specific.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from cleaner.segment import WORD_RE

# schema.org types, lower-cased, by the kind of page they announce.
_LD_KINDS: tuple[tuple[str, frozenset[str]], ...] = (
    (
        "article",
        frozenset(
            {
                "article",
                "newsarticle",
                "blogposting",
                "reportagenewsarticle",
                "analysisnewsarticle",
                "opinionnewsarticle",
                "reviewnewsarticle",
                "backgroundnewsarticle",
                "liveblogposting",
                "report",
                "socialmediaposting",
                "scholarlyarticle",
            }
        ),
    ),
    ("tech", frozenset({"techarticle", "apireference", "howto", "softwaresourcecode", "softwareapplication"})),
    ("product", frozenset({"product", "offer", "aggregateoffer", "productgroup", "car", "book", "individualproduct"})),
    ("forum", frozenset({"discussionforumposting", "qapage", "question", "answer", "comment"})),
    ("listing", frozenset({"itemlist", "collectionpage", "searchresultspage", "offercatalog"})),
    (
        "service",
        frozenset({"service", "localbusiness", "organization", "event", "faqpage", "aboutpage", "contactpage"}),
    ),
)
LD_KINDS = dict(_LD_KINDS)  # the same, by kind (`cleaner.metadata` reads whose date and author are the page's)
LD_KIND_NAMES = tuple(k for k, _ in _LD_KINDS)
_LD_TYPE = {t: k for k, types in _LD_KINDS for t in types}
_LD_SCAN_CHARS = 200_000  # JSON-LD past this is not read: the kinds are named near the top
_TYPE_KEY = re.compile(r'"@type"\s*:\s*(\[[^\]]{0,500}\]|"[^"]{0,100}")')
_MICRODATA = re.compile(r"schema\.org/(\w{1,40})", re.IGNORECASE)
# A date in the path (/2019/11/13/, /20191113, 2008-01-07) or a slug of five or more words.
_URL_DATE = re.compile(r"(?:^|[/_-])(?:19|20)\d\d(?:[/_-]?[01]\d)(?:[/_-]?[0-3]\d)?(?:$|[/_.-])")
_URL_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+){4,}")
_PRICE = re.compile(r"(?:[$€£¥]\s?\d|\d[\d.,]*\s?(?:€|zł|kr|руб|usd|eur|gbp)\b)", re.IGNORECASE)

UNKNOWN = math.nan  # evidence the page cannot give (its address, when none is known): weighs nothing
PAGE_NAMES: tuple[str, ...] = (
    "og_article",
    "og_other",
    *(f"ld_{k}" for k in LD_KIND_NAMES),
    "published_meta",
    "articles_log",
    "pre_log",
    "url_date",
    "url_slug",
    "url_depth",
    "page_words_log",
    "traf_words_log",
    "traf_share",
    "traf_long_paras",
    "traf_para_words_log",
    "comment_words_log",
    "link_word_share",
    "price_blocks_log",
    "list_item_share",
    "heading_share",
    "repeat_share",
)


# A forum or Q&A thread's address: a word of its host or path (the forum words of
# `cleaner.html.blocks.URL_KINDS`, and the scripts of the common forum engines), starting a host
# label, a path segment or a query value: "/threads/...", "thread-123.html", "?t=9". Inside a slug
# these words are an article's ("anthonys-top-10-board-games", "participatory-culture-questions.html",
# "macbeth-inspired-t-shirt": 8 wcxb-dev articles and services and 11 news-dev/dragnet articles read as
# forums, their comment sections kept; bench/results/2026-12-06-short-posts.md), but for "discussion":
# a story page of a discussion site ("/story/.../a-2024-discussion-whether-...") is its thread, and
# reading an article as a forum only keeps its comments.
_FORUM_URL = re.compile(
    r"(?:(?:^|[/.?=&])(?:forums?|threads?|topics?|t|community|discuss|discussions?|questions?|answers|boards?|r|"
    r"talk|showthread|viewtopic)|[_-]discussions?)(?:$|[/._?=&-])",
    re.IGNORECASE,
)


def forum_url(url: str | None) -> bool:
    """Whether `url` is a forum's or Q&A site's: there the posts under the first one are the
    page's content, not an article's comments (`cleaner.revise.comment_sections`)."""
    host, path = split_url(url)
    return bool(host or path) and _FORUM_URL.search(f"{host}/{path}") is not None


URL_MAX_CHARS = 2_000  # a longer "address" is not one: a page's own is refused, a given one read this far


def split_url(url: str | None) -> tuple[str, str]:
    """(host, path) of an address, ("", "") for none or one that does not parse (an unfilled
    template such as "https://[SITE_URL]/x" is common in canonical links). Only the first
    URL_MAX_CHARS characters are read: the address patterns scan a path in time that grows with
    its square (a given address of 80,000 characters took 65 s of `clean_html`)."""
    if not url:
        return "", ""
    try:
        parts = urlsplit(url[:URL_MAX_CHARS])
        return parts.hostname or "", parts.path
    except ValueError:
        return "", ""


def _types(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value.rsplit("/", 1)[-1].lower()
    elif isinstance(value, list):
        for v in value:
            yield from _types(v)


def ld_types(tree: Any, scripts: Sequence[str] | None = None) -> set[str]:
    """The schema.org types a page declares (JSON-LD `@type`, microdata `itemtype`), lower-cased.
    Read from the raw script text with a bounded pattern: a page's JSON-LD is often not valid JSON.
    `scripts`: the texts of the page's JSON-LD scripts, when already read (`_page_tags`)."""
    found: set[str] = set()
    if scripts is None:
        scripts = [script.text or "" for script in tree.xpath('//script[@type="application/ld+json"]')]
    for script in scripts:
        text = script[:_LD_SCAN_CHARS]
        for m in _TYPE_KEY.finditer(text):
            try:
                found.update(_types(json.loads(m.group(1))))
            except ValueError:
                continue
    for value in tree.xpath("//@itemtype")[:200]:
        found.update(t.lower() for t in _MICRODATA.findall(str(value)))
    return found


@dataclass(frozen=True)
class _Tags:
    """What the page kind reads of a page's elements, found in one pass (`_page_tags`)."""

    metas: list[tuple[str | None, str | None, str]]  # each <meta> with a content: property, name, content
    ld_scripts: list[str]  # the texts of the <script type="application/ld+json">
    articles: int
    pres: int


def _page_tags(tree: Any) -> _Tags:
    """One walk over the page's <meta>, <script>, <article> and <pre> elements, in document order
    (what an XPath each found, at a fifth of the time)."""
    metas: list[tuple[str | None, str | None, str]] = []
    scripts: list[str] = []
    articles = pres = 0
    for el in tree.iter("meta", "script", "article", "pre"):
        tag = el.tag
        if tag == "meta":
            content = el.get("content")
            if content is not None:
                metas.append((el.get("property"), el.get("name"), content))
        elif tag == "script":
            if el.get("type") == "application/ld+json":
                scripts.append(el.text or "")
        elif tag == "article":
            articles += 1
        else:
            pres += 1
    return _Tags(metas, scripts, articles, pres)


def _meta(tags: _Tags, *names: str) -> list[str]:
    """The contents of the <meta> tags whose property or name is each of `names`, name by name."""
    out = []
    for name in names:
        out += [content for prop, named, content in tags.metas if prop == name or named == name]
    return out


def features(
    tree: Any,
    url: str | None,
    texts: Sequence[str],
    words: Sequence[float],
    link_share: Sequence[float],
    tags: Sequence[str],
    signatures: Sequence[int],
    traf_text: str,
    comments: str,
) -> list[float]:
    """PAGE_NAMES for one page: `tree` as parsed, and the page's DOM blocks' texts, word counts,
    link shares, tags and structure signatures (`cleaner.html.dom.DomBlock`)."""
    elements = _page_tags(tree)
    og = [v.strip().lower() for v in _meta(elements, "og:type")]
    kinds = {_LD_TYPE[t] for t in ld_types(tree, elements.ld_scripts) if t in _LD_TYPE}
    host, path = split_url(url)
    path = path.lower()
    # No address (none given, none on the page, or one that does not parse): its three features
    # are unknown, not a homepage's (`UNKNOWN`).
    known = bool(host or path)
    total = float(sum(words))
    paras = [p for p in traf_text.split("\n") if p.strip()]
    para_words = [len(WORD_RE.findall(p)) for p in paras]
    traf_words = float(sum(para_words))
    counts: dict[int, int] = {}
    for s in signatures:
        counts[s] = counts.get(s, 0) + 1
    repeated = sum(w for w, s in zip(words, signatures, strict=True) if counts[s] >= 5)
    price = sum(1 for t in texts if len(t) < 80 and _PRICE.search(t))
    return [
        float(any(v.startswith("article") for v in og)),
        float(bool(og) and not any(v.startswith("article") for v in og)),
        *(float(k in kinds) for k in LD_KIND_NAMES),
        float(bool(_meta(elements, "article:published_time", "datePublished", "pubdate", "date"))),
        math.log1p(elements.articles),
        math.log1p(elements.pres),
        float(_URL_DATE.search(path) is not None) if known else UNKNOWN,
        float(_URL_SLUG.search(path) is not None) if known else UNKNOWN,
        float(len([s for s in path.split("/") if s])) if known else UNKNOWN,
        math.log1p(total),
        math.log1p(traf_words),
        min(1.0, traf_words / total) if total else 0.0,
        float(sum(1 for n in para_words if n >= 40)),
        math.log1p(traf_words / len(paras)) if paras else 0.0,
        math.log1p(len(WORD_RE.findall(comments))),
        sum(w * s for w, s in zip(words, link_share, strict=True)) / total if total else 0.0,
        math.log1p(price),
        sum(w for w, t in zip(words, tags, strict=True) if t in ("li", "dd", "dt", "td")) / total if total else 0.0,
        sum(1 for t in tags if t.startswith("h") and len(t) == 2) / max(1, len(tags)),
        repeated / total if total else 0.0,
    ]


FORMAT = "cleaner-page-kind/1"  # stored in the block model file, key "page_kind"


@dataclass(frozen=True, eq=False)
class PageKindModel:
    """A logistic model of P(the page is an article) over standardised PAGE_NAMES."""

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    card: Mapping[str, object]

    def article(self, kind: Sequence[float]) -> float:
        """The probability that a page with this evidence is an article. Unknown evidence (NaN,
        `UNKNOWN`) weighs nothing: it counts as the training pages' mean."""
        if len(kind) != len(PAGE_NAMES):
            return 0.0
        z = self.intercept + sum(self._parts(kind))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def _parts(self, kind: Sequence[float]) -> list[float]:
        """Each feature's weight toward "article" on this page (0 for unknown evidence)."""
        return [
            c * (x - m) / s if math.isfinite(x) else 0.0
            for c, x, m, s in zip(self.coef, kind, self.mean, self.scale, strict=True)
        ]

    def signals(self, kind: Sequence[float], top: int = 3) -> list[str]:
        """The evidence that weighed most toward the page's kind, in plain words."""
        parts = self._parts(kind)
        sign = 1.0 if self.article(kind) >= 0.5 else -1.0
        order = sorted(range(len(parts)), key=lambda i: -sign * parts[i])
        return [PAGE_NAMES[i] for i in order[:top] if sign * parts[i] > 0]


def from_dict(data: Mapping[str, Any], source: str) -> PageKindModel:
    from cleaner.models.trees import ModelError

    if data.get("format") != FORMAT:
        raise ModelError(f"{source}: not a cleaner page-kind model (format {data.get('format')!r})")
    if data.get("features") != list(PAGE_NAMES):
        raise ModelError(f"{source}: the page-kind model's features do not match this version of cleaner")
    width = len(PAGE_NAMES)
    try:
        mean, scale, coef = (tuple(float(v) for v in data[k]) for k in ("mean", "scale", "coef"))
        intercept = float(data["intercept"])
    except (KeyError, TypeError, ValueError):
        raise ModelError(f"{source}: malformed page-kind model") from None
    if not (len(mean) == len(scale) == len(coef) == width) or not all(s > 0 for s in scale):
        raise ModelError(f"{source}: malformed page-kind model (sizes or scales)")
    if not all(math.isfinite(v) for v in (*mean, *scale, *coef, intercept)):
        raise ModelError(f"{source}: malformed page-kind model (not finite)")
    card = data.get("card")
    return PageKindModel(mean, scale, coef, intercept, card if isinstance(card, Mapping) else {})
