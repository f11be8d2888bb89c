"""Quality gate on news: clean_html on a fixed sample of news-dev's two sets (every 20th page).

news-dev (../shared/data/news-dev: L3S-GN1, research use only; Dragnet, AGPL-3.0) is for measuring
only: nothing of it is in this repository and no shipped model is trained on it. On the sample,
clean_html's mean word F1 must stay at or above the minimum pinned in bench/gate_news.json and at
or above trafilatura alone (less the never-worse tolerance): news articles are the pages this tool
exists for. Skipped when ../shared/data/news-dev is absent.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cleaner.evaluation.runner import EvalResult, run_eval, select_ids

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "data" / "news-dev"
PINNED = ROOT / "bench" / "gate_news.json"

pytestmark = pytest.mark.skipif(
    not NEWS.is_dir(), reason=f"the news gate needs news-dev at {NEWS} (../shared/data/news-dev); not found"
)


@pytest.fixture(scope="module")
def pinned() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(PINNED.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def runs(pinned: dict[str, Any]) -> dict[str, EvalResult]:
    every = int(pinned["every"])
    out = {}
    for name in pinned["sets"]:
        data = NEWS / name
        out[name] = run_eval(
            data, "html", ("trafilatura",), ids=select_ids(data)[::every], jobs=2, rules=False, extract_only=False
        )
    return out


@pytest.mark.parametrize("name", ["l3s-gn1", "dragnet"])
def test_news_f1_at_least_pinned_and_never_below_trafilatura(
    name: str, pinned: dict[str, Any], runs: dict[str, EvalResult]
) -> None:
    gate = pinned["sets"][name]
    result = runs[name]
    ours = result.row("html", "clean_html").overall
    traf = result.row("html", "trafilatura").overall
    assert ours.pages == gate["pages"], f"{name}: the sample changed ({ours.pages} pages, pinned {gate['pages']})"
    assert ours.f1 >= gate["min_f1"], f"{name}: clean_html F1 {ours.f1:.4f} < pinned {gate['min_f1']}"
    tol = float(pinned["never_worse_tolerance"])
    assert ours.f1 >= traf.f1 - tol, f"{name}: clean_html F1 {ours.f1:.4f} below trafilatura's {traf.f1:.4f}"
