"""One run into OUTDIR, shared by the command line and Dask (`cleaner.batch.dask.clean_files`).

`open_manifest` readies the run's manifest (the tasks an earlier run finished carry that, stale
temp files go), then `run_plan` hands the tasks to an executor (the local pool, `--jobs`, or a
Dask cluster: both run `process_file`, so the outputs are the same bytes) and, in task order, puts
each input's report records in the report, records the finished ones in the manifest, and tells
the caller. Ctrl-C stops it with a report that still accounts for every finished input. `Summary`
counts a run for its closing lines. Nothing here prints.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cleaner import __version__
from cleaner.batch.files import InputError, codec_of, os_problem
from cleaner.batch.jsonl import report_lines
from cleaner.batch.manifest import Manifest, kept_reports, settings_hash
from cleaner.batch.plan import Task, Unlisted
from cleaner.batch.work import FileResult, Options
from cleaner.batch.write import AtomicWriter
from cleaner.types import Category

Sink = Callable[[list[dict[str, object]]], None]  # where report records go
Executor = Callable[[list[Task], Options], Iterator[FileResult]]  # results in task order (pool, Dask)
OnFinished = Callable[[Task, FileResult, "str | None"], None]  # told of each input, with its manifest problem


def unlisted_status(problem: Unlisted) -> dict[str, object]:
    """The report line for a path the plan could not take in."""
    return {"file": problem.name, "status": f"failed: {problem.problem}"}


def report_records(res: FileResult) -> list[dict[str, object]]:
    """An input's removals, then its status line when it failed."""
    status = res.status()
    return res.report if status is None else [*res.report, status]


def _nowhere(records: list[dict[str, object]]) -> None:
    """The sink of a run without a report."""


@contextlib.contextmanager
def report_file(path: Path | None) -> Iterator[Sink]:
    """Report records into a temp file that replaces `path` only when the run completes (compressed
    as its name says: report.jsonl.gz, like an output; a FIFO or a device is written through, see
    AtomicWriter). None: no report. Raises InputError when the report cannot be written there."""
    if path is None:
        yield _nowhere
        return
    with AtomicWriter(path, codec_of(path)) as fh:

        def write(records: list[dict[str, object]]) -> None:
            fh.write(report_lines(records))

        yield write


def open_manifest(outdir: Path, options: Options, tasks: list[Task], force: bool) -> tuple[Manifest, list[Task]]:
    """The manifest of a run into `outdir` and its tasks, each carrying what an earlier run with
    the same settings finished (nothing with `force`); the temp files a killed run left are gone."""
    manifest = Manifest(outdir, settings_hash(options, __version__))
    if not force:
        tasks = manifest.resume(tasks)
    manifest.sweep(tasks)
    return manifest, tasks


def record_finished(manifest: Manifest, task: Task, res: FileResult, options: Options) -> str | None:
    """Add a finished input to the manifest (its report records kept when the run collects them);
    the problem, naming the file that could not be written, or None."""
    if task.dest is None or res.sha256 is None:
        return None
    try:
        manifest.add(task.dest, res.sha256, res.stamp, res.dest_sha256, res.report if options.collect else None)
    except OSError as exc:
        return f"{manifest.path}: cannot record progress: {os_problem(exc)}"
    except InputError as exc:
        return f"cannot record progress: {exc}"
    return None


