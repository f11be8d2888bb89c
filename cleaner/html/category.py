"""The category of a block the HTML block model drops: what the block is, not why it went.

Users switch categories off (`--disable legal`), so the name matters as much as the drop. The
markup's family words (`cleaner.html.dom.FAMILIES`) are good evidence of *that* a block is boilerplate
but poor evidence of *which*: a footer holds menus as well as copyright lines, a class named
"plus" or "premium" is seldom a paywall, and an ancestor's class colours a whole page. So the
block's own text speaks first (`cleaner/data/html_category_cues.toml`; a <figcaption> and a
repeat of the headline before it), then the element itself
and its near ancestors, then its shape (a short link in a menu is navigation). A block none of
these name is `other`: a byline, a date, an event's address, a price.

A phrase or context rule's drop of a block is shown under what its markup says where the rule's
words could not know (`rule_category`: a menu's "Newsletters" link is navigation), through
`cleaner.pipeline.run_blocks(shown=rules_shown(...))`; the text stages still read the rule's own.

A page's drops are then read together (`cleaner.html.category_runs.categories`: runs of names and
links, teasers' summaries and furniture, a menu's label).

Measured on the hand-labelled sets `tests/cases/html_categories*.jsonl` (wcxb-dev, CC-BY-4.0):
bench/results/2026-12-05-html-categories.md (first round), -2.md (second), -3.md (third), -4.md
(fourth) and -5.md (fifth).
"""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources

from cleaner import patterns
from cleaner.html import dom
from cleaner.segment import WORD_RE
from cleaner.types import Block, Category, Decision

CUES_FILE = "html_category_cues.toml"
LINK_SHARE = 0.5  # a block this much link text is a link (a menu item, a teaser)
TEASER_WORDS = 4  # a link of this many words, outside a menu, is a teaser of another page
FORM_FIELD_WORDS = 12  # a block this short in a form with an e-mail field is the sign-up box's (a label, a note)
SUMMARY_WORDS = 8  # prose this long under a teaser's link is its summary
MENU_HEADING_WORDS = 3  # a footer's block this short, not a link, heads a column of links ("Company")
TITLE_SAME = 0.8  # word overlap (Jaccard) with the title, or one of its parts, of a repeated headline
HEADING_SAME = 0.6  # a heading's share of words in common with the title (the smaller side) likewise
OTHER_WHY = "no family names it"
_FACET = re.compile(r"[A-Za-z][A-Za-z &'/-]{1,30}?\s?(?:\(\d{1,5}\)|\d{1,5})$")  # "Memory2", "Light-Trail (116)"
# A filter's option or an archive's month as a link with its count: "Sit-On-Top Kayaks (12)", "100 to 199 (1)",
# "► July (1)"; not a year ("Dune (2021)").
_COUNTED = re.compile(r"\w[^()]{0,40}?\s\((?!(?:19|20)\d\d\))\d{1,5}\)$")
_ROW_SEP = re.compile(r"\s*(?:[,|·•∙])\s*")
ROW_ITEMS = 4  # a row of links this long (comma- or bar-separated) is a menu unless mostly legal links
ROW_ITEM_WORDS = 4
_NAME_LIKE = re.compile(r"^[^\d]*[^\W\d_][^\d]*$")  # a heading's words: a letter, no digit ("Company", not "6")
# A phrase rule's drop of a notice of the page's machinery (no JavaScript, "Loading...", "No results found"):
# the guide's `other`, where the rule files it under navigation for the text stages.
_NOTICE_RULES = ("browser-notice", "status-message")  # browser-notice: in the seven languages


@dataclass(frozen=True, slots=True)
class Cue:
    id: str
    category: Category
    pattern: re.Pattern[str]
    why: str
    pos: tuple[str, ...]
    neg: tuple[str, ...]
    # What a text must hold for the pattern to be searched in it (`patterns.pregate`: it starts with
    # one of the characters, or holds one of the literals); None: every text is searched.
    gate: tuple[frozenset[str], tuple[str, ...]] | None = None


