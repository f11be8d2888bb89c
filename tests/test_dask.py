"""cleaner.dask: the same bytes as the local command line, from a Dask cluster.

One LocalCluster (two single-threaded worker processes, so every task and result really is
pickled) serves the whole module; its start and the workers' first imports cost about ten
seconds, the rest a few.
"""

from __future__ import annotations

import json
import operator
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("dask.bag", reason="the dask extra is not installed (pip install 'cleaner[dask]')")
pytest.importorskip("distributed", reason="the dask extra is not installed (pip install 'cleaner[dask]')")

import dask
import dask.bag
import distributed
from typer.testing import CliRunner, Result

import cleaner
from cleaner import io as cio
from cleaner.batch import run as batch_run
from cleaner.cli import app
from cleaner.dask import (
    SchedulerError,
    clean_dataframe,
    clean_files,
    clean_parquet,
    connect,
    run_tasks,
)
from tests.samples import P1, P2, P3

DOC = f"Skip to content\n\n{P1}\n\nGet the newsletter\n\n{P2}\n\n{P3}\n\nShare this article\n"
PAGE = (
    "<html><head><title>Frogs of Borneo</title></head><body><article>"
    f"<p>{P1}</p><p>Get the newsletter</p><p>{P2}</p><p>{P3}</p><p>Share this article</p>"
    "</article></body></html>"
)

runner = CliRunner()


def run(*args: str | Path) -> Result:
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def client() -> Iterator[distributed.Client]:
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as c,
    ):

        def warm_up() -> None:  # the workers' first imports, on both at once rather than in each test
            import importlib

            for name in ("cleaner.io", "cleaner.html", "dask.dataframe", "pyarrow.parquet"):
                importlib.import_module(name)
            cleaner.clean("Share this article\n")

        c.run(warm_up)
        yield c


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every kind of input, a few broken ones, a file to skip, a subfolder."""
    src = tmp_path_factory.mktemp("corpus") / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text(DOC)
    (src / "sub" / "b.md").write_text(DOC.replace("\n", "\r\n"))
    (src / "sub" / "page.html").write_text(PAGE)
    (src / "utf16.txt").write_bytes(DOC.encode("utf-16"))
    (src / "broken.txt").write_bytes(b"Skip to content\n\xff\xfe not text\n")
    (src / "binary.md").write_bytes(b"abc\x00def\n")
    (src / "notes.json").write_text('{"not": "an input"}')
    records = [
        json.dumps({"id": 1, "text": DOC, "title": "Frogs", "url": "https://example.com/a"}),
        "this line is not JSON",
        "",
        json.dumps({"id": 2, "text": f"{P1}\n"}),
        json.dumps({"id": 3, "html": PAGE}),
    ]
    (src / "data.jsonl").write_text("\n".join(records) + "\n")
    for i in range(6):  # enough files for several partitions
        (src / "many" / f"{i}.txt").parent.mkdir(exist_ok=True)
        (src / "many" / f"{i}.txt").write_text(f"Share this article\n\n{P2}\n{i}\n")
    settle(src)
    return src


def settle(folder: Path) -> None:
    """Files an hour old: every run records their size and mtime in its manifest (a file written
    less than two seconds before a run is not trusted to keep its mtime, and gets none)."""
    an_hour_ago = time.time() - 3600
    for path in folder.rglob("*"):
        os.utime(path, (an_hour_ago, an_hour_ago))


def flat(text: str) -> str:
    """Error text without rich's panel borders and line wrapping."""
    return " ".join(text.replace("│", " ").split())


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# -- files: the same bytes as the command line -------------------------------------------------


