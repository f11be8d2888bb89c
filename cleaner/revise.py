"""Stage 3: revise with context. Neighbours, position and the whole document decide here.

jusText's second pass, with one function per structural signal so each is tested on its own:

- `breadcrumbs`: an isolated line of short items between separators ("World | Asia | Defense").
- `headlines`: the headline repeated (caption, alt text, og:title copy), and section labels
  ("kickers") standing above an identified headline.
- `related_blocks`: a related-links header takes the teasers after it (headline-like lines and
  off-topic summaries) only while they look like teasers; it stops where the article resumes.
- `sandwiches`: a short line between two newsletter or paywall lines belongs to the same box.
- `lead_ins`: a tiny label right above a newsletter/paywall/promo box (its name) belongs to it.
- `archive_lists`: a blog's archive of months ("April 2012", "März 2011 (4)", "► 2010 (37)"), three
  or more such lines in a row, and its "Archives" label.
- `comment_sections` (`cleaner.comments`): below the article's text, the readers' comments as one
  run to the end.
- `reader_replies` (`cleaner.comments`): where the comments' bylines and buttons are gone (an
  extractor's output), a reader's words recurring under the article start them.

Every function takes the visible blocks and the decisions so far, and returns only new
decisions; it never overrides an earlier one.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cleaner.comments import comment_sections, reader_replies
from cleaner.docview import REPEATED_HEADER, drop, dropped
from cleaner.docview import DocView as DocView
from cleaner.rules import RuleSet
from cleaner.segment import WORD_RE, normalize
from cleaner.topic import overlap
from cleaner.types import Block, Category, Decisions, Shape, Stage, Strength

HEADLINE_SEARCH = 3  # the headline is among the first visible lines of a document
TOP_REGION = 8  # non-blank lines at the top of a document where breadcrumbs stand
HEADLINE_MIN_WORDS = 3
HEADLINE_MAX_WORDS = 30
NEAR_DUPLICATE = 0.8  # token Jaccard at which a line is a variant of the headline
KICKER_MAX_WORDS = 3
MAX_TEASERS = 40
MIN_TOPIC_VOCABULARY = 12  # distinct content words outside a block needed to judge its topic
ARTICLE_RUN = 2  # prose lines in a row that make an article (a listing alternates headlines and summaries)
ARTICLE_WORDS = 60  # ... or a prose line this long (a listing's summaries are shorter)
SANDWICH_MAX_RUN = 2
BOX_CATEGORIES = frozenset({Category.NEWSLETTER, Category.PAYWALL})
LEAD_IN_CATEGORIES = frozenset({Category.NEWSLETTER, Category.PAYWALL, Category.PROMO})
LEAD_IN_MAX_WORDS = 5


def revise(view: DocView, annotations: Decisions, rules: RuleSet) -> Decisions:
    """Run every context function in order; return the new decisions only."""
    decisions = dict(annotations)
    steps: list[Callable[[DocView, Decisions], Decisions]] = [
        breadcrumbs,
        headlines,
        lambda v, d: related_blocks(v, d, rules),
        sandwiches,
        lead_ins,
        archive_lists,
        lambda v, d: comment_sections(v, d, rules),
        reader_replies,
    ]
    for step in steps:
        for index, decision in step(view, decisions).items():
            if view.config.allows(decision):
                decisions.setdefault(index, decision)
    return {i: d for i, d in decisions.items() if i not in annotations}


# -- breadcrumbs -------------------------------------------------------------------------------

# A match only starts where a run of spaces starts (the lookbehind), and the run is taken whole
# (possessive): linear in the line, where "x" + 40,000 spaces + "y" took 20 s before.
_CRUMB_SPLIT = re.compile(r"(?<!\s)\s++(?:/|>)\s+|(?<!\s)\s*+(?:\||»|›|•|·|▸)\s*")


_NOT_CRUMB = re.compile(r"[\d$=\[\]{}();<>\"]")


def crumb_parts(text: str) -> list[str]:
    return [p for p in (part.strip() for part in _CRUMB_SPLIT.split(text.strip())) if p]


def _is_crumb(text: str) -> bool:
    stripped = text.strip()
    if stripped.startswith("|") or stripped.endswith("|"):
        return False  # a table row
    parts = crumb_parts(stripped)
    if len(parts) < 3:
        return False
    if any(_NOT_CRUMB.search(p) for p in parts):
        return False  # crumbs are words: digits (dates, models) and code symbols say otherwise
    sizes = [len(WORD_RE.findall(p)) for p in parts]
    if min(sizes) == 0:
        return False
    if max(sizes) <= 4 and sum(sizes) <= 16:
        return True
    return len(parts) >= 5 and max(sizes) <= 3  # a menu row


def breadcrumbs(view: DocView, decisions: Decisions) -> Decisions:
    """Isolated crumb lines near the top. Runs of separated lines are tables, left alone.

    Only the top of the page is searched: further down, a line of short items between pipes is
    as likely a heading ("Artist | Tour | Date") or a diagram as a trail.
    """
    out: Decisions = {}
    nb = view.nonblank
    for k, pos in enumerate(nb[:TOP_REGION]):
        block = view.blocks[pos]
        if block.index in decisions or block.words > 20 or not _is_crumb(block.text):
            continue
        neighbours = [view.blocks[nb[j]] for j in (k - 1, k + 1) if 0 <= j < len(nb)]
        if any(len(crumb_parts(n.text)) >= 3 for n in neighbours):
            continue
        out[block.index] = drop(
            "structure.breadcrumb",
            Category.NAVIGATION,
            "A row of short items between separators is a breadcrumb or menu, not a sentence.",
            Strength.STRONG,
        )
    return out


# -- headlines ---------------------------------------------------------------------------------

_TITLE_SPLIT = re.compile(r"\s(?:\||-|:|·|/)\s")


def _key(norm: str) -> str:
    return " ".join(WORD_RE.findall(norm))


def _variants(norm: str, key: str | None = None) -> frozenset[str]:
    """The line's word key (`key`, when known), plus its longest part when it carries a ' | Site'
    style suffix."""
    keys = {_key(norm) if key is None else key}
    parts = _TITLE_SPLIT.split(norm)
    if len(parts) > 1:
        longest = max(parts, key=len)
        if len(WORD_RE.findall(longest)) >= HEADLINE_MIN_WORDS:
            keys.add(_key(longest))
    return frozenset(k for k in keys if k)


@dataclass
class _Anchor:
    variants: frozenset[str]
    tokens: frozenset[str]
    pos: int  # position of the kept first occurrence; -1 while a given title is not yet seen

    def matches(self, variants: frozenset[str], tokens: frozenset[str]) -> bool:
        if self.variants & variants:
            return True
        if len(tokens) < 4 or len(self.tokens) < 4:
            return False
        # The word sets' overlap first (set operations in C): most lines are nowhere near it.
        if len(tokens & self.tokens) / len(tokens | self.tokens) < NEAR_DUPLICATE:
            return False
        return not any(t.isdigit() for t in tokens ^ self.tokens)  # a schedule's rows differ in numbers only


# Assignment, brackets, braces, angle brackets and calls: a line of code or configuration, which a
# documentation page repeats with the page's name in it ('[target.x86_64-linux]' under the title
# "x86_64-linux"), and which is never a copy of a headline.
_CODE_MARKS = re.compile(r"[=\[\]{};<>]|\w\(")


def headline_sized(block: Block) -> bool:
    return HEADLINE_MIN_WORDS <= block.words <= HEADLINE_MAX_WORDS and not block.text.rstrip().endswith(".")


def _stutter(previous: Block, block: Block) -> bool:
    """The same heading-shaped line twice in a row: alt text and caption of one image.

    Only heading-shaped lines (no sentence punctuation) count: two identical replies in a row
    ("Thank you, this is helpful.") are two people saying the same thing.
    """
    return (
        block.shape is Shape.HEADLINE
        and block.text.lstrip()[:1].isupper()
        and _line_key(previous.norm) == _line_key(block.norm)
    )


_line_key = functools.lru_cache(maxsize=4096)(_key)  # a headline-sized line's: `_keys` and `_stutter` ask again


@functools.lru_cache(maxsize=4096)
def _keys(norm: str) -> tuple[frozenset[str], frozenset[str]]:
    """(variants, word set) of a normalised line; cached, as each pass asks again."""
    key = _line_key(norm)
    return _variants(norm, key), frozenset(key.split())


def _anchor_of(block: Block, pos: int) -> _Anchor:
    return _Anchor(*_keys(block.norm), pos)


def headlines(view: DocView, decisions: Decisions) -> Decisions:
    """Repeats of the headline (its first occurrence stays), then kickers above it.

    The headline is the given title, or else the first headline-sized line among the first
    few visible lines. Only that one line is an anchor: repeated section headings further down
    ("Pros & Cons", "Who is this for?") are structure, not copies of the headline. Apart from
    that, a headline-sized line immediately repeated by the next line is a stutter (alt text
    and caption of one image) and its copy goes.
    """
    out: Decisions = {}
    visible = [p for p in view.nonblank if view.blocks[p].index not in decisions]
    anchor: _Anchor | None = None
    if view.title and view.title.strip():
        tnorm = normalize(view.title.strip())
        anchor = _Anchor(_variants(tnorm), frozenset(_key(tnorm).split()), -1)
    else:
        first = next((p for p in visible[:HEADLINE_SEARCH] if headline_sized(view.blocks[p])), None)
        if first is not None:
            anchor = _anchor_of(view.blocks[first], first)
    repeated = False
    previous: Block | None = None
    for pos in visible:
        block = view.blocks[pos]
        # not `headline_sized(block)`, inline (a call per line), or a line of code
        sized = HEADLINE_MIN_WORDS <= block.words <= HEADLINE_MAX_WORDS and not block.text.rstrip().endswith(".")
        if not sized or _CODE_MARKS.search(block.text) is not None:
            previous = None
            continue
        if anchor is not None and pos != anchor.pos and anchor.matches(*_keys(block.norm)):
            if anchor.pos < 0:
                anchor.pos = pos  # the title's first occurrence in the text stays
            else:
                repeated = True
                out[block.index] = drop(
                    "structure.duplicate-headline",
                    Category.DUPLICATE_HEADLINE,
                    f"Repeats the headline on line {view.blocks[anchor.pos].line} (caption, alt text or title copy).",
                    Strength.STRONG,
                )
        elif previous is not None and _stutter(previous, block):
            out[block.index] = drop(
                "structure.repeated-line",
                Category.DUPLICATE_HEADLINE,
                f"Repeats line {previous.line} directly above it (alt text and caption of one image).",
                Strength.STRONG,
            )
        previous = block
    if anchor is not None and anchor.pos >= 0 and (repeated or view.title):
        out.update(_kickers(view, decisions, anchor.pos))
    return out


def _kickers(view: DocView, decisions: Decisions, headline_pos: int) -> Decisions:
    """Section labels above the headline, when nothing but labels and chrome stands there."""
    before = [view.blocks[p] for p in view.nonblank if p < headline_pos]
    labels = [b for b in before if b.index not in decisions]
    if not labels or any(b.shape is not Shape.HEADLINE or b.words > KICKER_MAX_WORDS for b in labels):
        return {}
    reason = "A short section label above the headline (a kicker), not part of the article."
    return {b.index: drop("structure.kicker", Category.NAVIGATION, reason, Strength.WEAK) for b in labels}


# -- related-links blocks ----------------------------------------------------------------------


def related_blocks(view: DocView, decisions: Decisions, rules: RuleSet) -> Decisions:
    """Extend each header (a rule with `header = true`) over the teasers that follow it."""
    out: Decisions = {}
    nb = view.nonblank
    vocab: Counter[str] | None = None
    heads: dict[int, str] = {}
    inline: set[int] = set()
    for pos in nb:
        d = decisions.get(view.blocks[pos].index)
        if d is not None and d.stage is Stage.ANNOTATE and d.category is not None:
            rule = rules.by_id.get(d.rule)
            if rule is not None and rule.header and rule.category is not Category.COMMENTS:
                heads[pos] = view.blocks[pos].norm
                if rule.inline:
                    inline.add(pos)
    repeats = Counter(heads.values())
    if len(inline) < len(heads) and not _has_article(view, decisions):
        heads = {pos: norm for pos, norm in heads.items() if pos in inline}  # a listing's own headers
    for k, pos in enumerate(nb):
        if pos not in heads or repeats[heads[pos]] >= REPEATED_HEADER:
            continue
        head = view.blocks[pos]
        d = decisions[head.index]
        assert d.category is not None
        if vocab is None:
            vocab = view.vocabulary(decisions)
        taken = _teasers(view, decisions, out, nb[k + 1 :], vocab)
        for p, kind in taken:
            out[view.blocks[p].index] = drop(
                "context.teaser",
                d.category,
                f"A {kind} of another story, under the header on line {head.line}.",
                Strength.WEAK,
            )
    return out


def _has_article(view: DocView, decisions: Decisions) -> bool:
    """Whether the text holds an article: ARTICLE_RUN kept prose lines in a row (paragraphs), or
    one of ARTICLE_WORDS words (a story in one table cell, on older pages). A listing's or an
    index's text is teasers from top to bottom (headlines, or headlines and short summaries in
    turn): there the lines under a related header ("Latest articles", "Most read") are the
    listing itself, not other stories next to an article."""
    lines = words = 0
    for p in view.nonblank:
        block = view.blocks[p]
        if block.index in decisions:
            continue
        prose = block.shape is Shape.PROSE
        lines, words = (lines + 1, words + block.words) if prose else (0, 0)
        if lines >= ARTICLE_RUN or words >= ARTICLE_WORDS:
            return True
    return False


def _teasers(
    view: DocView, decisions: Decisions, out: Decisions, following: Sequence[int], vocab: Counter[str]
) -> list[tuple[int, str]]:
    cfg = view.config
    taken: list[tuple[int, str]] = []
    in_block: Counter[str] = Counter()

    def on_topic(p: int) -> bool:
        # Too little text outside the block to say what the document is about: assume on topic.
        exclude = in_block + Counter(view.words(p))
        if sum(1 for w, n in vocab.items() if n > exclude[w]) < MIN_TOPIC_VOCABULARY:
            return True
        share = overlap(view.words(p), vocab, exclude)
        return share is None or share >= cfg.topic_overlap

    stopped_at: int | None = None
    for p in following:
        block = view.blocks[p]
        if block.index in decisions or block.index in out or len(taken) >= MAX_TEASERS:
            break
        last_kind = taken[-1][1] if taken else "header"
        if block.shape is Shape.HEADLINE and block.words <= cfg.teaser_max_words:
            taken.append((p, "headline"))
        elif last_kind == "headline" and block.words <= cfg.summary_max_words and not on_topic(p):
            taken.append((p, "summary"))
        else:
            stopped_at = p
            break
        in_block.update(view.words(p))
    # One teaser headline then prose: after an inline "Read also: <headline>" the prose is the
    # article resuming. Only a run of two or more teasers makes a trailing summary a teaser; and a
    # lone summary with prose right under it is an article's lead (under a stray header that stands
    # above the article in the page's text, its headline, byline and date read as headlines).
    kinds = Counter(kind for _, kind in taken)
    lead = stopped_at is not None and view.blocks[stopped_at].shape is Shape.PROSE and kinds["summary"] < 2
    if taken and taken[-1][1] == "summary" and (kinds["headline"] < 2 or lead):
        stopped_at = taken.pop()[0]
    # The article resumed under a section heading: give the heading back.
    resumed = stopped_at is not None and view.blocks[stopped_at].shape is Shape.PROSE and on_topic(stopped_at)
    if resumed and len(taken) >= 2 and taken[-1][1] == "headline":
        last = taken[-1][0]
        in_block.subtract(view.words(last))
        if on_topic(last) or view.blocks[last].words <= 1:
            taken.pop()
    return taken


# -- boxes: sandwiches and lead-ins ------------------------------------------------------------


def sandwiches(view: DocView, decisions: Decisions) -> Decisions:
    """Up to two short, off-topic lines between two lines of the same newsletter/paywall box."""
    out: Decisions = {}
    nb = view.nonblank
    vocab: Counter[str] | None = None
    k = 0
    while k < len(nb):
        left = dropped(decisions, view.blocks[nb[k]])
        if left is None or left.category not in BOX_CATEGORIES:
            k += 1
            continue
        run: list[int] = []
        j = k + 1
        while j < len(nb) and view.blocks[nb[j]].index not in decisions and len(run) <= SANDWICH_MAX_RUN:
            run.append(nb[j])
            j += 1
        right = dropped(decisions, view.blocks[nb[j]]) if j < len(nb) else None
        if run and len(run) <= SANDWICH_MAX_RUN and right is not None and right.category == left.category:
            if vocab is None:
                vocab = view.vocabulary(decisions)
            if all(_box_text(view, p, vocab) for p in run):
                category = left.category
                assert category is not None
                for p in run:
                    out[view.blocks[p].index] = drop(
                        "context.sandwich",
                        category,
                        f"Stands between two {category.value} lines, inside the same box.",
                        Strength.WEAK,
                    )
        k = max(j, k + 1)
    return out


def _box_text(view: DocView, pos: int, vocab: Counter[str]) -> bool:
    block = view.blocks[pos]
    if block.words > view.config.sandwich_max_words:
        return False
    words = view.words(pos)
    share = overlap(words, vocab, Counter(words))
    return share is None or share < view.config.box_topic_veto


def lead_ins(view: DocView, decisions: Decisions) -> Decisions:
    """A tiny label (a box's name) right above two or more lines of one box."""
    out: Decisions = {}
    nb = view.nonblank
    for k in range(len(nb) - 2):
        block = view.blocks[nb[k]]
        if block.index in decisions or block.shape is not Shape.HEADLINE or block.words > LEAD_IN_MAX_WORDS:
            continue
        first = dropped(decisions, view.blocks[nb[k + 1]])
        second = dropped(decisions, view.blocks[nb[k + 2]])
        if first is None or second is None or first.category not in LEAD_IN_CATEGORIES:
            continue
        if first.strength is not Strength.STRONG or second.category != first.category:
            continue
        category = first.category
        assert category is not None
        out[block.index] = drop(
            "context.lead-in",
            category,
            f"A short label directly above a {category.value} box (its name or kicker).",
            Strength.WEAK,
        )
    return out


# -- archive lists ----------------------------------------------------------------------------

ARCHIVE_RUN = 3  # lines in a row, each naming a month of a year (or counting a month's or year's posts)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
    "|januar|jänner|februar|märz|mai|juni|juli|oktober|dezember"  # de
    "|janvier|février|mars|avril|juin|juillet|août|septembre|octobre|novembre|décembre"  # fr
    "|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre"  # es
    "|gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre"  # it
    "|januari|februari|maart|mei|augustus"  # nl
    "|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro"  # pt
)
_BULLET = r"[\s►▼▶▸◄»•·*\-–]*"
_COUNT = r"\s*[(\[]\d{1,5}[)\]]"
_YEAR = r"(?:19|20)\d\d"
# "April 2012", "avril 2012 (4)", "abril de 2012", "► 2010 (37)", "▼ April (5)"; a month or a year
# alone only with its count of posts (a bare "2012" is a timeline's heading).
_ARCHIVE_LINE = re.compile(
    rf"{_BULLET}(?:(?:{_MONTHS})\.?,?\s+(?:de\s+)?{_YEAR}(?:{_COUNT})?|(?:(?:{_MONTHS})|{_YEAR}){_COUNT})\s*",
    re.IGNORECASE,
)
_ARCHIVE_LABEL = re.compile(r"(?:blog[ -])?(?:archives?|archiv|archivio|archief|arquivos?|archivos?)\b.{0,30}", re.I)
ARCHIVE_LABEL_WORDS = 4
_DIGIT = re.compile(r"\d")