_SCOPED_FLAGS = re.compile(r"\(\?[aiLmsux-]+[:)]")  # (?i:...), (?-i:...): flags on part of a pattern


def _gate(pattern: re.Pattern[str]) -> tuple[frozenset[str], tuple[str, ...]] | None:
    """`patterns.pregate` of a cue's pattern, None for one with inline flags (a case-insensitive
    or multi-line pattern's literals and anchors say less than the gate would assume)."""
    if pattern.flags & ~re.UNICODE or _SCOPED_FLAGS.search(pattern.pattern):
        return None
    return patterns.pregate(pattern.pattern)


@functools.cache
def cues() -> tuple[Cue, ...]:
    """The text cues, in the order they are tried (package data, read once)."""
    data = tomllib.loads(resources.files("cleaner.data").joinpath(CUES_FILE).read_text(encoding="utf-8"))
    out = []
    for c in data["cue"]:
        pattern = re.compile(c["pattern"])
        out.append(
            Cue(
                str(c["id"]),
                Category(c["category"]),
                pattern,
                str(c["why"]),
                tuple(c.get("pos", ())),
                tuple(c.get("neg", ())),
                _gate(pattern),
            )
        )
    return tuple(out)


@functools.cache
def _cue_gates() -> tuple[patterns.LiteralSearch[int], tuple[frozenset[str], ...], frozenset[int]]:
    """Which cues a lower-cased text may match: the cues whose gate literals it holds (one native
    pass for all of them), each cue's gate characters (a text starting with one), and the cues
    without a gate (searched in every text)."""
    literals: dict[str, tuple[int, ...]] = {}
    for k, cue in enumerate(cues()):
        for lit in cue.gate[1] if cue.gate is not None else ():
            literals[lit] = (*literals.get(lit, ()), k)
    firsts = tuple(cue.gate[0] if cue.gate is not None else frozenset() for cue in cues())
    open_ = frozenset(k for k, cue in enumerate(cues()) if cue.gate is None)
    return patterns.LiteralSearch(literals, native=True), firsts, open_


@functools.lru_cache(maxsize=1 << 14)
def text_cue(text: str) -> Cue | None:
    """The first cue the block's own words match, if any. A cue is searched only in a text its gate
    lets through (`patterns.pregate`): most blocks pass few gates, and a cold run of `clean_html`
    spent a tenth of its time searching every cue in every dropped block
    (bench/results/2026-12-06-cold-html.md). Cached: a site's menus and footers repeat."""
    low = text.lower()
    search, firsts, open_ = _cue_gates()
    first = low[:1]
    candidates = set(open_)
    for found in search.find(low):
        candidates.update(found)
    candidates.update(k for k, chars in enumerate(firsts) if first in chars)
    all_cues = cues()
    for k in sorted(candidates):
        if all_cues[k].pattern.search(low):
            return all_cues[k]
    return None


_FAMILY_BIT = {name: 1 << i for i, name in enumerate(dom.FAMILY_NAMES)}
_CONTAINER_BIT = {name: 1 << i for i, name in enumerate(dom.CONTAINERS)}
_GATE_BITS = _FAMILY_BIT["paywall"] | _FAMILY_BIT["newsletter"] | _FAMILY_BIT["login"]
_PAYWALL_BITS = _FAMILY_BIT["paywall"] | _FAMILY_BIT["login"]  # a gate's markup, not a sign-up box's
_SHARE_FORM = _FAMILY_BIT["share"] | _FAMILY_BIT["newsletter"]
_GATE_WORDS_ELSEWHERE = (Category.NEWSLETTER, Category.RELATED)  # rules whose line can be a gate's ("Continue reading")
_TITLE_PARTS = re.compile(r"\s+[|–—:-]\s+|\s+·\s+")


def _words(text: str) -> frozenset[str]:
    return frozenset(WORD_RE.findall(text.lower()))


@functools.lru_cache(maxsize=64)
def _title_parts(title: str) -> tuple[frozenset[str], ...]:
    """The words of the title, then of each of its parts ("Headline | Site"): read once a page."""
    return tuple(_words(part) for part in (title, *_TITLE_PARTS.split(title)))


