"""Output formats: a cleaned document as plain text (txt), JSON or Markdown.

A `Document` is a cleaning's `CleanResult` with what the input says about itself (`Metadata`:
title, url, date, author, site name) and, for an HTML page, what the markup made each kept line
(`Layout`: a heading, a list item, a table cell, a line of code). `render` writes it:

* txt: the kept lines. A text input's is its `CleanResult.text`, byte for byte. An HTML page's
  joins the kept cells of a table row into one line (" | " between them) and keeps a code
  block's lines together (no blank line inside it); the title is not in it (the body only).
* markdown: the same lines with their structure: `#` headings, `- ` list items, table rows as
  `| a | b |` (a `| --- |` row under the first row of a table, `|` in a cell escaped), code in
  ``` fences, indentation kept. The title comes first as a `#` heading, unless the document's
  first line is already its headline.
* json: one object: title, url, date, author, site_name (null where unknown), text (the txt),
  removed (as `--report` writes them: lines, category, rule, reason, score, text) and warnings.

Only whole lines are kept or left out; a line's text is never changed (markdown adds its
markers around the text, and escapes `|` inside a table cell, where markdown would read it as a
column break).
"""

from __future__ import annotations

import functools
import itertools
import json
from collections import Counter
from collections.abc import Container, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TYPE_CHECKING

from cleaner.metadata import Metadata
from cleaner.revise import HEADLINE_SEARCH, headline_sized
from cleaner.segment import make_block, normalize
from cleaner.types import CleanResult

if TYPE_CHECKING:
    from cleaner.html.dom import DomBlock


class Format(StrEnum):
    """What `cleaner clean --format` writes."""

    TXT = "txt"
    JSON = "json"
    MARKDOWN = "markdown"

    @property
    def extension(self) -> str:
        return {Format.TXT: ".txt", Format.JSON: ".json", Format.MARKDOWN: ".md"}[self]


class Role(StrEnum):
    """What the page's markup made a line."""

    TEXT = "text"
    HEADING = "heading"
    ITEM = "item"  # a list item
    CELL = "cell"  # a table cell
    CODE = "code"  # a line of a <pre>
    QUOTE = "quote"  # a line of a <blockquote>


@dataclass(frozen=True, slots=True)
class Layout:
    role: Role = Role.TEXT
    level: int = 0  # a heading's level, 1 to 6; a list item's depth (1: a list of its own)
    group: int = 0  # the table row of a cell, the code block of a line of code
    cell: int = 0  # a cell's own number: lines of one cell (`<td><p>a</p><p>b</p></td>`) join into it
    number: int = 0  # a list item's number in an ordered list (0: a bullet)


TEXT = Layout()
CELL_SEPARATOR = " | "
CELL_LINE_BREAK = " / "  # in txt, between the lines of one cell (`<td>a<br>b</td>`); markdown has "<br>"


@dataclass(frozen=True)
class Document:
    """A cleaned document and what is known about it; `layout` has one entry per line of
    `result.text` (empty: every line is plain text)."""

    result: CleanResult
    metadata: Metadata
    layout: tuple[Layout, ...] = ()

    @property
    def title(self) -> str | None:
        return self.metadata.title

    @property
    def text(self) -> str:
        """The txt rendering: the body's kept lines, a table row on one line."""
        return render(self, Format.TXT)


def block_layout(block: DomBlock, cells: Container[int] = ()) -> Layout:
    """What an HTML block is, from its tag (`cleaner.html.dom`): `cells`, the table cells whose
    text inside a `<p>` or `<div>` is still the cell's (`data_cells`); the first text of a list
    item inside a `<p>` is the item (`DomBlock.level`)."""
    if block.pre:
        return Layout(Role.CODE, group=block.pre)
    if block.tag in ("td", "th"):
        return Layout(Role.CELL, group=block.ancestors[0] if block.ancestors else 0, cell=block.cell)
    if block.cell in cells:
        return Layout(Role.CELL, group=block.row, cell=block.cell)
    found = _BY_TAG.get(block.tag, TEXT)
    if block.level and (found is _ITEM or found is TEXT):  # the start of a list item (its own text or its <p>)
        return Layout(Role.ITEM, level=block.level, number=block.number)
    if found is not TEXT:
        return found
    return _QUOTE if block.containers & _in_quote() else TEXT


