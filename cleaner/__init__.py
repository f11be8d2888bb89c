"""cleaner: turn scraped web text into the article and nothing else, explaining every cut.

>>> import cleaner
>>> result = cleaner.clean("Skip to content\\n\\nThe article text stays as it was.\\n")
>>> result.text
'The article text stays as it was.\\n'
>>> [(r.lines, r.category.value, r.rule) for r in result.removed]
[((1, 1), 'navigation', 'en.navigation.skip-link')]
"""

from cleaner.api import clean, clean_document, clean_html, clean_html_document
from cleaner.config import CleanerConfig, ConfigError
from cleaner.formats import Document, Format, render
from cleaner.metadata import Metadata
from cleaner.records import RecordError, clean_records
from cleaner.rules import RuleError
from cleaner.types import Action, Block, Category, CleanResult, Decision, Removal, Shape, Stage, Strength

__version__ = "0.1.0"

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
