"""Start-up benchmark: the wall time of a tiny run and of `import cleaner`, each in a fresh process.

    .venv/bin/python bench/startup.py [--tree LABEL=DIR ...] [--repeat 5] [--out bench/results]

Times, min of --repeat runs each (a shared machine's noise only ever adds time):

- `python -c "import cleaner"`;
- `python -m cleaner clean small.txt -o OUT` on a three-line text file (a fresh OUT every run), with
  the rule cache warm (filled by an untimed run first) and cold (emptied before every run);
- the same on a 4 kB, 32-line page (fixtures/seeds/000_*.txt), which meets more of the rule set.

Each --tree runs the cleaner package found in DIR (put first on PYTHONPATH), so a checkout of the
code before a change and one after are timed in the same session, their runs interleaved so that
a change in the machine's load falls on both. Without --tree: this checkout alone. The rule cache
goes to a temporary XDG_CACHE_HOME, never the user's, and compiled bytecode to a temporary
PYTHONPYCACHEPREFIX (filled by the untimed first run, as pip's install fills it); --no-bytecode
times runs that compile every module from source instead (PYTHONDONTWRITEBYTECODE=1: a sandbox
that sets it, as the 2026-12-05 figures before this option had). Writes
<out>/<date>-<name>.json and .md with the machine, the load average (`os.getloadavg`) before and
after, and the command.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SMALL = "Skip to content\nThe article text stays.\nShare this\n"
PAGE = BENCH.parent / "fixtures" / "seeds" / "000_c1ded3a6d568d446.txt"
CASES = ("import", "clean warm", "clean cold", "page warm", "page cold")


def _machine() -> dict[str, str]:
    sys.path.insert(0, str(BENCH))
    from throughput import _machine as machine  # the same description as the throughput tables

    return machine()


def _commit(tree: Path) -> str:
    """The tree's commit, and whether its package differs from it."""
    git = ["git", "-C", str(tree)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False)
    dirty = subprocess.run([*git, "status", "--porcelain", "cleaner"], capture_output=True, text=True, check=False)
    return (head.stdout.strip() or "?") + (" + uncommitted changes" if dirty.stdout.strip() else "")


def _env(tree: Path, work: Path, bytecode: bool) -> dict[str, str]:
    """A run of `tree`'s package with its own rule cache and bytecode cache, both in `work`.

    Bytecode is written (whatever PYTHONDONTWRITEBYTECODE says: an installed package has its .pyc
    files, written by pip) to a folder of `work` (PYTHONPYCACHEPREFIX), never beside the tree's
    sources; the untimed first run fills it. Without it every run compiled cleaner's ~60 modules
    from source, 0.3 s of a small file's 1 s (measured 2026-12-05)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    env |= {"PYTHONPATH": str(tree), "XDG_CACHE_HOME": str(work / f"cache-{tree.name}")}
    if bytecode:
        return env | {"PYTHONPYCACHEPREFIX": str(work / f"pycache-{tree.name}")}
    return env | {"PYTHONDONTWRITEBYTECODE": "1"}


def _timed(cmd: list[str], env: dict[str, str], work: Path) -> float:
    start = time.perf_counter()  # run in `work`: a cleaner/ in the current folder would come first
    subprocess.run(cmd, env=env, cwd=work, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def _check_tree(label: str, tree: Path, work: Path, bytecode: bool) -> None:
    """The package a run of `tree` imports is that tree's (not an installed or editable one)."""
    cmd = [sys.executable, "-c", "import cleaner; print(cleaner.__file__)"]
    done = subprocess.run(cmd, env=_env(tree, work, bytecode), cwd=work, check=True, capture_output=True, text=True)
    if Path(done.stdout.strip()).resolve() != tree / "cleaner" / "__init__.py":
        sys.exit(f"startup.py: --tree {label}={tree}: runs import {done.stdout.strip()} instead")


