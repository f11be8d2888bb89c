"""The learned line model: file format, numpy inference, explanations, pipeline integration."""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from cleaner import clean
from cleaner.learn.features import DOC_NAMES, FEATURE_NAMES, Vocabulary, doc_features, self_features
from cleaner.model import FORMAT, LineModel, ModelError, from_dict, load, top_signals
from cleaner.segment import segment
from cleaner.types import Stage, Strength
from tests.samples import P1, P2, P3

ARTICLE = "\n\n".join((P1, P2, P3))
lgb = pytest.importorskip("lightgbm", reason="lightgbm is in the dev extra; install with pip install -e '.[dev]'")

from cleaner.learn.train import TrainConfig, _flatten, _params, dumps  # noqa: E402


def _synthetic(trees: int = 30) -> tuple[Any, np.ndarray]:
    rng = np.random.default_rng(7)
    x = rng.normal(size=(3000, len(FEATURE_NAMES)))
    x[:, 5] = rng.integers(0, 4, len(x))
    y = ((x[:, 0] - 0.7 * x[:, 5] + rng.normal(size=len(x))) > 0).astype(float)
    booster = lgb.train(_params(TrainConfig()), lgb.Dataset(x, label=y), num_boost_round=trees)
    return booster, x


def _model_dict(booster: Any, threshold: float = 0.5) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": "test",
        "features": list(FEATURE_NAMES),
        "kind_features": list(DOC_NAMES),
        "kind_trees": _leaf(-5.0),
        "threshold": threshold,
        "extract_threshold": threshold,
        "page_cap": 1.0,
        "extract_cap": 1.0,
        "page_like_at": 0.5,
        "card": {},
        "vocabulary": {"subscribe": 3.0, "the": -0.5},
        "trees": _flatten(booster.dump_model()),
    }


def _leaf(value: float) -> dict[str, list[Any]]:
    """An ensemble of one tree that is one leaf: every row scores `value`."""
    return {"roots": [0], "feature": [-1], "threshold": [0.0], "left": [-1], "right": [-1], "value": [value]}


def _chain(depth: int) -> dict[str, list[Any]]:
    """One tree that is a chain of `depth` splits on feature 0 (each right child a leaf)."""
    inner = list(range(depth))
    return {
        "roots": [0],
        "feature": [0] * depth + [-1] * (depth + 1),
        "threshold": [0.0] * (2 * depth + 1),
        "left": [k + 1 for k in inner] + [-1] * (depth + 1),
        "right": [depth + 1 + k for k in inner] + [-1] * (depth + 1),
        "value": [0.0] * (2 * depth + 1),
    }


@pytest.fixture(scope="module")
def synthetic() -> tuple[LineModel, Any, np.ndarray]:
    booster, x = _synthetic()
    return from_dict(json.loads(dumps(_model_dict(booster))), "synthetic"), booster, x


def test_numpy_inference_equals_lightgbm(synthetic: tuple[LineModel, Any, np.ndarray]) -> None:
    model, booster, x = synthetic
    assert np.allclose(model.raw(x), booster.predict(x, raw_score=True), rtol=0, atol=1e-9)
    assert np.allclose(model.score(x), booster.predict(x), rtol=0, atol=1e-9)


def test_contributions_add_up_to_the_score(synthetic: tuple[LineModel, Any, np.ndarray]) -> None:
    model, _, x = synthetic
    contrib = model.contributions(x[:200])
    assert contrib.shape == (200, len(FEATURE_NAMES))
    roots = model.trees.value[model.trees.roots].sum()
    assert np.allclose(contrib.sum(axis=1) + roots, model.raw(x[:200]), atol=1e-9)
    # The synthetic target depends on features 0 and 5 only: they carry the explanation.
    top = np.abs(contrib).sum(axis=0).argsort()[::-1][:2]
    assert set(top) == {0, 5}


def test_empty_input_scores_nothing(synthetic: tuple[LineModel, Any, np.ndarray]) -> None:
    model, _, _ = synthetic
    assert model.score(np.zeros((0, len(FEATURE_NAMES)))).shape == (0,)


