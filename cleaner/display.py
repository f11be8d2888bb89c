"""What the command line shows: one-line messages on stderr (control characters escaped), an
input's problems, the closing summary, the progress display on a terminal, explained lines.

Only `cleaner.cli` calls these; the library never prints.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import PurePath
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.text import Text

from cleaner.batch.explain import Explained, Mark, explain_rows
from cleaner.batch.files import KINDS
from cleaner.batch.plan import Task
from cleaner.batch.run import Summary
from cleaner.batch.work import FileResult, LineProgress

if TYPE_CHECKING:  # rich.progress is imported when a bar is drawn (a terminal), not at every start
    from rich.progress import Progress, TaskID

# C0 controls, DEL, NEL and the Unicode line separators, written as escapes: a file named
# "x\ncleaner: 0 errors.txt" must not print a second line that reads like one of ours.
_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(32), 127, 0x85)} | {
    ord("\n"): "\\n",
    ord("\r"): "\\r",
    ord("\t"): "\\t",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def one_line(message: str) -> str:
    """A message as one line: control characters in it (from file names, usually) escaped."""
    return message.translate(_CONTROLS)


def print_problems(console: Console, res: FileResult, debug: bool) -> None:
    for message in res.warnings:
        console.print(Text(one_line(f"cleaner: warning: {message}"), style="yellow"))
    for message in res.errors:
        console.print(Text(one_line(f"cleaner: error: {message}"), style="red"))
    if debug:
        for tb in res.tracebacks:
            console.print(Text(tb))


def print_summary(console: Console, summary: Summary) -> None:
    for line in summary.lines():
        console.print(Text(one_line(line), style="bold" if line.startswith("cleaner: removed") else ""))


class RunProgress:
    """What a run shows while it goes, on a terminal only (transient): a bar over the files when
    there are several, and for each JSONL input cleaned in this process (one input, or --jobs 1)
    its records and records/s, with a bar over its bytes when its size is known (not stdin)."""

    def __init__(self, bar: Progress | None, files: int) -> None:
        self.bar = bar
        self.files = bar.add_task("cleaning", total=files) if bar is not None and files > 1 else None
        self.current: TaskID | None = None

    def records(self, task: Task) -> LineProgress | None:
        """The callback for one JSONL input's lines (None for other inputs, or off a terminal)."""
        if not KINDS[task.kind].streamed:
            return None
        try:
            size: int | None = task.src.stat().st_size
        except OSError:
            size = None
        return self.stream(PurePath(task.name).name, size)

    def stream(self, name: str, size: int | None = None) -> LineProgress | None:
        bar = self.bar
        if bar is None:
            return None
        self._drop_current()
        current = self.current = bar.add_task(name, total=size, records=0)
        count = 0

        def line(size: int) -> None:
            nonlocal count
            count += 1
            bar.update(current, advance=size, records=count)

        return line

    def advance(self) -> None:
        """One input finished."""
        self._drop_current()
        if self.bar is not None and self.files is not None:
            self.bar.advance(self.files)

    def _drop_current(self) -> None:
        if self.bar is not None and self.current is not None:
            self.bar.refresh()  # the input's last count, drawn at least once
            self.bar.remove_task(self.current)
            self.current = None


@contextlib.contextmanager
def show_progress(console: Console, tasks: list[Task] | None = None) -> Iterator[RunProgress]:
    """The run's progress display (see RunProgress); `tasks` None: stdin's JSONL stream. Nothing
    at all when stderr is not a terminal, or when one non-JSONL file is all there is to show."""
    shown = tasks is None or len(tasks) > 1 or any(KINDS[t.kind].streamed for t in tasks)
    if not console.is_terminal or not shown:
        yield RunProgress(None, 0)
        return
    from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Task as ProgressTask

    class CountColumn(ProgressColumn):
        """Files done of all, or for a JSONL input its records so far and their rate."""

        def render(self, task: ProgressTask) -> Text:
            records = task.fields.get("records")
            if records is None:
                return Text(f"{task.completed:,.0f}/{task.total:,.0f}" if task.total is not None else "")
            rate = records / task.elapsed if task.elapsed else 0.0
            return Text(f"{records:,} records, {rate:,.0f} records/s")

    columns = (TextColumn("{task.description}"), BarColumn(bar_width=20), CountColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        yield RunProgress(bar, len(tasks) if tasks is not None else 0)


GUTTER = {Mark.KEPT: "  ", Mark.REMOVED: "- ", Mark.RESTORED: "~ "}
STYLE = {Mark.KEPT: "", Mark.REMOVED: "red", Mark.RESTORED: "cyan"}


def print_explained(docs: list[Explained]) -> None:
    """Gutter-marked lines: rich colours on a terminal, exact plain text otherwise (tabs and all)."""
    console = Console(highlight=False, markup=False, emoji=False, soft_wrap=True)
    emit: Callable[[Text], None] = console.print if console.is_terminal else lambda t: typer.echo(t.plain)
    for doc in docs:
        if doc.record is not None:
            emit(Text(f"== record on line {doc.record} ==", style="bold"))
        for row in explain_rows(doc.text, doc.result):
            gutter = GUTTER[row.mark] if row.text or row.mark is not Mark.KEPT else ""
            line = Text(gutter + row.text, style=STYLE[row.mark])
            if row.note:
                line.append(f"  # {row.note}", style="yellow")
            emit(line)
