"""bench/cv_compare.py: candidates judged against the mean of a reference config's seeds, with a
tolerance of the seeds' spread (issue 19)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench" / "cv_compare.py"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("cv_compare_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _table(model: dict[str, float], plain: bool = True) -> dict[str, object]:
    return {
        "html_text": {
            t: {"pages": 10, "input": 0.5 if plain else 0.0, "rules": 0.6 if plain else 0.0, "model": f1}
            for t, f1 in model.items()
        }
    }


def test_a_candidate_is_judged_by_the_mean_of_the_seeds_and_their_spread(tmp_path: Path) -> None:
    cmp = _bench()
    refs = [("s1", _table({"all": 0.80, "forum": 0.70})), ("s2", _table({"all": 0.79, "forum": 0.71}, plain=False))]
    runs = [("c", _table({"all": 0.7835, "forum": 0.6915}, plain=False))]
    result = cmp.compare(refs, runs, floor=0.002)["html_text"]
    assert result["mean"] == pytest.approx({"all": 0.795, "forum": 0.705})
    assert result["tolerance"] == pytest.approx({"all": 0.01, "forum": 0.01})
    # all: -0.0115 is beyond the 0.01 spread; forum: -0.0135 too; 0.7855 (-0.0095) is within.
    assert result["runs"]["c"]["beyond"] == ["all", "forum"]
    assert (
        cmp.compare(refs, [("d", _table({"all": 0.7855, "forum": 0.70}))], 0.002)["html_text"]["runs"]["d"]["beyond"]
        == []
    )
    assert result["input"]["all"] == 0.5  # from the file that has the plain columns
    text = cmp.markdown({"html_text": result})
    assert "| c | 0.7835 (-0.0115) **!** |" in text


def test_a_file_that_is_no_cv_table_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"html_text": {"all": {"pages": 3}}}), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_:
        _bench().main(["--ref", f"x={bad}"])
    assert exit_.value.code == 2 and "bad.json: not a bench/cv_model.py table" in capsys.readouterr().err