def repeats_title(text: str, tag: str, title: str | None, link: bool = False) -> bool:
    """Whether a block repeats the page's headline: its words are the title's, or those of one
    part of it ("Headline | Site"), or, for a heading that is not a link, mostly the title's."""
    if not title:
        return False
    words = _words(text)
    if not words:
        return False
    parts = _title_parts(title)
    if any(other and len(words & other) / len(words | other) >= TITLE_SAME for other in parts):
        return True
    if tag in ("h1", "h2") and not link and parts[0]:
        common = len(words & parts[0])
        return common >= 2 and common / min(len(words), len(parts[0])) >= HEADING_SAME
    return False


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the category of one dropped block is read from."""

    block: dom.DomBlock
    link_share: float  # share of its characters that are link text
    words: float
    title_sim: float  # the block model's `title_sim` (Jaccard with the whole title)
    title: str | None = None
    # the page policy's rule when it dropped the block ("comment", "comments", "teasers", "apart",
    # "agreed", "repeat", "hidden")
    rule: str = ""

    def own(self, family: str) -> bool:
        return bool(self.block.own_families & _FAMILY_BIT[family])

    def inside(self, container: str) -> bool:
        return bool(self.block.containers & _CONTAINER_BIT[container])

    @property
    def link(self) -> bool:
        return self.link_share >= LINK_SHARE

    @property
    def tile(self) -> bool:
        """A link in a figure inside a link: the name of a tile (a category's or a product's card),
        not an image's caption."""
        return self.link and self.inside("figure") and self.inside("a")

    @property
    def teaser_heading(self) -> bool:
        """A heading that links elsewhere with a headline's words: another page's teaser."""
        return self.link and self.block.tag in dom.HEADINGS and self.words >= TEASER_WORDS

    @property
    def box_heading(self) -> bool:
        """A footer's or a sidebar's short heading, not a link, and a name (a letter, no digit): it
        heads a column of links ("Company", "Archives"), where "Helena, MT 59602", "8:30am - 5pm" or
        "6" do not."""
        boxed = self.inside("footer") or self.inside("aside") or self.own("aside")
        return (
            boxed
            and self.words <= MENU_HEADING_WORDS
            and not self.link
            and _NAME_LIKE.match(self.block.text.strip()) is not None
        )

    @property
    def gated(self) -> bool:
        """Inside a gate's or a sign-up box's markup (an element, or an ancestor, named paywall,
        newsletter or login): where "Become a Member" and "Continue reading" are the gate's."""
        return bool(self.block.families & _GATE_BITS)

    @property
    def in_menu(self) -> bool:
        """In a menu: a <nav>, an element named nav/menu/breadcrumb..., or a link in the header; but
        a teaser's headline (`teaser_heading`) outside a <nav> is no menu's, also in an element
        named nav (a blog's "post-nav" list of other posts)."""
        if self.inside("nav"):
            return True
        return (self.own("nav") or (self.link and self.inside("header"))) and not self.teaser_heading


@dataclass(frozen=True, slots=True)
class Named:
    """A dropped block's category and, in a few words, what named it (ends its removal's reason)."""

    category: Category
    why: str


def headline_category(ev: Evidence) -> Named | None:
    """A repeat of the headline is a duplicate headline, unless it is a menu's item (the page's own
    entry in a menu or breadcrumb)."""
    if ev.title_sim < TITLE_SAME and not repeats_title(ev.block.text, ev.block.tag, ev.title, ev.link):
        return None
    if _menu_item(ev):
        return Named(Category.NAVIGATION, "a menu's item repeating the headline")
    return Named(Category.DUPLICATE_HEADLINE, "it repeats the headline")


def _menu_item(ev: Evidence) -> bool:
    """A list's item, or a link in a menu or in an element named nav (a site's name heading its menu)."""
    return ev.block.tag == "li" or (ev.link and (ev.in_menu or ev.own("nav")))


