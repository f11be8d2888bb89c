"""The local executor: tasks cleaned in worker processes (`--jobs N`), results in task order.

The workers start once per run and are handed batches of small files (`batches`), so that a
folder of small files scales with the workers; one JSONL input (a file alone in its run, or
stdin) is cleaned as chunks of records in the workers instead (`RecordPool`).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from cleaner.batch.files import KINDS, InputError
from cleaner.batch.plan import Task
from cleaner.batch.work import Chunk, FileResult, LineProgress, Options, clean_chunk, process_file

BATCH_FILES = 16  # files handed to a worker at once: at most this many
BATCH_BYTES = 1 << 20  # and no more bytes on disk than this (a file this big, or a JSONL file, goes alone)
WORKER_DIED = "the worker cleaning it died (killed by the system, out of memory?); nothing written"


def _ignore_sigint() -> None:
    """Workers ignore Ctrl-C: the parent stops handing out files and lets running writes finish."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _context() -> Any:
    """Workers come from a fork server: forking a parent that runs a progress-bar thread is not safe."""
    # The fork server is a fresh `python -c` whose import path starts with the working directory
    # (Python 3.11 does not pass it our sys.path): a folder named `cleaner` there (the parent of a
    # clone) would shadow this package in every worker. PYTHONSAFEPATH keeps that entry out.
    os.environ.setdefault("PYTHONSAFEPATH", "1")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["cleaner.batch.work"])
    return context


def _size(task: Task) -> int:
    try:
        return task.src.stat().st_size
    except OSError:
        return 0  # the worker reports the problem


def batches(tasks: Sequence[Task]) -> list[list[Task]]:
    """Consecutive tasks in batches of up to BATCH_FILES files and BATCH_BYTES bytes on disk;
    a JSONL file, or a file of BATCH_BYTES or more, is a batch alone."""
    out: list[list[Task]] = []
    run: list[Task] = []
    size = 0
    for task in tasks:
        bytes_ = BATCH_BYTES if KINDS[task.kind].streamed else _size(task)
        if run and (len(run) >= BATCH_FILES or size + bytes_ > BATCH_BYTES):
            out.append(run)
            run, size = [], 0
        run.append(task)
        size += bytes_
    if run:
        out.append(run)
    return out


def _work_batch(work: Callable[[Task, Options], FileResult], batch: list[Task], options: Options) -> list[FileResult]:
    return [work(task, options) for task in batch]


def run_tasks(
    tasks: Sequence[Task],
    options: Options,
    jobs: int = 1,
    work: Callable[[Task, Options], FileResult] | None = None,
    progress: Callable[[Task], LineProgress | None] | None = None,
) -> Iterator[FileResult]:
    """Results in task order, whatever the number of worker processes.

    Order is what makes `--jobs N` output and report identical to `--jobs 1`. The workers start
    once and get `batches` of tasks, at most two batches per worker in flight, so memory stays
    flat on huge runs. A worker that dies (killed for memory by the OS, a crash in a C library)
    breaks the pool: the batches that were in flight go back to be run a task at a time in a new
    pool, and a task in flight when that one breaks is run in a worker of its own, so the one
    that kills its worker is that input's failure and the run goes on. `work`: the worker
    function (`process_file`; a module-level function, for the workers to import).
    `progress(task)`: a LineProgress for a task cleaned in this process by `process_file` (one
    task, or jobs 1), or None; tasks in worker processes report nothing while they run. One
    JSONL task with jobs > 1 is cleaned here, its records in chunks in the workers (`RecordPool`).
    """
    if jobs <= 1 or len(tasks) <= 1:
        for task in tasks:
            if work is not None:
                yield work(task, options)
                continue
            watch = progress(task) if progress is not None else None
            if jobs <= 1 or not KINDS[task.kind].streamed:
                yield process_file(task, options, watch)
                continue
            with RecordPool(jobs, options, task.name) as chunks:
                res = process_file(task, options, watch, chunks)
            yield res
        return
    work = work or process_file
    context = _context()
    todo: deque[list[Task]] = deque(batches(tasks))
    while todo:
        in_flight: deque[tuple[list[Task], Future[list[FileResult]]]] = deque()
        broken = False
        pool = ProcessPoolExecutor(max_workers=min(jobs, len(todo)), mp_context=context, initializer=_ignore_sigint)
        try:
            while todo and len(in_flight) < 2 * jobs:
                batch = todo.popleft()
                in_flight.append((batch, pool.submit(_work_batch, work, batch, options)))
            while in_flight:
                try:
                    results = in_flight[0][1].result()
                except BrokenProcessPool:
                    broken = True
                    break
                in_flight.popleft()
                if todo:
                    batch = todo.popleft()
                    in_flight.append((batch, pool.submit(_work_batch, work, batch, options)))
                yield from results
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        if broken:
            if all(len(batch) == 1 for batch, _ in in_flight):
                for (task,), _ in in_flight:
                    yield _alone(work, task, options, context)
            else:  # which task killed it is not known: run them one by one
                todo.extendleft([task] for batch, _ in reversed(in_flight) for task in reversed(batch))


