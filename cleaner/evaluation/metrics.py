"""The two benchmark metrics, exactly as specified, plus the snippet rates.

WCXB word metric (`word_prf`)
    Tokens are ``\\w+`` matches, lower-cased, counted as a multiset. For one page:
    overlap = sum over tokens of min(count in prediction, count in reference);
    P = overlap / predicted tokens, R = overlap / reference tokens, F1 = 2PR / (P + R)
    (0 when P + R = 0). Empty cases:

    * both empty: P = R = F1 = 1.0 (nothing asked, nothing given);
    * prediction empty, reference not: P = R = F1 = 0.0 (an empty answer is a miss, not
      a perfectly precise one);
    * reference empty, prediction not: P = 0.0, R = 1.0 (nothing to miss), F1 = 0.0.

    A dataset score is the plain mean over pages of each of P, R and F1 (F1 is the mean of
    the per-page F1s, not the F1 of the means), over all pages as in the published WCXB
    figures (21 wcxb-dev pages have an empty reference and score by the empty cases above);
    `summarize_wcxb(..., skip_no_truth=True)` leaves them out, and either way the count of
    such pages is reported.

Snippet rates (WCXB ``with`` / ``without`` lists)
    A snippet is found when its whitespace-normalised form (runs of whitespace -> one space,
    stripped; case kept) is a substring of the whitespace-normalised prediction. Per page the
    share of snippets found; a dataset rate is the mean over pages having at least one snippet
    of that kind. ``with`` found: higher is better; ``without`` found: lower is better.

ScrapingHub shingle metric (`shingle_tp_fp_fn`, `summarize_shingles`)
    As in the article-extraction-benchmark's evaluate.py: tokens ``\\w+`` with case kept;
    shingles are the 4-token windows (a text with 1-3 tokens has one shingle of all of them);
    per page TP = sum of min counts, FP = prediction's excess, FN = reference's excess, then
    TP, FP, FN are divided by their sum (when > 0) so that long pages weigh no more. Per page
    precision = TP / (TP + FP) and recall = TP / (TP + FN) (both 1.0 when FP = FN = 0);
    precision is averaged over pages with TP + FP > 0, recall over pages with TP + FN > 0
    (the benchmark's rule), and F1 = 2PR / (P + R) of the two averages.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class PRF:
    precision: float
    recall: float
    f1: float


def word_tokens(text: str) -> list[str]:
    """``\\w+`` tokens, lower-cased (the WCXB word metric's tokens)."""
    return [t.lower() for t in _WORD.findall(text or "")]


def f1_score(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def multiset_prf(pred: Counter[str], ref: Counter[str]) -> PRF:
    n_pred = sum(pred.values())
    n_ref = sum(ref.values())
    if n_pred == 0 and n_ref == 0:
        return PRF(1.0, 1.0, 1.0)
    if n_pred == 0:
        return PRF(0.0, 0.0, 0.0)
    if n_ref == 0:
        return PRF(0.0, 1.0, 0.0)
    overlap = sum((pred & ref).values())
    p = overlap / n_pred
    r = overlap / n_ref
    return PRF(p, r, f1_score(p, r))


def word_prf(pred: str, ref: str) -> PRF:
    """WCXB word-multiset precision, recall and F1 of one page (see the module docstring)."""
    return multiset_prf(Counter(word_tokens(pred)), Counter(word_tokens(ref)))


def normalize_ws(text: str) -> str:
    return _SPACE.sub(" ", text or "").strip()


def snippet_hits(snippets: Iterable[str], pred: str) -> tuple[int, int]:
    """(found, total) of the non-empty snippets, matched after whitespace normalisation."""
    norm_pred = normalize_ws(pred)
    found = total = 0
    for s in snippets:
        ns = normalize_ws(s)
        if not ns:
            continue
        total += 1
        found += ns in norm_pred
    return found, total


@dataclass(frozen=True, slots=True)
class PageScore:
    """Everything scored on one page, kept so that any grouping can be averaged later."""

    page_id: str
    page_type: str
    prf: PRF
    has_truth: bool
    with_found: int = 0
    with_total: int = 0
    without_found: int = 0
    without_total: int = 0
    shingle: tuple[float, float, float] = (0.0, 0.0, 0.0)  # normalised TP, FP, FN (ScrapingHub metric)


def score_page(
    page_id: str,
    page_type: str,
    pred: str,
    truth: str,
    with_: Sequence[str] = (),
    without: Sequence[str] = (),
) -> PageScore:
    wf, wt = snippet_hits(with_, pred)
    of, ot = snippet_hits(without, pred)
    return PageScore(
        page_id=page_id,
        page_type=page_type,
        prf=word_prf(pred, truth),
        has_truth=bool(_WORD.search(truth or "")),
        with_found=wf,
        with_total=wt,
        without_found=of,
        without_total=ot,
        shingle=shingle_tp_fp_fn(truth, pred),
    )


def _mean(xs: Sequence[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


@dataclass(frozen=True, slots=True)
class Summary:
    """Means over a set of pages. Rates are None when no page had such snippets."""

    pages: int  # pages scored (with a non-empty reference)
    skipped_no_truth: int
    precision: float
    recall: float
    f1: float
    with_rate: float | None
    without_rate: float | None

    def to_dict(self) -> dict[str, float | int | None]:
        return {
            "pages": self.pages,
            "skipped_no_truth": self.skipped_no_truth,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "with_rate": self.with_rate,
            "without_rate": self.without_rate,
        }


def summarize_wcxb(scores: Iterable[PageScore], skip_no_truth: bool = False) -> Summary:
    """Mean P, R, F1 over all pages (as the published WCXB figures are), or over pages with a
    reference when `skip_no_truth`; snippet rates over pages with snippets. `skipped_no_truth`
    counts the pages without a reference either way."""
    all_scores = list(scores)
    kept = [s for s in all_scores if s.has_truth or not skip_no_truth]
    with_rates = [s.with_found / s.with_total for s in all_scores if s.with_total]
    without_rates = [s.without_found / s.without_total for s in all_scores if s.without_total]
    return Summary(
        pages=len(kept),
        skipped_no_truth=sum(1 for s in all_scores if not s.has_truth),
        precision=_mean([s.prf.precision for s in kept]) or 0.0,
        recall=_mean([s.prf.recall for s in kept]) or 0.0,
        f1=_mean([s.prf.f1 for s in kept]) or 0.0,
        with_rate=_mean(with_rates),
        without_rate=_mean(without_rates),
    )


def summarize_by_type(scores: Iterable[PageScore]) -> dict[str, Summary]:
    groups: dict[str, list[PageScore]] = {}
    for s in scores:
        groups.setdefault(s.page_type, []).append(s)
    return {t: summarize_wcxb(groups[t]) for t in sorted(groups)}


# ScrapingHub article-extraction-benchmark metric

TpFpFn = tuple[float, float, float]


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """Counts of the n-token windows of ``\\w+`` tokens (case kept); 1..n-1 tokens -> one shingle."""
    tokens = _WORD.findall(text or "")
    out: Counter[tuple[str, ...]] = Counter()
    for i in range(max(1, len(tokens) - n + 1)):
        sh = tuple(tokens[i : i + n])
        if sh:
            out[sh] += 1
    return out


def shingle_tp_fp_fn(truth: str, pred: str, n: int = 4) -> TpFpFn:
    """Per-page TP, FP, FN over shingles, divided by their sum when it is positive."""
    t = shingles(truth, n)
    p = shingles(pred, n)
    tp = float(sum((t & p).values()))
    fp = float(sum((p - t).values()))
    fn = float(sum((t - p).values()))
    s = tp + fp + fn
    if s > 0:
        return tp / s, fp / s, fn / s
    return tp, fp, fn


def shingle_precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def shingle_recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def summarize_shingles(per_page: Iterable[TpFpFn]) -> PRF:
    """Mean per-page precision (pages with TP+FP > 0) and recall (TP+FN > 0); F1 of the means."""
    rows = list(per_page)
    precisions = [shingle_precision(*r) for r in rows if r[0] + r[1] > 0]
    recalls = [shingle_recall(*r) for r in rows if r[0] + r[2] > 0]
    p = _mean(precisions) or 0.0
    r = _mean(recalls) or 0.0
    return PRF(p, r, f1_score(p, r))
