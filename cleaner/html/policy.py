"""How the block model's scores become drops on a page: the page's own cut (`page_cut`, over
`cleaner.models.cut`, shared with the line model), the page policy over it (`settle_page`,
`kept_anyway`), and each drop's category and reason (`decide`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from cleaner.html import category, category_runs, dom
from cleaner.html.blocks import _COL, DomModel, groups, signal_words
from cleaner.html.replies import comment_section, lost_post, marked_comments
from cleaner.html.shapes import hidden_keywords, teaser_run
from cleaner.models.cut import best_cut, level_cut
from cleaner.pagekind import PAGE_NAMES
from cleaner.segment import WORD_RE
from cleaner.types import Action, Category, Decision, Stage, Strength

# The page policy (`settle_page`). A block trafilatura's main text left out is "extra"; the block
# model may add extras, but on some pages what it would add is another story's teaser, a menu, or
# reader comments. Chosen in 5-fold CV on wcxb-dev (domain-grouped) with a look at news-dev's
# two sets; bench/results/2026-12-04-html-news.md has the grid.
EXTRA_SURE = 0.05  # an extra scored under this is kept whatever the page
TEASER_LINKS = 0.25  # the extras are teasers and menus when this share of their words is link text...
ARTICLE_MIN = 0.05  # ...on a page the page-kind model does not rule out as an article...
EXTRA_SHARE_MAX = 0.7  # ...whose kept text the extras do not make (a listing's items are its content),
LINKS_MOSTLY = 0.6  # ...unless this share of their words is links on a page that may well be an article:
ARTICLE_LIKELY = 0.3  # a sidebar of link lists beside a short post is not the post...
ARTICLE_POST = 0.1  # ...nor at this when trafilatura's kept text holds a paragraph of prose (the post)
ARTICLE_SURE = 0.5  # on a page that reads as an article, an extra scored UNTOUCHED_P or more goes...
UNTOUCHED_P = 0.3  # ...when trafilatura took nothing of the element around it
PROSE_WORDS = 15  # a paragraph of trafilatura's text this long...
PROSE_SURE = 0.7  # ...is only dropped when the block model scores it this or more (`kept_anyway`)
HEADLINE_SURE = 0.9  # the page's headline (its first <h1>-<h3> repeating the title) likewise
POLICY_MAX = 2.0  # the "apart" rule never takes more than twice the words it leaves of trafilatura's text
REPEAT_WORDS = 12  # a hidden block this long repeating another kept block's text is a copy (`hidden_repeats`)...
REPEAT_SHARE = 0.3  # ...when such copies are this share of the page's kept hidden words
COPY_GRAMS = 4  # a hidden element's kept text is a copy in another form when, of its runs of this many words,...
HIDDEN_COPY = 0.5  # ...this share are in the page's shown kept text too (`hidden_copy`)...
HIDDEN_COPY_WORDS = 30  # ...and it holds this many words or more
COPY_SHARE = 0.3  # repeated paragraphs are a second copy of the page's text at this share of its kept words...
COPY_PARAGRAPHS = 2  # ...and when this many different paragraphs repeat (one alone: a listing's field, a quote)
CELL_WORDS = 12  # a table cell this short is a data row's field (`whole_rows`)
AGREE_SHARE = 0.95  # trafilatura's and readability's main texts agree when this share of either's words is both's...
AGREED_P = 0.2  # ...and then a block neither took goes when the block model scores it this or more (`agreed_extras`)
AGREED_TITLE = 0.5  # ...unless it repeats this much of the page title (the headline)
STAND_IN_TRAF = 20  # trafilatura's main text under this many words, readability's this many or more...
STAND_IN_READ = 50  # ...and the policy reads readability's vote in trafilatura's place (`main_text_vote`)
LEVEL_MIX = 0.75  # the page's cut weighs "blocks share their fate" this much against independence (`page_cut`)...
LEVEL_LINKS = 0.5  # ...when this share of the words it would drop beyond the independent cut is link text
CORE_WORDS = 200  # a page with this many words in blocks the model scores at most CORE_P...
CORE_P = 0.1
DOUBT_MAX = 0.5  # ...keeps no block scored over this, on a page that may be an article (`sure_core`)


_HEADLINE_TAGS = [dom.TAG_CODE[t] for t in ("h1", "h2", "h3")]
_LD_FORUM = PAGE_NAMES.index("ld_forum")
_LD_ARTICLE = PAGE_NAMES.index("ld_article")
_LD_PRODUCT = PAGE_NAMES.index("ld_product")
_LD_SERVICE = PAGE_NAMES.index("ld_service")

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
    post: bool = False  # trafilatura's kept text holds a paragraph of prose (`prose_paragraphs`)

    def may_be_article(self, bar: float) -> bool:
        """Whether the page-kind model's article probability reaches `bar`, or ARTICLE_POST where
        trafilatura's kept text holds a paragraph of prose (a post: a blog without an address or
        metadata seldom reads as an article to the page-kind model)."""
        return self.article >= (min(bar, ARTICLE_POST) if self.post else bar)

    @property
    def teasers(self) -> bool:
        mostly_links = self.extra_links >= LINKS_MOSTLY and self.may_be_article(ARTICLE_LIKELY)
        return (
            self.extra_links >= TEASER_LINKS
            and self.article >= ARTICLE_MIN
            and (self.extra_share <= EXTRA_SHARE_MAX or mostly_links)
            and not self.listing_url
        )


def page_cut(keep: np.ndarray, words: np.ndarray, links: np.ndarray) -> float:
    """The page's cut (blocks whose keep-probability is under it go): the one with the highest
    expected word F1. `best_cut` reckons it with the blocks independent of one another, and then
    a large mass of doubtful blocks (a blogroll, a column of link lists, each block kept with
    probability 0.4) is worth keeping beside a short sure article: on average 40 % of it is
    content. But such blocks share their fate: the whole column is content or none of it is, and
    then it is worth keeping only when likelier content than not. `level_cut` weighs that view
    (LEVEL_MIX of it, against independence). Its cut stands when it drops nothing beyond the
    independent one (on some pages it keeps a few doubtful blocks more: taking the independent cut
    there instead lowered listing pages by 0.002 and no set by more than 0.0002, simulated with
    bench/policy_sim.py) or when what it drops beyond is mostly link text (LEVEL_LINKS of its
    words: menus, link lists, teaser lists); a doubtful mass of prose (a product's description, a
    service's list of features) is left to the independent cut, as the model is often less sure of
    such content than it should be. In CV on wcxb-dev: 0.8670 -> 0.8676, no page type lower by more
    than 0.0001; news-dev dragnet 0.8948 -> 0.8965, l3s-gn1 0.9062 -> 0.9069
    (bench/results/2026-12-06-level-cut.md)."""
    independent = best_cut(keep, words)
    level = level_cut(keep, words, LEVEL_MIX)
    beyond = (keep >= independent) & (keep < level)
    mass = float(words[beyond].sum())
    if mass <= 0.0 or float((links[beyond] * words[beyond]).sum()) >= LEVEL_LINKS * mass:
        return level
    return independent


def sure_core(q: float, keep: np.ndarray, words: np.ndarray, article: float) -> float:
    """The page's cut `q` (`page_cut`), raised so that no block scored over DOUBT_MAX (likelier
    boilerplate than not) stays, when the page has a sure core (CORE_WORDS or more words in blocks
    scored at most CORE_P) and may be an article (ARTICLE_LIKELY). The expected-F1 cut keeps
    doubtful blocks where keeping them is the best bet, on a page whose main text the model is not
    sure of; beside a sure article they are more often what the model was unsure of around it
    than content it under-rated (a slideshow's forty photo captions under a news story, each scored
    0.51-0.63: news-dev/dragnet T121, F1 0.27 -> 0.95). Measured through `clean_html`: news-dev
    l3s-gn1 0.9119 -> 0.9128 (63 pages up, 2 down), dragnet 0.9067 -> 0.9072 (23 up, 26 down, by
    at most 0.04), wcxb-dev CV 0.8670 -> 0.8669, no type lower by more than 0.0003
    (bench/results/2026-12-07-sure-core.md)."""
    if article < ARTICLE_LIKELY or float(words[keep >= 1.0 - CORE_P].sum()) < CORE_WORDS:
        return q
    return max(q, 1.0 - DOUBT_MAX)


NO_SURE_BLOCK = " (no block of this page scored likelier main text than not: trafilatura's main text kept)"


def trafilatura_stands_in(x: np.ndarray, p: np.ndarray, words: np.ndarray, ruled: frozenset[int]) -> np.ndarray | None:
    """The blocks to drop when the model finds no block of the page likelier main text than not
    (none with words scored under DOUBT_MAX) and the main text the policy reads (`main_text_vote`:
    trafilatura's, or readability's where trafilatura's took next to nothing) holds words: every block
    that text left out, and those the phrase rules drop; None on any other page. The page's cut
    would keep the least doubtful blocks there, which beside a short post (a photo's caption, a
    song's one line) are a sidebar's: five photo posts of one blog in news-dev/dragnet went from
    F1 0.00-0.32 to 0.75-0.92. Through `clean_html`: dragnet 0.9082 -> 0.9107 (7 pages up, none
    down), l3s-gn1 0.9129 -> 0.9129 (1 up), wcxb-dev CV 0.8670 -> 0.8671 (4 up, 1 down: a shop's
    listing whose cards trafilatura half took, -0.10; product 0.6619 -> 0.6635, collection 0.6819
    -> 0.6815; bench/results/2026-12-07-no-sure-block.md)."""
    if float(words[p < DOUBT_MAX].sum()) > 0.0:
        return None
    main = main_text_vote(x, words)[:, _COL["traf_in"]] > 0  # the main text as the page policy reads it
    if float(words[main].sum()) <= 0.0:
        return None
    gone = ~main
    gone[list(ruled)] = True
    return np.flatnonzero(gone)


def settle_page(
    x: np.ndarray,
    p: np.ndarray,
    dropped: np.ndarray,
    words: np.ndarray,
    article: float,
    replies: bool = False,
    asks: np.ndarray | None = None,
) -> tuple[PageView, dict[int, tuple[str, str]]]:
    """The page policy over the block model's choice (`dropped`, one flag a block): the blocks it
    also drops, each with its rule ("comment", "teasers" or "apart") and the reason in words.

    * An extra that trafilatura took for a reader comment goes unless the model is sure of it
      (scored under EXTRA_SURE): a forum's posts are in trafilatura's main text, an article's
      comments are not the article (in CV on wcxb-dev this helps forums as well as articles).
    * When the extras are mostly link text (TEASER_LINKS) on a page that may be an article, they are
      related-story teasers and menus: only extras the model is sure of stay. Not when they are most
      of what is kept (EXTRA_SHARE_MAX) or the address names a listing: a listing's links are its content;
      but still when they are mostly links (LINKS_MOSTLY) on a page likely an article (ARTICLE_LIKELY),
      or less likely (ARTICLE_POST) when trafilatura's kept text holds a paragraph of prose: a blog's
      post beside columns of link lists, on a page with no address or metadata to call it an article
      (news-dev +0.001 on both sets simulated, no page of wcxb-dev CV moved: a job board's rows of
      links, with no prose in trafilatura's text, are left alone; bench/results/2026-12-06-short-posts.md).
    * On a page that reads as an article, or may be one (ARTICLE_POST) and trafilatura's kept text
      holds a paragraph of prose, its comment section goes (`comment_section`); not where the
      page's replies are its content (`replies`: a forum's address, or JSON-LD naming a discussion,
      or a product or a service and no article: their reviews WCXB counts as content). A blog's
      post with no address or metadata rarely reads as an article to the page-kind model: there its
      comments went only when trafilatura's comment extraction also held them (`marked_comments`).
      News-dev: dragnet +0.0035, l3s-gn1 +0.0010 simulated; wcxb-dev CV: documentation +0.0003, no
      other type moved (bench/results/2026-12-06-short-posts.md).
    * On a page that reads as an article (ARTICLE_SURE), an extra the model is unsure of
      (UNTOUCHED_P) goes when trafilatura took nothing of the element around it (a sidebar, a
      book list, a blogroll): the article is where trafilatura's main text is.
    * On such a page, or one that may be an article (ARTICLE_POST) whose trafilatura text holds a
      paragraph of prose, not a forum's, a product's or a listing's, a run of headline links that
      trafilatura left out, each with its summary under it, goes as teasers
      (`cleaner.html.shapes.teaser_run`; `asks`: the blocks whose text is a question, which an
      FAQ's headings are and a teaser's seldom)."""
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
        bool((prose_paragraphs(x, words) & ~dropped).any()),
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
    if view.may_be_article(ARTICLE_SURE) and not replies:
        for i, why in comment_section(x, dropped, words).items():
            out.setdefault(i, ("comments", why))
    apart = extra & (p >= UNTOUCHED_P) & (x[:, _COL["anc1_traf"]] < EXTRA_SURE) & ~np.isin(np.arange(len(p)), list(out))
    # Apart from trafilatura's text, more words than stay of it: trafilatura took a fragment of the
    # main content, not the article; the block model's choice stands.
    if article >= ARTICLE_SURE and float(words[apart].sum()) <= POLICY_MAX * float(words[traf & ~dropped].sum()):
        why = "the page reads as an article, and trafilatura's main text took nothing of the element around it"
        for i in np.flatnonzero(apart).tolist():
            out[i] = ("apart", why)
    if view.may_be_article(ARTICLE_SURE) and not replies and not view.listing_url:
        why = (
            "the page reads as an article, and trafilatura's main text left out this run of headline "
            "links, each with its summary under it: other stories' teasers"
        )
        for i in teaser_run(x, dropped, words, asks):
            out.setdefault(i, ("teasers", why))
    return view, out


def agreed_extras(x: np.ndarray, p: np.ndarray, dropped: np.ndarray, words: np.ndarray, forum: bool) -> dict[int, str]:
    """Kept blocks that neither trafilatura's main text nor readability's took, scored AGREED_P or
    more, on a page where the two agree (of the words either took, AGREE_SHARE or more both took),
    any page but a forum's. Two extractors of different design choosing the same text is strong
    evidence of where the main content is; the block model's doubtful extras beside it are then a
    blog's sidebars, link lists and teasers (news-dev's 2008-2012 pages), which the page-kind
    model often cannot call an article for want of metadata, so the article-only rules do not
    reach them. A forum's replies are left to the other rules (both extractors often take the
    opening post alone). Chosen so that every page type of wcxb-dev (CV) stays within 0.0002 (two
    landing pages whose gold holds what both extractors left out lose); at 0.9 agreement or p >= 0.1
    a shop's category page loses its product grid (bench/results/2026-12-06-marked-comments.md)."""
    if forum:
        return {}
    traf = x[:, _COL["traf_in"]] > 0
    read = x[:, _COL["read_in"]] > 0
    either = float(words[traf | read].sum())
    if either <= 0 or float(words[traf & read].sum()) < AGREE_SHARE * either:
        return {}
    why = (
        "trafilatura's and readability's main texts agree on this page and neither took it, "
        "and the block model is not sure of it"
    )
    # the headline is in neither main text (trafilatura gives it as the title), and nor is a deck under it
    headline = x[:, _COL["title_sim"]] >= AGREED_TITLE
    return {i: why for i in np.flatnonzero(~dropped & ~traf & ~read & ~headline & (p >= AGREED_P)).tolist()}


