"""The local executor: tasks cleaned in worker processes (`--jobs N`), results in task order."""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from cleaner.batch.plan import Task
from cleaner.batch.work import FileResult, LineProgress, Options, process_file


def _ignore_sigint() -> None:
    """Workers ignore Ctrl-C: the parent stops handing out files and lets running writes finish."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def run_tasks(
    tasks: Sequence[Task],
    options: Options,
    jobs: int = 1,
    work: Callable[[Task, Options], FileResult] | None = None,
    progress: Callable[[Task], LineProgress | None] | None = None,
) -> Iterator[FileResult]:
    """Results in task order, whatever the number of worker processes.

    Order is what makes `--jobs N` output and report identical to `--jobs 1`. At most a few
    tasks per worker are in flight, so memory stays flat on huge runs. Workers come from a
    fork server: forking a parent that runs a progress-bar thread is not safe. A worker that dies
    (killed for memory by the OS, a crash in a C library) breaks the pool: the tasks that were in
    flight are then run again one at a time, each in a worker of its own, so the one that kills its
    worker is that input's failure and the run goes on with a new pool. `work`: the worker
    function (`process_file`; a module-level function, for the workers to import).
    `progress(task)`: a LineProgress for a task cleaned in this process by `process_file` (one
    task, or jobs 1), or None; tasks in worker processes report nothing while they run.
    """
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            watch = progress(task) if progress is not None and work is None else None
            yield process_file(task, options, watch) if work is None else work(task, options)
        return
    work = work or process_file
    # The fork server is a fresh `python -c` whose import path starts with the working directory
    # (Python 3.11 does not pass it our sys.path): a folder named `cleaner` there (the parent of a
    # clone) would shadow this package in every worker. PYTHONSAFEPATH keeps that entry out.
    os.environ.setdefault("PYTHONSAFEPATH", "1")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["cleaner.batch.work"])
    todo: deque[Task] = deque(tasks)
    while todo:
        in_flight: deque[tuple[Task, Future[FileResult]]] = deque()
        broken = False
        pool = ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=context, initializer=_ignore_sigint)
        try:
            while todo and len(in_flight) < 4 * jobs:
                task = todo.popleft()
                in_flight.append((task, pool.submit(work, task, options)))
            while in_flight:
                try:
                    result = in_flight[0][1].result()
                except BrokenProcessPool:
                    broken = True
                    break
                in_flight.popleft()
                if todo:
                    task = todo.popleft()
                    in_flight.append((task, pool.submit(work, task, options)))
                yield result
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if broken:
            for task, _ in in_flight:
                yield _alone(work, task, options, context)


def _alone(work: Callable[[Task, Options], FileResult], task: Task, options: Options, context: Any) -> FileResult:
    """One task in a worker of its own: a worker that dies on it is this input's failure."""
    with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_ignore_sigint) as pool:
        try:
            return pool.submit(work, task, options).result()
        except BrokenProcessPool:
            res = FileResult(task.name)
            res.fail("the worker cleaning it died (killed by the system, out of memory?); nothing written")
            return res
