"""HTML input: main-text extraction through trafilatura (imported lazily).

An extraction can come back empty for a reason the user should hear about: libxml2 stops
parsing at 256 nested elements (its default limit), so a page nested deeper loses everything
from that point on, silently. `extract` says so in `Page.warnings` rather than guessing.
"""

from __future__ import annotations

import codecs
import contextlib
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import unescape
from typing import TYPE_CHECKING, Any

from cleaner.pagekind import URL_MAX_CHARS

if TYPE_CHECKING:
    from types import FrameType

    from cleaner.html.dom import DomBlock
    from cleaner.types import Block


@dataclass(frozen=True)
class Page:
    text: str
    title: str | None
    url: str | None
    warnings: tuple[str, ...] = ()  # human-readable: text the page has that `text` may lack


class HtmlError(ValueError):
    """The input could not be read as HTML, or took too long to process (`HtmlTimeout`)."""


class HtmlTimeout(HtmlError):
    """A page took longer than the configured limit (`CleanerConfig.html_timeout`)."""


class _Expired(BaseException):
    """The timer's signal, raised where the code happens to be. Not an Exception: trafilatura
    catches `Exception` around its extractors, and a timeout raised as one was swallowed there (the
    page then ran to its end and came back as if in time)."""


@contextlib.contextmanager
def time_limit(
    seconds: float | None, error: Callable[[str], Exception] = HtmlTimeout, what: str = "the page"
) -> Iterator[None]:
    """Raise `error` (HtmlTimeout by default) when the body of the `with` runs longer than `seconds`.

    A POSIX interval timer (SIGALRM), so it applies in the main thread only (the CLI's workers
    are processes: each page there is limited); elsewhere, or with None, there is no limit. A
    timer already running (an outer limit) is put back afterwards, less the time spent here."""
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    done = False
    # Ticks that land in this generator or in the `with`'s exit, which are handling an _Expired
    # already, do not raise again: one there would leave the `with` as a bare _Expired, not `error`
    # (seen once in a full test run on a loaded machine).
    handling = {sys._getframe().f_code, contextlib._GeneratorContextManager.__exit__.__code__}

    def expired(signum: int, frame: FrameType | None) -> None:
        if not done and (frame is None or frame.f_code not in handling):
            raise _Expired

    # A tick that lands in a __del__ or a weakref callback is "unraisable": Python hands it to
    # sys.unraisablehook and goes on. Those are ours to drop (the next tick raises where it can); a
    # tick that landed in the hook that reports them raised there too ("Failed to process unraisable
    # exception", a failure in a full test run).
    reporter = sys.unraisablehook

    def unraisable(info: Any) -> None:
        if not isinstance(info.exc_value, _Expired):
            reporter(info)

    handling.add(unraisable.__code__)
    start = time.monotonic()
    sys.unraisablehook = unraisable
    previous = signal.signal(signal.SIGALRM, expired)
    # Then again every RETRY: a raise that lands where Python ignores exceptions (a __del__, a
    # weakref callback) or where a bare `except:` eats it would otherwise be the only one.
    outer, interval = signal.setitimer(signal.ITIMER_REAL, seconds, min(max(seconds / 10, 0.01), 1.0))
    try:
        yield
    except _Expired:
        done = True
        raise error(f"{what} took longer than {seconds:g} s to process (html_timeout); skipped") from None
    finally:
        done = True
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        sys.unraisablehook = reporter
        if outer:
            left = outer - (time.monotonic() - start)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), interval)


