"""cleaner.io on its own: the decoding policy, planning, atomic writes, explain rows."""

from __future__ import annotations

from pathlib import Path

import pytest

import cleaner
from cleaner import Category, CleanerConfig, CleanResult, Removal
from cleaner import io as cio
from tests.samples import P1


def test_decode_policy() -> None:
    assert cio.decode(b"plain\n") == ("plain\n", cio.UTF8)
    text, enc = cio.decode(b"\xef\xbb\xbfwith bom\n")
    assert text == "with bom\n" and enc.bom == b"\xef\xbb\xbf"
    text, enc = cio.decode(b"\xfe\xff" + "wide\n".encode("utf-16-be"))
    assert text == "wide\n" and enc.codec == "utf-16-be"
    assert cio.encode("wide\n", enc) == b"\xfe\xff" + "wide\n".encode("utf-16-be")
    with pytest.raises(cio.BinaryInput, match="binary file"):
        cio.decode(b"abc\x00def")
    with pytest.raises(cio.InputError, match=r"not UTF-8 text \(invalid byte 0xe9 at offset 3\)"):
        cio.decode(b"Caf\xe9")


def test_html_source_falls_back_to_bytes_for_other_charsets() -> None:
    page = '<meta charset="windows-1252"><p>Caf\xe9</p>'.encode("cp1252")
    assert cio.html_source(page) == page
    assert cio.html_source(b"<p>ok</p>") == "<p>ok</p>"
    with pytest.raises(cio.BinaryInput):
        cio.html_source(b"<p>\x00</p>")


def test_output_names() -> None:
    assert cio.output_name("page.html", cio.Kind.HTML) == "page.html.txt"
    assert cio.output_name("sub/a.md", cio.Kind.TEXT) == "sub/a.md"
    assert cio.kind_of(Path("X.HTM")) is cio.Kind.HTML
    assert cio.kind_of(Path("notes.log")) is cio.Kind.TEXT


def test_plan_runs_each_file_once_in_argument_order(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    for name in ("b.txt", "a.txt", "skip.json"):
        (tmp_path / "d" / name).write_text("x\n")
    plan = cio.plan_run([str(tmp_path / "d" / "b.txt"), str(tmp_path / "d")], outdir=tmp_path / "out")
    assert [t.src.name for t in plan.tasks] == ["b.txt", "a.txt"]
    assert plan.skipped == 1
    assert plan.tasks[1].dest == tmp_path / "out" / "a.txt"


def test_atomic_writer_keeps_the_old_file_when_interrupted(tmp_path: Path) -> None:
    dest = tmp_path / "out.txt"
    dest.write_bytes(b"old\n")
    with pytest.raises(KeyboardInterrupt), cio.AtomicWriter(dest) as fh:
        fh.write(b"half of the new")
        raise KeyboardInterrupt
    assert dest.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]
    cio.write_atomic(dest, b"new\n")
    assert dest.read_bytes() == b"new\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_explain_rows_mark_removed_and_restored_lines() -> None:
    text = "Menu\r\nKept line\r\nTeaser one\r\nTeaser two\r\n"
    result = CleanResult(
        text="Kept line\r\n",
        removed=[Removal((1, 1), "Menu", Category.NAVIGATION, "en.navigation.menu", "Menu labels.")],
        restored=[Removal((3, 4), "Teaser one\nTeaser two", Category.RELATED, "context.teaser", "Teasers.")],
    )
    rows = cio.explain_rows(text, result)
    assert [(r.mark, r.text) for r in rows] == [
        (cio.Mark.REMOVED, "Menu"),
        (cio.Mark.KEPT, "Kept line"),
        (cio.Mark.RESTORED, "Teaser one"),
        (cio.Mark.RESTORED, "Teaser two"),
    ]
    assert rows[0].note == "navigation: Menu labels. [en.navigation.menu]"
    assert rows[2].note is not None and "over-removal guard" in rows[2].note
    assert rows[1].note is None


