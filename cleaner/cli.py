"""The `cleaner` command line: flags become a CleanerConfig and a plan; `cleaner.batch` does the work.

Printing (with the helpers of `cleaner.display`) and exit codes live only here: 0 when everything
was cleaned, 1 when some input failed (each failure is one line on stderr; the run goes on), 2 for
usage errors. stdout carries only cleaned text (`clean -`) or explanations, so it can be piped.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.text import Text

from cleaner import __version__
from cleaner.api import clean as clean_text
from cleaner.batch.explain import explain_json, explain_source
from cleaner.batch.files import JSONL_FORMAT, KINDS, STDIN_NAME, InputError, Kind, kind_of, read_input
from cleaner.batch.jsonl import report_lines
from cleaner.batch.plan import Plan, PlanError, Task, check_report_path, plan_run
from cleaner.batch.pool import RecordPool, run_tasks
from cleaner.batch.run import Sink, Summary, open_manifest, report_file, report_records, run_plan
from cleaner.batch.sites import SitesCounted, count_input, site_options
from cleaner.batch.work import FileResult, LineProgress, Options, process_jsonl_stream, process_stream
from cleaner.batch.write import write_atomic
from cleaner.config import CleanerConfig, ConfigError
from cleaner.display import one_line, print_explained, print_problems, print_summary, show_progress
from cleaner.flags import (
    POLICY,
    ConfigOpt,
    DebugOpt,
    DisableOpt,
    FieldOpt,
    HtmlFieldOpt,
    HtmlModelOpt,
    HtmlOpt,
    JsonlOpt,
    ModelOpt,
    RulesOpt,
    SitesOpt,
)
from cleaner.formats import Format
from cleaner.html import looks_like_html
from cleaner.models.line import load_line_model as load_model
from cleaner.models.trees import ModelError
from cleaner.rules import RuleError
from cleaner.sites import MIN_DOCS, MIN_SHARE
from cleaner.types import Category

app = typer.Typer(
    name="cleaner",
    help="Remove boilerplate lines (paywall, newsletter, related links, ...) from scraped web text, "
    "keeping every article line unchanged and explaining each removal.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _stderr() -> Console:
    """A console on stderr: colours on a terminal, plain text otherwise. Never wraps lines."""
    return Console(stderr=True, highlight=False, markup=False, emoji=False, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"cleaner {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Remove boilerplate lines from scraped web text, explaining every cut."""


def build_config(
    config: Path | None,
    disable: list[Category] | None,
    rules: list[Path] | None,
    model: str | None = None,
    sites: Path | None = None,
    html_model: str | None = None,
) -> CleanerConfig:
    """The run's settings: the --config file, then --disable, --rules and --model on top.

    The rule files and the models are loaded here once, so that a broken one is a usage error up
    front rather than the same error for every input (the packaged HTML model, checked by the
    tests, only when a page needs it: a text run does not parse its 1 MB).
    """
    try:
        cfg = CleanerConfig.from_toml(config) if config else CleanerConfig()
    except ConfigError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--config'") from None
    cfg = cfg.replace(disabled=cfg.disabled | set(disable or ()), rule_files=cfg.rule_files + tuple(rules or ()))
    if model is not None:
        cfg = cfg.replace(model=model)
    if html_model is not None:
        cfg = cfg.replace(html_model=html_model)
    if sites is not None:
        try:
            cfg = cfg.replace(sites=sites)  # loaded (and checked) here, once
        except ConfigError as exc:
            raise typer.BadParameter(str(exc), param_hint="'--sites'") from None
    try:
        load_model(cfg.model)
    except ModelError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--model'") from None
    try:
        if cfg.html_model != "builtin":  # the packaged one is loaded when a page needs it (not for text)
            from cleaner.html.blocks import load as load_dom_model  # text runs never import the block model

            load_dom_model(cfg.html_model)
    except ModelError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--html-model'") from None
    try:
        clean_text("", cfg)
    except (RuleError, ConfigError) as exc:
        raise typer.BadParameter(str(exc), param_hint="'--rules'") from None
    return cfg


def _stdin_kind(jsonl: bool, html: bool) -> Kind:
    if jsonl and html:
        raise typer.BadParameter("choose one of --jsonl and --html")
    return Kind.JSONL if jsonl else Kind.HTML if html else Kind.TEXT


