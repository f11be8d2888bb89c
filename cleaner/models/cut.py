"""A text's own cut: the keep-probability from which keeping its parts gives the highest expected
word F1. The block model cuts each page so (`cleaner.html.policy`), the line model each page-like
text (`cleaner.models.line`)."""

from __future__ import annotations

import numpy as np


def best_cut(keep: np.ndarray, words: np.ndarray) -> float:
    """The keep-probability from which to keep parts so that the text's expected word F1 is
    highest: keeping the k most likely parts, the expected overlap with the main text is
    sum(q * w) over them, and the main text's expected size is sum(q * w) over all parts, so
    F1 ~ 2 * sum_k(q * w) / (sum_k(w) + sum_all(q * w)). One sort and two cumulative sums.
    Returns 1.0 + (keep nothing) when no part is worth keeping."""
    if not len(keep):
        return 1.0
    order = np.argsort(-keep, kind="stable")
    qw = keep[order] * words[order]
    expected = 2.0 * np.cumsum(qw) / (np.cumsum(words[order]) + qw.sum() + 1e-9)
    best = int(np.argmax(expected))
    if expected[best] <= 0.0:
        return 1.0 + 1e-9
    return float(keep[order][best])
