"""HTML mode, in one place.

* `cleaner.html.page`: reading a page (parse, title, own address, trafilatura's main text, the
  time limit), what `cleaner.html` was before it became this package; its names are here too.
* `cleaner.html.dom`: the page's DOM blocks.
* `cleaner.html.blocks`: the block model's features and the model file (`DomModel`, `load`).
* `cleaner.html.policy`: how the block model's scores become drops (the page's cut, the page policy).
* `cleaner.html.mode`: the entry, a page as the text pipeline gets it (`html_document`).

Only `page` is imported here: `import cleaner.html` stays light (numpy and the models load with
`cleaner.html.mode`).
"""

from cleaner.html.page import (
    PARSER_MAX_DEPTH,
    PARSER_MAX_TEXT,
    SCRIPT_MAX_CHARS,
    TEXT_WORDS_MIN,
    HtmlError,
    HtmlTimeout,
    Page,
    Prepared,
    extract,
    link_tags,
    looks_like_html,
    meta_tags,
    own_url,
    page_blocks,
    page_head,
    page_title,
    prepare,
    time_limit,
)
from cleaner.pagekind import URL_MAX_CHARS

__all__ = [
    "PARSER_MAX_DEPTH",
    "PARSER_MAX_TEXT",
    "SCRIPT_MAX_CHARS",
    "TEXT_WORDS_MIN",
    "URL_MAX_CHARS",
    "HtmlError",
    "HtmlTimeout",
    "Page",
    "Prepared",
    "extract",
    "link_tags",
    "looks_like_html",
    "meta_tags",
    "own_url",
    "page_blocks",
    "page_head",
    "page_title",
    "prepare",
    "time_limit",
]
