"""HTML input: main-text extraction through trafilatura (imported lazily)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape


@dataclass(frozen=True)
class Page:
    text: str
    title: str | None
    url: str | None


class HtmlError(ValueError):
    """The input could not be read as HTML."""


_HEAD_BYTES = 200_000  # the title lives in the head; never scan a 10 MB body for it
_META = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_TITLE = re.compile(r"<title[^>]*>(.{0,2000}?)</title\s*>", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"\s+")


def page_title(html: str | bytes) -> str | None:
    """The page's headline: og:title, else <title>, read from the head in linear time. Asking
    trafilatura for metadata instead doubles its cost (measured: 8.9 s vs 4.7 s on 60 wcxb-dev
    pages)."""
    head = html[:_HEAD_BYTES]
    if isinstance(head, bytes):
        head = head.decode("utf-8", errors="replace")
    for tag in _META.finditer(head):  # each tag is bounded by its '>': linear in the head
        attrs = {m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or "" for m in _ATTR.finditer(tag.group())}
        if (attrs.get("property") or attrs.get("name") or "").lower() == "og:title":
            title = _clean_title(attrs.get("content", ""))
            if title:
                return title
    m = _TITLE.search(head)
    return _clean_title(m.group(1)) if m else None


def _clean_title(value: str) -> str | None:
    return _SPACES.sub(" ", unescape(value)).strip() or None


def extract(html: str | bytes, url: str | None = None) -> Page:
    if not isinstance(html, str | bytes):
        raise TypeError(f"clean_html() takes str or bytes, not {type(html).__name__}")
    if not html.strip():
        return Page("", None, url)
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        url=url,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
        output_format="python",
    )
    if doc is None:
        return Page("", page_title(html), url)
    text = getattr(doc, "text", None) or ""
    return Page(text, page_title(html), url)
