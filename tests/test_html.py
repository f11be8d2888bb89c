"""HTML input through trafilatura: main text, title kept out of the text but used."""

from __future__ import annotations

from typing import Any

import pytest

import cleaner

PARAGRAPHS = [
    "The city council approved a new budget for public transport on Tuesday, after months of debate about fares "
    "and the cost of running the old tram depot near the river.",
    "Council members said the budget would pay for forty new buses and longer opening hours at the central "
    "station, which commuters have asked for since the pandemic.",
    "The transport budget also funds a study of a new tram line to the university, which the council has "
    "discussed for a decade without reaching a decision.",
]
TITLE = "Council Approves Transport Budget After Months of Debate"


def page(body_extra: str = "") -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (
        f"<html><head><title>{TITLE}</title></head><body>"
        f"<nav><a href='/'>Home</a> | <a href='/news'>News</a></nav>"
        f"<article><h1>{TITLE}</h1>{paragraphs}{body_extra}</article>"
        "<footer>© 2024 Example Media. All rights reserved.</footer></body></html>"
    )


def test_clean_html_returns_the_article_and_the_title() -> None:
    result = cleaner.clean_html(page(), url="https://example.org/news/budget")
    assert result.title == TITLE
    for paragraph in PARAGRAPHS:
        assert paragraph in result.text
    assert "All rights reserved" not in result.text
    assert result.url == "https://example.org/news/budget"


def test_clean_html_removes_boilerplate_inside_the_article() -> None:
    extra = "<p>Get the newsletter</p><p>Share this article</p>"
    result = cleaner.clean_html(page(extra).encode("utf-8"))
    assert "Get the newsletter" not in result.text
    assert "Share this article" not in result.text
    assert {r.category.value for r in result.removed} >= {"newsletter", "promo"}


def test_clean_html_uses_the_title_for_repeated_headlines() -> None:
    extra = f"<p>{TITLE}</p>"
    result = cleaner.clean_html(page(extra))
    assert result.text.count(TITLE) <= 1


@pytest.mark.parametrize("html", ["", "   ", b"", "<html></html>", "not html at all"])
def test_clean_html_on_empty_or_odd_input_gives_text_not_an_error(html: str | bytes) -> None:
    result = cleaner.clean_html(html)
    assert isinstance(result.text, str)


def test_clean_html_rejects_non_text_input() -> None:
    with pytest.raises(TypeError, match="str or bytes"):
        cleaner.clean_html(12)  # type: ignore[arg-type]


def test_page_title_prefers_og_title_and_unescapes() -> None:
    from cleaner.html import page_title

    head = '<html><head><title>Site | Page</title><meta content="A &amp; B" property="og:title"></head>'
    assert page_title(head) == "A & B"
    assert page_title(b"<title>\n  Hello   world </title>") == "Hello world"
    assert page_title("<p>no head</p>") is None


def test_page_title_is_linear_on_hostile_heads() -> None:
    from cleaner.html import page_title

    # Many unterminated tags: a backtracking pattern took minutes on heads like these.
    assert page_title('<meta name="x" content="' * 20_000) is None
    assert page_title("<title>" * 50_000) is None


# -- warnings: text the page has that the extraction lost ---------------------------------------


def nested(depth: int, inner: str) -> str:
    return "<html><body>" + "<div>" * depth + inner + "</div>" * depth + "</body></html>"


def test_page_nested_beyond_the_parser_limit_warns() -> None:
    from cleaner.html import PARSER_MAX_DEPTH, extract

    deep = extract(nested(300, f"<p>{PARAGRAPHS[0]}</p>"))
    assert deep.text == ""
    assert len(deep.warnings) == 1
    assert f"{PARSER_MAX_DEPTH} levels deep" in deep.warnings[0] and "lost" in deep.warnings[0]
    shallow = extract(nested(100, f"<p>{PARAGRAPHS[0]}</p>"))
    assert PARAGRAPHS[0] in shallow.text
    assert shallow.warnings == ()


def test_clean_html_returns_the_extraction_warnings() -> None:
    """An empty `.text` from a page cut at the parser's nesting limit comes with a warning."""
    deep = cleaner.clean_html(nested(300, f"<p>{PARAGRAPHS[0]}</p>"))
    assert deep.text == ""
    assert len(deep.warnings) == 1 and "levels deep" in deep.warnings[0]
    assert cleaner.clean_html(page()).warnings == ()


