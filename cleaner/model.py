"""Moved: the line model is `cleaner.models.line`, the tree engine it shares with the block model
`cleaner.models.trees`. This module only re-exports them under their old path."""

from cleaner.models.line import (
    BUILTIN_FILE,
    FORMAT,
    SIGNALS,
    DocState,
    LineModel,
    decide,
    from_dict,
    load,
    top_signals,
)
from cleaner.models.trees import (
    BUILTIN,
    CHUNK,
    MAX_DEPTH,
    MAX_NODES,
    MAX_TREES,
    ModelError,
    Trees,
    read_model_json,
)

__all__ = [
    "BUILTIN",
    "BUILTIN_FILE",
    "CHUNK",
    "FORMAT",
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_TREES",
    "SIGNALS",
    "DocState",
    "LineModel",
    "ModelError",
    "Trees",
    "decide",
    "from_dict",
    "load",
    "read_model_json",
    "top_signals",
]
