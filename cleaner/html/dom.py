"""HTML pages as blocks with DOM evidence: one lxml tree, walked once.

The tree trafilatura parses (`trafilatura.load_html`) is walked in document order; each run of
text between block-level boundaries (a paragraph, a heading, a list item, a table cell, a `<br>`)
becomes one `DomBlock`: its text, whitespace collapsed (line by line inside `<pre>`), and what
the markup says about it:

* its own tag and the semantic containers around it (nav, header, footer, aside, form, main,
  article, figure, list, table, a link, a quote, code);
* the boilerplate families named by the class, id, role and aria-label tokens of the element
  and its ancestors (newsletter, subscribe, paywall, related, share, promo, ad, caption,
  credit, breadcrumb, cookie, comments, ...), as bits;
* link density (the share of its characters inside `<a>`), depth, position in the page;
* whether trafilatura's own main text contains it (`TrafVote`): its choice is one vote.

The learned block model (`cleaner.html.blocks`) reads these with the learned line model's text
features; this module knows nothing of labels or models.
"""

from __future__ import annotations

import functools
import re
import zlib
from dataclasses import dataclass
from typing import Any

from cleaner.segment import WORD_RE

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
MODEL_MAX_BLOCKS = 20_000  # past this a page skips trafilatura and the block model (wcxb-dev max: 2,641)
# Elements whose text never reaches a reader.
SKIP = frozenset(
    {
        "script",
        "style",
        "head",
        "title",
        "meta",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "canvas",
        "select",
        "option",
        "textarea",
        "input",
        "video",
        "audio",
        "map",
    }
)
# Elements that start and end a block (their text never runs on into a neighbour's).
BLOCK = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        *HEADINGS,
        "header",
        "hgroup",
        "hr",
        "html",
        "legend",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)
# The block's own tag, as a small code (trees split on it; unknown block tags share 0).
TAG_CODE = {
    t: float(i + 1)
    for i, t in enumerate(
        (
            "p",
            *HEADINGS,
            "li",
            "td",
            "th",
            "dd",
            "dt",
            "pre",
            "blockquote",
            "figcaption",
            "caption",
            "div",
            "section",
            "article",
            "span",
            "a",
            "summary",
            "address",
            "legend",
        )
    )
}
# Semantic containers: a bit each, set when the block is inside one (or is one).
CONTAINERS = (
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "main",
    "article",
    "figure",
    "li",
    "table",
    "a",
    "blockquote",
    "pre",
    "button",
    "label",
    "h",
    "hidden",  # hidden, aria-hidden or display:none (a page may reveal it by script: kept, flagged)
    "noscript",  # a no-script fallback (some sites serve their whole content there)
)
_CONTAINER_BIT = {name: 1 << i for i, name in enumerate(CONTAINERS)}
for _h in HEADINGS:
    _CONTAINER_BIT[_h] = _CONTAINER_BIT["h"]
