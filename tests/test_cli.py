"""The command line: files and folders in, mirrored outputs, reports, errors and exit codes."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import threading
from pathlib import Path

import click
import pytest
import typer
from typer.testing import CliRunner, Result

import cleaner
from cleaner import cli
from cleaner import io as cio
from cleaner.batch import work as batch_work
from cleaner.batch import write as batch_write
from cleaner.cli import app
from tests.conftest import SEEDS
from tests.samples import P1, P2, P3

DOC = f"Skip to content\n\n{P1}\n\nGet the newsletter\n\n{P2}\n\n{P3}\n\nShare this article\n"
CLEAN = f"{P1}\n\n{P2}\n\n{P3}\n"
PAGE = (
    "<html><head><title>Frogs of Borneo</title></head><body><article>"
    f"<p>{P1}</p><p>Get the newsletter</p><p>{P2}</p><p>{P3}</p><p>Share this article</p>"
    "</article></body></html>"
)

runner = CliRunner()
MANIFEST = cio.MANIFEST_NAME  # the resume manifest every run into OUTDIR keeps


def run(*args: str | Path, input: bytes | str | None = None) -> Result:
    return runner.invoke(app, [str(a) for a in args], input=input)


def flat(text: str) -> str:
    """Error text without rich's panel borders and line wrapping, for substring checks."""
    return " ".join(text.replace("│", " ").replace("╭", " ").replace("╰", " ").split())


def record(**fields: object) -> str:
    return json.dumps(fields)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """An input folder with every supported kind, a file to skip, and a subfolder."""
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(DOC)
    (src / "sub" / "b.md").write_text(DOC)
    (src / "sub" / "page.html").write_text(PAGE)
    (src / "notes.json").write_text('{"not": "an input"}')
    lines = [record(id=1, text=DOC, lang="en"), record(id=2, text=f"{P1}\n")]
    (src / "data.jsonl").write_text("\n".join(lines) + "\n")
    return src