def run_plan(
    tasks: list[Task],
    options: Options,
    execute: Executor,
    sink: Sink,
    finished: OnFinished,
    *,
    manifest: Manifest | None = None,
    unlisted: Sequence[Unlisted] = (),
    shown: Callable[[FileResult], None] | None = None,
) -> bool:
    """Run `tasks` through `execute`; for each result, in task order: `shown(res)` (the CLI prints
    its problems), its report records into `sink`, a finished input into `manifest`, then
    `finished(task, res, problem)`, `problem` being the manifest's (None: recorded, or nothing to
    record). The unlisted paths' status lines go into the report first. True when Ctrl-C stopped
    the run: the report then gets, for the inputs not reached, the records an earlier run kept,
    so that it still accounts for every finished input (a second Ctrl-C is the caller's)."""
    sink([unlisted_status(problem) for problem in unlisted])
    reached = 0  # tasks whose records went to the report
    try:
        for task, res in zip(tasks, execute(tasks, options), strict=True):
            if shown is not None:
                shown(res)
            sink(report_records(res))
            reached += 1
            problem = None
            if manifest is not None and res.ok and res.record:
                problem = record_finished(manifest, task, res, options)
            finished(task, res, problem)
    except KeyboardInterrupt:
        for records in kept_reports(tasks[reached:] if options.collect else []):
            sink(records)
        return True
    return False


def category_order() -> list[str]:
    """Categories in their declared order, so that summaries read the same on every run."""
    return [c.value for c in Category]


@dataclass
class Summary:
    """Totals for the closing lines on stderr."""

    dry_run: bool
    files: int = 0
    skipped: int = 0
    skipped_files: list[tuple[str, str]] = field(default_factory=list)  # (name, why), as the plan left them out
    records: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    removals: int = 0
    errors: int = 0
    failed_files: int = 0
    done: int = 0  # finished by an earlier run (the manifest), not cleaned again
    warned_files: int = 0
    lines_removed: dict[str, int] = field(default_factory=dict)

    def add(self, res: FileResult) -> None:
        self.files += 1
        self.done += res.up_to_date
        self.records += res.records
        self.bytes_in += res.bytes_in
        self.bytes_out += res.bytes_out
        self.removals += res.removals
        self.errors += res.error_count
        self.failed_files += not res.ok
        self.warned_files += bool(res.warnings)
        for category, lines in res.lines_removed.items():
            self.lines_removed[category] = self.lines_removed.get(category, 0) + lines

    def skipped_text(self, shown: int = 3) -> str:
        """'1 skipped: not text, HTML or JSONL: gold.json': a bare count left users guessing why."""
        by_why: dict[str, list[str]] = {}
        for name, why in self.skipped_files:
            by_why.setdefault(why, []).append(name)
        parts = []
        for why, names in by_why.items():
            more = f" and {len(names) - shown} more" if len(names) > shown else ""
            parts.append(f"{why}: {', '.join(names[:shown])}{more}")
        return f"{self.skipped} skipped" + (f": {'; '.join(parts)}" if parts else "")

    def lines(self) -> list[str]:
        files = f"{self.files} file{'s' if self.files != 1 else ''}"
        all_done = self.done > 0 and self.done == self.files
        counted = [f"{self.done} already done"] if self.done and not all_done else []
        counted += [f"{self.records} records"] if self.records else []
        notes = [", ".join(counted)] if counted else []
        notes += [self.skipped_text()] if self.skipped else []
        head = f"cleaner: {files}" + (f" ({'; '.join(notes)})" if notes else "")
        if all_done:  # a rerun: say so, rather than "0 bytes in, 0 bytes out" and "nothing removed"
            which = f"all {self.done}" if self.done > 1 else "it was"
            again = "them" if self.done > 1 else "it"
            head += f": {which} already done in an earlier run, nothing cleaned (--force cleans {again} again)"
        else:
            head += f", {self.bytes_in:,} bytes in, {self.bytes_out:,} bytes out"
        head += " (dry run: nothing written)" if self.dry_run else ""
        total = sum(self.lines_removed.values())
        counts = [f"{c} {self.lines_removed[c]}" for c in category_order() if c in self.lines_removed]
        removed = f"cleaner: removed {total} lines ({self.removals} removals): {', '.join(counts)}" if total else ""
        out = [head] if all_done else [head, removed or "cleaner: nothing removed"]
        if self.warned_files:
            out.append(f"cleaner: warnings for {self.warned_files} input(s), see above")
        if self.errors:
            out.append(f"cleaner: {self.errors} error{'s' if self.errors != 1 else ''} in {self.failed_files} input(s)")
        return out
