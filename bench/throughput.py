"""Throughput benchmark: cleaner's speed on one core, side by side with its neighbours in a pipeline.

    .venv/bin/python bench/throughput.py [DATA] [--pages 300] [--out bench/results]
        [--jobs-files 2000] [--jobs-jsonl-mb 200] [--jsonl-mb 1000 [--jsonl-jobs 2]] [--scale-only]
        [--steps clean:trafilatura,model:trafilatura,c4:trafilatura,...]

On a fixed input (the first N wcxb-dev pages by id; WCXB by Murrough Foley, CC-BY-4.0) it times,
each step in its own fresh process so that peak memory (max RSS) is the step's own:

- text mode, `cleaner.clean` on trafilatura's output and on the whole page as text (html_text):
  MB/s and lines/s;
- datatrove's C4 line filter on the same texts (what LLM-data pipelines run today);
- html mode, `cleaner.clean_html`, and `trafilatura.extract` alone: pages/s;
- `model:` steps: text mode with the learned line model on (`model="builtin"`);
- with --jobs-files N: `cleaner clean DIR --jobs 1` against `--jobs 2` on N files (wall time);
- with --jobs-jsonl-mb M: `cleaner clean FILE.jsonl -o OUT --jobs 1` against `--jobs 2` on one
  M MB JSONL file (wall time; the outputs compared byte for byte);
- with --jsonl-mb M: M MB of JSONL streamed through `cleaner clean - --jsonl`, the CLI's peak RSS
  (with --jsonl-jobs N, `--jobs N`, and the largest peak RSS among its workers too).

Peer texts come from the eval cache (.cache/eval/, filled on first use). Writes
<out>/<date>-throughput.json and .md with the machine description, and prints the table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
DEFAULT_DATA = BENCH.parent.parent / "shared" / "data" / "wcxb-dev"
STEPS = (
    "clean:trafilatura",
    "clean:html_text",
    "model:trafilatura",
    "model:html_text",
    "c4:trafilatura",
    "c4:html_text",
    "clean_html",
    "trafilatura",
)


def _pages(data: Path, n: int) -> list[tuple[str, bytes, str | None]]:
    ids = sorted(p.name.split(".")[0] for p in (data / "html").glob("*.html.gz"))[:n]
    out = []
    for pid in ids:
        truth = json.loads((data / "ground-truth" / f"{pid}.json").read_text(encoding="utf-8"))
        out.append((pid, gzip.decompress((data / "html" / f"{pid}.html.gz").read_bytes()), truth.get("url")))
    return out


def _run_step(step: str, data: Path, n: int) -> dict[str, float]:
    """Time one step over the fixed input, in this process; return its figures."""
    pages = _pages(data, n)
    kind, _, peer = step.partition(":")
    if kind in ("clean", "model", "c4"):
        from cleaner.evaluation.peers import peer_text

        texts = [peer_text(peer, html, url) for _, html, url in pages]
        if kind in ("clean", "model"):
            import functools

            import cleaner

            fn = functools.partial(cleaner.clean, model="builtin" if kind == "model" else "off")
            fn("warm up the compiled rules and load the model")
        else:
            from cleaner.evaluation.c4 import c4_filter

            fn = c4_filter  # type: ignore[assignment]
            c4_filter("Warm up the filter. It has two sentences.")
        start, cpu = time.perf_counter(), time.process_time()
        for text in texts:
            fn(text)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
        mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
        lines = sum(t.count("\n") + 1 for t in texts)
        # CPU time too: on a loaded machine wall time counts the waits for a core.
        return {
            "seconds": seconds,
            "cpu_seconds": cpu,
            "mb": mb,
            "mb_per_s": mb / seconds,
            "cpu_mb_per_s": mb / cpu,
            "lines_per_s": lines / seconds,
        }
    if kind == "clean_html":
        import cleaner

        call = lambda html, url: cleaner.clean_html(html, url=url)  # noqa: E731
    else:
        import trafilatura

        call = lambda html, url: trafilatura.extract(html, url=url)  # noqa: E731
    call(pages[0][1], pages[0][2])  # warm-up: imports and first-use setup
    start = time.perf_counter()
    for _, html, url in pages:
        call(html, url)
    seconds = time.perf_counter() - start
    mb = sum(len(html) for _, html, _ in pages) / 1e6
    return {"seconds": seconds, "mb": mb, "mb_per_s": mb / seconds, "pages_per_s": len(pages) / seconds}


def _cli() -> list[str]:
    return [sys.executable, "-m", "cleaner"]


def _wait(proc: subprocess.Popen[bytes]) -> tuple[int, float]:
    """(exit status, the child's peak RSS in MB), from wait4."""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss / 1024


def _jobs_step(data: Path, files: int) -> dict[str, float]:
    """`cleaner clean DIR -o OUT --jobs 1` and `--jobs 2` over `files` whole-page texts (the first
    pages' html_text, repeated): wall time of each and the speed-up."""
    import tempfile

    from cleaner.evaluation.peers import peer_text

    texts = [peer_text("html_text", html, url) for _, html, url in _pages(data, 300)]
    out: dict[str, float] = {"files": files}
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in"
        src.mkdir()
        for i in range(files):
            (src / f"{i:05d}.txt").write_text(texts[i % len(texts)], encoding="utf-8")
        out["mb"] = sum(f.stat().st_size for f in src.iterdir()) / 1e6
        out |= _one_and_two(src, Path(tmp))
    return out


def _one_and_two(src: Path, tmp: Path) -> dict[str, float]:
    """`cleaner clean SRC -o TMP/outN --jobs N` for N = 1 and 2: the wall time and the CLI
    process's peak RSS of each, and the speed-up."""
    out: dict[str, float] = {}
    for jobs in (1, 2):
        start = time.perf_counter()
        proc = subprocess.Popen([*_cli(), "clean", str(src), "-o", str(tmp / f"out{jobs}"), "--jobs", str(jobs), "-q"])
        code, rss = _wait(proc)
        if code != 0:
            raise SystemExit(f"{src.name}: --jobs {jobs}: cleaner exited {code}")
        out[f"seconds_jobs{jobs}"] = time.perf_counter() - start
        out[f"max_rss_mb_jobs{jobs}"] = rss
    out["speedup"] = out["seconds_jobs1"] / out["seconds_jobs2"]
    return out


def write_jsonl(path: Path, records: list[bytes], megabytes: int) -> tuple[float, int]:
    """`records` repeated into `path` until it holds `megabytes` MB: (MB, records written)."""
    sent, i = 0, 0
    with path.open("wb") as fh:
        while sent < megabytes * 1_000_000:
            rec = records[i % len(records)]
            fh.write(rec)
            sent, i = sent + len(rec), i + 1
    return sent / 1e6, i


def _jsonl_records(data: Path) -> list[bytes]:
    """One JSONL line per page of the first 300: its url and trafilatura's text."""
    from cleaner.evaluation.peers import peer_text

    return [
        (json.dumps({"url": url, "text": peer_text("trafilatura", html, url)}, ensure_ascii=False) + "\n").encode()
        for _, html, url in _pages(data, 300)
    ]


def _jobs_jsonl_step(data: Path, megabytes: int) -> dict[str, float]:
    """`cleaner clean FILE.jsonl -o OUT --jobs 1` and `--jobs 2` on one JSONL file of `megabytes`
    MB (the records of `_jsonl_records`, repeated): wall time of each, the speed-up, and whether
    the two outputs are the same bytes."""
    import filecmp
    import tempfile

    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.jsonl"
        out["mb"], out["records"] = write_jsonl(src, _jsonl_records(data), megabytes)
        out |= _one_and_two(src, Path(tmp))
        out["same_output"] = float(filecmp.cmp(f"{tmp}/out1/in.jsonl", f"{tmp}/out2/in.jsonl", shallow=False))
    return out


def _descendants_peak_rss(pid: int) -> float:
    """The largest peak RSS (VmHWM, MB) among the processes below `pid` (the CLI's workers)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    below, grew = {pid}, True
    while grew:
        more = {child for child, parent in parents.items() if parent in below} - below
        below, grew = below | more, bool(more)
    peak = 0.0
    for child in below - {pid}:
        try:
            status = Path(f"/proc/{child}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak = max(peak, int(line.split()[1]) / 1024)
    return peak


def _jsonl_step(data: Path, megabytes: int, jobs: int = 1) -> dict[str, float]:
    """Stream `megabytes` of JSONL records (trafilatura texts of the first pages, repeated) through
    `cleaner clean - --jsonl` and read the CLI process's peak RSS: memory must not grow with input."""
    records = _jsonl_records(data)
    cmd = [*_cli(), "clean", "-", "--jsonl", "--jobs", str(jobs)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    assert proc.stdin is not None
    sent, start, i, workers = 0, time.perf_counter(), 0, 0.0
    while sent < megabytes * 1_000_000:
        rec = records[i % len(records)]
        proc.stdin.write(rec)
        sent, i = sent + len(rec), i + 1
        if jobs > 1 and i % 2000 == 0:
            workers = max(workers, _descendants_peak_rss(proc.pid))
    proc.stdin.close()
    code, rss = _wait(proc)
    if code != 0:
        raise SystemExit(f"jsonl: cleaner exited {code}")
    seconds = time.perf_counter() - start
    out = {"mb": sent / 1e6, "records": i, "seconds": seconds, "mb_per_s": sent / 1e6 / seconds, "max_rss_mb": rss}
    return out | ({"jobs": jobs, "max_worker_rss_mb": workers} if jobs > 1 else {})


def _machine() -> dict[str, str]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": model or platform.processor(),
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("data", type=Path, nargs="?", default=DEFAULT_DATA)
    ap.add_argument("--pages", type=int, default=300)
    ap.add_argument("--out", type=Path, default=BENCH / "results")
    ap.add_argument("--jobs-files", type=int, default=0, help="also time --jobs 1 vs 2 on this many files")
    ap.add_argument("--jobs-jsonl-mb", type=int, default=0, help="also time --jobs 1 vs 2 on one JSONL file this big")
    ap.add_argument("--jsonl-jobs", type=int, default=1, help="--jobs of the --jsonl-mb stream")
    ap.add_argument("--scale-only", action="store_true", help="only the --jobs and JSONL steps asked for")
    ap.add_argument("--steps", help=f"comma-separated steps to time (default all: {','.join(STEPS)})")
    ap.add_argument("--jsonl-mb", type=int, default=0, help="also stream this many MB of JSONL and read the RSS")
    ap.add_argument("--tag", default="", help="results file: <date>-throughput<-tag>.md/.json")
    ap.add_argument("--step", help=argparse.SUPPRESS)  # internal: run one step in this process
    args = ap.parse_args()
    if args.step:
        figures = _run_step(args.step, args.data, args.pages)
        figures["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(figures))
        return
    load_before = os.getloadavg()
    results: dict[str, dict[str, float]] = {}
    steps = STEPS if args.steps is None else tuple(args.steps.split(","))
    if unknown := sorted(set(steps) - set(STEPS)):
        ap.error(f"--steps: unknown step(s) {', '.join(unknown)}; the steps are {', '.join(STEPS)}")
    for step in () if args.scale_only else steps:
        cmd = [sys.executable, __file__, str(args.data), "--pages", str(args.pages), "--step", step]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{step}: failed: {done.stderr.strip().splitlines()[-1:]}", file=sys.stderr)
            continue
        results[step] = json.loads(done.stdout.strip().splitlines()[-1])
    scale: dict[str, dict[str, float]] = {}
    if args.jobs_files:
        scale["jobs"] = _jobs_step(args.data, args.jobs_files)
    if args.jobs_jsonl_mb:
        scale["jobs_jsonl"] = _jobs_jsonl_step(args.data, args.jobs_jsonl_mb)
    if args.jsonl_mb:
        scale["jsonl"] = _jsonl_step(args.data, args.jsonl_mb, args.jsonl_jobs)
    load = (
        f"load average (1, 5, 15 min) {', '.join(f'{x:.2f}' for x in load_before)} before the run, "
        + ", ".join(f"{x:.2f}" for x in os.getloadavg())
        + " after"
    )
    stamp = dt.date.today().isoformat()
    rows = [
        "| step | input | MB/s | MB/s of CPU time | lines/s | pages/s | peak RSS MB |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for step, r in results.items():
        kind, _, peer = step.partition(":")
        lines = f"{r['lines_per_s']:,.0f}" if "lines_per_s" in r else ""
        pages = f"{r['pages_per_s']:.1f}" if "pages_per_s" in r else ""
        cpu = f"{r['cpu_mb_per_s']:.2f}" if "cpu_mb_per_s" in r else ""
        rows.append(
            f"| {kind} | {peer or 'html'} | {r['mb_per_s']:.2f} | {cpu} | {lines} | {pages} | {r['max_rss_mb']:.0f} |"
        )
    machine = _machine()
    if "jobs" in scale:
        j = scale["jobs"]
        rows += [
            "",
            f"`cleaner clean DIR -o OUT` on {j['files']:,.0f} whole-page texts ({j['mb']:.0f} MB): "
            f"--jobs 1 {j['seconds_jobs1']:.1f} s, --jobs 2 {j['seconds_jobs2']:.1f} s, speed-up {j['speedup']:.2f}x.",
        ]
    if "jobs_jsonl" in scale:
        j = scale["jobs_jsonl"]
        same = "the same bytes" if j["same_output"] else "DIFFERENT outputs"
        rows += [
            "",
            f"`cleaner clean FILE.jsonl -o OUT` on one {j['mb']:,.0f} MB file ({j['records']:,.0f} records): "
            f"--jobs 1 {j['seconds_jobs1']:.1f} s ({j['max_rss_mb_jobs1']:.0f} MB), --jobs 2 "
            f"{j['seconds_jobs2']:.1f} s ({j['max_rss_mb_jobs2']:.0f} MB), speed-up {j['speedup']:.2f}x, {same}.",
        ]
    if "jsonl" in scale:
        j = scale["jsonl"]
        jobs = f" --jobs {j['jobs']:.0f}" if "jobs" in j else ""
        rows += [
            "",
            f"`cleaner clean - --jsonl{jobs}` streaming "
            f"{j['mb']:,.0f} MB ({j['records']:,.0f} records): {j['mb_per_s']:.2f} MB/s, "
            f"peak RSS {j['max_rss_mb']:.0f} MB"
            + (f", each worker's at most {j['max_worker_rss_mb']:.0f} MB." if "jobs" in j else "."),
        ]
    table = "\n".join(rows)
    args.out.mkdir(parents=True, exist_ok=True)
    env = [f"PYTHONPATH={os.environ['PYTHONPATH']}"] if os.environ.get("PYTHONPATH") else []  # another checkout
    command = " ".join([*env, "python", "bench/throughput.py", *sys.argv[1:]])
    meta = {"date": stamp, "pages": args.pages, "data": str(args.data.name), "machine": machine}
    meta |= {"load": load, "command": command}
    name = f"{stamp}-throughput{'-' + args.tag if args.tag else ''}"
    (args.out / f"{name}.json").write_text(json.dumps({**meta, "results": results, "scale": scale}, indent=2) + "\n")
    (args.out / f"{name}.md").write_text(
        f"# Throughput {stamp}\n\nFirst {args.pages} pages of {args.data.name} (WCXB by Murrough Foley, CC-BY-4.0), "
        f"one core per step, each step in its own process. Machine: {machine['cpu']}, {machine['cores']} cores, "
        f"Python {machine['python']}.\nMB/s counts the input of the step (text for clean/c4, HTML bytes for "
        f"clean_html/trafilatura).\nCommand: `{command}`; {load}.\n\n{table}\n"
    )
    print(table)


if __name__ == "__main__":
    main()
