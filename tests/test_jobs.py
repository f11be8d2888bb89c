"""`--jobs N`: workers handed batches of small files, and one JSONL input cleaned as chunks of
records in the workers; either way the same output, report and summary as `--jobs 1` (issue 19)."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cleaner import io as cio
from cleaner.batch import pool
from cleaner.batch import work as batch_work
from cleaner.cli import app
from cleaner.config import CleanerConfig
from tests import workers
from tests.samples import P1, P2, P3

DOC = f"Skip to content\n\n{P1}\n\nGet the newsletter\n\n{P2}\n\n{P3}\n\nShare this article\n"
PAGE = f"<html><body><article><p>{P1}</p><p>Get the newsletter</p><p>{P2}</p></article></body></html>"
runner = CliRunner()


def run(*args: str | Path, input: bytes | None = None) -> Result:
    return runner.invoke(app, [str(a) for a in args], input=input)


def _outputs(out: Path) -> dict[Path, bytes]:
    return {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _task(path: Path, kind: cio.Kind = cio.Kind.TEXT) -> cio.Task:
    return cio.Task(src=path, name=path.name, kind=kind, dest=None)


def test_batches_by_count_and_bytes_a_jsonl_or_big_file_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pool, "BATCH_FILES", 3)
    monkeypatch.setattr(pool, "BATCH_BYTES", 100)
    sizes = {"a": 10, "b": 10, "c": 10, "d": 10, "big": 100, "e": 60, "f": 60}
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
    (tmp_path / "r.jsonl").write_bytes(b"{}\n")
    tasks = [_task(tmp_path / n) for n in ("a", "b", "c", "d")]
    tasks += [_task(tmp_path / "r.jsonl", cio.Kind.JSONL), _task(tmp_path / "e")]
    tasks += [_task(tmp_path / n) for n in ("big", "f", "missing")]
    got = [[t.src.name for t in batch] for batch in pool.batches(tasks)]
    assert got == [["a", "b", "c"], ["d"], ["r.jsonl"], ["e"], ["big"], ["f", "missing"]]


def test_jobs_two_on_many_small_files_is_jobs_one(tmp_path: Path) -> None:
    """More files than a batch holds, an HTML page, an empty file, one that is not UTF-8 (a failed
    input): the same outputs, manifest, report and summary, in the same order."""
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3 * pool.BATCH_FILES + 5):
        text = DOC if i % 3 else f"{P1}\n\nRead more\n\n{P2}\n"
        (src / f"{i:03d}.txt").write_text(text.replace("Borneo", f"Borneo {i}"))
    (src / "010.html").write_text(PAGE)
    (src / "020.txt").write_bytes(b"")
    (src / "030.txt").write_bytes(DOC.encode("cp1252") + b"\xe9\xff\n")
    for path in src.iterdir():
        os.utime(path, ns=(10**18, 10**18))
    seen = []
    for jobs in ("1", "2"):
        result = run("clean", src, "-o", tmp_path / f"out{jobs}", "--jobs", jobs, "--report", tmp_path / f"r{jobs}")
        assert result.exit_code == 1 and "030.txt: not UTF-8 text" in result.stderr, result.stderr
        seen.append((_outputs(tmp_path / f"out{jobs}"), (tmp_path / f"r{jobs}").read_bytes(), result.stderr))
    assert seen[0] == seen[1]
    files = [json.loads(line)["file"] for line in seen[0][1].splitlines()]
    assert files == sorted(files) and len(set(files)) > pool.BATCH_FILES


def _jsonl_input() -> bytes:
    """Records over several chunks: blank lines, invalid ones (more than the messages cap), a
    record without text, a BOM on line 1, records with and without boilerplate."""
    lines = []
    for i in range(90):
        if i % 4 == 1:
            lines.append("not json {" if i % 8 == 1 else json.dumps({"id": i, "body": "no text field"}))
        elif i % 9 == 0:
            lines.append("")
        else:
            lines.append(json.dumps({"id": i, "url": f"https://example.com/{i}", "text": DOC if i % 2 else P3}))
    return "\ufeff".encode() + "\n".join(lines).encode() + b"\n"


@pytest.mark.parametrize("stdin", [False, True])
def test_jobs_two_on_one_jsonl_input_is_jobs_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stdin: bool) -> None:
    monkeypatch.setattr(batch_work, "CHUNK_LINES", 7)  # many chunks, the bad lines spread over them
    handed: list[int] = []  # the chunks handed to workers

    def chunked(lines: Iterable[bytes]) -> Iterator[tuple[int, list[bytes]]]:
        for start, run in real_chunked(lines):
            handed.append(start)
            yield start, run

    real_chunked = batch_work.chunked
    monkeypatch.setattr(batch_work, "chunked", chunked)
    data = _jsonl_input()
    src = tmp_path / "recs.jsonl"
    src.write_bytes(data)
    seen = []
    for jobs in ("1", "2"):
        report = tmp_path / f"r{jobs}.jsonl"
        if stdin:
            result = run("clean", "-", "--jsonl", "--jobs", jobs, "--report", report, input=data)
            out = result.stdout_bytes
        else:
            result = run("clean", src, "-o", tmp_path / f"out{jobs}", "--jobs", jobs, "--report", report)
            out = (tmp_path / f"out{jobs}" / "recs.jsonl").read_bytes()
        seen.append((result.exit_code, out, report.read_bytes(), result.stderr))
    assert handed == list(range(1, data.count(b"\n") + 1, 7))  # --jobs 2 only
    assert seen[0] == seen[1]
    assert seen[0][0] == 1 and "more error(s) not shown" in seen[0][3]  # the cap, as one pass counts it
    out_lines = seen[0][1].splitlines()
    assert len(out_lines) == data.count(b"\n") and b"Share this article" not in seen[0][1]
    records = [json.loads(line)["record"] for line in seen[0][2].splitlines() if "record" in json.loads(line)]
    assert records == sorted(records) and max(records) > 7 * 10


def _stream(data: bytes, chunks: batch_work.ChunkMap | None) -> tuple[cio.FileResult, bytes]:
    out = io.BytesIO()
    options = cio.Options(config=CleanerConfig(), collect=True)
    res = cio.process_jsonl_stream(io.BufferedReader(io.BytesIO(data)), out, options, chunks=chunks)
    return res, out.getvalue()


def test_a_record_that_fails_in_a_worker_fails_the_input_as_one_pass_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bug on one record stops the input there: the lines before it written and counted, the
    same message, whether the records were cleaned here or in chunks in the workers."""
    monkeypatch.setattr(batch_work, "CHUNK_LINES", 3)
    lines = [json.dumps({"id": i, "text": DOC + ("FAIL-HERE\n" if i == 10 else "")}) for i in range(16)]
    data = "\n".join(lines).encode() + b"\n"
    options = cio.Options(config=CleanerConfig(), collect=True)
    with pool.RecordPool(2, options, cio.STDIN_NAME, clean=workers.chunk_failing_on_marker) as chunks:
        apart, apart_out = _stream(data, chunks)
    monkeypatch.setattr(batch_work, "clean_plain", workers.fail_on_marker)
    here, here_out = _stream(data, None)
    assert apart_out == here_out and apart_out.count(b"\n") == 10
    assert apart.errors == here.errors and "internal error: RuntimeError: a bug met FAIL-HERE" in here.errors[0]
    assert (apart.records, apart.bytes_in, apart.report) == (here.records, here.bytes_in, here.report)


def test_a_worker_that_dies_on_a_chunk_fails_only_its_input(tmp_path: Path) -> None:
    lines = [json.dumps({"id": i, "text": DOC + ("DIE-HERE\n" if i == 5 else "")}) for i in range(8)]
    src = tmp_path / "recs.jsonl"
    src.write_text("\n".join(lines) + "\n")
    task = cio.Task(src=src, name="recs.jsonl", kind=cio.Kind.JSONL, dest=tmp_path / "out" / "recs.jsonl")
    options = cio.Options(config=CleanerConfig())
    with pool.RecordPool(2, options, task.name, clean=workers.chunk_dying_on_marker) as chunks:
        res = cio.process_file(task, options, chunks=chunks)
    assert res.errors == ["recs.jsonl: a worker cleaning its records died (killed by the system, out of memory?)"]
    assert not (tmp_path / "out" / "recs.jsonl").exists()
