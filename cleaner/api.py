"""The library's public functions. They never print and never exit."""

from __future__ import annotations

import dataclasses
from typing import Any

from cleaner.config import CleanerConfig, resolve
from cleaner.pipeline import run
from cleaner.types import CleanResult


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
    fields, applied on top of `config`.
    """
    if not isinstance(text, str):
        raise TypeError(f"clean() takes text as str, not {type(text).__name__}; decode bytes first")
    return run(text, resolve(config, overrides), title=title, url=url)


def clean_html(
    html: str | bytes,
    url: str | None = None,
    config: CleanerConfig | None = None,
    **overrides: Any,
) -> CleanResult:
    """Extract the main text of an HTML page with trafilatura, then clean it.

    The page title is used to spot repeated headlines and is returned as `.title`, but it is
    not part of `.text`. Comments are left out of the extraction (they are not the article).
    Text the extraction lost (a page nested deeper than the HTML parser's limit, no main text
    found on a page that has text) is named in `.warnings`: an empty `.text` is not always an
    empty page.
    """
    from cleaner.html import extract

    cfg = resolve(config, overrides)
    page = extract(html, url=url)
    result = run(page.text, cfg, title=page.title, url=page.url or url)
    return dataclasses.replace(result, warnings=page.warnings + result.warnings)
