"""The C tree walk (`cleaner/models/_walk.c`) gives the numpy walk's floats: scores and
contributions of both packaged models, a model of members' explanations, and the outputs of `clean`
and `clean_html` (issue 19)."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

import cleaner
from cleaner.html.blocks import load as load_dom
from cleaner.models import trees
from cleaner.models.line import load_line_model
from cleaner.models.trees import CHUNK, Trees, mean_score_and_contributions_at

from .conftest import SEEDS, SHARED

pytestmark = pytest.mark.skipif(
    trees._cwalk is None,
    reason="the C walk was not built (no C compiler at install): the numpy walk runs, nothing to compare",
)


def packaged() -> list[tuple[str, Trees]]:
    dom = load_dom("builtin")
    line = load_line_model("builtin")
    assert dom is not None and line is not None
    found = [("dom.trees", dom.trees), ("line.trees", line.trees), ("line.kind", line.kind)]
    if dom.stack is not None:
        found.append(("dom.stack", dom.stack))
    return found


def rows_for(t: Trees, n: int, seed: int) -> np.ndarray:
    """Rows whose values sit at, around and between the trees' own thresholds (so that both ways of
    many splits are taken), with NaN and infinities here and there."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, t.width)) * 3.0
    inner = t.feature >= 0
    for f in range(t.width):
        cuts = t.split[inner & (t.feature == f)]
        if len(cuts):
            x[:, f] = rng.choice(cuts, size=n) + rng.choice([-1e-9, 0.0, 1e-9, -0.5, 0.5], size=n)
    x[rng.random(x.shape) < 0.02] = np.nan
    x[rng.random(x.shape) < 0.01] = np.inf
    x[rng.random(x.shape) < 0.01] = -np.inf
    return x


def both(fn, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """`fn()` with the C walk, then with the numpy walk."""
    monkeypatch.setattr(trees, "NATIVE", True)
    native = fn()
    monkeypatch.setattr(trees, "NATIVE", False)
    return native, fn()


@pytest.mark.parametrize("n", [0, 1, 7, 9, CHUNK + 3])
def test_the_c_walk_gives_the_numpy_walks_floats(n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, t in packaged():
        x = rows_for(t, n, seed=n)
        (raw_c, contrib_c), (raw_n, contrib_n) = both(
            lambda t=t, x=x: (t.raw(x), t.raw_and_contributions(x)), monkeypatch
        )
        assert np.array_equal(raw_c, raw_n), name
        assert np.array_equal(contrib_c[0], contrib_n[0]) and np.array_equal(contrib_c[1], contrib_n[1]), name
        assert np.array_equal(raw_c, contrib_c[0]), name
        c, nump = both(lambda t=t, x=x: t.contributions(x), monkeypatch)
        assert np.array_equal(c, nump), name


@pytest.mark.parametrize("n", [0, 300, CHUNK + 40])
@pytest.mark.parametrize("at", [0.5, lambda p: float(np.quantile(p, 0.7)) if len(p) else 0.5], ids=["fixed", "own cut"])
def test_one_walk_of_members_explains_with_the_numpy_floats(n: int, at, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    line = load_line_model("builtin")
    assert line is not None
    members = (line.trees, *line.others)
    x = rows_for(line.trees, n, seed=3)
    (pc, hc, gc), (pn, hn, gn) = both(lambda: mean_score_and_contributions_at(members, x, at), monkeypatch)
    assert np.array_equal(pc, pn) and np.array_equal(hc, hn) and np.array_equal(gc, gn)
    assert hc.dtype == hn.dtype and gc.shape == gn.shape
    assert n == 0 or len(hc) > 0


def test_a_bad_buffer_is_a_named_error() -> None:
    t = packaged()[0][1]
    with pytest.raises(ValueError, match="rows x features"):
        t._native(np.zeros((3, t.width)), contrib=np.zeros((3, t.width + 1)))
    assert trees._cwalk is not None
    with pytest.raises(ValueError, match="raw holds"):
        trees._cwalk.walk(
            t._feature, t._split, t._child, t._value, t._step, t._roots, t.depth, t.width,
            np.zeros((3, t.width)), np.zeros(2), None,
        )  # fmt: skip


def test_cleaning_is_the_same_with_either_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    pages: list[tuple[bytes, str | None]] = []
    html_dir = SHARED / "data" / "wcxb-dev" / "html"
    for name in ("0001", "0100", "1000", "4000"):
        for path in (html_dir / f"{name}.html", html_dir / f"{name}.html.gz"):
            if path.exists():
                raw = path.read_bytes()
                pages.append((gzip.decompress(raw) if path.suffix == ".gz" else raw, None))

    def run() -> list[tuple[str, list[tuple[int, int, str, str]]]]:
        out = [cleaner.clean(t) for t in texts] + [cleaner.clean_html(h, u) for h, u in pages]
        return [(r.text, [(*m.lines, m.rule, m.reason) for m in r.removed]) for r in out]

    native, numpy_ = both(run, monkeypatch)
    assert native == numpy_
    assert any(removed for _, removed in native)
