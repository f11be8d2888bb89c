"""Worker functions for tests that need a real worker process to die (importable by name)."""

from __future__ import annotations

import os

from cleaner import io as cio
from cleaner.batch import work as batch_work
from cleaner.config import CleanerConfig


def die_on_poison(task: cio.Task, options: cio.Options) -> cio.FileResult:
    """`process_file`, except that the worker process ends at once on an input named poison*
    (what the OS does to a worker that runs out of memory)."""
    if task.src.name.startswith("poison"):
        os._exit(137)
    return cio.process_file(task, options)


_clean_plain = batch_work.clean_plain


def fail_on_marker(text: str, config: CleanerConfig | None, title: str | None = None, url: str | None = None) -> object:
    """`clean_plain`, except that a text holding FAIL-HERE is a bug (an internal error)."""
    if "FAIL-HERE" in text:
        raise RuntimeError("a bug met FAIL-HERE")
    return _clean_plain(text, config, title=title, url=url)


def chunk_failing_on_marker(name: str, start: int, lines: list[bytes], options: cio.Options) -> batch_work.Chunk:
    """`clean_chunk` in a worker whose `clean_plain` is `fail_on_marker`."""
    batch_work.clean_plain = fail_on_marker  # type: ignore[assignment]
    return batch_work.clean_chunk(name, start, lines, options)


def chunk_dying_on_marker(name: str, start: int, lines: list[bytes], options: cio.Options) -> batch_work.Chunk:
    """`clean_chunk`, except that the worker process ends at once on a chunk holding DIE-HERE."""
    if any(b"DIE-HERE" in line for line in lines):
        os._exit(137)
    return batch_work.clean_chunk(name, start, lines, options)
