"""Compare line-model candidates' CV tables (bench/cv_model.py's JSON) against a reference config
retrained with several seeds: the reference's mean over its seeds, its spread (max - min), and each
candidate's difference to that mean, judged against a tolerance of max(--floor, the spread) per input
and page type (one seed's luck moves a page type by more than the issue's 0.002 bar:
bench/results/2026-12-05-forest.md).

    .venv/bin/python bench/cv_compare.py --ref "300 trees, seed 20261130=a1.json" \\
        --ref "300 trees, seed 20261131=a2.json" --run "2 x 150 trees=b.json" [--out cmp.json] > table.md

Each --ref/--run is LABEL=PATH. The input and rules-only columns come from the first file that has
them (a run with --model-only writes 0.0 there). Prints Markdown; --out also writes every figure as
JSON. Exits 2 on a file that is not a CV table, naming it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

Table = Mapping[str, Mapping[str, Mapping[str, float]]]


def _read(spec: str) -> tuple[str, Table]:
    label, sep, path = spec.rpartition("=")
    if not sep or not label:
        raise SystemExit(f"{spec}: want LABEL=PATH")
    try:
        table = json.loads(Path(path).read_text(encoding="utf-8"))
        if not all("model" in row for by_type in table.values() for row in by_type.values()):
            raise ValueError("no 'model' column")
    except (OSError, ValueError, AttributeError, TypeError) as exc:
        print(f"{path}: not a bench/cv_model.py table ({exc})", file=sys.stderr)
        raise SystemExit(2) from None
    return label, table


def compare(refs: Sequence[tuple[str, Table]], runs: Sequence[tuple[str, Table]], floor: float) -> dict[str, Any]:
    """Per input: the columns' order (page types), the reference rows, their mean and spread, and
    each candidate's row with its differences to the mean and the types beyond the tolerance."""
    out: dict[str, Any] = {}
    first = refs[0][1]
    for source, by_type in first.items():
        types = list(by_type)
        ref_rows = {label: {t: t_[source][t]["model"] for t in types} for label, t_ in refs}
        mean = {t: sum(r[t] for r in ref_rows.values()) / len(refs) for t in types}
        spread = {t: max(r[t] for r in ref_rows.values()) - min(r[t] for r in ref_rows.values()) for t in types}
        tolerance = {t: max(floor, spread[t]) for t in types}
        plain = next((t_[source] for _, t_ in (*refs, *runs) if t_[source]["all"]["input"] > 0), by_type)
        cands = {}
        for label, t_ in runs:
            row = {t: t_[source][t]["model"] for t in types}
            delta = {t: row[t] - mean[t] for t in types}
            cands[label] = {
                "model": row,
                "delta": delta,
                "beyond": [t for t in types if delta[t] < -tolerance[t] - 1e-9],
            }
        out[source] = {
            "pages": {t: by_type[t]["pages"] for t in types},
            "input": {t: plain[t]["input"] for t in types},
            "rules": {t: plain[t]["rules"] for t in types},
            "refs": ref_rows,
            "mean": mean,
            "spread": spread,
            "tolerance": tolerance,
            "runs": cands,
        }
    return out


def markdown(result: Mapping[str, Any]) -> str:
    lines: list[str] = []
    for source, r in result.items():
        types = list(r["pages"])
        lines += [
            f"### {source}: rules + model, CV word F1",
            "",
            "| config | " + " | ".join(f"{t} ({r['pages'][t]})" for t in types) + " |",
            "|---|" + "---:|" * len(types),
            "| input | " + " | ".join(f"{r['input'][t]:.4f}" for t in types) + " |",
            "| rules only | " + " | ".join(f"{r['rules'][t]:.4f}" for t in types) + " |",
        ]
        for label, row in r["refs"].items():
            lines.append(f"| {label} | " + " | ".join(f"{row[t]:.4f}" for t in types) + " |")
        lines.append("| **reference: mean of its seeds** | " + " | ".join(f"{r['mean'][t]:.4f}" for t in types) + " |")
        lines.append("| reference: max - min | " + " | ".join(f"{r['spread'][t]:.4f}" for t in types) + " |")
        lines.append("| tolerance | " + " | ".join(f"{r['tolerance'][t]:.4f}" for t in types) + " |")
        for label, c in r["runs"].items():
            cells = []
            for t in types:
                mark = " **!**" if t in c["beyond"] else ""
                cells.append(f"{c['model'][t]:.4f} ({c['delta'][t]:+.4f}){mark}")
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
        lines.append("")
    lines.append(
        "In brackets: the difference to the reference's mean; **!**: lower than it by more than the tolerance."
    )
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ref", action="append", required=True, help="LABEL=PATH, the reference config (each seed)")
    ap.add_argument("--run", action="append", default=[], help="LABEL=PATH, a candidate")
    ap.add_argument("--floor", type=float, default=0.002, help="the least tolerance (the issue's bar)")
    ap.add_argument("--out", type=Path, help="also write the figures as JSON")
    args = ap.parse_args(argv)
    result = compare([_read(s) for s in args.ref], [_read(s) for s in args.run], args.floor)
    print(markdown(result), end="")
    if args.out:
        args.out.write_text(json.dumps(result, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
