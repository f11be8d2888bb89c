"""The speed-ups of HTML mode give what the slower code gave, bit for bit (issue 19): the cues as one
alternation, the contributions walked for the dropped rows alone, the tree walk."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cleaner.config import CleanerConfig
from cleaner.html import category
from cleaner.html.blocks import groups, load, page_features
from cleaner.html.page import prepare
from cleaner.pipeline import ruleset_for

PAGE = Path(__file__).resolve().parent.parent / "fixtures" / "formats" / "frogs.html"


def _first_cue(text: str) -> category.Cue | None:
    """The cue `text_cue` names, found the slow way: each cue in turn."""
    low = text.lower()
    return next((c for c in category.cues() if c.pattern.search(low)), None)


def test_the_cues_as_one_alternation_name_what_each_in_turn_names() -> None:
    texts = [t for c in category.cues() for t in (*c.pos, *c.neg)]
    texts += ["", "Home", "By Jane Doe", "Share on Facebook © 2024", "Photo: AP / Subscribe to our newsletter"]
    assert any(_first_cue(t) is None for t in texts) and any(_first_cue(t) is not None for t in texts)
    for text in texts:
        assert category.text_cue(text) is _first_cue(text), text


@pytest.fixture(scope="module")
def rows() -> np.ndarray:
    """The deciding trees' rows of a real page (the second stage's, stacked on the first)."""
    model = load("builtin")
    assert model is not None
    prep = prepare(PAGE.read_bytes(), url="https://example.org/frogs")
    x, _ = page_features(prep, ruleset_for(CleanerConfig()), prep.url)

    found = model.inputs(x, groups(prep.items))
    assert len(found) >= 10
    return found


def test_contributions_of_some_rows_are_those_of_the_whole_page(rows: np.ndarray) -> None:
    model = load("builtin")
    assert model is not None and model.stack is not None
    raw, contrib = model.stack.raw_and_contributions(rows)
    some = np.array([0, 3, len(rows) - 1])
    assert np.array_equal(model.contributions(rows[some]), contrib[some])
    assert np.array_equal(model.scores(rows), 1.0 / (1.0 + np.exp(-raw)))