def test_files_equal_the_local_cli_byte_for_byte(client: distributed.Client, corpus: Path, tmp_path: Path) -> None:
    local = run("clean", corpus, "-o", tmp_path / "local", "--report", tmp_path / "local.jsonl", "--html-field", "html")
    assert local.exit_code == 1  # the broken inputs
    result = clean_files(
        [str(corpus)],
        tmp_path / "dask",
        client=client,
        html_field="html",
        report=tmp_path / "dask.jsonl",
        partition_files=2,
    )
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")  # outputs and the manifest
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    assert [r.name for r in result.results] == [t.name for t in cio.plan_run([str(corpus)]).tasks]
    assert result.skipped == 1
    for error in result.errors:  # the run went on past each of them, as the CLI's did
        assert f"cleaner: error: {error}" in local.stderr
    assert {e.split(":")[0] for e in result.errors} == {
        f"{corpus}/broken.txt",
        f"{corpus}/binary.md",
        f"{corpus}/data.jsonl",
    }
    assert not result.ok
    assert result.removals == sum(1 for line in (tmp_path / "dask.jsonl").read_text().splitlines() if '"rule"' in line)


def test_a_second_run_resumes_from_the_manifest(client: distributed.Client, corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = clean_files(corpus, out, client=client)
    done = [
        Path(out, t.dest.relative_to(out))
        for t, r in zip(cio.plan_run([str(corpus)], outdir=out).tasks, first.results, strict=True)
        if r.ok and t.dest
    ]
    written = {p: p.stat().st_mtime_ns for p in done}
    assert len(written) == len(first.results) - 3  # the broken ones are cleaned again
    again = clean_files(corpus, out, client=client)
    assert [r.up_to_date for r in again.results] == [r.ok for r in first.results]
    assert {p: p.stat().st_mtime_ns for p in written} == written
    forced = clean_files(corpus, out, client=client, force=True)
    assert not any(r.up_to_date for r in forced.results)


def test_a_rerun_keeps_the_report_as_the_cli_does(client: distributed.Client, corpus: Path, tmp_path: Path) -> None:
    """Done inputs' removals come back from OUTDIR's kept records: the report of a run that
    resumes is the one a single uninterrupted run writes (issue 20, item 2)."""
    full = run("clean", corpus, "-o", tmp_path / "local", "--report", tmp_path / "local.jsonl")
    first = next(t for t in cio.plan_run([str(corpus)]).tasks if t.name.endswith(".txt"))
    clean_files([str(first.src)], tmp_path / "dask", client=client, report=tmp_path / "part.jsonl")
    for _ in range(2):
        rerun = clean_files(corpus, tmp_path / "dask", client=client, report=tmp_path / "dask.jsonl")
        assert any(r.up_to_date for r in rerun.results)
        assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()
    assert full.exit_code == 1  # the broken inputs, failed in each run alike


def test_an_interrupted_run_writes_the_report_of_what_it_finished(
    client: distributed.Client, corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C in clean_files (here: after the second input is recorded) still writes the report,
    a prefix of the whole run's; the next run completes it, byte for byte."""
    assert run("clean", corpus, "-o", tmp_path / "local", "--report", tmp_path / "local.jsonl").exit_code == 1
    whole = (tmp_path / "local.jsonl").read_bytes()
    real, calls = cio.record_finished, []

    def record_then_stop(*args: object) -> str | None:
        problem = real(*args)  # type: ignore[arg-type]
        calls.append(problem)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return problem

    monkeypatch.setattr(batch_run, "record_finished", record_then_stop)
    report = tmp_path / "dask.jsonl"
    with pytest.raises(KeyboardInterrupt):
        clean_files(corpus, tmp_path / "dask", client=client, report=report)
    assert report.read_bytes() and whole.startswith(report.read_bytes()) and report.read_bytes() != whole
    monkeypatch.setattr(batch_run, "record_finished", real)
    clean_files(corpus, tmp_path / "dask", client=client, report=report)
    assert report.read_bytes() == whole


def test_glob_patterns_are_expanded_like_a_shell(client: distributed.Client, corpus: Path, tmp_path: Path) -> None:
    result = clean_files([f"{corpus}/many/*.txt", f"{corpus}/nothing/*.txt"], tmp_path / "out", client=client)
    assert sorted(p.name for p in (tmp_path / "out").glob("*.txt")) == [f"{i}.txt" for i in range(6)]
    assert result.errors == [f"{corpus}/nothing/*.txt: no file matches"]


def test_nothing_the_user_gave_is_overwritten(corpus: Path, tmp_path: Path) -> None:
    with pytest.raises(cio.PlanError, match="inside the input folder"):
        clean_files(corpus, corpus / "out")
    with pytest.raises(cio.PlanError, match="overwrite an input"):
        clean_files(corpus / "a.txt", corpus, globs=["*.txt"])
    with pytest.raises(ValueError, match="removals_field"):
        clean_files(corpus, tmp_path / "out", removals_field="text")
    assert not (tmp_path / "out").exists()


def test_a_lost_share_fails_its_files_and_the_run_goes_on(client: distributed.Client, corpus: Path) -> None:
    from cleaner.batch.dask import _run

    tasks = cio.plan_run([str(corpus / "many")]).tasks
    results = list(_run(tasks, operator.neg, client, 2))  # every share raises on its worker
    assert [r.name for r in results] == [t.name for t in tasks]
    assert all(r.errors[0].endswith("TypeError: bad operand type for unary -: 'list'") for r in results)
    assert "lost on the Dask cluster" in results[0].errors[0]
    assert list(run_tasks([], cio.Options(cleaner.CleanerConfig()), client)) == []


# -- the command line --------------------------------------------------------------------------


def test_cli_scheduler_gives_the_local_run(client: distributed.Client, corpus: Path, tmp_path: Path) -> None:
    local = run("clean", corpus, "-o", tmp_path / "local", "--report", tmp_path / "local.jsonl")
    address = client.scheduler.address
    remote = run("clean", corpus, "-o", tmp_path / "dask", "--report", tmp_path / "dask.jsonl", "--scheduler", address)
    assert (remote.exit_code, remote.stdout, remote.stderr) == (local.exit_code, local.stdout, local.stderr)
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()


def test_cli_scheduler_usage_errors(corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stdin = run("clean", "-", "--scheduler", "local")
    assert stdin.exit_code == 2
    assert "stdin" in stdin.stderr
    jobs = run("clean", corpus, "-o", tmp_path / "out", "-j", "2", "--scheduler", "local")
    assert jobs.exit_code == 2
    assert "choose one of --jobs and --scheduler" in jobs.stderr
    monkeypatch.setitem(sys.modules, "cleaner.batch.dask", None)  # as if the extra were not installed
    missing = run("clean", corpus, "-o", tmp_path / "out", "--scheduler", "tcp://127.0.0.1:8786")
    assert missing.exit_code == 2
    assert "needs the dask extra: pip install 'cleaner[dask]'" in flat(missing.stderr)
    assert not (tmp_path / "out").exists()


def test_an_unreachable_scheduler_is_one_error_line(corpus: Path, tmp_path: Path) -> None:
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = run("clean", corpus, "-o", tmp_path / "out", "--scheduler", "tcp://127.0.0.1:1")
        with pytest.raises(SchedulerError, match="cannot reach the Dask scheduler"), connect("tcp://127.0.0.1:1"):
            pass
    assert result.exit_code == 1
    assert "cleaner: error: cannot reach the Dask scheduler at tcp://127.0.0.1:1" in result.stderr
    assert not list((tmp_path / "out").rglob("*.txt"))


# -- data frames and Parquet -------------------------------------------------------------------

ROWS = [
    {"id": 1, "text": DOC, "title": "Frogs of Borneo", "url": "https://example.com/frogs"},
    {"id": 2, "text": None, "title": None, "url": None},
    {"id": 3, "text": f"{P1}\n\nRead more: Frogs\n", "title": None, "url": "https://example.com/x"},
    {"id": 4, "text": "", "title": "t", "url": None},
    {"id": 5, "text": f"Get the newsletter\n{P3}\n", "title": None, "url": None},
]


def expected(row: dict[str, object]) -> tuple[str | None, str | None]:
    """What the library gives for one row: (text, removals as JSON)."""
    if not isinstance(row["text"], str):
        return None, None
    title, url = row["title"], row["url"]
    result = cleaner.clean(
        row["text"], title=title if isinstance(title, str) else None, url=url if isinstance(url, str) else None
    )
    return result.text, json.dumps([r.to_dict() for r in result.removed], ensure_ascii=False)


def test_dataframe_equals_the_library_row_by_row(client: distributed.Client) -> None:
    pd = pytest.importorskip("pandas")
    dd = pytest.importorskip("dask.dataframe")
    frame = dd.from_pandas(pd.DataFrame(ROWS), npartitions=2)
    out = clean_dataframe(frame, removals_column="removals").compute()
    want = [expected(row) for row in ROWS]
    assert [None if pd.isna(v) else v for v in out["text"]] == [w[0] for w in want]
    assert [None if pd.isna(v) else v for v in out["removals"]] == [w[1] for w in want]
    assert list(out["id"]) == [1, 2, 3, 4, 5]
    side = clean_dataframe(pd.DataFrame(ROWS), output_column="clean")  # pandas in, pandas out
    assert list(side["text"]) == list(pd.DataFrame(ROWS)["text"])
    assert [None if pd.isna(v) else v for v in side["clean"]] == [w[0] for w in want]
    with pytest.raises(ValueError, match="no column 'body'"):
        clean_dataframe(frame, "body")
    with pytest.raises(ValueError, match="column 'id' already"):
        clean_dataframe(frame, removals_column="id")


def test_parquet_files_equal_the_library_and_bad_files_fail_alone(client: distributed.Client, tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "in"
    (src / "part").mkdir(parents=True)
    table = pa.Table.from_pylist(
        [{**row, "tags": ["a", str(row["id"])]} for row in ROWS],
        schema=pa.schema(
            [
                ("id", pa.int64()),
                ("text", pa.large_string()),
                ("title", pa.string()),
                ("url", pa.string()),
                ("tags", pa.list_(pa.string())),
            ]
        ),
    )
    pq.write_table(table, src / "part" / "a.parquet", row_group_size=2)
    pq.write_table(table.slice(2), src / "b.parquet")
    pq.write_table(table.drop_columns(["text"]), src / "no_text.parquet")
    (src / "broken.parquet").write_bytes(b"PAR1 this is not parquet")
    (src / "readme.txt").write_text("not selected")
    out = tmp_path / "out"
    run_ = clean_parquet(src, out, removals_column="removals", client=client, batch_rows=2, report=tmp_path / "r.jsonl")
    assert [r.name.removeprefix(f"{src}/") for r in run_.results] == [
        "b.parquet",
        "broken.parquet",
        "no_text.parquet",
        "part/a.parquet",
    ]
    assert run_.skipped == 1
    assert "not a readable Parquet file" in run_.results[1].errors[0]
    assert run_.results[2].errors == [f"{src}/no_text.parquet: the file has no column 'text' to clean"]
    assert not (out / "broken.parquet").exists()
    assert not (out / "no_text.parquet").exists()
    cleaned = pq.read_table(out / "part" / "a.parquet")
    want = [expected(row) for row in ROWS]
    assert cleaned.column("text").to_pylist() == [w[0] for w in want]
    assert cleaned.column("removals").to_pylist() == [w[1] for w in want]
    assert cleaned.schema.field("text").type == pa.large_string()
    assert cleaned.select(["id", "title", "url", "tags"]).equals(table.select(["id", "title", "url", "tags"]))
    assert pq.read_table(out / "b.parquet").column("text").to_pylist() == [w[0] for w in want[2:]]
    report = [json.loads(line) for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert {(r["file"], r.get("record")) for r in report if "rule" in r} >= {(f"{src}/part/a.parquet", 1)}
    assert sum(r.documents for r in run_.results) == 4 + 3 + 0


# -- site templates ----------------------------------------------------------------------------


def test_learn_sites_distributed_equals_learn_sites(client: distributed.Client) -> None:
    sites = pytest.importorskip("cleaner.sites")
    from cleaner.dask import learn_sites_distributed

    menu = "Home | News | Sport | Contact\n"
    docs = [
        (f"https://{host}/p{i}", f"{menu if i % 3 else ''}Subscribe to {host}\n\n{P1 if i % 2 else P2}\nPage {i}\n")
        for host in ("a.example", "www.b.example")
        for i in range(9)
    ] + [(None, "no host at all\n"), ("not a url", "Home\n")]
    pairs = [(sites.host_of(url), text) for url, text in docs]
    local = sites.learn_sites(sites.count_sites(pairs), min_docs=3, min_share=0.5)
    bag = dask.bag.from_sequence(pairs, npartitions=5)
    remote = learn_sites_distributed(bag, min_docs=3, min_share=0.5)
    assert remote.dumps() == local.dumps()
    assert len(remote) > 0


@pytest.fixture(scope="module")
def site_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder per site, a JSONL file of records with urls, and an unreadable page."""
    src = tmp_path_factory.mktemp("sites") / "pages"
    for host in ("www.example.com", "other.org"):
        (src / host).mkdir(parents=True)
        for i in range(4):
            body = f"Home | World | Sport\n\n{P1 if i % 2 else P2}\n\nFollow {host} on Mastodon\n"
            (src / host / f"p{i}.txt").write_text(body)
    (src / "other.org" / "page.html").write_text(PAGE)
    (src / "other.org" / "broken.txt").write_bytes(b"Home\n\xff\n")
    lines = [json.dumps({"url": f"https://news.example.net/{i}", "text": f"Menu\n{P3}\nTip us\n"}) for i in range(3)]
    (src / "feed.jsonl").write_text("\n".join([*lines, json.dumps({"text": "no url"}), "{broken"]) + "\n")
    settle(src)
    return src


def test_counting_site_files_equals_the_learn_sites_command(
    client: distributed.Client, site_tree: Path, tmp_path: Path
) -> None:
    sites = pytest.importorskip("cleaner.sites")
    from cleaner.dask import count_sites_files

    local = run("learn-sites", site_tree, "-o", tmp_path / "local.toml", "--min-docs", "2")
    counted = count_sites_files(site_tree, client=client, partition_files=2)
    rules = sites.learn_sites(counted.counts, min_docs=2, min_share=sites.MIN_SHARE)
    assert rules.dumps().encode() == (tmp_path / "local.toml").read_bytes()
    assert len(rules) > 0
    assert counted.without_host == 1
    assert [f"cleaner: error: {p}" for p in counted.problems] == [
        line for line in local.stderr.splitlines() if line.startswith("cleaner: error:")
    ]


def test_cli_scheduler_with_site_templates(client: distributed.Client, site_tree: Path, tmp_path: Path) -> None:
    pytest.importorskip("cleaner.sites")
    templates = tmp_path / "sites.toml"
    assert run("learn-sites", site_tree, "-o", templates, "--min-docs", "2").exit_code == 1  # the broken inputs
    local = run("clean", site_tree, "-o", tmp_path / "local", "--sites", templates)
    address = client.scheduler.address
    remote = run("clean", site_tree, "-o", tmp_path / "dask", "--sites", templates, "--scheduler", address)
    assert (remote.exit_code, remote.stderr) == (local.exit_code, local.stderr)
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")
    assert "Home | World | Sport" not in (tmp_path / "dask" / "other.org" / "p1.txt").read_text()