_CONTAINER_BIT["code"] = _CONTAINER_BIT["pre"]
_CONTAINER_BIT["dd"] = _CONTAINER_BIT["li"]
_CONTAINER_BIT["dt"] = _CONTAINER_BIT["li"]
_CONTAINER_BIT["template"] = _CONTAINER_BIT["hidden"]
# Boilerplate (and article) families named by class / id / role / aria tokens. A token names a
# family when it equals one of the family's words or, for words of 5+ letters, contains one
# ("newsletterSignup", "related-posts"). Words in many languages' markup are English.
FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("newsletter", ("newsletter", "subscribe", "subscription", "signup", "mailing", "optin", "mailchimp")),
    ("paywall", ("paywall", "premium", "regwall", "piano", "metered", "meter", "locked", "plus")),
    (
        "related",
        (
            "related",
            "recommend",
            "recirc",
            "more",
            "trending",
            "popular",
            "mostread",
            "outbrain",
            "taboola",
            "teaser",
            "also",
        ),
    ),
    ("share", ("share", "sharing", "social", "facebook", "twitter", "whatsapp", "pinterest", "linkedin")),
    (
        "promo",
        (
            "promo",
            "ad",
            "ads",
            "advert",
            "advertisement",
            "sponsor",
            "sponsored",
            "banner",
            "dfp",
            "gpt",
            "adslot",
            "commercial",
        ),
    ),
    ("caption", ("caption", "figcaption", "credit", "credits", "photo", "image", "img", "gallery", "media")),
    (
        "nav",
        (
            "nav",
            "navbar",
            "navigation",
            "menu",
            "breadcrumb",
            "breadcrumbs",
            "topbar",
            "masthead",
            "skip",
            "pagination",
            "pager",
            "toc",
        ),
    ),
    ("aside", ("aside", "sidebar", "widget", "rail", "complementary", "sidenav")),
    ("footer", ("footer", "copyright", "contentinfo", "legal", "bottom")),
    ("header", ("header", "banner", "logo", "branding", "site-title")),
    ("cookie", ("cookie", "cookies", "consent", "gdpr", "privacy", "notice")),
    ("comments", ("comment", "comments", "disqus", "reply", "replies", "respond", "discussion")),
    ("meta", ("meta", "byline", "author", "date", "time", "tags", "tag", "category", "categories", "published")),
    ("login", ("login", "signin", "register", "account", "modal", "popup", "overlay", "dialog")),
    ("hidden", ("hidden", "hide", "invisible", "sr-only", "visually-hidden", "screen-reader-text")),
    ("content", ("article", "content", "post", "entry", "story", "body", "main", "text", "prose", "rte", "richtext")),
)
FAMILY_NAMES = tuple(name for name, _ in FAMILIES)
_EXACT: dict[str, int] = {}
_CONTAINS: list[tuple[str, int]] = []
for _i, (_name, _words) in enumerate(FAMILIES):
    for _w in _words:
        _EXACT.setdefault(_w, 0)
        _EXACT[_w] |= 1 << _i
        if len(_w) >= 5:
            _CONTAINS.append((_w, 1 << _i))
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_SPACE = re.compile(r"\s+")
ANCESTOR_LEVELS = 4
_HIDDEN_BIT = _CONTAINER_BIT["hidden"]
MAX_DEPTH = 400  # below Python's recursion limit; libxml2 stops at 256 anyway


@dataclass(frozen=True, slots=True)
class DomBlock:
    """One run of text of the page with the markup's evidence about it."""

    text: str
    tag: str  # the block-level element that holds it
    depth: int
    containers: int  # CONTAINERS bits: semantic elements around the block (or the block itself)
    families: int  # FAMILIES bits from the class/id/role/aria tokens of the element and its ancestors
    own_families: int  # ... of the holding element and its two nearest ancestors only
    link_chars: int  # characters of text inside <a>
    links: int  # <a> elements with text in the block
    email_form: bool  # inside a form with an e-mail or text input (a sign-up box)
    signature: int  # the holding element's tag, depth and class, hashed: repeated structures share it
    ancestors: tuple[int, ...]  # ids of the block-level elements around it, nearest first (ANCESTOR_LEVELS)
    pre: int = 0  # the <pre> it is a line of (a number per page; 0: none): its spaces are the author's
    # The table cell (<td>, <th>) it is in, innermost (a number per page; 0: none), and that cell's row:
    # a cell's text inside a <p> or a <div> (`<td><p>$5</p></td>`) is the cell's all the same.
    cell: int = 0
    row: int = 0
    # Of the block that starts a list item (the <li>'s own text, or its first <p>: `<li><p>`): its
    # number in an <ol> (0 in a <ul>) and how deep its list is nested (1: a list of its own; 0: no start).
    number: int = 0
    level: int = 0


@functools.lru_cache(maxsize=1 << 16)
def attr_families(cls: str) -> int:
    """The FAMILIES bits named by an attribute string (class, id, role, aria-label). Cached: a
    page repeats its class strings, and a site its pages'."""
    if not cls:
        return 0
    bits = 0
    for token in _TOKEN_SPLIT.split(_CAMEL.sub("-", cls).lower()):
        if token:
            bits |= _token_families(token)
    return bits


@functools.lru_cache(maxsize=1 << 16)
def _token_families(token: str) -> int:
    hit = _EXACT.get(token)
    if hit is not None:
        return hit
    bits = 0
    if len(token) >= 5:
        for word, bit in _CONTAINS:
            if word in token:
                bits |= bit
    return bits


@functools.lru_cache(maxsize=1 << 16)
def _named_families(named: tuple[str | None, ...]) -> int:
    """`attr_families` of an element's class, id, role, aria-label and itemprop (None: absent)."""
    return attr_families(" ".join([p for p in named if p]))


def _attr_evidence(el: Any) -> tuple[int, bool]:
    """The FAMILIES bits of an element's own class, id, role, aria-label and itemprop, and whether it
    is hidden (hidden, aria-hidden or display:none), its attributes read in one call: most elements
    have none."""
    items = el.items()
    return _evidence_of(items)[:2] if items else (0, False)


