"""Compressed JSONL streams: peak memory must not grow with the file (issue 20, item 4).

    .venv/bin/python bench/compressed_memory.py [--mb 10 40] [--out bench/results]

Writes JSON Lines of the seed articles (fixtures/seeds, repeated, each record numbered) at each
size, plain, gzip and zstd, cleans each file with `cleaner clean FILE -o OUT` in a fresh process,
and reads that process's peak RSS (wait4) and wall time. Streaming holds when the peak is the same
at 4x the size, and when the compressed files' peak is the plain file's. Writes
<out>/<date>-compressed-memory.json and prints the table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SEEDS = BENCH.parent / "fixtures" / "seeds"


def _records(megabytes: int) -> bytes:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    out, size, i = [], 0, 0
    while size < megabytes * 1_000_000:
        line = (json.dumps({"id": i, "text": texts[i % len(texts)]}, ensure_ascii=False) + "\n").encode()
        out.append(line)
        size, i = size + len(line), i + 1
    return b"".join(out)


def _run(src: Path, out: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of `cleaner clean src -o out` in a process of its own."""
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "cleaner", "clean", str(src), "-o", str(out), "-q"])
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{src.name}: cleaner failed")
    return time.perf_counter() - start, usage.ru_maxrss / 1024


def main() -> None:
    from cleaner import compression

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=int, nargs="+", default=[10, 40], help="uncompressed sizes to try, in MB")
    ap.add_argument("--out", type=Path, default=BENCH / "results")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for mb in args.mb:
            data = _records(mb)
            files = {
                "jsonl": data,
                "jsonl.gz": compression.compress(data, compression.Codec.GZIP),
                "jsonl.zst": compression.compress(data, compression.Codec.ZSTD),
            }
            for suffix, blob in files.items():
                src = Path(tmp, f"r{mb}.{suffix}")
                src.write_bytes(blob)
                seconds, rss = _run(src, Path(tmp, f"out-{mb}-{suffix.replace('.', '-')}"))
                row = {"mb": len(data) / 1e6, "file": suffix, "file_mb": len(blob) / 1e6}
                row |= {"seconds": round(seconds, 1), "max_rss_mb": round(rss, 1)}
                rows.append(row)
                sizes = f"{row['mb']:8.1f} MB  {suffix:10s} {row['file_mb']:8.1f} MB on disk"
                print(f"{sizes}  {seconds:7.1f} s  {rss:7.1f} MB RSS")
                src.unlink()
    args.out.mkdir(parents=True, exist_ok=True)
    dest = args.out / f"{dt.date.today().isoformat()}-compressed-memory.json"
    dest.write_text(json.dumps({"rows": rows, "cores": os.cpu_count()}, indent=2) + "\n")
    print(f"written {dest}")


if __name__ == "__main__":
    main()
