"""The block model of HTML mode: which of a page's DOM blocks are its main text.

A page is parsed once (`cleaner.dom`); each block gets the markup's evidence, trafilatura's vote
(is the block inside trafilatura's main text?), the learned line model's text features and the
phrase rules' verdict, plus the same evidence of its neighbours. A tree ensemble trained on
wcxb-dev (`cleaner.learn.domtrain`) turns that into a probability that the block is boilerplate;
blocks at or above the model's threshold are dropped, each with the signals that weighed most.

The model file shares the line model's tree format (`cleaner.model.Trees`); its format name is
`cleaner-dom-model/1`.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from cleaner import dom, domcategory, pagekind
from cleaner.annotate import annotate
from cleaner.config import CleanerConfig
from cleaner.html import Prepared
from cleaner.learn.features import CATEGORY_CODE, LOCAL_NAMES, local_features
from cleaner.model import ModelError, Trees, read_model_json
from cleaner.pagekind import PageKindModel
from cleaner.pipeline import ruleset_for
from cleaner.rules import build_ruleset
from cleaner.segment import WORD_RE
from cleaner.topic import stopwords
from cleaner.types import Action, Block, Category, Decision, Stage, Strength

FORMAT = "cleaner-dom-model/1"
BUILTIN_FILE = "dom_model.json"

BLOCK_NAMES: tuple[str, ...] = (
    "tag",
    "depth",
    "depth_rel",
    "link_density",
    "links",
    "email_form",
    "pos_rel",
    "chars_before_rel",
    "traf_in",
    "traf_share",
    "comment_in",
    "title_sim",
    "rule",
    *(f"in_{c}" for c in dom.CONTAINERS),
    *(f"fam_{f}" for f in dom.FAMILY_NAMES),
    *(f"own_{f}" for f in dom.FAMILY_NAMES),
    *LOCAL_NAMES,
)
# What a page's URL says of its kind: words in its path or host. An article's comments are not its
# main text; a forum thread's replies are.
URL_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(rf"(?:^|[/._?=&-])(?:{words})(?:$|[/._?=&-])", re.IGNORECASE))
    for kind, words in (
        ("forum", r"forums?|threads?|topics?|t|community|discuss|discussions?|questions?|answers|boards?|r|comments"),
        ("product", r"products?|p|dp|item|shop|store|buy|sku"),
        ("docs", r"docs?|documentation|api|reference|manual|guide|wiki|learn|tutorials?"),
        ("listing", r"category|categories|tags?|search|list|archive|collections?|page"),
        ("article", r"news|article|articles|blog|story|stories|post|posts|\d{4}"),
    )
)
_NEIGHBOUR = (
    "traf_in",
    "traf_share",
    "comment_in",
    "link_density",
    "words_log",
    "stopwords",
    "end_sentence",
    "tag",
    "rule",
)
_WINDOWS = ("traf_in", "comment_in", "link_density", "words_log", "stopwords")
CONTEXT_NAMES: tuple[str, ...] = (
    *(f"prev_{n}" for n in _NEIGHBOUR),
    *(f"next_{n}" for n in _NEIGHBOUR),
    *(f"win3_{n}" for n in _WINDOWS),
    *(f"win10_{n}" for n in _WINDOWS),
    "traf_run_before",
    "traf_run_after",
    "same_tag_run",
    "sig_count_log",
    "sig_traf_share",
    "sig_words_log",
    "text_repeats",
    *(f"anc{k}_{n}" for k in range(1, dom.ANCESTOR_LEVELS + 1) for n in ("traf", "blocks_log", "links", "words_log")),
    "page_blocks_log",
    "page_traf_share",
    "page_traf_lines_log",
    "page_comment_share",
    *(f"url_{k}" for k, _ in URL_KINDS),
    "url_depth",
)
FEATURE_NAMES = BLOCK_NAMES + CONTEXT_NAMES
_COL = {name: i for i, name in enumerate(FEATURE_NAMES)}


def _title_sim(text: str, title_words: frozenset[str]) -> float:
    if not title_words:
        return 0.0
    words = set(WORD_RE.findall(text.lower()))
    if not words:
        return 0.0
    return len(words & title_words) / len(words | title_words)


def _window(col: np.ndarray, radius: int) -> np.ndarray:
    """The mean of `col` over the 2 * radius + 1 rows around each row (fewer at the edges)."""
    n = len(col)
    csum = np.concatenate([[0.0], np.cumsum(col)])
    idx = np.arange(n)
    lo = np.maximum(idx - radius, 0)
    hi = np.minimum(idx + radius + 1, n)
    out: np.ndarray = (csum[hi] - csum[lo]) / (hi - lo)
    return out


def _shift(col: np.ndarray, k: int, fill: float) -> np.ndarray:
    out = np.full_like(col, fill)
    if k > 0:
        out[k:] = col[:-k]
    else:
        out[:k] = col[-k:]
    return out


def _runs(flag: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row, how many rows in a row just before it / just after it have `flag` set."""
    n = len(flag)
    before = np.zeros(n)
    after = np.zeros(n)
    run = 0.0
    for i in range(n):
        before[i] = run
        run = run + 1.0 if flag[i] else 0.0
    run = 0.0
    for i in range(n - 1, -1, -1):
        after[i] = run
        run = run + 1.0 if flag[i] else 0.0
    return before, after


