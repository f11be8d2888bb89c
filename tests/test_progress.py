"""The CLI's progress display: records and records/s of a JSONL input on a terminal, nothing otherwise."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import cleaner
from cleaner import cli
from cleaner import io as cio
from cleaner.cli import app
from tests.samples import P1, P2, P3

DOC = f"Skip to content\n\n{P1}\n\nGet the newsletter\n\n{P2}\n\n{P3}\n\nShare this article\n"
RECORDS = [{"id": i, "text": DOC if i % 2 else f"{P1}\n"} for i in range(7)]
JSONL = "".join(json.dumps(r) + "\n" for r in RECORDS) + "\n" + "not json\n"  # 9 lines: a blank, an invalid one

runner = CliRunner()
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> io.StringIO:
    """stderr as a terminal: what the CLI draws there lands in the returned buffer."""
    screen = io.StringIO()

    def console() -> Console:
        return Console(file=screen, force_terminal=True, width=120, highlight=False, markup=False, soft_wrap=True)

    monkeypatch.setattr(cli, "_stderr", console)
    return screen


def shown(screen: io.StringIO) -> str:
    return ANSI.sub("", screen.getvalue()).replace("\r", "\n")


def clean(*args: str | Path, input: str | None = None) -> tuple[int, bytes]:
    result = runner.invoke(app, ["clean", *map(str, args)], input=input)
    return result.exit_code, result.stdout_bytes


def test_one_jsonl_file_shows_its_records_per_second(tmp_path: Path, terminal: io.StringIO) -> None:
    (tmp_path / "pages.jsonl").write_text(JSONL)
    code, _ = clean(tmp_path / "pages.jsonl", "-o", tmp_path / "out")
    assert code == 1  # the invalid line
    screen = shown(terminal)
    assert re.search(r"pages\.jsonl .*\b9 records, [\d,]+ records/s", screen), screen  # every line counted
    assert "cleaner: 1 file (7 records)" in screen


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_progress_leaves_the_output_as_it_was(
    tmp_path: Path, terminal: io.StringIO, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    (tmp_path / "pages.jsonl").write_text(JSONL)
    clean(tmp_path / "pages.jsonl", "-o", tmp_path / "shown", "--jobs", jobs, "--report", tmp_path / "shown.jsonl")
    assert "records/s" in shown(terminal)  # one file is cleaned here whatever --jobs says: its records show
    monkeypatch.undo()  # stderr as the test runner has it: not a terminal
    terminal.seek(0)
    terminal.truncate(0)
    code, _ = clean(
        tmp_path / "pages.jsonl", "-o", tmp_path / "plain", "--jobs", jobs, "--report", tmp_path / "p.jsonl"
    )
    assert code == 1 and terminal.getvalue() == ""
    assert (tmp_path / "shown" / "pages.jsonl").read_bytes() == (tmp_path / "plain" / "pages.jsonl").read_bytes()
    assert (tmp_path / "shown.jsonl").read_bytes() == (tmp_path / "p.jsonl").read_bytes()


def test_nothing_off_a_terminal(tmp_path: Path) -> None:
    (tmp_path / "pages.jsonl").write_text(JSONL)
    result = runner.invoke(app, ["clean", str(tmp_path / "pages.jsonl"), "-o", str(tmp_path / "out")])
    assert "records" in result.stderr and "records/s" not in result.stderr  # the summary only
    assert "━" not in result.stderr


def test_stdin_stream_shows_records(terminal: io.StringIO) -> None:
    code, out = clean("-", "--jsonl", input=JSONL)
    assert code == 1
    assert re.search(r"<stdin> .*\b9 records, [\d,]+ records/s", shown(terminal))
    plain = runner.invoke(app, ["clean", "-", "--jsonl"], input=JSONL)
    assert out == plain.stdout_bytes and b"records/s" not in out  # stdout carries the records only


def test_folder_files_bar_and_records_of_jsonl_cleaned_here(tmp_path: Path, terminal: io.StringIO) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(DOC)
    (src / "b.jsonl").write_text(JSONL)
    (src / "c.txt").write_text(DOC)
    clean(src, "-o", tmp_path / "one", "--jobs", "1")
    screen = shown(terminal)
    assert re.search(r"cleaning .*\b\d/3\b", screen) and re.search(r"b\.jsonl .*9 records", screen)
    terminal.truncate(0)
    terminal.seek(0)
    clean(src, "-o", tmp_path / "two", "--jobs", "2")  # in worker processes: the files bar only
    screen = shown(terminal)
    assert re.search(r"cleaning .*\b\d/3\b", screen) and "records/s" not in screen


def test_process_file_reports_each_line(tmp_path: Path) -> None:
    src = tmp_path / "pages.jsonl"
    src.write_text(JSONL)
    sizes: list[int] = []
    task = cio.Task(src=src, dest=tmp_path / "out.jsonl", name="pages.jsonl", kind=cio.Kind.JSONL)
    res = cio.process_file(task, cio.Options(cleaner.CleanerConfig()), sizes.append)
    assert len(sizes) == 9 and sum(sizes) == src.stat().st_size == res.bytes_in
    (watched,) = cio.run_tasks([task], cio.Options(cleaner.CleanerConfig()), jobs=4, progress=lambda t: sizes.append)
    assert len(sizes) == 18 and watched.bytes_out == res.bytes_out  # one task: cleaned here, watched
