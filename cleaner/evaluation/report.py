"""Presenting a run: rich tables on the terminal, a JSON file, a markdown summary."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from cleaner.evaluation.rulesview import RuleStat, worst_rules
from cleaner.evaluation.runner import EvalResult, RowResult


def _f(x: float | None, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def _speed(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{x:,.{digits}f}"


def _delta(row: RowResult, base: RowResult | None) -> str:
    if base is None or base is row:
        return ""
    d = row.overall.f1 - base.overall.f1
    return f"{d:+.3f}"


def _base_of(result: EvalResult, row: RowResult) -> RowResult | None:
    step = "as-is" if result.meta["mode"] == "text" else "extract-only"
    for r in result.rows:
        if r.source == row.source and r.step == step:
            return r
    return None


def main_table(result: EvalResult) -> Table:
    meta = result.meta
    title = (
        f"{meta['mode']} mode · {meta['dataset']['pages']} pages · "
        f"{Path(meta['dataset']['path']).name} ({meta['dataset']['format']})"
    )
    t = Table(title=title, title_justify="left")
    for col in ("input", "step", "pages", "P", "R", "F1", "ΔF1", "with↑", "without↓", "SH-F1", "pages/s", "MB/s"):
        t.add_column(col, justify="left" if col in ("input", "step") else "right")
    prev = None
    for row in result.rows:
        if prev is not None and row.source != prev:
            t.add_section()
        prev = row.source
        o = row.overall
        t.add_row(
            row.source,
            row.step,
            str(o.pages),
            _f(o.precision),
            _f(o.recall),
            _f(o.f1),
            _delta(row, _base_of(result, row)),
            _f(o.with_rate),
            _f(o.without_rate),
            _f(row.shingle["f1"]),
            _speed(row.pages_per_s),
            _speed(row.mb_per_s, 2),
        )
    return t


def type_table(result: EvalResult) -> Table:
    types = sorted({t for r in result.rows for t in r.by_type})
    t = Table(title="F1 by page type (pages)", title_justify="left")
    t.add_column("input")
    t.add_column("step")
    for ty in types:
        n = max((r.by_type[ty].pages for r in result.rows if ty in r.by_type), default=0)
        t.add_column(f"{ty} ({n})", justify="right")
    prev = None
    for row in result.rows:
        if prev is not None and row.source != prev:
            t.add_section()
        prev = row.source
        base = _base_of(result, row)
        cells = []
        for ty in types:
            s = row.by_type.get(ty)
            if s is None:
                cells.append("—")
                continue
            cell = _f(s.f1)
            if base is not None and base is not row and ty in base.by_type:
                cell += f" ({s.f1 - base.by_type[ty].f1:+.3f})"
            cells.append(cell)
        t.add_row(row.source, row.step, *cells)
    return t


def rules_table(source: str, stats: dict[str, RuleStat], n_pages: int, top: int = 15) -> Table:
    t = Table(
        title=f"Rules on {source} text: lines removed and gold lines removed (worst first)",
        title_justify="left",
    )
    for col in ("rule", "lines", "gold", "gold%", "pages", "gold pages", "F1 effect"):
        t.add_column(col, justify="left" if col == "rule" else "right")
    for s in worst_rules(stats, top):
        eff = s.f1_effect_sum / n_pages if n_pages else 0.0
        t.add_row(
            s.rule,
            str(s.lines),
            str(s.gold_lines),
            f"{100 * s.gold_share:.0f}%",
            str(len(s.pages)),
            str(len(s.gold_pages)),
            f"{eff:+.4f}",
        )
    return t


def print_rule_examples(console: Console, stats: dict[str, RuleStat], top: int = 8, examples: int = 3) -> None:
    for s in worst_rules(stats, top):
        if not s.gold_lines:
            continue
        console.print(f"[bold]{s.rule}[/] removed {s.gold_lines} gold line(s) of {s.lines}:")
        for page, line in s.gold_examples[:examples]:
            console.print(f"   [dim]{page}[/]  {_clip(line)}", markup=True, highlight=False)


def _clip(text: str, n: int = 110) -> str:
    text = text.replace("[", r"\[")
    return text if len(text) <= n else text[: n - 1] + "…"


def print_result(result: EvalResult, console: Console | None = None, *, rules_top: int = 15) -> None:
    console = console or Console()
    console.print(main_table(result))
    console.print(
        "[dim]P/R/F1: WCXB word-multiset means over all pages; ΔF1 vs the row's input as-is "
        "(html: vs extract-only); with↑/without↓: snippet rates; SH-F1: ScrapingHub 4-gram shingle F1; "
        "speed: the step under test, one core.[/]"
    )
    console.print(type_table(result))
    n = result.scored_pages()
    for src, stats in result.rules.items():
        if stats:
            console.print(rules_table(src, stats, n, rules_top))
            print_rule_examples(console, stats)
    console.print(f"[dim]Data: {result.meta['dataset']['credit']}.[/]")


# an indented list of numbers: raw newlines never occur inside JSON strings, so this cannot
# touch a string value
_NUMBER_LIST = re.compile(r"\[\n\s*(-?[\d.e+-]+(?:,\n\s*-?[\d.e+-]+)*)\n\s*\]")


def dumps(data: object) -> str:
    """Indented JSON with lists of numbers kept on one line (per-page scores stay compact)."""
    text = json.dumps(data, indent=1, ensure_ascii=False)
    return _NUMBER_LIST.sub(lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]", text)


def write_json(result: EvalResult, path: Path, *, per_page: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(result.to_dict(per_page=per_page)) + "\n", "utf-8")


def markdown_summary(results: Sequence[EvalResult], rules_top: int = 10) -> str:
    """A short markdown report of one or more runs (e.g. the text and html runs of a date)."""
    out: list[str] = []
    for res in results:
        m = res.meta
        out.append("")
        out.append(f"## {m['mode']} mode — {m['dataset']['pages']} pages, {m['date']}")
        out.append("")
        out.append(
            f"Dataset `{Path(m['dataset']['path']).name}` ({m['dataset']['credit']}), "
            f"sha256 `{m['dataset']['sha256'][:16]}…`. Versions: "
            + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
            + "."
        )
        out.append("")
        out.append("| input | step | P | R | F1 | ΔF1 | with↑ | without↓ | pages/s | MB/s |")
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for row in res.rows:
            o = row.overall
            out.append(
                f"| {row.source} | {row.step} | {_f(o.precision)} | {_f(o.recall)} | {_f(o.f1)} | "
                f"{_delta(row, _base_of(res, row))} | {_f(o.with_rate)} | {_f(o.without_rate)} | "
                f"{_speed(row.pages_per_s)} | {_speed(row.mb_per_s, 2)} |"
            )
        out.append("")
        types = sorted({t for r in res.rows for t in r.by_type})
        out.append("F1 by page type:")
        out.append("")
        out.append("| input | step | " + " | ".join(types) + " |")
        out.append("|---|---|" + "---:|" * len(types))
        for row in res.rows:
            cells = [_f(row.by_type[t].f1) if t in row.by_type else "—" for t in types]
            out.append(f"| {row.source} | {row.step} | " + " | ".join(cells) + " |")
        out.append("")
        n = res.scored_pages()
        for src, stats in res.rules.items():
            worst = [s for s in worst_rules(stats, rules_top) if s.gold_lines]
            if not worst:
                continue
            out.append(f"Rules removing gold lines on `{src}` text (lines removed / gold / F1 effect):")
            out.append("")
            for s in worst:
                eff = s.f1_effect_sum / n if n else 0.0
                ex = s.gold_examples[0][1] if s.gold_examples else ""
                ex = ex if len(ex) <= 90 else ex[:89] + "…"
                out.append(f"- `{s.rule}`: {s.lines} / {s.gold_lines} / {eff:+.4f} — e.g. “{ex}”")
            out.append("")
    return "\n".join(out)


def load_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data
