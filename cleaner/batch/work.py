"""Files in, files out for the command line: discovery, decoding, atomic writes, JSONL records.

Nothing here prints or exits. Every problem with one input becomes a message in that input's
`FileResult` (the run goes on with the others), an input that was cleaned but may have lost text
on the way (an HTML page nested too deep to parse) gets a warning there, and arguments that cannot
make a safe run raise `PlanError` (the CLI's usage error). That keeps the CLI a thin shell and
lets `process_file` run unchanged in a worker process.

Decoding policy (one place, `decode`): UTF-8, with or without a BOM; UTF-16 only with a BOM;
anything else is refused ("not UTF-8 text"), and so is any file containing NUL bytes ("binary
file"). Output keeps the input's encoding and BOM (and the library keeps its line endings).
HTML is the exception: a page that is not UTF-8 goes to trafilatura as bytes, which honours its
charset declaration; the extracted text is written as UTF-8. JSONL is UTF-8 only (as the format
requires).

Resuming: a run into OUTDIR appends one line per finished input to OUTDIR/.cleaner-manifest.jsonl
(`Manifest`); a later run with the same settings skips inputs whose content is unchanged and whose
output is still the one recorded (by its hash): an input with the recorded size and mtime is not
read at all, any other is hashed. Write failures (disk full, permission) name the output: "cannot write ...".
With a report, each finished input's report records are kept in OUTDIR/.cleaner-report/ (one file
per output, its hash on the input's manifest line), so that the report of a rerun, or of a run
stopped by Ctrl-C, still holds the removals of the inputs an earlier run finished (`ReportPart`).
"""

from __future__ import annotations

import codecs
import contextlib
import dataclasses
import fnmatch
import hashlib
import io
import json
import multiprocessing
import os
import signal
import stat
import tempfile
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import IO, Any

from cleaner import compression
from cleaner.api import clean, clean_html, clean_html_document
from cleaner.compression import Codec
from cleaner.config import CleanerConfig
from cleaner.formats import Document, Format, render, text_document
from cleaner.pipeline import run
from cleaner.records import RecordCleaner
from cleaner.types import Category, CleanResult

STDIN_NAME = "<stdin>"
LineProgress = Callable[[int], None]  # told the size in bytes of each JSONL line once it is cleaned
MAX_MESSAGES_PER_FILE = 20  # a binary file named .jsonl must not print a million lines
_SNIFF_BYTES = 8192


class Kind(StrEnum):
    """How an input is read: plain text, an HTML page, or JSON Lines records."""

    TEXT = "text"
    HTML = "html"
    JSONL = "jsonl"


SUPPORTED: dict[str, Kind] = {
    ".txt": Kind.TEXT,
    ".md": Kind.TEXT,
    ".html": Kind.HTML,
    ".htm": Kind.HTML,
    ".jsonl": Kind.JSONL,
}


def codec_of(path: Path | PurePosixPath) -> Codec | None:
    """The compression a file's name says it has ('.gz', '.zst'), read and written the same way."""
    return compression.split_codec(path.name)[1]


def content_suffix(path: Path | PurePosixPath) -> str:
    """The extension that says what the file holds, past a compression suffix: '.jsonl' for a.jsonl.gz."""
    return PurePosixPath(compression.split_codec(path.name)[0]).suffix.lower()


def supported_kind(path: Path | PurePosixPath) -> Kind | None:
    """The kind of a file found in a folder, by its extension (past '.gz' or '.zst'); None: left out."""
    return SUPPORTED.get(content_suffix(path))


def kind_of(path: Path | PurePosixPath) -> Kind:
    """Kind by extension (past '.gz' or '.zst'). Only files the user named (or a --glob chose) get
    here: a '.json' file is read as JSON Lines (and refused when its first line is not a record),
    any other extension as text."""
    suffix = content_suffix(path)
    return SUPPORTED.get(suffix) or (Kind.JSONL if suffix == ".json" else Kind.TEXT)


def output_name(name: str, kind: Kind, fmt: Format = Format.TXT) -> str:
    """The output's file name. HTML becomes plain text, so '.txt' is appended (page.html ->
    page.html.txt, page.html.gz -> page.html.txt.gz): the source stays recognisable and never
    collides with a page.txt beside it. Another format appends its own extension the same way
    (a.txt -> a.txt.json, page.html -> page.html.md), unless the name already ends with it
    (notes.md -> notes.md). A compressed input's output keeps its compression suffix."""
    base, _ = compression.split_codec(name)
    suffix = name[len(base) :]
    if fmt is Format.TXT:
        return base + ".txt" + suffix if kind is Kind.HTML else name
    return (base if base.lower().endswith(fmt.extension) else base + fmt.extension) + suffix


class InputError(Exception):
    """One input's problem, as one line of text; the run goes on with the other inputs."""


class BinaryInput(InputError):
    """The input holds NUL bytes: not text in any encoding we accept."""


class PlanError(ValueError):
    """The arguments cannot make a safe run (e.g. OUTDIR inside an input folder): a usage error."""


def os_problem(exc: OSError) -> str:
    """'permission denied' rather than '[Errno 13] Permission denied: ...' (the file is named already)."""
    reason = exc.strerror or str(exc)
    return reason[:1].lower() + reason[1:]


# -- decoding ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Encoding:
    """How the input was encoded, so that the output is written back the same way."""

    codec: str
    bom: bytes = b""


UTF8 = Encoding("utf-8")
_BOMS = (
    Encoding("utf-8", codecs.BOM_UTF8),
    Encoding("utf-16-le", codecs.BOM_UTF16_LE),
    Encoding("utf-16-be", codecs.BOM_UTF16_BE),
)


def sniff_encoding(data: bytes) -> Encoding:
    """UTF-8 unless a BOM says otherwise (UTF-16 without a BOM is not guessed at)."""
    return next((enc for enc in _BOMS if data.startswith(enc.bom)), UTF8)


def _binary(head: bytes) -> BinaryInput:
    """'binary file', or, for compressed data under a name that does not say so, what it is."""
    codec = compression.sniff(head)
    if codec is None:
        return BinaryInput("binary file (contains NUL bytes)")
    suffix = next(s for s, c in compression.SUFFIXES.items() if c is codec)
    return BinaryInput(
        f"{codec}-compressed data, but the name does not end in {suffix} (only such names are decompressed)"
    )


