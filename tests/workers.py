"""Worker functions for tests that need a real worker process to die (importable by name)."""

from __future__ import annotations

import os

from cleaner import io as cio


def die_on_poison(task: cio.Task, options: cio.Options) -> cio.FileResult:
    """`process_file`, except that the worker process ends at once on an input named poison*
    (what the OS does to a worker that runs out of memory)."""
    if task.src.name.startswith("poison"):
        os._exit(137)
    return cio.process_file(task, options)