def test_scoring_in_chunks_changes_nothing(synthetic: tuple[LineModel, Any, np.ndarray]) -> None:
    import cleaner.models.trees

    model, _, x = synthetic
    whole = model.raw(x)
    saved = cleaner.models.trees.CHUNK
    try:
        cleaner.models.trees.CHUNK = 7
        assert np.array_equal(model.raw(x), whole)
        roots = model.trees.value[model.trees.roots].sum()
        assert np.allclose(model.contributions(x).sum(axis=1) + roots, whole, atol=1e-9)
    finally:
        cleaner.models.trees.CHUNK = saved


@pytest.mark.parametrize("chunk", [7, 512])
def test_one_walk_scores_and_explains_the_hits_with_the_same_floats(
    synthetic: tuple[LineModel, Any, np.ndarray], chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cleaner.models.trees

    model, _, x = synthetic
    monkeypatch.setattr(cleaner.models.trees, "CHUNK", chunk)
    p, hits, contrib = model.trees.score_and_contributions_at(x, 0.5)
    want = model.score(x)
    assert np.array_equal(p, want)
    assert np.array_equal(hits, np.flatnonzero(want >= 0.5)) and 0 < len(hits) < len(x)
    assert np.array_equal(contrib, model.contributions(x[hits]))
    p, hits, contrib = model.trees.score_and_contributions_at(x[:0], 0.5)
    assert (p.shape, hits.shape, contrib.shape) == ((0,), (0,), (0, len(FEATURE_NAMES)))


@pytest.fixture(scope="module")
def members(synthetic: tuple[LineModel, Any, np.ndarray]) -> tuple[LineModel, LineModel, LineModel, np.ndarray]:
    """A model of two members (the synthetic trees and others trained on another target), and each
    member alone as a model of one."""
    _, booster, x = synthetic
    y = ((x[:, 1] + 0.5 * x[:, 0]) > 0).astype(float)
    other = lgb.train(_params(TrainConfig(seed=8)), lgb.Dataset(x, label=y), num_boost_round=20)
    first, second = _model_dict(booster), _flatten(other.dump_model())
    both = from_dict(json.loads(dumps({**first, "members": [{"trees": second}]})), "both")
    return both, from_dict(first, "first"), from_dict({**first, "trees": second}, "second"), x


@pytest.mark.parametrize("chunk", [7, 512])
def test_a_model_of_members_scores_and_explains_as_the_mean_of_theirs(
    members: tuple[LineModel, LineModel, LineModel, np.ndarray], chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import cleaner.models.trees

    monkeypatch.setattr(cleaner.models.trees, "CHUNK", chunk)
    both, one, two, x = members
    assert len(both.members) == 2 and one.members == (one.trees,)  # a file without `members`: a model of one
    p1, p2 = one.score(x), two.score(x)
    assert not np.allclose(p1, p2)
    p = both.score(x)
    assert np.allclose(p, (p1 + p2) / 2, rtol=0, atol=1e-12)
    assert np.allclose(1.0 / (1.0 + np.exp(-both.raw(x))), p, rtol=0, atol=1e-9)
    assert np.allclose(both.contributions(x), (one.contributions(x) + two.contributions(x)) / 2, rtol=0, atol=1e-12)
    at, hits, contrib = both.score_and_contributions_at(x, 0.5)
    assert np.array_equal(at, p) and np.array_equal(hits, np.flatnonzero(p >= 0.5))
    assert 0 < len(hits) < len(x) and not np.array_equal(hits, np.flatnonzero(p1 >= 0.5))
    assert np.array_equal(contrib, both.contributions(x[hits]))
    # A model of one gives its trees' own floats.
    single = one.score_and_contributions_at(x, 0.5)
    for got, want in zip(single, one.trees.score_and_contributions_at(x, 0.5), strict=True):
        assert np.array_equal(got, want)


def test_the_drops_of_a_model_of_members_carry_the_mean_probability(
    members: tuple[LineModel, LineModel, LineModel, np.ndarray],
) -> None:
    from cleaner.model import decide
    from cleaner.models.line_features import context_features

    both, one, two = (dataclasses.replace(m, threshold=1e-9, extract_threshold=1e-9) for m in members[:3])
    blocks = segment("Menu\nHome\n\n" + ARTICLE)
    rows = self_features(blocks, both.vocabulary)
    found = decide(both, blocks, rows, {})
    indices, x = context_features(blocks, rows, {}, 0.0, None)
    mean = (one.score(x) + two.score(x)) / 2
    assert found and {i: d.score for i, d in found.items()} == {
        i: round(float(q), 4) for i, q in zip(indices, mean, strict=True)
    }
    assert {i: d.score for i, d in found.items()} != {i: d.score for i, d in decide(one, blocks, rows, {}).items()}


def test_the_kind_trees_of_members_decide_by_their_mean(synthetic: tuple[LineModel, Any, np.ndarray]) -> None:
    _, booster, _ = synthetic
    doc = np.zeros(len(DOC_NAMES))
    logit = lambda p: float(np.log(p / (1 - p)))  # noqa: E731
    one = {**_model_dict(booster), "kind_trees": _leaf(logit(0.85)), "page_like_at": 0.8}
    assert from_dict(one, "one").page_like(doc) == 1.0
    both = from_dict({**one, "members": [{"trees": one["trees"], "kind_trees": _leaf(logit(0.7))}]}, "both")
    assert both.page_like(doc) == 0.0  # the mean, 0.775, is under the cut
    # Members without kind trees (a file of before they had them) leave the verdict to the first's.
    assert from_dict({**one, "members": [{"trees": one["trees"]}]}, "old").page_like(doc) == 1.0


def test_page_like_comes_from_the_kind_trees(synthetic: tuple[LineModel, Any, np.ndarray]) -> None:
    _, booster, _ = synthetic
    blocks = segment("Home\nNews\nSport\n\n" + ARTICLE)
    doc = doc_features(blocks, self_features(blocks, Vocabulary({})))
    assert doc.shape == (len(DOC_NAMES),) and np.isfinite(doc).all()
    page = from_dict({**_model_dict(booster), "kind_trees": _leaf(5.0)}, "page")
    extract = from_dict({**_model_dict(booster), "kind_trees": _leaf(-5.0)}, "extract")
    assert (page.page_like(doc), extract.page_like(doc)) == (1.0, 0.0)


def test_top_signals_name_positive_contributions_only() -> None:
    names = ("words_log", "vocab_mean", "vocab_min", "url")
    assert top_signals(names, np.array([-1.0, 0.5, 0.4, 0.2])) == ["its words (learned vocabulary)", "a URL or e-mail"]
    assert top_signals(names, np.array([-1.0, -0.5, -0.4, 0.0])) == []


def test_top_signals_from_rows_sorted_at_once_are_the_same() -> None:
    rng = np.random.default_rng(3)
    contrib = rng.integers(-3, 4, size=(300, len(FEATURE_NAMES))) / 4.0  # many ties
    orders = np.argsort(-contrib, axis=1, kind="stable")
    for row, order in zip(contrib, orders, strict=True):
        assert top_signals(FEATURE_NAMES, row, order=order) == top_signals(FEATURE_NAMES, row)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="something/2"), "not a cleaner line model"),
        (lambda d: d.update(features=d["features"][:-1]), "other features"),
        (lambda d: d.update(threshold=1.5), "threshold"),
        (lambda d: d["trees"].update(left=d["trees"]["left"][:-1]), "node arrays disagree"),
        (lambda d: d.update(kind_features=["x"]), "other features"),
        (lambda d: d.update(kind_trees={"roots": [3], **_leaf(0.0)} | {"roots": [3]}), "out of range"),
        (lambda d: d["trees"].update(left=[10**6 if v >= 0 else v for v in d["trees"]["left"]]), "out of range"),
        (lambda d: d.pop("trees"), "malformed model file"),
        # Issue 21, item 11: a file that loaded and then failed every document ("Unable to allocate
        # 3.81 GiB"), or ended in a traceback, is one ModelError naming it.
        (lambda d: d.update(kind_trees=_leaf(0.0) | {"roots": [0] * 2_000_000}), "2000000 trees of 1 nodes"),
        (lambda d: d.update(kind_trees=_chain(3) | {"roots": [0, 0]}), "two trees share a root"),
        (lambda d: d.update(kind_trees=_chain(2) | {"roots": [0, 1]}), "a node is reached twice"),
        (lambda d: d.update(kind_trees=_chain(65)), "deeper than 64 levels"),
        (lambda d: d["trees"].update(roots=["0"]), "roots must be an array of whole numbers"),
        (lambda d: d["trees"].update(left=[[v] for v in d["trees"]["left"]]), "left must be an array"),
        (lambda d: d["trees"].pop("value"), "trees: no 'value'"),
        (lambda d: d.update(kind_trees=_leaf(float("nan"))), "not a finite number"),
        # Issue 19: a model of several members (seeds) lists the others' trees under `members`.
        (lambda d: d.update(members={"trees": d["trees"]}), r"members: a list of objects, each with its trees"),
        (lambda d: d.update(members=[{"tree": d["trees"]}]), r"members: a list of objects, each with its trees"),
        (lambda d: d.update(members=[{"trees": [1, 2]}]), r"members\[0\]\.trees: not an object"),
        (
            lambda d: d.update(members=[{"trees": d["trees"], "kind_trees": _leaf(0.0)}, {"trees": d["trees"]}]),
            r"members: kind_trees in every member or in none",
        ),
        (lambda d: d.update(members=[{"trees": d["trees"], "kind_trees": _chain(65)}]), r"members\[0\]\.kind_trees"),
        (
            lambda d: d.update(members=[{"trees": d["trees"] | {"value": d["trees"]["value"][:-1]}}]),
            r"members\[0\]\.trees: node arrays disagree",
        ),
    ],
)
def test_malformed_model_files_are_named_errors(
    synthetic: tuple[LineModel, Any, np.ndarray], change: Any, message: str
) -> None:
    _, booster, _ = synthetic
    data = copy.deepcopy(_model_dict(booster))
    change(data)
    with pytest.raises(ModelError, match=message) as err:
        from_dict(data, "broken.json")
    assert "broken.json" in str(err.value)


