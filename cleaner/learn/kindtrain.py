"""Training the page-kind model (`cleaner.pagekind`): is this page an article?

Each page of a WCXB-layout folder is prepared as `clean_html` prepares it (`cleaner.html.prepare`,
whose `kind` is the PAGE_NAMES evidence) and labelled from the benchmark's page type
(`article` -> 1, every other type -> 0). The model is an L2-regularised logistic regression on
standardised features, fitted by Newton's method: deterministic, twenty-odd weights a reader can
look at (they are in the model file with their names).

Only wcxb-dev (CC-BY-4.0) may train a shipped model.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from cleaner.pagekind import FORMAT, PAGE_NAMES

L2 = 1.0  # on standardised features; chosen in grouped CV on wcxb-dev (bench/cv_kind.py)
ITERATIONS = 50


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(mean, scale, coef, intercept) of an L2 logistic regression of y on standardised x. Unknown
    values (NaN: `cleaner.pagekind.UNKNOWN`) take their column's mean of the known ones, so they
    weigh nothing, in the fit as in `PageKindModel.article`."""
    known = np.isfinite(x)
    counts = np.maximum(known.sum(axis=0), 1)
    filled = np.where(known, x, 0.0)
    mean = filled.sum(axis=0) / counts
    filled = np.where(known, x, mean)
    scale = np.sqrt(np.where(known, (filled - mean) ** 2, 0.0).sum(axis=0) / counts)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (filled - mean) / scale])
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[0] = 0.0  # the intercept is not shrunk
    for _ in range(ITERATIONS):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -60, 60)))
        grad = z.T @ (p - y) + penalty * w
        hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-10:
            break
    return mean, scale, w[1:], float(w[0])


def predict(model: tuple[np.ndarray, np.ndarray, np.ndarray, float], x: np.ndarray) -> np.ndarray:
    mean, scale, coef, intercept = model
    filled = np.where(np.isfinite(x), x, mean)
    out: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(intercept + ((filled - mean) / scale) @ coef, -60, 60)))
    return out


def page_kinds(data: Path, *, jobs: int = 1) -> Iterator[tuple[str, str, str | None, list[float]]]:
    """(page id, page type, url, PAGE_NAMES evidence) for every page of a folder, in id order."""
    from cleaner.evaluation.datasets import list_ids

    ids = list_ids(data)
    if jobs <= 1:
        yield from (_kind((str(data), i)) for i in ids)
        return
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap(_kind, [(str(data), i) for i in ids], chunksize=8)


def _kind(args: tuple[str, str]) -> tuple[str, str, str | None, list[float]]:
    from cleaner.evaluation.datasets import load_pages
    from cleaner.html import prepare

    page = next(load_pages(Path(args[0]), ids=[args[1]]))
    return page.id, page.page_type, page.url, list(prepare(page.html_bytes, page.url).kind)


def fit(rows: Sequence[tuple[str, str, str | None, list[float]]], l2: float = L2) -> dict[str, Any]:
    """The model file's content, trained on `rows` (see `page_kinds`)."""
    x = np.array([r[3] for r in rows], dtype=np.float64).reshape(-1, len(PAGE_NAMES))
    y = np.array([1.0 if r[1] == "article" else 0.0 for r in rows])
    mean, scale, coef, intercept = fit_logistic(x, y, l2)
    return {
        "format": FORMAT,
        "features": list(PAGE_NAMES),
        "mean": [round(float(v), 8) for v in mean],
        "scale": [round(float(v), 8) for v in scale],
        "coef": [round(float(v), 8) for v in coef],
        "intercept": round(intercept, 8),
        "card": {
            "data": {"pages": len(rows), "articles": int(y.sum())},
            "label": "WCXB page type 'article' (1) against every other type (0)",
            "l2": l2,
            "weights_by_feature": {n: round(float(c), 4) for n, c in zip(PAGE_NAMES, coef, strict=True)},
        },
    }


def write(model: dict[str, Any], out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
