"""The command line's flags: the Typer option types its commands share, and the long help of
`cleaner clean` on inputs, outputs, resuming and formats (`POLICY`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cleaner.types import Category

POLICY = (
    "Inputs: .txt and .md are text, .html/.htm are pages (decided block by block, see --html-model), .jsonl holds "
    "one JSON record per line. Inside folders other files are skipped (or choose with --glob); a "
    "file named on the command line is read as text whatever its extension, except .json: read as JSON Lines, "
    "and refused when its first line is not a JSON object.\n\n"
    "Compressed: each may end in .gz (gzip) or .zst (zstd), e.g. pages.jsonl.gz, page.html.gz: read as what the "
    "name under the suffix says (JSONL streamed), and written under the same name with the same compression "
    "(page.html.gz -> page.html.txt.gz; gzip with no name or time in its header, so reruns give the same bytes). "
    "A truncated or corrupt file is that file's error, and the run goes on.\n\n"
    "Encoding: UTF-8 (a BOM is fine) or UTF-16 with a BOM; output keeps the input's encoding and "
    "line endings. Files with NUL bytes ('binary file') or invalid UTF-8 ('not UTF-8 text') are "
    "reported and skipped. HTML that is not UTF-8 is decoded by its own charset declaration. "
    "JSONL must be UTF-8.\n\n"
    "Output: OUTDIR/<path inside the folder> for folder arguments, OUTDIR/<name> for files. HTML "
    "output is UTF-8 text named <name>.txt (page.html -> page.html.txt); --format json or markdown appends .json "
    "or .md instead (a.txt -> a.txt.json, page.html -> page.html.md). JSONL output keeps every "
    "record's other fields and the line numbering: blank and invalid lines are copied unchanged. "
    "Writes are atomic. Nothing is written into an input folder, and no input is overwritten "
    "unless --in-place.\n\n"
    "Resuming: a run into OUTDIR records each finished input in OUTDIR/.cleaner-manifest.jsonl "
    "(its path, sha256, size, mtime and a hash of the settings and version); a later run with the "
    "same settings skips inputs that are unchanged and whose output is still there, so an "
    "interrupted run can simply be started again. An input with the recorded size and mtime is "
    "not read again; any other is hashed. --force cleans everything again. --in-place keeps each "
    "changed original as <name>.orig (an existing .orig is never overwritten) unless --no-backup. "
    "Temp files ('.<name>.XXXX.part') a killed run left in OUTDIR are removed; do not run two "
    "cleaners into one OUTDIR at once. With --report, each input's removals are kept in "
    "OUTDIR/.cleaner-report/, so that a rerun's report (or that of a run stopped by Ctrl-C) is the "
    "whole run's, the same as an uninterrupted run's.\n\n"
    "Formats: --format json writes one object per input; for fixtures/formats/frogs.html it begins "
    '{"title": "Counting tree frogs with Python | Field Notes", "url": '
    '"https://fieldnotes.example.org/2025/03/counting-tree-frogs", "date": "2025-03-14", "author": "Ana Lim", '
    '"site_name": "Field Notes", "text": "Counting tree frogs with Python\\n\\nEvery spring our survey team walks '
    '...", then "removed" (each removal as '
    '--report writes it) and "warnings". --format markdown writes that page\'s headings as "## The counts", its '
    'table rows as "| River trail | 41 | Rhacophorus pardalis |" and its code between ``` fences, indented as it '
    "was. Every format keeps a page's table row on one line (txt: the kept cells joined by ' | ').\n\n"
    "Warnings (one line each on stderr, exit status unchanged) flag an input that was cleaned but "
    "whose output may lack text, e.g. an HTML page nested deeper than the parser can follow.\n\n"
    "Progress: on a terminal, stderr shows a bar over the files, and the records and records/s of a JSONL "
    "input cleaned in this process (one file, stdin, or --jobs 1); nothing when it is not a terminal.\n\n"
    "Exit status: 0 all clean, 1 some input failed (one line each on stderr), 2 usage error."
)

CATEGORIES = ", ".join(c.value for c in Category)

ConfigOpt = Annotated[
    Path | None,
    typer.Option("--config", metavar="FILE", help="TOML settings (CleanerConfig keys, e.g. disabled, rule_files)."),
]
DisableOpt = Annotated[
    list[Category] | None,
    typer.Option(
        "--disable",
        metavar="CATEGORY",
        case_sensitive=False,
        help=f"Never remove this category; repeatable. One of: {CATEGORIES}.",
    ),
]
RulesOpt = Annotated[
    list[Path] | None, typer.Option("--rules", metavar="FILE", help="Extra phrase-rule TOML file; repeatable.")
]
FieldOpt = Annotated[str, typer.Option("--field", metavar="NAME", help="JSONL: the field holding the text.")]
HtmlFieldOpt = Annotated[
    str | None,
    typer.Option("--html-field", metavar="NAME", help="JSONL: clean this HTML field when a record has no text field."),
]
JsonlOpt = Annotated[bool, typer.Option("--jsonl", help="Read '-' (stdin) as JSONL records.")]
HtmlOpt = Annotated[bool, typer.Option("--html", help="Read '-' (stdin) as an HTML page.")]
DebugOpt = Annotated[bool, typer.Option("--debug", help="Show tracebacks for internal errors.")]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        metavar="FILE|builtin|off",
        help="The learned line model: 'builtin' (default: the packaged model; it decides whole-page text and "
        "leaves extractors' output to the rules), 'off' (rules only), or a file from `cleaner train`.",
    ),
]
HtmlModelOpt = Annotated[
    str | None,
    typer.Option(
        "--html-model",
        metavar="FILE|builtin|off",
        help="HTML input's block model: 'builtin' (default: each block of the page decided from its markup, its "
        "text and trafilatura's choice), 'off' (trafilatura's main text, cleaned as text), or a file from "
        "`cleaner train-html`.",
    ),
]
SitesOpt = Annotated[
    Path | None,
    typer.Option(
        "--sites",
        metavar="FILE",
        help="Site templates from `cleaner learn-sites`: drop those lines from their site's pages (a file's site "
        "is its folder's name, a JSONL record's the host of its url field).",
    ),
]
