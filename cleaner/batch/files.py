"""Input files: their kinds, the decoding policy, reading (decompressed as the name says), hashes and stamps.

Decoding policy (one place, `decode`): UTF-8, with or without a BOM; UTF-16 only with a BOM;
anything else is refused ("not UTF-8 text"), and so is any file containing NUL bytes ("binary
file"). Output keeps the input's encoding and BOM (and the library keeps its line endings).
HTML is the exception: a page that is not UTF-8 goes to trafilatura as bytes, which honours its
charset declaration; the extracted text is written as UTF-8. JSONL is UTF-8 only (as the format
requires).
"""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import IO, Any

from cleaner import compression
from cleaner.compression import Codec
from cleaner.formats import Format

STDIN_NAME = "<stdin>"


SNIFF_BYTES = 8192


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


JSONL_FORMAT = (
    "JSONL is written as JSONL, its records' text replaced (add the removals with --removals-field): "
    "--format json and markdown are for text and HTML inputs"
)


@dataclass(frozen=True)
class KindSpec:
    """One row of `KINDS`: how an input of that kind is read and written, and its output's name.
    Its cleaner is the row of `cleaner.batch.work.CLEAN_DOCUMENT` (whole documents) or JSONL's stream."""

    streamed: bool = False  # read, cleaned and written a line at a time (records), else as one document
    page: bool = False  # an HTML page: read by `html_source` (its own charset if not UTF-8), cleaned by clean_html
    txt_suffix: str = ""  # appended to a txt output's name: HTML becomes text (page.html -> page.html.txt)
    not_in_place: str | None = None  # why --in-place refuses it (None: cleaned in place like any text)
    not_formatted: str | None = None  # why --format json and markdown refuse it (None: they apply)


KINDS: dict[Kind, KindSpec] = {
    Kind.TEXT: KindSpec(),
    Kind.HTML: KindSpec(
        page=True,
        txt_suffix=".txt",
        not_in_place="HTML is not cleaned in place (the output is plain text); use -o OUTDIR",
    ),
    Kind.JSONL: KindSpec(streamed=True, not_formatted=JSONL_FORMAT),
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
        return base + KINDS[kind].txt_suffix + suffix
    return (base if base.lower().endswith(fmt.extension) else base + fmt.extension) + suffix


class InputError(Exception):
    """One input's problem, as one line of text; the run goes on with the other inputs."""


class BinaryInput(InputError):
    """The input holds NUL bytes: not text in any encoding we accept."""


def os_problem(exc: OSError) -> str:
    """'permission denied' rather than '[Errno 13] Permission denied: ...' (the file is named already)."""
    reason = exc.strerror or str(exc)
    return reason[:1].lower() + reason[1:]


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


def document_source(data: bytes, kind: Kind) -> str | bytes:
    """What the library is given of a whole document: a page as `html_source` reads it, else the
    text decoded under the policy (InputError when it is not)."""
    return html_source(data) if KINDS[kind].page else decode(data)[0]


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


@dataclass(frozen=True)
class Stamp:
    """An input's size and modification time. The manifest records it with the input's hash, so
    that a resumed run can tell an unchanged input without reading it."""

    size: int
    mtime_ns: int


class Hashed(io.RawIOBase):
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


def settled(stamp: Stamp) -> bool:
    return time.time_ns() - stamp.mtime_ns >= _SETTLE_NS


def file_sha256(path: Path) -> str:
    try:
        with path.open("rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError as exc:
        raise InputError(os_problem(exc)) from None