def same_text(texts: Sequence[str], x: np.ndarray, dropped: np.ndarray, words: np.ndarray) -> list[list[int]]:
    """The kept blocks of REPEAT_WORDS or more words (code never) grouped by their text, whitespace
    collapsed and case folded, each group in page order: what `hidden_repeats` and `shown_copies`
    read copies from."""
    prose = ~dropped & (words >= REPEAT_WORDS) & (x[:, _COL["in_pre"]] == 0) & (x[:, _COL["code"]] == 0)
    groups: dict[str, list[int]] = {}
    for i in np.flatnonzero(prose).tolist():
        groups.setdefault(" ".join(texts[i].split()).casefold(), []).append(i)
    return list(groups.values())


def hidden_repeats(texts: Sequence[str], x: np.ndarray, dropped: np.ndarray, words: np.ndarray) -> dict[int, str]:
    """Hidden copies of the page's own text: kept blocks of REPEAT_WORDS or more words, inside a
    hidden element (hidden, aria-hidden, display:none, or named hidden), whose text another kept
    block repeats, when such copies make REPEAT_SHARE or more of the page's kept hidden words. A
    page that shows its article and carries it again hidden (a print version, a script's
    template) would otherwise give it twice; the visible copy stays (of hidden copies alone, the
    first). Left alone: shorter repeats (a listing's fields, "Free shipping", "Ideal for:"), code,
    hidden tabs that repeat a few sentences among their own text (a docs page's tab per
    language), and a paragraph the page shows twice."""
    hidden = ~dropped & ((x[:, _COL["in_hidden"]] > 0) | (x[:, _COL["fam_hidden"]] > 0))
    found: list[int] = []
    for same in same_text(texts, x, dropped, words):
        if len(same) > 1 and hidden[same].any():
            shown = any(not hidden[i] for i in same)
            found += [i for i in same if hidden[i]][0 if shown else 1 :]
    if not found or float(words[found].sum()) < REPEAT_SHARE * float(words[hidden].sum()):
        return {}
    why = "a hidden copy of a paragraph the page gives elsewhere"
    return {i: why for i in found}