def test_jsonl_errors_are_capped_per_file() -> None:
    options = cio.Options(config=CleanerConfig())
    res = cio.process_stream(b"nope\n" * 50, cio.Kind.JSONL, options)
    assert res.error_count == 50
    assert len(res.errors) == cio.MAX_MESSAGES_PER_FILE + 1
    assert res.errors[-1].endswith("30 more error(s) not shown")
    assert res.output == b"nope\n" * 50


def test_jsonl_warnings_are_capped_per_file_and_the_rest_counted() -> None:
    # Before: the first MAX_MESSAGES_PER_FILE warnings, then silence about the rest.
    options = cio.Options(config=CleanerConfig())
    record = b'{"text": "<html><head><title>T</title></head><body><p>A page as text.</p></body></html>"}\n'
    res = cio.process_stream(record * 50, cio.Kind.JSONL, options)
    assert len(res.warnings) == cio.MAX_MESSAGES_PER_FILE + 1
    assert res.warnings[-1].endswith("30 more warning(s) not shown")


def test_clean_page_is_clean_html_with_the_extraction_warnings() -> None:
    page = f"<html><head><title>T</title></head><body><article><p>{P1}</p><p>Share this article</p></article>"
    assert cio.clean_page(page, None) == cleaner.clean_html(page)
    disabled = CleanerConfig(disabled=frozenset({Category.PROMO}))
    assert cio.clean_page(page, disabled, url="https://example.org/a") == cleaner.clean_html(
        page, url="https://example.org/a", config=disabled
    )
    deep = "<html><body>" + "<div>" * 300 + f"<p>{P1}</p>" + "</div>" * 300 + "</body></html>"
    result = cio.clean_page(deep, CleanerConfig())
    assert result.text == "" and len(result.warnings) == 1


def test_status_line_only_for_skipped_and_failed_inputs() -> None:
    res = cio.FileResult("a.txt")
    assert res.status() is None
    res.up_to_date = True
    assert res.status() is None  # done by an earlier run: its kept removals account for it
    res = cio.FileResult("b.jsonl")
    res.fail("line 2: invalid JSON")
    res.fail("line 5: no 'text' field")
    assert res.status() == {"file": "b.jsonl", "status": "failed: line 2: invalid JSON; line 5: no 'text' field"}


def test_manifest_reads_old_new_and_torn_lines(tmp_path: Path) -> None:
    manifest = cio.Manifest(tmp_path, "s1")
    manifest.add(tmp_path / "new.txt", "aa", cio.Stamp(10, 123), "o1")
    with manifest.path.open("a") as fh:
        fh.write('{"path": "old.txt", "sha256": "bb", "settings": "s1", "output": "o2"}\n')  # no stamp
        fh.write('{"path": "other.txt", "sha256": "cc", "settings": "s2", "output": "o3"}\n')  # other settings
        fh.write('{"path": "bad.txt", "sha256": "dd", "settings": "s1", "size": "10", "mtime_ns": 1, "output": "o4"}\n')
        fh.write('{"path": "no-output.txt", "sha256": "ee", "settings": "s1"}\n')  # before outputs were hashed
        fh.write('{"path": "torn.txt", "sha')
    assert manifest.finished() == {
        tmp_path / "new.txt": cio.Finished("aa", "o1", cio.Stamp(10, 123)),
        tmp_path / "old.txt": cio.Finished("bb", "o2"),
        tmp_path / "bad.txt": cio.Finished("dd", "o4"),  # a stamp that is not two integers: hashed instead
    }


def test_the_last_manifest_line_for_an_output_counts_whatever_its_settings(tmp_path: Path) -> None:
    """A run with settings s2 overwrote a.txt after s1 made it: for s1, a.txt is not done."""
    s1, s2 = cio.Manifest(tmp_path, "s1"), cio.Manifest(tmp_path, "s2")
    s1.add(tmp_path / "a.txt", "aa", None, "o1")
    s1.add(tmp_path / "b.txt", "bb", None, "o2")
    s2.add(tmp_path / "a.txt", "aa", None, "o3")
    assert s1.finished() == {tmp_path / "b.txt": cio.Finished("bb", "o2")}
    assert s2.finished() == {tmp_path / "a.txt": cio.Finished("aa", "o3")}


