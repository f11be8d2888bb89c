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


LEVELS = 100  # keep-probabilities are read to this many steps by `level_cut`


def level_cut(keep: np.ndarray, words: np.ndarray, mix: float) -> float:
    """Like `best_cut`, but the expected F1 is a mix: `mix` of it under "the model ranks the parts
    right but its level on this text is unknown" (the main text is every part whose
    keep-probability exceeds a level drawn uniformly from [0, 1]: parts share their fate in order),
    the rest under independent parts (`best_cut`'s). Independence lets a large mass of doubtful
    parts (keep-probability 0.4) look worth keeping beside a small sure text; when they share a
    fate (a sidebar is all content or all not) they are worth keeping only when likelier content
    than not. Probabilities are read in LEVELS steps."""
    if not len(keep):
        return 1.0
    level = np.clip(np.floor(keep * LEVELS).astype(np.int64), 0, LEVELS)  # part j is content when u < keep_j
    w_at = np.bincount(level, weights=words, minlength=LEVELS + 1)  # words at each level
    qw_at = np.bincount(level, weights=keep * words, minlength=LEVELS + 1)
    # Cut t (0..LEVELS): keep the parts at level >= t. W[t]: words kept; QW[t]: their expected content.
    w_from = np.cumsum(w_at[::-1])[::-1]
    qw_from = np.cumsum(qw_at[::-1])[::-1]
    total_qw = qw_from[0]
    indep = 2.0 * qw_from / (w_from + total_qw + 1e-9)
    # Level-uncertain: the main text is the parts at level >= s with probability 1 / LEVELS for each
    # s in 1..LEVELS (u in [(s - 1) / LEVELS, s / LEVELS)), so F1(t, s) = 2 W[max(t, s)] / (W[t] + W[s]).
    t = np.arange(LEVELS + 1)[:, None]
    s = np.arange(1, LEVELS + 1)[None, :]
    both = w_from[np.maximum(t, s)]
    denom = w_from[t] + w_from[s]
    f1 = np.where(denom > 0, 2.0 * both / np.maximum(denom, 1e-9), 0.0)
    level_f1 = f1.mean(axis=1)
    expected = mix * level_f1 + (1.0 - mix) * indep
    best = int(np.argmax(expected[1:])) + 1  # a cut at level 0 would keep every part, even at 0
    if expected[best] <= 0.0:
        return 1.0 + 1e-9
    return best / LEVELS
