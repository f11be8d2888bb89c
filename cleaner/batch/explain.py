"""`cleaner explain`: each input line marked kept, removed or restored, with why."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from cleaner.batch.files import (
    KINDS,
    SNIFF_BYTES,
    InputError,
    Kind,
    check_jsonl_head,
    document_source,
)
from cleaner.batch.jsonl import parse_record, record_bodies, str_field
from cleaner.batch.work import FileResult, Options, clean_plain, guarded, page_and_text, record_source
from cleaner.types import CleanResult


@dataclass(frozen=True)
class Explained:
    """One cleaned document with the exact text the line numbers refer to."""

    record: int | None  # JSONL line number, None for a whole file
    text: str
    result: CleanResult


def _explain_one(source: str | bytes, is_html: bool, options: Options, title: str | None, url: str | None) -> Explained:
    """Clean one document as `cleaner clean` does (the same library call: its time limit, its
    warnings), keeping the text the line numbers refer to (for HTML: the page's text as clean_html
    sees it). InputError for a document past the time limit, as in `clean`."""
    if is_html:
        result, text = page_and_text(source, options.config, url=url)
        return Explained(None, text, result)
    assert isinstance(source, str)
    return Explained(None, source, clean_plain(source, options.config, title=title, url=url))


def explain_source(data: bytes, kind: Kind, options: Options, name: str) -> tuple[list[Explained], FileResult]:
    """Documents to explain from one input, and a FileResult carrying any problems."""
    res = FileResult(name)
    docs: list[Explained] = []

    def work() -> None:
        if KINDS[kind].streamed:
            check_jsonl_head(data[:SNIFF_BYTES])
            docs.extend(_explain_records(data, options, res))
        else:
            docs.append(_explain_one(document_source(data, kind), KINDS[kind].page, options, None, None))
        for doc in docs:
            where = res.name if doc.record is None else f"{res.name}: line {doc.record}"
            res.warnings.extend(f"{where}: {w}" for w in doc.result.warnings)

    guarded(res, work)
    return docs, res


def _explain_records(data: bytes, options: Options, res: FileResult) -> Iterator[Explained]:
    for lineno, body in record_bodies(io.BytesIO(data)):
        try:
            record = parse_record(body)
            source, is_html = record_source(record, options)
        except InputError as exc:
            res.fail(f"line {lineno}: {exc}")
            continue
        try:
            doc = _explain_one(source, is_html, options, str_field(record, "title"), str_field(record, "url"))
        except InputError as exc:
            res.fail(f"line {lineno}: {exc}")
            continue
        yield Explained(lineno, doc.text, doc.result)


class Mark(StrEnum):
    KEPT = "kept"
    REMOVED = "removed"
    RESTORED = "restored"  # the over-removal guard undid a drop


@dataclass(frozen=True)
class Row:
    """One input line for `cleaner explain`: its fate and, on the first line of a run, why."""

    mark: Mark
    text: str
    note: str | None = None


def explain_rows(text: str, result: CleanResult) -> list[Row]:
    """Every input line (numbered as the library numbers them), marked kept, removed or restored."""
    lines = text.split("\n")
    marks: dict[int, tuple[Mark, str]] = {}
    for r in result.restored:
        first = f"kept by the over-removal guard (would be {r.category.value}: {r.rule})"
        _mark_span(marks, r.lines, Mark.RESTORED, first, "kept by the guard (continued)")
    for r in result.removed:
        first = f"{r.category.value}: {r.reason} [{r.rule}]"
        _mark_span(marks, r.lines, Mark.REMOVED, first, f"{r.category.value} (continued)")
    if len(lines) > 1 and lines[-1] == "" and len(lines) not in marks:
        lines.pop()  # the empty "line" after the final newline is not shown
    rows = []
    for number, line in enumerate(lines, 1):
        mark, note = marks.get(number, (Mark.KEPT, None))
        rows.append(Row(mark, line.removesuffix("\r"), note))
    return rows


def _mark_span(marks: dict[int, tuple[Mark, str]], span: tuple[int, int], mark: Mark, first: str, rest: str) -> None:
    for number in range(span[0], span[1] + 1):
        marks[number] = (mark, first if number == span[0] else rest)


def explain_json(docs: Iterable[Explained]) -> list[dict[str, object]]:
    """The removals of `explain --json`, with the JSONL record's line number when there is one."""
    out: list[dict[str, object]] = []
    for doc in docs:
        where: dict[str, object] = {} if doc.record is None else {"record": doc.record}
        out.extend({**where, **r.to_dict()} for r in doc.result.removed)
    return out
