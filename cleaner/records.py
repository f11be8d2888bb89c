"""Records in, records out: clean one text field of each record (JSON Lines rows, scraped items).

`clean_records` is the streaming form: it pulls one record, yields its cleaned copy, and only
then pulls the next, so memory stays flat however long the input is. `RecordCleaner` is the
one-record step underneath it, shared with the CLI's JSONL mode and the Scrapy pipeline, so a
record is cleaned the same way everywhere:

- the text comes from `field`; when that field is absent (or null) and `html_field` names a
  field holding a page (str or bytes), the text is `clean_html(page, url=...)` instead, and it is
  written to `field`;
- `title_field` and `url_field`, when the record has them as strings, go to `clean(title=, url=)`
  (the title lets the duplicate-headline rule spot repeats of a headline that is not in the text);
- every other field is left as it was; with a removals field, the removals are added to the
  record as a list of `Removal.to_dict()`.

A record with nothing to clean (the field missing, or not a string, and no page) is passed
through unchanged, unless `strict=True`, which raises `RecordError` naming the record's index.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from cleaner.api import clean, clean_html
from cleaner.config import CleanerConfig
from cleaner.types import CleanResult

DEFAULT_REMOVALS_FIELD = "removals"


class RecordError(ValueError):
    """A record has no text to clean (strict mode); the message names the record's index."""


def _type_name(value: object) -> str:
    return "None" if value is None else type(value).__name__


@dataclass(frozen=True)
class RecordCleaner:
    """How to clean one record: which field holds the text, where the page, title and url are.

    `result` does the cleaning and `clean_record` returns the cleaned copy; neither mutates the
    record. Subclasses may override `clean_text` and `clean_page` (e.g. to cache or instrument).
    """

    field: str = "text"
    html_field: str | None = None
    url_field: str | None = "url"
    title_field: str | None = "title"
    removals_field: str | None = None
    config: CleanerConfig | None = None

    def __post_init__(self) -> None:
        if not self.field:
            raise ValueError("the text field name must not be empty")
        for name in ("html_field", "removals_field"):
            value = getattr(self, name)
            if value is not None and (not value or value == self.field):
                raise ValueError(f"{name} must be a non-empty field name other than the text field {self.field!r}")
        if self.removals_field is not None and self.removals_field == self.html_field:
            raise ValueError(f"removals_field and html_field are both {self.html_field!r}")

    # -- one record --------------------------------------------------------------------------

    def result(self, record: Mapping[str, Any]) -> CleanResult | None:
        """The record's text (or page) cleaned; None when the record has nothing to clean."""
        value = record.get(self.field)
        if isinstance(value, str):
            return self.clean_text(value, title=self._string(record, self.title_field), url=self._url(record))
        page = record.get(self.html_field) if self.html_field else None
        if value is None and isinstance(page, str | bytes):
            return self.clean_page(page, url=self._url(record))
        return None

    def updates(self, result: CleanResult) -> dict[str, Any]:
        """The fields that change on a cleaned record: the text and, if asked for, the removals."""
        out: dict[str, Any] = {self.field: result.text}
        if self.removals_field:
            out[self.removals_field] = [r.to_dict() for r in result.removed]
        return out

    def clean_record(self, record: Mapping[str, Any]) -> tuple[dict[str, Any], CleanResult | None]:
        """A new dict: the record with its text cleaned (unchanged when there is nothing to clean)."""
        out = dict(record)
        result = self.result(record)
        if result is not None:
            out.update(self.updates(result))
        return out, result

    def problem(self, record: Mapping[str, Any]) -> str | None:
        """Why `result` would be None for this record (None when it has text to clean)."""
        value = record.get(self.field)
        if isinstance(value, str):
            return None
        page = record.get(self.html_field) if self.html_field else None
        if value is None and isinstance(page, str | bytes):
            return None
        if value is not None:
            return f"field {self.field!r} is {_type_name(value)}, not a string"
        if self.html_field and self.html_field in record:
            return f"field {self.html_field!r} is {_type_name(page)}, not a string or bytes"
        also = f" and no {self.html_field!r} field" if self.html_field else ""
        return f"no {self.field!r} field{also}"

    # -- the cleaning itself (override points) ------------------------------------------------

    def clean_text(self, text: str, *, title: str | None, url: str | None) -> CleanResult:
        return clean(text, self.config, title=title, url=url)

    def clean_page(self, page: str | bytes, *, url: str | None) -> CleanResult:
        return clean_html(page, url=url, config=self.config)

    # -- many records --------------------------------------------------------------------------

    def stream(self, records: Iterable[Mapping[str, Any]], *, strict: bool = False) -> Iterator[dict[str, Any]]:
        """Cleaned copies of `records`, one at a time (see `clean_records`)."""
        for index, record in enumerate(records):
            if not isinstance(record, Mapping):
                raise TypeError(f"record {index} is {_type_name(record)}, not a mapping")
            out, result = self.clean_record(record)
            if result is None and strict:
                raise RecordError(f"record {index}: {self.problem(record)}")
            yield out

    @staticmethod
    def _string(record: Mapping[str, Any], name: str | None) -> str | None:
        value = record.get(name) if name else None
        return value if isinstance(value, str) else None

    def _url(self, record: Mapping[str, Any]) -> str | None:
        return self._string(record, self.url_field)


def removals_field_name(keep_removals: bool | str) -> str | None:
    """`keep_removals` as a field name: True is "removals", a string names the field, False none."""
    if isinstance(keep_removals, str):
        if not keep_removals:
            raise ValueError("keep_removals must be True, False or a non-empty field name")
        return keep_removals
    return DEFAULT_REMOVALS_FIELD if keep_removals else None


def clean_records(
    records: Iterable[Mapping[str, Any]],
    field: str = "text",
    html_field: str | None = None,
    url_field: str | None = "url",
    title_field: str | None = "title",
    keep_removals: bool | str = False,
    config: CleanerConfig | None = None,
    *,
    strict: bool = False,
) -> Iterator[dict[str, Any]]:
    """Clean the `field` of each record, lazily: one record in, its cleaned copy out.

    Yields a new dict per record (the input mappings are not mutated), with `field` cleaned and
    every other field untouched. When `field` is absent or null and the record has a page in
    `html_field` (str or bytes), the text comes from `clean_html(page, url=record[url_field])` and
    is written to `field`. `title_field` and `url_field` (when the record has them as strings) are
    passed to `clean(title=, url=)`; set either to None to ignore it.

    `keep_removals=True` adds the removals (a list of `Removal.to_dict()`) under "removals"; a
    string names the field instead.

    Records with nothing to clean (`field` missing or not a string, and no page) are yielded
    unchanged (as a copy) and without a removals field; with `strict=True` they raise
    `RecordError` naming the record's 0-based index. A record that is not a mapping is always a
    TypeError. The arguments are checked when this is called, before any record is read.
    """
    cleaner = RecordCleaner(
        field=field,
        html_field=html_field,
        url_field=url_field,
        title_field=title_field,
        removals_field=removals_field_name(keep_removals),
        config=config,
    )
    return cleaner.stream(records, strict=strict)
