"""Resuming: which inputs a run into OUTDIR has finished.

A run into OUTDIR appends one line per finished input to OUTDIR/.cleaner-manifest.jsonl
(`Manifest`); a later run with the same settings skips inputs whose content is unchanged and whose
output is still the one recorded (by its hash): an input with the recorded size and mtime is not
read at all, any other is hashed. With a report, each finished input's report records are kept in
OUTDIR/.cleaner-report/ (one file per output, its hash on the input's manifest line), so that the
report of a rerun, or of a run stopped by Ctrl-C, still holds the removals of the inputs an earlier
run finished (`ReportPart`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleaner.batch.files import InputError, Stamp, file_sha256
from cleaner.batch.jsonl import report_lines
from cleaner.batch.write import write_atomic
from cleaner.data import BLOCK_MODEL_FILE, LINE_MODEL_FILE
from cleaner.formats import Format

if TYPE_CHECKING:
    from cleaner.batch.plan import Task
    from cleaner.batch.work import Options


@dataclass(frozen=True)
class ReportPart:
    """Where the report records of a finished input are kept (OUTDIR/.cleaner-report/), and the
    sha256 of those bytes as the manifest recorded them: a part lost or edited is not trusted."""

    path: Path
    sha256: str


@dataclass(frozen=True)
class Finished:
    """What the manifest lists as finished into a destination: the input's hash (and stamp) and
    the output's hash, so that a skip can check the output on disk is still the one recorded."""

    sha256: str
    output: str  # the sha256 of the output as written
    stamp: Stamp | None = None  # None: not recorded (an older manifest, or a file too new to trust)
    report: ReportPart | None = None  # None: finished by a run without --report (its removals not kept)


def read_part(part: ReportPart, name: str) -> list[dict[str, object]] | None:
    """A finished input's kept report records, named `name` (this run's name for the input), or
    None when the part is not the one recorded (lost, edited, a kill between its write and the
    manifest line). No records were kept for an input without removals: no file, the empty hash."""
    try:
        data = part.path.read_bytes()
    except FileNotFoundError:
        data = b""
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != part.sha256:
        return None
    records = [json.loads(line) for line in data.split(b"\n") if line]
    for record in records:
        record["file"] = name
    return records


def kept_reports(tasks: Iterable[Task]) -> Iterator[list[dict[str, object]]]:
    """After an interruption: the kept report records of the tasks not reached that an earlier
    run finished, so that the report still accounts for every finished input."""
    for task in tasks:
        if task.done is not None and task.done.report is not None:
            yield read_part(task.done.report, task.name) or []


MANIFEST_NAME = ".cleaner-manifest.jsonl"


REPORT_PARTS = ".cleaner-report"  # OUTDIR's folder of each finished input's report records


