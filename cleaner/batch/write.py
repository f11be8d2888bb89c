"""Atomic writes: a temp file beside the destination, fsynced, then renamed (`AtomicWriter`,
`write_atomic`), and the `.orig` backups of --in-place. Write failures (disk full, permission)
name the output: "cannot write ...".
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from cleaner import compression
from cleaner.batch.files import Hashed, InputError, os_problem
from cleaner.compression import Codec


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
            self.sink = AtomicSink(self.fh, self.dest, codec)
        except BaseException:  # no compressor (a missing library): nothing left behind
            self.__exit__(InputError)
            raise

    def __enter__(self) -> AtomicSink:
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


class AtomicSink:
    """The writable end of an AtomicWriter: a failed write (disk full, ...) becomes an InputError
    naming the destination, so it is not mistaken for a problem reading the input. With a codec,
    the data is compressed on its way; `digest` is of the bytes that reach the file."""

    def __init__(self, fh: IO[bytes], dest: Path, codec: Codec | None = None):
        self._file = Hashed(fh)
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