def test_empty_extraction_from_a_page_with_text_warns() -> None:
    from cleaner.html import extract

    aside = "<html><body><aside>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "</aside></body></html>"
    found = extract(aside)
    assert found.text == ""
    assert len(found.warnings) == 1 and "no main text found" in found.warnings[0]
    assert extract("<html><body><aside><p>Menu</p></aside></body></html>").warnings == ()  # too little to say


@pytest.mark.parametrize("html", ["", "   ", b"", "<html></html>", "not html at all"])
def test_no_warnings_for_pages_without_text(html: str | bytes) -> None:
    from cleaner.html import extract

    assert extract(html).warnings == ()


def test_normal_pages_have_no_warnings_and_the_text_bare_extraction_gives() -> None:
    """extract parses once with trafilatura's load_html and hands it the tree: the text must be
    exactly what bare_extraction makes from the page itself (checked over all 1,497 wcxb-dev pages
    when this was written; these are the shapes: str, UTF-8 bytes, bytes in a declared charset)."""
    import trafilatura

    from cleaner.html import extract

    latin = f'<html><head><meta charset="iso-8859-1"></head><body><article><p>{PARAGRAPHS[0]} Café.</p></article>'
    pages: list[str | bytes] = [page(), page("<p>Share this article</p>").encode(), latin.encode("latin-1")]
    for html in pages:
        doc = trafilatura.bare_extraction(
            html, include_comments=False, include_tables=True, with_metadata=False, output_format="python"
        )
        extracted = extract(html)
        assert extracted.text == doc.text
        assert extracted.warnings == ()


# -- the page's own address -------------------------------------------------------------------


def with_head(head: str) -> str:
    return page().replace("</title>", "</title>" + head, 1)


@pytest.mark.parametrize(
    ("head", "found"),
    [
        ('<link rel="canonical" href="https://example.org/forum/t/42">', "https://example.org/forum/t/42"),
        ('<meta property="og:url" content="http://example.org/news/1">', "http://example.org/news/1"),
        (
            '<link rel="canonical" href="/relative/only"><meta property="og:url" content="https://example.org/a">',
            "https://example.org/a",
        ),
        ('<link rel="canonical" href="javascript:alert(1)">', None),
        ("", None),
        # og:url first in the page, a canonical link after it: the canonical link wins
        (
            '<meta property="og:url" content="https://example.org/og"><link rel="canonical" href="https://example.org/c">',
            "https://example.org/c",
        ),
        # no href, another rel, an unfilled template: the next one that is an address
        (
            '<link rel="canonical"><link rel="Canonical" href="https://example.org/x"><meta name="og:url" '
            'content="https://example.org/y"><link rel="canonical" href="https://[SITE_URL]/z">'
            '<link rel="canonical" href=" https://example.org/w "><meta property="og:url" content="https://example.org/v">',
            "https://example.org/w",
        ),
    ],
)
def test_prepare_reads_the_address_the_page_gives_itself(head: str, found: str | None) -> None:
    from cleaner.html import prepare

    assert prepare(with_head(head)).own_url == found


def test_a_page_without_url_is_read_with_its_own_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """The block model's URL words come from the page's canonical link when no url is given (the
    result still reports only the url the caller gave); a url given wins."""
    from cleaner.html import blocks as dommodel

    seen: list[str | None] = []
    real = dommodel.features

    def spy(*args: Any) -> Any:
        seen.append(args[6])  # items, lines, traf, rules, title, comments, url, read
        return real(*args)

    monkeypatch.setattr(dommodel, "features", spy)
    address = "https://example.org/forum/thread/42"
    html = with_head(f'<link rel="canonical" href="{address}">')
    bare = cleaner.clean_html(html)
    given = cleaner.clean_html(html, url="https://example.org/news/7")
    cleaner.clean_html(page())
    assert seen == [address, "https://example.org/news/7", None]
    assert bare.url is None and given.url == "https://example.org/news/7"


# -- pages the parser used to lose text on (issue 21, item 3) ------------------------------------


def _utf8_page(body_extra: str = "") -> str:
    return page(body_extra).replace("<head>", '<head><meta charset="utf-8">')


@pytest.mark.parametrize("html_model", ["builtin", "off"])
def test_a_stray_byte_in_a_page_declared_utf8_is_replaced_not_a_reason_to_guess(html_model: str) -> None:
    """One invalid byte made trafilatura guess another charset for the whole page: "cafÃĐ"."""
    data = _utf8_page("<p>We met at the café near the station, where the council had its first meeting.</p>")
    raw = data.encode("utf-8").replace(b"depot", b"dep\xffot")
    result = cleaner.clean_html(raw, html_model=html_model)
    assert "café" in result.text and "Ã" not in result.text
    assert any("1 byte(s) invalid" in w and "utf-8" in w for w in result.warnings)


