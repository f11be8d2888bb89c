"""Markdown read as the text it shows: a link as its words, not its address.

The crawlers of LLM-data pipelines hand over a page as markdown (html2text, markdownify, Jina
Reader, Firecrawl, crawl4ai): a menu item is "* [Home](https://example.com/)", an image
"![A chart](https://example.com/chart.png)", a heading "## Pricing". The rules and the line model
were written and trained on text as a reader sees it; on markdown they saw addresses and marks,
and the model cleaned next to nothing (every 4th wcxb-dev page as html2text gives it: 0.527 as
given, 0.538 cleaned; read as its visible text and given back on its own lines, 0.676).

`visible_lines` gives each line of a markdown text as it shows (link and image text, no list,
heading or quote marks, no emphasis marks, no backslash before an escaped mark, no indentation
outside a fenced code block), or None for a text that is not markdown: under MARKDOWN of its
non-blank lines hold a link or an image (an extractor's text and a page's text nodes hold none),
and under ESCAPED_MIN lines escape a mark with a backslash (trafilatura's own markdown has no links
but writes a comment's button "[Reply]" as "\\[Reply\\]", which no rule knew). A line that shows
nothing (an image without alt text) is read as it is. A setext heading's underline ("=====") goes or
stays with its heading (`units`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

MARKDOWN = 0.1  # this share of a text's non-blank lines hold a link or an image...
MARKDOWN_MIN = 3  # ...and at least this many: over every 4th wcxb-dev page, 362 of 375 html2text texts, no other peer's
ESCAPED_MIN = 3  # lines with a backslash-escaped mark: markdown without links (trafilatura's, html2text's)
# Bounded repeats: a hostile line of ten thousand "[" or "**" must not cost a square of its length.
_LINKED = re.compile(r"!?\[[^\]\n]{0,500}\]\(")
_IMAGE = re.compile(r"!\[([^\]\n]{0,500})\]\((?:[^()\n]|\([^()\n]{0,500}\)){0,2000}\)")
_LINK = re.compile(r"\[([^\]\n]{0,500})\]\((?:[^()\n]|\([^()\n]{0,500}\)){0,2000}\)")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]{1,2000})>")
_LEAD = re.compile(r"^\s*(?:(?:#{1,6}|[*+-]|>)[^\S\n]+)+")
_EMPHASIS = re.compile(r"(\*\*|__|~~)(?=\S)([^\n]{1,300}?)(?<=\S)\1")
# CommonMark: a backslash before an ASCII punctuation mark shows the mark. Counted for the gate only
# where writers of markdown put them and prose does not ("\[", "\*", "\_", "\#"; not "\n" nor a path).
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_ESCAPED = re.compile(r"\\[\[\]*_#`]")
# A setext heading's underline ("Title" then "=====" or "-----"): markdownify's default and Jina
# Reader's page title. Not a table's separator ("|---|") nor a rule after a blank line.
_UNDERLINE = re.compile(r" {0,3}(?:=+|-+)[ \t]*")


def _fence(line: str) -> bool:
    """Whether `line` opens or closes a fenced code block (whose lines are read as they are)."""
    return line.lstrip().startswith(("```", "~~~"))


def visible(line: str) -> str:
    """`line` as it shows: images and links by their text, no leading list, heading or quote marks,
    no bold or struck-through marks; the line itself where that leaves nothing."""
    shown = _IMAGE.sub(r"\1", line)
    shown = _LINK.sub(r"\1", shown)
    shown = _LINK.sub(r"\1", shown)  # a link around an image: "[![logo](a.png)](/)"
    shown = _AUTOLINK.sub(r"\1", shown)
    shown = _EMPHASIS.sub(r"\2", _LEAD.sub("", shown))
    if "\\" in shown:
        shown = _ESCAPE.sub(r"\1", shown)
    return shown if shown.strip() else line


def units(lines: Sequence[str]) -> list[tuple[int, int]]:
    """The lines of a markdown text in units, (first, last) each: a setext heading and its underline
    together, every other line alone (`cleaner.reading` removes or keeps an underline with its heading)."""
    out: list[tuple[int, int]] = []
    k, fenced = 0, False
    while k < len(lines):
        line = lines[k]
        if _fence(line):
            fenced = not fenced
        heading = (
            not fenced
            and k + 1 < len(lines)
            and line.strip() != ""
            and not line.lstrip().startswith(("|", ">", "#"))
            and _UNDERLINE.fullmatch(lines[k + 1]) is not None
        )
        out.append((k, k + 1) if heading else (k, k))
        k += 2 if heading else 1
    return out


def visible_lines(lines: Sequence[str]) -> list[str] | None:
    """Each line as it shows (`visible`), or None when the text is not markdown (MARKDOWN)."""
    filled = linked = escaped = 0
    for line in lines:
        if line.strip():
            filled += 1
            linked += "](" in line and _LINKED.search(line) is not None
            escaped += "\\" in line and _ESCAPED.search(line) is not None
    if linked < max(MARKDOWN_MIN, MARKDOWN * filled) and escaped < ESCAPED_MIN:
        return None
    out = []
    fenced = False  # inside a fenced code block: its lines as they are
    for line in lines:
        if _fence(line):
            fenced = not fenced
            out.append(line)
        elif fenced:
            out.append(line)
        else:  # a list item's indented lines (a comment's text in a thread) read as the paragraphs they are
            first = line.lstrip()[:1]
            shown = visible(line) if "[" in line or "\\" in line or (first and first in "#*+->_~") else line
            out.append(shown.strip() or shown)
    return out