def _evidence_of(items: list[tuple[str, str]]) -> tuple[int, bool, str]:
    """`_attr_evidence` of an element's (name, value) attributes, and its class ("" without)."""
    get = dict(items).get
    cls = get("class")
    own = _named_families((cls, get("id"), get("role"), get("aria-label"), get("itemprop")))
    if get("hidden") is not None or get("aria-hidden") == "true":
        return own, True, cls or ""
    style = get("style") or ""
    return own, "display:none" in style.replace(" ", "").lower(), cls or ""


def _has_email_input(form: Any) -> bool:
    for inp in form.iter("input"):
        kind = (inp.get("type") or "text").lower()
        name = f"{inp.get('name') or ''} {inp.get('id') or ''} {inp.get('placeholder') or ''}".lower()
        if kind == "email" or "mail" in name:
            return True
    return False


_NO_EVIDENCE = (0, False, "")
_CELLS = frozenset({"td", "th"})
_LISTS = frozenset({"ul", "ol", "menu"})


def _whole(value: str | None) -> int | None:
    """An attribute's whole number (an <ol>'s start, an <li>'s value), or None."""
    try:
        return int(value.strip()) if value is not None else None
    except ValueError:
        return None


class _Walker:
    """The tree walk: a stack of contexts, text gathered into the open block."""

    def __init__(self) -> None:
        self.blocks: list[DomBlock] = []
        self.parts: list[str] = []
        self.link_chars = 0
        self.links = 0
        self.ctx: tuple[str, int, int, int, int, bool, int] = ("body", 0, 0, 0, 0, False, 0)
        self.path: list[int] = []  # ids of the open block-level elements, the innermost last
        self.serial = 0
        self.pre = 0  # the outermost open <pre>: a block inside one (a highlighter's <div> a line) is code too
        self.cell = (0, 0)  # the innermost open <td>/<th>, and its row (`DomBlock.cell`, `.row`)
        # the innermost open <li> while none of its text has made a block yet: (its number, level)
        self.item: tuple[int, int] | None = None
        self.lists: list[list[int]] = []  # the open <ul>/<ol>/<menu>: [ordered (1) or not, the next number]

    def flush(self) -> None:
        if not self.parts:
            return
        raw = "".join(self.parts)
        self.parts = []
        link_chars, links = self.link_chars, self.links
        self.link_chars = self.links = 0
        if raw.isspace():  # the whitespace between two block elements (most flushes): no line
            return
        tag, depth, containers, families, own, email, signature = self.ctx
        ancestors = tuple(self.path[-2 : -2 - ANCESTOR_LEVELS : -1])
        pre = self.pre
        lines = [line.rstrip() for line in raw.split("\n")] if pre else [_SPACE.sub(" ", raw).strip()]
        lines = [line for line in lines if line.strip()]
        cell, row = self.cell
        number = level = 0
        if self.item is not None and lines:  # the open <li>'s first text: its own, or a <p>'s in it
            number, level = self.item
            self.item = None
        for line in lines:
            share = link_chars if len(lines) == 1 else round(link_chars * len(line) / max(1, len(raw)))
            self.blocks.append(
                DomBlock(
                    line,
                    tag,
                    depth,
                    containers,
                    families,
                    own,
                    share,
                    links,
                    email,
                    signature,
                    ancestors,
                    pre,
                    cell,
                    row,
                    number,
                    level,
                )
            )
            number = level = 0

    def text(self, value: str | None, in_link: bool) -> None:
        if value:
            self.parts.append(value)
            if in_link:
                self.link_chars += len(value.strip())

    def walk(
        self, el: Any, depth: int, containers: int, families: int, near: tuple[int, int], link: bool, email: bool
    ) -> None:
        tag = el.tag
        if not isinstance(tag, str):  # a comment or a processing instruction
            return
        tag = tag.lower()
        if not tag or tag in SKIP or depth > MAX_DEPTH:
            return
        items = el.items()  # most elements have no attributes
        own, hidden, cls = _evidence_of(items) if items else _NO_EVIDENCE
        families |= own
        containers |= _CONTAINER_BIT.get(tag, 0)
        if hidden:
            containers |= _HIDDEN_BIT
        if tag == "form" and not email:
            email = _has_email_input(el)
        in_link = link or tag == "a"
        block = tag in BLOCK
        outer = self.ctx
        if block:
            if self.parts:
                self.flush()
            signature = zlib.crc32(f"{tag}|{depth}|{cls}".encode())
            self.ctx = (tag, depth, containers, families, own | near[0] | near[1], email, signature)
            self.serial += 1
            self.path.append(self.serial)
            if tag == "pre" and not self.pre:
                self.pre = self.serial
            if tag in _CELLS:
                outer_cell, self.cell = self.cell, (self.serial, self.path[-2] if len(self.path) > 1 else 0)
            elif tag == "li":
                outer_item, made, self.item = self.item, len(self.blocks), self._number(el)
            elif tag in _LISTS:
                start = _whole(el.get("start")) if tag == "ol" else None
                self.lists.append([int(tag == "ol"), 1 if start is None else start])
        elif tag == "br":
            self.flush()
        text = el.text
        if tag == "a" and not link and (text or len(el)):
            self.links += 1
        if text:  # self.text(text, in_link), inline: the walk's hottest lines
            self.parts.append(text)
            if in_link:
                self.link_chars += len(text.strip())
        child_near = (own, near[0])
        walk = self.walk
        for child in el:
            walk(child, depth + 1, containers, families, child_near, in_link, email)
            tail = child.tail
            if tail:
                self.parts.append(tail)
                if link:
                    self.link_chars += len(tail.strip())
        if block:
            if self.parts:
                self.flush()
            self.ctx = outer
            if self.pre == self.path.pop():
                self.pre = 0
            if tag in _CELLS:
                self.cell = outer_cell
            elif tag == "li":  # an outer item still waiting for its first text waits on, unless this one gave some
                self.item = outer_item if len(self.blocks) == made else None
            elif tag in _LISTS:
                self.lists.pop()

    def _number(self, li: Any) -> tuple[int, int]:
        """An opening <li>'s number (its `value`, else the next of its <ol>; 0 in a <ul>) and level."""
        if not self.lists:
            return 0, 1
        ordered = self.lists[-1]
        number = 0
        if ordered[0]:
            value = _whole(li.get("value"))
            number = ordered[1] if value is None else value
            ordered[1] = number + 1
        return number, len(self.lists)