_BY_TAG = {f"h{n}": Layout(Role.HEADING, level=n) for n in range(1, 7)} | {"li": Layout(Role.ITEM)}
_ITEM = _BY_TAG["li"]
_QUOTE = Layout(Role.QUOTE)


@functools.cache
def _in_quote() -> int:
    """The `DomBlock.containers` bit of a <blockquote> (cleaner.html.dom is read only for pages)."""
    from cleaner.html.dom import CONTAINERS

    return 1 << CONTAINERS.index("blockquote")


CELL_MAX_BLOCKS = 4  # a cell of more blocks than this, or of more words than CELL_MAX_WORDS, holds a page's
CELL_MAX_WORDS = 100  # text (a layout table's cell: an article, a sidebar), not a table's value
_HEADINGS = frozenset(f"h{n}" for n in range(1, 7))


def data_cells(items: Sequence[DomBlock]) -> frozenset[int]:
    """The table cells (`DomBlock.cell`) whose blocks inside a `<p>` or `<div>` are a value, not a
    page laid out in a table: at most CELL_MAX_BLOCKS blocks and CELL_MAX_WORDS words, no heading
    (a 2008 news page's headline and date in a layout table's cell), in a row of two cells or more."""
    blocks: Counter[int] = Counter()
    words: Counter[int] = Counter()
    row_of: dict[int, int] = {}
    layout: set[int] = set()
    for b in items:
        if b.cell:
            blocks[b.cell] += 1
            words[b.cell] += len(b.text.split())
            row_of[b.cell] = b.row
            if b.tag in _HEADINGS:
                layout.add(b.cell)
    cells_in_row = Counter(row_of.values())
    return frozenset(
        c
        for c, n in blocks.items()
        if n <= CELL_MAX_BLOCKS and words[c] <= CELL_MAX_WORDS and c not in layout and cells_in_row[row_of[c]] >= 2
    )


def kept_layout(
    source: str, result: CleanResult, where: Sequence[int], items: Sequence[DomBlock]
) -> tuple[Layout, ...]:
    """The layout of each line of `result.text`, for a page whose blocks `items` made `source`
    (block k being line `where[k]` of it). The output's non-blank lines are the source's kept
    non-blank lines, in order (`cleaner.rendering`); blank lines are plain."""
    cells = data_cells(items)
    by_line = {line: lay for line, b in zip(where, items, strict=True) if (lay := block_layout(b, cells)) is not TEXT}
    removed = {i for r in result.removed for i in range(r.lines[0] - 1, r.lines[1])}
    kept = [i for i, line in enumerate(source.split("\n")) if i not in removed and line.strip()]
    out_lines = result.text.split("\n")
    layout: list[Layout] = []
    at = 0
    for line in out_lines:
        if line.strip() and at < len(kept):
            layout.append(by_line.get(kept[at], TEXT))
            at += 1
        else:
            layout.append(TEXT)
    if at != len(kept):  # cannot happen while render keeps every kept line: then plain text, not a wrong layout
        return ()
    return tuple(layout)


def text_document(result: CleanResult) -> Document:
    """A cleaned text as a Document: its title is the one given, else the headline the cleaning
    took; date, author and site name are not known from a text."""
    return Document(result, Metadata(result.title or text_headline(result.text), result.url))


def text_headline(text: str) -> str | None:
    """The headline the pipeline takes for a text without a given title: the first headline-sized
    line among the first few (`cleaner.revise.headlines`)."""
    lines = [line for line in text.split("\n") if line.strip()][:HEADLINE_SEARCH]
    return next((line.strip() for line in lines if headline_sized(make_block(0, line))), None)


# -- rendering ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Unit:
    """One output line: a line of the text, or a table row made of several."""

    layout: Layout
    parts: tuple[str, ...]  # () for a blank line

    @property
    def blank(self) -> bool:
        return not self.parts


