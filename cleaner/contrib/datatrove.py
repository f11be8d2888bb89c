"""A datatrove pipeline step that cleans `Document.text` and records what it removed.

Put it between a reader and a writer::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.contrib.datatrove import CleanerStep

    LocalPipelineExecutor(
        [JsonlReader("in/"), CleanerStep(disabled={"related"}), JsonlWriter("out/")],
        logging_dir="logs/",
    ).run()

Each document's text is replaced by the cleaned text; its metadata gets the removals under
`removals_key` (default "cleaner_removed"): a list of `Removal.to_dict()` (lines, category,
rule, reason, score, text), or with `compact=True` the same without "reason" and "text". The
values are plain JSON (lists, strings, numbers, None), so any writer can store them.
The document's `title` and `url` metadata (JsonlReader puts a record's other fields there) feed
the duplicate-headline rule.

Stats, per step in datatrove's stats.json: "total" (documents seen), "changed" (documents with
at least one removal), "removed/<category>" (lines removed; the mean is per document with any),
and "dropped" with `drop_empty=True` (documents left empty are then not passed on).
"""

from __future__ import annotations

from typing import Any

from cleaner.api import clean
from cleaner.config import CleanerConfig, resolve
from cleaner.contrib import missing_extra
from cleaner.types import CleanResult

try:
    from datatrove.data import Document, DocumentsPipeline
    from datatrove.pipeline.base import PipelineStep
except ImportError as exc:  # pragma: no cover - exercised by the test that hides datatrove
    raise missing_extra(__name__, "datatrove", "datatrove", exc) from exc

__all__ = ["CleanerStep"]

COMPACT_DROPS = ("reason", "text")


class CleanerStep(PipelineStep):  # type: ignore[misc]  # datatrove has no type information
    """Clean each document's text with `cleaner.clean`; removals go to the document's metadata.

    Args:
        config: a CleanerConfig (None: the defaults); `overrides` are CleanerConfig fields on top.
        removals_key: metadata key for the removals; None to record nothing.
        compact: record only lines, category, rule and score of each removal.
        title_key, url_key: metadata keys passed to `clean(title=, url=)`; None to ignore.
        drop_empty: drop documents whose cleaned text is empty (default: pass them on).
    """

    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        config: CleanerConfig | None = None,
        *,
        removals_key: str | None = "cleaner_removed",
        compact: bool = False,
        title_key: str | None = "title",
        url_key: str | None = "url",
        drop_empty: bool = False,
        **overrides: Any,
    ) -> None:
        super().__init__()
        self.config = resolve(config, overrides)
        self.removals_key = removals_key
        self.compact = compact
        self.title_key = title_key
        self.url_key = url_key
        self.drop_empty = drop_empty

    def clean_document(self, doc: Document) -> CleanResult:
        """Clean one document in place (text and metadata) and return the result."""
        result = clean(doc.text, self.config, title=self._meta(doc, self.title_key), url=self._meta(doc, self.url_key))
        doc.text = result.text
        if self.removals_key:
            doc.metadata[self.removals_key] = [self._removal(r.to_dict()) for r in result.removed]
        return result

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        for doc in data or ():
            self.stat_update("total")
            with self.track_time():
                result = self.clean_document(doc)
            if result.removed:
                self.stat_update("changed")
            for category, lines in result.by_category().items():
                self.stat_update(f"removed/{category}", value=lines)
            if self.drop_empty and not result.text.strip():
                self.stat_update("dropped")
                continue
            self.update_doc_stats(doc)
            yield doc

    def _removal(self, removal: dict[str, object]) -> dict[str, object]:
        if self.compact:
            return {k: v for k, v in removal.items() if k not in COMPACT_DROPS}
        return removal

    @staticmethod
    def _meta(doc: Document, key: str | None) -> str | None:
        value = doc.metadata.get(key) if key else None
        return value if isinstance(value, str) else None
