"""`--jobs 2` against `--jobs 1`, two source trees side by side, in interleaved rounds.

    .venv/bin/python bench/jobs_scaling.py --tree before=/path/to/old --tree after=. \
        [--files 2000] [--jsonl-mb 200] [--rounds 3] [--tag NAME]

On a machine shared with other work, one timing of each is noise: every round runs, for each tree,
`cleaner clean DIR -o OUT --jobs 1` and `--jobs 2` on the same files (the first wcxb-dev pages'
whole-page text, repeated; WCXB by Murrough Foley, CC-BY-4.0), then the same on one JSONL file
(trafilatura's text of those pages, repeated), and keeps the minimum wall time of each, with the
1-minute load average before each run. Each tree's CLI is `python -m cleaner` run in that tree.
The outputs of every run are compared with the first tree's `--jobs 1` output: they must be the
same bytes. Writes <out>/<date>-jobs-scaling<-tag>.md/.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import filecmp
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import throughput  # noqa: E402


def _outputs(root: Path) -> list[Path]:
    """The outputs under a run's OUTDIR (not its manifest or kept report parts)."""
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file() and not p.name.startswith(".cleaner"))


def _same_tree(a: Path, b: Path) -> bool:
    files = _outputs(a)
    return files == _outputs(b) and all(filecmp.cmp(a / f, b / f, shallow=False) for f in files)


def _time(tree: Path, src: Path, out: Path, jobs: int) -> tuple[float, float]:
    """(wall seconds, 1-minute load average just before) of one run of the tree's CLI."""
    shutil.rmtree(out, ignore_errors=True)
    # The tree on the path of the CLI and of its workers (which do not look in the working directory).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONSAFEPATH"} | {"PYTHONPATH": str(tree)}
    load = os.getloadavg()[0]
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "cleaner", "clean", str(src), "-o", str(out), "--jobs", str(jobs), "-q"],
        cwd=tree,
        env=env,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{tree}: --jobs {jobs} on {src}: exit {done.returncode}")
    return seconds, load


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tree", action="append", required=True, help="NAME=PATH, a source tree with cleaner/")
    ap.add_argument("--data", type=Path, default=throughput.DEFAULT_DATA)
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--jsonl-mb", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", type=Path, default=BENCH / "results")
    ap.add_argument("--tag", default="")
    args = ap.parse_args()
    trees = {name: Path(path).resolve() for name, path in (t.split("=", 1) for t in args.tree)}
    from cleaner.evaluation.peers import peer_text

    pages = throughput._pages(args.data, 300)
    texts = [peer_text("html_text", html, url) for _, html, url in pages]
    records = throughput._jsonl_records(args.data)
    times: dict[str, list[tuple[float, float]]] = {}
    same = True
    with tempfile.TemporaryDirectory() as tmp:
        files = Path(tmp) / "files"
        files.mkdir()
        for i in range(args.files):
            (files / f"{i:05d}.txt").write_text(texts[i % len(texts)], encoding="utf-8")
        jsonl = Path(tmp) / "one" / "in.jsonl"
        jsonl.parent.mkdir()
        mb, count = throughput.write_jsonl(jsonl, records, args.jsonl_mb)
        inputs = {"files": (files, args.files, sum(f.stat().st_size for f in files.iterdir()) / 1e6)}
        if args.jsonl_mb:  # 0: the files only
            inputs["jsonl"] = (jsonl, count, mb)
        for _ in range(args.rounds):
            for what, (src, _, _) in inputs.items():
                for name, tree in trees.items():
                    for jobs in (1, 2):
                        out = Path(tmp) / f"out-{what}-{name}-{jobs}"
                        times.setdefault(f"{what}:{name}:{jobs}", []).append(_time(tree, src, out, jobs))
                        first = Path(tmp) / f"out-{what}-{next(iter(trees))}-1"
                        same = same and _same_tree(first, out)
    stamp = dt.date.today().isoformat()
    best = {key: min(s for s, _ in runs) for key, runs in times.items()}
    rows = [
        "| input | tree | --jobs 1 s | --jobs 2 s | speed-up | load before each run (1 min) |",
        "|---|---|---:|---:|---:|---|",
    ]
    for what, (_, count, mb) in inputs.items():
        for name in trees:
            one, two = best[f"{what}:{name}:1"], best[f"{what}:{name}:2"]
            loads = ", ".join(f"{load:.1f}" for j in (1, 2) for _, load in times[f"{what}:{name}:{j}"])
            label = (
                f"{count:,} files, {mb:.0f} MB"
                if what == "files"
                else f"one JSONL file, {count:,} records, {mb:.0f} MB"
            )
            rows.append(f"| {label} | {name} | {one:.1f} | {two:.1f} | {one / two:.2f}x | {loads} |")
    machine = throughput._machine()
    command = " ".join(["python", "bench/jobs_scaling.py", *sys.argv[1:]])
    summary = "every output the same bytes as the first tree's --jobs 1" if same else "OUTPUTS DIFFER"
    table = "\n".join(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    name = f"{stamp}-jobs-scaling{'-' + args.tag if args.tag else ''}"
    (args.out / f"{name}.json").write_text(
        json.dumps(
            {"date": stamp, "machine": machine, "command": command, "same_output": same, "runs": times}, indent=2
        )
        + "\n"
    )
    (args.out / f"{name}.md").write_text(
        f"# --jobs scaling {stamp}\n\nCommand: `{command}`. Machine: {machine['cpu']}, {machine['cores']} cores, "
        f"Python {machine['python']}, shared with other jobs (the load column). Wall time of the whole CLI run, "
        f"the minimum over {args.rounds} interleaved rounds; {summary}.\n\n{table}\n"
    )
    print(table)
    print(summary)


if __name__ == "__main__":
    main()