def test_a_page_in_another_declared_charset_with_no_bad_bytes_is_left_to_trafilatura() -> None:
    raw = page("<p>Caf\xe9 society met near the river every Sunday morning for years.</p>").encode("cp1252")
    result = cleaner.clean_html(raw.replace(b"<head>", b'<head><meta charset="windows-1252">'), html_model="off")
    assert "Café society" in result.text and not result.warnings


@pytest.mark.parametrize("html_model", ["builtin", "off"])
def test_a_lone_surrogate_does_not_stop_the_parse(html_model: str) -> None:
    """A split emoji in a JSONL html field: lxml stopped there, four paragraphs became one line."""
    html = page("<p>The mayor posted a photo \ud83d of the new buses on the first day.</p>")
    html = html.replace("</h1>", "</h1><p>Residents cheered \ud83d as the buses arrived.</p>")
    result = cleaner.clean_html(html, html_model=html_model)
    for p in PARAGRAPHS:
        assert p in result.text
    assert "the new buses on the first day" in result.text
    assert any("lone surrogate" in w for w in result.warnings)


def test_a_text_node_beyond_the_parser_limit_is_not_the_end_of_the_page() -> None:
    """An 11 MB inline script: libxml2 stopped at it and everything after it was gone."""
    html = page().replace("<article>", "<script>var x = '" + "a" * 11_000_000 + "';</script><article>")
    result = cleaner.clean_html(html)
    for p in PARAGRAPHS:
        assert p in result.text
    assert any("emptied before parsing" in w for w in result.warnings)


def test_a_text_node_beyond_the_parser_limit_outside_a_script_warns() -> None:
    html = page().replace("<footer>", "<div>" + "a" * 10_500_000 + "</div><footer>")
    assert any("text from that point on was lost" in w for w in cleaner.clean_html(html, html_model="off").warnings)


@pytest.mark.parametrize("charset", ["utf-16", "no-such-charset"])
@pytest.mark.parametrize("stray", [b"\x80", b"\x80\x80"])  # odd and even lengths: utf-16 fails whole on one
def test_a_declared_charset_that_cannot_be_true_is_ignored(charset: str, stray: bytes) -> None:
    raw = _utf8_page().replace("utf-8", charset).encode("utf-8") + stray
    result = cleaner.clean_html(raw, html_model="off")
    assert PARAGRAPHS[0] in result.text and not any("U+FFFD" in w for w in result.warnings)


def test_a_timeout_is_not_swallowed_by_code_that_catches_exception():
    """trafilatura catches `Exception` around its extractors: a timeout raised there as an
    Exception was swallowed and the page ran on to its end, as if in time."""
    import contextlib
    import time

    from cleaner.html import HtmlTimeout, time_limit

    start = time.monotonic()
    with pytest.raises(HtmlTimeout, match="html_timeout"), time_limit(0.05):
        while time.monotonic() - start < 3:
            with contextlib.suppress(Exception):  # what a third-party extractor does
                time.sleep(0.01)  # the timer's signal arrives in here
    assert time.monotonic() - start < 2


def test_a_timeout_swallowed_once_is_raised_again() -> None:
    """A raise can land where Python ignores it (a __del__, a callback) or in a bare `except:`:
    the timer then fires again until the limit is honoured."""
    import time

    from cleaner.html import HtmlTimeout, time_limit

    start = time.monotonic()
    swallowed = 0
    with pytest.raises(HtmlTimeout, match="html_timeout"), time_limit(0.05):
        while time.monotonic() - start < 3:
            try:
                time.sleep(0.01)
            except BaseException:  # the worst a third party can do, once
                if swallowed:
                    raise
                swallowed += 1
    assert swallowed == 1 and time.monotonic() - start < 1


def test_a_time_limit_tick_inside_its_own_exit_does_not_raise_again() -> None:
    # The timer ticks again every tenth of the limit until the _Expired reaches the `with`; a tick that
    # landed while the `with`'s exit was already handling one left it as a bare _Expired, not
    # HtmlTimeout (one full test run on a loaded machine). The handler is called here as the signal would.
    import contextlib
    import signal
    import sys
    from types import SimpleNamespace

    from cleaner.html.page import _Expired, time_limit

    with time_limit(60):
        handler = signal.getsignal(signal.SIGALRM)
        assert callable(handler)
        handler(signal.SIGALRM, SimpleNamespace(f_code=contextlib._GeneratorContextManager.__exit__.__code__))
        with pytest.raises(_Expired):
            handler(signal.SIGALRM, sys._getframe())