def _grams(texts: Sequence[str], which: Sequence[int]) -> set[tuple[str, ...]]:
    """The runs of COPY_GRAMS words (case folded) in the blocks `which`, each block on its own."""
    found: set[tuple[str, ...]] = set()
    for i in which:
        w = WORD_RE.findall(texts[i].casefold())
        found.update(tuple(w[j : j + COPY_GRAMS]) for j in range(len(w) - COPY_GRAMS + 1))
    return found


def hidden_copy(texts: Sequence[str], x: np.ndarray, dropped: np.ndarray, words: np.ndarray) -> dict[int, str]:
    """A hidden copy of the page's text in another form: the kept blocks inside hidden elements
    (hidden, aria-hidden, display:none; not those merely named hidden), when they hold
    HIDDEN_COPY_WORDS or more words and HIDDEN_COPY or more of their runs of COPY_GRAMS words are in
    the page's shown kept text too. A page that carries its article again as raw markdown for
    machines (a `<pre hidden>` with [links](...) and **emphasis**) repeats no paragraph word for word,
    so `hidden_repeats` misses it, and the page came back twice (wcxb-dev 4258: F1 0.64, a third of
    its words twice over). Hidden text the shown text does not hold (a tab's or an accordion's own
    content, a page whose text a script reveals) stays, as does a page whose hidden text is short."""
    hidden = ~dropped & (x[:, _COL["in_hidden"]] > 0)
    if float(words[hidden].sum()) < HIDDEN_COPY_WORDS:
        return {}
    which = np.flatnonzero(hidden).tolist()
    own = _grams(texts, which)
    if not own or len(own & _grams(texts, np.flatnonzero(~dropped & ~hidden).tolist())) < HIDDEN_COPY * len(own):
        return {}
    why = "hidden text that repeats the page's shown text in another form (a copy)"
    return dict.fromkeys(which, why)


