"""Command line of the evaluation: ``python -m cleaner.evaluation`` (and ``cleaner eval`` via `register`).

python -m cleaner.evaluation DATA --mode text|html [--peers a,b] [--limit N]
    [--types article,forum] [--jobs N] [--out FILE] [--cache DIR] [--results-dir DIR]
python -m cleaner.evaluation rules --peer trafilatura --data DATA [--limit N] [--top K]
python -m cleaner.evaluation cache DATA --peers trafilatura,html_text [--jobs N]
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from cleaner.evaluation import peers as peers_mod

if TYPE_CHECKING:
    from rich.progress import Progress

    from cleaner.evaluation.runner import Mode

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Score cleaner on web-extraction benchmarks (`python -m cleaner.evaluation DATA ...` = `run DATA ...`).",
)

DataArg = Annotated[Path, typer.Argument(help="Dataset folder (WCXB or ScrapingHub layout).", exists=True)]
DataSetsArg = Annotated[
    list[Path],
    typer.Argument(help="Dataset folders (WCXB or ScrapingHub layout), one table each.", exists=True),
]
ModeOpt = Annotated[str, typer.Option("--mode", "-m", help="text: clean peers' text; html: clean_html vs trafilatura.")]
PeersOpt = Annotated[
    str | None,
    typer.Option("--peers", help=f"Comma-separated extractors (known: {', '.join(peers_mod.ALL_PEERS)})."),
]
LimitOpt = Annotated[int | None, typer.Option("--limit", "-n", help="Only the first N pages (after --types).")]
TypesOpt = Annotated[str | None, typer.Option("--types", help="Comma-separated page types, e.g. article,forum.")]
JobsOpt = Annotated[int, typer.Option("--jobs", "-j", help="Worker processes (each page is timed on one core).")]
CacheOpt = Annotated[Path | None, typer.Option("--cache", help="Peer-output cache folder (default .cache/eval/).")]
IdsOpt = Annotated[Path | None, typer.Option("--ids", help="File of page ids to use, one a line ('#' comments).")]


def _console(stderr: bool = False) -> Console:
    """A console that is wide enough for the tables when writing to a file or a pipe."""
    stream = sys.stderr if stderr else sys.stdout
    return Console(stderr=stderr, width=None if stream.isatty() else 150)


def _split(value: str | None) -> list[str] | None:
    if not value:
        return None
    return [v.strip() for v in value.split(",") if v.strip()]


def read_ids(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


def _progress(console: Console) -> Progress:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # not at start-up

    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def _check_mode(mode: str) -> Mode:
    if mode == "text":
        return "text"
    if mode == "html":
        return "html"
    raise typer.BadParameter("--mode must be text or html")


def eval_command(
    data: DataSetsArg,
    mode: ModeOpt = "text",
    peers: PeersOpt = None,
    limit: LimitOpt = None,
    types: TypesOpt = None,
    jobs: JobsOpt = 1,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the full results as JSON here.")] = None,
    cache: CacheOpt = None,
    ids: IdsOpt = None,
    results_dir: Annotated[
        Path | None,
        typer.Option("--results-dir", help="Also write <date>-<dataset>-<mode>.json and .md into this folder."),
    ] = None,
    no_c4: Annotated[
        bool, typer.Option("--no-c4", help="Skip the C4 line-filter rows (skipped anyway without datatrove).")
    ] = False,
    rules_top: Annotated[int, typer.Option("--rules-top", help="Rules shown in the per-rule view.")] = 15,
) -> None:
    """Score cleaner on benchmarks: text mode (peers' text, cleaned) or html mode (clean_html). With
    several folders (e.g. wcxb-dev and news-dev's two sets), each gets its tables in turn."""
    if len(data) > 1 and out is not None:
        raise typer.BadParameter("--out takes one dataset; use --results-dir with several")
    for one in data:
        _eval_one(one, mode, peers, limit, types, jobs, out, cache, ids, results_dir, no_c4, rules_top)


def _eval_one(
    data: Path,
    mode: str,
    peers: str | None,
    limit: int | None,
    types: str | None,
    jobs: int,
    out: Path | None,
    cache: Path | None,
    ids: Path | None,
    results_dir: Path | None,
    no_c4: bool,
    rules_top: int,
) -> None:
    from cleaner.evaluation.report import markdown_summary, print_result, write_json
    from cleaner.evaluation.runner import run_eval

    console = _console()
    err = _console(stderr=True)
    try:
        peer_names = _split(peers)
        m = _check_mode(mode)
        with _progress(err) as prog:
            task = prog.add_task(f"{m} mode: {data.name}", total=None)

            def tick(i: int, n: int) -> None:
                prog.update(task, completed=i, total=n)

            result = run_eval(
                data,
                m,
                peer_names,
                limit=limit,
                types=_split(types),
                ids=read_ids(ids) if ids else None,
                jobs=jobs,
                cache_dir=cache,
                c4_filter=False if no_c4 else None,
                progress=tick,
            )
    except ValueError as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    if result.meta["options"]["peers_not_installed"]:
        err.print(f"[yellow]skipped peers not installed:[/] {', '.join(result.meta['options']['peers_not_installed'])}")
    print_result(result, console, rules_top=rules_top)
    if out is not None:
        write_json(result, out)
        console.print(f"wrote {out}")
    if results_dir is not None:
        stem = f"{dt.date.today().isoformat()}-{Path(data).resolve().name}-{m}"
        write_json(result, results_dir / f"{stem}.json")
        (results_dir / f"{stem}.md").write_text(markdown_summary([result]) + "\n", encoding="utf-8")
        console.print(f"wrote {results_dir / stem}.json and .md")


def register(target: typer.Typer, name: str = "eval") -> None:
    """Add the evaluation as a command (`cleaner eval DATA --mode text ...`) to another typer app."""
    target.command(name, help="Score cleaner on a web-extraction benchmark (WCXB / ScrapingHub layout).")(eval_command)


register(app, "run")


@app.command("rules")
def rules_command(
    data: Annotated[Path, typer.Option("--data", "-d", help="Dataset folder.", exists=True)],
    peer: Annotated[str, typer.Option("--peer", help="Text peer to clean, or 'html' for clean_html.")] = "trafilatura",
    limit: LimitOpt = None,
    types: TypesOpt = None,
    jobs: JobsOpt = 1,
    cache: CacheOpt = None,
    ids: IdsOpt = None,
    top: Annotated[int, typer.Option("--top", help="Rules listed.")] = 30,
    examples: Annotated[int, typer.Option("--examples", help="Example gold lines per rule.")] = 3,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the rule view as JSON here.")] = None,
) -> None:
    """Per-rule view: lines each rule removed and how many of them are article text (gold)."""
    import json

    from cleaner.evaluation.report import print_rule_examples, rules_table
    from cleaner.evaluation.runner import run_eval

    console = _console()
    err = _console(stderr=True)
    html = peer == "html"
    if not html:
        try:
            peers_mod.check_extractor(peer)
        except ValueError as exc:
            err.print(f"[red]error:[/] {exc}")
            raise typer.Exit(2) from None
    with _progress(err) as prog:
        task = prog.add_task(f"rules on {peer}", total=None)
        result = run_eval(
            data,
            "html" if html else "text",
            () if html else (peer,),
            limit=limit,
            types=_split(types),
            ids=read_ids(ids) if ids else None,
            jobs=jobs,
            cache_dir=cache,
            c4_filter=False,
            extract_only=False,
            progress=lambda i, n: prog.update(task, completed=i, total=n),
        )
    src = "html" if html else peer
    stats = result.rules.get(src, {})
    n = result.scored_pages()
    before = result.rows[0] if html else result.row(peer, "as-is")
    after = result.row("html", "clean_html") if html else result.row(peer, "cleaner")
    b, a = before.overall.f1, after.overall.f1
    console.print(f"{n} pages · clean_html F1 {a:.4f}" if html else f"{n} pages · F1 {b:.4f} -> {a:.4f} ({a - b:+.4f})")
    console.print(rules_table(src, stats, n, top))
    console.print(
        "[dim]gold: removed lines mostly found in the reference and not already in the kept text (≥4 words: ≥50% "
        "of their 4-grams; 1-3 words: a whole reference line). "
        "F1 effect: the rule's share of the mean-F1 change (+ helps).[/]"
    )
    print_rule_examples(console, stats, top, examples)
    if out is not None:
        from cleaner.evaluation.rulesview import worst_rules

        payload = {"meta": result.meta, "rules": [s.to_dict(n, 20) for s in worst_rules(stats)]}
        out.write_text(json.dumps(payload, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        console.print(f"wrote {out}")


@app.command("cache")
def cache_command(
    data: DataArg,
    peers: Annotated[str, typer.Option("--peers", help="Comma-separated extractors.")] = "trafilatura,html_text",
    jobs: JobsOpt = 2,
    cache: CacheOpt = None,
    limit: LimitOpt = None,
) -> None:
    """Fill the peer-output cache for a dataset (so that later runs only re-clean)."""
    from cleaner.evaluation.datasets import list_ids
    from cleaner.evaluation.peers import warm_cache

    names = tuple(_split(peers) or ())
    err = _console(stderr=True)
    ids = list_ids(data)[:limit] if limit is not None else None
    with _progress(err) as prog:
        task = prog.add_task("caching " + ",".join(names), total=None)
        done = warm_cache(
            data, names, cache, ids=ids, jobs=jobs, progress=lambda i, n: prog.update(task, completed=i, total=n)
        )
    _console().print(f"computed {done} peer outputs into {cache or peers_mod.DEFAULT_CACHE}")


COMMANDS = {"run", "rules", "cache"}


def main(argv: list[str] | None = None) -> None:
    """`python -m cleaner.evaluation`: DATA ... runs the evaluation; `rules` / `cache` are subcommands."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] not in COMMANDS and args[0] not in ("--help", "-h"):
        args.insert(0, "run")
    app(args=args, prog_name="python -m cleaner.evaluation")