def read_report(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


# -- basics ------------------------------------------------------------------------------------


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"cleaner {cleaner.__version__}"


def test_python_dash_m_runs_the_cli() -> None:
    proc = subprocess.run([sys.executable, "-m", "cleaner", "--version"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"cleaner {cleaner.__version__}"


def test_help_documents_encoding_and_output_naming() -> None:
    result = run("clean", "--help")
    assert result.exit_code == 0
    text = flat(result.stdout)
    assert "not UTF-8 text" in text
    assert "page.html.txt" in text


def test_help_prints_bracketed_words_as_written() -> None:
    """Rich markup took '[dask]' for a tag and printed "pip install 'cleaner'" (issue 20, item 7): every
    bracketed word in a command's help, epilog or options shows in its --help as the source has it."""
    group = typer.main.get_command(app)
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        sources = [command.help, command.epilog, *(getattr(p, "help", None) for p in command.params)]
        wanted = {m for text in sources if text for m in re.findall(r"\[[a-z#/@][^\[\]]*\]", text)}
        shown = flat(run(name, "--help").stdout)
        assert not [w for w in wanted if w not in shown], name
    assert "pip install 'cleaner[dask]'" in flat(run("clean", "--help").stdout)
    assert "pip install 'cleaner[train]'" in flat(run("train", "--help").stdout)


# -- folders, kinds, naming --------------------------------------------------------------------


def test_folder_is_mirrored_and_unsupported_files_skipped(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("clean", tree, "-o", out)
    assert result.exit_code == 0, result.stderr
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file() and p.name != MANIFEST)
    assert written == ["a.txt", "data.jsonl", "sub/b.md", "sub/page.html.txt"]
    assert "1 skipped" in result.stderr
    assert "4 files" in result.stderr


def test_text_and_markdown_equal_the_library(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("clean", tree, "-o", out)
    assert (out / "a.txt").read_text() == CLEAN == cleaner.clean(DOC).text
    assert (out / "sub" / "b.md").read_text() == CLEAN


def test_html_output_is_the_cleaned_extracted_text(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("clean", tree, "-o", out)
    text = (out / "sub" / "page.html.txt").read_text()
    assert text == cleaner.clean_html(PAGE).text
    assert P1 in text and P3 in text
    assert "Get the newsletter" not in text and "<p>" not in text


def test_jsonl_text_cleaned_other_fields_kept(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("clean", tree, "-o", out, "--removals-field", "removed")
    records = [json.loads(line) for line in (out / "data.jsonl").read_text().splitlines()]
    assert [r["id"] for r in records] == [1, 2]
    assert records[0]["lang"] == "en"
    assert records[0]["text"] == CLEAN
    assert [r["category"] for r in records[0]["removed"]] == ["navigation", "newsletter", "promo"]
    assert records[0]["removed"][0]["lines"] == [1, 1]
    assert records[1]["removed"] == []


def test_jsonl_passes_title_and_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[dict[str, object]] = []

    def spy(text: str, config: object = None, **kwargs: object) -> cleaner.CleanResult:
        seen.append(kwargs)
        return cleaner.clean(text)

    monkeypatch.setattr(batch_work, "clean", spy)
    src = tmp_path / "r.jsonl"
    src.write_text(record(title="Frogs", url="https://example.org/frogs", text=DOC) + "\n")
    result = run("clean", src, "-o", tmp_path / "out")
    assert result.exit_code == 0
    assert seen == [{"title": "Frogs", "url": "https://example.org/frogs"}]


def test_jsonl_custom_field_and_html_field(tmp_path: Path) -> None:
    src = tmp_path / "r.jsonl"
    src.write_text(record(body=DOC) + "\n" + record(page=PAGE, keep=True) + "\n")
    out = tmp_path / "out"
    result = run("clean", src, "-o", out, "--field", "body", "--html-field", "page")
    assert result.exit_code == 0, result.stderr
    first, second = (json.loads(line) for line in (out / "r.jsonl").read_text().splitlines())
    assert first == {"body": CLEAN}
    assert second["page"] == PAGE and second["keep"] is True
    assert second["body"] == cleaner.clean_html(PAGE).text


def test_jsonl_record_without_text_field_is_an_error(tmp_path: Path) -> None:
    src = tmp_path / "r.jsonl"
    src.write_text(record(html=PAGE) + "\n")
    result = run("clean", src, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "r.jsonl: line 1: no 'text' field" in flat(result.stderr)


def test_invalid_jsonl_line_named_and_other_records_cleaned(tmp_path: Path) -> None:
    src = tmp_path / "r.jsonl"
    src.write_text(record(text=DOC) + "\n{broken\n" + record(text=DOC) + "\n")
    out = tmp_path / "out"
    result = run("clean", src, "-o", out)
    assert result.exit_code == 1
    assert "r.jsonl: line 2: invalid JSON" in flat(result.stderr)
    lines = (out / "r.jsonl").read_text().splitlines()
    assert lines[1] == "{broken"  # copied through: output line N is input line N
    assert json.loads(lines[0])["text"] == CLEAN and json.loads(lines[2])["text"] == CLEAN


def test_jsonl_keeps_crlf_line_endings(tmp_path: Path) -> None:
    src = tmp_path / "r.jsonl"
    src.write_bytes((record(text=DOC) + "\r\n" + record(text=P1) + "\r\n").encode())
    out = tmp_path / "out"
    run("clean", src, "-o", out)
    data = (out / "r.jsonl").read_bytes()
    assert data.count(b"\r\n") == 2 and data.endswith(b"\r\n")


def test_named_file_with_other_extension_is_text(tmp_path: Path) -> None:
    src = tmp_path / "notes.log"
    src.write_text(DOC)
    out = tmp_path / "out"
    result = run("clean", src, "-o", out)
    assert result.exit_code == 0
    assert (out / "notes.log").read_text() == CLEAN


def test_glob_selects_files_inside_folders(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("clean", tree, "-o", out, "--glob", "*.md")
    assert result.exit_code == 0
    assert [p.name for p in out.rglob("*") if p.is_file() and p.name != MANIFEST] == ["b.md"]
    assert "4 skipped" in result.stderr


def test_crlf_text_keeps_its_line_endings(tmp_path: Path) -> None:
    src = tmp_path / "crlf.txt"
    src.write_bytes(DOC.replace("\n", "\r\n").encode())
    out = tmp_path / "out"
    run("clean", src, "-o", out)
    assert (out / "crlf.txt").read_bytes() == CLEAN.replace("\n", "\r\n").encode()


def test_seed_demo_run(tmp_path: Path) -> None:
    """What `make demo` runs: gold.json is not an input, out/ holds outputs and the report only."""
    out = tmp_path / "out"
    result = run("clean", SEEDS, "-o", out, "--report", out / "removed.jsonl")
    assert result.exit_code == 0, result.stderr
    seeds = sorted(p.name for p in SEEDS.glob("*.txt"))
    assert sorted(p.name for p in out.iterdir()) == sorted([*seeds, "removed.jsonl", MANIFEST, cio.REPORT_PARTS])
    assert f"{len(seeds)} files (1 skipped: not text, HTML or JSONL: gold.json)," in result.stderr
    assert "removed" in result.stderr
    for name in seeds:
        assert (out / name).read_text() == cleaner.clean((SEEDS / name).read_text()).text
    report = (out / "removed.jsonl").read_bytes()
    assert report.count(b"\n") == 42
    again = run("clean", SEEDS, "-o", out, "--report", out / "removed.jsonl")
    assert again.exit_code == 0, again.stderr
    assert again.stderr.splitlines() == [
        f"cleaner: {len(seeds)} files (1 skipped: not text, HTML or JSONL: gold.json): all {len(seeds)} already "
        "done in an earlier run, nothing cleaned (--force cleans them again)"
    ]
    assert (out / "removed.jsonl").read_bytes() == report  # the second `make demo` keeps the whole report


def test_readme_demo_block_is_what_make_demo_prints(tmp_path: Path) -> None:
    """The README's first output block is the demo's summary, as a new user will see it (issue 20, item 10)."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("$ make demo\n", 1)[1].split("```", 1)[0].splitlines()
    out = tmp_path / "out"
    assert run("clean", SEEDS, "-o", out, "--report", out / "removed.jsonl").stderr.splitlines() == block


def test_summary_says_why_files_were_skipped() -> None:
    """Each reason once, with the first few names: a bare '(7 skipped)' left users guessing."""
    names = [(f"img{i}.png", cio.NOT_SUPPORTED) for i in range(5)] + [("fifo.txt", "not a regular file")]
    head = cli.Summary(dry_run=False, files=2, skipped=6, skipped_files=names).lines()[0]
    assert head.startswith(
        "cleaner: 2 files (6 skipped: not text, HTML or JSONL: img0.png, img1.png, img2.png and 2 more; "
        "not a regular file: fifo.txt), "
    )


def test_glob_skips_are_said_to_be_the_glob(tree: Path, tmp_path: Path) -> None:
    result = run("clean", tree, "-o", tmp_path / "out", "--glob", "*.txt")
    assert result.exit_code == 0, result.stderr
    assert "(4 skipped: not matched by --glob: data.jsonl, notes.json, sub/b.md and 1 more)" in result.stderr


# -- stdin / stdout ----------------------------------------------------------------------------


def test_stdin_to_stdout() -> None:
    result = run("clean", "-", input=DOC.encode())
    assert result.exit_code == 0
    assert result.stdout == CLEAN
    assert "Skip to content" not in result.stdout
    assert "removed 3 lines" in result.stderr  # the summary goes to stderr, stdout stays clean


def test_stdin_quiet_has_no_summary() -> None:
    result = run("clean", "-", "-q", input=DOC.encode())
    assert result.stdout == CLEAN
    assert result.stderr == ""


def test_stdin_jsonl() -> None:
    data = record(id=7, text=DOC) + "\n"
    result = run("clean", "-", "--jsonl", input=data.encode())
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"id": 7, "text": CLEAN}


def test_stdin_cannot_mix_with_paths_or_outdir(tmp_path: Path) -> None:
    assert run("clean", "-", tmp_path, input="x").exit_code == 2
    assert run("clean", "-", "-o", tmp_path / "out", input="x").exit_code == 2


def test_real_pipe_through_console_script(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("cleaner")
    if not script.exists():
        pytest.skip("console script not installed")
    proc = subprocess.run([str(script), "clean", "-"], input=DOC.encode(), capture_output=True, check=False)
    assert proc.returncode == 0
    assert proc.stdout == CLEAN.encode()
    assert b"\x1b[" not in proc.stderr  # not a terminal: no colour codes


# -- report, dry run, config -------------------------------------------------------------------


def test_report_has_one_record_per_removal(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = tmp_path / "removed.jsonl"
    run("clean", tree, "-o", out, "--report", report)
    rows = read_report(report)
    first = rows[0]
    assert {"file", "lines", "category", "rule", "reason", "text"} <= set(first)
    assert first["file"] == str(tree / "a.txt")
    assert first["lines"] == [1, 1] and first["text"] == "Skip to content" and first["category"] == "navigation"
    jsonl_rows = [r for r in rows if str(r["file"]).endswith("data.jsonl")]
    assert jsonl_rows and all(r["record"] == 1 for r in jsonl_rows)
    files = [r["file"] for r in rows]
    in_order = [str(tree / n) for n in ("a.txt", "data.jsonl", "sub/b.md", "sub/page.html")]
    assert list(dict.fromkeys(files)) == in_order  # every file, in input order
    assert files == sorted(files, key=in_order.index)  # and each file's records together


def test_report_accounts_for_skipped_and_failed_inputs(tree: Path, tmp_path: Path) -> None:
    """Removals keep their shape; an input skipped as done, or failed, gets one {file, status} line."""
    (tree / "bad.txt").write_bytes(b"\x00binary")
    (tree / "data.jsonl").write_text(record(text=DOC) + "\n{not json\n")  # one record cleaned, one line bad
    out = tmp_path / "out"
    report = tmp_path / "removed.jsonl"
    result = run("clean", tmp_path / "missing", tree, "-o", out, "--report", report)
    assert result.exit_code == 1
    rows = read_report(report)
    status = {r["file"]: r["status"] for r in rows if "status" in r}
    assert status == {
        str(tmp_path / "missing"): "failed: no such file or directory",
        str(tree / "bad.txt"): "failed: binary file (contains NUL bytes)",
        str(tree / "data.jsonl"): "failed: line 2: invalid JSON: Expecting property name enclosed in double quotes "
        "(column 2)",
    }
    assert all(set(r) == {"file", "status"} for r in rows if "status" in r)
    removals = [r for r in rows if "status" not in r]
    assert {r["file"] for r in removals} == {
        str(tree / n) for n in ("a.txt", "data.jsonl", "sub/b.md", "sub/page.html")
    }
    assert all({"file", "lines", "category", "rule", "reason", "text"} <= set(r) for r in removals)

    first = report.read_bytes()
    run("clean", tree, "-o", out, "--report", report)
    rows = read_report(report)
    assert not any(r.get("status", "").startswith("skipped") for r in rows)  # done: their kept removals instead
    assert [r["status"] for r in rows if r["file"] == str(tree / "bad.txt")] == [
        "failed: binary file (contains NUL bytes)"
    ]
    missing = report_line(str(tmp_path / "missing"), "failed: no such file or directory")
    assert report.read_bytes() == first.replace(missing, b"")  # the same report, less the path not given again


def report_line(name: str, status: str) -> bytes:
    return (json.dumps({"file": name, "status": status}) + "\n").encode()


def test_report_help_documents_the_status_lines() -> None:
    text = flat(run("clean", "--help").stdout)
    assert "{file, status}" in text and "failed: <the problems>" in text and ".cleaner-report/" in text


def test_stdin_failure_gets_a_status_line(tmp_path: Path) -> None:
    report = tmp_path / "r.jsonl"
    result = run("clean", "-", "--report", report, input=b"\x00\x01")
    assert result.exit_code == 1
    assert read_report(report) == [{"file": "<stdin>", "status": "failed: binary file (contains NUL bytes)"}]


def test_dry_run_writes_nothing_but_the_report(tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = tmp_path / "r" / "removed.jsonl"
    result = run("clean", tree, "-o", out, "--dry-run", "--report", report)
    assert result.exit_code == 0
    assert not out.exists()
    assert len(read_report(report)) > 0
    assert "dry run" in result.stderr


def test_dry_run_needs_no_outdir(tree: Path) -> None:
    before = sorted(p.name for p in tree.rglob("*"))
    result = run("clean", tree, "--dry-run")
    assert result.exit_code == 0
    assert sorted(p.name for p in tree.rglob("*")) == before


def test_disable_keeps_that_category(tmp_path: Path) -> None:
    result = run("clean", "-", "--disable", "navigation", input=DOC.encode())
    assert result.stdout.startswith("Skip to content\n")
    assert "Get the newsletter" not in result.stdout


def test_unknown_category_is_a_usage_error() -> None:
    result = run("clean", "-", "--disable", "adverts", input=DOC.encode())
    assert result.exit_code == 2
    assert "adverts" in flat(result.stderr)
    assert result.stdout == ""


def test_config_file_switches(tmp_path: Path) -> None:
    config = tmp_path / "cleaner.toml"
    config.write_text('disabled = ["newsletter", "promo"]\n')
    result = run("clean", "-", "--config", config, input=DOC.encode())
    assert result.exit_code == 0
    assert "Get the newsletter" in result.stdout and "Share this article" in result.stdout
    assert "Skip to content" not in result.stdout


def test_bad_config_is_a_usage_error_naming_the_file(tmp_path: Path) -> None:
    config = tmp_path / "broken.toml"
    config.write_text("disabled = [\n")
    result = run("clean", "-", "--config", config, input=DOC.encode())
    assert result.exit_code == 2
    assert "broken.toml" in flat(result.stderr)


USER_RULE = """
[[rule]]
name = "frog-club"
category = "promo"
scope = "line"
pattern = "join the frog club"
why = "Membership pitch of the example site."
pos = ["Join the frog club"]
"""


def test_user_rules_file(tmp_path: Path) -> None:
    rules = tmp_path / "mine.toml"
    rules.write_text(USER_RULE)
    doc = f"{P1}\n\nJoin the frog club\n\n{P2}\n"
    assert "Join the frog club" in run("clean", "-", input=doc.encode()).stdout
    result = run("clean", "-", "--rules", rules, input=doc.encode())
    assert result.exit_code == 0
    assert result.stdout == f"{P1}\n\n{P2}\n"


def test_jobs_two_is_byte_identical_to_one(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i, seed in enumerate(sorted(SEEDS.glob("*.txt")) * 2):
        (src / f"{i:02d}.txt").write_bytes(seed.read_bytes())
    (src / "recs.jsonl").write_text(record(text=DOC) + "\n" + record(text=P2) + "\n")
    for path in src.iterdir():  # old enough that both runs record each input's size and mtime
        os.utime(path, ns=(10**18, 10**18))
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        result = run("clean", src, "-o", out, "--jobs", jobs, "--report", tmp_path / f"r{jobs}.jsonl")
        assert result.exit_code == 0, result.stderr
        outs.append({p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    kept = [p for p in outs[0] if p.parts[0] == cio.REPORT_PARTS]
    assert outs[0] == outs[1] and len(outs[0]) == 12 + len(kept)  # 11 outputs, the manifest, kept removals
    assert (tmp_path / "r1.jsonl").read_bytes() == (tmp_path / "r2.jsonl").read_bytes()


# -- bad input ---------------------------------------------------------------------------------


def test_missing_path_reported_and_the_rest_cleaned(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(DOC)
    out = tmp_path / "out"
    result = run("clean", tmp_path / "nope.txt", good, "-o", out)
    assert result.exit_code == 1
    assert "nope.txt: no such file or directory" in flat(result.stderr)
    assert "Traceback" not in result.stderr
    assert (out / "good.txt").read_text() == CLEAN


def test_binary_file_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "bin.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (src / "good.txt").write_text(DOC)
    out = tmp_path / "out"
    result = run("clean", src, "-o", out)
    assert result.exit_code == 1
    assert "bin.txt: binary file" in flat(result.stderr)
    assert not (out / "bin.txt").exists()
    assert (out / "good.txt").read_text() == CLEAN


def test_invalid_utf8_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "latin1.txt"
    src.write_bytes("Caf\xe9 society\n".encode("latin-1"))
    result = run("clean", src, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "latin1.txt: not UTF-8 text" in flat(result.stderr)


def test_utf16_with_bom_is_read_and_written_back_as_utf16(tmp_path: Path) -> None:
    src = tmp_path / "wide.txt"
    src.write_bytes(DOC.encode("utf-16"))
    out = tmp_path / "out"
    result = run("clean", src, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert (out / "wide.txt").read_bytes() == CLEAN.encode("utf-16")


def test_utf8_bom_is_kept(tmp_path: Path) -> None:
    src = tmp_path / "bom.txt"
    src.write_bytes(b"\xef\xbb\xbf" + DOC.encode())
    out = tmp_path / "out"
    run("clean", src, "-o", out)
    assert (out / "bom.txt").read_bytes() == b"\xef\xbb\xbf" + CLEAN.encode()


def test_unreadable_file(tmp_path: Path) -> None:
    src = tmp_path / "secret.txt"
    src.write_text(DOC)
    src.chmod(0)
    try:
        if os.access(src, os.R_OK):
            pytest.skip("running as a user who can read mode-000 files (root)")
        result = run("clean", src, "-o", tmp_path / "out")
        assert result.exit_code == 1
        assert "secret.txt: permission denied" in flat(result.stderr)
    finally:
        src.chmod(0o644)


def test_permission_denied_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same error path as chmod 000, also when the tests run as root."""
    real = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    (tmp_path / "locked.txt").write_text(DOC)
    (tmp_path / "open.txt").write_text(DOC)
    out = tmp_path / "out"
    result = run("clean", tmp_path / "locked.txt", tmp_path / "open.txt", "-o", out)
    assert result.exit_code == 1
    assert "locked.txt: permission denied" in flat(result.stderr)
    assert sorted(p.name for p in out.iterdir()) == sorted(["open.txt", MANIFEST])


def test_internal_error_is_one_line_unless_debug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*args: object, **kwargs: object) -> cleaner.CleanResult:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(batch_work, "clean", boom)
    src = tmp_path / "a.txt"
    src.write_text(DOC)
    result = run("clean", src, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert "a.txt: internal error: RuntimeError: kaboom" in result.stderr
    assert "Traceback" not in result.stderr
    debug = run("clean", src, "-o", tmp_path / "out", "--debug")
    assert "Traceback" in debug.stderr


# -- never writing into the input --------------------------------------------------------------


def test_outdir_inside_input_folder_is_refused(tree: Path) -> None:
    before = sorted(p.relative_to(tree) for p in tree.rglob("*"))
    for outdir in (tree / "cleaned", tree):
        result = run("clean", tree, "-o", outdir)
        assert result.exit_code == 2
        assert "inside the input folder" in flat(result.stderr)
    assert sorted(p.relative_to(tree) for p in tree.rglob("*")) == before


def test_output_onto_the_input_file_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text(DOC)
    result = run("clean", src, "-o", tmp_path)
    assert result.exit_code == 2
    assert "overwrite an input" in flat(result.stderr)
    assert src.read_text() == DOC


def test_two_inputs_onto_one_output_is_refused(tmp_path: Path) -> None:
    for name in ("x", "y"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "same.txt").write_text(DOC)
    result = run("clean", tmp_path / "x", tmp_path / "y", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()


def test_report_inside_the_input_is_refused(tree: Path, tmp_path: Path) -> None:
    result = run("clean", tree, "-o", tmp_path / "out", "--report", tree / "removed.jsonl")
    assert result.exit_code == 2
    assert not (tree / "removed.jsonl").exists()


def test_output_destination_is_required(tree: Path) -> None:
    assert run("clean", tree).exit_code == 2
    assert run("clean", tree, "-o", tree.parent / "out", "--in-place").exit_code == 2


def test_in_place_overwrites_inputs_and_keeps_their_mode(tree: Path) -> None:
    target = tree / "a.txt"
    target.chmod(0o640)
    result = run("clean", tree, "--in-place", "--glob", "*.txt", "--glob", "*.md", "--glob", "*.jsonl")
    assert result.exit_code == 0, result.stderr
    assert target.read_text() == CLEAN and (tree / "sub" / "b.md").read_text() == CLEAN
    assert json.loads((tree / "data.jsonl").read_text().splitlines()[0])["text"] == CLEAN
    assert (tree / "notes.json").read_text() == '{"not": "an input"}'
    assert (tree / "sub" / "page.html").read_text() == PAGE
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert not [p for p in tree.rglob("*.part")]


def test_in_place_refuses_html(tree: Path) -> None:
    result = run("clean", tree / "sub" / "page.html", "--in-place")
    assert result.exit_code == 1
    assert "HTML is not cleaned in place" in flat(result.stderr)
    assert (tree / "sub" / "page.html").read_text() == PAGE


def test_failed_write_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    src = tmp_path / "a.txt"
    src.write_text(DOC)
    out = tmp_path / "out"
    monkeypatch.setattr(batch_write.os, "replace", fail)
    result = run("clean", src, "-o", out)
    assert result.exit_code == 1
    assert "a.txt: no space left on device" in flat(result.stderr)
    assert list(out.iterdir()) == []


# -- explain -----------------------------------------------------------------------------------


def test_explain_marks_removed_lines_with_category_and_reason(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text(DOC)
    result = run("explain", src)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("- Skip to content  # navigation: ")
    assert "[en.navigation.skip-link]" in lines[0]
    assert f"  {P1}" in lines
    assert any(line.startswith("- Get the newsletter  # newsletter:") for line in lines)
    assert "\x1b[" not in result.stdout  # not a terminal: plain text
    kept = [line[2:] for line in lines if line.startswith("  ")]
    assert kept == [P1, P2, P3]


def test_explain_json(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text(DOC)
    result = run("explain", src, "--json")
    removals = json.loads(result.stdout)
    assert [(r["lines"], r["category"]) for r in removals] == [
        ([1, 1], "navigation"),
        ([5, 5], "newsletter"),
        ([11, 11], "promo"),
    ]


def test_explain_html_shows_the_extracted_text(tmp_path: Path) -> None:
    src = tmp_path / "page.html"
    src.write_text(PAGE)
    result = run("explain", src)
    assert result.exit_code == 0
    assert "<p>" not in result.stdout
    assert "- Get the newsletter  # newsletter:" in result.stdout
    kept = [line[2:] for line in result.stdout.splitlines() if line.startswith("  ")]
    assert kept == [line for line in cleaner.clean_html(PAGE).text.splitlines() if line]


def test_explain_stdin_and_jsonl_records(tmp_path: Path) -> None:
    assert run("explain", "-", input=DOC.encode()).stdout.startswith("- Skip to content")
    data = record(text=P1) + "\nnope\n" + record(text=DOC) + "\n"
    result = run("explain", "-", "--jsonl", input=data.encode())
    assert result.exit_code == 1
    assert "line 2: invalid JSON" in flat(result.stderr)
    assert "== record on line 3 ==" in result.stdout
    as_json = json.loads(run("explain", "-", "--jsonl", "--json", input=data.encode()).stdout)
    assert {r["record"] for r in as_json} == {3}


def test_explain_missing_file() -> None:
    result = run("explain", "no/such/file.txt")
    assert result.exit_code == 1
    assert "file.txt: no such file or directory" in flat(result.stderr)


# -- warnings ----------------------------------------------------------------------------------

DEEP_PAGE = "<html><body>" + "<div>" * 300 + f"<p>{P1}</p>" + "</div>" * 300 + "</body></html>"


def test_html_record_nested_too_deep_is_a_warning_naming_file_and_line(tmp_path: Path) -> None:
    src = tmp_path / "r.jsonl"
    src.write_text(record(page=PAGE) + "\n" + record(page=DEEP_PAGE) + "\n")
    result = run("clean", src, "-o", tmp_path / "out", "--field", "body", "--html-field", "page")
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "warning" in line]
    assert warnings[0].startswith(f"cleaner: warning: {src}: line 2: the page nests elements 256 levels deep")
    assert warnings[1:] == ["cleaner: warnings for 1 input(s), see above"]


def test_explain_shows_the_warning_too(tmp_path: Path) -> None:
    page = tmp_path / "deep.html"
    page.write_text(DEEP_PAGE)
    result = run("explain", page)
    assert result.exit_code == 0
    assert f"cleaner: warning: {page}: the page nests elements" in result.stderr


def test_explain_is_the_same_library_call_as_clean(tmp_path: Path) -> None:
    """`explain` cleans through the call `clean` makes: the same warnings, the same time limit and
    its message (it rebuilt the pipeline without them, issue 18)."""
    page_as_text = tmp_path / "page.txt"
    page_as_text.write_text(PAGE)
    warning = f"cleaner: warning: {page_as_text}: this looks like an HTML page, cleaned here as text"
    assert warning in run("clean", page_as_text, "-o", tmp_path / "out").stderr
    assert warning in run("explain", page_as_text).stderr
    big = tmp_path / "big.txt"
    big.write_text("\n\n".join(f"Paragraph {i} of a long text about the harbour, told again." for i in range(20_000)))
    config = tmp_path / "cleaner.toml"
    config.write_text("html_timeout = 0.05\n")
    explained = run("explain", big, "--config", config)
    assert explained.exit_code == 1
    assert f"cleaner: error: {big}: the text took longer than 0.05 s" in flat(explained.stderr)


def test_html_model_option(tmp_path: Path) -> None:
    src = tmp_path / "page.html"
    src.write_text(PAGE)
    bad = run("clean", src, "--html-model", tmp_path / "none.json")
    assert bad.exit_code == 2
    assert "--html-model" in flat(bad.output) and "none.json" in flat(bad.output)
    off = run("clean", src, "-o", tmp_path / "off", "--html-model", "off")
    on = run("clean", src, "-o", tmp_path / "on")
    assert off.exit_code == 0 and on.exit_code == 0
    assert (tmp_path / "off" / "page.html.txt").read_text() == cleaner.clean_html(PAGE, html_model="off").text
    assert (tmp_path / "on" / "page.html.txt").read_text() == cleaner.clean_html(PAGE).text


def test_a_file_name_with_a_newline_stays_on_its_message_line(tmp_path: Path) -> None:
    """A name like "x\\ncleaner: 0 errors.txt" must not print a line that reads like ours (issue 21, item 13)."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "x\ncleaner: 0 errors.txt").write_bytes(b"\x00binary")
    result = run("clean", src, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert not [line for line in result.stderr.splitlines() if line.startswith("cleaner: 0 errors")]
    assert "x\\ncleaner: 0 errors.txt: binary file" in flat(result.stderr)


def test_jobs_work_from_a_folder_that_holds_a_cleaner_folder(tmp_path: Path) -> None:
    """The parent of a clone holds a folder named `cleaner`: the fork server's workers must not
    import it instead of the package (issue 20, item 1). A real process, so that the fork server
    starts in that working directory."""
    (tmp_path / "cleaner").mkdir()
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"{i}.txt").write_text(DOC)
    exe = Path(sys.executable).with_name("cleaner")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONSAFEPATH"}
    done = subprocess.run(
        [str(exe), "clean", "in", "-o", "out", "--jobs", "2"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert [(tmp_path / "out" / f"{i}.txt").read_text() for i in range(3)] == [CLEAN] * 3


HTML_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Frogs</title></head><body><nav><a href='/'>Home</a></nav>"
    f"<article><p>{P1}</p><p>{P2}</p></article><footer>© 2024 Example News. All rights reserved.</footer></body></html>"
)


def test_html_on_stdin_is_cleaned_as_a_page_and_said_so() -> None:
    """`cat page.html | cleaner clean -` came back unchanged, "nothing removed" (issue 20, item 5)."""
    result = run("clean", "-", input=HTML_PAGE)
    assert result.exit_code == 0, result.stderr
    assert "looks like an HTML page" in result.stderr
    assert result.stdout == f"{P1}\n\n{P2}\n"
    plain = run("clean", "-", input=f"Use the <html> tag to start a page.\n\n{P1}\n")
    assert "HTML" not in plain.stderr  # text that quotes a tag is text


# -- special files as outputs and inputs (issue 21, items 2 and 12) ------------------------------


def _drain(fifo: Path, into: list[bytes]) -> threading.Thread:
    """A reader on the FIFO's other end, as a shell's `cat fifo` would be."""

    def read() -> None:
        with fifo.open("rb") as fh:
            into.append(fh.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader


def test_report_and_learn_sites_write_into_a_fifo_and_leave_it_one(tree: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = _drain(fifo, got)
    assert run("clean", tree, "-o", tmp_path / "out", "--report", fifo).exit_code == 0
    reader.join(10)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert got and b'"category": "promo"' in got[0]
    reader = _drain(fifo, got)
    assert run("learn-sites", tree, "-o", fifo).exit_code == 0
    reader.join(10)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert len(got) == 2 and got[1].startswith(b"#")


def test_report_through_a_link_to_proc_self_fd_is_written_there(tree: Path, tmp_path: Path) -> None:
    """/dev/stdout is such a link: renaming over it would replace the system's entry."""
    link = tmp_path / "stdout"
    link.symlink_to("/proc/self/fd/1")
    args = ["clean", str(tree), "-o", str(tmp_path / "out"), "--report", str(link)]
    done = subprocess.run([sys.executable, "-m", "cleaner", *args], capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"
    assert b'"category": "promo"' in done.stdout


def test_report_dash_goes_to_stdout(tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("clean", tree, "-o", "out", "--report", "-")
    assert result.exit_code == 0
    assert not (tmp_path / "-").exists()
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines and all("file" in line for line in lines)


def test_report_dash_is_refused_when_the_cleaned_text_goes_to_stdout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("clean", "-", "--report", "-", input=DOC)
    assert result.exit_code == 2
    assert "cleaned text goes to stdout" in flat(result.stderr)
    assert result.stdout == "" and not (tmp_path / "-").exists()


def test_an_output_folder_is_the_next_runs_input(tree: Path, tmp_path: Path) -> None:
    """clean raw -o stage1; clean stage1 -o stage2; and from one folder up: the manifest is no input."""
    stage1, stage2 = tmp_path / "runs" / "stage1", tmp_path / "stage2"
    assert run("clean", tree, "-o", stage1).exit_code == 0
    assert (stage1 / MANIFEST).is_file()
    result = run("clean", stage1, "-o", stage2)
    assert result.exit_code == 0, result.stderr
    assert (stage2 / "data.jsonl").read_bytes() == (stage1 / "data.jsonl").read_bytes()
    assert not (stage2 / MANIFEST).read_text().count(MANIFEST)
    result = run("clean", tmp_path / "runs", "-o", tmp_path / "stage3")
    assert result.exit_code == 0, result.stderr
    assert "error" not in result.stderr
    assert (tmp_path / "stage3" / "stage1" / "a.txt").is_file()
    assert not (tmp_path / "stage3" / "stage1" / MANIFEST).exists()


def test_a_fifo_or_device_named_as_input_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "in.fifo"
    os.mkfifo(fifo)
    (tmp_path / "a.txt").write_text(DOC)
    args = ["clean", str(fifo), str(tmp_path / "a.txt"), "-o", str(tmp_path / "out")]
    done = subprocess.run([sys.executable, "-m", "cleaner", *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"cleaner: error: {fifo}: not a regular file" in done.stderr
    assert (tmp_path / "out" / "a.txt").read_text() == CLEAN
    plan = cio.plan_run(["/dev/zero"], outdir=tmp_path / "out2")
    assert plan.tasks == [] and [e.name for e in plan.errors] == ["/dev/zero"]


def test_a_slow_text_fails_alone_in_clean_and_explain(tmp_path: Path) -> None:
    """The per-document limit holds for text files and records too; the run goes on (issue 21, item 4e)."""
    src = tmp_path / "in"
    src.mkdir()
    big = "\n\n".join(
        f"Paragraph {i} of a long text about the harbour and its boats, told again." for i in range(20_000)
    )
    (src / "big.txt").write_text(big)
    (src / "small.txt").write_text(DOC)
    config = tmp_path / "cleaner.toml"
    config.write_text("html_timeout = 0.05\n")
    result = run("clean", src, "-o", tmp_path / "out", "--config", config)
    assert result.exit_code == 1
    assert "big.txt: the text took longer than 0.05 s" in flat(result.stderr)
    assert (tmp_path / "out" / "small.txt").read_text() == CLEAN
    explained = run("explain", src / "big.txt", "--config", config)
    assert explained.exit_code == 1 and "took longer than 0.05 s" in flat(explained.stderr)
