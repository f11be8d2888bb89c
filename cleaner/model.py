"""Moved: the line model is `cleaner.models.line`, the tree engine it shares with the block model
`cleaner.models.trees`. This module only re-exports them under their old path (and old names:
`load` is `load_line_model`, `decide` is `line_drops`)."""

from cleaner.models.line import (
    BUILTIN_FILE,
    FORMAT,
    SIGNALS,
    DocState,
    LineModel,
    from_dict,
    top_signals,
)
from cleaner.models.line import line_drops as decide
from cleaner.models.line import load_line_model as load
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