@contextlib.contextmanager
def _report_sink(report: Path | None) -> Iterator[Sink]:
    """The run's report (see `cleaner.batch.run.report_file`); '-': to stdout, as the records come."""
    if report is not None and str(report) == "-":

        def out(records: list[dict[str, object]]) -> None:
            sys.stdout.buffer.write(report_lines(records))

        yield out
        return
    with contextlib.ExitStack() as stack:
        try:
            sink = stack.enter_context(report_file(report))
        except InputError as exc:
            _stderr().print(Text(one_line(f"cleaner: error: report: {exc}"), style="red"))
            raise typer.Exit(1) from None
        yield sink


# -- clean -------------------------------------------------------------------------------------


@app.command(epilog=POLICY)
def clean(
    paths: Annotated[
        list[str], typer.Argument(metavar="PATH", help="Files and folders to clean, or '-' for stdin -> stdout.")
    ],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", metavar="OUTDIR", help="Write cleaned files under this folder.")
    ] = None,
    in_place: Annotated[bool, typer.Option("--in-place", help="Overwrite the input files instead.")] = False,
    fmt: Annotated[
        Format,
        typer.Option(
            "--format",
            case_sensitive=False,
            help="txt: the kept lines (default); json: one object per input (title, url, date, author, site_name, "
            "text, removed, warnings); markdown: headings, list items, table rows, quotes and code blocks kept as "
            "such. Output names get .json / .md (a.txt -> a.txt.json, page.html -> page.html.md). Not for JSONL input.",
        ),
    ] = Format.TXT,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report and summarise only; write no files.")] = False,
    report: Annotated[
        Path | None,
        typer.Option(
            "--report",
            metavar="FILE",
            help="Write one JSON line per removal (file, record, lines, category, rule, reason, score, text), and "
            "one {file, status} line per input that failed (status 'failed: <the problems>'). With -o, every "
            "input's removals are kept in OUTDIR/.cleaner-report/, so that the report of a rerun (or of a run "
            "stopped by Ctrl-C) also holds those of the inputs an earlier run finished, in the same order.",
        ),
    ] = None,
    jobs: Annotated[int, typer.Option("-j", "--jobs", min=0, help="Worker processes (0: one per CPU).")] = 1,
    scheduler: Annotated[
        str | None,
        typer.Option(
            "--scheduler",
            metavar="ADDRESS",
            help="Clean on a Dask cluster: its scheduler (tcp://host:8786), or 'local' to start one here. The "
            "workers must see the same paths; the output is the same. Needs pip install 'cleaner\\[dask]'.",
        ),
    ] = None,
    glob: Annotated[
        list[str] | None,
        typer.Option("--glob", metavar="PATTERN", help="Select files inside folders (e.g. '*.txt'); repeatable."),
    ] = None,
    field_name: FieldOpt = "text",
    removals_field: Annotated[
        str | None, typer.Option("--removals-field", metavar="NAME", help="JSONL: add each record's removals here.")
    ] = None,
    html_field: HtmlFieldOpt = None,
    jsonl: JsonlOpt = False,
    html: HtmlOpt = False,
    config: ConfigOpt = None,
    disable: DisableOpt = None,
    rules: RulesOpt = None,
    model: ModelOpt = None,
    html_model: HtmlModelOpt = None,
    sites: SitesOpt = None,
    force: Annotated[
        bool, typer.Option("--force", help="Clean every input again, even those the OUTDIR manifest lists as done.")
    ] = False,
    no_backup: Annotated[bool, typer.Option("--no-backup", help="--in-place: keep no <name>.orig copy.")] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No summary; errors only.")] = False,
    debug: DebugOpt = False,
) -> None:
    """Clean files, folders (mirrored under OUTDIR) or stdin.

    An interrupted run into OUTDIR resumes: inputs already finished are skipped (see below).
    """
    if removals_field is not None and removals_field == field_name:
        raise typer.BadParameter("must differ from --field", param_hint="'--removals-field'")
    _check_format(fmt, in_place, jsonl and "-" in paths)
    options = Options(
        config=build_config(config, disable, rules, model, sites, html_model),
        field=field_name,
        removals_field=removals_field,
        html_field=html_field,
        dry_run=dry_run,
        collect=report is not None,
        backup=not no_backup,
        format=fmt,
    )
    if scheduler is not None:
        _check_scheduler(paths, jobs)
    jobs = jobs or _cpu_count()
    if "-" in paths:
        _clean_stdin(paths, output, in_place, _stdin_kind(jsonl, html), options, report, quiet, debug, jobs)
    plan = _plan(paths, output, in_place, dry_run, glob or [], report, fmt)
    console = _stderr()
    summary = Summary(
        dry_run=dry_run,
        skipped=plan.skipped,
        skipped_files=plan.skipped_files,
        errors=len(plan.errors),
        failed_files=len(plan.errors),
    )
    for problem in plan.errors:
        console.print(Text(one_line(f"cleaner: error: {problem}"), style="red"))
    manifest = None
    if output is not None and not dry_run:
        manifest, plan.tasks = open_manifest(output, options, plan.tasks, force)
    interrupted = False
    try:
        with (
            _internal_errors(debug),
            _report_sink(report) as sink,
            _runner(scheduler, jobs) as runner,
            show_progress(console, plan.tasks) as progress,
        ):

            def finished(task: Task, res: FileResult, problem: str | None) -> None:
                summary.add(res)
                if problem is not None:  # it costs only the resume: an error line, not the end of the run
                    console.print(Text(one_line(f"cleaner: error: {problem}"), style="red"))
                    summary.errors += 1
                progress.advance()

            interrupted = run_plan(
                plan.tasks,
                options,
                lambda tasks, options: runner(tasks, options, progress.records),
                sink,
                finished,
                manifest=manifest,
                unlisted=plan.errors,
                shown=lambda res: print_problems(console, res, debug),
            )
    except KeyboardInterrupt:  # a second Ctrl-C: the old report stays
        interrupted = True
    if interrupted:
        again = " (run the same command again to resume)" if manifest is not None else ""
        console.print(
            Text(one_line(f"cleaner: interrupted after {summary.files} of {len(plan.tasks)} files{again}"), style="red")
        )
        raise typer.Exit(130) from None
    if not quiet:
        print_summary(console, summary)
    raise typer.Exit(1 if summary.errors else 0)