def cue_category(ev: Evidence) -> Named | None:
    """The category the words name; but a menu's link to the newsletter or subscription page is
    navigation ("Newsletters", "Subscriptions"), and so is a row of links of which only a few are
    legal (`_mostly_other_links`); a sign-up's words in a share-by-e-mail form (markup named share,
    not newsletter) are the share widget's, promo; and a reader comment's byline or date is the
    comment's (its markup names it), not `other`."""
    cue = text_cue(ev.block.text)
    if cue is None or (cue.category is Category.OTHER and _comment(ev)):
        return None
    if cue.category in (Category.NEWSLETTER, Category.PAYWALL) and ev.link and ev.in_menu:
        return Named(Category.NAVIGATION, "a menu's link")
    if cue.category is Category.LEGAL and _mostly_other_links(ev, cue):
        return Named(Category.NAVIGATION, "a row of links with a legal one, a menu")
    if cue.category is Category.NEWSLETTER and ev.block.families & _SHARE_FORM == _FAMILY_BIT["share"]:
        return Named(Category.PROMO, "a share-by-e-mail form's, no sign-up's")
    return Named(cue.category, f"its words ({cue.id})")


def _mostly_other_links(ev: Evidence, cue: Cue) -> bool:
    """A row of ROW_ITEMS or more short links ("Help Center, Disputes & Reports, Return&refund
    policy, ...") of which fewer than half are legal: a footer's menu with a legal link in it, not
    the legal small print ("Privacy Policy | Terms of Use | Cookies" is)."""
    if not ev.link or "©" in ev.block.text:
        return False
    items = [t for t in _ROW_SEP.split(ev.block.text.lower()) if t.strip()]
    if len(items) < ROW_ITEMS or any(len(t.split()) > ROW_ITEM_WORDS for t in items):
        return False
    return 2 * sum(1 for t in items if cue.pattern.search(t)) < len(items)


def _comment(ev: Evidence) -> bool:
    """A reader comment's block: the page policy's comment, or an element named comments."""
    return ev.rule in ("comment", "comments") or ev.own("comments")


def markup_category(ev: Evidence) -> Named | None:
    """The element's own markup, where it is specific: reader comments and their form, share
    buttons, a cookie banner (not a menu's link in an element named cookie), a sign-up box, a
    caption in a figure."""
    if ev.rule in ("comment", "comments"):
        return Named(Category.COMMENTS, "a reader comment")
    if ev.rule == "repeat":
        return Named(Category.OTHER, "a hidden copy of the page's own text")
    if ev.rule == "hidden":
        return Named(Category.OTHER, "a keyword list the page hides (page metadata)")
    for family, category in (("comments", Category.COMMENTS), ("share", Category.PROMO), ("cookie", Category.LEGAL)):
        if ev.own(family) and not (family == "cookie" and ev.link and ev.in_menu):
            return Named(category, f"its element is named {family}")
    if ev.link:
        return None
    if ev.own("newsletter"):
        return Named(Category.NEWSLETTER, "a sign-up form's")
    if ev.block.email_form and ev.words <= FORM_FIELD_WORDS:
        return _email_form(ev)
    if ev.own("caption") and ev.inside("figure"):
        return Named(Category.CAPTION, "a caption in a figure")
    return None


def _email_form(ev: Evidence) -> Named:
    """A short block of a form with an e-mail field: a sign-up box's (a label, a note), unless the
    markup around it names a reader comment's form and no sign-up ("{} [+]" under "Leave a Reply").
    (Markup named login says nothing either way: a coupon's sign-up pop-up is named so as well as
    an account's form.)"""
    families = ev.block.families
    if families & _FAMILY_BIT["comments"] and not families & _FAMILY_BIT["newsletter"]:
        return Named(Category.COMMENTS, "a comment form's")
    return Named(Category.NEWSLETTER, "a sign-up form's")


