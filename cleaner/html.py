"""HTML input: main-text extraction through trafilatura (imported lazily)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    text: str
    title: str | None
    url: str | None


class HtmlError(ValueError):
    """The input could not be read as HTML."""


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
        with_metadata=True,
        output_format="python",
    )
    if doc is None:
        return Page("", None, url)
    text = getattr(doc, "text", None) or ""
    title = getattr(doc, "title", None)
    return Page(text, title, getattr(doc, "url", None) or url)