def _cpu_count() -> int:
    return os.cpu_count() or 1


# How the files get cleaned: tasks, options, and the progress callback of a JSONL task cleaned here.
Runner = Callable[[list[Task], Options, Callable[[Task], LineProgress | None]], Iterator[FileResult]]


def _check_scheduler(paths: list[str], jobs: int) -> None:
    """--scheduler: usage errors up front, the missing extra among them."""
    if "-" in paths:
        raise typer.BadParameter("stdin ('-') is cleaned here, not on a cluster", param_hint="'--scheduler'")
    if jobs != 1:
        raise typer.BadParameter("choose one of --jobs and --scheduler", param_hint="'--scheduler'")
    try:
        import cleaner.batch.dask  # noqa: F401
    except ImportError:
        needs = "needs the dask extra: pip install 'cleaner[dask]'"
        raise typer.BadParameter(needs, param_hint="'--scheduler'") from None


@contextlib.contextmanager
def _runner(scheduler: str | None, jobs: int) -> Iterator[Runner]:
    """How the files get cleaned: here, in --jobs worker processes, or on a Dask cluster
    (cleaner.batch.dask: the same worker function, so the same bytes)."""
    if scheduler is None:
        yield lambda tasks, options, progress: run_tasks(tasks, options, jobs, progress=progress)
        return
    from cleaner.batch import dask as cdask

    try:
        with cdask.connect(scheduler) as client:
            yield lambda tasks, options, progress: cdask.run_tasks(tasks, options, client)
    except cdask.SchedulerError as exc:
        _stderr().print(Text(one_line(f"cleaner: error: {exc}"), style="red"))
        raise typer.Exit(1) from None


def _check_format(fmt: Format, in_place: bool, jsonl_stdin: bool) -> None:
    """--format json and markdown write new files beside nothing: not in place, not for JSONL."""
    if fmt is Format.TXT:
        return
    if in_place:
        raise typer.BadParameter(
            f"--in-place rewrites each input in its own format; write {fmt.value} with -o OUTDIR",
            param_hint="'--format'",
        )
    if jsonl_stdin:
        raise typer.BadParameter(JSONL_FORMAT, param_hint="'--format'")