def decode(data: bytes) -> tuple[str, Encoding]:
    """Bytes to text under the documented policy; raises InputError naming the problem."""
    enc = sniff_encoding(data)
    if not enc.bom and b"\x00" in data:
        raise _binary(data[:8])
    try:
        text = data[len(enc.bom) :].decode(enc.codec)
    except UnicodeDecodeError as exc:
        label = "UTF-8" if enc.codec == "utf-8" else "UTF-16"
        bad = data[len(enc.bom) + exc.start]
        raise InputError(f"not {label} text (invalid byte 0x{bad:02x} at offset {len(enc.bom) + exc.start})") from None
    if "\x00" in text:
        raise BinaryInput("binary file (contains NUL characters)")
    return text, enc


def encode(text: str, enc: Encoding) -> bytes:
    """Text back to bytes in the input's encoding (an empty result is an empty file, no BOM)."""
    return enc.bom + text.encode(enc.codec) if text else b""


def html_source(data: bytes) -> str | bytes:
    """What clean_html gets: text when the page decodes under the policy, else the raw bytes,
    so that trafilatura can honour the page's own charset declaration."""
    try:
        return decode(data)[0]
    except BinaryInput:
        raise
    except InputError:
        return data


def check_jsonl_head(head: bytes) -> None:
    """Refuse a whole JSONL file up front when its first bytes show it is not UTF-8 text."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError("not UTF-8 text (JSONL must be UTF-8, this is UTF-16)")
    if b"\x00" in head:
        raise _binary(head[:8])


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(os_problem(exc)) from None


def unpack(data: bytes, path: Path) -> bytes:
    """A file's bytes as read, decompressed when its name says '.gz' or '.zst' (InputError when
    the data is truncated or corrupt)."""
    codec = codec_of(path)
    return data if codec is None else compression.decompress(data, codec, InputError)


def read_input(path: Path) -> bytes:
    """An input document's contents: its bytes, decompressed as its name says."""
    return unpack(read_bytes(path), path)


# -- planning: which files, written where -------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """An input's size and modification time. The manifest records it with the input's hash, so
    that a resumed run can tell an unchanged input without reading it."""

    size: int
    mtime_ns: int


@dataclass(frozen=True)
class ReportPart:
    """Where the report records of a finished input are kept (OUTDIR/.cleaner-report/), and the
    sha256 of those bytes as the manifest recorded them: a part lost or edited is not trusted."""

    path: Path
    sha256: str


@dataclass(frozen=True)
class Finished:
    """What the manifest lists as finished into a destination: the input's hash (and stamp) and
    the output's hash, so that a skip can check the output on disk is still the one recorded."""

    sha256: str
    output: str  # the sha256 of the output as written
    stamp: Stamp | None = None  # None: not recorded (an older manifest, or a file too new to trust)
    report: ReportPart | None = None  # None: finished by a run without --report (its removals not kept)


@dataclass(frozen=True)
class Task:
    """One input file and where its output goes (None: a dry run writes nothing)."""

    src: Path
    name: str  # as the user will recognise it: the argument, joined with the path inside it
    kind: Kind
    dest: Path | None
    done: Finished | None = None  # what the manifest lists as finished into dest


@dataclass(frozen=True)
class Unlisted:
    """A path the plan could not take in (missing, unreadable folder, link loop, ...)."""

    name: str
    problem: str

    def __str__(self) -> str:
        return f"{self.name}: {self.problem}"


@dataclass
class Plan:
    """The run, decided before any file is read, so that unsafe destinations stop it early."""

    tasks: list[Task] = field(default_factory=list)
    skipped: int = 0  # files in input folders that the selection left out
    skipped_files: list[tuple[str, str]] = field(default_factory=list)  # (path inside its folder, why), for the summary
    errors: list[Unlisted] = field(default_factory=list)  # paths that could not even be listed
    roots: list[Path] = field(default_factory=list)  # resolved input folders: never written into
    inputs: set[Path] = field(default_factory=set)  # resolved input files: never overwritten


@dataclass(frozen=True)
class _Entry:
    src: Path
    name: str
    rel: PurePosixPath  # the output's path under OUTDIR, before output_name
    kind: Kind


JSONL_FORMAT = (
    "JSONL is written as JSONL, its records' text replaced (add the removals with --removals-field): "
    "--format json and markdown are for text and HTML inputs"
)
NOT_SUPPORTED = "not text, HTML or JSONL"  # why a file in an input folder was left out, as the summary says it
NOT_GLOBBED = "not matched by --glob"


def _selected(rel: PurePosixPath, globs: Sequence[str]) -> Kind | None:
    """The kind of a file found inside a folder, or None when the selection leaves it out.

    A --glob pattern is matched against the file name, or against the path inside the folder
    when it contains '/'. Without --glob only supported extensions are taken.
    """
    if not globs:
        return supported_kind(rel)
    for pattern in globs:
        target = rel.as_posix() if "/" in pattern else rel.name
        if fnmatch.fnmatchcase(target, pattern):
            return kind_of(rel)
    return None


def _walk(root: Path, errors: list[Unlisted]) -> Iterator[Path]:
    """Every file under root, in a stable order (sorted names, files before subfolders)."""

    def onerror(exc: OSError) -> None:
        errors.append(Unlisted(str(exc.filename), os_problem(exc)))

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror):
        dirnames.sort()
        for name in sorted(filenames):
            yield Path(dirpath, name)


def _entries(paths: Sequence[str], globs: Sequence[str], plan: Plan) -> list[_Entry]:
    entries: list[_Entry] = []
    for arg in paths:
        path = Path(arg)
        try:
            is_dir = path.is_dir()
            path.stat()
        except OSError as exc:
            plan.errors.append(Unlisted(arg, os_problem(exc)))
            continue
        if not is_dir:
            if not path.is_file():  # a FIFO would hang the run, /dev/zero fill the memory
                plan.errors.append(Unlisted(arg, "not a regular file (a FIFO, device or socket); use '-' for a stream"))
                continue
            entries.append(_Entry(path, arg, PurePosixPath(path.name), kind_of(path)))
            continue
        plan.roots.append(path.resolve())
        for found in _walk(path, plan.errors):
            rel = PurePosixPath(found.relative_to(path).as_posix())
            if rel.name == MANIFEST_NAME or REPORT_PARTS in rel.parts[:-1]:
                plan.skipped += 1  # an earlier run's output folder: its manifest and kept reports are no input
                continue
            kind = _selected(rel, globs)
            if kind is not None and found.is_symlink():
                try:
                    found.stat()
                except OSError as exc:  # a link loop or a dangling link: say so, do not skip quietly
                    plan.errors.append(Unlisted(str(path / rel), os_problem(exc)))
                    continue
            if kind is None or not found.is_file():
                plan.skipped += 1
                why = "not a regular file" if kind is not None else NOT_GLOBBED if globs else NOT_SUPPORTED
                plan.skipped_files.append((rel.as_posix(), why))
                continue
            entries.append(_Entry(found, str(path / rel), rel, kind))
    return entries


