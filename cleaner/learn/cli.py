"""`cleaner train` and `cleaner mine`: thin commands over cleaner.learn.train and cleaner.learn.mine."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cleaner.learn import SOURCES

DEFAULT_SOURCES = ",".join(SOURCES)
DataOpt = Annotated[
    Path,
    typer.Option(
        "--data",
        metavar="DIR",
        exists=True,
        file_okay=False,
        help="Labelled pages in the WCXB layout (html/ and ground-truth/ folders).",
    ),
]
SourcesOpt = Annotated[
    str, typer.Option("--sources", metavar="A,B", help="The texts made from each page (peer extractors).")
]


def register(app: typer.Typer) -> None:
    app.command(name="train")(train)
    app.command(name="train-html")(train_html)
    app.command(name="mine")(mine)


def _sources(value: str) -> tuple[str, ...]:
    from cleaner.evaluation.peers import check_extractor

    names = tuple(s for s in value.split(",") if s)
    if not names:
        raise typer.BadParameter("name at least one source", param_hint="'--sources'")
    for name in names:
        try:
            check_extractor(name)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="'--sources'") from None
    return names


def train(
    data: DataOpt,
    out: Annotated[Path, typer.Option("--out", "-o", metavar="FILE", help="The model file to write (JSON).")],
    sources: SourcesOpt = DEFAULT_SOURCES,
    jobs: Annotated[int, typer.Option("-j", "--jobs", min=1, help="Worker processes for reading pages.")] = 1,
) -> None:
    """Train the line model on labelled pages (needs the `train` extra: pip install 'cleaner\\[train]').

    The same data gives the same file, byte for byte: `cleaner train --data wcxb-dev --out m.json`
    reproduces the packaged model. Use it with `cleaner clean --model m.json`.
    """
    try:
        import lightgbm  # noqa: F401
    except ImportError:
        typer.echo("cleaner: error: training needs LightGBM: pip install 'cleaner[train]'", err=True)
        raise typer.Exit(2) from None
    from cleaner.learn.train import train_command

    model = train_command(data, out, sources=_sources(sources), jobs=jobs)
    card = model["card"]["data"]
    typer.echo(
        f"trained on {card['rows']} lines of {card['pages']} pages ({card['domains']} domains) -> {out}", err=True
    )


def train_html(
    data: DataOpt,
    out: Annotated[Path, typer.Option("--out", "-o", metavar="FILE", help="The model file to write (JSON).")],
    jobs: Annotated[int, typer.Option("-j", "--jobs", min=1, help="Worker processes for reading pages.")] = 1,
) -> None:
    """Train HTML mode's block model on labelled pages (needs the `train` extra).

    The same data gives the same file, byte for byte: `cleaner train-html --data wcxb-dev --out
    m.json` reproduces the packaged model. Use it with `cleaner clean --html-model m.json`.
    """
    try:
        import lightgbm  # noqa: F401
    except ImportError:
        typer.echo("cleaner: error: training needs LightGBM: pip install 'cleaner[train]'", err=True)
        raise typer.Exit(2) from None
    from cleaner.learn.domtrain import fit, load_rows, write

    rows = list(load_rows(data, jobs=jobs))
    model = fit(rows)
    model["card"]["data"]["path"] = data.name
    write(model, out)
    card = model["card"]["data"]
    typer.echo(
        f"trained on {card['rows']} blocks of {card['pages']} pages ({card['domains']} domains) -> {out}", err=True
    )


def mine(
    data: DataOpt,
    out: Annotated[Path, typer.Option("--out", "-o", metavar="FILE", help="The candidates file to write (TOML).")],
    sources: SourcesOpt = DEFAULT_SOURCES,
) -> None:
    """Mine boilerplate phrase candidates from labelled pages into a reviewable TOML file."""
    from cleaner.learn.mine import mine_command

    result = mine_command(data, out, sources=_sources(sources))
    typer.echo(f"{len(result.candidates)} candidates from {result.pages} pages -> {out}", err=True)
