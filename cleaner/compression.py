"""Compressed inputs and outputs: `.gz` (gzip, stdlib) and `.zst` (Zstandard: the standard library's
`compression.zstd` from Python 3.14, its backport `backports.zstd` before).

The compression is told by the file name's last suffix (`pages.jsonl.gz` is JSON Lines in gzip), and
an output is written with its input's compression. Reading streams (a JSONL file of any size is
read a buffer at a time); a truncated or corrupt stream raises the caller's error class (by default
`CompressionError`) with a message naming the problem, where it is met, so that the caller can fail
that one input. Writing is
deterministic: gzip with no file name and mtime 0 in its header and a fixed level, zstd at a fixed
level on one thread, so that reruns, `--jobs N` and resumed runs give the same bytes.
"""

from __future__ import annotations

import gzip
import io
import zlib
from enum import StrEnum
from types import ModuleType
from typing import IO

GZIP_LEVEL = 6  # gzip's own default: most of level 9's size at a fraction of its time
ZSTD_LEVEL = 3  # zstd's own default


class Codec(StrEnum):
    GZIP = "gzip"
    ZSTD = "zstd"


SUFFIXES: dict[str, Codec] = {".gz": Codec.GZIP, ".zst": Codec.ZSTD}
_MAGIC = {Codec.GZIP: b"\x1f\x8b", Codec.ZSTD: b"\x28\xb5\x2f\xfd"}


class CompressionError(Exception):
    """A compressed stream that cannot be read (truncated, corrupt, or no library for it): one line."""


def split_codec(name: str) -> tuple[str, Codec | None]:
    """('pages.jsonl', GZIP) for 'pages.jsonl.gz'; (name, None) for a name without a compression suffix."""
    for suffix, codec in SUFFIXES.items():
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], codec
    return name, None


def sniff(head: bytes) -> Codec | None:
    """The compression these first bytes start with, if any (for a clear word on a mis-named file)."""
    return next((codec for codec, magic in _MAGIC.items() if head.startswith(magic)), None)


def _zstd(error: type[Exception] = CompressionError) -> ModuleType:
    try:
        from compression import zstd  # type: ignore[import-not-found]  # Python 3.14+
    except ImportError:
        try:
            from backports import zstd  # type: ignore[import-not-found,no-redef,unused-ignore]
        except ImportError:
            raise error(
                "reading or writing .zst needs backports.zstd (a dependency of cleaner on Python < 3.14: "
                "pip install backports.zstd)"
            ) from None
    module: ModuleType = zstd
    return module


class _Checked(io.RawIOBase):
    """A decompressing stream whose errors become CompressionError, named for the user."""

    def __init__(self, stream: io.BufferedIOBase, codec: Codec, error: type[Exception]):
        self._stream = stream
        self._codec = codec
        self._error = error
        self._errors: tuple[type[BaseException], ...] = (EOFError, gzip.BadGzipFile, zlib.error)
        if codec is Codec.ZSTD:
            self._errors += (_zstd(error).ZstdError,)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        try:
            data = self._stream.read(len(buffer))
        except EOFError:
            raise self._error(f"truncated {self._codec} data (it ends before the end of the stream)") from None
        except self._errors as exc:
            raise self._error(f"corrupt {self._codec} data ({exc})") from None
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._stream.close()
        super().close()


def reader(raw: IO[bytes], codec: Codec, error: type[Exception] = CompressionError) -> io.BufferedReader:
    """The decompressed bytes of `raw`, streamed (peek and readline work); closing it leaves `raw`
    open. A truncated or corrupt stream raises `error` when the read reaches the damage."""
    stream: io.BufferedIOBase = (
        gzip.GzipFile(fileobj=raw, mode="rb") if codec is Codec.GZIP else _zstd(error).ZstdFile(raw)
    )
    return io.BufferedReader(_Checked(stream, codec, error), buffer_size=1 << 16)


def decompress(data: bytes, codec: Codec, error: type[Exception] = CompressionError) -> bytes:
    """A whole compressed file's contents (a document, read whole anyway); `error` when it is
    truncated or corrupt."""
    with reader(io.BytesIO(data), codec, error) as fh:
        return fh.read()


def writer(raw: IO[bytes] | io.RawIOBase, codec: Codec, error: type[Exception] = CompressionError) -> io.BufferedIOBase:
    """A compressing stream into `raw`; closing it writes the end of the stream and leaves `raw` open.
    The same data always gives the same bytes (no name, no time in the header)."""
    if codec is Codec.GZIP:
        return gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=GZIP_LEVEL, mtime=0)
    out: io.BufferedIOBase = _zstd(error).ZstdFile(raw, "wb", level=ZSTD_LEVEL)
    return out


def compress(data: bytes, codec: Codec) -> bytes:
    """`data` compressed as `writer` compresses it."""
    out = io.BytesIO()
    with writer(out, codec) as fh:
        fh.write(data)
    return out.getvalue()