def shown_copies(texts: Sequence[str], x: np.ndarray, dropped: np.ndarray, words: np.ndarray) -> dict[int, str]:
    """A second copy of the page's text: kept blocks of REPEAT_WORDS or more words whose text an
    earlier kept block gives word for word, when such copies are COPY_PARAGRAPHS or more different
    paragraphs and make COPY_SHARE or more of the page's kept words. A page that carries its article
    or thread twice or three times (another layout's copy, a reader view) would otherwise come back
    doubled; the first copy stays. One paragraph repeated is left alone, however often: a listing's
    field on every card ("M/Flex: scalable multi-monitor arm system ..."), a quoted post; so are a
    pull quote or a teaser repeating the lead (far under the share) and code."""
    repeated = [same for same in same_text(texts, x, dropped, words) if len(same) > 1]
    found = [i for same in repeated for i in same[1:]]
    if len(repeated) < COPY_PARAGRAPHS or float(words[found].sum()) < COPY_SHARE * float(words[~dropped].sum()):
        return {}
    why = "a second copy of a paragraph the page gives above"
    return {i: why for i in found}


def main_text_vote(x: np.ndarray, words: np.ndarray) -> np.ndarray:
    """The rows the page policy reads: `x` as it is or, where trafilatura's main text took next to
    nothing (under STAND_IN_TRAF words) and readability's took STAND_IN_READ words or more, a copy
    with readability's vote in trafilatura's place (`traf_in`, `traf_share`). Every rule of the
    policy anchors on trafilatura's main text (the article's paragraphs kept, the extras beside
    it, the comments after it); when trafilatura came back with a line, the policy had no anchor
    and the cut's choice stood: a 2008 news page's "latest news" ticker of times and headlines
    kept beside the article readability found (news-dev/l3s-gn1 19586dfe, F1 0.59 -> 1.00 simulated;
    the only page of news-dev's two sets and wcxb-dev's CV that moved by more than 0.02:
    bench/results/2026-12-07-policy-leads.md). The block model's scores stay those of the rows as they are."""
    traf, read = x[:, _COL["traf_in"]] > 0, x[:, _COL["read_in"]] > 0
    if float(words[traf].sum()) >= STAND_IN_TRAF or float(words[read].sum()) < STAND_IN_READ:
        return x
    stood = x.copy()
    stood[:, _COL["traf_in"]] = x[:, _COL["read_in"]]
    stood[:, _COL["traf_share"]] = x[:, _COL["read_share"]]
    return stood


