"""The C tree walk against the numpy walk, interleaved in one process: text mode with the model
(`cleaner.clean`) over whole-page text and trafilatura's output, and `clean_html`, each input timed
with one walk then the other back to back (which goes first alternates), CPU time summed per walk, a
step's least sum over the rounds. On a shared machine the speed of a core drifts by a third between runs
(bench/results/2026-11-30-throughput-rerun.md); inputs timed back to back see the same drift.

    .venv/bin/python bench/walk_speed.py [DATA] [--pages 300] [--rounds 3] [--out FILE.md]

Data: the first --pages pages of wcxb-dev (WCXB by Murrough Foley, CC-BY-4.0). The outputs of the
two walks are compared too (they must be the same; tests/test_native_walk.py holds them to it).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import DEFAULT_DATA, _pages  # the same first pages as bench/throughput.py


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("data", type=Path, nargs="?", default=DEFAULT_DATA)
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args(argv)

    import cleaner
    from cleaner.evaluation.peers import peer_text
    from cleaner.models import trees

    if trees._cwalk is None:
        print("the C walk is not built (no C compiler at install): nothing to compare", file=sys.stderr)
        return 1
    pages = _pages(args.data, args.pages)
    inputs: dict[str, tuple[list[object], float, Callable[[object], object]]] = {}
    for peer in ("html_text", "trafilatura"):
        texts = [peer_text(peer, html, url) for _, html, url in pages]
        inputs[f"clean, {peer}"] = (list(texts), sum(len(t.encode()) for t in texts) / 1e6, cleaner.clean)  # type: ignore[arg-type]
    docs = [(html, url) for _, html, url in pages]
    inputs["clean_html"] = (
        list(docs),
        sum(len(h) for h, _ in docs) / 1e6,
        lambda d: cleaner.clean_html(d[0], url=d[1]),  # type: ignore[index]
    )
    cleaner.clean("warm up the rules and the model")
    cleaner.clean_html(pages[0][1], url=pages[0][2])
    best: dict[tuple[str, bool], float] = {}
    same: dict[str, bool] = {}
    for r in range(args.rounds):
        for step, (items, _, fn) in inputs.items():
            spent = {True: 0.0, False: 0.0}
            agree = True
            for i, item in enumerate(items):
                texts = {}
                for native in (True, False) if (i + r) % 2 == 0 else (False, True):
                    trees.NATIVE = native
                    start = time.process_time()
                    texts[native] = fn(item).text  # type: ignore[attr-defined]
                    spent[native] += time.process_time() - start
                agree = agree and texts[True] == texts[False]
            for native, seconds in spent.items():
                best[step, native] = min(seconds, best.get((step, native), float("inf")))
            same[step] = same.get(step, True) and agree
    trees.NATIVE = True
    lines = [
        "# The C tree walk against the numpy walk (issue 19)",
        "",
        f"`python bench/walk_speed.py {' '.join(argv if argv is not None else sys.argv[1:])}`",
        "",
        f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs; the first "
        f"{len(pages)} pages of {args.data.name}; CPU time, each input timed with both walks back to back, "
        f"least of {args.rounds} rounds. Load average before the report: "
        + ", ".join(f"{v:.2f}" for v in os.getloadavg()),
        "",
        "| step | MB | numpy walk s | C walk s | numpy MB/s | C MB/s | speed-up | same outputs |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for step, (_, mb, _) in inputs.items():
        n, c = best[step, False], best[step, True]
        lines.append(
            f"| {step} | {mb:.2f} | {n:.2f} | {c:.2f} | {mb / n:.2f} | {mb / c:.2f} | {n / c:.2f}x | {same[step]} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
