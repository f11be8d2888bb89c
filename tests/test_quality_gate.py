"""Quality gate: cleaner on a fixed, stratified 150-page subset of WCXB dev.

* Mean F1 (WCXB word metric) must stay at or above the minimums pinned in
  bench/gate_minimums.json, for text mode on trafilatura's and html_text's output and for html
  mode (clean_html).
* Never worse: cleaning must not lower F1 by more than the tolerance (0.002) against its input,
  for trafilatura and html_text, overall and for every page type in the subset.

The subset is bench/gate_ids.txt (how it was chosen is written at its top). Peer outputs are
cached in .cache/eval/ (or $CLEANER_EVAL_CACHE); a fresh clone computes them, which the time
budget allows for. WCXB is by Murrough Foley, CC-BY-4.0; it is read from ../shared/data/wcxb-dev
and this module is skipped when that folder is absent.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from cleaner.evaluation.cli import read_ids
from cleaner.evaluation.report import rules_table
from cleaner.evaluation.runner import EvalResult, RowResult, run_eval

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "wcxb-dev"
GATE_IDS = ROOT / "bench" / "gate_ids.txt"
MINIMUMS = ROOT / "bench" / "gate_minimums.json"
TEXT_PEERS = ("trafilatura", "html_text")

pytestmark = pytest.mark.skipif(
    not (DATA / "ground-truth").is_dir(),
    reason=f"quality gate needs the WCXB dev set at {DATA} (../shared/data/wcxb-dev beside the repo); not found",
)


def _cache() -> Path | None:
    env = os.environ.get("CLEANER_EVAL_CACHE")
    return Path(env) if env else None


@pytest.fixture(scope="module")
def gate() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(MINIMUMS.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def text_run() -> EvalResult:
    return run_eval(DATA, "text", TEXT_PEERS, ids=read_ids(GATE_IDS), jobs=2, cache_dir=_cache(), c4_filter=False)


@pytest.fixture(scope="module")
def html_run() -> EvalResult:
    return run_eval(DATA, "html", (), ids=read_ids(GATE_IDS), jobs=2, cache_dir=_cache(), extract_only=False)


def _rules_hint(result: EvalResult, source: str) -> str:
    from io import StringIO

    from rich.console import Console

    buf = StringIO()
    Console(file=buf, width=140).print(rules_table(source, result.rules.get(source, {}), result.scored_pages(), 8))
    return buf.getvalue()


def test_gate_subset_is_the_pinned_one(text_run: EvalResult) -> None:
    ids = read_ids(GATE_IDS)
    assert len(ids) == len(set(ids)) and 140 <= len(ids) <= 160
    assert text_run.meta["dataset"]["pages"] == len(ids)
    assert text_run.row("trafilatura", "as-is").overall.pages == len(ids)  # every gate page has a reference


@pytest.mark.parametrize("key", ["text|trafilatura|cleaner", "text|html_text|cleaner", "html|html|clean_html"])
def test_mean_f1_at_least_pinned_minimum(
    key: str, gate: dict[str, Any], text_run: EvalResult, html_run: EvalResult
) -> None:
    mode, source, step = key.split("|")
    result = text_run if mode == "text" else html_run
    row = result.row(source, step)
    pinned = gate["minimums"][key]
    assert row.overall.f1 >= pinned["min_f1"], (
        f"{key}: mean F1 {row.overall.f1:.4f} < pinned minimum {pinned['min_f1']} "
        f"(measured {pinned['measured_f1']} on {pinned['date']}).\n{_rules_hint(result, source)}"
    )


def _type_deltas(after: RowResult, before: RowResult) -> dict[str, float]:
    out = {"(overall)": after.overall.f1 - before.overall.f1}
    for t, s in after.by_type.items():
        if s.pages:
            out[t] = s.f1 - before.by_type[t].f1
    return out


@pytest.mark.parametrize("peer", TEXT_PEERS)
def test_cleaning_is_never_worse(peer: str, gate: dict[str, Any], text_run: EvalResult) -> None:
    tol = float(gate["never_worse_tolerance"])
    deltas = _type_deltas(text_run.row(peer, "cleaner"), text_run.row(peer, "as-is"))
    worse = {t: round(d, 4) for t, d in deltas.items() if d < -tol}
    assert not worse, f"cleaning {peer} text lowered mean F1 by more than {tol}: {worse}\n{_rules_hint(text_run, peer)}"