def settings_hash(options: Options, version: str) -> str:
    """What decides an output besides its input: the version and every cleaning setting (and the
    contents of the rule files and of both models, so that a model edited in place is noticed)."""
    cfg = options.config
    fields: dict[str, object] = {}
    for f in dataclasses.fields(cfg):
        value = getattr(cfg, f.name)
        fields[f.name] = sorted(map(str, value)) if isinstance(value, frozenset) else value
    rules = []
    for path in cfg.rule_files:
        try:
            rules.append(hashlib.sha256(Path(path).read_bytes()).hexdigest())
        except OSError:
            rules.append("unreadable")
    models = [model_digest(cfg.model, LINE_MODEL_FILE), model_digest(cfg.html_model, BLOCK_MODEL_FILE)]
    blob = json.dumps(
        [version, fields, rules, models, options.field, options.removals_field, options.html_field]
        + ([options.format] if options.format is not Format.TXT else []),  # txt: the hash of earlier runs
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def model_digest(spec: str, builtin_file: str) -> str:
    """The sha256 of a model's bytes ("builtin": the packaged file's, "off": none). Only a run
    with a manifest asks, and the result is cached per file and stamp, so start-up stays cheap."""
    if spec == "off":
        return "off"
    if spec == "builtin":
        return _builtin_digest(builtin_file)
    try:
        st = os.stat(spec)
    except OSError:
        return "unreadable"
    return _file_digest(spec, st.st_size, st.st_mtime_ns, st.st_ino)


@lru_cache(maxsize=4)
def _builtin_digest(name: str) -> str:
    from importlib import resources

    try:
        return hashlib.sha256(resources.files("cleaner.data").joinpath(name).read_bytes()).hexdigest()
    except (FileNotFoundError, ModuleNotFoundError):
        return "none"  # a checkout before the model was trained


@lru_cache(maxsize=8)
def _file_digest(path: str, size: int, mtime_ns: int, ino: int) -> str:
    try:
        return file_sha256(Path(path))
    except InputError:
        return "unreadable"


class Manifest:
    """OUTDIR/.cleaner-manifest.jsonl: one line per finished input (its output's path under
    OUTDIR and sha256, the input's sha256, size and mtime_ns, the settings hash), appended and
    fsynced as each one finishes, so that a run killed part way resumes where it stopped. The
    last line for a path counts, whatever its settings: a run with other settings overwrote the
    output. Lines without size and mtime_ns are read too: their inputs are hashed to tell whether
    they changed. Lines without the output's hash (older runs) count for nothing."""

    def __init__(self, outdir: Path, settings: str):
        self.path = outdir / MANIFEST_NAME
        self.outdir = outdir
        self.settings = settings

    def finished(self) -> dict[Path, Finished]:
        """dest -> what was finished into it, when the last entry for it was made with these
        settings. A torn last line (a kill during the append) or any unreadable line is ignored:
        that input is simply redone."""
        latest: dict[Path, Finished | None] = {}
        try:
            data = self.path.read_bytes()
        except OSError:
            return {}
        for line in data.splitlines():
            try:
                entry = json.loads(line)
                dest = self.outdir / entry["path"]
                output = entry.get("output")
                ours = entry["settings"] == self.settings and isinstance(output, str)
                report = entry.get("report")
                part = ReportPart(self.part_path(dest), report) if isinstance(report, str) else None
                latest[dest] = Finished(str(entry["sha256"]), output, _stamp_in(entry), part) if ours else None
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
        return {dest: done for dest, done in latest.items() if done is not None}

    def resume(self, tasks: Sequence[Task]) -> list[Task]:
        """The tasks, each carrying what the manifest says was finished into its destination."""
        done = self.finished()
        return [dataclasses.replace(t, done=done.get(t.dest)) if t.dest in done else t for t in tasks]

    def sweep(self, tasks: Sequence[Task]) -> int:
        """Remove the temp files ('.name.XXXX.part') a killed run left beside this run's outputs
        (only names an AtomicWriter for one of `tasks` would make) and among its kept report
        records. How many went."""
        prefixes: dict[Path, set[str]] = {self.outdir / REPORT_PARTS: {"."}}  # that folder is ours alone
        for task in tasks:
            if task.dest is not None:
                prefixes.setdefault(task.dest.parent, set()).add(f".{task.dest.name[:100]}.")
        removed = 0
        for folder, names in prefixes.items():
            with contextlib.suppress(OSError), os.scandir(folder) as found:
                for entry in found:
                    stale = entry.name.endswith(".part") and entry.is_file(follow_symlinks=False)
                    if stale and any(entry.name.startswith(n) for n in names):
                        with contextlib.suppress(OSError):
                            os.unlink(entry.path)
                            removed += 1
        return removed

    def part_path(self, dest: Path) -> Path:
        """Where dest's report records are kept: a flat folder, named by a hash of the output's
        path (no name too long, no folder tree to mirror)."""
        rel = dest.relative_to(self.outdir).as_posix()
        return (
            self.outdir
            / REPORT_PARTS
            / f"{hashlib.sha256(rel.encode('utf-8', 'surrogateescape')).hexdigest()[:32]}.jsonl"
        )

    def add(
        self,
        dest: Path,
        sha256: str,
        stamp: Stamp | None = None,
        output: str | None = None,
        report: Sequence[dict[str, object]] | None = None,
    ) -> None:
        """Record that the input hashing to sha256 was cleaned into dest, whose bytes hash to output;
        with `report` (the run keeps one), its report records are kept first, and their hash recorded.
        Raises OSError or InputError when the manifest or the kept records cannot be written."""
        rel = dest.relative_to(self.outdir).as_posix()
        entry: dict[str, object] = {"path": rel, "sha256": sha256, "settings": self.settings}
        if output is not None:
            entry["output"] = output
        if stamp is not None:
            entry.update(size=stamp.size, mtime_ns=stamp.mtime_ns)
        if report is not None:
            entry["report"] = self._keep(dest, report_lines(report))
        line = json.dumps(entry) + "\n"
        self.outdir.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        try:
            os.write(fd, line.encode())
            os.fsync(fd)
        finally:
            os.close(fd)

    def _keep(self, dest: Path, data: bytes) -> str:
        """Write dest's report records (none: no file) and return their hash. Written before the
        manifest line: a kill in between leaves a part the line does not vouch for, and the input
        is cleaned again."""
        part = self.part_path(dest)
        if data:
            write_atomic(part, data, durable=False)  # a part lost to a crash fails its hash: the input is redone
        else:
            with contextlib.suppress(FileNotFoundError):
                part.unlink()
        return hashlib.sha256(data).hexdigest()


def _stamp_in(entry: dict[str, Any]) -> Stamp | None:
    size, mtime_ns = entry.get("size"), entry.get("mtime_ns")
    if type(size) is int and type(mtime_ns) is int:
        return Stamp(size, mtime_ns)
    return None
