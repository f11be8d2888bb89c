"""Interrupted runs: killed part way (SIGINT, SIGKILL) and started again, a run completes; no output
is ever partial; finished inputs are skipped through the OUTDIR manifest (--force redoes them);
the input tree is never modified; --in-place keeps <name>.orig unless --no-backup."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from cleaner import io as cio
from cleaner.batch import work as batch_work
from cleaner.cli import app
from tests.samples import P1, P2

FILES = 1200  # enough that a run outlasts the watcher on a fast (tmpfs) disk
MANIFEST = cio.MANIFEST_NAME
runner = CliRunner()


def run(*args: str | Path) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def doc(i: int) -> str:
    body = "\n\n".join(f"{P1} Report {i}, part {k}.\n\n{P2}" for k in range(6))
    return f"Skip to content\n\n{body}\n\nShare this article\n"


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """A folder of a few hundred small files and the output a complete run gives for each (and,
    under the key REPORT, the report of that run)."""
    base = tmp_path_factory.mktemp("corpus")
    src = base / "in"
    for i in range(FILES):
        sub = src / f"d{i % 3}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"{i:03d}.txt").write_text(doc(i))
    ref = base / "ref"
    assert run("clean", src, "-o", ref, "--report", base / "ref.jsonl").exit_code == 0
    expected = {k: (ref / k).read_bytes() for k in snapshot(ref) if k != MANIFEST and k.endswith(".txt")}
    assert len(expected) == FILES
    return src, {**expected, REPORT: (base / "ref.jsonl").read_bytes()}


REPORT = "<report>"  # the corpus's key for the report of an uninterrupted run


def outputs(out: Path) -> list[Path]:
    return [p for p in out.rglob("*.txt") if p.is_file()]


def report_files(report: Path) -> list[str]:
    """The files the report's records name, once each, in the order they come."""
    return list(dict.fromkeys(json.loads(line)["file"] for line in report.read_text().splitlines()))


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def kill_part_way(src: Path, out: Path, sig: int, *args: str | Path, attempts: int = 3) -> int:
    """Start a real CLI run, let some outputs appear, then send `sig`; the run's exit status.

    On a loaded machine the watcher can be starved until the run has finished: then the run is
    started again from scratch (up to `attempts` times) rather than failing for the wrong reason."""
    for _ in range(attempts):
        proc = subprocess.Popen(
            [sys.executable, "-m", "cleaner", "clean", str(src), "-o", str(out), *map(str, args)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            # A child inherits an ignored SIGINT (some earlier test in the same pytest process can
            # leave it so), and Python then never turns SIGINT into KeyboardInterrupt.
            preexec_fn=_default_sigint,
        )
        deadline = time.monotonic() + 30
        while len(outputs(out)) < 20 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.005)
        if proc.poll() is None:
            break
        proc.communicate(timeout=30)
        shutil.rmtree(out, ignore_errors=True)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert b"Traceback" not in err
    if sig == signal.SIGINT:
        assert b"cleaner: interrupted after" in err and b"run the same command again to resume" in err
    return proc.returncode


def check_outputs_whole(out: Path, expected: dict[str, bytes]) -> None:
    for path in outputs(out):
        assert path.read_bytes() == expected[path.relative_to(out).as_posix()], path