def test_jsonl_stream_is_cleaned_record_by_record() -> None:
    """stdin JSONL (`cleaner clean - --jsonl`) is read and written a record at a time: the first
    cleaned record is out before the third is read, and the bytes equal the whole-buffer path."""
    import io
    import json

    records = [
        json.dumps({"id": i, "text": f"{P1}\n\nShare this article\n\nSign up for our newsletter"}).encode() + b"\n"
        for i in range(5)
    ] + [b"not json\n"]
    read: list[int] = []
    seen_at_first_write: list[int] = []

    class Reader(io.RawIOBase):
        def __iter__(self):  # type: ignore[no-untyped-def]
            for rec in records:
                read.append(1)
                yield rec

    class Writer(io.BytesIO):
        def write(self, b):  # type: ignore[no-untyped-def]
            if not seen_at_first_write:
                seen_at_first_write.append(len(read))
            return super().write(b)

    options = cio.Options(config=CleanerConfig())
    out = Writer()
    res = cio.process_jsonl_stream(Reader(), out, options)  # type: ignore[arg-type]
    assert seen_at_first_write == [1]
    whole = cio.process_stream(b"".join(records), cio.Kind.JSONL, options)
    assert out.getvalue() == whole.output
    assert (res.error_count, res.bytes_in, res.bytes_out) == (whole.error_count, whole.bytes_in, whole.bytes_out)
    assert b"Sign up for our newsletter" not in out.getvalue()


def test_jsonl_stream_refuses_utf16_up_front() -> None:
    import codecs
    import io

    res = cio.process_jsonl_stream(
        io.BufferedReader(io.BytesIO(codecs.BOM_UTF16_LE + "{}".encode("utf-16-le"))),
        None,
        cio.Options(config=CleanerConfig()),
    )
    assert not res.ok and "UTF-16" in " ".join(res.errors)


# -- JSONL: a record's other bytes are kept (issue 21, item 6) ----------------------------------

DOC = f"{P1}\n\nShare this article\n\nSign up for our newsletter"


def _jsonl(data: bytes, **kw: object) -> tuple[cio.FileResult, list[bytes]]:
    res = cio.process_stream(data, cio.Kind.JSONL, cio.Options(config=CleanerConfig(), **kw))  # type: ignore[arg-type]
    assert res.output is not None
    return res, res.output.splitlines(keepends=True)


def _cleaned(line: bytes) -> str:
    import json

    text = json.loads(line)["text"]
    assert isinstance(text, str)
    return text


def test_jsonl_big_integer_is_kept_and_the_file_goes_on() -> None:
    """A 5,000-digit integer is past Python's int-digit limit: the record is still cleaned, the
    number written back digit for digit, and the records after it are cleaned too (file and stdin)."""
    import io
    import json

    big = "9" * 5000
    data = f'{{"id": {big}, "text": {json.dumps(DOC)}}}\n'.encode() + json.dumps({"text": DOC}).encode() + b"\n"
    res, lines = _jsonl(data)
    assert res.ok, res.errors
    assert len(lines) == 2 and res.records == 2
    assert lines[0].startswith(f'{{"id": {big}, "text": '.encode())
    assert "Share this article" not in lines[0].decode() and "Share this article" not in _cleaned(lines[1])
    out = io.BytesIO()
    streamed = cio.process_jsonl_stream(io.BufferedReader(io.BytesIO(data)), out, cio.Options(config=CleanerConfig()))
    assert streamed.ok, streamed.errors
    assert out.getvalue() == res.output


def test_jsonl_number_spellings_kept_byte_for_byte() -> None:
    """Numbers (and NaN/Infinity, which are not ours to fix) are written as the line spelled them:
    only the cleaned text's value changes."""
    import json

    head = b'{"a": 1e400, "b": 0.1000000000000000055511151231257827, "c": -0, "d": 1E2, "e": NaN, "f": -Infinity, '
    line = head + b'"text": ' + json.dumps(DOC).encode() + b', "g": [1.50, {"h": 2E-0}]}\n'
    res, lines = _jsonl(line)
    assert res.ok, res.errors
    assert "Share this article" not in _cleaned(lines[0])
    expected = line.replace(json.dumps(DOC).encode(), json.dumps(_cleaned(lines[0]), ensure_ascii=False).encode())
    assert lines == [expected]