def _units(doc: Document, line_break: str = CELL_LINE_BREAK) -> list[_Unit]:
    """The document's lines; a row's cells gathered into one unit, and no blank line between the
    rows of a table or inside a code block. Linear: a row of a million cells is one list."""
    lines = doc.result.text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    layout = doc.layout if len(doc.layout) >= len(lines) else (TEXT,) * len(lines)
    units: list[tuple[Layout, list[str]]] = []  # (layout, its lines or cells; [] for a blank line)
    last: Layout | None = None  # the layout of the last non-blank unit
    cell: list[str] = []  # the lines of the last cell, while it has more than one: they join once, at its end
    cells: list[str] = []  # ... the cells of the unit it is the last of
    for line, lay in zip(lines, layout, strict=False):
        if not line.strip():
            units.append(_NO_LINE)  # one for all: a page's blank lines make no objects of their own
            continue
        if last is not None and lay.role in _JOINED and last.role is lay.role:
            if lay.role is Role.CELL or last == lay:
                while not units[-1][1]:
                    units.pop()
            if lay.role is Role.CELL and last.group == lay.group:  # the same row
                parts = units[-1][1]
                if lay.cell and last.cell == lay.cell:  # ... and the same cell
                    if not cell:
                        cell, cells = [parts[-1].rstrip()], parts
                    cell.append(line.strip())
                else:
                    _close_cell(cells, cell, line_break)
                    parts.append(line)
                last = lay
                continue
        _close_cell(cells, cell, line_break)
        units.append((lay, [line]))
        last = lay
    _close_cell(cells, cell, line_break)
    return [_Unit(lay, tuple(parts)) if parts else _BLANK for lay, parts in units]


_NO_LINE: tuple[Layout, list[str]] = (TEXT, [])  # a blank line while the units are gathered (never added to)
_BLANK = _Unit(TEXT, ())


def _close_cell(cells: list[str], lines: list[str], line_break: str) -> None:
    """The last of `cells` made of its `lines` (`<td><p>a</p><p>b</p></td>`: "a / b" in txt), when it has several."""
    if lines:
        cells[-1] = line_break.join(lines)
        lines.clear()


_JOINED = (Role.CELL, Role.CODE)  # a table's rows and a code block's lines have no blank line between them


def render(doc: Document, fmt: Format | str = Format.TXT) -> str:
    """The document in `fmt` ("txt", "json" or "markdown")."""
    fmt = Format(fmt)
    if fmt is Format.JSON:
        return _dumps(to_json(doc))
    if fmt is Format.MARKDOWN:
        return _markdown(doc)
    if not any(lay.role in _JOINED for lay in doc.layout):  # nothing to join: the text as cleaned
        return doc.result.text
    return _join([CELL_SEPARATOR.join(u.parts) for u in _units(doc)], "\n")


def to_json(doc: Document) -> dict[str, object]:
    """The JSON object of a document (`render(doc, "json")`)."""
    meta = doc.metadata
    return {
        "title": meta.title,
        "url": meta.url,
        "date": meta.date,
        "author": meta.author,
        "site_name": meta.site_name,
        "text": render(doc, Format.TXT),
        "removed": [r.to_dict() for r in doc.result.removed],
        "warnings": list(doc.result.warnings),
    }


def _dumps(obj: dict[str, object]) -> str:
    """JSON with a member a line, and a list's items a line each (a removal on one line)."""

    def one(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)

    members = []
    for key, value in obj.items():
        if isinstance(value, list) and value:
            items = ",\n".join(f"    {one(item)}" for item in value)
            members.append(f"  {one(key)}: [\n{items}\n  ]")
        else:
            members.append(f"  {one(key)}: {one(value)}")
    return "{\n" + ",\n".join(members) + "\n}\n"


def _join(lines: list[str], ending: str) -> str:
    """Lines as text: no blank lines at either end, none doubled, ending with `ending`."""
    out: list[str] = []
    for line in lines:
        if line.strip() or (out and out[-1].strip()):
            out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return ending.join(out) + ending if out else ""


def _markdown(doc: Document) -> str:
    crlf = doc.result.text.endswith("\r\n")
    units = _units(doc, "<br>")
    if crlf:  # a CRLF text: its lines keep their '\r' out; every line gets one back at the end
        units = [_Unit(u.layout, tuple(p.removesuffix("\r") for p in u.parts)) for u in units]
    first = next((u for u in units if not u.blank), None)
    out: list[str] = []
    if first is not None and _is_headline(first, doc):
        units = [_Unit(Layout(Role.HEADING, level=1), first.parts) if u is first else u for u in units]
    elif doc.title:
        out += [f"# {doc.title}", ""]
    fence = _fence(units)
    units = _item_depths(units)
    after = _next_roles(units)
    previous: _Unit | None = None  # the last non-blank unit
    for at, unit in enumerate(units):
        was = previous.layout if previous is not None else None
        if was is not None and was.role is Role.CODE and (unit.blank or unit.layout != was):
            out += [fence, ""]
            previous = was = None
        if unit.blank:
            # a blank line between two paragraphs of one quote stays inside it
            # (and a list's items stay one list: none between two items, also of nested lists)
            role = was.role if was is not None else None
            if role in (Role.QUOTE, Role.ITEM) and after[at] is role:
                if role is Role.QUOTE:
                    out.append(">")
                continue
            out.append("")
            continue
        lay = unit.layout
        starts = lay.role in (Role.HEADING, Role.CODE, Role.CELL) and (was is None or was.role is not lay.role)
        if was is not None and (
            starts or was.role is Role.HEADING or (was.role is Role.CELL) != (lay.role is Role.CELL)
        ):
            out.append("")
        if lay.role is Role.CELL and (was is None or was.role is not Role.CELL):
            out += _table_start(unit, units[at:])
        else:
            out += _markdown_lines(unit, was, fence)
        previous = unit
    if previous is not None and previous.layout.role is Role.CODE:
        out.append(fence)
    return _join(out, "\r\n" if crlf else "\n")


