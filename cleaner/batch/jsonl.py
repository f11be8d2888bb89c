"""JSON Lines: parsing a record, replacing one field's value in the line's own bytes, reading
a JSONL file (decompressed, refused up front when it is not UTF-8).
"""

from __future__ import annotations

import codecs
import contextlib
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cleaner import compression
from cleaner.batch.files import (
    SNIFF_BYTES,
    Hashed,
    InputError,
    check_jsonl_head,
    codec_of,
    os_problem,
)


def json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", int: "a number"}
    if value is None:
        return "null"
    return next((label for t, label in names.items() if isinstance(value, t)), "a number")


@dataclass(frozen=True)
class JsonNumber:
    """A number (or NaN/Infinity) of a JSONL record, as the line spells it. Never converted: the
    line's bytes are written back as they were, and a 5,000-digit integer does not hit Python's
    int-digit limit (which would otherwise escape the per-record handler)."""

    raw: str


# Numbers stay text: no rounding, no digit limit. NaN and Infinity are kept as spelled (not ours to fix).
_DECODER = json.JSONDecoder(parse_float=JsonNumber, parse_int=JsonNumber, parse_constant=JsonNumber)


_JSON_SPACE = " \t\n\r"


def parse_record(body: bytes) -> dict[str, Any]:
    """One JSONL line (without its line ending) to a record; InputError says what is wrong.
    Numbers come back as `JsonNumber`, never int or float."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text") from None
    try:
        record = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply") from None
    if not isinstance(record, dict):
        raise InputError(f"the record is {json_type(record)}, not an object")
    return record


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in _JSON_SPACE:
        at += 1
    return at


def member_spans(text: str) -> list[tuple[str, int, int]]:
    """(key, start, end) of each top-level member's value in a record's source, in order and
    duplicates included, so a field can be replaced without re-writing the others. `text` must
    already have parsed as an object (`parse_record`); keys and values are scanned by the JSON
    decoder itself, so strings with escapes and nesting are read as JSON reads them."""
    spans: list[tuple[str, int, int]] = []
    at = _skip_space(text, _skip_space(text, 0) + 1)  # past "{"
    while text[at] != "}":
        key, at = _DECODER.raw_decode(text, at)
        start = _skip_space(text, _skip_space(text, at) + 1)  # past ":"
        _, end = _DECODER.raw_decode(text, start)
        spans.append((key, start, end))
        at = _skip_space(text, end)
        if text[at] == ",":
            at = _skip_space(text, at + 1)
    return spans


def check_unique(spans: Sequence[tuple[str, int, int]], names: Iterable[str | None]) -> None:
    """Refuse a record in which a field the cleaner reads or writes appears twice: which one
    json.loads keeps (the last) is not something a user can see, so no guess is made."""
    for name in names:
        count = sum(key == name for key, _, _ in spans)
        if name and count > 1:
            raise InputError(f"the record has {count} {name!r} fields (duplicate keys): not cleaned")


def splice_record(
    text: str, spans: Sequence[tuple[str, int, int]], record: dict[str, Any], updates: dict[str, Any]
) -> bytes:
    """The record's own source with only the updated fields' values replaced (a new field goes
    after the last member, `, "name": value`), so every other byte is as it was. A value equal to
    the record's is left as spelled (its escapes kept). UTF-8, or ASCII escapes for lone surrogates."""
    where = {key: (start, end) for key, start, end in spans}
    changed = {name: value for name, value in updates.items() if name not in record or record[name] != value}
    for ensure_ascii in (False, True):
        edits: list[tuple[int, int, str]] = []
        for name, value in changed.items():
            dumped = json.dumps(value, ensure_ascii=ensure_ascii)
            if name in where:
                edits.append((*where[name], dumped))
            else:
                end = spans[-1][2]
                edits.append((end, end, f", {json.dumps(name, ensure_ascii=ensure_ascii)}: {dumped}"))
        out, done = [], 0
        for start, end, new in sorted(edits, key=lambda edit: edit[0]):
            out += [text[done:start], new]
            done = end
        out.append(text[done:])
        try:
            return "".join(out).encode("utf-8")
        except UnicodeEncodeError:
            continue
    raise AssertionError("ASCII escapes always encode")


def str_field(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    return value if isinstance(value, str) else None


def dump_record(record: dict[str, Any]) -> bytes:
    """Compact-ish UTF-8 JSON; falls back to ASCII escapes for lone surrogates (valid JSON input)."""
    try:
        return json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(record).encode("ascii")


def split_line(raw: bytes) -> tuple[bytes, bytes]:
    """A line and its ending (b'\\r\\n', b'\\n' or b'' for a last line without one)."""
    for ending in (b"\r\n", b"\n"):
        if raw.endswith(ending):
            return raw[: -len(ending)], ending
    return raw, b""


def records_only(lines: Iterable[bytes]) -> Iterator[bytes]:
    """The lines of a '.json' file, refused as a whole (InputError) when its first record line is
    not a JSON object: a JSON document is not cleaned line by line as if it were records."""
    lines = iter(lines)
    for lineno, raw in enumerate(lines, 1):
        body = split_line(raw)[0]
        body = body[len(codecs.BOM_UTF8) :] if lineno == 1 and body.startswith(codecs.BOM_UTF8) else body
        if body.strip():
            try:
                parse_record(body)
            except InputError as exc:
                raise InputError(
                    f"not JSON Lines (one JSON object per line), not cleaned: line {lineno}: {exc}"
                ) from None
            yield raw
            break
        yield raw
    yield from lines


@contextlib.contextmanager
def open_jsonl(src: Path, digest: Any = None) -> Iterator[IO[bytes]]:
    """A JSONL file opened for reading line by line (decompressed as its name says), refused up
    front when it is not UTF-8. With `digest` (a hashlib object), every byte of the file as it is
    on disk goes through it, the whole file once the reading is done: its hash is that of what
    was cleaned, and the file is read once."""
    try:
        fh = src.open("rb")
    except OSError as exc:
        raise InputError(os_problem(exc)) from None
    with fh:
        raw: IO[bytes] = fh if digest is None else io.BufferedReader(Hashed(fh, digest), 1 << 16)
        codec = codec_of(src)
        stream = raw if codec is None else compression.reader(raw, codec, InputError)
        check_jsonl_head(stream.peek(SNIFF_BYTES)[:SNIFF_BYTES])  # type: ignore[attr-defined]
        yield stream
        if digest is not None:
            while raw.read(1 << 20):  # the rest, if any, past the end of the compressed stream
                pass


def report_lines(records: Iterable[dict[str, object]]) -> bytes:
    """Report records as JSON Lines."""
    return b"".join(dump_record(dict(r)) + b"\n" for r in records)


def record_bodies(lines: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    """(line number, record bytes) of the non-blank lines of a JSONL stream, without the line end
    and without a UTF-8 BOM before the first record."""
    for lineno, raw in enumerate(lines, 1):
        body = split_line(raw)[0]
        body = body[len(codecs.BOM_UTF8) :] if lineno == 1 and body.startswith(codecs.BOM_UTF8) else body
        if body.strip():
            yield lineno, body
