"""Compressed inputs (issue 20, item 4): '.gz' and '.zst' files are read as what the name under the
suffix says (pages.jsonl.gz: JSON Lines), streamed, and written back under the same name with the
same compression, deterministically; a truncated or corrupt one is that input's error, the run goes
on. A '.json' file is read as JSON Lines, or refused as a whole."""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from cleaner import compression
from cleaner import io as cio
from cleaner.cli import app
from cleaner.compression import Codec
from tests.samples import P1, P2, P3

DOC = f"Skip to content\n\n{P1}\n\nGet the newsletter\n\n{P2}\n\n{P3}\n\nShare this article\n"
PAGE = f"<html><body><article><p>{P1}</p><p>Share this article</p><p>{P2}</p></article></body></html>"
RECORDS = "".join(json.dumps({"id": i, "text": DOC.replace("part", f"part {i}")}) + "\n" for i in range(3)).encode()
runner = CliRunner()


def run(*args: str | Path) -> Result:
    return runner.invoke(app, [str(a) for a in args])


def unzip(data: bytes, name: str) -> bytes:
    codec = cio.codec_of(Path(name))
    return data if codec is None else compression.decompress(data, codec)


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    """The same inputs twice: compressed in zin/, plain in pin/."""
    plain = {"a.jsonl": RECORDS, "b.txt": DOC.encode(), "p.html": PAGE.encode(), "c.jsonl": RECORDS}
    zipped = {
        "a.jsonl.gz": compression.compress(RECORDS, Codec.GZIP),
        "b.txt.gz": gzip.compress(DOC.encode()),  # another gzip (a name and a time in its header): read alike
        "p.html.gz": compression.compress(PAGE.encode(), Codec.GZIP),
        "c.jsonl.zst": compression.compress(RECORDS, Codec.ZSTD),
    }
    for folder, files in (("pin", plain), ("zin", zipped)):
        (tmp_path / folder).mkdir()
        for name, data in files.items():
            (tmp_path / folder / name).write_bytes(data)
    return tmp_path / "pin", tmp_path / "zin"


def test_compressed_inputs_are_cleaned_as_their_plain_selves(pair: tuple[Path, Path], tmp_path: Path) -> None:
    plain, zipped = pair
    assert run("clean", plain, "-o", tmp_path / "pout", "--report", tmp_path / "p.jsonl").exit_code == 0
    result = run("clean", zipped, "-o", tmp_path / "zout", "--report", tmp_path / "z.jsonl")
    assert result.exit_code == 0, result.stderr
    assert "cleaner: 4 files (6 records)" in result.stderr
    outputs = sorted(p.name for p in (tmp_path / "zout").iterdir() if not p.name.startswith("."))
    assert outputs == ["a.jsonl.gz", "b.txt.gz", "c.jsonl.zst", "p.html.txt.gz"]  # names and compression kept
    for name in outputs:
        data = (tmp_path / "zout" / name).read_bytes()
        assert compression.sniff(data) is cio.codec_of(Path(name))
        assert unzip(data, name) == (tmp_path / "pout" / compression.split_codec(name)[0]).read_bytes()
    zipped_report = (tmp_path / "z.jsonl").read_text()
    for name in ("a.jsonl", "b.txt", "p.html", "c.jsonl"):
        zname = next(p.name for p in zipped.iterdir() if p.name.startswith(name))
        zipped_report = zipped_report.replace(json.dumps(str(zipped / zname)), json.dumps(str(plain / name)))
    assert zipped_report == (tmp_path / "p.jsonl").read_text()


def test_compressed_outputs_are_deterministic(pair: tuple[Path, Path], tmp_path: Path) -> None:
    _, zipped = pair
    trees = []
    for name, jobs in (("one", "1"), ("two", "2"), ("again", "1")):
        assert run("clean", zipped, "-o", tmp_path / name, "--jobs", jobs).exit_code == 0
        trees.append({p.name: p.read_bytes() for p in (tmp_path / name).iterdir() if p.suffix in (".gz", ".zst")})
    assert trees[0] == trees[1] == trees[2] and len(trees[0]) == 4
    gz = trees[0]["a.jsonl.gz"]
    assert gz[3] & 0x08 == 0 and gz[4:8] == b"\0\0\0\0"  # no file name, no time in the gzip header


