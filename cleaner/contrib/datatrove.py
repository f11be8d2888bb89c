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

Each document's text is replaced by the cleaned text (with `html=True` the text is a page, as
WarcReader gives it, and is replaced by its main text from `cleaner.clean_html`; with
`html_key="html"` a page in that metadata field is extracted instead of the text); its metadata
gets the removals under
`removals_key` (default "cleaner_removed"): a list of `Removal.to_dict()` (lines, category,
rule, reason, score, text), or with `compact=True` the same without "reason" and "text". The
values are plain JSON (lists, strings, numbers, None), so any writer can store them.
The document's `title` and `url` metadata (JsonlReader puts a record's other fields there) feed
the duplicate-headline rule.

Documents left empty are passed on, unless `drop_empty=True` or an `exclusion_writer` is given
(any datatrove writer, as for datatrove's filters): the dropped documents go to it as they came
in (their original text or page), with the removals and ``metadata["filter_reason"] =
"cleaner_empty"``. A page or text that takes longer than the `html_timeout` limit (in the
main thread, as datatrove's local workers run) is dropped the same way, with the reason
"cleaner_timeout" and the message in ``metadata["cleaner_error"]``; the run goes on.

Stats, per step in datatrove's stats.json, named as datatrove's filters name theirs: "total"
(documents seen), "forwarded" (passed on), "dropped" and "dropped_<reason>" (not passed on),
"changed" (documents with at least one removal), "removed/<category>" (lines removed; the mean
is per document with any).
"""

from __future__ import annotations

import contextlib
from typing import Any

from cleaner.api import TextTimeout, clean, clean_html
from cleaner.config import CleanerConfig, resolve
from cleaner.contrib import missing_extra
from cleaner.html import HtmlTimeout
from cleaner.types import CleanResult

try:
    from datatrove.data import Document, DocumentsPipeline
    from datatrove.pipeline.base import PipelineStep
    from datatrove.pipeline.writers.disk_base import DiskWriter
except ImportError as exc:  # pragma: no cover - exercised by the test that hides datatrove
    raise missing_extra(__name__, "datatrove", "datatrove", exc) from exc

__all__ = ["CleanerStep"]

COMPACT_DROPS = ("reason", "text")
EMPTY, TIMEOUT = "cleaner_empty", "cleaner_timeout"  # the filter_reason of a document dropped


class CleanerStep(PipelineStep):  # type: ignore[misc]  # datatrove has no type information
    """Clean each document's text with `cleaner.clean` (or its page with `cleaner.clean_html`);
    removals go to the document's metadata.

    Args:
        config: a CleanerConfig (None: the defaults); `overrides` are CleanerConfig fields on top.
        html: the documents' text is an HTML page (WarcReader's, or JsonlReader(text_key="html")'s):
            extract its main text with `clean_html` (the page's own title feeds the headline rule).
        html_key: a metadata key for a page: a document with a page (str or bytes) there has it
            extracted, and its text replaced by the result; one without is cleaned from its text.
        removals_key: metadata key for the removals; None to record nothing.
        compact: record only lines, category, rule and score of each removal.
        title_key, url_key: metadata keys passed to `clean(title=, url=)`; None to ignore.
        drop_empty: drop documents whose cleaned text is empty (default: only with an exclusion_writer).
        exclusion_writer: a datatrove writer (e.g. JsonlWriter) for the documents dropped, as they came in.
    """

    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        config: CleanerConfig | None = None,
        *,
        html: bool = False,
        html_key: str | None = None,
        removals_key: str | None = "cleaner_removed",
        compact: bool = False,
        title_key: str | None = "title",
        url_key: str | None = "url",
        drop_empty: bool | None = None,
        exclusion_writer: DiskWriter | None = None,
        **overrides: Any,
    ) -> None:
        super().__init__()
        if exclusion_writer is not None and drop_empty is False:
            raise ValueError("exclusion_writer receives the documents left empty: it cannot go with drop_empty=False")
        self.config = resolve(config, overrides)
        self.html = html
        self.html_key = html_key
        self.removals_key = removals_key
        self.compact = compact
        self.title_key = title_key
        self.url_key = url_key
        self.drop_empty = exclusion_writer is not None if drop_empty is None else drop_empty
        self.exclusion_writer = exclusion_writer

    def clean_document(self, doc: Document) -> CleanResult:
        """Clean one document in place (text and metadata) and return the result."""
        url = self._meta(doc, self.url_key)
        page = self._page(doc)
        if page is not None:
            result = clean_html(page, url=url, config=self.config)
        else:
            result = clean(doc.text, self.config, title=self._meta(doc, self.title_key), url=url)
        doc.text = result.text
        if self.removals_key:
            doc.metadata[self.removals_key] = [self._removal(r.to_dict()) for r in result.removed]
        return result

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        with self.exclusion_writer if self.exclusion_writer else contextlib.nullcontext() as writer:
            for doc in data or ():
                self.stat_update("total")
                given = doc.text
                with self.track_time():
                    try:
                        result = self.clean_document(doc)
                    except (HtmlTimeout, TextTimeout) as exc:
                        doc.metadata["cleaner_error"] = str(exc)
                        self._drop(doc, given, TIMEOUT, writer, rank)
                        continue
                if result.removed:
                    self.stat_update("changed")
                for category, lines in result.by_category().items():
                    self.stat_update(f"removed/{category}", value=lines)
                if self.drop_empty and not result.text.strip():
                    self._drop(doc, given, EMPTY, writer, rank)
                    continue
                self.stat_update("forwarded")
                self.update_doc_stats(doc)
                yield doc

    def _drop(self, doc: Document, given: str, reason: str, writer: DiskWriter | None, rank: int) -> None:
        """Count a document not passed on; the exclusion writer gets it as it came in."""
        self.stat_update("dropped")
        self.stat_update(f"dropped_{reason}")
        if writer is not None:
            doc.text = given
            doc.metadata["filter_reason"] = reason
            writer.write(doc, rank)

    def _page(self, doc: Document) -> str | bytes | None:
        if self.html_key:
            page = doc.metadata.get(self.html_key)
            if isinstance(page, str | bytes):
                return page
        return doc.text if self.html else None

    def _removal(self, removal: dict[str, object]) -> dict[str, object]:
        if self.compact:
            return {k: v for k, v in removal.items() if k not in COMPACT_DROPS}
        return removal

    @staticmethod
    def _meta(doc: Document, key: str | None) -> str | None:
        value = doc.metadata.get(key) if key else None
        return value if isinstance(value, str) else None