def test_a_time_limit_tick_in_a_finalizer_is_dropped_and_the_next_one_raises() -> None:
    # A tick that lands in a __del__ is "unraisable": Python hands it to sys.unraisablehook. Those are
    # the limit's own (the next tick raises where it can), so they reach no other hook; one that
    # landed inside the reporting hook (pytest's) had failed a full test run with "Failed to process
    # unraisable exception". Other unraisable exceptions still reach the hook in place.
    import gc
    import sys
    import time

    from cleaner.html import HtmlTimeout, time_limit

    reported: list[type[BaseException] | None] = []
    before = sys.unraisablehook
    sys.unraisablehook = lambda info: reported.append(info.exc_type)

    class SlowToGo:
        def __del__(self) -> None:
            end = time.monotonic() + 0.02
            while time.monotonic() < end:  # the ticks land in here
                pass

    class Broken:
        def __del__(self) -> None:
            raise KeyError("not the limit's")

    try:
        start = time.monotonic()
        with pytest.raises(HtmlTimeout, match="html_timeout"), time_limit(0.05):
            Broken()
            while time.monotonic() - start < 0.3:  # past the limit: ticks every 5 ms, nearly all in a __del__
                SlowToGo()
                gc.collect()
            while time.monotonic() - start < 3:  # here the next one raises
                pass
        assert time.monotonic() - start < 2
    finally:
        sys.unraisablehook = before
    assert reported == [KeyError]


# What a page's bytes or a scraper's fragment look like before they reach the parser: a byte-order
# mark, markup without <html> around it, text that is no markup at all.
BODY = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)


@pytest.mark.parametrize(
    "given",
    [
        page().encode("utf-8-sig"),  # UTF-8 with a byte-order mark, as Windows editors save it
        "\ufeff" + page(),  # a decoded string that kept the mark
    ],
    ids=["utf-8-bytes-with-bom", "str-with-bom"],
)
def test_a_byte_order_mark_does_not_lose_the_page(given: str | bytes) -> None:
    # Before: libxml2 read the page after the mark as a fragment (a <p> its root), and the text was ''.
    result = cleaner.clean_html(given)
    assert result.text == cleaner.clean_html(page()).text
    for paragraph in PARAGRAPHS:
        assert paragraph in result.text


@pytest.mark.parametrize(
    "fragment",
    [
        f"<p>{PARAGRAPHS[0]}</p>",
        f"<body><div>{BODY}</div></body>",
        f"<article><div class='story'>{BODY}</div></article>",
        f"<!-- saved by a scraper --><div>{BODY}</div>".encode(),
        f'<?xml version="1.0" encoding="utf-8"?><!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"><body><div>{BODY}</div></body></html>',
    ],
    ids=["p", "body", "article", "bytes-after-comment", "xhtml-without-head"],
)
def test_a_fragment_keeps_its_text_and_says_where_it_was_refused(fragment: str | bytes) -> None:
    # trafilatura's loader refuses markup that does not name <html> near its start unless its root has
    # two children or more: the text of all of these came back '' with no word of why.
    import trafilatura

    result = cleaner.clean_html(fragment)
    text = fragment.decode() if isinstance(fragment, bytes) else fragment
    for paragraph in PARAGRAPHS:
        if paragraph in text:
            assert paragraph in result.text
    refused = trafilatura.load_html(fragment) is None
    assert any("read as a page's body" in w for w in result.warnings) == refused
    off = cleaner.clean_html(fragment, html_model="off")  # trafilatura's main text: the same reading
    assert PARAGRAPHS[0] in off.text
    assert any("read as a page's body" in w for w in off.warnings) == refused


def test_a_root_element_that_is_not_html_gives_its_own_text() -> None:
    # After an XML declaration libxml2 made the <p> the document's root, and the walk read only the
    # root's children.
    declared = '<?xml version="1.0" encoding="utf-8"?>'
    result = cleaner.clean_html(f"{declared}<html><body><p>{PARAGRAPHS[0]}</p></body></html>".encode())
    assert PARAGRAPHS[0] in result.text


@pytest.mark.parametrize("given", ["plain text, no markup in it at all", b'{"text": "a JSON record"}'])
def test_input_that_is_no_markup_is_said_to_be_so(given: str | bytes) -> None:
    for result in (cleaner.clean_html(given), cleaner.clean_html(given, html_model="off")):
        assert result.text == ""
        assert result.warnings == ("not HTML (no element found): nothing extracted",)
