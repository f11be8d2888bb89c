"""The bench scripts that ask whether a learned arbitration over the category evidence beats the
hand-written precedence (issue 20 item 6, sixth round): bench/html_categories_evidence.py records
what `clean_html` names each labelled block from, bench/html_categories_learn.py fits and measures.

The recording test reads wcxb-dev (WCXB by Murrough Foley, CC-BY-4.0) from ../shared beside the
repository, like the agreement tests."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

import cleaner.html.category as category
import cleaner.html.mode as mode
import cleaner.html.policy as policy
from cleaner.evaluation.categories import load_cases, measure

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"
DATA = ROOT.parent / "shared" / "data" / "wcxb-dev"
needs_data = pytest.mark.skipif(
    not DATA.is_dir(), reason=f"needs the WCXB dev set at {DATA} (../shared beside the repo)"
)


def _bench(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"{name}_bench", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses and annotations look their module up
    spec.loader.exec_module(module)
    return module


@needs_data
def test_the_evidence_rows_carry_the_category_clean_html_gives_and_leave_nothing_patched(tmp_path: Path) -> None:
    evidence = _bench("html_categories_evidence")
    cases = [c for c in load_cases(CASES / "html_categories.jsonl") if c.page == "4449"]
    path = tmp_path / "one_page.jsonl"
    path.write_text("".join(json.dumps(dataclasses.asdict(c)) + "\n" for c in cases), encoding="utf-8")
    saved = policy.drop_categories, category.rules_shown, mode.decide
    rows = evidence.rows_of(DATA, [("one", path)], lambda _: None)
    assert (policy.drop_categories, category.rules_shown, mode.decide) == saved
    found = measure(cases, DATA)
    assert len(rows) == found.removed > 0
    assert sorted((r["label"], r["given"]) for r in rows) == sorted(found.confusion.elements())
    for r in rows:
        ev = r["model"] or r["rule"]
        assert ev is not None and ev["words"] > 0
        if r["rule"] is None:
            assert r["model"]["given_model"] == r["given"]


def _rows(n: int, given: str, label: str) -> tuple[list[dict[str, float]], list[str], list[str]]:
    return [{"bias": 1.0}] * n, [label] * n, [given] * n


def test_an_anchored_model_keeps_the_given_category_where_its_features_know_nothing() -> None:
    learn = _bench("html_categories_learn")
    feats, labels, given = [], [], []
    for category_, n in (("navigation", 30), ("legal", 10), ("caption", 10)):
        f, lab, g = _rows(n, category_, category_)
        feats += f
        labels += lab
        given += g
    plain = learn.Softmax.fit(feats, labels)
    anchored = learn.Softmax.fit(feats, labels, given)
    test = [{"bias": 1.0}] * 3
    assert plain.predict(test, ["legal", "caption", "navigation"], 0.0) == ["navigation"] * 3
    assert anchored.predict(test, ["legal", "caption", "navigation"], 0.0) == ["legal", "caption", "navigation"]
    assert anchored.anchor is not None and anchored.anchor > 1.0


def test_a_block_the_model_is_unsure_of_is_other_and_a_fit_is_the_same_twice() -> None:
    learn = _bench("html_categories_learn")
    feats = [{"bias": 1.0}] * 40
    labels = ["navigation", "related", "promo", "legal"] * 10
    first, second = learn.Softmax.fit(feats, labels), learn.Softmax.fit(feats, labels)
    assert np.array_equal(first.weights, second.weights)
    assert first.predict([{"bias": 1.0}], unsure=learn.UNSURE) == ["other"]
    assert first.predict([{"bias": 1.0}], unsure=0.0) != ["other"]