def _item_depths(units: list[_Unit]) -> list[_Unit]:
    """The list items with their depth among the kept items: a run of items starts at depth 1 and
    goes at most one deeper an item (the cleaning may drop an outer item, and an item indented four
    spaces under a paragraph would be read as code)."""
    out: list[_Unit] = []
    open_: list[int] = []  # the page's levels of the run's open lists, outermost first
    for unit in units:
        lay = unit.layout
        if lay.role is not Role.ITEM:
            if not unit.blank:
                open_ = []
            out.append(unit)
            continue
        while open_ and open_[-1] > lay.level:
            open_.pop()
        if not open_ or open_[-1] < lay.level:
            open_.append(lay.level)
        depth = len(open_)
        out.append(unit if depth == lay.level else _Unit(replace(lay, level=depth), unit.parts))
    return out


def _next_roles(units: Sequence[_Unit]) -> list[Role | None]:
    """For each unit, the role of the first non-blank unit after it (None: none follows)."""
    out: list[Role | None] = [None] * len(units)
    following: Role | None = None
    for at in range(len(units) - 1, -1, -1):
        out[at] = following
        if not units[at].blank:
            following = units[at].layout.role
    return out


def _is_headline(unit: _Unit, doc: Document) -> bool:
    """Whether the document's first line is its headline: a top heading of the page, or the
    title itself (a text's title is the headline the pipeline took, `text_headline`)."""
    if unit.layout.role is Role.HEADING and unit.layout.level == 1:
        return True
    title = doc.title  # ... or a line, or a heading of any level, that is the title ("## DEV Community")
    return (
        unit.layout.role in (Role.TEXT, Role.HEADING)
        and bool(title)
        and normalize(unit.parts[0]) == normalize(title or "")
    )


def _fence(units: Sequence[_Unit]) -> str:
    """A code fence longer than any run of backticks that starts a line of code."""
    code = [p.lstrip() for u in units if u.layout.role is Role.CODE for p in u.parts]
    longest = max((len(p) - len(p.lstrip("`")) for p in code), default=0)
    return "`" * max(3, longest + 1)


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(c.strip().replace("|", "\\|") for c in cells) + " |"


def _table_start(first: _Unit, rows: Sequence[_Unit]) -> list[str]:
    """A table's first row with the header markdown needs: that row when it is the widest (the
    rows after it are read as wide as the header), else an empty header row as wide as the widest."""
    width = max(len(u.parts) for u in itertools.takewhile(lambda u: u.layout.role is Role.CELL, rows))
    separator = "|" + " --- |" * width
    if len(first.parts) == width:
        return [_row(first.parts), separator]
    return ["|" + "  |" * width, separator, _row(first.parts)]


def _markdown_lines(unit: _Unit, was: Layout | None, fence: str) -> list[str]:
    lay = unit.layout
    if lay.role is Role.CODE:
        return [fence, unit.parts[0]] if was != lay else [unit.parts[0]]
    if lay.role is Role.CELL:
        return [_row(unit.parts)]
    text = unit.parts[0]
    if lay.role is Role.HEADING:
        return ["#" * lay.level + " " + text.strip()]
    if lay.role is Role.ITEM:  # nested four spaces a level: inside the item above whatever its marker
        return [" " * (4 * max(0, lay.level - 1)) + (f"{lay.number}. " if lay.number else "- ") + text.strip()]
    if lay.role is Role.QUOTE:
        return ["> " + text.strip()]
    return [text]
