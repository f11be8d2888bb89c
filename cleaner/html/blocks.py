"""The block model of HTML mode: which of a page's DOM blocks are its main text.

A page is parsed once (`cleaner.html.dom`); each block gets the markup's evidence, trafilatura's vote
(is the block inside trafilatura's main text?), the learned line model's text features and the
phrase rules' verdict, plus the same evidence of its neighbours. A tree ensemble trained on
wcxb-dev (`cleaner.learn.domtrain`) turns that into a probability that the block is boilerplate;
blocks at or above the model's threshold are dropped, each with the signals that weighed most.

The model file shares the line model's tree format (`cleaner.models.trees.Trees`); its format name is
`cleaner-dom-model/1`. How the scores become drops is `cleaner.html.policy`; HTML mode's entry,
`cleaner.html.mode`.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from cleaner import pagekind
from cleaner.annotate import annotate
from cleaner.data import BLOCK_MODEL_FILE
from cleaner.html import dom
from cleaner.models.line_features import CATEGORY_CODE, LOCAL_NAMES
from cleaner.models.line_text import own_features
from cleaner.models.trees import ModelError, Trees, check_stopword_languages, read_model_json, sigmoid
from cleaner.pagekind import PageKindModel
from cleaner.segment import WORD_RE
from cleaner.topic import stopwords
from cleaner.types import Block, Decision

if TYPE_CHECKING:
    from cleaner.html.page import Prepared
    from cleaner.rules import RuleSet

FORMAT = "cleaner-dom-model/1"
BUILTIN_FILE = BLOCK_MODEL_FILE

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
    "read_in",
    "read_share",
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
_WINDOWS = ("traf_in", "comment_in", "read_in", "link_density", "words_log", "stopwords")
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
    *(
        f"anc{k}_{n}"
        for k in range(1, dom.ANCESTOR_LEVELS + 1)
        for n in ("traf", "read", "blocks_log", "links", "words_log")
    ),
    "traf_span",
    "read_span",
    "page_blocks_log",
    "page_traf_share",
    "page_read_share",
    "page_read_traf",
    "page_traf_lines_log",
    "page_comment_share",
    *(f"url_{k}" for k, _ in URL_KINDS),
    "url_depth",
)
FEATURE_NAMES = BLOCK_NAMES + CONTEXT_NAMES
_COL = {name: i for i, name in enumerate(FEATURE_NAMES)}


def _title_sim(text: str, title_words: frozenset[str], found: list[str] | None = None) -> float:
    """The Jaccard similarity of the text's words and the title's; `found`: the text's words
    already found (`WORD_RE.findall` of its lower case: the same words in `dom.norm(text)`)."""
    if not title_words:
        return 0.0
    words = set(WORD_RE.findall(text.lower()) if found is None else found)
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
    flag = np.asarray(flag, dtype=bool)
    return _run_before(flag), _run_before(flag[::-1])[::-1].copy()


def _run_before(flag: np.ndarray) -> np.ndarray:
    """For each row, how many rows in a row just before it have `flag` set: the distance back to
    the last unset row before it (-1 when there is none)."""
    n = len(flag)
    out = np.zeros(n)
    if n > 1:
        rows = np.arange(n - 1)
        last_unset = np.maximum.accumulate(np.where(flag[:-1], -1, rows))
        out[1:] = rows - last_unset
    return out


def features(
    items: Sequence[dom.DomBlock],
    lines: Sequence[Block],
    traf: dom.TrafVote,
    rules: Mapping[int, Decision],
    title: str | None,
    comments: dom.TrafVote | None = None,
    url: str | None = None,
    read: dom.TrafVote | None = None,
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
    first: dict[str, int] = {}  # the first block of each distinct text
    seen_text: dict[str, tuple[float, float, float, float, float, float]] = {}  # ... and what its text alone says
    heads: list[tuple[float, ...]] = []  # each row's first columns (to "rule"), set at once below
    for i, (b, line) in enumerate(zip(items, lines, strict=True)):
        chars = len(b.text)
        said = seen_text.get(b.text)
        if said is None:
            flat = dom.norm(b.text)
            found = WORD_RE.findall(flat) if title_words else None  # its words, for the title and the vote
            said = seen_text[b.text] = (
                *traf.vote(b.text, flat, found),
                comments.holds(flat) if comments is not None else 0.0,
                *(read.vote(b.text, flat, found) if read is not None else (0.0, 0.0)),
                _title_sim(b.text, title_words, found),
            )
        traf_in, traf_share, comment_in, read_in, read_share, title_sim = said
        decision = rules.get(i)
        dropped = decision is not None and decision.dropped and decision.category is not None
        heads.append(
            (
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
                comment_in,
                read_in,
                read_share,
                title_sim,
                CATEGORY_CODE[decision.category] if dropped and decision is not None and decision.category else 0.0,
            )
        )
        first.setdefault(line.text, i)
    x[:, : _COL["rule"] + 1] = heads
    # Each distinct text's own-text features once (a page repeats its menu lines), all in one pass.
    local = own_features([lines[i] for i in first.values()], stop, None)
    row_of = {text: k for k, text in enumerate(first)}
    x[:, l0 : l0 + len(LOCAL_NAMES)] = local[[row_of[line.text] for line in lines]]
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
    read_col = x[:, _COL["read_in"]]
    plain = np.expm1(words)
    for k in range(1, dom.ANCESTOR_LEVELS + 1):
        ids = np.array([b.ancestors[k - 1] if len(b.ancestors) >= k else -1 - i for i, b in enumerate(items)])
        inv = np.unique(ids, return_inverse=True)[1].reshape(-1)
        cnt = np.bincount(inv)[inv]
        x[:, _COL[f"anc{k}_traf"]] = np.bincount(inv, traf_col)[inv] / cnt
        x[:, _COL[f"anc{k}_read"]] = np.bincount(inv, read_col)[inv] / cnt
        x[:, _COL[f"anc{k}_blocks_log"]] = np.log1p(cnt)
        x[:, _COL[f"anc{k}_links"]] = np.bincount(inv, link)[inv] / cnt
        x[:, _COL[f"anc{k}_words_log"]] = np.log1p(np.bincount(inv, plain)[inv])
    # Where the block stands from each extractor's main text: the share of its words in the
    # blocks before this one (0 above all of it, 1 below all of it; -1 when it took nothing):
    # a blog's sidebar before the post, a teaser list or comments after it.
    for name, col in (("traf_span", traf_col), ("read_span", read_col)):
        took = plain * (col > 0)
        total = float(took.sum())
        x[:, _COL[name]] = (np.cumsum(took) - took) / total if total else -1.0
    seen: dict[str, int] = {}
    for b in items:
        seen[b.text] = seen.get(b.text, 0) + 1
    x[:, _COL["text_repeats"]] = [seen[b.text] - 1 for b in items]
    x[:, _COL["page_blocks_log"]] = math.log1p(n)
    x[:, _COL["page_traf_share"]] = float(traf_col.mean())
    x[:, _COL["page_read_share"]] = float(read_col.mean())
    both = plain[traf_col > 0].sum()
    x[:, _COL["page_read_traf"]] = float(plain[(traf_col > 0) & (read_col > 0)].sum() / both) if both else 0.0
    x[:, _COL["page_traf_lines_log"]] = math.log1p(traf.lines)
    x[:, _COL["page_comment_share"]] = float(x[:, _COL["comment_in"]].mean())
    host, path = pagekind.split_url(url)
    if host or path:
        where = f"{host}{path}"
        for kind, pattern in URL_KINDS:
            x[:, _COL[f"url_{kind}"]] = float(pattern.search(where) is not None)
        x[:, _COL["url_depth"]] = len([s for s in path.split("/") if s])
    return x


def page_features(prep: Prepared, rules: RuleSet, url: str | None) -> tuple[np.ndarray, dict[int, Decision]]:
    """A prepared page's FEATURE_NAMES rows and the phrase rules' decisions on its blocks: the one
    recipe training (`cleaner.learn.domtrain.page_rows`) and serving (`cleaner.html.mode.page_drops`)
    share. `url`: the address whose words the block model reads (the caller's choice: serving
    falls back to the page's own address, training reads the data set's)."""
    ruled = annotate(prep.lines, rules)
    x = features(
        prep.items,
        prep.lines,
        dom.TrafVote.of(prep.traf_text),
        ruled,
        prep.title,
        dom.TrafVote.of(prep.traf_comments),
        url,
        dom.TrafVote.of(prep.read_text),
    )
    return x, ruled


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
    over STACKED_NAMES, the drop threshold, and optionally more members (the same two stages
    trained with other seeds) whose probabilities are averaged with the first's."""

    trees: Trees
    stack: Trees | None
    threshold: float
    version: str
    card: Mapping[str, object]
    decision: str = "expected_f1"  # or "threshold" (see `decide`)
    floor: float = 0.0  # with expected_f1: never drop a block scored under this
    page_kind: PageKindModel | None = None  # with it, the page policy of `settle_page` applies
    others: tuple[tuple[Trees, Trees | None], ...] = ()  # more members (other seeds), averaged with the first

    @property
    def rule_id(self) -> str:
        return f"dom:{self.version}"

    @property
    def names(self) -> tuple[str, ...]:
        return STACKED_NAMES if self.stack is not None else FEATURE_NAMES

    def score(self, x: np.ndarray, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each block's probability of boilerplate and each feature's share of it (Saabas, rows x
        `names`), from one walk of each member's deciding trees: the mean over the members (a model
        trained with several seeds is averaged, so that a retrain does not hang on one seed's luck)."""
        width = len(self.names)
        if len(x) == 0:
            return np.zeros(0), np.zeros((0, width))
        p = np.zeros(len(x))
        contrib = np.zeros((len(x), width))
        for trees, stack in ((self.trees, self.stack), *self.others):
            rows = x if stack is None else stacked(x, sigmoid(trees.raw(x)), group)
            raw, parts = (stack or trees).raw_and_contributions(rows)
            p += sigmoid(raw)
            contrib += parts
        members = 1 + len(self.others)
        return p / members, contrib / members


def from_dict(data: Mapping[str, object], source: str) -> DomModel:
    if data.get("format") != FORMAT:
        raise ModelError(f"{source}: not a cleaner DOM model (format {data.get('format')!r}, expected {FORMAT!r})")
    check_stopword_languages(data, source)
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
    members = data.get("members", [])
    if not isinstance(members, list) or not all(
        isinstance(m, Mapping) and isinstance(m.get("trees"), Mapping) and (m.get("stack") is None) == (stack is None)
        for m in members
    ):
        raise ModelError(f"{source}: malformed model file (members: each with trees, and a stack if the first has one)")
    return DomModel(
        Trees.of(trees, len(FEATURE_NAMES), source, "trees"),
        None if stack is None else Trees.of(stack, len(STACKED_NAMES), source, "stack"),
        float(threshold),
        str(data.get("version", "?")),
        card if isinstance(card, Mapping) else {},
        str(decision),
        float(floor),
        None if kind is None else pagekind.from_dict(kind, f"{source} (page_kind)"),
        tuple(
            (
                Trees.of(m["trees"], len(FEATURE_NAMES), source, f"members[{k}].trees"),
                None
                if m.get("stack") is None
                else Trees.of(m["stack"], len(STACKED_NAMES), source, f"members[{k}].stack"),
            )
            for k, m in enumerate(members)
        ),
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
    "read_in": "readability left it out",
    "read_share": "readability left it out",
    "title_sim": "it repeats the title",
    "rule": "a phrase rule",
    "sig_count_log": "a repeated structure",
    "sig_traf_share": "a repeated structure trafilatura left out",
    "sig_words_log": "a repeated structure",
    "text_repeats": "its text appears again on the page",
    "traf_span": "where it stands from trafilatura's main text",
    "read_span": "where it stands from readability's main text",
}


@functools.lru_cache(maxsize=1024)
def signal_words(name: str) -> str:
    from cleaner.models.line import SIGNALS

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