def archive_lists(view: DocView, decisions: Decisions) -> Decisions:
    """A blog's archive of months (WordPress's and Blogger's widget, in any of the rules'
    languages): ARCHIVE_RUN or more non-blank lines in a row that are each a month and its year,
    or a month or year with its count of posts, and the short label right above them ("Archives",
    "Blog Archive", "Archiv"). A date in an article stands alone or beside words; a run of bare
    months is a menu of the site's past."""
    nb = view.nonblank
    blocks = view.blocks
    # One pass over the lines, the cheap tests first (six words at most, a digit: its year or
    # count), so the month pattern sees almost no line: this runs in every context pass.
    hits = [
        k
        for k, i in enumerate(nb)
        if blocks[i].words <= 6 and _DIGIT.search(blocks[i].text) and _ARCHIVE_LINE.fullmatch(blocks[i].text)
    ]
    out: Decisions = {}
    start = 0
    while start < len(hits):
        end = start
        while end + 1 < len(hits) and hits[end + 1] == hits[end] + 1:
            end += 1
        first, count = hits[start], end - start + 1
        start = end + 1
        if count < ARCHIVE_RUN:
            continue
        why = f"One of {count} lines in a row that each name a month of a year: a blog's archive of past posts."
        run = [nb[k] for k in range(first, first + count)]
        if first > 0:
            label = blocks[nb[first - 1]]
            if label.words <= ARCHIVE_LABEL_WORDS and _ARCHIVE_LABEL.fullmatch(label.text.strip()):
                run.insert(0, nb[first - 1])
        for pos in run:
            block = blocks[pos]
            if block.index not in decisions:
                out[block.index] = drop("context.archive-months", Category.NAVIGATION, why, Strength.STRONG)
    return out