def features(
    items: Sequence[dom.DomBlock],
    lines: Sequence[Block],
    traf: dom.TrafVote,
    rules: Mapping[int, Decision],
    title: str | None,
    comments: dom.TrafVote | None = None,
    url: str | None = None,
) -> np.ndarray:
    """The FEATURE_NAMES matrix of a page: one row per DOM block (`lines[i]` is block i's text
    as a Block; `rules` the phrase rules' decisions by block index)."""
    n = len(items)
    x = np.zeros((n, len(FEATURE_NAMES)))
    if n == 0:
        return x
    stop = stopwords()
    title_words = frozenset(WORD_RE.findall(title.lower())) if title else frozenset()
    max_depth = max(b.depth for b in items) or 1
    lengths = np.array([len(b.text) for b in items], dtype=np.float64)
    before = np.concatenate([[0.0], np.cumsum(lengths)[:-1]]) / max(1.0, float(lengths.sum()))
    width_c = len(dom.CONTAINERS)
    width_f = len(dom.FAMILY_NAMES)
    c0 = _COL["in_nav"]
    f0 = _COL["fam_newsletter"]
    o0 = _COL["own_newsletter"]
    l0 = _COL[LOCAL_NAMES[0]]
    seen_local: dict[str, list[float]] = {}  # a page repeats its menu lines
    for i, (b, line) in enumerate(zip(items, lines, strict=True)):
        row = x[i]
        chars = len(b.text)
        flat = dom.norm(b.text)
        traf_in, traf_share = traf.vote(b.text, flat)
        decision = rules.get(i)
        dropped = decision is not None and decision.dropped and decision.category is not None
        row[: _COL["rule"] + 1] = (
            dom.TAG_CODE.get(b.tag, 0.0),
            b.depth,
            b.depth / max_depth,
            min(1.0, b.link_chars / chars) if chars else 0.0,
            b.links,
            float(b.email_form),
            i / n,
            before[i],
            traf_in,
            traf_share,
            comments.vote(b.text, flat)[0] if comments is not None else 0.0,
            _title_sim(b.text, title_words),
            CATEGORY_CODE[decision.category] if dropped and decision is not None and decision.category else 0.0,
        )
        local = seen_local.get(line.text)
        if local is None:
            local = seen_local[line.text] = local_features(line, stop)
        row[l0 : l0 + len(LOCAL_NAMES)] = local
    for start, width, bits in (
        (c0, width_c, [b.containers for b in items]),
        (f0, width_f, [b.families for b in items]),
        (o0, width_f, [b.own_families for b in items]),
    ):
        x[:, start : start + width] = (np.array(bits, dtype=np.int64)[:, None] >> np.arange(width)) & 1
    for name in _NEIGHBOUR:
        col = x[:, _COL[name]]
        x[:, _COL[f"prev_{name}"]] = _shift(col, 1, -1.0)
        x[:, _COL[f"next_{name}"]] = _shift(col, -1, -1.0)
    for name in _WINDOWS:
        col = x[:, _COL[name]]
        x[:, _COL[f"win3_{name}"]] = _window(col, 3)
        x[:, _COL[f"win10_{name}"]] = _window(col, 10)
    traf_col = x[:, _COL["traf_in"]]
    x[:, _COL["traf_run_before"]], x[:, _COL["traf_run_after"]] = _runs(traf_col > 0)
    tags = x[:, _COL["tag"]]
    same = (tags == _shift(tags, 1, -1.0)) | (tags == _shift(tags, -1, -1.0))
    x[:, _COL["same_tag_run"]] = same
    # Repeated structures (teaser lists, menus, comment threads): blocks whose holding element
    # has the same tag, depth and class.
    sigs = np.array([b.signature for b in items], dtype=np.int64)
    _, inverse, counts = np.unique(sigs, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    x[:, _COL["sig_count_log"]] = np.log1p(counts[inverse])
    x[:, _COL["sig_traf_share"]] = np.bincount(inverse, traf_col)[inverse] / counts[inverse]
    words = x[:, _COL["words_log"]]
    x[:, _COL["sig_words_log"]] = np.bincount(inverse, words)[inverse] / counts[inverse]
    # The elements around the block: how much of what they hold trafilatura took, how much text
    # and how many links they hold (the main content's container, a menu, a sidebar).
    link = x[:, _COL["link_density"]]
    plain = np.expm1(words)
    for k in range(1, dom.ANCESTOR_LEVELS + 1):
        ids = np.array([b.ancestors[k - 1] if len(b.ancestors) >= k else -1 - i for i, b in enumerate(items)])
        inv = np.unique(ids, return_inverse=True)[1].reshape(-1)
        cnt = np.bincount(inv)[inv]
        x[:, _COL[f"anc{k}_traf"]] = np.bincount(inv, traf_col)[inv] / cnt
        x[:, _COL[f"anc{k}_blocks_log"]] = np.log1p(cnt)
        x[:, _COL[f"anc{k}_links"]] = np.bincount(inv, link)[inv] / cnt
        x[:, _COL[f"anc{k}_words_log"]] = np.log1p(np.bincount(inv, plain)[inv])
    seen: dict[str, int] = {}
    for b in items:
        seen[b.text] = seen.get(b.text, 0) + 1
    x[:, _COL["text_repeats"]] = [seen[b.text] - 1 for b in items]
    x[:, _COL["page_blocks_log"]] = math.log1p(n)
    x[:, _COL["page_traf_share"]] = float(traf_col.mean())
    x[:, _COL["page_traf_lines_log"]] = math.log1p(traf.lines)
    x[:, _COL["page_comment_share"]] = float(x[:, _COL["comment_in"]].mean())
    host, path = pagekind.split_url(url)
    if host or path:
        where = f"{host}{path}"
        for kind, pattern in URL_KINDS:
            x[:, _COL[f"url_{kind}"]] = float(pattern.search(where) is not None)
        x[:, _COL["url_depth"]] = len([s for s in path.split("/") if s])
    return x


# The second stage reads the first stage's probability of each block and of the blocks around it
# (a block among boilerplate is more likely boilerplate), next to every first-stage feature.
STACK_NAMES: tuple[str, ...] = (
    "p1",
    "prev_p1",
    "next_p1",
    "win3_p1",
    "win10_p1",
    "sig_p1",
    "page_p1_mean",
    "page_kept_words_share",
    "kept_run_before",
    "kept_run_after",
)
STACKED_NAMES = FEATURE_NAMES + STACK_NAMES


def groups(items: Sequence[dom.DomBlock]) -> np.ndarray:
    """Each block's repeated-structure group (blocks whose holding elements share a signature)."""
    sigs = np.array([b.signature for b in items], dtype=np.int64)
    return np.unique(sigs, return_inverse=True)[1].reshape(-1) if len(sigs) else np.zeros(0, dtype=np.int64)


def stacked(x: np.ndarray, p1: np.ndarray, group: np.ndarray) -> np.ndarray:
    """`x` with the STACK_NAMES columns for first-stage probabilities `p1`."""
    n = len(p1)
    extra = np.zeros((n, len(STACK_NAMES)))
    if n:
        words = np.expm1(x[:, _COL["words_log"]])
        kept = p1 < 0.5
        counts = np.bincount(group)
        extra[:, 0] = p1
        extra[:, 1] = _shift(p1, 1, -1.0)
        extra[:, 2] = _shift(p1, -1, -1.0)
        extra[:, 3] = _window(p1, 3)
        extra[:, 4] = _window(p1, 10)
        extra[:, 5] = np.bincount(group, p1)[group] / counts[group]
        extra[:, 6] = p1.mean()
        total = words.sum()
        extra[:, 7] = words[kept].sum() / total if total else 0.0
        extra[:, 8], extra[:, 9] = _runs(kept)
    return np.hstack([x, extra])


@dataclass(frozen=True, eq=False)
class DomModel:
    """A loaded block model: first-stage trees over FEATURE_NAMES, optional second-stage trees
    over STACKED_NAMES, and the drop threshold."""

    trees: Trees
    stack: Trees | None
    threshold: float
    version: str
    card: Mapping[str, object]
    decision: str = "expected_f1"  # or "threshold" (see `decide`)
    floor: float = 0.0  # with expected_f1: never drop a block scored under this
    page_kind: PageKindModel | None = None  # with it, the page policy of `settle_page` applies

    @property
    def rule_id(self) -> str:
        return f"dom:{self.version}"

    @property
    def names(self) -> tuple[str, ...]:
        return STACKED_NAMES if self.stack is not None else FEATURE_NAMES

    def inputs(self, x: np.ndarray, group: np.ndarray) -> np.ndarray:
        """The rows the deciding trees read (first-stage rows, stacked when there is a second stage)."""
        if self.stack is None:
            return x
        return stacked(x, _sigmoid(self.trees.raw(x)) if len(x) else np.zeros(0), group)

    def scores(self, rows: np.ndarray) -> np.ndarray:
        """Probability of boilerplate for each of `inputs` rows."""
        if len(rows) == 0:
            return np.zeros(0)
        return _sigmoid((self.stack or self.trees).raw(rows))

    def contributions(self, rows: np.ndarray) -> np.ndarray:
        """Each feature's share of each row's score (Saabas), rows x features."""
        return (self.stack or self.trees).contributions(rows)

    def scores_and_contributions(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`scores(rows)` and `contributions(rows)` from one walk of the deciding trees."""
        trees = self.stack or self.trees
        if len(rows) == 0:
            return np.zeros(0), np.zeros((0, trees.width))
        raw, contrib = trees.raw_and_contributions(rows)
        return _sigmoid(raw), contrib


def _sigmoid(raw: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1.0 / (1.0 + np.exp(-raw))
    return out


def from_dict(data: Mapping[str, object], source: str) -> DomModel:
    if data.get("format") != FORMAT:
        raise ModelError(f"{source}: not a cleaner DOM model (format {data.get('format')!r}, expected {FORMAT!r})")
    names = data.get("features")
    if names != list(FEATURE_NAMES):
        raise ModelError(f"{source}: the model's features do not match this version of cleaner (retrain it)")
    trees = data.get("trees")
    if not isinstance(trees, Mapping):
        raise ModelError(f"{source}: malformed model file (no trees)")
    threshold = data.get("threshold")
    if not isinstance(threshold, int | float) or not 0.0 < float(threshold) < 1.0:
        raise ModelError(f"{source}: malformed model file (threshold must be in (0, 1))")
    card = data.get("card")
    decision = data.get("decision", "threshold")
    if decision not in ("threshold", "expected_f1"):
        raise ModelError(f"{source}: malformed model file (decision {decision!r})")
    floor = data.get("floor", 0.0)
    if not isinstance(floor, int | float) or not 0.0 <= float(floor) < 1.0:
        raise ModelError(f"{source}: malformed model file (floor must be in [0, 1))")
    stack = data.get("stack")
    if stack is not None and not isinstance(stack, Mapping):
        raise ModelError(f"{source}: malformed model file (stack)")
    kind = data.get("page_kind")
    if kind is not None and not isinstance(kind, Mapping):
        raise ModelError(f"{source}: malformed model file (page_kind)")
    return DomModel(
        Trees.of(trees, len(FEATURE_NAMES), source, "trees"),
        None if stack is None else Trees.of(stack, len(STACKED_NAMES), source, "stack"),
        float(threshold),
        str(data.get("version", "?")),
        card if isinstance(card, Mapping) else {},
        str(decision),
        float(floor),
        None if kind is None else pagekind.from_dict(kind, f"{source} (page_kind)"),
    )


@functools.lru_cache(maxsize=8)
def load(spec: str) -> DomModel | None:
    """The model named by `spec`: "builtin", "off" (None) or a file path."""
    found = read_model_json(spec, BUILTIN_FILE)
    return None if found is None else from_dict(*found)


# Plain words for the block features in an explanation; the text features use the line model's.
DOM_SIGNALS: dict[str, str] = {
    "tag": "its element",
    "depth": "its depth in the page",
    "depth_rel": "its depth in the page",
    "link_density": "its share of link text",
    "links": "its links",
    "email_form": "a sign-up form",
    "pos_rel": "its place on the page",
    "chars_before_rel": "its place on the page",
    "traf_in": "trafilatura left it out",
    "traf_share": "trafilatura left it out",
    "comment_in": "trafilatura took it for a comment",
    "title_sim": "it repeats the title",
    "rule": "a phrase rule",
    "sig_count_log": "a repeated structure",
    "sig_traf_share": "a repeated structure trafilatura left out",
    "sig_words_log": "a repeated structure",
    "text_repeats": "its text appears again on the page",
}


@functools.lru_cache(maxsize=1024)
def signal_words(name: str) -> str:
    from cleaner.model import SIGNALS

    if name in DOM_SIGNALS:
        return DOM_SIGNALS[name]
    for prefix, what in (("in_", "inside <{}>"), ("fam_", "markup named {}"), ("own_", "markup named {}")):
        if name.startswith(prefix):
            return what.format(name.removeprefix(prefix))
    for prefix in ("prev_", "next_", "win3_", "win10_"):
        if name.startswith(prefix):
            return "its neighbours"
    if name.startswith("anc"):
        return "the elements around it"
    if name.startswith("url_"):
        return "the page's URL"
    if name == "same_tag_run":
        return "a run of like elements"
    if name.endswith("p1") or name.startswith("kept_run") or name == "page_kept_words_share":
        return "the blocks around it"
    if name.startswith("page_") or name.startswith("traf_run"):
        return "the page around it"
    return SIGNALS.get(name, name.replace("_", " "))


def separated(items: Sequence[dom.DomBlock]) -> list[bool]:
    """Whether a blank line goes before each block: between paragraphs, not inside a list, a
    table or a <pre>."""
    tight = {"li", "dd", "dt", "td", "th", "pre"}
    out = []
    for i, b in enumerate(items):
        prev = items[i - 1] if i else None
        out.append(prev is not None and not (b.tag in tight and prev.tag == b.tag and prev.signature == b.signature))
    return out


def best_cut(keep: np.ndarray, words: np.ndarray) -> float:
    """The keep-probability from which to keep blocks so that the page's expected word F1 is
    highest: keeping the k most likely blocks, the expected overlap with the main text is
    sum(q * w) over them, and the main text's expected size is sum(q * w) over all blocks, so
    F1 ~ 2 * sum_k(q * w) / (sum_k(w) + sum_all(q * w)). One sort and two cumulative sums.
    Returns 1.0 + (keep nothing) when no block is worth keeping."""
    if not len(keep):
        return 1.0
    order = np.argsort(-keep, kind="stable")
    qw = keep[order] * words[order]
    expected = 2.0 * np.cumsum(qw) / (np.cumsum(words[order]) + qw.sum() + 1e-9)
    best = int(np.argmax(expected))
    if expected[best] <= 0.0:
        return 1.0 + 1e-9
    return float(keep[order][best])


# The page policy (`settle_page`). A block trafilatura's main text left out is "extra"; the block
# model may add extras, but on some pages what it would add is another story's teaser, a menu, or
# reader comments. Chosen in 5-fold CV on wcxb-dev (domain-grouped) with a look at news-dev's
# two sets; bench/results/2026-12-04-html-news.md has the grid.
EXTRA_SURE = 0.05  # an extra scored under this is kept whatever the page
TEASER_LINKS = 0.25  # the extras are teasers and menus when this share of their words is link text...
ARTICLE_MIN = 0.05  # ...on a page the page-kind model does not rule out as an article...
EXTRA_SHARE_MAX = 0.7  # ...whose kept text the extras do not make (a listing's items are its content),
LINKS_MOSTLY = 0.6  # ...unless this share of their words is links on a page that may well be an article:
ARTICLE_LIKELY = 0.3  # a sidebar of link lists beside a short post is not the post
COMMENTS_LEAD = 200  # on an article, a comment section after this many kept words of article goes
ARTICLE_SURE = 0.5  # on a page that reads as an article, an extra scored UNTOUCHED_P or more goes...
UNTOUCHED_P = 0.3  # ...when trafilatura took nothing of the element around it
PROSE_WORDS = 15  # a paragraph of trafilatura's text this long...
PROSE_SURE = 0.7  # ...is only dropped when the block model scores it this or more (`kept_anyway`)
HEADLINE_SURE = 0.9  # the page's headline (its first <h1> repeating the title) likewise
POLICY_MAX = 2.0  # the "apart" rule never takes more than twice the words it leaves of trafilatura's text


COMMENT_REASON = "trafilatura took it for a reader comment, and the block model is not sure it is main text"


@dataclass(frozen=True)
class PageView:
    """What the page policy saw: the page-kind model's article probability, and of the blocks
    the block model would add to trafilatura's main text ("extras"), their share of the kept words
    and the share of their words that are link text."""

    article: float
    extra_share: float
    extra_links: float
    listing_url: bool = False  # the page's address names a listing (category, tag, search...)

    @property
    def teasers(self) -> bool:
        mostly_links = self.extra_links >= LINKS_MOSTLY and self.article >= ARTICLE_LIKELY
        return (
            self.extra_links >= TEASER_LINKS
            and self.article >= ARTICLE_MIN
            and (self.extra_share <= EXTRA_SHARE_MAX or mostly_links)
            and not self.listing_url
        )


def settle_page(
    x: np.ndarray, p: np.ndarray, dropped: np.ndarray, words: np.ndarray, article: float
) -> tuple[PageView, dict[int, tuple[str, str]]]:
    """The page policy over the block model's choice (`dropped`, one flag a block): the blocks it
    also drops, each with its rule ("comment", "teasers" or "apart") and the reason in words.

    * An extra that trafilatura took for a reader comment goes unless the model is sure of it
      (scored under EXTRA_SURE): a forum's posts are in trafilatura's main text, an article's
      comments are not the article (in CV on wcxb-dev this helps forums as well as articles).
    * When the extras are mostly link text (TEASER_LINKS) on a page that may be an article, they are
      related-story teasers and menus: only extras the model is sure of stay. Not when they are most
      of what is kept (EXTRA_SHARE_MAX) or the address names a listing: a listing's links are its content;
      but still when they are mostly links (LINKS_MOSTLY) on a page likely an article (ARTICLE_LIKELY).
    * On a page that reads as an article, its comment section goes (`comment_section`).
    * On a page that reads as an article (ARTICLE_SURE), an extra the model is unsure of
      (UNTOUCHED_P) goes when trafilatura took nothing of the element around it (a sidebar, a
      book list, a blogroll): the article is where trafilatura's main text is."""
    traf = x[:, _COL["traf_in"]] > 0
    extra = ~dropped & ~traf
    kept_words = float(words[~dropped].sum())
    extra_words = float(words[extra].sum())
    links = x[:, _COL["link_density"]]
    view = PageView(
        article,
        extra_words / kept_words if kept_words else 0.0,
        float((links[extra] * words[extra]).sum()) / extra_words if extra_words else 0.0,
        bool(len(x) and x[0, _COL["url_listing"]] > 0),
    )
    unsure = extra & (p >= EXTRA_SURE)
    out: dict[int, tuple[str, str]] = {}
    for i in np.flatnonzero(unsure & (x[:, _COL["comment_in"]] > 0)).tolist():
        out[i] = ("comment", COMMENT_REASON)
    if view.teasers:
        why = (
            f"trafilatura's main text left it out, and {view.extra_links:.0%} of the words the block model "
            f"would add to it on this page are links (teasers, menus): only blocks it is sure of are added"
        )
        for i in np.flatnonzero(unsure).tolist():
            out.setdefault(i, ("teasers", why))
    if article >= ARTICLE_SURE:
        for i, why in comment_section(x, dropped, words).items():
            out.setdefault(i, ("comments", why))
    apart = extra & (p >= UNTOUCHED_P) & (x[:, _COL["anc1_traf"]] < EXTRA_SURE) & ~np.isin(np.arange(len(p)), list(out))
    # Apart from trafilatura's text, more words than stay of it: trafilatura took a fragment of the
    # main content, not the article; the block model's choice stands.
    if article >= ARTICLE_SURE and float(words[apart].sum()) <= POLICY_MAX * float(words[traf & ~dropped].sum()):
        why = "the page reads as an article, and trafilatura's main text took nothing of the element around it"
        for i in np.flatnonzero(apart).tolist():
            out[i] = ("apart", why)
    return view, out


def comment_section(x: np.ndarray, dropped: np.ndarray, words: np.ndarray) -> dict[int, str]:
    """On a page that reads as an article: the blocks of its comment section, those whose markup
    says comment (`fam_comments`: comment, reply, disqus... in a class or id around them) from the
    first such block on, when COMMENTS_LEAD or more words of other kept text come before it. Taken
    whatever the block model says, in trafilatura's main text or not: trafilatura keeps a blog's
    comments in its main text when their markup is not one it knows (2008-2012 blogs on
    news-dev/dragnet, whose gold leaves comments out). A forum thread's replies are not touched:
    its page does not read as an article, and its opening post is in the same markup."""
    marked = ~dropped & (x[:, _COL["fam_comments"]] > 0)
    if not marked.any():
        return {}
    first = int(np.flatnonzero(marked)[0])
    lead = float(words[:first][~dropped[:first] & ~marked[:first]].sum())
    if lead < COMMENTS_LEAD:
        return {}
    why = (
        f"its markup says comment, and it comes after {lead:.0f} words of the article: "
        "an article's comment section is not the article"
    )
    return {i: why for i in np.flatnonzero(marked).tolist()}


def kept_anyway(x: np.ndarray, p: np.ndarray, words: np.ndarray) -> np.ndarray:
    """Blocks the page policy keeps whatever the expected-F1 cut says: paragraphs of trafilatura's
    main text (PROSE_WORDS or more words, ending a sentence) the block model is not sure of
    (scored under PROSE_SURE), and the page's headline (its first <h1> that repeats the title)
    unless the model is sure of it (HEADLINE_SURE). On a short article the cut can otherwise take
    its headline or its last paragraph, the one beside the footer; across wcxb-dev (CV) and
    news-dev's two sets each changes F1 by under 0.0005 either way."""
    keep = (x[:, _COL["traf_in"]] > 0) & (words >= PROSE_WORDS) & (x[:, _COL["end_sentence"]] > 0) & (p < PROSE_SURE)
    headline = np.flatnonzero((x[:, _COL["title_sim"]] >= 0.8) & (x[:, _COL["tag"]] == dom.TAG_CODE["h1"]))
    if len(headline) and p[headline[0]] < HEADLINE_SURE:
        keep[headline[0]] = True
    return keep


def drop_categories(
    items: Sequence[dom.DomBlock],
    x: np.ndarray,
    words: np.ndarray,
    chosen: Sequence[int],
    policy: Mapping[int, tuple[str, str]],
    title: str | None,
) -> dict[int, tuple[domcategory.Named, Category]]:
    """The category of each dropped block (with what named it) and the one the text stages read
    (`cleaner.domcategory`); `policy`: the page policy's rule and reason for the blocks it dropped."""
    found = {
        i: domcategory.Evidence(
            items[i],
            float(x[i, _COL["link_density"]]),
            float(words[i]),
            float(x[i, _COL["title_sim"]]),
            title,
            policy[i][0] if i in policy else "",
        )
        for i in chosen
    }
    named = domcategory.categories(found)
    return {i: (named[i], domcategory.family_category(ev)) for i, ev in found.items()}


def decide(
    model: DomModel,
    items: Sequence[dom.DomBlock],
    x: np.ndarray,
    threshold: float | None = None,
    ruled: frozenset[int] = frozenset(),
    kind: Sequence[float] = (),
    block_words: np.ndarray | None = None,
    title: str | None = None,
) -> tuple[str, dict[int, Decision]]:
    """The page as text (one line per block, blank lines between paragraphs) and the model's
    drops keyed by line index of that text.

    With a threshold (the model's `decision` "threshold", or the user's `html_threshold`), a
    block goes when its probability of boilerplate reaches it. With "expected_f1" (the default
    of model 1), the page's own cut is chosen to maximise its expected word F1 (`best_cut`): on a
    page of menus around a short article the cut is stricter than on a long article. Blocks the
    phrase rules remove (`ruled`) count as gone. A model with a page-kind model then applies the
    page policy (`settle_page`) to the blocks trafilatura's main text left out; `kind` is the
    page's PAGE_NAMES evidence (`cleaner.pagekind`)."""
    text, where = page_text(items)
    rows = model.inputs(x, groups(items))
    p, contributions = model.scores_and_contributions(rows)
    # Each block's words: the caller's Blocks have counted them (`Block.words`, the same \w+ count).
    counts = block_words if block_words is not None else np.array([float(len(WORD_RE.findall(b.text))) for b in items])
    policy: dict[int, tuple[str, str]] = {}
    page_how = ""
    if threshold is not None or model.decision == "threshold":
        cut = model.threshold if threshold is None else threshold
        chosen = np.flatnonzero(p >= cut)
        how = ""
    else:
        keep = 1.0 - p
        if ruled:
            keep[list(ruled)] = 0.0
        q = best_cut(keep, counts)
        chosen = np.flatnonzero((keep < q) & (p >= model.floor))
        how = f" (this page keeps blocks scored up to {max(0.0, 1.0 - q):.2f})"
        if model.page_kind is not None and len(items):
            gone = np.zeros(len(items), dtype=bool)
            gone[chosen] = True
            # A paragraph of trafilatura's main text, or the headline, stays unless the model is sure.
            gone &= ~kept_anyway(x, p, counts)
            gone[list(ruled)] = True
            chosen = np.flatnonzero(gone)
            article = model.page_kind.article(kind)
            view, policy = settle_page(x, p, gone, counts, article)
            if policy:
                chosen = np.union1d(chosen, np.array(sorted(policy), dtype=np.int64))
                page_how = f" (page kind: article {view.article:.2f})"
    drops: dict[int, Decision] = {}
    if len(chosen):
        contrib = contributions[chosen]
        names = model.names
        named = drop_categories(items, x, counts, chosen.tolist(), policy, title)
        for row, i in enumerate(chosen.tolist()):
            name, family = named[i]
            if i in policy:
                why = policy[i][1]
                reason = f"The block model (HTML) scored it {p[i]:.2f} boilerplate{page_how}: {why}."
            else:
                words = [
                    signal_words(names[f]) for f in np.argsort(-contrib[row], kind="stable")[:8] if contrib[row, f] > 0
                ]
                signals = list(dict.fromkeys(words))[:3]
                reason = f"The block model (HTML) scored it {p[i]:.2f} boilerplate{how}" + (
                    f": {', '.join(signals)}." if signals else "."
                )
            drops[where[i]] = Decision(
                Action.DROP,
                Stage.MODEL,
                model.rule_id,
                f"{reason} {name.category.value.capitalize()}: {name.why}.",
                category=name.category,
                strength=Strength.STRONG,
                score=round(float(p[i]), 4),
                context_category=family,
            )
    return text, drops


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
    rules = annotate(prep.lines, ruleset_for(config))
    x = features(
        prep.items,
        prep.lines,
        dom.TrafVote.of(prep.traf_text),
        rules,
        prep.title,
        dom.TrafVote.of(prep.traf_comments),
        # The block model reads words of the page's address; a page given without one is read
        # with the address it gives itself (on the quality gate's pages, in-sample: F1 0.8956
        # without any URL, 0.9141 with the page's own, 0.9140 with the true one).
        prep.url or prep.own_url,
    )
    ruled = frozenset(i for i, d in rules.items() if d.dropped)
    words = np.array([float(b.words) for b in prep.lines])
    text, drops = decide(model, prep.items, x, config.html_threshold, ruled, prep.kind, words, prep.title)
    if not config.rule_enabled(model.rule_id):
        return text, {}
    protected: frozenset[int] = frozenset()
    if config.disabled or config.disabled_rules:
        everything = annotate(prep.lines, build_ruleset(config.rule_files, frozenset(), frozenset()))
        where = page_text(prep.items)[1]
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
    from cleaner.html import extract, prepare

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