def prose_paragraphs(x: np.ndarray, words: np.ndarray) -> np.ndarray:
    """The blocks of trafilatura's main text that are paragraphs of prose: PROSE_WORDS or more
    words, ending a sentence."""
    return (x[:, _COL["traf_in"]] > 0) & (words >= PROSE_WORDS) & (x[:, _COL["end_sentence"]] > 0)


def kept_anyway(x: np.ndarray, p: np.ndarray, words: np.ndarray) -> np.ndarray:
    """Blocks the page policy keeps whatever the expected-F1 cut says: paragraphs of trafilatura's
    main text (PROSE_WORDS or more words, ending a sentence) the block model is not sure of
    (scored under PROSE_SURE), and the page's headline (its first <h1>, <h2> or <h3> that repeats
    the title: a blog template's site name is often its <h1> and the post's title an <h2>) unless
    the model is sure of it (HEADLINE_SURE). On a short article the cut can otherwise take its
    headline or its last paragraph, the one beside the footer; across wcxb-dev (CV) and news-dev's
    two sets each changes F1 by under 0.0005 either way. The <h2> and <h3> headlines: news-dev
    dragnet 0.9072 -> 0.9082 (63 pages up, 7 down by at most 0.023), l3s-gn1 0.9128 -> 0.9129,
    wcxb-dev CV 0.8669 -> 0.8670 (documentation +0.0011; bench/results/2026-12-07-headline-tags.md)."""
    keep = prose_paragraphs(x, words) & (p < PROSE_SURE)
    headline = np.flatnonzero((x[:, _COL["title_sim"]] >= 0.8) & np.isin(x[:, _COL["tag"]], _HEADLINE_TAGS))
    if len(headline) and p[headline[0]] < HEADLINE_SURE:
        keep[headline[0]] = True
    return keep


