"""Clean corpora on a Dask cluster: the command line's own per-file work, spread over the workers.

Files (`clean_files`, and `cleaner clean --scheduler`): the run is planned exactly as the CLI plans
it (`cleaner.batch.plan.plan_run`: the same inputs, destinations and refusals), each worker runs the CLI's
worker, `cleaner.batch.work.process_file`, on a share of the files, and the results come back in the
order of the plan. So the output files are byte for byte those of `cleaner clean IN -o OUT`, and
the manifest (resuming) and the report are kept here, on the client, as the CLI keeps them. A bad
input is one failed `FileResult`, never the end of the run; files whose share was lost with a
worker fail as such (they are not recorded as done, so the next run retries them).

The client and the workers must see the inputs and OUTDIR at the same paths (one machine, or a
shared filesystem): paths are made absolute before they are shipped, and the workers write the
outputs.

Frames: `clean_dataframe` (`cleaner.batch.frames`) cleans a text column of a Dask (or pandas)
DataFrame partition by partition with the one-record step of JSONL mode; `clean_parquet` does
the same file by file, Parquet to Parquet, row groups streamed and every other column written
back as read, with the per-file error handling of `clean_files`.

Sites: `learn_sites_distributed` counts (host, text) pairs per partition and merges the counts
(`SiteCounts.merge` is order-independent), so the rules are those `learn_sites` learns locally.

Dask is imported when this module is: it is the `dask` extra, and nothing else imports it eagerly.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import glob
import math
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

try:
    import dask
    import dask.bag
    import distributed
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(f"cleaner.dask needs the dask extra: pip install 'cleaner[dask]' ({exc})") from exc

from cleaner import __version__
from cleaner.batch.files import InputError, input_stamp, os_problem
from cleaner.batch.frames import check_columns, clean_rows, frame_cleaner, row_columns
from cleaner.batch.plan import Task, Unlisted, check_report_path, plan_run
from cleaner.batch.run import open_manifest, report_file, report_records, run_plan, unlisted_status
from cleaner.batch.sites import SitesCounted, count_input
from cleaner.batch.work import FileResult, Options, guarded, process_file, record_cleaner
from cleaner.batch.write import AtomicWriter
from cleaner.config import CleanerConfig
from cleaner.records import RecordCleaner
from cleaner.types import CleanResult

if TYPE_CHECKING:
    from cleaner.sites import SiteCounts, SiteRules

LOCAL = "local"  # the scheduler address that starts a LocalCluster on this machine
MAX_PARTITION_FILES = 64  # files per task: small enough to balance, large enough to amortise the overhead


class SchedulerError(RuntimeError):
    """The cluster cannot be reached, or its workers cannot run this cleaner (missing, another version)."""


# -- the cluster -------------------------------------------------------------------------------


@contextlib.contextmanager
def connect(address: str, *, timeout: float | None = None) -> Iterator[distributed.Client]:
    """A client for the scheduler at `address` ("tcp://host:8786"), or, for "local", for a
    LocalCluster started here (one single-threaded worker process per CPU) and closed on exit.

    The workers are checked to run this version of cleaner. `timeout` (seconds) defaults to
    Dask's "distributed.comm.timeouts.connect" setting. Raises SchedulerError.
    """
    cluster = None
    try:
        if address == LOCAL:
            workers = os.cpu_count() or 1
            cluster = distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            client = distributed.Client(cluster)
        else:
            wait = dask.config.get("distributed.comm.timeouts.connect") if timeout is None else timeout
            client = distributed.Client(address, timeout=wait)
    except (OSError, TimeoutError, ValueError) as exc:
        if cluster is not None:
            cluster.close()
        raise SchedulerError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    try:
        check_workers(client)
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _worker_version() -> str:
    from cleaner import __version__ as version

    return version


def check_workers(client: distributed.Client) -> None:
    """Raise SchedulerError unless every worker imports this version of cleaner: a worker with
    another version (or none) would write other bytes than the local command line."""
    try:
        versions: dict[str, str] = client.run(_worker_version)
    except Exception as exc:
        problem = f"{type(exc).__name__}: {exc}"
        raise SchedulerError(
            f"the Dask workers cannot run cleaner ({problem}); install cleaner {__version__} there"
        ) from None
    wrong = sorted(address for address, version in versions.items() if version != __version__)
    if wrong:
        raise SchedulerError(
            f"Dask worker(s) {', '.join(wrong)} run cleaner {versions[wrong[0]]}, this is {__version__}: "
            "install the same version everywhere"
        )


@contextlib.contextmanager
def _client_for(client: distributed.Client | None) -> Iterator[distributed.Client]:
    """The given client, else the default one (a `Client(...)` made earlier), else a LocalCluster."""
    if client is not None:
        yield client
        return
    try:
        yield distributed.default_client()
    except ValueError:  # no client yet
        with connect(LOCAL) as local:
            yield local


# -- running tasks -------------------------------------------------------------------------------


def _portable_task(task: Task) -> Task:
    """The task with absolute paths: a worker's working folder is not the client's."""
    dest = None if task.dest is None else task.dest.absolute()
    done = task.done
    if done is not None and done.report is not None:
        done = dataclasses.replace(done, report=dataclasses.replace(done.report, path=done.report.path.absolute()))
    return dataclasses.replace(task, src=task.src.absolute(), dest=dest, done=done)


def portable_config(config: CleanerConfig) -> CleanerConfig:
    """The config with absolute rule and model paths, for workers in another working folder."""
    model = config.model if config.model in ("off", "builtin") else str(Path(config.model).absolute())
    return config.replace(rule_files=tuple(p.absolute() for p in config.rule_files), model=model)


def _partition_size(tasks: int, slots: int) -> int:
    """About four tasks per worker thread, at most MAX_PARTITION_FILES files each."""
    return max(1, min(MAX_PARTITION_FILES, math.ceil(tasks / (4 * max(1, slots)))))


def _lost(tasks: Iterable[Task], exc: BaseException) -> list[FileResult]:
    """Failed results for files whose share of the run was lost (a worker died, or was killed)."""
    out = []
    for task in tasks:
        res = FileResult(task.name)
        res.fail(f"internal error: lost on the Dask cluster: {type(exc).__name__}: {exc}")
        res.finish()
        out.append(res)
    return out


def _run(
    tasks: Sequence[Task],
    work: Callable[[list[Task]], list[FileResult]],
    client: distributed.Client,
    partition_files: int | None,
) -> Iterator[FileResult]:
    """`work` over shares of `tasks` on the cluster; the results in task order, each share's as
    soon as it and those before it are done."""
    if not tasks:
        return
    slots = sum(client.nthreads().values())
    size = partition_files or _partition_size(len(tasks), slots)
    bag = dask.bag.from_sequence([_portable_task(t) for t in tasks], partition_size=size)
    parts = bag.map_partitions(work).to_delayed()
    futures: list[Any] = client.compute(parts)
    try:
        for index, future in enumerate(futures):
            try:
                results: list[FileResult] = future.result()
            except Exception as exc:
                results = _lost(tasks[index * size : (index + 1) * size], exc)
            futures[index] = None  # let the cluster forget it
            yield from results
    finally:
        pending = [f for f in futures if f is not None]
        if pending:
            client.cancel(pending)


def _clean_share(options: Options, tasks: Iterable[Task]) -> list[FileResult]:
    return [process_file(task, options) for task in tasks]


def run_tasks(
    tasks: Sequence[Task],
    options: Options,
    client: distributed.Client | None = None,
    *,
    partition_files: int | None = None,
) -> Iterator[FileResult]:
    """`cleaner.batch.pool.run_tasks` on a Dask cluster: `process_file` for each task, results in task order.

    Without a client: the default client if there is one, else a LocalCluster for this run.
    """
    shipped = dataclasses.replace(options, config=portable_config(options.config))
    with _client_for(client) as active:
        yield from _run(tasks, functools.partial(_clean_share, shipped), active, partition_files)


# -- files -----------------------------------------------------------------------------------------


@dataclass
class FilesRun:
    """What a run did: one FileResult per planned input, in plan order (their report records
    went to the report file and are not kept here), and the paths the plan could not take in."""

    results: list[FileResult] = field(default_factory=list)
    unlisted: list[Unlisted] = field(default_factory=list)
    skipped: int = 0  # files in input folders that the selection left out
    manifest_errors: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        """Every problem, one line each ("name: problem"), as the CLI prints them."""
        return [str(u) for u in self.unlisted] + [e for r in self.results for e in r.errors] + self.manifest_errors

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def removals(self) -> int:
        return sum(r.removals for r in self.results)


def _arguments(paths: str | Path | Sequence[str | Path]) -> tuple[list[str], list[Unlisted]]:
    """Path arguments as the CLI gets them; a string with glob characters that names no file is
    expanded here (sorted, '**' recursive), as a shell would expand it."""
    items = [paths] if isinstance(paths, str | Path) else list(paths)
    args: list[str] = []
    unmatched: list[Unlisted] = []
    for item in items:
        text = str(item)
        if isinstance(item, str) and glob.has_magic(text) and not os.path.lexists(text):
            found = sorted(glob.glob(text, recursive=True))
            args.extend(found)
            if not found:
                unmatched.append(Unlisted(text, "no file matches"))
        else:
            args.append(text)
    return args, unmatched


def clean_files(
    paths: str | Path | Sequence[str | Path],
    outdir: str | Path,
    *,
    config: CleanerConfig | None = None,
    client: distributed.Client | None = None,
    globs: Sequence[str] = (),
    field: str = "text",
    removals_field: str | None = None,
    html_field: str | None = None,
    report: str | Path | None = None,
    force: bool = False,
    partition_files: int | None = None,
) -> FilesRun:
    """Clean text, HTML and JSONL files into `outdir` on a Dask cluster, as `cleaner clean PATHS -o
    OUTDIR` would: the same outputs, byte for byte, the same manifest (an interrupted run resumes;
    `force` cleans everything again) and, with `report`, the same report file.

    `paths`: files, folders (mirrored under OUTDIR) or glob patterns ('data/**/*.jsonl'). The
    arguments are checked before anything runs (PlanError, a ValueError, for an unsafe plan:
    OUTDIR inside an input folder, an output that would overwrite an input, ...). A bad input is
    a failed result in the returned FilesRun, never an exception. `client`: see `run_tasks`.
    """
    options = Options(
        config=config or CleanerConfig(),
        field=field,
        removals_field=removals_field,
        html_field=html_field,
        collect=report is not None,
    )
    record_cleaner(options)  # bad field names fail here, not once per JSONL file
    args, unmatched = _arguments(paths)
    out = Path(outdir)
    plan = plan_run(args, outdir=out, globs=globs)
    if report is not None:
        check_report_path(Path(report), plan)
    run = FilesRun(unlisted=unmatched + plan.errors, skipped=plan.skipped)
    manifest, tasks = open_manifest(out, options, plan.tasks, force)

    def finished(task: Task, res: FileResult, problem: str | None) -> None:
        run.results.append(res)
        run.manifest_errors += [problem] if problem is not None else []
        res.report = []

    def execute(tasks: list[Task], options: Options) -> Iterator[FileResult]:
        return run_tasks(tasks, options, client, partition_files=partition_files)

    with report_file(None if report is None else Path(report)) as sink:
        interrupted = run_plan(tasks, options, execute, sink, finished, manifest=manifest, unlisted=run.unlisted)
    if interrupted:  # as the CLI: the report keeps every finished input's removals
        raise KeyboardInterrupt
    return run


# -- Parquet files ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ParquetJob:
    options: Options  # field: the text column, removals_field, html_field
    cleaner: RecordCleaner
    output_column: str
    batch_rows: int


def _parquet_schema(schema: Any, job: _ParquetJob) -> Any:
    """The output's schema: the input's, with the text (or output) column as text and the
    removals column added; InputError when the file lacks the columns or clashes with them."""
    import pyarrow as pa

    names = schema.names
    try:
        check_columns(names, job.cleaner, job.output_column, job.options.removals_field)
    except ValueError as exc:
        raise InputError(str(exc).replace("the frame", "the file")) from None
    out = schema
    text_type = pa.string()
    if job.output_column in names:
        at = names.index(job.output_column)
        text_type = schema.field(at).type
        if not (pa.types.is_string(text_type) or pa.types.is_large_string(text_type)):
            raise InputError(f"column {job.output_column!r} is {text_type}, not text")
        out = out.set(at, pa.field(job.output_column, text_type))
    else:
        out = out.append(pa.field(job.output_column, text_type))
    if job.options.removals_field is not None:
        out = out.append(pa.field(job.options.removals_field, text_type))
    return out


def _clean_batch(batch: Any, schema: Any, job: _ParquetJob, res: FileResult, first_row: int) -> Any:
    import pyarrow as pa

    table = pa.Table.from_batches([batch])
    names = [n for n in row_columns(job.cleaner) if n in table.column_names]
    columns = {n: table.column(n).to_pylist() for n in names}
    keep = columns.get(job.output_column) if job.output_column == job.cleaner.field else None

    def count(i: int, result: CleanResult) -> None:
        res.add(result, job.options, record=first_row + i + 1)

    texts, removals = clean_rows(columns, table.num_rows, job.cleaner, keep=keep, on_result=count)
    arrays: dict[str, list[Any]] = {job.output_column: texts}
    if job.options.removals_field is not None:
        arrays[job.options.removals_field] = removals
    out = table
    for name, values in arrays.items():
        column = pa.array(values, type=schema.field(name).type)
        if name in out.column_names:
            out = out.set_column(out.column_names.index(name), schema.field(name), column)
        else:
            out = out.append_column(schema.field(name), column)
    return out.cast(schema)


def _process_parquet(task: Task, job: _ParquetJob, res: FileResult) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    res.bytes_in = input_stamp(task.src).size
    try:
        source = pq.ParquetFile(task.src)
        schema = _parquet_schema(source.schema_arrow, job)
    except pa.ArrowException as exc:
        raise InputError(f"not a readable Parquet file: {exc}") from None
    if task.dest is None:
        return
    writer = AtomicWriter(task.dest)
    with writer, pq.ParquetWriter(writer.tmp, schema) as out:
        row = 0
        try:
            for batch in source.iter_batches(batch_size=job.batch_rows):
                out.write_table(_clean_batch(batch, schema, job, res, row))
                row += batch.num_rows
        except pa.ArrowException as exc:
            raise InputError(f"row {row + 1} on: cannot read or convert: {exc}") from None
    res.bytes_out = task.dest.stat().st_size


def _parquet_share(job: _ParquetJob, tasks: Iterable[Task]) -> list[FileResult]:
    results = []
    for task in tasks:
        res = FileResult(task.name)
        results.append(guarded(res, _process_parquet, task, job, res))
    return results


def clean_parquet(
    paths: str | Path | Sequence[str | Path],
    outdir: str | Path,
    *,
    text_column: str = "text",
    config: CleanerConfig | None = None,
    client: distributed.Client | None = None,
    globs: Sequence[str] = ("*.parquet",),
    output_column: str | None = None,
    removals_column: str | None = None,
    html_column: str | None = None,
    url_column: str | None = "url",
    title_column: str | None = "title",
    report: str | Path | None = None,
    batch_rows: int = 10_000,
    partition_files: int | None = None,
) -> FilesRun:
    """Parquet files in, Parquet files out (OUTDIR mirrors the input folders), one file per task:
    `text_column` cleaned row by row as `clean_dataframe` cleans it, every other column as it was.

    The plan and its refusals are those of `clean_files` (nothing is written into an input
    folder, no input is overwritten); a file that is not Parquet, or lacks the text column, is a
    failed result and the run goes on. No manifest: a second run cleans everything again.
    `report` gets one JSON line per removal, "record" being the row number (from 1).
    """
    shipped = portable_config(config or CleanerConfig())
    cleaner = frame_cleaner(text_column, html_column, url_column, title_column, removals_column, shipped)
    options = Options(
        config=shipped,
        field=text_column,
        removals_field=removals_column,
        html_field=html_column,
        collect=report is not None,
    )
    job = _ParquetJob(options, cleaner, output_column or text_column, batch_rows)
    args, unmatched = _arguments(paths)
    plan = plan_run(args, outdir=Path(outdir), globs=globs)
    if report is not None:
        check_report_path(Path(report), plan)
    run = FilesRun(unlisted=unmatched + plan.errors, skipped=plan.skipped)
    with report_file(None if report is None else Path(report)) as sink, _client_for(client) as active:
        sink([unlisted_status(u) for u in run.unlisted])
        for res in _run(plan.tasks, functools.partial(_parquet_share, job), active, partition_files):
            sink(report_records(res))
            res.report = []
            run.results.append(res)
    return run


# -- site templates ------------------------------------------------------------------------------


def _merge(parts: Iterable[SiteCounts]) -> SiteCounts:
    total = _empty_counts()
    for part in parts:
        total = total.merge(part)
    return total


def count_sites_distributed(docs: dask.bag.Bag) -> SiteCounts:
    """`cleaner.sites.count_sites` over a bag of (host, text) pairs: each partition counted on
    its own, the counts merged in a tree (equal to counting everything in one place)."""
    from cleaner.sites import count_sites

    result: SiteCounts = docs.reduction(count_sites, _merge, split_every=8).compute()
    return result


def learn_sites_distributed(
    docs: dask.bag.Bag, *, min_docs: int | None = None, min_share: float | None = None
) -> SiteRules:
    """`cleaner.sites.learn_sites` from a bag of (host, text) pairs (host None: left out), the
    counting spread over the bag's partitions. Computes with the default scheduler (a
    `distributed.Client` made earlier, if any)."""
    from cleaner import sites

    return sites.learn_sites(
        count_sites_distributed(docs),
        min_docs=sites.MIN_DOCS if min_docs is None else min_docs,
        min_share=sites.MIN_SHARE if min_share is None else min_share,
    )


def _count_files(field: str, url_field: str, tasks: Iterable[Task]) -> list[SitesCounted]:
    """One share of the inputs counted as `cleaner learn-sites` counts them (cleaner.batch.sites)."""
    found = SitesCounted(_empty_counts())
    for task in tasks:
        try:
            count_input(task, field, url_field, found)
        except InputError as exc:
            found.problems.append(f"{task.name}: {exc}")
        except OSError as exc:
            found.problems.append(f"{task.name}: {os_problem(exc)}")
        except Exception as exc:
            found.problems.append(f"{task.name}: internal error: {type(exc).__name__}: {exc}")
    return [found]


def _merge_counted(parts: Iterable[SitesCounted]) -> SitesCounted:
    total = SitesCounted(_empty_counts())
    for part in parts:
        total = total.merge(part)
    return total


def count_sites_files(
    paths: str | Path | Sequence[str | Path],
    *,
    field: str = "text",
    url_field: str = "url",
    globs: Sequence[str] = (),
    client: distributed.Client | None = None,
    partition_files: int | None = None,
) -> SitesCounted:
    """The site counts of text, HTML and JSONL files, counted on the cluster as `cleaner
    learn-sites` counts them here (a file's host is its folder's name, a record's the host of its
    url). An unreadable input is a problem in the result, not the end of the run."""
    args, unmatched = _arguments(paths)
    plan = plan_run(args, globs=globs)
    counted = SitesCounted(_empty_counts(), [str(u) for u in unmatched + plan.errors])
    if not plan.tasks:
        return counted
    with _client_for(client) as active:
        size = partition_files or _partition_size(len(plan.tasks), sum(active.nthreads().values()))
        shares = dask.bag.from_sequence([_portable_task(t) for t in plan.tasks], partition_size=size)
        per_share = shares.map_partitions(functools.partial(_count_files, field, url_field))
        total = per_share.reduction(_merge_counted, _merge_counted, split_every=8)
        return counted.merge(active.compute(total).result())


def _empty_counts() -> SiteCounts:
    from cleaner.sites import SiteCounts

    return SiteCounts()