def recorded(out: Path) -> set[str]:
    """The outputs the manifest lists as finished (a torn last line left out)."""
    manifest = (out / MANIFEST).read_text().splitlines() if (out / MANIFEST).exists() else []
    return {json.loads(line)["path"] for line in manifest if line.endswith("}")}


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_killed_run_resumes_and_completes(corpus: tuple[Path, dict[str, bytes]], tmp_path: Path, sig: int) -> None:
    src, expected = corpus
    before = snapshot(src)
    out = tmp_path / "out"
    report = tmp_path / "removed.jsonl"
    status = kill_part_way(src, out, sig, "--report", report)
    assert status != 0, "the run finished before it could be interrupted"
    done = outputs(out)
    assert 0 < len(done) < FILES
    check_outputs_whole(out, expected)  # every output there is complete, never partial
    finished = recorded(out)
    assert finished <= {p.relative_to(out).as_posix() for p in done}  # recorded only once written
    if sig == signal.SIGINT:  # the report holds the removals of every input finished before Ctrl-C
        assert {str(src / name) for name in finished} <= set(report_files(report))
        assert expected[REPORT].startswith(report.read_bytes())

    stale = out / "d0" / ".000.txt.k2j4.part"  # as a SIGKILL during a write leaves it
    stale.write_bytes(b"half a fi")
    keep = out / "d0" / ".notes.part"  # not a temp name this run would make: left alone
    keep.write_bytes(b"x")
    result = run("clean", src, "-o", out, "--report", report)
    assert not stale.exists() and keep.read_bytes() == b"x"
    keep.unlink()
    assert result.exit_code == 0, result.stderr
    assert f"({len(finished)} already done)" in result.stderr or not finished
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in outputs(out)} | {REPORT: report.read_bytes()} == (
        expected
    )
    assert snapshot(src) == before  # the input tree is never modified
    assert not list(out.rglob("*.part"))  # Ctrl-C: the writer removed it; SIGKILL: the re-run did
    if sig == signal.SIGINT:
        assert status == 130


def test_rerun_skips_finished_and_force_redoes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"{i}.txt").write_text(doc(i))
    out = tmp_path / "out"
    assert run("clean", src, "-o", out).exit_code == 0
    assert len((out / MANIFEST).read_text().splitlines()) == 3

    cleaned: list[str] = []
    real = batch_work.clean

    def spy(text: str, *args: object, **kwargs: object) -> object:
        cleaned.append(text)
        return real(text, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch_work, "clean", spy)
    (src / "1.txt").write_text(doc(41))  # changed since: redone
    (out / "2.txt").unlink()  # output gone: redone
    result = run("clean", src, "-o", out)
    assert result.exit_code == 0
    assert "(1 already done)" in result.stderr
    assert sorted(cleaned) == sorted([doc(41), doc(2)])

    cleaned.clear()
    result = run("clean", src, "-o", out, "--force")
    assert "already done" not in result.stderr
    assert len(cleaned) == 3

    cleaned.clear()
    run("clean", src, "-o", out, "--disable", "promo")  # other settings: nothing counts as done
    assert len(cleaned) == 3