def whole_rows(
    items: Sequence[dom.DomBlock], x: np.ndarray, words: np.ndarray, chosen: np.ndarray, ruled: frozenset[int]
) -> np.ndarray:
    """`chosen` (the blocks to drop) less the cells that would split a table row: a data table's row
    is one record, so when any of its cells stays, its other cells the block model dropped stay too
    (a row's cells are blocks of their own, scored one by one), and so does a header row of
    <th> cells over a table whose other rows stay. A data row: two or more cells directly holding
    short text (CELL_WORDS) that is mostly not links, in a table with a <th> header cell; a layout
    table's cells (a 2008 page's menu bar, a date beside a teaser: news-dev/l3s-gn1 lost 0.001
    when any table counted) are decided as blocks. A phrase rule's drop stands."""
    rows: dict[int, list[int]] = {}
    for i, b in enumerate(items):
        if b.tag in ("td", "th") and len(b.ancestors) > 1:
            rows.setdefault(b.ancestors[0], []).append(i)
    if not rows:
        return chosen
    gone = np.zeros(len(items), dtype=bool)
    gone[chosen] = True
    links = x[:, _COL["link_density"]]
    headed = {items[i].ancestors[1] for cells in rows.values() for i in cells if items[i].tag == "th"}
    data = [
        cells
        for cells in rows.values()
        if len(cells) >= 2
        and items[cells[0]].ancestors[1] in headed
        and words[cells].max() <= CELL_WORDS
        and float(links[cells].mean()) < LINKS_MOSTLY
    ]
    kept_tables = {items[cells[0]].ancestors[1] for cells in data if not gone[cells].all()}
    back = np.zeros(len(items), dtype=bool)
    for cells in data:
        header = all(items[i].tag == "th" for i in cells) and items[cells[0]].ancestors[1] in kept_tables
        if header or not gone[cells].all():
            back[cells] = True
    back[list(ruled)] = False
    return np.flatnonzero(gone & ~back)