def shape_category(ev: Evidence) -> Named:
    """Menus are navigation, and so are a footer's or sidebar's short headings; other links are
    teasers of other pages (related) when they read like a headline or are a heading, and
    navigation when short; an element named related or promo says so (before the link rules); a
    filter's option with its count in a form ("Memory2"), or as a link ("Sit-On-Top Kayaks (12)"), and
    a footer's short heading that is a link ("Links") are navigation; a definition list's cell in a
    card that is one link ("Gender: Women's") is the product's detail, `other`; the rest is `other`."""
    if ev.in_menu:
        return Named(Category.NAVIGATION, "in a menu")
    if ev.box_heading:
        return Named(Category.NAVIGATION, "a footer's or sidebar's heading")
    if ev.own("related"):
        return Named(Category.RELATED, "its element is named related")
    if ev.own("promo"):
        return Named(Category.PROMO, "its element is named promo")
    if (ev.link or ev.inside("form")) and _COUNTED.match(ev.block.text.strip()):
        return Named(Category.NAVIGATION, "a filter's option or an archive's month and its count")
    if ev.link and ev.block.tag in dom.HEADINGS and ev.inside("footer") and ev.words <= MENU_HEADING_WORDS:
        return Named(Category.NAVIGATION, "a footer's heading")
    if ev.link and ev.block.tag in ("dd", "dt") and ev.inside("a"):
        return Named(Category.OTHER, "a product card's detail")
    if ev.link and (ev.block.tag in dom.HEADINGS or ev.words >= TEASER_WORDS):
        return Named(Category.RELATED, "a link to another page's headline")
    if ev.link:
        return Named(Category.NAVIGATION, "a short link")
    if ev.inside("form") and _FACET.match(ev.block.text):
        return Named(Category.NAVIGATION, "a filter's option and its count")
    return Named(Category.OTHER, OTHER_WHY)


def name_of(ev: Evidence) -> Named:
    """The category of a block the block model (or the page policy) drops, and what named it."""
    if ev.block.tag == "figcaption" and not ev.tile:
        cue = text_cue(ev.block.text)
        if cue is not None and cue.id == "other.byline":  # "Written by Autumn Huerter" under a picture
            return Named(Category.OTHER, f"its words ({cue.id})")
        return Named(Category.CAPTION, "a <figcaption>")
    return headline_category(ev) or cue_category(ev) or markup_category(ev) or shape_category(ev)


def rule_category(category: Category, ev: Evidence) -> Named | None:
    """What a phrase or context rule's removal of a whole block is shown as in HTML mode, where the
    markup tells what the rule's words could not; None: the rule's own category stands. A rule's
    newsletter, paywall or related link in a menu is the menu's ("Newsletters", "Latest News"); a
    rule's repeated headline that is a menu's item is navigation, and one that repeats no part of
    the title (a line repeated under an image: a product's name) is what the block's own words,
    markup or shape name; a rule's navigation outside any menu whose words are a call to action
    is promo ("Shop Now!" under a product), and one whose words are a product card's button is
    `other` ("Add to cart", the guide's shop furniture). A rule's paywall whose words are a call to action,
    with no gate's markup around it (`Evidence.gated`), sells a service: promo ("Start Free
    Trial", "Become a Member" of an association, also in a menu); a rule's newsletter or related
    line whose words are a gate's, inside a gate's markup, is the paywall's ("Continue reading"
    under a cut-off article, "Subscribe to get access"). A rule's navigation that is a notice of the
    page's machinery ("You need to enable JavaScript to run this app.", "Loading...") is `other`."""
    if category is Category.NAVIGATION and ev.rule.rsplit(".", 1)[-1] in _NOTICE_RULES:
        return Named(Category.OTHER, "a notice of the page's machinery, no menu's")
    cue = text_cue(ev.block.text)
    if cue is not None and cue.category is Category.PROMO and category is Category.PAYWALL and not ev.gated:
        return Named(Category.PROMO, f"a call to action, no gate around it ({cue.id})")
    if category in (Category.NEWSLETTER, Category.PAYWALL, Category.RELATED) and ev.link and ev.in_menu:
        return Named(Category.NAVIGATION, "a menu's link")
    if (
        cue is not None
        and cue.category is Category.PAYWALL
        and category in _GATE_WORDS_ELSEWHERE
        and ev.block.families & _PAYWALL_BITS
    ):
        return Named(Category.PAYWALL, f"a gate's words in a gate's box ({cue.id})")
    if category is Category.DUPLICATE_HEADLINE:
        if _menu_item(ev):
            return Named(Category.NAVIGATION, "a menu's item")
        if ev.title_sim >= TITLE_SAME or repeats_title(ev.block.text, ev.block.tag, ev.title, ev.link):
            return None
        return cue_category(ev) or markup_category(ev) or shape_category(ev)
    if category is Category.NAVIGATION and not ev.in_menu and cue is not None and cue.category is Category.PROMO:
        return Named(Category.PROMO, f"its words ({cue.id})")
    if category is Category.NAVIGATION and not ev.in_menu and cue is not None and cue.id == "other.product-buttons":
        return Named(Category.OTHER, f"a product's button, no menu's ({cue.id})")
    return None


