# The C tree walk (cleaner/models/_walk.c), an optional extension: see cleaner.models.trees.
from typing import Any

def walk(
    feature: Any,
    split: Any,
    child: Any,
    value: Any,
    step: Any,
    roots: Any,
    depth: int,
    width: int,
    x: Any,
    raw: Any,
    contrib: Any | None,
    /,
) -> None: ...