def _alone(work: Callable[[Task, Options], FileResult], task: Task, options: Options, context: Any) -> FileResult:
    """One task in a worker of its own: a worker that dies on it is this input's failure."""
    with ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_ignore_sigint) as pool:
        try:
            return pool.submit(work, task, options).result()
        except BrokenProcessPool:
            res = FileResult(task.name)
            res.fail(WORKER_DIED)
            return res


_OPTIONS: Options | None = None  # a RecordPool worker's options, set once when it starts


def _start_records_worker(options: Options) -> None:
    global _OPTIONS
    _ignore_sigint()
    _OPTIONS = options


def _records_chunk(
    clean: Callable[[str, int, list[bytes], Options], Chunk], name: str, start: int, lines: list[bytes]
) -> Chunk:
    assert _OPTIONS is not None
    return clean(name, start, lines, _OPTIONS)


class RecordPool:
    """Worker processes that clean one JSONL input's records in chunks (`work.ChunkMap`), the
    chunks back in input order, at most two per worker in flight (memory stays bounded however
    long the input). The workers start on the first chunk and stop on `close`. A worker that dies
    fails the input. `clean`: the worker's function (`work.clean_chunk`; module-level)."""

    def __init__(
        self,
        jobs: int,
        options: Options,
        name: str = "",
        clean: Callable[[str, int, list[bytes], Options], Chunk] = clean_chunk,
    ) -> None:
        self.jobs, self.options, self.name, self.clean = jobs, options, name, clean
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> RecordPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def __call__(self, chunks: Iterator[tuple[int, list[bytes]]]) -> Iterator[Chunk]:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                max_workers=self.jobs,
                mp_context=_context(),
                initializer=_start_records_worker,
                initargs=(self.options,),
            )
        pool = self.pool
        in_flight: deque[Future[Chunk]] = deque()
        stopped: Exception | None = None  # reading the input failed: the chunks before it still count

        def submit() -> None:
            nonlocal stopped
            try:
                start, lines = next(chunks)
            except StopIteration:
                return
            except Exception as exc:
                stopped = exc
                return
            in_flight.append(pool.submit(_records_chunk, self.clean, self.name, start, lines))

        while stopped is None and len(in_flight) < 2 * self.jobs:
            before = len(in_flight)
            submit()
            if len(in_flight) == before:
                break
        while in_flight:
            try:
                chunk = in_flight.popleft().result()
            except BrokenProcessPool:
                self.close()
                raise InputError("a worker cleaning its records died (killed by the system, out of memory?)") from None
            if stopped is None:
                submit()
            yield chunk
        if stopped is not None:
            raise stopped