def _plan(
    paths: list[str],
    output: Path | None,
    in_place: bool,
    dry_run: bool,
    globs: list[str],
    report: Path | None,
    fmt: Format = Format.TXT,
) -> Plan:
    """Check the destination flags, then let io plan the run; unsafe plans are usage errors."""
    if output is not None and in_place:
        raise typer.BadParameter("use either -o OUTDIR or --in-place, not both", param_hint="'-o' / '--in-place'")
    if output is None and not in_place and not dry_run:
        raise typer.BadParameter("say where the output goes: -o OUTDIR, or --in-place", param_hint="'-o'")
    try:
        plan = plan_run(paths, outdir=output, in_place=in_place, globs=globs, fmt=fmt)
        if report is not None and str(report) != "-":
            check_report_path(report, plan)
    except PlanError as exc:
        raise typer.BadParameter(str(exc), param_hint="'-o' / '--report'") from None
    return plan


def _clean_stdin(
    paths: list[str],
    output: Path | None,
    in_place: bool,
    kind: Kind,
    options: Options,
    report: Path | None,
    quiet: bool,
    debug: bool,
    jobs: int = 1,
) -> NoReturn:
    """`cleaner clean -`: stdin to stdout, the summary and errors on stderr; JSONL records are
    cleaned in `jobs` worker processes when jobs > 1 (written in input order, the same bytes)."""
    if len(paths) > 1:
        raise typer.BadParameter("'-' (stdin) cannot be combined with other paths", param_hint="PATH")
    if output is not None or in_place:
        raise typer.BadParameter("with '-' the output goes to stdout", param_hint="'-o' / '--in-place'")
    if report is not None and str(report) == "-":
        raise typer.BadParameter(
            "with '-' the cleaned text goes to stdout; write the report to a file", param_hint="'--report'"
        )
    console = _stderr()
    with _internal_errors(debug), _report_sink(report) as sink:
        if KINDS[kind].streamed:  # record by record: a pipeline's stream can be any length
            writer = None if options.dry_run else sys.stdout.buffer
            with show_progress(console) as progress, RecordPool(jobs, options, STDIN_NAME) as pool:
                watch = progress.stream(STDIN_NAME)
                chunks = pool if jobs > 1 else None
                res = process_jsonl_stream(sys.stdin.buffer, writer, options, progress=watch, chunks=chunks)
        else:
            data = sys.stdin.buffer.read()
            if kind is Kind.TEXT and looks_like_html(data):
                console.print(
                    Text("cleaner: stdin looks like an HTML page: cleaned as HTML (clean_html)", style="yellow")
                )
                kind = Kind.HTML
            res = process_stream(data, kind, options)
        if res.output is not None and not options.dry_run:
            sys.stdout.buffer.write(res.output)
        sys.stdout.buffer.flush()
        print_problems(console, res, debug)
        sink(report_records(res))
    summary = Summary(dry_run=options.dry_run)
    summary.add(res)
    if not quiet:
        print_summary(console, summary)
    raise typer.Exit(0 if res.ok else 1)


@contextlib.contextmanager
def _internal_errors(debug: bool) -> Iterator[None]:
    """A bug (or a dead worker) is one line and exit 1, unless --debug asks for the traceback."""
    try:
        yield
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except Exception as exc:
        if debug:
            raise
        _stderr().print(
            Text(one_line(f"cleaner: internal error: {type(exc).__name__}: {exc} (--debug shows more)"), style="red")
        )
        raise typer.Exit(1) from None


# -- explain -----------------------------------------------------------------------------------


@app.command(
    epilog="Gutter: '  ' kept, '- ' removed, '~ ' kept by the over-removal guard. The first line of each "
    "removed block ends with '  # category: reason \\[rule id]'. HTML shows the page's text blocks."
)
def explain(
    file: Annotated[str, typer.Argument(metavar="FILE", help="The file to explain, or '-' for stdin.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the removals as JSON instead.")] = False,
    field_name: FieldOpt = "text",
    html_field: HtmlFieldOpt = None,
    jsonl: JsonlOpt = False,
    html: HtmlOpt = False,
    config: ConfigOpt = None,
    disable: DisableOpt = None,
    rules: RulesOpt = None,
    model: ModelOpt = None,
    html_model: HtmlModelOpt = None,
    sites: SitesOpt = None,
    debug: DebugOpt = False,
) -> None:
    """Show a file's lines with the removed ones marked, and why each went."""
    options = Options(
        config=build_config(config, disable, rules, model, sites, html_model),
        field=field_name,
        html_field=html_field,
    )
    if file == "-":
        name, kind, data = STDIN_NAME, _stdin_kind(jsonl, html), sys.stdin.buffer.read()
        if kind is Kind.TEXT and looks_like_html(data):
            _stderr().print(Text("cleaner: stdin looks like an HTML page: explained as HTML", style="yellow"))
            kind = Kind.HTML
    else:
        name, kind = file, kind_of(Path(file))
        options = options if KINDS[kind].streamed else site_options(options, Path(file))
        try:
            data = read_input(Path(file))
        except InputError as exc:
            _stderr().print(Text(one_line(f"cleaner: error: {file}: {exc}"), style="red"))
            raise typer.Exit(1) from None
    with _internal_errors(debug):
        docs, res = explain_source(data, kind, options, name)
    if as_json:
        typer.echo(json.dumps(explain_json(docs), ensure_ascii=False, indent=2))
    else:
        print_explained(docs)
    print_problems(_stderr(), res, debug)
    raise typer.Exit(0 if res.ok else 1)


