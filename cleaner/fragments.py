"""Pattern fragments the rule files share: `(?&name)` in a rule's pattern stands for `(?:fragment)`.

A list that several languages' rules name alike (the software a site runs on, in each language's
"powered by" rule) is kept once, in `cleaner/rules/fragments.toml`, so that the seven rules cannot
drift apart. An unknown name is an error that names it (the rule's file and name come with it).
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources
from pathlib import Path

FRAGMENTS_FILE = "fragments.toml"  # beside the rule files, and not one of them
_REFERENCE = re.compile(r"\(\?&([a-z][a-z0-9_]*)\)")


def fragments_path() -> Path:
    return Path(str(resources.files("cleaner") / "rules" / FRAGMENTS_FILE))


@cache
def fragments() -> dict[str, str]:
    """Name -> regex, read once."""
    data = tomllib.loads(fragments_path().read_text(encoding="utf-8"))
    table = data.get("fragments", {})
    return {str(name): str(pattern) for name, pattern in table.items()}


def expand(pattern: str) -> str:
    """`pattern` with each `(?&name)` replaced by its fragment, in a group: `(?:fragment)`."""
    if "(?&" not in pattern:
        return pattern

    def one(found: re.Match[str]) -> str:
        name = found.group(1)
        fragment = fragments().get(name)
        if fragment is None:
            raise ValueError(f"unknown pattern fragment (?&{name}); known: {', '.join(sorted(fragments()))}")
        return f"(?:{fragment})"

    return _REFERENCE.sub(one, pattern)
