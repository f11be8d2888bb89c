"""cleaner: turn scraped web text into the article and nothing else, explaining every cut.

>>> import cleaner
>>> result = cleaner.clean("Skip to content\\n\\nThe article text stays as it was.\\n")
>>> result.text
'The article text stays as it was.\\n'
>>> [(r.lines, r.category.value, r.rule) for r in result.removed]
[((1, 1), 'navigation', 'en.navigation.skip-link')]

`import cleaner` loads nothing else: each name below is imported from its module when it is first
used (PEP 562), so a script or a worker that imports the package and never cleans pays nothing,
and one that cleans pays the pipeline's imports once (numpy, the rules' module) at its first call.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Each public name and the module that defines it.
_EXPORTS = {
    "clean": "cleaner.api",
    "clean_document": "cleaner.api",
    "clean_html": "cleaner.api",
    "clean_html_document": "cleaner.api",
    "CleanerConfig": "cleaner.config",
    "ConfigError": "cleaner.config",
    "Document": "cleaner.formats",
    "Format": "cleaner.formats",
    "render": "cleaner.formats",
    "Metadata": "cleaner.metadata",
    "RecordError": "cleaner.records",
    "clean_records": "cleaner.records",
    "RuleError": "cleaner.rules",
    "Action": "cleaner.types",
    "Block": "cleaner.types",
    "Category": "cleaner.types",
    "CleanResult": "cleaner.types",
    "Decision": "cleaner.types",
    "Removal": "cleaner.types",
    "Shape": "cleaner.types",
    "Stage": "cleaner.types",
    "Strength": "cleaner.types",
}

if TYPE_CHECKING:
    from cleaner.api import clean, clean_document, clean_html, clean_html_document
    from cleaner.config import CleanerConfig, ConfigError
    from cleaner.formats import Document, Format, render
    from cleaner.metadata import Metadata
    from cleaner.records import RecordError, clean_records
    from cleaner.rules import RuleError
    from cleaner.types import Action, Block, Category, CleanResult, Decision, Removal, Shape, Stage, Strength


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'cleaner' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})


__all__ = [
    "Action",
    "Block",
    "Category",
    "CleanResult",
    "CleanerConfig",
    "ConfigError",
    "Decision",
    "Document",
    "Format",
    "Metadata",
    "RecordError",
    "Removal",
    "RuleError",
    "Shape",
    "Stage",
    "Strength",
    "__version__",
    "clean",
    "clean_document",
    "clean_html",
    "clean_html_document",
    "clean_records",
    "render",
]