def strongest(contrib: np.ndarray, k: int) -> np.ndarray:
    """Each row's k largest columns, largest first, ties in column order: the first k of
    `np.argsort(-contrib, axis=1, kind="stable")` (finite values), found by k argmaxes (which take
    the first of equals) instead of sorting every row whole (a sixth of the time on a page)."""
    work = contrib.copy()
    rows = np.arange(len(work))
    out = np.empty((len(work), min(k, work.shape[1])), np.int64)
    for j in range(out.shape[1]):
        out[:, j] = work.argmax(axis=1)
        work[rows, out[:, j]] = -np.inf
    return out


def drop_categories(
    items: Sequence[dom.DomBlock],
    x: np.ndarray,
    words: np.ndarray,
    chosen: Sequence[int],
    policy: Mapping[int, tuple[str, str]],
    title: str | None,
) -> dict[int, tuple[category.Named, Category]]:
    """The category of each dropped block (with what named it) and the one the text stages read
    (`cleaner.html.category`); `policy`: the page policy's rule and reason for the blocks it dropped."""
    found = {
        i: category.Evidence(
            items[i],
            float(x[i, _COL["link_density"]]),
            float(words[i]),
            float(x[i, _COL["title_sim"]]),
            title,
            policy[i][0] if i in policy else "",
        )
        for i in chosen
    }
    named = category_runs.categories(found)
    return {i: (named[i], category.family_category(ev)) for i, ev in found.items()}


def policy_drops(
    model: DomModel,
    texts: Sequence[str],
    x: np.ndarray,
    p: np.ndarray,
    counts: np.ndarray,
    ruled: frozenset[int] = frozenset(),
    kind: Sequence[float] = (),
) -> tuple[np.ndarray, dict[int, tuple[str, str]], str, str]:
    """The blocks a page's own cut (`page_cut`) and the page policy drop, before `whole_rows`, from
    the blocks' texts, FEATURE_NAMES rows `x`, probabilities `p` and words: (the blocks' indices,
    the policy's rule and reason for those it dropped, the cut's and the page kind's words for the
    reasons). `decide` runs it on a page; bench/policy_sim.py on stored rows, to measure a change of
    the policy on every page of a set in seconds."""
    stand_in = trafilatura_stands_in(x, p, counts, ruled)
    if stand_in is not None:
        return stand_in, {}, NO_SURE_BLOCK, ""
    keep = 1.0 - p
    if ruled:
        keep[list(ruled)] = 0.0
    q = page_cut(keep, counts, x[:, _COL["link_density"]])
    article = model.page_kind.article(kind) if model.page_kind is not None and len(texts) else None
    if article is not None:
        q = sure_core(q, keep, counts, article)
    chosen = np.flatnonzero((keep < q) & (p >= model.floor))
    how = f" (this page keeps blocks scored up to {max(0.0, 1.0 - q):.2f})"
    policy: dict[int, tuple[str, str]] = {}
    if article is None:
        return chosen, policy, how, ""
    x = main_text_vote(x, counts)
    gone = np.zeros(len(texts), dtype=bool)
    gone[chosen] = True
    named = len(kind) == len(PAGE_NAMES)
    forum = bool(x[0, _COL["url_forum"]] > 0) or (named and kind[_LD_FORUM] > 0)
    # A paragraph of trafilatura's main text, or the headline, stays unless the model is sure; a
    # short post the cut took while keeping its comments comes back.
    gone &= ~kept_anyway(x, p, counts)
    rule_gone = np.zeros(len(texts), dtype=bool)
    rule_gone[list(ruled)] = True
    gone |= rule_gone
    gone &= ~lost_post(x, p, counts, gone, rule_gone, forum)
    chosen = np.flatnonzero(gone)
    # a product's or service's reviews (JSON-LD's "service" kind takes in Organization, which a
    # news site's article names as its publisher: an article's own JSON-LD outweighs it)
    reviewed = named and (kind[_LD_PRODUCT] > 0 or kind[_LD_SERVICE] > 0) and not kind[_LD_ARTICLE] > 0
    asks = np.array([t.rstrip().endswith("?") for t in texts], dtype=bool)
    view, policy = settle_page(x, p, gone, counts, article, forum or reviewed, asks)
    settled = gone.copy()
    # Each later step reads what the earlier ones left (`settled`), in this order.
    steps: tuple[tuple[str, Callable[[np.ndarray], dict[int, str]]], ...] = (
        ("comments", lambda kept: marked_comments(x, kept, counts, forum)),
        ("agreed", lambda kept: agreed_extras(x, p, kept, counts, forum)),
        ("repeat", lambda kept: hidden_repeats(texts, x, kept, counts)),
        ("repeat", lambda kept: hidden_copy(texts, x, kept, counts)),
        ("repeat", lambda kept: shown_copies(texts, x, kept, counts)),
        ("hidden", lambda kept: hidden_keywords(texts, x, kept)),
    )
    for rule, step in steps:
        settled[list(policy)] = True
        for i, why in step(settled).items():
            policy.setdefault(i, (rule, why))
    if not policy:
        return chosen, policy, how, ""
    chosen = np.union1d(chosen, np.array(sorted(policy), dtype=np.int64))
    return chosen, policy, how, f" (page kind: article {view.article:.2f})"