def rules_shown(
    items: Sequence[dom.DomBlock], where: Sequence[int], lines: Sequence[Block], title: str | None
) -> Callable[[int, Decision], Decision]:
    """For `cleaner.pipeline.run_blocks`: a rule's drop of line `i` of an HTML page (its blocks
    `items`, at lines `where`, as Blocks `lines`) under the category `rule_category` names, with
    what named it at the end of its reason."""
    block_at = {j: i for i, j in enumerate(where)}
    title_words = _title_parts(title)[0] if title else frozenset()

    def shown(line: int, d: Decision) -> Decision:
        i = block_at.get(line)
        if i is None or d.category is None:
            return d
        b = items[i]
        words = _words(b.text)
        sim = len(words & title_words) / len(words | title_words) if words and title_words else 0.0
        link = min(1.0, b.link_chars / len(b.text)) if b.text else 0.0
        named = rule_category(d.category, Evidence(b, link, float(lines[line].words), sim, title, d.rule))
        if named is None or named.category is d.category:
            return d
        why = f"{d.reason} Shown as {named.category.value}: {named.why}."
        return dataclasses.replace(d, category=named.category, reason=why)

    return shown


def category_of(ev: Evidence) -> Category:
    """The category of a block the block model (or the page policy) drops."""
    return name_of(ev).category


# What the text stages read of a block-model drop. revise's context rules (a box between two
# newsletter or paywall drops, a lead-in above one) and the line model's rule feature read the
# category of the drops around a line; they were tuned with the markup family of each dropped
# block, named as below, so that is what they still read (`Decision.context_category`): which
# blocks are dropped stays as tuned, while the category users see is `category_of`'s.
_FAMILY_CATEGORY: tuple[tuple[str, Category], ...] = (
    ("paywall", Category.PAYWALL),
    ("newsletter", Category.NEWSLETTER),
    ("related", Category.RELATED),
    ("share", Category.PROMO),
    ("promo", Category.PROMO),
    ("login", Category.PROMO),
    ("caption", Category.CAPTION),
    ("cookie", Category.LEGAL),
    ("footer", Category.LEGAL),
)


def family_category(ev: Evidence) -> Category:
    """The markup family of a dropped block (its own element first, then any ancestor), as the
    text stages read it; among the page policy's teasers a short link counts as navigation and
    the rest as related."""
    found = _family_of(ev)
    in_nav = ev.inside("nav") or ev.block.families & _FAMILY_BIT["nav"]
    if ev.rule != "teasers" or found is not Category.NAVIGATION or in_nav:
        return found
    return Category.NAVIGATION if ev.link and ev.words < TEASER_WORDS else Category.RELATED


def _family_of(ev: Evidence) -> Category:
    if ev.title_sim >= TITLE_SAME:
        return Category.DUPLICATE_HEADLINE
    for bits in (ev.block.own_families, ev.block.families):
        for name, category in _FAMILY_CATEGORY:
            if bits & _FAMILY_BIT[name]:
                return category
    if ev.inside("figure"):
        return Category.CAPTION
    if ev.inside("footer"):
        return Category.LEGAL
    return Category.NAVIGATION