def blocks(tree: Any) -> list[DomBlock]:
    """The page's text blocks in document order (the tree is read, never changed).

    Without a <body> (markup that libxml2 leaves inside <head>: an unknown element there, such as
    a stray <mbox>, keeps the rest of a 2008 page in it), the head's elements are walked as the
    body would be; its <title>, <meta>, scripts and styles hold no page text."""
    walker = _Walker()
    body = tree.find(".//body") if tree.tag != "body" else tree
    if body is not None:
        walker.walk(body, 0, 0, 0, (0, 0), False, False)
    else:
        walker.text(tree.text, False)  # a fragment's root holds text too (a <p> that libxml2 made the root)
        for child in tree:
            if isinstance(child.tag, str) and child.tag.lower() == "head":
                walker.text(child.text, False)
                for el in child:
                    walker.walk(el, 1, 0, 0, (0, 0), False, False)
                    walker.text(el.tail, False)
            else:
                walker.walk(child, 1, 0, 0, (0, 0), False, False)
            walker.text(child.tail, False)
    walker.flush()
    return walker.blocks


def _norm(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


@dataclass(frozen=True)
class TrafVote:
    """trafilatura's main text, ready to be asked whether a block is in it."""

    flat: str  # lower-cased, whitespace collapsed
    words: frozenset[str]
    lines: int

    @classmethod
    def of(cls, text: str) -> TrafVote:
        flat = _norm(text)
        return cls(flat, frozenset(WORD_RE.findall(flat)), text.count("\n") + 1 if text else 0)

    def vote(self, text: str, norm: str | None = None, words: list[str] | None = None) -> tuple[float, float]:
        """(1.0 if the block's text is inside trafilatura's text else 0.0, the share of the
        block's words that trafilatura's text has). `norm`: the text already normalised (`norm`),
        `words`: its words already found (`WORD_RE.findall(norm)`)."""
        if not self.flat:
            return 0.0, 0.0
        if norm is None:
            norm = _norm(text)
        if norm and norm in self.flat:
            return 1.0, 1.0
        if words is None:
            words = WORD_RE.findall(norm)
        if not words:
            return 0.0, 0.0
        return 0.0, sum(w in self.words for w in words) / len(words)

    def holds(self, norm: str) -> float:
        """`vote(text, norm)[0]` without the words' share: 1.0 if the normalised text is inside."""
        return 1.0 if self.flat and norm and norm in self.flat else 0.0


def norm(text: str) -> str:
    """Lower case, whitespace collapsed: how a block is looked up in trafilatura's text."""
    return _norm(text)