# -- learn-sites -------------------------------------------------------------------------------


@app.command(
    "learn-sites",
    epilog="Hosts: a JSONL record's is the host of its url field (records without one are left out); a text or "
    "HTML file's is the name of the folder holding it (one folder per site, e.g. pages/example.com/a.html). HTML "
    "is counted on its text blocks, as `clean` sees them. `cleaner clean --sites FILE` applies the result.",
)
def learn_sites_command(
    paths: Annotated[list[str], typer.Argument(metavar="INPUT", help="Files and folders (.txt, .md, .html, .jsonl).")],
    output: Annotated[Path, typer.Option("-o", "--output", metavar="FILE", help="Write the site templates here.")],
    min_docs: Annotated[
        int, typer.Option("--min-docs", min=1, help="Keep a line seen on at least this many pages of its site.")
    ] = MIN_DOCS,
    min_share: Annotated[
        float, typer.Option("--min-share", min=0.0, max=1.0, help="... and on at least this share of them.")
    ] = MIN_SHARE,
    url_field: Annotated[str, typer.Option("--url-field", metavar="NAME", help="JSONL: the field holding the url.")] = (
        "url"
    ),
    field_name: FieldOpt = "text",
    glob: Annotated[
        list[str] | None,
        typer.Option("--glob", metavar="PATTERN", help="Select files inside folders (e.g. '*.html'); repeatable."),
    ] = None,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="No summary; errors only.")] = False,
) -> None:
    """Learn per-site templates: lines that recur on many pages of one site (menus, footers, boxes)."""
    from cleaner import sites as csites

    if min_share <= 0.0:
        raise typer.BadParameter("must be above 0", param_hint="'--min-share'")
    console = _stderr()
    try:
        plan = plan_run(paths, globs=glob or [])
    except PlanError as exc:
        raise typer.BadParameter(str(exc)) from None
    found = SitesCounted(csites.SiteCounts(), [str(p) for p in plan.errors])
    for task in plan.tasks:
        try:
            count_input(task, field_name, url_field, found)
        except InputError as exc:
            found.problems.append(f"{task.name}: {exc}")
    counts, problems, without_host = found.counts, found.problems, found.without_host
    for problem in problems:
        console.print(Text(one_line(f"cleaner: error: {problem}"), style="red"))
    rules = csites.learn_sites(counts, min_docs=min_docs, min_share=min_share)
    try:
        write_atomic(output, rules.dumps().encode("utf-8"))
    except (OSError, InputError) as exc:
        console.print(Text(one_line(f"cleaner: error: {output}: cannot write: {exc}"), style="red"))
        raise typer.Exit(1) from None
    if not quiet:
        docs = sum(counts.docs(h) for h in counts.hosts())
        skipped = f", {without_host} without a host left out" if without_host else ""
        console.print(
            Text(
                f"cleaner: {docs} documents of {len(counts.hosts())} sites{skipped}; "
                f"{len(rules)} template lines for {len(rules.hosts)} sites written to {output}"
            )
        )
    raise typer.Exit(1 if problems else 0)


def _register_eval() -> None:
    """`cleaner eval`: the benchmark harness (cleaner.evaluation; its peers are the `eval` extra)."""
    from cleaner.evaluation.cli import register

    register(app)


_register_eval()


def _register_learn() -> None:
    """`cleaner train` and `cleaner mine`: learning from labelled pages (cleaner.learn)."""
    from cleaner.learn.cli import register

    register(app)


_register_learn()


def main() -> None:
    """Console-script entry point."""
    app(prog_name="cleaner")


if __name__ == "__main__":
    main()
