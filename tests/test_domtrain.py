"""`cleaner train-html`: the block model's training machinery on a few wcxb-dev pages.

WCXB (Web Content Extraction Benchmark) by Murrough Foley, CC-BY-4.0, read from ../shared. What is
checked is the machinery (same bytes twice, a loadable file the pipeline uses, the CLI, labels and
weights), not the model's quality, which bench/cv_dom.py measures.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

import cleaner
from cleaner import dommodel
from cleaner.cli import app
from cleaner.evaluation.datasets import list_ids, load_pages
from cleaner.learn.domtrain import DomTrainConfig, arrays, fit, load_rows, write
from cleaner.learn.labels import Label
from cleaner.topic import STOPLIST_LANGUAGES

pytest.importorskip("lightgbm", reason="lightgbm is in the dev extra; install with pip install -e '.[dev]'")

DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "wcxb-dev"
needs_data = pytest.mark.skipif(
    not DATA.is_dir(), reason=f"training tests need the WCXB dev set at {DATA} (../shared beside the repo); not found"
)
SMALL = DomTrainConfig(trees=12, min_data_in_leaf=5, inner_folds=2)


@needs_data
def test_training_twice_writes_the_same_bytes_and_the_model_runs(tmp_path: Path) -> None:
    ids = list_ids(DATA)[:6]
    rows = list(load_rows(DATA, ids=ids))
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    write(fit(rows, SMALL), a)
    write(fit(list(reversed(rows)), SMALL), b)
    assert a.read_bytes() == b.read_bytes()
    data = json.loads(a.read_text(encoding="utf-8"))
    assert data["format"] == dommodel.FORMAT and data["features"] == list(dommodel.FEATURE_NAMES)
    assert data["stopword_languages"] == list(STOPLIST_LANGUAGES)  # its features read those lists
    assert len(data["trees"]["roots"]) == 12 and len(data["stack"]["roots"]) == 12
    model = dommodel.load(str(a))
    assert model is not None and model.stack is not None
    page = next(load_pages(DATA, ids=ids[:1]))
    result = cleaner.clean_html(page.html_bytes, page.url, html_model=str(a))
    assert all(r.rule and r.reason for r in result.removed)


@needs_data
def test_rows_labels_and_weights() -> None:
    rows = list(load_rows(DATA, ids=list_ids(DATA)[:3]))
    for r in rows:
        assert r.x.shape == (len(r.texts), len(dommodel.FEATURE_NAMES))
        assert len(r.y) == len(r.texts) == len(r.group)
        w = r.weights()
        used = (r.y == int(Label.ARTICLE)) | (r.y == int(Label.BOILERPLATE))
        assert w[~used].sum() == 0
        assert w.sum() == pytest.approx(100.0)  # every page weighs the same
    x, y, w = arrays(rows)
    assert len(x) == len(y) == len(w) and set(np.unique(y)) <= {0.0, 1.0}


@needs_data
def test_train_html_cli(tmp_path: Path) -> None:
    # Few pages through the CLI: the real trainer's defaults, so this is the slow test of the module.
    sub = tmp_path / "data"
    (sub / "html").mkdir(parents=True)
    (sub / "ground-truth").mkdir()
    for pid in list_ids(DATA)[:4]:
        (sub / "html" / f"{pid}.html.gz").write_bytes((DATA / "html" / f"{pid}.html.gz").read_bytes())
        (sub / "ground-truth" / f"{pid}.json").write_bytes((DATA / "ground-truth" / f"{pid}.json").read_bytes())
    out = tmp_path / "m.json"
    res = CliRunner().invoke(app, ["train-html", "--data", str(sub), "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "blocks of 4 pages" in res.output
    assert dommodel.load(str(out)) is not None