def test_load_names_the_file(tmp_path: Path) -> None:
    assert load("off") is None
    with pytest.raises(ModelError, match=r"missing\.json: cannot read"):
        load(str(tmp_path / "missing.json"))
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelError, match=r"bad\.json: not a model file"):
        load(str(bad))
    bad.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")  # a RecursionError in json
    with pytest.raises(ModelError, match=r"bad\.json: not a model file \(JSON nested too deeply\)"):
        load(str(bad))


def test_vocabulary_stats() -> None:
    vocab = Vocabulary({"subscribe": 3.0, "the": -1.0})
    mean, low, high, first, known = vocab.stats("Subscribe to the newsletter")
    assert (mean, low, high, first, known) == (1.0, -1.0, 3.0, 3.0, 0.5)
    assert vocab.stats("...") == (0.0, 0.0, 0.0, 0.0, 0.0)


def _always_drop_model(tmp_path: Path, booster: Any) -> Path:
    """A model whose threshold is so low that it drops every line it scores."""
    path = tmp_path / "eager.json"
    path.write_text(dumps(_model_dict(booster, threshold=1e-9)), encoding="utf-8")
    return path


def test_model_drops_are_explained_weak_and_respect_switches(
    tmp_path: Path, synthetic: tuple[LineModel, Any, np.ndarray]
) -> None:
    _, booster, _ = synthetic
    path = str(_always_drop_model(tmp_path, booster))
    text = "Top stories\n\n" + ARTICLE + "\n\nMore from us"
    res = clean(text, model=path, guard=False)
    model_cuts = [r for r in res.removed if r.rule == "model:test"]
    assert model_cuts, res.removed
    for r in model_cuts:
        assert r.reason.startswith("line model: boilerplate with probability")
        assert r.score is not None and 0 < r.score <= 1
    # Model drops are weak: the over-removal guard may give the article back.
    guarded = clean(text, model=path)
    assert guarded.guard_fired and P1 in guarded.text
    # Switching the rule id off, or the model, leaves the rules' result.
    rules_only = clean(text, model="off")
    assert clean(text, model=path, guard=False, disabled_rules={"model:test"}).text == rules_only.text
    assert all(r.rule != "model:test" for r in rules_only.removed)