def _run(case: str, tree: Path, work: Path, n: int, bytecode: bool) -> float:
    env = _env(tree, work, bytecode)
    if case == "import":
        return _timed([sys.executable, "-c", "import cleaner"], env, work)
    if case.endswith("cold"):
        shutil.rmtree(env["XDG_CACHE_HOME"], ignore_errors=True)
    src = work / ("page.txt" if case.startswith("page") else "small.txt")
    out = work / f"out-{tree.name}-{case.replace(' ', '-')}-{n}"
    return _timed([sys.executable, "-m", "cleaner", "clean", str(src), "-o", str(out)], env, work)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tree", action="append", default=[], help="LABEL=DIR: a checkout whose cleaner/ to time")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--out", type=Path, default=BENCH / "results")
    ap.add_argument("--no-bytecode", action="store_true", help="compile every module from source in every run")
    ap.add_argument("--name", default="startup", help="the result files' name after the date (default: startup)")
    args = ap.parse_args()
    bytecode = not args.no_bytecode
    trees = [(label, Path(d).resolve()) for label, _, d in (t.partition("=") for t in args.tree)]
    if not trees:
        trees = [("this checkout", BENCH.parent)]
    for label, tree in trees:
        if not (tree / "cleaner" / "__init__.py").is_file():
            sys.exit(f"startup.py: --tree {label}={tree}: no cleaner/__init__.py there")
    load_before = os.getloadavg()
    times: dict[str, dict[str, float]] = {label: {} for label, _ in trees}
    with tempfile.TemporaryDirectory(prefix="cleaner-startup-") as tmp:
        work = Path(tmp)
        (work / "small.txt").write_text(SMALL, encoding="utf-8")
        (work / "page.txt").write_bytes(PAGE.read_bytes())
        for label, tree in trees:  # untimed: compiled bytecode, and the warm cases' cache
            _check_tree(label, tree, work, bytecode)
            _run("clean warm", tree, work, -1, bytecode)
            _run("page warm", tree, work, -1, bytecode)
        for case in CASES:
            for n in range(args.repeat):
                for label, tree in trees:
                    took = _run(case, tree, work, n, bytecode)
                    times[label][case] = min(times[label].get(case, took), took)
    load_after = os.getloadavg()
    machine = _machine()
    stamp = dt.date.today().isoformat()
    command = "python bench/startup.py " + " ".join(f"--tree {t}" for t in args.tree) + f" --repeat {args.repeat}"
    if args.no_bytecode:
        command += " --no-bytecode"
    if args.name != "startup":
        command += f" --name {args.name}"
    rows = ["| tree | " + " | ".join(CASES) + " |", "|---|" + "---:|" * len(CASES)]
    commits = {label: _commit(tree) for label, tree in trees}
    for label, _ in trees:
        row = " | ".join(f"{times[label][c]:.3f} s" for c in CASES)
        rows.append(f"| {label} ({commits[label]}) | {row} |")
    load = f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after (1 min)"
    table = "\n".join(rows)
    print(table, f"\n{load}", sep="\n")
    args.out.mkdir(parents=True, exist_ok=True)
    meta = {"date": stamp, "command": command, "repeat": args.repeat, "machine": machine}
    load_figures = {"loadavg_before": load_before, "loadavg_after": load_after}
    (args.out / f"{stamp}-{args.name}.json").write_text(
        json.dumps(
            {**meta, **load_figures, "trees": dict(trees), "commits": commits, "seconds": times}, indent=2, default=str
        )
        + "\n"
    )
    (args.out / f"{stamp}-{args.name}.md").write_text(
        f"# Start-up {stamp}\n\nWall time, min of {args.repeat} runs in fresh processes, the trees' runs "
        f"interleaved: `import cleaner`; `python -m cleaner clean small.txt -o OUT` ({len(SMALL)} bytes, a "
        f"fresh OUT each run) with the rule cache warm and emptied before each run (cold); the same on "
        f"`{PAGE.relative_to(BENCH.parent)}` ({PAGE.stat().st_size:,} bytes); "
        + (
            "compiled bytecode present (as after an install), in a temporary PYTHONPYCACHEPREFIX. "
            if bytecode
            else "every module compiled from source in every run (PYTHONDONTWRITEBYTECODE=1). "
        )
        + f"Machine: {machine['cpu']}, {machine['cores']} cores, Python {machine['python']}, shared with other "
        f"jobs: {load}.\n\nCommand: `{command}`\n\n{table}\n"
    )


if __name__ == "__main__":
    main()
