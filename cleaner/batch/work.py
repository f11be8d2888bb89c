"""Cleaning one input: a text or HTML file, a JSONL file record by record, or a stream (stdin).

Nothing here prints or exits. Every problem with one input becomes a message in that input's
`FileResult` (the run goes on with the others), and an input that was cleaned but may have lost
text on the way (an HTML page nested too deep to parse) gets a warning there. That lets
`process_file` run unchanged in a worker process (`cleaner.batch.pool`, `cleaner.batch.dask`).
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import io
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from cleaner.api import clean, clean_html, clean_html_document
from cleaner.batch.files import (
    KINDS,
    SNIFF_BYTES,
    STDIN_NAME,
    Encoding,
    InputError,
    Kind,
    Stamp,
    check_jsonl_head,
    codec_of,
    content_suffix,
    decode,
    encode,
    file_sha256,
    html_source,
    input_stamp,
    os_problem,
    read_bytes,
    settled,
    unpack,
)
from cleaner.batch.jsonl import (
    check_unique,
    json_type,
    member_spans,
    open_jsonl,
    parse_record,
    records_only,
    splice_record,
    split_line,
)
from cleaner.batch.manifest import read_part
from cleaner.batch.plan import Task
from cleaner.batch.sites import site_options
from cleaner.batch.write import AtomicSink, AtomicWriter, make_backup, write_atomic
from cleaner.config import CleanerConfig
from cleaner.formats import Document, Format, render, text_document
from cleaner.records import RecordCleaner
from cleaner.types import CleanResult

LineProgress = Callable[[int], None]  # told the size in bytes of each JSONL line once it is cleaned


MAX_MESSAGES_PER_FILE = 20  # a binary file named .jsonl must not print a million lines


@dataclass(frozen=True)
class Options:
    """Everything a worker needs besides the file; small and picklable."""

    config: CleanerConfig
    field: str = "text"
    removals_field: str | None = None
    html_field: str | None = None
    dry_run: bool = False
    collect: bool = False  # keep one report record per removal (only when --report asks)
    backup: bool = True  # --in-place: keep the original as <name>.orig (unless --no-backup)
    format: Format = Format.TXT  # what a text or HTML input's output is (`cleaner.formats`)


@dataclass
class FileResult:
    """What one input produced: counts for the summary, report records, problems. No printing."""

    name: str
    bytes_in: int = 0
    bytes_out: int = 0
    documents: int = 0  # texts cleaned: one per text/HTML file, one per JSONL record
    records: int = 0  # of which JSONL records
    removals: int = 0
    lines_removed: dict[str, int] = field(default_factory=dict)
    report: list[dict[str, object]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "name: problem", at most MAX_MESSAGES_PER_FILE
    error_count: int = 0
    tracebacks: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # "name: ...": cleaned, but the user should look
    warning_count: int = 0  # all of them, shown or not
    output: bytes | None = None  # stdin only: what goes to stdout
    sha256: str | None = None  # the hash of the input as it was read
    dest_sha256: str | None = None  # the hash of the output as it was written (for the manifest)
    stamp: Stamp | None = None  # the input's size and mtime before the read, when settled enough to trust
    record: bool = False  # the manifest should get a line for this input (if it is ok)
    backup: bool = False  # in place: save <name>.orig before replacing the input
    up_to_date: bool = False  # the manifest says this input was finished with these settings

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def fail(self, problem: str, tb: str | None = None) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_MESSAGES_PER_FILE:
            self.errors.append(f"{self.name}: {problem}")
            if tb:
                self.tracebacks.append(tb)

    def add(self, result: CleanResult, options: Options, record: int | None = None) -> None:
        self.documents += 1
        at = self.name if record is None else f"{self.name}: line {record}"
        self.warnings.extend(f"{at}: {w}" for w in result.warnings[: MAX_MESSAGES_PER_FILE - len(self.warnings)])
        self.warning_count += len(result.warnings)
        self.records += record is not None
        self.removals += len(result.removed)
        for category, lines in result.by_category().items():
            self.lines_removed[category] = self.lines_removed.get(category, 0) + lines
        if options.collect:
            where: dict[str, object] = {"file": self.name} if record is None else {"file": self.name, "record": record}
            self.report.extend({**where, **r.to_dict()} for r in result.removed)

    def merge(self, part: FileResult) -> None:
        """Add what `part` (the same input's next records, cleaned elsewhere) produced: the same
        counts, records, warnings and errors (each kept up to the same cap) as one pass over both."""
        self.bytes_in += part.bytes_in
        self.bytes_out += part.bytes_out
        self.documents += part.documents
        self.records += part.records
        self.removals += part.removals
        for category, lines in part.lines_removed.items():
            self.lines_removed[category] = self.lines_removed.get(category, 0) + lines
        self.report.extend(part.report)
        self.warnings.extend(part.warnings[: MAX_MESSAGES_PER_FILE - len(self.warnings)])
        self.warning_count += part.warning_count
        self.errors.extend(part.errors[: MAX_MESSAGES_PER_FILE - len(self.errors)])
        self.tracebacks.extend(part.tracebacks[: MAX_MESSAGES_PER_FILE - len(self.tracebacks)])
        self.error_count += part.error_count

    def finish(self) -> None:
        hidden = self.error_count - len(self.errors)
        if hidden > 0:
            self.errors.append(f"{self.name}: {hidden} more error(s) not shown")
        unshown = self.warning_count - len(self.warnings)
        if unshown > 0:  # a JSONL file of many records each with a warning stopped at the cap without a word
            self.warnings.append(f"{self.name}: {unshown} more warning(s) not shown")

    def status(self) -> dict[str, object] | None:
        """The report line for an input that failed (with every problem shown on stderr). An input
        an earlier run finished gets none: its kept removals stand in the report as if cleaned now."""
        if not self.ok:
            prefix = f"{self.name}: "
            return {"file": self.name, "status": "failed: " + "; ".join(e.removeprefix(prefix) for e in self.errors)}
        return None


def _clean_text(data: bytes, options: Options, res: FileResult) -> bytes:
    text, enc = decode(data)
    result = clean_plain(text, options.config)
    res.add(result, options)
    if options.format is Format.TXT:
        return encode(result.text, enc)
    return _output(text_document(result), options.format, enc)


def _output(doc: Document, fmt: Format, enc: Encoding | None = None) -> bytes:
    """A document in its format: JSON, and anything from a page, in UTF-8; a text's txt and
    markdown in the text's own encoding."""
    rendered = render(doc, fmt)
    return rendered.encode("utf-8") if enc is None or fmt is Format.JSON else encode(rendered, enc)


def clean_plain(
    text: str, config: CleanerConfig | None, title: str | None = None, url: str | None = None
) -> CleanResult:
    """`cleaner.clean` for the CLI's paths: a text over the per-document time limit is the
    input's problem (`TextTimeout`), reported with its name like a slow page."""
    from cleaner.api import TextTimeout

    try:
        return clean(text, config, title=title, url=url)
    except TextTimeout as exc:
        raise InputError(str(exc)) from None


def clean_page(page: str | bytes, config: CleanerConfig | None, url: str | None = None) -> CleanResult:
    """`cleaner.clean_html` (its result carries the extraction's warnings, for the CLI to show),
    under the name every CLI path uses and tests replace. A page that cannot be processed (too
    slow: html_timeout) is the input's problem, reported with its name."""
    with _page_problem():
        return clean_html(page, url=url, config=config)


def page_and_text(page: str | bytes, config: CleanerConfig, url: str | None = None) -> tuple[CleanResult, str]:
    """`clean_page`, the same call (time limit, warnings), and the page's text as it was cleaned:
    the text the result's line numbers count, that `cleaner explain` shows."""
    from cleaner.api import clean_html_page

    with _page_problem():
        result, doc = clean_html_page(page, url, config)
    return result, doc.text


def page_document(
    page: str | bytes, config: CleanerConfig | None, url: str | None = None, metadata: bool = True
) -> Document:
    """`cleaner.clean_html_document`, its problems the input's, as `clean_page`."""
    with _page_problem():
        return clean_html_document(page, url=url, config=config, metadata=metadata)


@contextlib.contextmanager
def _page_problem() -> Iterator[None]:
    from cleaner.html import HtmlError

    try:
        yield
    except HtmlError as exc:
        raise InputError(str(exc)) from None


def _clean_html(data: bytes, options: Options, res: FileResult) -> bytes:
    doc = page_document(html_source(data), options.config, metadata=options.format is Format.JSON)
    res.add(doc.result, options)
    return _output(doc, options.format)


# The cleaner of each kind read as one document (its bytes in, the output's bytes out); JSONL,
# streamed (`KINDS`), goes through `clean_jsonl` a line at a time instead.
CLEAN_DOCUMENT: dict[Kind, Callable[[bytes, Options, FileResult], bytes]] = {
    Kind.TEXT: _clean_text,
    Kind.HTML: _clean_html,
}


def record_source(record: dict[str, Any], options: Options) -> tuple[str, bool]:
    """The text to clean and whether it is HTML: the text field, else (--html-field) the page."""
    value = record.get(options.field)
    if isinstance(value, str):
        return value, False
    page = record.get(options.html_field) if options.html_field else None
    if value is None and isinstance(page, str):
        return page, True
    if value is not None:
        raise InputError(f"field {options.field!r} is {json_type(value)}, not a string")
    if options.html_field and options.html_field in record:
        raise InputError(f"field {options.html_field!r} is {json_type(page)}, not a string")
    also = f" and no {options.html_field!r} field" if options.html_field else ""
    raise InputError(f"no {options.field!r} field{also}")


class _Records(RecordCleaner):
    """The library's record cleaner, cleaning through this module's `clean` and `clean_page`
    (the names every CLI path uses, and the ones tests replace)."""

    def clean_text(self, text: str, *, title: str | None, url: str | None) -> CleanResult:
        return clean_plain(text, self.config, title=title, url=url)

    def clean_page(self, page: str | bytes, *, url: str | None) -> CleanResult:
        return clean_page(page, self.config, url=url)


def record_cleaner(options: Options) -> RecordCleaner:
    """The `clean_records` step for the CLI's options: title and url from the "title" and "url" fields."""
    return _Records(
        field=options.field,
        html_field=options.html_field,
        removals_field=options.removals_field,
        config=options.config,
    )


def clean_record(
    record: dict[str, Any], options: Options, cleaner: RecordCleaner | None = None
) -> tuple[dict[str, Any], CleanResult]:
    """The record with its text cleaned (and removals added); every other field as it was.

    Unlike `clean_records`, which passes such records through, a record without text to clean
    is an InputError here: in a JSONL file it is a mistake the user should hear about.
    """
    record_source(record, options)  # raises InputError naming the missing or mistyped field
    out, result = (cleaner or record_cleaner(options)).clean_record(record)
    assert result is not None  # record_source accepted it, and both read the record the same way
    return out, result


def _clean_jsonl_line(raw: bytes, lineno: int, options: Options, res: FileResult, cleaner: RecordCleaner) -> bytes:
    """A cleaned record line: the input line with only the cleaned field's value (and the
    removals field) replaced. Blank and invalid lines are copied through unchanged, so output
    line N is always input line N (the invalid ones are reported)."""
    body, ending = split_line(raw)
    bom = codecs.BOM_UTF8 if lineno == 1 and body.startswith(codecs.BOM_UTF8) else b""
    body = body[len(bom) :]
    if not body.strip():
        return raw
    try:
        record = parse_record(body)
        text = body.decode("utf-8")
        spans = member_spans(text)
        check_unique(spans, (options.field, options.html_field, options.removals_field, "title", "url"))
        result = clean_record(record, options, cleaner)[1]
    except InputError as exc:
        res.fail(f"line {lineno}: {exc}")
        return raw
    res.add(result, options, record=lineno)
    return bom + splice_record(text, spans, record, cleaner.updates(result)) + ending


@dataclass
class Chunk:
    """A run of one JSONL input's lines cleaned in a worker (`clean_chunk`): the output lines
    joined, what they produced, and, when one line stopped it, the failure (problem, traceback)
    that one pass over the input would have stopped at there (`ChunkFailure`)."""

    output: bytes
    res: FileResult
    sizes: list[int]  # each input line's size, for progress
    failure: tuple[str, str | None] | None = None


class ChunkFailure(Exception):
    """A line cleaned in a worker failed the whole input: its problem, as `guarded` words it there."""

    def __init__(self, problem: str, tb: str | None) -> None:
        super().__init__(problem)
        self.problem, self.tb = problem, tb


# Cleans numbered runs of lines (first line number, the lines) elsewhere; the Chunks in their order.
ChunkMap = Callable[[Iterator[tuple[int, list[bytes]]]], Iterator[Chunk]]

CHUNK_LINES = 256  # a chunk of records handed to a worker: at most this many lines
CHUNK_BYTES = 1 << 20  # or, once it holds this many bytes, no more lines (a long record is a chunk alone)


def chunked(lines: Iterable[bytes]) -> Iterator[tuple[int, list[bytes]]]:
    """`lines` in runs of up to CHUNK_LINES lines and about CHUNK_BYTES bytes, each with the
    line number of its first line."""
    start, run, size = 1, [], 0
    try:
        for raw in lines:
            run.append(raw)
            size += len(raw)
            if len(run) >= CHUNK_LINES or size >= CHUNK_BYTES:
                yield start, run
                start, run, size = start + len(run), [], 0
    except Exception:
        if run:  # the lines read before a read failed are cleaned, as one pass would have
            yield start, run
        raise
    if run:
        yield start, run


def clean_chunk(name: str, start: int, lines: list[bytes], options: Options) -> Chunk:
    """Lines `start`.. of the JSONL input `name`, cleaned as `clean_jsonl` cleans them (the
    worker's half of a JSONL input cleaned by several processes); never raises."""
    res, out = FileResult(name), io.BytesIO()
    failure = None
    try:
        _clean_lines(lines, out, options, res, None, start)
    except Exception as exc:
        failure = failure_of(exc)
    return Chunk(out.getvalue(), res, [len(raw) for raw in lines], failure)


def clean_jsonl(
    lines: Iterable[bytes],
    out: IO[bytes] | AtomicSink | None,
    options: Options,
    res: FileResult,
    progress: LineProgress | None = None,
    chunks: ChunkMap | None = None,
) -> None:
    """Stream records from `lines` to `out` (None: count only), one line at a time; `progress`
    hears of each line done (the CLI's records/s on a terminal). `chunks`: clean them in runs
    elsewhere (worker processes, `cleaner.batch.pool.RecordPool`), written in input order: the
    same bytes, counts, report and problems as one pass here."""
    if chunks is None:
        _clean_lines(lines, out, options, res, progress)
        return
    for chunk in chunks(chunked(lines)):
        res.merge(chunk.res)
        if out is not None:
            out.write(chunk.output)
        if progress is not None:
            for size in chunk.sizes:
                progress(size)
        if chunk.failure is not None:
            raise ChunkFailure(*chunk.failure)


def _clean_lines(
    lines: Iterable[bytes],
    out: IO[bytes] | AtomicSink | None,
    options: Options,
    res: FileResult,
    progress: LineProgress | None,
    start: int = 1,
) -> None:
    cleaner = record_cleaner(options)
    for lineno, raw in enumerate(lines, start):
        line = _clean_jsonl_line(raw, lineno, options, res, cleaner)
        res.bytes_in += len(raw)
        res.bytes_out += len(line)
        if out is not None:
            out.write(line)
        if progress is not None:
            progress(len(raw))


def _process_jsonl(
    task: Task, options: Options, res: FileResult, progress: LineProgress | None = None, chunks: ChunkMap | None = None
) -> None:
    digest = hashlib.sha256()
    with open_jsonl(task.src, digest) as fh:
        lines = records_only(fh) if content_suffix(task.src) == ".json" else fh
        if task.dest is None or options.dry_run:
            clean_jsonl(lines, None, options, res, progress, chunks)
        else:
            if res.backup:
                make_backup(task.src)
            with AtomicWriter(task.dest, codec_of(task.dest)) as out:
                clean_jsonl(lines, out, options, res, progress, chunks)
            res.dest_sha256 = out.digest.hexdigest()
    res.sha256 = digest.hexdigest()


def _process_document(task: Task, options: Options, res: FileResult) -> None:
    options = site_options(options, task.src)  # site templates: a file's host is its folder's name
    raw = read_bytes(task.src)
    res.sha256 = hashlib.sha256(raw).hexdigest()  # of the file as it is on disk (compressed or not)
    data = unpack(raw, task.src)
    res.bytes_in = len(data)
    out = CLEAN_DOCUMENT[task.kind](data, options, res)
    res.bytes_out = len(out)
    if task.dest is None or options.dry_run:
        return
    if task.dest == task.src and out == data:
        return  # in place and unchanged: leave the file (and its mtime) alone
    if res.backup:
        make_backup(task.src)
    res.dest_sha256 = write_atomic(task.dest, out, codec_of(task.dest))


def guarded(res: FileResult, work: Any, *args: Any) -> FileResult:
    """Run work(*args); turn any failure into a message on res, so one input never stops a run."""
    try:
        work(*args)
    except Exception as exc:
        res.fail(*failure_of(exc))
    res.finish()
    return res


def failure_of(exc: Exception) -> tuple[str, str | None]:
    """How an input's failure reads (and its traceback, for an internal error); called in the
    `except` that caught `exc`."""
    if isinstance(exc, ChunkFailure):
        return exc.problem, exc.tb
    if isinstance(exc, InputError):
        return str(exc), None
    if isinstance(exc, OSError):
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{os_problem(exc)}{where}", None
    return f"internal error: {type(exc).__name__}: {exc}", traceback.format_exc()


def process_file(
    task: Task, options: Options, progress: LineProgress | None = None, chunks: ChunkMap | None = None
) -> FileResult:
    """Clean one file and write its output atomically. The worker: never raises, never prints.
    `progress`: told of each line of a JSONL file as it is done (not of other kinds); `chunks`:
    a JSONL file's records are cleaned in runs there (see `clean_jsonl`).

    An input the manifest lists as finished (same settings, the output on disk still the one
    recorded, and the same size and mtime, or else the same content) is not cleaned again: its
    result comes back with `up_to_date` set. Same size and mtime: the input is not even read.
    """
    res = FileResult(task.name)

    def resumed() -> None:
        stamp = input_stamp(task.src)  # before the read: a write during it shows on the next run
        res.stamp = stamp if settled(stamp) else None
        if _still_done(task, stamp, options, res):
            return
        if task.dest is not None and task.dest == task.src and options.backup and not options.dry_run:
            res.backup = True
        if KINDS[task.kind].streamed:
            _process_jsonl(task, options, res, progress, chunks)
        else:
            _process_document(task, options, res)
        res.record = res.sha256 is not None

    return guarded(res, resumed)


def _still_done(task: Task, stamp: Stamp, options: Options, res: FileResult) -> bool:
    """Whether the manifest's word that `task` is finished still holds: the output on disk is the
    one recorded, the input has the recorded stamp or content and, when a report is asked for,
    its kept removals are there as recorded (they go on `res.report`, as if cleaned now)."""
    done = task.done
    if done is None or task.dest is None or not _holds(task.dest, done.output):
        return False
    touched = done.stamp != stamp
    if touched and file_sha256(task.src) != done.sha256:
        return False
    if options.collect:
        kept = None if done.report is None else read_part(done.report, task.name)
        if kept is None:
            return False
        res.report = kept
    res.sha256, res.dest_sha256, res.up_to_date = done.sha256, done.output, True
    res.record = touched and res.stamp is not None  # touched, or copied, but the same content: the new stamp
    return True


def _holds(dest: Path, sha256: str) -> bool:
    """Whether dest is a regular file with this content: an output edited, or replaced by a run
    with other settings (whose manifest line was lost to a kill), is made again."""
    try:
        return dest.is_file() and file_sha256(dest) == sha256
    except InputError:
        return False


def process_stream(data: bytes, kind: Kind, options: Options, name: str = STDIN_NAME) -> FileResult:
    """Clean stdin's bytes; the output bytes come back on `.output` for the caller to write."""
    res = FileResult(name)

    def work() -> None:
        if KINDS[kind].streamed:
            check_jsonl_head(data[:SNIFF_BYTES])
            out = io.BytesIO()
            clean_jsonl(io.BytesIO(data), out, options, res)
            res.output = out.getvalue()
            return
        res.bytes_in = len(data)
        res.output = CLEAN_DOCUMENT[kind](data, options, res)
        res.bytes_out = len(res.output)

    return guarded(res, work)


def process_jsonl_stream(
    reader: IO[bytes],
    writer: IO[bytes] | None,
    options: Options,
    name: str = STDIN_NAME,
    progress: LineProgress | None = None,
    chunks: ChunkMap | None = None,
) -> FileResult:
    """Clean JSONL records from `reader` to `writer` (None: count only) one line at a time, so
    that memory stays flat however long the stream (stdin in a pipeline). A record that cannot
    be cleaned is reported on the result and the stream goes on, as for a file. `chunks`: see
    `clean_jsonl`."""
    res = FileResult(name)

    def work() -> None:
        peek = getattr(reader, "peek", None)
        check_jsonl_head(peek(SNIFF_BYTES)[:SNIFF_BYTES] if peek is not None else b"")
        clean_jsonl(reader, writer, options, res, progress, chunks)

    return guarded(res, work)
