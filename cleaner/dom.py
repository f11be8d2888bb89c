"""Moved to `cleaner.html.dom` (issue 18); this module only re-exports it, for one release."""

from cleaner.html.dom import (
    ANCESTOR_LEVELS,
    BLOCK,
    CONTAINERS,
    FAMILIES,
    FAMILY_NAMES,
    HEADINGS,
    MAX_DEPTH,
    MODEL_MAX_BLOCKS,
    SKIP,
    TAG_CODE,
    DomBlock,
    TrafVote,
    attr_families,
    blocks,
    norm,
)

__all__ = [
    "ANCESTOR_LEVELS",
    "BLOCK",
    "CONTAINERS",
    "FAMILIES",
    "FAMILY_NAMES",
    "HEADINGS",
    "MAX_DEPTH",
    "MODEL_MAX_BLOCKS",
    "SKIP",
    "TAG_CODE",
    "DomBlock",
    "TrafVote",
    "attr_families",
    "blocks",
    "norm",
]
