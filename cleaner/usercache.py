"""A small JSON cache in the user's cache folder, for work that would otherwise be redone at every
start (the rule set's pattern analysis, `cleaner.rules`; compiled regexes, `cleaner.patterns`).

Never required: an entry that is missing, unreadable, not JSON or made for another key is a miss,
and a folder that cannot be written is no error. Each entry holds the key it was made for (a hash
of everything it was derived from), so a stale one is rebuilt, never used. Written atomically (a
temporary file renamed over the old one), so a reader never sees half an entry. The folder is
$XDG_CACHE_HOME/cleaner, else ~/.cache/cleaner.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def cache_dir() -> Path | None:
    """The cache folder, or None if there is no usable home for it."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # unset, empty or relative: the XDG spec says ignore it
        home = os.path.expanduser("~")
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "cleaner"


def read(name: str, key: str) -> Any | None:
    """The data stored under `name` (a file name, or a path inside the folder) for `key`, or None
    (a miss) for anything else."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        entry = json.loads((folder / name).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(entry, dict) or entry.get("key") != key:
        return None
    return entry.get("data")


def write(name: str, key: str, data: Any) -> None:
    """Store `data` under `name` for `key`, replacing what was there; quietly nothing on failure."""
    folder = cache_dir()
    if folder is None:
        return
    path = folder / name
    tmp = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"key": key, "data": data}, out, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, path)
    except OSError:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