def decide(
    model: DomModel,
    items: Sequence[dom.DomBlock],
    x: np.ndarray,
    counts: np.ndarray,
    threshold: float | None = None,
    ruled: frozenset[int] = frozenset(),
    kind: Sequence[float] = (),
    title: str | None = None,
) -> dict[int, Decision]:
    """The model's drops on a page, keyed by block index. `counts`: each block's words, as its
    Block counted them (`Block.words`).

    With a threshold (the model's `decision` "threshold", or the user's `html_threshold`), a
    block goes when its probability of boilerplate reaches it. With "expected_f1" (the default
    of model 1), the page's own cut is chosen to maximise its expected word F1 (`page_cut`): on a
    page of menus around a short article the cut is stricter than on a long article. Blocks the
    phrase rules remove (`ruled`) count as gone. A model with a page-kind model then applies the
    page policy (`settle_page`) to the blocks trafilatura's main text left out; `kind` is the
    page's PAGE_NAMES evidence (`cleaner.pagekind`). Whatever the cut, a data table's row is kept
    or dropped whole (`whole_rows`)."""
    p, contributions = model.score(x, groups(items))
    policy: dict[int, tuple[str, str]] = {}
    page_how = ""
    if threshold is not None or model.decision == "threshold":
        cut = model.threshold if threshold is None else threshold
        chosen = np.flatnonzero(p >= cut)
        how = ""
    else:
        chosen, policy, how, page_how = policy_drops(model, [b.text for b in items], x, p, counts, ruled, kind)
    chosen = whole_rows(items, x, counts, chosen, ruled)
    drops: dict[int, Decision] = {}
    if len(chosen):
        # One walk for the scores and the contributions: most blocks of most pages are dropped, and
        # a second walk for the dropped rows alone cost more than it saved (bench notes, issue 19).
        contrib = contributions[chosen]
        names = model.names
        named = drop_categories(items, x, counts, chosen.tolist(), policy, title)
        order = strongest(contrib, 8)  # each row's eight strongest signals
        pushed = (np.take_along_axis(contrib, order, axis=1) > 0).tolist()  # ... those towards boilerplate
        orders = order.tolist()
        for row, i in enumerate(chosen.tolist()):
            name, family = named[i]
            if i in policy:
                why = policy[i][1]
                reason = f"The block model (HTML) scored it {p[i]:.2f} boilerplate{page_how}: {why}."
            else:
                words = [signal_words(names[f]) for f, up in zip(orders[row], pushed[row], strict=True) if up]
                signals = list(dict.fromkeys(words))[:3]
                reason = f"The block model (HTML) scored it {p[i]:.2f} boilerplate{how}" + (
                    f": {', '.join(signals)}." if signals else "."
                )
            drops[i] = Decision(
                Action.DROP,
                Stage.MODEL,
                model.rule_id,
                f"{reason} {name.category.value.capitalize()}: {name.why}.",
                category=name.category,
                strength=Strength.STRONG,
                score=round(float(p[i]), 4),
                context_category=family,
            )
    return drops