def plan_run(
    paths: Sequence[str],
    *,
    outdir: Path | None = None,
    in_place: bool = False,
    globs: Sequence[str] = (),
    fmt: Format = Format.TXT,
) -> Plan:
    """Find the inputs and their destinations; raise PlanError for anything that would write into
    the input tree, overwrite an input (without --in-place) or write two inputs to one file."""
    plan = Plan()
    unique: list[_Entry] = []
    for entry in _entries(paths, globs, plan):
        resolved = entry.src.resolve()
        if resolved not in plan.inputs:  # a file named twice (or inside a named folder) runs once
            plan.inputs.add(resolved)
            unique.append(entry)
    if outdir is not None:
        _check_outdir(outdir, plan.roots)
    claimed: dict[Path, str] = {}
    for entry in unique:
        if in_place and entry.kind is Kind.HTML:
            problem = "HTML is not cleaned in place (the output is plain text); use -o OUTDIR"
            plan.errors.append(Unlisted(entry.name, problem))
            continue
        if fmt is not Format.TXT and entry.kind is Kind.JSONL:
            plan.errors.append(Unlisted(entry.name, JSONL_FORMAT))
            continue
        dest = entry.src if in_place else None
        if outdir is not None:
            dest = outdir / output_name(str(entry.rel), entry.kind, fmt)
            if dest == outdir / MANIFEST_NAME:
                raise PlanError(f"{entry.name}: output {dest} would overwrite the run's manifest")
            _check_dest(entry.name, dest, plan, claimed)
        plan.tasks.append(Task(entry.src, entry.name, entry.kind, dest))
    return plan


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _check_outdir(outdir: Path, roots: Sequence[Path]) -> None:
    out = outdir.resolve()
    if out.exists() and not out.is_dir():
        raise PlanError(f"output folder {outdir} exists and is not a folder")
    for root in roots:
        if _inside(out, root):
            raise PlanError(f"output folder {outdir} is inside the input folder {root}; choose one outside it")


def _check_dest(name: str, dest: Path, plan: Plan, claimed: dict[Path, str]) -> None:
    resolved = dest.resolve()
    if resolved in plan.inputs:
        raise PlanError(f"{name}: output {dest} would overwrite an input file (use --in-place for that)")
    for root in plan.roots:
        if _inside(resolved, root):
            raise PlanError(f"{name}: output {dest} would be written inside the input folder {root}")
    if resolved in claimed:
        raise PlanError(f"{claimed[resolved]} and {name} would both be written to {dest}")
    claimed[resolved] = name


def check_report_path(report: Path, plan: Plan) -> None:
    """The report must not land in the input tree (a later run would read it as input) nor on an output."""
    resolved = report.resolve()
    if resolved.is_dir():
        raise PlanError(f"report {report} is a folder")
    if resolved in plan.inputs or any(_inside(resolved, root) for root in plan.roots):
        raise PlanError(f"report {report} would be written into the input")
    if any(task.dest is not None and task.dest.resolve() == resolved for task in plan.tasks):
        raise PlanError(f"report {report} would overwrite an output file")
    if resolved.name == MANIFEST_NAME:
        raise PlanError(f"report {report} would overwrite a run's manifest")


# -- atomic writes -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _mode_for(dest: Path) -> int:
    """Keep an existing file's permissions (--in-place); new files get the usual umask mode."""
    try:
        return stat.S_IMODE(os.stat(dest).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def writes_through(dest: Path) -> bool:
    """Whether dest is written as it is, not replaced: anything but a regular file (a FIFO, a
    device, a terminal) or a path through /proc (/dev/stdout, /dev/fd/N). Renaming a file over
    those would turn them into plain files (and /dev/stdout is the system's entry)."""
    try:
        st = os.stat(dest)
    except OSError:
        return False  # a new path (or a dangling link): made by the rename
    if stat.S_ISDIR(st.st_mode):
        return False  # the rename fails, naming it
    if not stat.S_ISREG(st.st_mode):
        return True
    path = Path(os.path.abspath(dest))
    for _ in range(40):  # follow the links: is any step inside /proc?
        parent = Path(os.path.realpath(path.parent))
        if parent.parts[1:2] == ("proc",):
            return True
        if not path.is_symlink():
            return False
        path = Path(os.path.abspath(parent / os.readlink(path)))
    return False


class AtomicWriter:
    """Write to a temp file beside dest, fsync, then os.replace: an interrupted run leaves the old
    file or none, never half a file. The temp name ('.name.XXXX.part') is never an input.
    A dest that `writes_through` (a FIFO, /dev/stdout, ...) is opened and written instead.

    The temp file is created on construction, so "cannot write here" surfaces before any work.
    With `codec`, what is written is compressed on its way to the file. `durable=False` skips the
    fsyncs, for files whose loss after a crash is noticed and made good (the kept report records,
    checked against the hash the manifest holds): still never half a file while the system runs.
    """

    def __init__(self, dest: Path, codec: Codec | None = None, *, durable: bool = True):
        self.dest = dest
        self.durable = durable
        self.through = writes_through(dest)
        try:
            if self.through:  # appending: /dev/stdout may be a file the shell opened with >>
                fd, tmp = os.open(dest, os.O_WRONLY | os.O_APPEND), str(dest)
            else:
                dest.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name[:100]}.", suffix=".part")
        except OSError as exc:
            raise InputError(f"cannot write {dest}: {os_problem(exc)}") from None
        self.tmp = Path(tmp)  # dest itself when writing through
        self.fh: IO[bytes] = os.fdopen(fd, "wb")
        try:
            self.sink = _Sink(self.fh, self.dest, codec)
        except BaseException:  # no compressor (a missing library): nothing left behind
            self.__exit__(InputError)
            raise

    def __enter__(self) -> _Sink:
        return self.sink

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        try:
            if exc_type is None:
                self._commit()
        finally:
            if hasattr(self, "sink"):
                self.sink.discard()
            if not self.fh.closed:
                with contextlib.suppress(OSError):  # the write error itself is already on its way
                    self.fh.close()
            if not self.through and (exc_type is not None or self.tmp.exists()):
                with contextlib.suppress(OSError):
                    os.unlink(self.tmp)

    def _commit(self) -> None:
        self.sink.finish()
        if self.through:
            try:
                self.fh.close()
            except OSError as exc:
                raise InputError(f"cannot write {self.dest}: {os_problem(exc)}") from None
            return
        try:
            self.fh.flush()
            if self.durable:
                os.fsync(self.fh.fileno())
            self.fh.close()
            os.chmod(self.tmp, _mode_for(self.dest))
            os.replace(self.tmp, self.dest)
        except OSError as exc:
            raise InputError(f"cannot write {self.dest}: {os_problem(exc)}") from None
        if self.durable:
            _fsync_dir(self.dest.parent)