def test_a_compressed_jsonl_named_on_its_own_is_records(tmp_path: Path) -> None:
    src = tmp_path / "pages.jsonl.gz"
    src.write_bytes(gzip.compress(RECORDS))
    result = run("clean", src, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr  # was "binary file (contains NUL bytes)"
    assert "(3 records)" in result.stderr
    lines = gzip.decompress((tmp_path / "out" / "pages.jsonl.gz").read_bytes()).splitlines()
    assert [json.loads(line)["id"] for line in lines] == [0, 1, 2]
    assert all("Share this article" not in json.loads(line)["text"] for line in lines)


@pytest.mark.parametrize(
    ("name", "damage", "problem"),
    [
        ("a.jsonl.gz", lambda d: d[: len(d) // 2], "truncated gzip data"),
        ("a.jsonl.zst", lambda d: d[: len(d) // 2], "truncated zstd data"),
        ("a.txt.gz", lambda d: d[:20] + bytes(40) + d[60:], "corrupt gzip data"),
        ("a.jsonl.gz", lambda d: b"not gzip at all", "corrupt gzip data (Not a gzipped file"),
        ("a.jsonl.zst", lambda d: b"not zstd at all", "corrupt zstd data"),
    ],
)
def test_corrupt_or_truncated_input_is_one_error_and_the_run_goes_on(
    tmp_path: Path, name: str, damage: object, problem: str
) -> None:
    src = tmp_path / "in"
    src.mkdir()
    codec = cio.codec_of(Path(name))
    assert codec is not None and callable(damage)
    (src / name).write_bytes(damage(compression.compress(RECORDS * 50, codec)))
    (src / "ok.txt.gz").write_bytes(gzip.compress(DOC.encode()))
    out = tmp_path / "out"
    result = run("clean", src, "-o", out, "--report", tmp_path / "r.jsonl")
    assert result.exit_code == 1
    assert f"cleaner: error: {src / name}: {problem}" in result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert not (out / name).exists()  # nothing half-written
    assert gzip.decompress((out / "ok.txt.gz").read_bytes()).startswith(P1.encode())
    statuses = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines() if "status" in line]
    assert [s["file"] for s in statuses] == [str(src / name)]


def test_compressed_data_under_a_plain_name_is_named_as_such(tmp_path: Path) -> None:
    src = tmp_path / "pages.jsonl"
    src.write_bytes(gzip.compress(RECORDS))
    result = run("clean", src, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert f"{src}: gzip-compressed data, but the name does not end in .gz (only such names are decompressed)" in (
        result.stderr
    )


def test_a_rerun_skips_finished_compressed_inputs(pair: tuple[Path, Path], tmp_path: Path) -> None:
    _, zipped = pair
    out, report = tmp_path / "out", tmp_path / "r.jsonl"
    assert run("clean", zipped, "-o", out, "--report", report).exit_code == 0
    first = report.read_bytes()
    result = run("clean", zipped, "-o", out, "--report", report)
    assert ": all 4 already done in an earlier run" in result.stderr  # hashes of the files as on disk agree
    assert report.read_bytes() == first
    (zipped / "b.txt.gz").write_bytes(gzip.compress(DOC.encode(), mtime=0))  # other bytes, the same text
    assert "(3 already done)" in run("clean", zipped, "-o", out).stderr


def test_in_place_keeps_the_compression_and_the_original(tmp_path: Path) -> None:
    src = tmp_path / "a.txt.gz"
    original = gzip.compress(DOC.encode())
    src.write_bytes(original)
    assert run("clean", src, "--in-place").exit_code == 0
    assert (tmp_path / "a.txt.gz.orig").read_bytes() == original
    assert gzip.decompress(src.read_bytes()).decode() == f"{P1}\n\n{P2}\n\n{P3}\n"


def test_explain_reads_a_compressed_file(tmp_path: Path) -> None:
    src = tmp_path / "a.txt.gz"
    src.write_bytes(gzip.compress(DOC.encode()))
    result = run("explain", src)
    assert result.exit_code == 0
    assert "- Share this article  # promo" in result.stdout


def test_a_json_file_of_records_is_cleaned_as_jsonl(tmp_path: Path) -> None:
    src = tmp_path / "pages.json"
    src.write_bytes(RECORDS)
    result = run("clean", src, "-o", tmp_path / "out")
    assert result.exit_code == 0, result.stderr
    assert "(3 records)" in result.stderr
    assert [json.loads(line)["id"] for line in (tmp_path / "out" / "pages.json").read_bytes().splitlines()] == [0, 1, 2]


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ('{\n  "text": "Skip to content"\n}\n', "line 1: invalid JSON: Expecting property name"),
        ('\n[{"text": "a"}, {"text": "b"}]\n', "line 2: the record is an array, not an object"),
    ],
)
def test_a_json_document_is_refused_not_cleaned_as_text(tmp_path: Path, document: str, problem: str) -> None:
    src = tmp_path / "gold.json"
    src.write_text(document)
    result = run("clean", src, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.count("cleaner: error:") == 1
    assert f"cleaner: error: {src}: not JSON Lines (one JSON object per line), not cleaned: {problem}" in result.stderr
    assert not (tmp_path / "out" / "gold.json").exists()


def test_a_json_file_in_a_folder_is_still_left_out(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(DOC)
    (src / "gold.json").write_bytes(RECORDS)
    result = run("clean", src, "-o", tmp_path / "out")
    assert "cleaner: 1 file (1 skipped: not text, HTML or JSONL: gold.json)" in result.stderr


def test_names_and_kinds() -> None:
    assert cio.kind_of(Path("a.jsonl.gz")) is cio.Kind.JSONL
    assert cio.kind_of(Path("a.JSONL.ZST")) is cio.Kind.JSONL
    assert cio.kind_of(Path("a.html.gz")) is cio.Kind.HTML
    assert cio.kind_of(Path("a.json")) is cio.Kind.JSONL
    assert cio.kind_of(Path("notes.gz")) is cio.Kind.TEXT
    assert cio.supported_kind(Path("a.tar.gz")) is None and cio.supported_kind(Path("a.json")) is None
    assert cio.output_name("p.html.gz", cio.Kind.HTML) == "p.html.txt.gz"
    assert cio.output_name("p.html", cio.Kind.HTML) == "p.html.txt"
    assert cio.output_name("a.jsonl.zst", cio.Kind.JSONL) == "a.jsonl.zst"
    assert compression.split_codec(".gz") == (".gz", None)


def test_reading_streams_a_buffer_at_a_time() -> None:
    """A JSONL file is never read whole: the reader under the records asks for bounded reads."""
    asked: list[int] = []

    class Spy(io.BytesIO):
        def read(self, size: int | None = -1) -> bytes:
            asked.append(-1 if size is None else size)
            return super().read(size)

    data = compression.compress(RECORDS * 2000, Codec.GZIP)
    with compression.reader(Spy(data), Codec.GZIP) as fh:
        assert sum(1 for _ in fh) == 6000
    assert asked and all(0 < n <= 1 << 20 for n in asked)


def test_a_missing_zstd_library_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import backports

    monkeypatch.setitem(sys.modules, "backports.zstd", None)
    monkeypatch.setitem(sys.modules, "compression", None)
    monkeypatch.delattr(backports, "zstd", raising=False)
    src = tmp_path / "a.jsonl.zst"
    src.write_bytes(b"\x28\xb5\x2f\xfd....")
    (tmp_path / "b.txt").write_text(DOC)
    result = run("clean", src, tmp_path / "b.txt", "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert f"{src}: reading or writing .zst needs backports.zstd" in result.stderr
    assert "pip install backports.zstd" in result.stderr
    assert (tmp_path / "out" / "b.txt").exists()


def test_a_failed_compressed_write_leaves_nothing_behind(tmp_path: Path) -> None:
    """No temp file, and no compressor writing its end into a closed file when it is collected
    (Python reports that only in development mode, hence -X dev)."""
    script = f"""
import gc
from pathlib import Path
from cleaner import io as cio
from cleaner.compression import Codec
try:
    with cio.AtomicWriter(Path({str(tmp_path / "out" / "a.jsonl.gz")!r}), Codec.GZIP) as fh:
        fh.write(b"record" * 1000)
        raise RuntimeError("the input went bad half way")
except RuntimeError:
    pass
gc.collect()
"""
    proc = subprocess.run([sys.executable, "-X", "dev", "-c", script], capture_output=True, text=True, timeout=60)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert list((tmp_path / "out").iterdir()) == []


def test_learn_sites_reads_compressed_files_as_their_plain_selves(tmp_path: Path) -> None:
    records = "".join(
        json.dumps({"url": f"https://example.org/{i}", "text": f"Home | News | Sport\n\n{P1} {i}\n"}) + "\n"
        for i in range(4)
    ).encode()
    for folder, name, data in (
        ("plain", "r.jsonl", records),
        ("zipped", "r.jsonl.gz", gzip.compress(records)),
        ("zst", "r.jsonl.zst", compression.compress(records, Codec.ZSTD)),
    ):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / name).write_bytes(data)
        result = run("learn-sites", tmp_path / folder, "-o", tmp_path / f"{folder}.toml")
        assert result.exit_code == 0, result.stderr
    learned = (tmp_path / "plain.toml").read_text()
    assert "home | news | sport" in learned
    assert (tmp_path / "zipped.toml").read_text() == learned == (tmp_path / "zst.toml").read_text()


def test_a_report_named_gz_or_zst_is_compressed(pair: tuple[Path, Path], tmp_path: Path) -> None:
    plain = pair[0]
    assert run("clean", plain, "-o", tmp_path / "out", "--report", tmp_path / "r.jsonl").exit_code == 0
    expected = (tmp_path / "r.jsonl").read_bytes()
    for name in ("r.jsonl.gz", "r.jsonl.zst"):
        result = run("clean", plain, "-o", tmp_path / f"out-{name}", "--report", tmp_path / name)
        assert result.exit_code == 0, result.stderr
        data = (tmp_path / name).read_bytes()
        assert compression.sniff(data) is cio.codec_of(Path(name))
        assert unzip(data, name) == expected