def test_torn_manifest_line_is_ignored(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(doc(1))
    (src / "b.txt").write_text(doc(2))
    out = tmp_path / "out"
    run("clean", src, "-o", out)
    manifest = out / MANIFEST
    lines = manifest.read_bytes().splitlines(keepends=True)
    manifest.write_bytes(lines[0] + lines[1][:20])  # as a kill during the append would leave it
    result = run("clean", src, "-o", out)
    assert result.exit_code == 0
    assert "(1 already done)" in result.stderr


def test_in_place_keeps_a_backup_unless_no_backup(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(doc(1))
    b.write_text(doc(2))
    assert run("clean", a, "--in-place").exit_code == 0
    assert (tmp_path / "a.txt.orig").read_text() == doc(1)
    assert a.read_text() != doc(1)
    a.write_text(doc(3))
    run("clean", a, "--in-place")
    assert (tmp_path / "a.txt.orig").read_text() == doc(1)  # the oldest original is kept
    assert run("clean", b, "--in-place", "--no-backup").exit_code == 0
    assert not (tmp_path / "b.txt.orig").exists()
    assert b.read_text() != doc(2)


def test_in_place_unchanged_file_gets_no_backup(tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    a.write_text(f"{P1}\n")
    run("clean", a, "--in-place")
    assert not (tmp_path / "a.txt.orig").exists()


def test_help_documents_resume_force_and_backup() -> None:
    text = " ".join(run("clean", "--help").stdout.split())
    for phrase in ("--force", "--no-backup", ".cleaner-manifest.jsonl", ".orig"):
        assert phrase in text


def test_a_manifest_in_an_input_folder_is_no_input(tmp_path: Path) -> None:
    """An earlier run's output folder as input: its manifest is neither read nor a plan collision."""
    src = tmp_path / "in"
    src.mkdir()
    (src / MANIFEST).write_text("{}\n")
    result = run("clean", src, "-o", tmp_path / "out", "--glob", "*.jsonl")
    assert result.exit_code == 0, result.stderr
    assert "0 files (1 skipped)" in result.stderr
    assert os.listdir(src) == [MANIFEST]


# -- resuming without reading: size and mtime ---------------------------------------------------

HOUR_AGO_NS = time.time_ns() - 3600 * 10**9


def settled(path: Path, offset_ns: int = 0) -> None:
    """Give the file an mtime well in the past: a file modified just before it is read gets no
    size-and-mtime stamp (its mtime may not change on a quick rewrite), only its hash."""
    os.utime(path, ns=(HOUR_AGO_NS + offset_ns, HOUR_AGO_NS + offset_ns))


def settled_inputs(tmp_path: Path, texts: dict[str, str], records: Sequence[str] = ()) -> Path:
    """An 'in' folder of text files and, with `records`, an r.jsonl of them, all `settled`."""
    src = tmp_path / "in"
    src.mkdir()
    for name, text in texts.items():
        (src / name).write_text(text)
    if records:
        (src / "r.jsonl").write_text("".join(json.dumps({"text": r}) + "\n" for r in records))
    for path in src.iterdir():
        settled(path)
    return src


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Names of the inputs (under an 'in' folder) opened for reading: Path.read_bytes, the
    hashing and the JSONL reader all go through Path.open."""
    seen: list[str] = []
    real = Path.open

    def spy(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self.parent.name == "in":
            seen.append(self.name)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", spy)
    return seen


def manifest_entries(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / MANIFEST).read_text().splitlines()]


def test_rerun_does_not_read_finished_inputs(tmp_path: Path, opened: list[str]) -> None:
    src = settled_inputs(tmp_path, {f"{i}.txt": doc(i) for i in range(3)}, [doc(7)])
    out = tmp_path / "out"
    assert run("clean", src, "-o", out).exit_code == 0
    entries = manifest_entries(out)
    assert {e["path"] for e in entries} == {"0.txt", "1.txt", "2.txt", "r.jsonl"}
    for e in entries:
        st = (src / e["path"]).stat()
        assert (e["size"], e["mtime_ns"]) == (st.st_size, st.st_mtime_ns)
        assert e["sha256"] == hashlib.sha256((src / e["path"]).read_bytes()).hexdigest()  # JSONL: hashed as read

    opened.clear()
    result = run("clean", src, "-o", out)
    assert result.exit_code == 0
    assert ": all 4 already done in an earlier run" in result.stderr
    assert opened == []  # nothing read, nothing hashed

    settled(src / "1.txt", offset_ns=10**9)  # touched: hashed, the same, not cleaned
    (src / "2.txt").write_text(doc(2).replace("Report 2", "Report X"))  # same size, new content
    settled(src / "2.txt", offset_ns=2 * 10**9)
    opened.clear()
    result = run("clean", src, "-o", out)
    assert result.exit_code == 0
    assert "(3 already done)" in result.stderr
    assert sorted(opened) == ["1.txt", "2.txt", "2.txt"]  # 1: hashed; 2: hashed, then cleaned
    assert "Report X" in (out / "2.txt").read_text()

    opened.clear()
    result = run("clean", src, "-o", out)
    assert ": all 4 already done in an earlier run" in result.stderr
    assert opened == []  # the touched file's new stamp was recorded

    result = run("clean", src, "-o", out, "--force")
    assert "already done" not in result.stderr
    assert sorted(set(opened)) == ["0.txt", "1.txt", "2.txt", "r.jsonl"]


def test_manifest_lines_without_size_and_mtime_still_count(tmp_path: Path, opened: list[str]) -> None:
    """A manifest written before stamps were recorded: its inputs are hashed, not cleaned again."""
    src = tmp_path / "in"
    src.mkdir()
    for i in range(2):
        (src / f"{i}.txt").write_text(doc(i))
        settled(src / f"{i}.txt")
    out = tmp_path / "out"
    assert run("clean", src, "-o", out).exit_code == 0
    old = [{k: v for k, v in e.items() if k not in ("size", "mtime_ns")} for e in manifest_entries(out)]
    (out / MANIFEST).write_text("".join(json.dumps(e) + "\n" for e in old))
    opened.clear()
    result = run("clean", src, "-o", out)
    assert ": all 2 already done in an earlier run" in result.stderr
    assert sorted(opened) == ["0.txt", "1.txt"]  # hashed only
    assert all("size" in e for e in manifest_entries(out)[2:])
    opened.clear()
    run("clean", src, "-o", out)
    assert opened == []


def test_a_file_modified_just_before_the_run_gets_no_stamp(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "new.txt").write_text(doc(1))  # mtime: now
    out = tmp_path / "out"
    assert run("clean", src, "-o", out).exit_code == 0
    (entry,) = manifest_entries(out)
    assert "size" not in entry and "mtime_ns" not in entry
    assert run("clean", src, "-o", out).stderr.count(": it was already done in an earlier run") == 1  # by its hash


# -- a skip means "this output is what these settings make" (issue 21, item 1) ------------------


def test_a_run_back_to_the_first_settings_redoes_what_other_settings_overwrote(tmp_path: Path) -> None:
    """clean; clean --disable promo; clean again: the third run must not keep the second's output."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(doc(1))
    settled(src / "a.txt")
    out = tmp_path / "out"
    assert run("clean", src, "-o", out).exit_code == 0
    first = (out / "a.txt").read_bytes()
    assert run("clean", src, "-o", out, "--disable", "promo").exit_code == 0
    assert (out / "a.txt").read_bytes() != first  # the share line stayed
    result = run("clean", src, "-o", out)
    assert result.exit_code == 0
    assert "already done" not in result.stderr
    assert (out / "a.txt").read_bytes() == first
    assert ": it was already done in an earlier run" in run("clean", src, "-o", out).stderr


def test_an_output_changed_after_the_run_is_made_again(tmp_path: Path) -> None:
    src = settled_inputs(tmp_path, {"a.txt": doc(1)}, [doc(2)])
    out = tmp_path / "out"
    assert run("clean", src, "-o", out).exit_code == 0
    expected = snapshot(out)
    for name in ("a.txt", "r.jsonl"):
        (out / name).write_text("edited by hand\n")
    result = run("clean", src, "-o", out)
    assert "already done" not in result.stderr
    assert {k: v for k, v in snapshot(out).items() if k != MANIFEST} == {
        k: v for k, v in expected.items() if k != MANIFEST
    }
    assert ": all 2 already done in an earlier run" in run("clean", src, "-o", out).stderr


@pytest.mark.parametrize(("flag", "builtin"), [("--model", "line_model.json"), ("--html-model", "dom_model.json")])
def test_a_model_file_edited_in_place_is_noticed(tmp_path: Path, flag: str, builtin: str) -> None:
    from importlib import resources

    model = tmp_path / "model.json"
    model.write_bytes(resources.files("cleaner.data").joinpath(builtin).read_bytes())
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(doc(1))
    settled(src / "a.txt")
    out = tmp_path / "out"
    assert run("clean", src, "-o", out, flag, model).exit_code == 0
    assert ": it was already done in an earlier run" in run("clean", src, "-o", out, flag, model).stderr
    model.write_bytes(model.read_bytes() + b"\n")  # the same path, other bytes
    assert "already done" not in run("clean", src, "-o", out, flag, model).stderr


def test_builtin_models_are_hashed_by_their_bytes() -> None:
    from importlib import resources

    for name in ("line_model.json", "dom_model.json"):
        packaged = resources.files("cleaner.data").joinpath(name).read_bytes()
        assert cio.model_digest("builtin", name) == hashlib.sha256(packaged).hexdigest()
    assert cio.model_digest("off", "line_model.json") == "off"


# -- the report across reruns (issue 20, item 2) --------------------------------------------------


def small_corpus(tmp_path: Path, n: int = 4) -> Path:
    return settled_inputs(tmp_path, {f"{i}.txt": doc(i) for i in range(n)}, [doc(10 + k) for k in range(2)])


def fresh_report(src: Path, tmp_path: Path, *args: str) -> bytes:
    """The report of an uninterrupted run into a new folder."""
    report = tmp_path / "fresh.jsonl"
    assert run("clean", src, "-o", tmp_path / "fresh", "--report", report, *args).exit_code == 0
    return report.read_bytes()


def test_a_plain_rerun_keeps_the_complete_report(tmp_path: Path) -> None:
    src = small_corpus(tmp_path)
    out, report = tmp_path / "out", tmp_path / "removed.jsonl"
    assert run("clean", src, "-o", out, "--report", report).exit_code == 0
    complete = report.read_bytes()
    assert len(report_files(report)) == 5 and b'"status"' not in complete
    for jobs in ("1", "2", "1"):
        result = run("clean", src, "-o", out, "--report", report, "--jobs", jobs)
        assert ": all 5 already done in an earlier run" in result.stderr
        assert report.read_bytes() == complete
    assert fresh_report(src, tmp_path) == complete


def test_a_rerun_with_one_file_done_gives_the_uninterrupted_report(tmp_path: Path) -> None:
    """As after a kill: some inputs finished by the first run, the rest by the second."""
    src = small_corpus(tmp_path)
    out, report = tmp_path / "out", tmp_path / "removed.jsonl"
    assert run("clean", src / "1.txt", src / "r.jsonl", "-o", out, "--report", report).exit_code == 0
    for jobs in ("2", "1"):
        result = run("clean", src, "-o", out, "--report", report, "--jobs", jobs)
        assert result.exit_code == 0
        assert report.read_bytes() == fresh_report(src, tmp_path)


def test_a_changed_input_is_cleaned_again_and_its_old_removals_replaced(tmp_path: Path) -> None:
    src = small_corpus(tmp_path)
    out, report = tmp_path / "out", tmp_path / "removed.jsonl"
    assert run("clean", src, "-o", out, "--report", report).exit_code == 0
    assert b"Share this article" in report.read_bytes()
    (src / "2.txt").write_text(doc(2).replace("Share this article", "Sign up for our newsletter"))
    result = run("clean", src, "-o", out, "--report", report)
    assert "(4 already done)" in result.stderr
    rows = [json.loads(line) for line in report.read_text().splitlines()]
    texts = [r["text"] for r in rows if r["file"] == str(src / "2.txt")]
    assert "Sign up for our newsletter" in texts and "Share this article" not in texts
    shutil.rmtree(tmp_path / "fresh", ignore_errors=True)
    assert report.read_bytes() == fresh_report(src, tmp_path)


def test_report_to_stdout_holds_the_kept_removals_too(tmp_path: Path) -> None:
    src = small_corpus(tmp_path)
    out, report = tmp_path / "out", tmp_path / "removed.jsonl"
    assert run("clean", src, "-o", out, "--report", report).exit_code == 0
    result = run("clean", src, "-o", out, "--report", "-")
    assert result.exit_code == 0 and ": all 5 already done" in result.stderr
    assert result.stdout_bytes == report.read_bytes()


def test_an_input_finished_without_a_report_is_cleaned_again_for_one(tmp_path: Path, opened: list[str]) -> None:
    """Its removals were never kept: a run that asks for a report cleans it again, once."""
    src = small_corpus(tmp_path)
    out, report = tmp_path / "out", tmp_path / "removed.jsonl"
    assert run("clean", src, "-o", out).exit_code == 0
    result = run("clean", src, "-o", out, "--report", report)
    assert "already done" not in result.stderr
    assert report.read_bytes() == fresh_report(src, tmp_path)
    opened.clear()
    result = run("clean", src, "-o", out, "--report", report)
    assert ": all 5 already done" in result.stderr and opened == []
    assert report.read_bytes() == fresh_report(src, tmp_path)


def test_kept_removals_that_were_lost_or_edited_are_made_again(tmp_path: Path) -> None:
    src = small_corpus(tmp_path)
    out, report = tmp_path / "out", tmp_path / "removed.jsonl"
    assert run("clean", src, "-o", out, "--report", report).exit_code == 0
    complete = report.read_bytes()
    parts = sorted((out / cio.REPORT_PARTS).iterdir())
    assert len(parts) == 5
    parts[0].unlink()
    parts[1].write_text(parts[1].read_text().replace("Skip to content", "Skip to contents"))
    result = run("clean", src, "-o", out, "--report", report)
    assert "(3 already done)" in result.stderr
    assert report.read_bytes() == complete
    assert "(3 already done)" not in run("clean", src, "-o", out, "--report", report).stderr


def test_an_output_folder_as_input_leaves_its_kept_removals_out(tmp_path: Path) -> None:
    src = small_corpus(tmp_path)
    out = tmp_path / "out"
    assert run("clean", src, "-o", out, "--report", tmp_path / "removed.jsonl").exit_code == 0
    result = run("clean", out, "-o", tmp_path / "again")
    assert result.exit_code == 0, result.stderr
    assert "cleaner: 5 files" in result.stderr
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == sorted(
        [MANIFEST, "0.txt", "1.txt", "2.txt", "3.txt", "r.jsonl"]
    )


def test_ctrl_c_keeps_the_removals_of_inputs_not_reached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C part way through a rerun: the report still holds every finished input's removals
    (those not reached from the kept records), not only those before the interruption."""
    src = small_corpus(tmp_path)
    out, report = tmp_path / "out", tmp_path / "removed.jsonl"
    assert run("clean", src, "-o", out, "--report", report).exit_code == 0
    complete = report.read_bytes()
    changed = doc(1).replace("Share this article", "Sign up for our newsletter")
    (src / "1.txt").write_text(changed)
    real = batch_work.clean

    def interrupted(text: str, *args: Any, **kwargs: Any) -> Any:
        if text == changed:
            raise KeyboardInterrupt
        return real(text, *args, **kwargs)

    monkeypatch.setattr(batch_work, "clean", interrupted)
    result = run("clean", src, "-o", out, "--report", report)
    assert result.exit_code == 130 and "interrupted after 1 of 5 files" in result.stderr
    assert report.read_bytes() == complete  # 1.txt's output on disk is still the first run's, and so is its account
    monkeypatch.setattr(batch_work, "clean", real)
    assert run("clean", src, "-o", out, "--report", report).exit_code == 0
    assert b"Sign up for our newsletter" in report.read_bytes()
    assert report.read_bytes() == fresh_report(src, tmp_path)


def test_kept_removals_take_this_runs_name_for_the_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = small_corpus(tmp_path)
    out, report = tmp_path / "out", tmp_path / "removed.jsonl"
    assert run("clean", src, "-o", out, "--report", report).exit_code == 0  # absolute names
    monkeypatch.chdir(tmp_path)
    result = run("clean", "in", "-o", out, "--report", report)
    assert ": all 5 already done" in result.stderr
    assert report_files(report) == ["in/0.txt", "in/1.txt", "in/2.txt", "in/3.txt", "in/r.jsonl"]
    assert report.read_bytes() == fresh_report(Path("in"), tmp_path)