def test_model_decisions_carry_the_model_stage(tmp_path: Path, synthetic: tuple[LineModel, Any, np.ndarray]) -> None:
    from cleaner.model import decide

    model, _, _ = synthetic
    eager = from_dict({**_model_dict(synthetic[1]), "threshold": 1e-9}, "eager")
    blocks = segment("Menu\nHome\n\n" + ARTICLE)
    found = decide(eager, blocks, self_features(blocks, eager.vocabulary), {})
    assert found and {d.stage for d in found.values()} == {Stage.MODEL}
    assert {d.strength for d in found.values()} == {Strength.WEAK}
    assert all(d.category is not None for d in found.values())
    assert model.rule_id == "model:test"


def test_builtin_model_keeps_the_seeds_as_the_rules_do(seeds_dir: Path) -> None:
    """The seeds stay 100 %: on them the packaged model removes nothing the rules keep."""
    model = load("builtin")
    assert model is not None, "cleaner/data/line_model.json is missing: run `make model`"
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        with_model = clean(text, model="builtin")
        assert with_model.text == clean(text, model="off").text, path.name
        assert clean(with_model.text, model="builtin").text == with_model.text, path.name


def test_a_model_that_leaves_extracts_to_the_rules(
    tmp_path: Path, synthetic: tuple[LineModel, Any, np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    """extract_threshold null: on a text the kind trees call an extract the model takes nothing,
    and `run` skips the settle rounds (the rules' own output is already final)."""
    import cleaner.pipeline
    from cleaner.annotate import annotate
    from cleaner.model import decide
    from cleaner.rules import build_ruleset

    _, booster, _ = synthetic
    data = {**_model_dict(booster, threshold=1e-9), "extract_threshold": None}
    extract = from_dict({**data, "kind_trees": _leaf(-5.0)}, "extract")
    page = from_dict({**data, "kind_trees": _leaf(5.0)}, "page")
    assert extract.extract_threshold is None
    blocks = segment("Menu\nHome\n\nSign up for our newsletter\n\n" + ARTICLE)
    dropped = annotate(blocks, build_ruleset())
    assert dropped, "the newsletter line is a rule drop"
    assert decide(extract, blocks, self_features(blocks, extract.vocabulary), dropped) == {}
    assert decide(page, blocks, self_features(blocks, page.vocabulary), dropped)  # page-like: it decides
    # Page-like also needs boilerplate the rules found: without any, the text counts as an extract.
    assert decide(page, blocks, self_features(blocks, page.vocabulary), {}) == {}
    path = tmp_path / "extract.json"
    path.write_text(dumps({**data, "kind_trees": _leaf(-5.0)}), encoding="utf-8")

    def no_settling(*args: object) -> None:
        raise AssertionError("settle rounds ran on a text the model left to the rules")

    monkeypatch.setattr(cleaner.pipeline, "_settle", no_settling)
    text = "Menu\nHome\n\n" + ARTICLE + "\n\nSign up for our newsletter"
    assert clean(text, model=str(path)).text == clean(text, model="off").text


@pytest.mark.parametrize("value", [0.0, 1.0, -0.5, float("nan")])
def test_extract_threshold_is_null_or_a_probability(synthetic: tuple[LineModel, Any, np.ndarray], value: float) -> None:
    with pytest.raises(ModelError, match="extract_threshold"):
        from_dict({**_model_dict(synthetic[1]), "extract_threshold": value}, "bad.json")


def test_code_feature_counts_kinds_of_source_code_evidence() -> None:
    from cleaner.learn.features import LOCAL_NAMES, local_features
    from cleaner.topic import stopwords

    col = LOCAL_NAMES.index("code")

    def code(line: str) -> float:
        return local_features(segment(line)[0], stopwords())[col]

    assert code("The reason for the difference is within the implementation of the function.") == 0
    assert code("Home | News | Sport") == 0
    assert code("loop.run_until_complete(main())") >= 2
    assert code("const total = items.reduce((a, b) => a + b, 0);") >= 3


def test_a_model_file_records_its_stopword_languages_and_loads_only_with_the_same(
    synthetic: tuple[LineModel, Any, np.ndarray], tmp_path: Path
) -> None:
    from cleaner.topic import STOPLIST_LANGUAGES

    data = _model_dict(synthetic[1])
    assert from_dict(data, "old.json") is not None  # a file from before the record: read as it is
    assert from_dict({**data, "stopword_languages": list(STOPLIST_LANGUAGES)}, "same.json") is not None
    path = tmp_path / "other.json"
    path.write_text(dumps({**data, "stopword_languages": ["English", "Klingon"]}), encoding="utf-8")
    with pytest.raises(ModelError) as err:
        load(str(path))
    message = str(err.value)
    assert str(path) in message and "English, Klingon" in message and ", ".join(STOPLIST_LANGUAGES) in message


def test_the_block_model_refuses_other_stopword_languages_too() -> None:
    from cleaner import dommodel
    from cleaner.models.trees import read_model_json

    found = read_model_json("builtin", dommodel.BUILTIN_FILE)
    if found is None:
        pytest.skip("no packaged block model in this checkout")
    data, _ = found
    assert dommodel.from_dict({k: v for k, v in data.items() if k != "stopword_languages"}, "dom.json") is not None
    with pytest.raises(ModelError, match=r"dom\.json: .*stopword languages \[English\]"):
        dommodel.from_dict({**data, "stopword_languages": ["English"]}, "dom.json")


# -- a page-like text's own cut (decision "expected_f1") ------------------------------------------


def test_text_cut_rises_where_the_model_is_unsure_and_stays_in_its_bounds() -> None:
    from cleaner.models.line import text_cut

    words = np.array([40.0, 40.0, 40.0, 3.0, 3.0])
    # Sure of the paragraphs and of the menu: the cut stays at the threshold.
    assert text_cut(np.array([0.05, 0.05, 0.05, 0.95, 0.95]), words, 0.5, 0.75) == 0.5
    # Keeping a paragraph pays while its keep-probability is over half the text's expected F1: on
    # a text the model is sure of, a paragraph scored 0.6 goes ...
    assert text_cut(np.array([0.05, 0.05, 0.6, 0.95, 0.95]), words, 0.5, 0.75) == 0.5
    # ... on one it is unsure of (the other paragraphs at 0.3), it stays: the cut rises just over it.
    doubtful = np.array([0.3, 0.3, 0.6, 0.95, 0.95])
    assert text_cut(doubtful, words, 0.5, 0.75) == pytest.approx(0.6, abs=1e-9)
    assert text_cut(doubtful, words, 0.5, 0.75) > 0.6
    # Never over cut_max: a text of boilerplate only would keep its likeliest line, not at 0.99.
    assert text_cut(np.array([0.3, 0.3, 0.62, 0.95, 0.95]), words, 0.5, 0.61) == 0.61
    assert text_cut(np.array([0.99, 0.99]), np.array([5.0, 5.0]), 0.5, 0.75) == 0.75
    # Never under the threshold (nothing to keep at all: an empty text).
    assert text_cut(np.zeros(0), np.zeros(0), 0.5, 0.75) == 0.5


@pytest.mark.parametrize("chunk", [7, 512])
def test_a_cut_of_the_whole_text_gives_the_floats_of_that_cut_fixed(
    members: tuple[LineModel, LineModel, LineModel, np.ndarray], chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A callable cut sees every row's probability (a text longer than CHUNK is scored first, its
    hits walked again) and gives what the fixed cut it chose gives, float for float."""
    import cleaner.models.trees

    monkeypatch.setattr(cleaner.models.trees, "CHUNK", chunk)
    both = members[0]
    x = members[3][:300]
    seen: list[int] = []

    def median(p: np.ndarray) -> float:
        seen.append(len(p))
        return float(np.median(p))

    got = both.score_and_contributions_at(x, median)
    assert seen == [len(x)]  # one call, over all the rows, however many chunks
    want = both.score_and_contributions_at(x, float(np.median(both.score(x))))
    for g, w in zip(got, want, strict=True):
        assert np.array_equal(g, w)
    assert 0 < len(got[1]) < len(x)


def test_expected_f1_keeps_a_doubtful_paragraph_a_fixed_threshold_drops(
    synthetic: tuple[LineModel, Any, np.ndarray],
) -> None:
    """The same trees, two decisions: with "expected_f1" a page-like text's cut rises over the
    threshold where the lines it would take are doubtful, so it takes a subset of what the
    threshold takes; a file without the field decides as before (a fixed threshold)."""
    from cleaner.annotate import annotate
    from cleaner.model import decide
    from cleaner.rules import build_ruleset

    _, booster, _ = synthetic
    data = {**_model_dict(booster), "kind_trees": _leaf(5.0), "page_cap": 1.0}
    fixed = from_dict(data, "fixed")
    assert fixed.decision == "threshold"
    cut = from_dict({**data, "decision": "expected_f1", "cut_max": 0.9}, "cut")
    blocks = segment("Menu\nHome\n\nSign up for our newsletter\n\n" + ARTICLE + "\n\nShare\nTweet\nEmail")
    dropped = annotate(blocks, build_ruleset())
    rows = self_features(blocks, fixed.vocabulary)
    by_fixed = decide(fixed, blocks, rows, dropped)
    by_cut = decide(cut, blocks, rows, dropped)
    # Random trees score the paragraphs 0.77-0.84 here: the text's expected F1 keeps most of them.
    assert by_cut and set(by_cut) < set(by_fixed)
    assert all(d.score is not None and d.score >= 0.5 for d in by_cut.values())


@pytest.mark.parametrize(("field", "value"), [("decision", "median"), ("cut_max", 0.4), ("cut_max", 1.0)])
def test_a_bad_decision_is_a_named_error(
    synthetic: tuple[LineModel, Any, np.ndarray], field: str, value: object
) -> None:
    with pytest.raises(ModelError, match=field):
        from_dict({**_model_dict(synthetic[1]), "decision": "expected_f1", field: value}, "bad.json")


def test_the_packaged_model_cuts_each_text_by_its_expected_f1() -> None:
    from cleaner.models.line import load_line_model

    model = load_line_model("builtin")
    assert model is not None
    assert (model.decision, model.threshold, model.cut_max) == ("expected_f1", 0.5, 0.75)
    assert (TrainConfig().decision, TrainConfig().cut_max) == ("expected_f1", 0.75)


# -- the doubtful band: a text the kind trees are less sure of, with the rules' evidence -----------


def _kind_at(p: float) -> dict[str, list[Any]]:
    """Kind trees that give every document the probability `p`."""
    return _leaf(float(np.log(p / (1 - p))))


DOUBT = {"doubt_from": 0.6, "doubt_cap": 0.5, "doubt_rule_lines": 3}


@pytest.mark.parametrize(
    ("p", "rule_lines", "fields", "want"),
    [
        (0.85, 0, DOUBT, (1.0, 0.9)),  # page-like: the page cap, however few rule drops
        (0.7, 3, DOUBT, (1.0, 0.5)),  # in the band with three rule lines: page-like, the band's cap
        (0.7, 2, DOUBT, (0.0, 0.3)),  # two rule lines are not enough evidence: an extract
        (0.55, 9, DOUBT, (0.0, 0.3)),  # under the band: an extract whatever the rules found
        (0.7, 9, {}, (0.0, 0.3)),  # a file written before the band: none
    ],
)
def test_a_doubtful_text_is_page_like_only_with_the_rules_evidence(
    synthetic: tuple[LineModel, Any, np.ndarray],
    p: float,
    rule_lines: int,
    fields: dict[str, float],
    want: tuple[float, float],
) -> None:
    data = {**_model_dict(synthetic[1]), "kind_trees": _kind_at(p), "page_like_at": 0.8}
    model = from_dict({**data, "page_cap": 0.9, "extract_cap": 0.3, **fields}, "band")
    assert model.page_like_and_cap(np.zeros(len(DOC_NAMES)), rule_lines) == want


def test_the_band_decides_in_the_pipeline(synthetic: tuple[LineModel, Any, np.ndarray]) -> None:
    """The same text and rule drops: an extract (the model abstains, extract_threshold None) until
    the band takes in its kind probability; then the model drops, within the band's cap."""
    from cleaner.annotate import annotate
    from cleaner.model import decide
    from cleaner.rules import build_ruleset

    data = {**_model_dict(synthetic[1], threshold=1e-9), "kind_trees": _kind_at(0.7), "page_like_at": 0.8}
    data.update(extract_threshold=None, page_cap=1.0)
    blocks = segment(
        "Menu\nHome\n\nSign up for our newsletter\n\nShare on Facebook\n\nAll rights reserved.\n\n" + ARTICLE
    )
    dropped = annotate(blocks, build_ruleset())
    assert len([d for d in dropped.values() if d.dropped]) >= 3
    rows = self_features(blocks, Vocabulary({}))
    assert decide(from_dict(data, "no band"), blocks, rows, dropped) == {}
    # The trees at threshold ~0 take every open line: within a cap of the whole text ...
    found = decide(from_dict({**data, **DOUBT, "doubt_cap": 1.0}, "band"), blocks, rows, dropped)
    assert set(found) == {b.index for b in blocks if not b.blank and b.index not in dropped}
    # ... under the band's cap of half its words, the surest of them that fit in that half ...
    found = decide(from_dict({**data, **DOUBT}, "band"), blocks, rows, dropped)
    words = {b.index: b.words for b in blocks if not b.blank and b.index not in dropped}
    assert found and set(found) < set(words)
    assert sum(words[i] for i in found) <= 0.5 * sum(words.values())
    # ... and nothing where the take would also go over the page cap: the model would take most
    # of the text, and its view of it is not to be trusted (as on any text).
    assert decide(from_dict({**data, **DOUBT, "page_cap": 0.9}, "band"), blocks, rows, dropped) == {}
    # With too little evidence, the band leaves it an extract.
    strict = {**data, **DOUBT, "doubt_cap": 1.0, "doubt_rule_lines": 50}
    assert decide(from_dict(strict, "strict"), blocks, rows, dropped) == {}


@pytest.mark.parametrize(
    "fields",
    [
        {**DOUBT, "doubt_from": 0.9},  # over page_like_at
        {**DOUBT, "doubt_from": 0.0},
        {**DOUBT, "doubt_cap": 0.0},
        {**DOUBT, "doubt_cap": 1.5},
        {**DOUBT, "doubt_rule_lines": 2.5},
        {**DOUBT, "doubt_rule_lines": -1},
        {**DOUBT, "doubt_rule_lines": True},
        {"doubt_cap": 0.5},  # half a band: silently none would hide a typo
        {"doubt_rule_lines": 3},
    ],
)
def test_a_bad_band_is_a_named_error(synthetic: tuple[LineModel, Any, np.ndarray], fields: dict[str, Any]) -> None:
    with pytest.raises(ModelError, match="doubt"):
        from_dict({**_model_dict(synthetic[1]), "page_like_at": 0.8, **fields}, "bad.json")


def test_the_packaged_model_and_the_trainer_have_the_band() -> None:
    from cleaner.models.line import load_line_model

    model = load_line_model("builtin")
    assert model is not None
    cfg = TrainConfig()
    assert (model.doubt_from, model.doubt_cap, model.doubt_rule_lines) == (0.6, 0.5, 3)
    assert (cfg.doubt_from, cfg.doubt_cap, cfg.doubt_rule_lines) == (0.6, 0.5, 3)
    assert model.doubt_from < model.page_like_at


def test_within_budget_takes_the_surest_lines_that_fit() -> None:
    from cleaner.models.line import within_budget

    p = np.array([0.6, 0.9, 0.7, 0.9])
    words = [10, 30, 5, 20]
    # 0.9 (30 words) and 0.9 (20, after it in row order) fit in 55; then 0.7 (5) fits too.
    assert within_budget(p, words, 55) == [1, 2, 3]
    # In 40: the first 0.9 (30) fits, the second (20) does not, and nothing after it is taken.
    assert within_budget(p, words, 40) == [1]
    assert within_budget(p, words, 10) == []
