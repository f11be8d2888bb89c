"""Site templates over files: a file's host, and the documents of an input as `learn-sites` counts
them (here, and on a Dask cluster: `cleaner.batch.dask.count_sites_files`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from cleaner.batch.files import KINDS, InputError, document_source, read_input
from cleaner.batch.jsonl import open_jsonl, parse_record, record_bodies, str_field
from cleaner.batch.plan import Task

if TYPE_CHECKING:
    from cleaner.batch.work import Options
    from cleaner.sites import SiteCounts


def site_options(options: Options, src: Path) -> Options:
    """With site templates on, a text or HTML file's host is the name of its folder (a directory
    per site); the url of a page, when one is given, still takes precedence."""
    if options.config.sites is None:
        return options
    from cleaner.sites import host_of_folder

    return dataclasses.replace(options, config=options.config.replace(site_host=host_of_folder(src)))


def site_documents(task: Task, field: str, url_field: str, problems: list[str]) -> Iterator[tuple[str | None, str]]:
    """(host, text) of each document of one input, as `cleaner clean --sites` will see it: a text
    file's decoded text, an HTML page's extracted text (both with the folder's name as host), a
    JSONL record's `field` with the host of its `url_field`. A file that cannot be read raises
    InputError; a bad JSONL line is one message in `problems` and is skipped."""
    from cleaner.sites import host_of, host_of_folder

    if not KINDS[task.kind].streamed:
        source = document_source(read_input(task.src), task.kind)
        if KINDS[task.kind].page:
            from cleaner.html import page_blocks
            from cleaner.html.mode import page_text

            # The page's blocks, as clean_html (with its default block model) hands them to the rules.
            yield host_of_folder(task.src), page_text(page_blocks(source))[0]
        else:
            assert isinstance(source, str)  # a text, decoded
            yield host_of_folder(task.src), source
        return
    with open_jsonl(task.src) as fh:
        for lineno, body in record_bodies(fh):
            try:
                record = parse_record(body)
            except InputError as exc:
                problems.append(f"{task.name}: line {lineno}: {exc}")
                continue
            text = record.get(field)
            if not isinstance(text, str):
                problems.append(f"{task.name}: line {lineno}: no {field!r} text field")
                continue
            yield host_of(str_field(record, url_field)), text


@dataclass
class SitesCounted:
    """What counting the inputs found: the counts, and what could not be read."""

    counts: SiteCounts
    problems: list[str] = field(default_factory=list)  # "name: problem", in the order of the inputs
    without_host: int = 0  # documents left out: a JSONL record without a url

    def merge(self, other: SitesCounted) -> SitesCounted:
        return SitesCounted(
            self.counts.merge(other.counts), self.problems + other.problems, self.without_host + other.without_host
        )


def count_input(task: Task, field: str, url_field: str, found: SitesCounted) -> None:
    """Count one input's documents into `found` (a bad JSONL line is one problem there); InputError
    when the input cannot be read at all."""
    for host, text in site_documents(task, field, url_field, found.problems):
        if host is None:
            found.without_host += 1
        else:
            found.counts.add(host, text)
