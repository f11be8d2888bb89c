"""Planning a run: which files, written where, decided before any file is read.

Arguments that cannot make a safe run (OUTDIR inside an input folder, an output over an input,
two inputs into one file) raise `PlanError` (the CLI's usage error); paths that cannot be listed
are `Unlisted` problems of the plan, and the run goes on with the others.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from cleaner.batch.files import KINDS, Kind, kind_of, os_problem, output_name, supported_kind
from cleaner.batch.manifest import MANIFEST_NAME, REPORT_PARTS, Finished
from cleaner.formats import Format


class PlanError(ValueError):
    """The arguments cannot make a safe run (e.g. OUTDIR inside an input folder): a usage error."""


@dataclass(frozen=True)
class Task:
    """One input file and where its output goes (None: a dry run writes nothing)."""

    src: Path
    name: str  # as the user will recognise it: the argument, joined with the path inside it
    kind: Kind
    dest: Path | None
    done: Finished | None = None  # what the manifest lists as finished into dest


@dataclass(frozen=True)
class Unlisted:
    """A path the plan could not take in (missing, unreadable folder, link loop, ...)."""

    name: str
    problem: str

    def __str__(self) -> str:
        return f"{self.name}: {self.problem}"


@dataclass
class Plan:
    """The run, decided before any file is read, so that unsafe destinations stop it early."""

    tasks: list[Task] = field(default_factory=list)
    skipped: int = 0  # files in input folders that the selection left out
    skipped_files: list[tuple[str, str]] = field(default_factory=list)  # (path inside its folder, why), for the summary
    errors: list[Unlisted] = field(default_factory=list)  # paths that could not even be listed
    roots: list[Path] = field(default_factory=list)  # resolved input folders: never written into
    inputs: set[Path] = field(default_factory=set)  # resolved input files: never overwritten


@dataclass(frozen=True)
class _Entry:
    src: Path
    name: str
    rel: PurePosixPath  # the output's path under OUTDIR, before output_name
    kind: Kind


NOT_SUPPORTED = "not text, HTML or JSONL"  # why a file in an input folder was left out, as the summary says it


NOT_GLOBBED = "not matched by --glob"


def _selected(rel: PurePosixPath, globs: Sequence[str]) -> Kind | None:
    """The kind of a file found inside a folder, or None when the selection leaves it out.

    A --glob pattern is matched against the file name, or against the path inside the folder
    when it contains '/'. Without --glob only supported extensions are taken.
    """
    if not globs:
        return supported_kind(rel)
    for pattern in globs:
        target = rel.as_posix() if "/" in pattern else rel.name
        if fnmatch.fnmatchcase(target, pattern):
            return kind_of(rel)
    return None


def _walk(root: Path, errors: list[Unlisted]) -> Iterator[Path]:
    """Every file under root, in a stable order (sorted names, files before subfolders)."""

    def onerror(exc: OSError) -> None:
        errors.append(Unlisted(str(exc.filename), os_problem(exc)))

    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror):
        dirnames.sort()
        for name in sorted(filenames):
            yield Path(dirpath, name)


def _entries(paths: Sequence[str], globs: Sequence[str], plan: Plan) -> list[_Entry]:
    entries: list[_Entry] = []
    for arg in paths:
        path = Path(arg)
        try:
            is_dir = path.is_dir()
            path.stat()
        except OSError as exc:
            plan.errors.append(Unlisted(arg, os_problem(exc)))
            continue
        if not is_dir:
            if not path.is_file():  # a FIFO would hang the run, /dev/zero fill the memory
                plan.errors.append(Unlisted(arg, "not a regular file (a FIFO, device or socket); use '-' for a stream"))
                continue
            entries.append(_Entry(path, arg, PurePosixPath(path.name), kind_of(path)))
            continue
        plan.roots.append(path.resolve())
        for found in _walk(path, plan.errors):
            rel = PurePosixPath(found.relative_to(path).as_posix())
            if rel.name == MANIFEST_NAME or REPORT_PARTS in rel.parts[:-1]:
                plan.skipped += 1  # an earlier run's output folder: its manifest and kept reports are no input
                continue
            kind = _selected(rel, globs)
            if kind is not None and found.is_symlink():
                try:
                    found.stat()
                except OSError as exc:  # a link loop or a dangling link: say so, do not skip quietly
                    plan.errors.append(Unlisted(str(path / rel), os_problem(exc)))
                    continue
            if kind is None or not found.is_file():
                plan.skipped += 1
                why = "not a regular file" if kind is not None else NOT_GLOBBED if globs else NOT_SUPPORTED
                plan.skipped_files.append((rel.as_posix(), why))
                continue
            entries.append(_Entry(found, str(path / rel), rel, kind))
    return entries


def plan_run(
    paths: Sequence[str],
    *,
    outdir: Path | None = None,
    in_place: bool = False,
    globs: Sequence[str] = (),
    fmt: Format = Format.TXT,
) -> Plan:
    """Find the inputs and their destinations; raise PlanError for anything that would write into
    the input tree, overwrite an input (without --in-place) or write two inputs to one file."""
    plan = Plan()
    unique: list[_Entry] = []
    for entry in _entries(paths, globs, plan):
        resolved = entry.src.resolve()
        if resolved not in plan.inputs:  # a file named twice (or inside a named folder) runs once
            plan.inputs.add(resolved)
            unique.append(entry)
    if outdir is not None:
        _check_outdir(outdir, plan.roots)
    claimed: dict[Path, str] = {}
    for entry in unique:
        spec = KINDS[entry.kind]
        problem = spec.not_in_place if in_place else None
        problem = problem or (spec.not_formatted if fmt is not Format.TXT else None)
        if problem is not None:
            plan.errors.append(Unlisted(entry.name, problem))
            continue
        dest = entry.src if in_place else None
        if outdir is not None:
            dest = outdir / output_name(str(entry.rel), entry.kind, fmt)
            if dest == outdir / MANIFEST_NAME:
                raise PlanError(f"{entry.name}: output {dest} would overwrite the run's manifest")
            _check_dest(entry.name, dest, plan, claimed)
        plan.tasks.append(Task(entry.src, entry.name, entry.kind, dest))
    return plan


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _check_outdir(outdir: Path, roots: Sequence[Path]) -> None:
    out = outdir.resolve()
    if out.exists() and not out.is_dir():
        raise PlanError(f"output folder {outdir} exists and is not a folder")
    for root in roots:
        if _inside(out, root):
            raise PlanError(f"output folder {outdir} is inside the input folder {root}; choose one outside it")


def _check_dest(name: str, dest: Path, plan: Plan, claimed: dict[Path, str]) -> None:
    resolved = dest.resolve()
    if resolved in plan.inputs:
        raise PlanError(f"{name}: output {dest} would overwrite an input file (use --in-place for that)")
    for root in plan.roots:
        if _inside(resolved, root):
            raise PlanError(f"{name}: output {dest} would be written inside the input folder {root}")
    if resolved in claimed:
        raise PlanError(f"{claimed[resolved]} and {name} would both be written to {dest}")
    claimed[resolved] = name


def check_report_path(report: Path, plan: Plan) -> None:
    """The report must not land in the input tree (a later run would read it as input) nor on an output."""
    resolved = report.resolve()
    if resolved.is_dir():
        raise PlanError(f"report {report} is a folder")
    if resolved in plan.inputs or any(_inside(resolved, root) for root in plan.roots):
        raise PlanError(f"report {report} would be written into the input")
    if any(task.dest is not None and task.dest.resolve() == resolved for task in plan.tasks):
        raise PlanError(f"report {report} would overwrite an output file")
    if resolved.name == MANIFEST_NAME:
        raise PlanError(f"report {report} would overwrite a run's manifest")
