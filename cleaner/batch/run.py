"""One run into OUTDIR, shared by the CLI and Dask: report records, the manifest, the summary."""

from __future__ import annotations

from cleaner.batch.files import InputError, os_problem
from cleaner.batch.manifest import Manifest
from cleaner.batch.plan import Task, Unlisted
from cleaner.batch.work import FileResult, Options
from cleaner.types import Category


def unlisted_status(problem: Unlisted) -> dict[str, object]:
    """The report line for a path the plan could not take in."""
    return {"file": problem.name, "status": f"failed: {problem.problem}"}


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


def category_order() -> list[str]:
    """Categories in their declared order, so that summaries read the same on every run."""
    return [c.value for c in Category]
