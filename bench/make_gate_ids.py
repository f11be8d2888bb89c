"""Choose the quality gate's fixed page subset of WCXB dev and write bench/gate_ids.txt.

Run once; the ids are pinned in the file so the gate never moves with the dataset's order:

    .venv/bin/python bench/make_gate_ids.py ../shared/data/wcxb-dev

Pages with an empty reference (main_content without a word) are not eligible. The size is
split over page types in proportion to their eligible counts (largest remainders), and each
type's ids are drawn with random.Random(SEED).sample from its sorted ids.
WCXB is by Murrough Foley, CC-BY-4.0.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

SEED = 20251122
SIZE = 150
OUT = Path(__file__).resolve().parent / "gate_ids.txt"


def main(data: Path) -> None:
    by_type: dict[str, list[str]] = {}
    for f in sorted((data / "ground-truth").glob("*.json")):
        meta = json.loads(f.read_text(encoding="utf-8"))
        truth = (meta.get("ground_truth") or {}).get("main_content") or ""
        if not re.search(r"\w", truth):
            continue
        kind = ((meta.get("_internal") or {}).get("page_type") or {}).get("primary") or "unknown"
        by_type.setdefault(kind, []).append(f.stem)
    total = sum(len(v) for v in by_type.values())
    quotas = {t: SIZE * len(v) / total for t, v in by_type.items()}
    counts = {t: int(q) for t, q in quotas.items()}
    for t in sorted(quotas, key=lambda t: (-(quotas[t] - counts[t]), t))[: SIZE - sum(counts.values())]:
        counts[t] += 1
    rng = random.Random(SEED)
    chosen: list[str] = []
    for t in sorted(by_type):
        chosen += rng.sample(sorted(by_type[t]), counts[t])
    summary = ", ".join(f"{t} {counts[t]}" for t in sorted(counts))
    lines = [
        f"# Quality-gate subset of WCXB dev (Murrough Foley, CC-BY-4.0): {len(chosen)} of {total} pages with a",
        "# non-empty reference, stratified by page type in proportion (largest remainders), drawn per type with",
        f"# random.Random({SEED}).sample over sorted ids by bench/make_gate_ids.py. Per type: {summary}.",
        *sorted(chosen),
    ]
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {OUT}: {summary}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/wcxb-dev"))
