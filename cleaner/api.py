"""The library's public functions. They never print and never exit."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from cleaner.config import CleanerConfig, resolve
from cleaner.html import TEXT_WORDS_MIN, looks_like_html, time_limit
from cleaner.pipeline import run_blocks
from cleaner.reading import clean_read
from cleaner.types import CleanResult, Removal

if TYPE_CHECKING:
    from cleaner.formats import Document
    from cleaner.html.mode import HtmlDocument


def warm(cfg: CleanerConfig, html: bool = False) -> None:
    """Build the rule set and load the models (all cached) before a document's time limit starts:
    the first document of a process must not pay for them against its limit."""
    from cleaner.models.line import load_line_model
    from cleaner.pipeline import ruleset_for

    ruleset_for(cfg)
    load_line_model(cfg.model)
    if html:
        from cleaner.html.blocks import load as load_dom_model

        load_dom_model(cfg.html_model)


class TextTimeout(ValueError):
    """A text took longer than the per-document limit (`CleanerConfig.html_timeout`, which holds
    for text as for pages): no input may stall a run."""


HTML_AS_TEXT = "this looks like an HTML page, cleaned here as text line by line: use clean_html() for a page"
LONE_CR = "its line breaks are carriage returns alone (classic Mac): its lines are those between them"


def clean(
    text: str,
    config: CleanerConfig | None = None,
    *,
    title: str | None = None,
    url: str | None = None,
    **overrides: Any,
) -> CleanResult:
    """Remove boilerplate lines from scraped text; keep every other line unchanged.

    `title` (the page's headline, when known) lets the duplicate-headline rule recognise
    repeats even when the headline itself is not in the text. `overrides` are CleanerConfig
    fields, applied on top of `config`. A text that takes longer than `html_timeout` seconds (the
    per-document limit; in a process's main thread) raises `TextTimeout`.
    """
    if not isinstance(text, str):
        raise TypeError(f"clean() takes text as str, not {type(text).__name__}; decode bytes first")
    _optional_str("clean", title=title, url=url)
    cfg = resolve(config, overrides)
    warm(cfg)
    # Line breaks that are carriage returns alone: read as one line, the whole text was one line to
    # the rules (nothing removed from a long one; a short one gone whole with a sign-up call in it).
    # Its lines are cleaned as lines, and given back with the breaks they had.
    lone_cr = "\n" not in text and "\r" in text.strip()
    with time_limit(cfg.html_timeout, TextTimeout, "the text"):
        given = text.replace("\r", "\n") if lone_cr else text
        # Markdown is cleaned as the text it shows, a text broken at every tag (a sentence's link,
        # each token of highlighted code on a line of its own) a sentence a line (`cleaner.reading`).
        result = clean_read(given, cfg, title, url)
    if lone_cr:
        result = _with_breaks(result, "\r")
    if looks_like_html(text):  # cleaned line by line, a page's markup comes back as it went in
        result = dataclasses.replace(result, warnings=(*result.warnings, HTML_AS_TEXT))
    return result


def _with_breaks(result: CleanResult, brk: str) -> CleanResult:
    """`result` of a text whose line breaks were `brk` and were read as "\\n": its text and the
    removed lines' texts with their own breaks again, and a warning that says how it was read."""

    def back(removals: list[Removal]) -> list[Removal]:
        return [dataclasses.replace(r, text=r.text.replace("\n", brk)) for r in removals]

    return dataclasses.replace(
        result,
        text=result.text.replace("\n", brk),
        removed=back(result.removed),
        restored=back(result.restored),
        warnings=(*result.warnings, LONE_CR),
    )


def clean_html(
    html: str | bytes,
    url: str | None = None,
    config: CleanerConfig | None = None,
    **overrides: Any,
) -> CleanResult:
    """The main text of an HTML page, with every cut explained.

    By default (`html_model="builtin"`) the page is parsed once and each of its text blocks is
    decided by the block model (`cleaner.html.blocks`) from the markup around it, its text, and
    whether trafilatura's main text has it; the text rules then run over the blocks as in text
    mode. The result's lines are the page's blocks (headings and list items on their own lines,
    blank lines between paragraphs); `.removed` lists every block left out, with its rule
    (`dom:<version>` for the model) and reason. With `html_model="off"`, trafilatura's main
    text is cleaned as text instead.

    `url`: the page's address; the block model reads its words (forum, product, docs, news...).
    Without one it reads the address the page gives itself (`<link rel="canonical">`, else
    `og:url`); `.url` reports only what the caller gave.

    The page title is used to spot repeated headlines and is returned as `.title`, but it is
    not part of `.text`. Comments are one more signal for the block model (a forum's replies are
    its main text, an article's comments are not); with "off" they are left out. Text the parse lost
    (a page nested deeper than the HTML parser's limit), or a page with text where nothing was
    kept, is named in `.warnings`: an empty `.text` is not always an empty page. So are the repairs
    made before parsing (`cleaner.html.page._readable`: bad bytes under the declared charset, lone
    surrogates, overlong scripts). A page that takes longer than `html_timeout` seconds raises
    `cleaner.html.HtmlTimeout` (an HtmlError). `clean_html_document` gives the same with the
    page's layout and metadata, for the output formats.
    """
    _optional_str("clean_html", url=url)
    return clean_html_page(html, url, resolve(config, overrides))[0]


def _optional_str(function: str, **given: object) -> None:
    """A TypeError naming the argument when `title` or `url` is neither a str nor None."""
    for name, value in given.items():
        if value is not None and not isinstance(value, str):
            raise TypeError(f"{function}() takes {name} as str or None, not {type(value).__name__}")


def clean_html_page(html: str | bytes, url: str | None, cfg: CleanerConfig) -> tuple[CleanResult, HtmlDocument]:
    """`clean_html` with the page as the pipeline saw it (`HtmlDocument`: its text, the lines the
    result's line numbers count, its blocks): for the output formats and `cleaner explain`."""
    from cleaner.html.category import rules_shown
    from cleaner.html.mode import html_document, line_of

    warm(cfg, html=True)
    with time_limit(cfg.html_timeout):
        doc = html_document(html, url, cfg)
        # with the block model, each line is a block: its markup names what a rule's drop is
        shown = rules_shown(doc.items, line_of(doc.items), doc.lines, doc.title) if doc.given is not None else None
        result = run_blocks(list(doc.lines), cfg, doc.title, doc.url, doc.given, doc.annotated, shown)
    warnings = doc.warnings + result.warnings
    if doc.given is not None and not result.text and not doc.warnings and doc.page_words >= TEXT_WORDS_MIN:
        warnings += (
            f"no main text found, although the page has about {doc.page_words:,} words of text "
            "(not an article? an index, a login wall): the output is empty",
        )
    return dataclasses.replace(result, warnings=warnings), doc


def clean_document(
    text: str,
    config: CleanerConfig | None = None,
    *,
    title: str | None = None,
    url: str | None = None,
    **overrides: Any,
) -> Document:
    """`clean` as a `cleaner.formats.Document`, for `cleaner.formats.render` (txt, json, markdown).

    Its title is `title`, else the headline the cleaning took (the first headline-sized line
    among the first few); date, author and site name are unknown (None) for a text."""
    from cleaner.formats import text_document

    return text_document(clean(text, config, title=title, url=url, **overrides))


def clean_html_document(
    html: str | bytes,
    url: str | None = None,
    config: CleanerConfig | None = None,
    *,
    metadata: bool = True,
    **overrides: Any,
) -> Document:
    """`clean_html` as a `cleaner.formats.Document`: with the layout the page's markup gives the
    kept lines (headings, list items, table rows, code) and the page's metadata (`cleaner.metadata`:
    title, url, date, author, site name; the url is the one given, else the page's own).
    `metadata=False`: only the title and the given url (reading the rest costs about 4 ms a page)."""
    from cleaner.formats import Document, kept_layout
    from cleaner.html.mode import page_text
    from cleaner.metadata import Metadata, page_metadata

    result, doc = clean_html_page(html, url, resolve(config, overrides))
    layout = kept_layout(doc.text, result, page_text(doc.items)[1], doc.items) if doc.items else ()
    meta = page_metadata(html, title=doc.title, url=url) if metadata else Metadata(doc.title, url)
    return Document(result, meta, layout)