class _Hashed(io.RawIOBase):
    """A file seen through a sha256 of every byte that passes: the manifest records the hash of
    what is on disk (a compressed output's, a compressed input's), read or written once."""

    def __init__(self, fh: IO[bytes], digest: Any = None):
        self._fh = fh
        self.digest = hashlib.sha256() if digest is None else digest

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._fh.read(len(buffer))
        self.digest.update(data)
        buffer[: len(data)] = data
        return len(data)

    def write(self, data: Any) -> int:
        self.digest.update(data)
        self._fh.write(data)
        return len(data)

    def close(self) -> None:  # the file is its owner's to close
        super().close()


class _Sink:
    """The writable end of an AtomicWriter: a failed write (disk full, ...) becomes an InputError
    naming the destination, so it is not mistaken for a problem reading the input. With a codec,
    the data is compressed on its way; `digest` is of the bytes that reach the file."""

    def __init__(self, fh: IO[bytes], dest: Path, codec: Codec | None = None):
        self._file = _Hashed(fh)
        self._dest = dest
        self._compressor = None if codec is None else compression.writer(self._file, codec, InputError)

    @property
    def digest(self) -> Any:  # hashlib's HASH: the manifest records the output's hash
        return self._file.digest

    def write(self, data: bytes) -> int:
        try:
            (self._file if self._compressor is None else self._compressor).write(data)
        except OSError as exc:
            raise InputError(f"cannot write {self._dest}: {os_problem(exc)}") from None
        return len(data)

    def finish(self) -> None:
        """Write the end of a compressed stream (nothing to do for plain data)."""
        if self._compressor is not None:
            try:
                self._compressor.close()
            except OSError as exc:
                raise InputError(f"cannot write {self._dest}: {os_problem(exc)}") from None

    def discard(self) -> None:
        """Close the compressor of a write that failed (its file is being removed), so that it does
        not write its end into a closed file when it is collected; after `finish`, nothing to do."""
        if self._compressor is not None:
            with contextlib.suppress(Exception):
                self._compressor.close()


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable; best effort (not every filesystem allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_atomic(dest: Path, data: bytes, codec: Codec | None = None, *, durable: bool = True) -> str:
    """Write dest atomically (compressed with `codec`); the sha256 of the bytes on disk."""
    with AtomicWriter(dest, codec, durable=durable) as fh:
        fh.write(data)
    return str(fh.digest.hexdigest())


# -- cleaning ----------------------------------------------------------------------------------


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
        self.records += record is not None
        self.removals += len(result.removed)
        for category, lines in result.by_category().items():
            self.lines_removed[category] = self.lines_removed.get(category, 0) + lines
        if options.collect:
            where: dict[str, object] = {"file": self.name} if record is None else {"file": self.name, "record": record}
            self.report.extend({**where, **r.to_dict()} for r in result.removed)

    def finish(self) -> None:
        hidden = self.error_count - len(self.errors)
        if hidden > 0:
            self.errors.append(f"{self.name}: {hidden} more error(s) not shown")

    def status(self) -> dict[str, object] | None:
        """The report line for an input that failed (with every problem shown on stderr). An input
        an earlier run finished gets none: its kept removals stand in the report as if cleaned now."""
        if not self.ok:
            prefix = f"{self.name}: "
            return {"file": self.name, "status": "failed: " + "; ".join(e.removeprefix(prefix) for e in self.errors)}
        return None


def unlisted_status(problem: Unlisted) -> dict[str, object]:
    """The report line for a path the plan could not take in."""
    return {"file": problem.name, "status": f"failed: {problem.problem}"}


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


# -- JSONL records -----------------------------------------------------------------------------


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number"}
    if value is None:
        return "null"
    return next((label for t, label in names.items() if isinstance(value, t)), "a number")


@dataclass(frozen=True)
class JsonNumber:
    """A number (or NaN/Infinity) of a JSONL record, as the line spells it. Never converted: the
    line's bytes are written back as they were, and a 5,000-digit integer does not hit Python's
    int-digit limit (which would otherwise escape the per-record handler)."""

    raw: str


# Numbers stay text: no rounding, no digit limit. NaN and Infinity are kept as spelled (not ours to fix).
_DECODER = json.JSONDecoder(parse_float=JsonNumber, parse_int=JsonNumber, parse_constant=JsonNumber)
_JSON_SPACE = " \t\n\r"


def parse_record(body: bytes) -> dict[str, Any]:
    """One JSONL line (without its line ending) to a record; InputError says what is wrong.
    Numbers come back as `JsonNumber`, never int or float."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text") from None
    try:
        record = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply") from None
    if not isinstance(record, dict):
        raise InputError(f"the record is {_json_type(record)}, not an object")
    return record


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in _JSON_SPACE:
        at += 1
    return at


def member_spans(text: str) -> list[tuple[str, int, int]]:
    """(key, start, end) of each top-level member's value in a record's source, in order and
    duplicates included, so a field can be replaced without re-writing the others. `text` must
    already have parsed as an object (`parse_record`); keys and values are scanned by the JSON
    decoder itself, so strings with escapes and nesting are read as JSON reads them."""
    spans: list[tuple[str, int, int]] = []
    at = _skip_space(text, _skip_space(text, 0) + 1)  # past "{"
    while text[at] != "}":
        key, at = _DECODER.raw_decode(text, at)
        start = _skip_space(text, _skip_space(text, at) + 1)  # past ":"
        _, end = _DECODER.raw_decode(text, start)
        spans.append((key, start, end))
        at = _skip_space(text, end)
        if text[at] == ",":
            at = _skip_space(text, at + 1)
    return spans


def check_unique(spans: Sequence[tuple[str, int, int]], names: Iterable[str | None]) -> None:
    """Refuse a record in which a field the cleaner reads or writes appears twice: which one
    json.loads keeps (the last) is not something a user can see, so no guess is made."""
    for name in names:
        count = sum(key == name for key, _, _ in spans)
        if name and count > 1:
            raise InputError(f"the record has {count} {name!r} fields (duplicate keys): not cleaned")


def splice_record(
    text: str, spans: Sequence[tuple[str, int, int]], record: dict[str, Any], updates: dict[str, Any]
) -> bytes:
    """The record's own source with only the updated fields' values replaced (a new field goes
    after the last member, `, "name": value`), so every other byte is as it was. A value equal to
    the record's is left as spelled (its escapes kept). UTF-8, or ASCII escapes for lone surrogates."""
    where = {key: (start, end) for key, start, end in spans}
    changed = {name: value for name, value in updates.items() if name not in record or record[name] != value}
    for ensure_ascii in (False, True):
        edits: list[tuple[int, int, str]] = []
        for name, value in changed.items():
            dumped = json.dumps(value, ensure_ascii=ensure_ascii)
            if name in where:
                edits.append((*where[name], dumped))
            else:
                end = spans[-1][2]
                edits.append((end, end, f", {json.dumps(name, ensure_ascii=ensure_ascii)}: {dumped}"))
        out, done = [], 0
        for start, end, new in sorted(edits, key=lambda edit: edit[0]):
            out += [text[done:start], new]
            done = end
        out.append(text[done:])
        try:
            return "".join(out).encode("utf-8")
        except UnicodeEncodeError:
            continue
    raise AssertionError("ASCII escapes always encode")


def record_source(record: dict[str, Any], options: Options) -> tuple[str, bool]:
    """The text to clean and whether it is HTML: the text field, else (--html-field) the page."""
    value = record.get(options.field)
    if isinstance(value, str):
        return value, False
    page = record.get(options.html_field) if options.html_field else None
    if value is None and isinstance(page, str):
        return page, True
    if value is not None:
        raise InputError(f"field {options.field!r} is {_json_type(value)}, not a string")
    if options.html_field and options.html_field in record:
        raise InputError(f"field {options.html_field!r} is {_json_type(page)}, not a string")
    also = f" and no {options.html_field!r} field" if options.html_field else ""
    raise InputError(f"no {options.field!r} field{also}")


def _str_field(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    return value if isinstance(value, str) else None


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


def dump_record(record: dict[str, Any]) -> bytes:
    """Compact-ish UTF-8 JSON; falls back to ASCII escapes for lone surrogates (valid JSON input)."""
    try:
        return json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(record).encode("ascii")


def split_line(raw: bytes) -> tuple[bytes, bytes]:
    """A line and its ending (b'\\r\\n', b'\\n' or b'' for a last line without one)."""
    for ending in (b"\r\n", b"\n"):
        if raw.endswith(ending):
            return raw[: -len(ending)], ending
    return raw, b""


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


def clean_jsonl(
    lines: Iterable[bytes],
    out: IO[bytes] | _Sink | None,
    options: Options,
    res: FileResult,
    progress: LineProgress | None = None,
) -> None:
    """Stream records from `lines` to `out` (None: count only), one line at a time; `progress`
    hears of each line done (the CLI's records/s on a terminal)."""
    cleaner = record_cleaner(options)
    for lineno, raw in enumerate(lines, 1):
        line = _clean_jsonl_line(raw, lineno, options, res, cleaner)
        res.bytes_in += len(raw)
        res.bytes_out += len(line)
        if out is not None:
            out.write(line)
        if progress is not None:
            progress(len(raw))


def _records_only(lines: Iterable[bytes]) -> Iterator[bytes]:
    """The lines of a '.json' file, refused as a whole (InputError) when its first record line is
    not a JSON object: a JSON document is not cleaned line by line as if it were records."""
    lines = iter(lines)
    for lineno, raw in enumerate(lines, 1):
        body = split_line(raw)[0]
        body = body[len(codecs.BOM_UTF8) :] if lineno == 1 and body.startswith(codecs.BOM_UTF8) else body
        if body.strip():
            try:
                parse_record(body)
            except InputError as exc:
                raise InputError(
                    f"not JSON Lines (one JSON object per line), not cleaned: line {lineno}: {exc}"
                ) from None
            yield raw
            break
        yield raw
    yield from lines


@contextlib.contextmanager
def open_jsonl(src: Path, digest: Any = None) -> Iterator[IO[bytes]]:
    """A JSONL file opened for reading line by line (decompressed as its name says), refused up
    front when it is not UTF-8. With `digest` (a hashlib object), every byte of the file as it is
    on disk goes through it, the whole file once the reading is done: its hash is that of what
    was cleaned, and the file is read once."""
    try:
        fh = src.open("rb")
    except OSError as exc:
        raise InputError(os_problem(exc)) from None
    with fh:
        raw: IO[bytes] = fh if digest is None else io.BufferedReader(_Hashed(fh, digest), 1 << 16)
        codec = codec_of(src)
        stream = raw if codec is None else compression.reader(raw, codec, InputError)
        check_jsonl_head(stream.peek(_SNIFF_BYTES)[:_SNIFF_BYTES])  # type: ignore[attr-defined]
        yield stream
        if digest is not None:
            while raw.read(1 << 20):  # the rest, if any, past the end of the compressed stream
                pass


def _process_jsonl(task: Task, options: Options, res: FileResult, progress: LineProgress | None = None) -> None:
    digest = hashlib.sha256()
    with open_jsonl(task.src, digest) as fh:
        lines = _records_only(fh) if content_suffix(task.src) == ".json" else fh
        if task.dest is None or options.dry_run:
            clean_jsonl(lines, None, options, res, progress)
        else:
            if res.backup:
                make_backup(task.src)
            with AtomicWriter(task.dest, codec_of(task.dest)) as out:
                clean_jsonl(lines, out, options, res, progress)
            res.dest_sha256 = out.digest.hexdigest()
    res.sha256 = digest.hexdigest()


def _process_document(task: Task, options: Options, res: FileResult) -> None:
    options = site_options(options, task.src)  # site templates: a file's host is its folder's name
    raw = read_bytes(task.src)
    res.sha256 = hashlib.sha256(raw).hexdigest()  # of the file as it is on disk (compressed or not)
    data = unpack(raw, task.src)
    res.bytes_in = len(data)
    out = _clean_html(data, options, res) if task.kind is Kind.HTML else _clean_text(data, options, res)
    res.bytes_out = len(out)
    if task.dest is None or options.dry_run:
        return
    if task.dest == task.src and out == data:
        return  # in place and unchanged: leave the file (and its mtime) alone
    if res.backup:
        make_backup(task.src)
    res.dest_sha256 = write_atomic(task.dest, out, codec_of(task.dest))


def _guarded(res: FileResult, work: Any, *args: Any) -> FileResult:
    """Run work(*args); turn any failure into a message on res, so one input never stops a run."""
    try:
        work(*args)
    except InputError as exc:
        res.fail(str(exc))
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        res.fail(f"{os_problem(exc)}{where}")
    except Exception as exc:
        res.fail(f"internal error: {type(exc).__name__}: {exc}", traceback.format_exc())
    res.finish()
    return res


def process_file(task: Task, options: Options, progress: LineProgress | None = None) -> FileResult:
    """Clean one file and write its output atomically. The worker: never raises, never prints.
    `progress`: told of each line of a JSONL file as it is done (not of other kinds).

    An input the manifest lists as finished (same settings, the output on disk still the one
    recorded, and the same size and mtime, or else the same content) is not cleaned again: its
    result comes back with `up_to_date` set. Same size and mtime: the input is not even read.
    """
    res = FileResult(task.name)

    def resumed() -> None:
        stamp = input_stamp(task.src)  # before the read: a write during it shows on the next run
        res.stamp = stamp if _settled(stamp) else None
        if _still_done(task, stamp, options, res):
            return
        if task.dest is not None and task.dest == task.src and options.backup and not options.dry_run:
            res.backup = True
        if task.kind is Kind.JSONL:
            _process_jsonl(task, options, res, progress)
        else:
            _process_document(task, options, res)
        res.record = res.sha256 is not None

    return _guarded(res, resumed)


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


def read_part(part: ReportPart, name: str) -> list[dict[str, object]] | None:
    """A finished input's kept report records, named `name` (this run's name for the input), or
    None when the part is not the one recorded (lost, edited, a kill between its write and the
    manifest line). No records were kept for an input without removals: no file, the empty hash."""
    try:
        data = part.path.read_bytes()
    except FileNotFoundError:
        data = b""
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != part.sha256:
        return None
    records = [json.loads(line) for line in data.split(b"\n") if line]
    for record in records:
        record["file"] = name
    return records


def kept_reports(tasks: Iterable[Task]) -> Iterator[list[dict[str, object]]]:
    """After an interruption: the kept report records of the tasks not reached that an earlier
    run finished, so that the report still accounts for every finished input."""
    for task in tasks:
        if task.done is not None and task.done.report is not None:
            yield read_part(task.done.report, task.name) or []


def _holds(dest: Path, sha256: str) -> bool:
    """Whether dest is a regular file with this content: an output edited, or replaced by a run
    with other settings (whose manifest line was lost to a kill), is made again."""
    try:
        return dest.is_file() and file_sha256(dest) == sha256
    except InputError:
        return False


# A file modified less than this long before it was read may change again without its mtime
# changing (coarse timestamps: 2 s on FAT, 1 s on some network filesystems), so its stamp is not
# recorded and the next run compares hashes instead (git's "racily clean" entries).
_SETTLE_NS = 2_000_000_000


def input_stamp(path: Path) -> Stamp:
    try:
        st = os.stat(path)
    except OSError as exc:
        raise InputError(os_problem(exc)) from None
    return Stamp(st.st_size, st.st_mtime_ns)


def _settled(stamp: Stamp) -> bool:
    return time.time_ns() - stamp.mtime_ns >= _SETTLE_NS


def file_sha256(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError as exc:
        raise InputError(os_problem(exc)) from None


def backup_path(src: Path) -> Path:
    return src.with_name(src.name + ".orig")


def make_backup(src: Path) -> None:
    """--in-place: copy the original to <name>.orig before it is replaced. An existing backup is
    kept: it holds the oldest original, the one a user would want back."""
    dest = backup_path(src)
    if dest.exists():
        return
    try:
        fh = src.open("rb")
    except OSError as exc:
        raise InputError(os_problem(exc)) from None
    with fh, AtomicWriter(dest) as out:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            out.write(chunk)


# -- the manifest: which inputs a run into OUTDIR has finished --------------------------------

MANIFEST_NAME = ".cleaner-manifest.jsonl"
REPORT_PARTS = ".cleaner-report"  # OUTDIR's folder of each finished input's report records


def settings_hash(options: Options, version: str) -> str:
    """What decides an output besides its input: the version and every cleaning setting (and the
    contents of the rule files and of both models, so that a model edited in place is noticed)."""
    cfg = options.config
    fields: dict[str, object] = {}
    for f in dataclasses.fields(cfg):
        value = getattr(cfg, f.name)
        fields[f.name] = sorted(map(str, value)) if isinstance(value, frozenset) else value
    rules = []
    for path in cfg.rule_files:
        try:
            rules.append(hashlib.sha256(Path(path).read_bytes()).hexdigest())
        except OSError:
            rules.append("unreadable")
    from cleaner import dommodel, model

    models = [model_digest(cfg.model, model.BUILTIN_FILE), model_digest(cfg.html_model, dommodel.BUILTIN_FILE)]
    blob = json.dumps(
        [version, fields, rules, models, options.field, options.removals_field, options.html_field]
        + ([options.format] if options.format is not Format.TXT else []),  # txt: the hash of earlier runs
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def model_digest(spec: str, builtin_file: str) -> str:
    """The sha256 of a model's bytes ("builtin": the packaged file's, "off": none). Only a run
    with a manifest asks, and the result is cached per file and stamp, so start-up stays cheap."""
    if spec == "off":
        return "off"
    if spec == "builtin":
        return _builtin_digest(builtin_file)
    try:
        st = os.stat(spec)
    except OSError:
        return "unreadable"
    return _file_digest(spec, st.st_size, st.st_mtime_ns, st.st_ino)


@lru_cache(maxsize=4)
def _builtin_digest(name: str) -> str:
    from importlib import resources

    try:
        return hashlib.sha256(resources.files("cleaner.data").joinpath(name).read_bytes()).hexdigest()
    except (FileNotFoundError, ModuleNotFoundError):
        return "none"  # a checkout before the model was trained


@lru_cache(maxsize=8)
def _file_digest(path: str, size: int, mtime_ns: int, ino: int) -> str:
    try:
        return file_sha256(Path(path))
    except InputError:
        return "unreadable"


class Manifest:
    """OUTDIR/.cleaner-manifest.jsonl: one line per finished input (its output's path under
    OUTDIR and sha256, the input's sha256, size and mtime_ns, the settings hash), appended and
    fsynced as each one finishes, so that a run killed part way resumes where it stopped. The
    last line for a path counts, whatever its settings: a run with other settings overwrote the
    output. Lines without size and mtime_ns are read too: their inputs are hashed to tell whether
    they changed. Lines without the output's hash (older runs) count for nothing."""

    def __init__(self, outdir: Path, settings: str):
        self.path = outdir / MANIFEST_NAME
        self.outdir = outdir
        self.settings = settings

    def finished(self) -> dict[Path, Finished]:
        """dest -> what was finished into it, when the last entry for it was made with these
        settings. A torn last line (a kill during the append) or any unreadable line is ignored:
        that input is simply redone."""
        latest: dict[Path, Finished | None] = {}
        try:
            data = self.path.read_bytes()
        except OSError:
            return {}
        for line in data.splitlines():
            try:
                entry = json.loads(line)
                dest = self.outdir / entry["path"]
                output = entry.get("output")
                ours = entry["settings"] == self.settings and isinstance(output, str)
                report = entry.get("report")
                part = ReportPart(self.part_path(dest), report) if isinstance(report, str) else None
                latest[dest] = Finished(str(entry["sha256"]), output, _stamp_in(entry), part) if ours else None
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
        return {dest: done for dest, done in latest.items() if done is not None}

    def resume(self, tasks: Sequence[Task]) -> list[Task]:
        """The tasks, each carrying what the manifest says was finished into its destination."""
        done = self.finished()
        return [dataclasses.replace(t, done=done.get(t.dest)) if t.dest in done else t for t in tasks]

    def sweep(self, tasks: Sequence[Task]) -> int:
        """Remove the temp files ('.name.XXXX.part') a killed run left beside this run's outputs
        (only names an AtomicWriter for one of `tasks` would make) and among its kept report
        records. How many went."""
        prefixes: dict[Path, set[str]] = {self.outdir / REPORT_PARTS: {"."}}  # that folder is ours alone
        for task in tasks:
            if task.dest is not None:
                prefixes.setdefault(task.dest.parent, set()).add(f".{task.dest.name[:100]}.")
        removed = 0
        for folder, names in prefixes.items():
            with contextlib.suppress(OSError), os.scandir(folder) as found:
                for entry in found:
                    stale = entry.name.endswith(".part") and entry.is_file(follow_symlinks=False)
                    if stale and any(entry.name.startswith(n) for n in names):
                        with contextlib.suppress(OSError):
                            os.unlink(entry.path)
                            removed += 1
        return removed

    def part_path(self, dest: Path) -> Path:
        """Where dest's report records are kept: a flat folder, named by a hash of the output's
        path (no name too long, no folder tree to mirror)."""
        rel = dest.relative_to(self.outdir).as_posix()
        return (
            self.outdir
            / REPORT_PARTS
            / f"{hashlib.sha256(rel.encode('utf-8', 'surrogateescape')).hexdigest()[:32]}.jsonl"
        )

    def add(
        self,
        dest: Path,
        sha256: str,
        stamp: Stamp | None = None,
        output: str | None = None,
        report: Sequence[dict[str, object]] | None = None,
    ) -> None:
        """Record that the input hashing to sha256 was cleaned into dest, whose bytes hash to output;
        with `report` (the run keeps one), its report records are kept first, and their hash recorded.
        Raises OSError or InputError when the manifest or the kept records cannot be written."""
        rel = dest.relative_to(self.outdir).as_posix()
        entry: dict[str, object] = {"path": rel, "sha256": sha256, "settings": self.settings}
        if output is not None:
            entry["output"] = output
        if stamp is not None:
            entry.update(size=stamp.size, mtime_ns=stamp.mtime_ns)
        if report is not None:
            entry["report"] = self._keep(dest, report_lines(report))
        line = json.dumps(entry) + "\n"
        self.outdir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            os.write(fd, line.encode())
            os.fsync(fd)
        finally:
            os.close(fd)

    def _keep(self, dest: Path, data: bytes) -> str:
        """Write dest's report records (none: no file) and return their hash. Written before the
        manifest line: a kill in between leaves a part the line does not vouch for, and the input
        is cleaned again."""
        part = self.part_path(dest)
        if data:
            write_atomic(part, data, durable=False)  # a part lost to a crash fails its hash: the input is redone
        else:
            with contextlib.suppress(FileNotFoundError):
                part.unlink()
        return hashlib.sha256(data).hexdigest()


def record_finished(manifest: Manifest, task: Task, res: FileResult, options: Options) -> str | None:
    """Add a finished input to the manifest (its report records kept when the run collects them);
    the problem, naming the file that could not be written, or None."""
    if task.dest is None or res.sha256 is None:
        return None
    try:
        manifest.add(task.dest, res.sha256, res.stamp, res.dest_sha256, res.report if options.collect else None)
    except OSError as exc:
        return f"{manifest.path}: cannot record progress: {os_problem(exc)}"
    except InputError as exc:
        return f"cannot record progress: {exc}"
    return None


def _stamp_in(entry: dict[str, Any]) -> Stamp | None:
    size, mtime_ns = entry.get("size"), entry.get("mtime_ns")
    if type(size) is int and type(mtime_ns) is int:
        return Stamp(size, mtime_ns)
    return None


def process_stream(data: bytes, kind: Kind, options: Options, name: str = STDIN_NAME) -> FileResult:
    """Clean stdin's bytes; the output bytes come back on `.output` for the caller to write."""
    res = FileResult(name)

    def work() -> None:
        if kind is Kind.JSONL:
            check_jsonl_head(data[:_SNIFF_BYTES])
            out = io.BytesIO()
            clean_jsonl(io.BytesIO(data), out, options, res)
            res.output = out.getvalue()
            return
        res.bytes_in = len(data)
        res.output = _clean_html(data, options, res) if kind is Kind.HTML else _clean_text(data, options, res)
        res.bytes_out = len(res.output)

    return _guarded(res, work)


def process_jsonl_stream(
    reader: IO[bytes],
    writer: IO[bytes] | None,
    options: Options,
    name: str = STDIN_NAME,
    progress: LineProgress | None = None,
) -> FileResult:
    """Clean JSONL records from `reader` to `writer` (None: count only) one line at a time, so
    that memory stays flat however long the stream (stdin in a pipeline). A record that cannot
    be cleaned is reported on the result and the stream goes on, as for a file."""
    res = FileResult(name)

    def work() -> None:
        peek = getattr(reader, "peek", None)
        check_jsonl_head(peek(_SNIFF_BYTES)[:_SNIFF_BYTES] if peek is not None else b"")
        clean_jsonl(reader, writer, options, res, progress)

    return _guarded(res, work)


def _ignore_sigint() -> None:
    """Workers ignore Ctrl-C: the parent stops handing out files and lets running writes finish."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run_tasks(
    tasks: Sequence[Task],
    options: Options,
    jobs: int = 1,
    work: Callable[[Task, Options], FileResult] | None = None,
    progress: Callable[[Task], LineProgress | None] | None = None,
) -> Iterator[FileResult]:
    """Results in task order, whatever the number of worker processes.

    Order is what makes `--jobs N` output and report identical to `--jobs 1`. At most a few
    tasks per worker are in flight, so memory stays flat on huge runs. Workers come from a
    fork server: forking a parent that runs a progress-bar thread is not safe. A worker that dies
    (killed for memory by the OS, a crash in a C library) breaks the pool: the tasks that were in
    flight are then run again one at a time, each in a worker of its own, so the one that kills its
    worker is that input's failure and the run goes on with a new pool. `work`: the worker
    function (`process_file`; a module-level function, for the workers to import).
    `progress(task)`: a LineProgress for a task cleaned in this process by `process_file` (one
    task, or jobs 1), or None; tasks in worker processes report nothing while they run.
    """
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            watch = progress(task) if progress is not None and work is None else None
            yield process_file(task, options, watch) if work is None else work(task, options)
        return
    work = work or process_file
    # The fork server is a fresh `python -c` whose import path starts with the working directory
    # (Python 3.11 does not pass it our sys.path): a folder named `cleaner` there (the parent of a
    # clone) would shadow this package in every worker. PYTHONSAFEPATH keeps that entry out.
    os.environ.setdefault("PYTHONSAFEPATH", "1")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["cleaner.io"])
    todo: deque[Task] = deque(tasks)
    while todo:
        in_flight: deque[tuple[Task, Future[FileResult]]] = deque()
        broken = False
        pool = ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=context, initializer=_ignore_sigint)
        try:
            while todo and len(in_flight) < 4 * jobs:
                task = todo.popleft()
                in_flight.append((task, pool.submit(work, task, options)))
            while in_flight:
                try:
                    result = in_flight[0][1].result()
                except BrokenProcessPool:
                    broken = True
                    break
                in_flight.popleft()
                if todo:
                    task = todo.popleft()
                    in_flight.append((task, pool.submit(work, task, options)))
                yield result
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if broken:
            for task, _ in in_flight:
                yield _alone(work, task, options, context)


def _alone(work: Callable[[Task, Options], FileResult], task: Task, options: Options, context: Any) -> FileResult:
    """One task in a worker of its own: a worker that dies on it is this input's failure."""
    with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_ignore_sigint) as pool:
        try:
            return pool.submit(work, task, options).result()
        except BrokenProcessPool:
            res = FileResult(task.name)
            res.fail("the worker cleaning it died (killed by the system, out of memory?); nothing written")
            return res


def report_lines(records: Iterable[dict[str, object]]) -> bytes:
    """Report records as JSON Lines."""
    return b"".join(dump_record(dict(r)) + b"\n" for r in records)


# -- explain -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Explained:
    """One cleaned document with the exact text the line numbers refer to."""

    record: int | None  # JSONL line number, None for a whole file
    text: str
    result: CleanResult


def _explain_one(source: str | bytes, is_html: bool, options: Options, title: str | None, url: str | None) -> Explained:
    """Clean one document, keeping the input text (for HTML: the page's text as clean_html sees it),
    under the same per-document time limit as `clean` and `clean_html` (InputError past it)."""
    from cleaner.api import warm
    from cleaner.html import time_limit

    warnings: tuple[str, ...] = ()
    given = None
    warm(options.config, html=is_html)
    with time_limit(options.config.html_timeout, InputError, "the document"):
        if is_html:
            from cleaner.dommodel import html_document

            doc = html_document(source, url, options.config)
            text, title, url, warnings, given = doc.text, doc.title, doc.url, doc.warnings, doc.given
        else:
            assert isinstance(source, str)
            text = source
        result = run(text, options.config, title=title, url=url, given=given)
    return Explained(None, text, dataclasses.replace(result, warnings=warnings) if warnings else result)


def explain_source(data: bytes, kind: Kind, options: Options, name: str) -> tuple[list[Explained], FileResult]:
    """Documents to explain from one input, and a FileResult carrying any problems."""
    res = FileResult(name)
    docs: list[Explained] = []

    def work() -> None:
        if kind is Kind.TEXT:
            docs.append(_explain_one(decode(data)[0], False, options, None, None))
        elif kind is Kind.HTML:
            docs.append(_explain_one(html_source(data), True, options, None, None))
        else:
            check_jsonl_head(data[:_SNIFF_BYTES])
            docs.extend(_explain_records(data, options, res))
        for doc in docs:
            where = res.name if doc.record is None else f"{res.name}: line {doc.record}"
            res.warnings.extend(f"{where}: {w}" for w in doc.result.warnings)

    _guarded(res, work)
    return docs, res


def record_bodies(lines: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """(line number, record bytes) of the non-blank lines of a JSONL stream, without the line end
    and without a UTF-8 BOM before the first record."""
    for lineno, raw in enumerate(lines, 1):
        body = split_line(raw)[0]
        body = body[len(codecs.BOM_UTF8) :] if lineno == 1 and body.startswith(codecs.BOM_UTF8) else body
        if body.strip():
            yield lineno, body


def _explain_records(data: bytes, options: Options, res: FileResult) -> Iterator[Explained]:
    for lineno, body in record_bodies(io.BytesIO(data)):
        try:
            record = parse_record(body)
            source, is_html = record_source(record, options)
        except InputError as exc:
            res.fail(f"line {lineno}: {exc}")
            continue
        try:
            doc = _explain_one(source, is_html, options, _str_field(record, "title"), _str_field(record, "url"))
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


def category_order() -> list[str]:
    """Categories in their declared order, so that summaries read the same on every run."""
    return [c.value for c in Category]


# -- site templates (cleaner.sites) --------------------------------------------------------------


def site_options(options: Options, src: Path) -> Options:
    """With site templates on, a text or HTML file's host is the name of its folder (a directory
    per site); the url of a page, when one is given, still takes precedence."""
    if options.config.sites is None:
        return options
    from cleaner.sites import host_of_folder

    return dataclasses.replace(options, config=options.config.replace(site_host=host_of_folder(src)))


def site_documents(task: Task, field: str, url_field: str, problems: list[str]) -> Iterator[tuple[str | None, str]]:
    """(host, text) of each document of one input, as `cleaner clean --sites` will see it: a text
    file's decoded text, an HTML page's extracted text (both with the folder's name as host), a
    JSONL record's `field` with the host of its `url_field`. A file that cannot be read raises
    InputError; a bad JSONL line is one message in `problems` and is skipped."""
    from cleaner.sites import host_of, host_of_folder

    if task.kind is not Kind.JSONL:
        data = read_input(task.src)
        if task.kind is Kind.HTML:
            from cleaner.dommodel import page_text
            from cleaner.html import page_blocks

            # The page's blocks, as clean_html (with its default block model) hands them to the rules.
            yield host_of_folder(task.src), page_text(page_blocks(html_source(data)))[0]
        else:
            yield host_of_folder(task.src), decode(data)[0]
        return
    with open_jsonl(task.src) as fh:
        for lineno, body in record_bodies(fh):
            try:
                record = parse_record(body)
            except InputError as exc:
                problems.append(f"{task.name}: line {lineno}: {exc}")
                continue
            text = record.get(field)
            if not isinstance(text, str):
                problems.append(f"{task.name}: line {lineno}: no {field!r} text field")
                continue
            yield host_of(_str_field(record, url_field)), text