_HEAD_BYTES = 200_000  # the title lives in the head; never scan a 10 MB body for it
_META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_LINK = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
# A name only starts after a character that cannot be in one (the lookbehind) and is taken whole:
# linear in the tag, where <meta + 60,000 letters + > took 40 s.
_ATTR = re.compile(r"""(?<![\w:.-])([\w:.-]++)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_TITLE = re.compile(r"<title[^>]*>(.{0,2000}?)</title\s*>", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"\s+")


def page_title(html: str | bytes) -> str | None:
    """The page's headline: og:title, else <title>, read from the head in linear time. Asking
    trafilatura for metadata instead doubles its cost (measured: 8.9 s vs 4.7 s on 60 wcxb-dev
    pages)."""
    head = page_head(html)
    for attrs in meta_tags(head):
        if (attrs.get("property") or attrs.get("name") or "").lower() == "og:title":
            title = _clean_title(attrs.get("content", ""))
            if title:
                return title
    m = _TITLE.search(head)
    return _clean_title(m.group(1)) if m else None


def page_head(html: str | bytes) -> str:
    """The first _HEAD_BYTES of a page as text: where its title and <meta> tags are."""
    head = html[:_HEAD_BYTES]
    return head.decode("utf-8", errors="replace") if isinstance(head, bytes) else head


def meta_tags(head: str) -> Iterator[dict[str, str]]:
    """The attributes of each <meta> tag (names lower-cased), in linear time: each tag is bounded
    by its '>'."""
    yield from _tags(_META, head)


def link_tags(head: str) -> Iterator[dict[str, str]]:
    """The attributes of each <link> tag, as `meta_tags`."""
    yield from _tags(_LINK, head)


def _tags(pattern: re.Pattern[str], head: str) -> Iterator[dict[str, str]]:
    for tag in pattern.finditer(head):
        yield {m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or "" for m in _ATTR.finditer(tag.group())}


def _clean_title(value: str) -> str | None:
    return _SPACES.sub(" ", unescape(value)).strip() or None


_SNIFF_CHARS = 4_096
# Comments before a page's first tag, skipped without backtracking into them (a run of comments with
# no tag after made a plain `*` try every way to split them: 600 of them never ended).
_COMMENTS = r"(?:<!--.*?-->\s*)*+"
_HTML_START = re.compile(
    rf"\A(?:\ufeff)?\s*{_COMMENTS}<(?:!doctype\s+html|html[\s>]|head[\s>])", re.IGNORECASE | re.DOTALL
)
_HTML_BODY = re.compile(r"<body[\s>]", re.IGNORECASE)


def looks_like_html(data: str | bytes) -> bool:
    """Whether a document is an HTML page rather than text: it opens with a doctype, <html> or
    <head>, or has a <body> tag near its top. Text that quotes a tag or two is not a page."""
    head = _sniffed(data)
    return bool(_HTML_START.match(head) or _HTML_BODY.search(head))


def _sniffed(data: str | bytes) -> str:
    """The first _SNIFF_CHARS of a document as text, for a look at its markup."""
    head = data[:_SNIFF_CHARS]
    return head.decode("utf-8", errors="replace") if isinstance(head, bytes) else head


PARSER_MAX_DEPTH = 256  # libxml2's nesting limit without XML_PARSE_HUGE (trafilatura's parser)
# One XPath step per level: it matches when the tree reaches the parser's ceiling. Run in C over
# the parsed tree, about 0.3 ms a page.
_AT_CEILING = "/" + "/".join(["*"] * PARSER_MAX_DEPTH)
# Text a reader would see: not in the head, scripts, styles or noscript fallbacks.
_VISIBLE_TEXT = "//text()[not(ancestor::head or ancestor::script or ancestor::style or ancestor::noscript)]"
TEXT_WORDS_MIN = 50  # an empty extraction from a page with this many words of text is worth a warning


PARSER_MAX_TEXT = 10_000_000  # libxml2's longest text node without XML_PARSE_HUGE: it stops there
SCRIPT_MAX_CHARS = 1_000_000  # a script or style this long is dropped before parsing (no text in it)
_CHARSET = re.compile(rb"""<meta\b[^>]{0,500}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_BAD_SHARE = 0.01  # a page with more undecodable bytes than this does not mostly decode under its charset
_ESCAPED = re.compile("[\udc80-\udcff]")  # one undecodable byte each, under surrogateescape
_SURROGATE = re.compile("[\ud800-\udfff]")
_SCRIPT_TAG = re.compile(r"<(/?)(?:script|style)\b[^>]{0,2000}>", re.IGNORECASE)
_LONG_TEXT = re.compile(f"(?<![^<])[^<]{{{PARSER_MAX_TEXT},}}")  # tried only where a run of text starts


def _readable(html: str | bytes) -> tuple[str | bytes, tuple[str, ...]]:
    """The page as the parser should get it, and what was changed to get there: bytes under the
    charset the page declares, lone surrogates (a split emoji in JSON) and overlong scripts out,
    each of which otherwise costs text (a wrong charset, or libxml2 stopping there)."""
    warnings: tuple[str, ...] = ()
    # A byte-order mark before UTF-8 (Windows editors write one) or left on a decoded string: libxml2
    # reads the document after it as a fragment (the root a <p>, the page's text lost).
    if isinstance(html, bytes) and html.startswith(codecs.BOM_UTF8):
        html = html[len(codecs.BOM_UTF8) :]
    elif isinstance(html, str) and html.startswith("\ufeff"):
        html = html[1:]
    if isinstance(html, bytes):
        html, warnings = _decode_declared(html)
    if isinstance(html, str):
        found = len(_SURROGATE.findall(html))
        if found:
            html = _SURROGATE.sub("\ufffd", html)
            warnings += (f"{found:,} lone surrogate code point(s) (a split emoji?) replaced by U+FFFD before parsing",)
    if len(html) > PARSER_MAX_TEXT:
        if isinstance(html, bytes):
            from trafilatura.utils import decode_file

            html = decode_file(html)
        html, more = _without_long_scripts(html)
        warnings += more
    return html, warnings


def _decode_declared(data: bytes) -> tuple[str | bytes, tuple[str, ...]]:
    """A page that is not UTF-8 but mostly decodes under the charset it declares is decoded so,
    its few bad bytes replaced: left to trafilatura, one stray byte in a page declared UTF-8 made
    it guess another charset for the whole page ("cafÃĐ")."""
    try:
        data.decode("utf-8")
        return data, ()
    except UnicodeDecodeError:
        pass
    m = _CHARSET.search(data[:_SNIFF_CHARS])
    if m is None:
        return data, ()
    try:
        codec = codecs.lookup(m.group(1).decode("ascii")).name
        if "<meta".encode(codec) != b"<meta":  # a declaration read as ASCII cannot be true (utf-16)
            return data, ()
        text = data.decode(codec, errors="surrogateescape")
    except (LookupError, UnicodeError):  # an unknown charset, or one that fails whole (truncated)
        return data, ()
    bad = len(_ESCAPED.findall(text))
    if not bad or bad > _BAD_SHARE * len(data):
        return data, ()
    return _ESCAPED.sub("\ufffd", text), (
        f"{bad:,} byte(s) invalid in the page's declared charset ({codec}) were replaced by U+FFFD",
    )


def _without_long_scripts(html: str) -> tuple[str, tuple[str, ...]]:
    """Empty the scripts and styles of over SCRIPT_MAX_CHARS (they carry no text) and warn of any
    text node still over libxml2's limit: the parser drops everything from there on."""
    parts, last, opened, dropped = [], 0, -1, 0
    for m in _SCRIPT_TAG.finditer(html):
        if not m.group(1):
            opened = m.end() if opened < 0 else opened
        elif opened >= 0:
            if m.start() - opened > SCRIPT_MAX_CHARS:
                parts.append(html[last:opened])
                last, dropped = m.start(), dropped + 1
            opened = -1
    if dropped:
        html = "".join([*parts, html[last:]])
    warnings: tuple[str, ...] = ()
    if dropped:
        warnings += (
            f"{dropped:,} script(s) or style(s) of over {SCRIPT_MAX_CHARS:,} characters emptied before parsing",
        )
    if _LONG_TEXT.search(html):
        warnings += (
            f"the page has a text node of over {PARSER_MAX_TEXT:,} characters, the HTML parser's limit: "
            "the text from that point on was lost",
        )
    return html, warnings


def extract(html: str | bytes, url: str | None = None) -> Page:
    """The page's main text and title, and a warning when text was lost on the way.

    The page is parsed once, by trafilatura's own `load_html` (so the tree, and the text, are
    exactly what `bare_extraction(html)` would make), and the tree is checked before extraction.
    """
    if not isinstance(html, str | bytes):
        raise TypeError(f"clean_html() takes str or bytes, not {type(html).__name__}")
    if not html.strip():
        return Page("", None, url)
    import trafilatura

    tree, read = _parse(html)  # a fragment trafilatura's loader refuses is read as a page's body
    if tree is None:  # not HTML at all: bare_extraction would give up on it the same way
        return Page("", page_title(html), url, read)
    warnings = _depth_warning(tree)
    doc = trafilatura.bare_extraction(
        tree,  # bare_extraction works on a copy: `tree` stays as parsed
        url=url,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
        output_format="python",
    )
    text = (getattr(doc, "text", None) or "") if doc is not None else ""
    if not text and not warnings:
        warnings = _empty_warning(tree)
    return Page(text, page_title(html), url, read + warnings)


def _depth_warning(tree: Any) -> tuple[str, ...]:
    """A tree that reaches the parser's ceiling was (all but certainly) cut there: libxml2 drops
    everything from the first element nested too deep to the end of the page."""
    if not tree.xpath(_AT_CEILING):
        return ()
    return (
        f"the page nests elements {PARSER_MAX_DEPTH} levels deep, the HTML parser's limit: "
        "the text from that point on was lost",
    )


def _empty_warning(tree: Any) -> tuple[str, ...]:
    """No main text from a page that visibly has text: the output file will be empty."""
    words = sum(len(s.split()) for s in tree.xpath(_VISIBLE_TEXT))
    if words < TEXT_WORDS_MIN:
        return ()
    return (f"no main text found, although the page has about {words:,} words of text: the output is empty",)


@dataclass(frozen=True, eq=False)
class Prepared:
    """A page read for the block model: its DOM blocks (`cleaner.html.dom`), each block's text as a
    line Block (`lines[i]` is block i), trafilatura's main text, the title, and warnings."""

    items: list[DomBlock]
    lines: list[Block]
    traf_text: str
    traf_comments: str  # the comments trafilatura found (forums, blogs): one more vote
    title: str | None
    url: str | None
    warnings: tuple[str, ...]
    own_url: str | None = None  # the address the page gives itself (canonical link or og:url)
    kind: tuple[float, ...] = ()  # the page-kind evidence (`cleaner.pagekind.PAGE_NAMES`)
    read_text: str = ""  # readability's main text (trafilatura's fallback extractor): a second vote


def own_url(tree: Any) -> str | None:
    """The address a page gives itself: its `<link rel="canonical">`, else its `og:url`; absolute
    http(s) only. Most pages carry one (139 of the quality gate's 150 wcxb-dev pages)."""
    canonical: list[str] = []
    og: list[str] = []
    for el in tree.iter("link", "meta"):  # one walk, in document order, for what two XPaths found
        if el.tag == "link":
            href = el.get("href")
            if href is not None and el.get("rel") == "canonical":
                canonical.append(href)
        else:
            content = el.get("content")
            if content is not None and el.get("property") == "og:url":
                og.append(content)
    for values in (canonical, og):
        for value in values:
            found = value.strip()
            if found.lower().startswith(("http://", "https://")) and len(found) <= URL_MAX_CHARS:
                from cleaner.pagekind import split_url

                if split_url(found)[0]:  # parses, with a host ("https://[SITE_URL]/x" does not)
                    return found
    return None


def _parse(html: str | bytes) -> tuple[Any, tuple[str, ...]]:
    """The page's lxml tree as trafilatura parses it, or None (empty, or not HTML at all), and
    what reading it changed (`_readable`)."""
    if not html.strip():
        return None, ()
    import trafilatura

    source, read = _readable(html)
    try:
        tree = trafilatura.load_html(source)
    except (TypeError, ValueError):
        tree = None
    if tree is None and _FRAGMENT.match(_sniffed(source)):
        # A fragment (an <article>, a <p>, a <body> alone): trafilatura refuses markup that does not
        # name <html> near its start unless it parses to two elements or more; as a page's body it reads.
        wrapped = (
            _BODY_OPEN + source + _BODY_CLOSE
            if isinstance(source, str)
            else _BODY_OPEN.encode() + source + _BODY_CLOSE.encode()
        )
        with contextlib.suppress(TypeError, ValueError):
            tree = trafilatura.load_html(wrapped)
        if tree is not None:
            read += ("markup without a page around it (no <html> at its start): read as a page's body",)
    if tree is None:
        read += ("not HTML (no element found): nothing extracted",)
    return tree, read


_FRAGMENT = re.compile(
    rf"\A\s*+(?:<\?xml[^>]*>\s*)?(?:<!doctype[^>]*>\s*)?{_COMMENTS}<[A-Za-z][\w:-]*[\s/>]", re.DOTALL | re.IGNORECASE
)
_BODY_OPEN, _BODY_CLOSE = "<html><body>", "</body></html>"


def page_blocks(html: str | bytes) -> list[DomBlock]:
    """The page's DOM blocks alone (`cleaner.html.dom`), as `prepare` walks them, without asking
    trafilatura for its main text: what site templates count (`cleaner learn-sites`)."""
    from cleaner.html import dom

    tree = _parse(html)[0]
    return [] if tree is None else dom.blocks(tree)


def prepare(html: str | bytes, url: str | None = None) -> Prepared:
    """Parse the page once; walk the tree for blocks (before trafilatura sees it: it works on a
    copy, but the walk must see the page as parsed) and ask trafilatura for its main text."""
    from cleaner import pagekind
    from cleaner.html import dom
    from cleaner.segment import make_block

    if not isinstance(html, str | bytes):
        raise TypeError(f"clean_html() takes str or bytes, not {type(html).__name__}")
    title = page_title(html) if html.strip() else None
    tree, read = _parse(html)
    if tree is None:
        return Prepared([], [], "", "", title, url, read, None, tuple(0.0 for _ in pagekind.PAGE_NAMES))
    import trafilatura

    warnings = read + _depth_warning(tree)
    items = dom.blocks(tree)
    if len(items) > dom.MODEL_MAX_BLOCKS:
        # trafilatura's extraction of such a page costs more than all the rest (300,000 table
        # cells: 11 s and 0.9 GB): the page's own blocks are its text (`cleaner.html.mode.html_document`).
        lines = [make_block(i, b.text) for i, b in enumerate(items)]
        none = tuple(0.0 for _ in pagekind.PAGE_NAMES)
        return Prepared(items, lines, "", "", title, url, warnings, own_url(tree), none)
    # With comments: the main text is the same as without (they are extracted apart), and the
    # comments come at no extra parse. `fast`: without trafilatura's fallback extractors
    # (readability, jusText), a third of its time; measured in 5-fold CV on wcxb-dev, the block
    # model's F1 is the same with either vote (0.8610 fast, 0.8605 full, bench/cv_dom.py runs).
    # Readability's own text is a vote of its own (`readability`): where trafilatura's choice between
    # the two would be a guess, the block model reads both (news-dev/l3s-gn1 +0.008, two seeds).
    doc = trafilatura.bare_extraction(
        tree,
        url=url,
        include_comments=True,
        include_tables=True,
        with_metadata=False,
        output_format="python",
        fast=True,
    )
    traf_text = (getattr(doc, "text", None) or "") if doc is not None else ""
    comments = (getattr(doc, "comments", None) or "") if doc is not None else ""
    lines = [make_block(i, b.text) for i, b in enumerate(items)]
    address = own_url(tree)
    kind = pagekind.features(
        tree,
        url or address,
        [b.text for b in items],
        [float(b.words) for b in lines],
        [min(1.0, b.link_chars / len(b.text)) if b.text else 0.0 for b in items],
        [b.tag for b in items],
        [b.signature for b in items],
        traf_text,
        comments,
    )
    # readability last: it prunes the tree, which nothing reads after it (the blocks hold no element)
    return Prepared(
        items, lines, traf_text, comments, title, url, warnings, address, tuple(kind), readability(tree, own=True)
    )


def readability(tree: Any, own: bool = False) -> str:
    """The page's main text as readability sees it (trafilatura's port of readability-lxml, the
    generic algorithm its full extraction falls back on): a second vote beside trafilatura's own
    (`fast`) extraction, which can take a menu or a fragment of an old table layout. About a fifth
    of the fast extraction's time. Readability prunes the tree it reads: it reads a copy, unless
    the tree is the caller's to give away (`own`: nothing reads it after, as in `prepare`, where it
    is the last reader; the copy cost 1.7 ms of a wcxb-dev page's 10 ms of readability)."""
    from copy import deepcopy

    from trafilatura.external import try_readability

    found = try_readability(tree if own else deepcopy(tree))
    return "\n".join(t for t in found.itertext() if t.strip())