def test_jsonl_separators_and_escapes_kept() -> None:
    """A compact line stays compact, and a text with nothing to remove keeps its own escapes."""
    import json

    compact = b'{"id":1,"text":' + json.dumps(DOC).encode() + b',"lang":"en"}\n'
    res, lines = _jsonl(compact)
    assert res.ok, res.errors
    assert lines[0].startswith(b'{"id":1,"text":"') and lines[0].endswith(b'","lang":"en"}\n')
    untouched = b'{"text": ' + json.dumps(P1 + " caf\u00e9\n").encode() + b"}\n"
    assert b"\\u00e9" in untouched
    assert _jsonl(untouched)[1] == [untouched]


def test_jsonl_normal_record_output_as_before() -> None:
    """A record written by json.dumps comes out as today's writer wrote it (same keys, order and
    separators), removals field appended at the end."""
    import json

    record = {"id": 1, "text": DOC, "url": "https://example.org/a", "tags": ["x", "y"]}
    res, lines = _jsonl(json.dumps(record).encode() + b"\n", removals_field="removed")
    assert res.ok, res.errors
    cleaned = cleaner.clean(DOC, url="https://example.org/a")
    today = {**record, "text": cleaned.text, "removed": [r.to_dict() for r in cleaned.removed]}
    assert lines == [json.dumps(today, ensure_ascii=False).encode() + b"\n"]


def test_jsonl_duplicate_keys() -> None:
    """Duplicate keys the cleaner does not touch are all kept; a duplicated field it reads or
    writes is that record's error (the line copied through), and the next record is cleaned."""
    import json

    dup_other = b'{"id": 1, "id": 2, "text": ' + json.dumps(DOC).encode() + b"}\n"
    dup_text = b'{"text": "a", "text": ' + json.dumps(DOC).encode() + b"}\n"
    last = json.dumps({"text": DOC}).encode() + b"\n"
    res, lines = _jsonl(dup_other + dup_text + last)
    assert res.errors == ["<stdin>: line 2: the record has 2 'text' fields (duplicate keys): not cleaned"]
    assert lines[0].startswith(b'{"id": 1, "id": 2, "text": ') and "Share this article" not in _cleaned(lines[0])
    assert lines[1] == dup_text
    assert "Share this article" not in _cleaned(lines[2])


def test_jsonl_lone_surrogate_escaped_only_in_the_cleaned_value() -> None:
    """A text with a lone surrogate (valid JSON, not encodable as UTF-8) is written with ASCII
    escapes; the other fields keep their UTF-8 bytes."""
    import json

    line = '{"who": "Zoë", "text": ' + json.dumps("\ud800 " + DOC) + "}\n"
    res, lines = _jsonl(line.encode())
    assert res.ok, res.errors
    assert lines[0].startswith('{"who": "Zoë", "text": "\\ud800 '.encode())
    assert "Share this article" not in _cleaned(lines[0])


def test_a_worker_that_dies_is_one_failed_input_not_a_dead_run(tmp_path: Path) -> None:
    """A worker killed on one page broke the whole pool: BrokenProcessPool, nothing more written
    (issue 21, item 5). Now that input fails alone and every other one is cleaned, in order."""
    from tests.workers import die_on_poison

    src = tmp_path / "in"
    src.mkdir()
    names = [f"{i:02d}.txt" for i in range(12)]
    names.insert(5, "poison.txt")
    for name in names:
        (src / name).write_text(DOC)
    out = tmp_path / "out"
    plan = cio.plan_run([str(src)], outdir=out)
    options = cio.Options(config=CleanerConfig())
    results = list(cio.run_tasks(plan.tasks, options, jobs=2, work=die_on_poison))
    assert [r.name for r in results] == [t.name for t in plan.tasks]
    failed = [r for r in results if not r.ok]
    assert [r.name for r in failed] == [t.name for t in plan.tasks if t.src.name == "poison.txt"]
    assert "worker cleaning it died" in failed[0].errors[0]
    written = sorted(p.name for p in out.iterdir() if p.suffix == ".txt")
    assert written == sorted(n for n in names if n != "poison.txt")
