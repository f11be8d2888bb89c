"""Data frames: a text column cleaned row by row with the one-record step of JSONL mode
(`cleaner.records.RecordCleaner`), a pandas frame at once or a Dask frame partition by partition
(`clean_dataframe`; `cleaner.batch.dask.clean_parquet` cleans Parquet files with the same rows).

Neither pandas nor Dask is imported here until a frame is cleaned.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cleaner.config import CleanerConfig
from cleaner.records import RecordCleaner
from cleaner.types import CleanResult

if TYPE_CHECKING:
    import pandas as pd


def _missing(value: object) -> bool:
    """None, NaN, pd.NA or NaT: a null cell."""
    if value is None or isinstance(value, str | bytes):
        return value is None
    if type(value).__name__ in ("NAType", "NaTType"):
        return True
    try:
        return bool(value != value)  # NaN
    except (TypeError, ValueError):
        return False


def row_columns(cleaner: RecordCleaner) -> list[str]:
    names = [cleaner.field, cleaner.html_field, cleaner.url_field, cleaner.title_field]
    return list(dict.fromkeys(n for n in names if n))


def clean_rows(
    columns: Mapping[str, Sequence[Any]],
    rows: int,
    cleaner: RecordCleaner,
    *,
    keep: Sequence[Any] | None = None,
    on_result: Callable[[int, CleanResult], None] | None = None,
) -> tuple[list[Any], list[str | None]]:
    """Cleaned texts and removals (JSON) for `rows` rows given column-wise (null cells as None).

    A row with nothing to clean (no text, no page) gets `keep[i]` (None without `keep`) and no
    removals. `on_result(i, result)` sees every cleaned row.
    """
    texts: list[Any] = []
    removals: list[str | None] = []
    for i in range(rows):
        record = {name: values[i] for name, values in columns.items() if values[i] is not None}
        result = cleaner.result(record)
        if result is None:
            texts.append(None if keep is None else keep[i])
            removals.append(None)
            continue
        texts.append(result.text)
        removals.append(json.dumps([r.to_dict() for r in result.removed], ensure_ascii=False))
        if on_result is not None:
            on_result(i, result)
    return texts, removals


def frame_cleaner(
    text_column: str,
    html_column: str | None,
    url_column: str | None,
    title_column: str | None,
    removals_column: str | None,
    config: CleanerConfig | None,
) -> RecordCleaner:
    return RecordCleaner(
        field=text_column,
        html_field=html_column,
        url_field=url_column,
        title_field=title_column,
        removals_field=removals_column,
        config=config,
    )


def check_columns(columns: Sequence[str], cleaner: RecordCleaner, output: str, removals: str | None) -> None:
    if cleaner.field not in columns and (cleaner.html_field is None or cleaner.html_field not in columns):
        also = f" nor {cleaner.html_field!r}" if cleaner.html_field else ""
        raise ValueError(f"the frame has no column {cleaner.field!r}{also} to clean")
    for name in (output, removals):
        if name is not None and name != cleaner.field and name in columns:
            raise ValueError(f"the frame has a column {name!r} already; choose another name")
    if removals is not None and removals == output:
        raise ValueError(f"the output and removals columns are both {output!r}")


def clean_frame(
    frame: pd.DataFrame, cleaner: RecordCleaner, output_column: str, removals_column: str | None = None
) -> pd.DataFrame:
    """One pandas partition: `output_column` holds the cleaned text (a row with nothing to clean
    keeps its value when the output is the text column, else gets null), `removals_column` the
    removals as JSON. Every other column is left as it was."""
    import pandas as pd

    names = [n for n in row_columns(cleaner) if n in frame.columns]
    columns = {n: [None if _missing(v) else v for v in frame[n].tolist()] for n in names}
    keep = frame[output_column].tolist() if output_column == cleaner.field and output_column in frame.columns else None
    texts, removals = clean_rows(columns, len(frame), cleaner, keep=keep)
    source = frame[cleaner.field] if cleaner.field in frame.columns else None
    dtype = source.dtype if source is not None and pd.api.types.is_string_dtype(source.dtype) else object
    added = {output_column: pd.Series(texts, index=frame.index, dtype=dtype)}
    if removals_column is not None:
        added[removals_column] = pd.Series(removals, index=frame.index, dtype=dtype)
    return frame.assign(**added)


def clean_dataframe(
    df: Any,
    text_column: str = "text",
    *,
    config: CleanerConfig | None = None,
    output_column: str | None = None,
    removals_column: str | None = None,
    html_column: str | None = None,
    url_column: str | None = "url",
    title_column: str | None = "title",
) -> Any:
    """A Dask DataFrame (lazy; or a pandas one, cleaned now) with `text_column` cleaned, row by
    row as `cleaner.clean(text, config, title=row[title_column], url=row[url_column])`.

    `output_column` writes the cleaned text to a new column instead; `removals_column` adds each
    row's removals as a JSON list of `Removal.to_dict()`. A row whose text is null and whose
    `html_column` holds a page gets `clean_html(page)`. Rows with nothing to clean keep their
    value (null in a new output column). Raises ValueError for missing or clashing columns.
    """
    cleaner = frame_cleaner(text_column, html_column, url_column, title_column, removals_column, config)
    output = output_column or text_column
    check_columns(list(df.columns), cleaner, output, removals_column)
    step = functools.partial(clean_frame, cleaner=cleaner, output_column=output, removals_column=removals_column)
    if not hasattr(df, "map_partitions"):
        return step(df)
    return df.map_partitions(step, meta=step(df._meta))
