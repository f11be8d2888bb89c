"""The evaluation metrics on tiny examples computed by hand."""

from __future__ import annotations

import pytest

from cleaner.evaluation.metrics import (
    PRF,
    normalize_ws,
    score_page,
    shingle_precision,
    shingle_recall,
    shingle_tp_fp_fn,
    shingles,
    snippet_hits,
    summarize_by_type,
    summarize_shingles,
    summarize_wcxb,
    word_prf,
    word_tokens,
)


def approx(prf: PRF) -> tuple[float, float, float]:
    return pytest.approx(prf.precision), pytest.approx(prf.recall), pytest.approx(prf.f1)


# WCXB word metric


def test_tokens_are_lowercased_word_runs() -> None:
    assert word_tokens("Hello, WORLD! it's 2025 — café_au-lait") == [
        "hello",
        "world",
        "it",
        "s",
        "2025",
        "café_au",
        "lait",
    ]


def test_word_prf_multiset_counts() -> None:
    # pred: the x2, cat, sat, on, mat (6 tokens); ref: the, cat, sat (3 tokens)
    # overlap = min(2,1) + 1 + 1 = 3 -> P = 3/6, R = 3/3, F1 = 2*.5*1/1.5 = 2/3
    prf = word_prf("The cat sat on the mat", "the cat sat")
    assert (prf.precision, prf.recall) == (0.5, 1.0)
    assert prf.f1 == pytest.approx(2 / 3)


def test_word_prf_repeated_tokens_on_both_sides() -> None:
    # pred a a b (3); ref a b b c (4); overlap = min(2,1) + min(1,2) = 2
    # P = 2/3, R = 2/4, F1 = 2 * (2/3)(1/2) / (2/3 + 1/2) = 4/7
    prf = word_prf("a a b", "a b b c")
    assert prf.precision == pytest.approx(2 / 3)
    assert prf.recall == pytest.approx(0.5)
    assert prf.f1 == pytest.approx(4 / 7)


def test_word_prf_ignores_case_punctuation_and_layout() -> None:
    assert word_prf("Hello,\n\nWORLD!", "hello world") == PRF(1.0, 1.0, 1.0)


def test_word_prf_no_overlap() -> None:
    assert word_prf("foo bar", "baz") == PRF(0.0, 0.0, 0.0)


def test_word_prf_empty_cases() -> None:
    assert word_prf("", "") == PRF(1.0, 1.0, 1.0)
    assert word_prf("...", " ") == PRF(1.0, 1.0, 1.0)  # no tokens on either side
    assert word_prf("", "some text") == PRF(0.0, 0.0, 0.0)
    assert word_prf("some text", "") == PRF(0.0, 1.0, 0.0)


# snippets


def test_snippets_match_after_whitespace_normalisation() -> None:
    pred = "Hello   big\n\tworld. Bye"
    assert normalize_ws("  a \n b  ") == "a b"
    assert snippet_hits(["big world", "Big world", "big  world.", "missing"], pred) == (2, 4)
    assert snippet_hits(["", "   "], pred) == (0, 0)  # empty snippets are not counted


def test_page_and_dataset_means() -> None:
    a = score_page("1", "article", "a b c d", "a b c d", with_=["a b"], without=["zzz"])
    b = score_page("2", "article", "a b", "a b c d", with_=["c d", "a b"], without=["a"])
    c = score_page("3", "forum", "x", "", with_=[], without=[])  # no reference: P=0, R=1, F1=0
    every = summarize_wcxb([a, b, c])  # all pages, as the published WCXB figures
    assert every.pages == 3 and every.skipped_no_truth == 1
    assert every.precision == pytest.approx(2 / 3)
    assert every.recall == pytest.approx((1 + 0.5 + 1) / 3)
    assert every.f1 == pytest.approx((1 + 2 / 3 + 0) / 3)
    s = summarize_wcxb([a, b, c], skip_no_truth=True)
    assert s.pages == 2 and s.skipped_no_truth == 1
    # page 1: P=R=F1=1; page 2: P=1, R=.5, F1=2/3
    assert s.precision == pytest.approx(1.0)
    assert s.recall == pytest.approx(0.75)
    assert s.f1 == pytest.approx((1 + 2 / 3) / 2)
    # with: page 1 found 1/1, page 2 found 1/2 -> mean .75; without: page 1 0/1, page 2 1/1 -> .5
    assert s.with_rate == pytest.approx(0.75)
    assert s.without_rate == pytest.approx(0.5)
    by_type = summarize_by_type([a, b, c])
    assert set(by_type) == {"article", "forum"}
    assert by_type["forum"].pages == 1 and by_type["forum"].f1 == 0.0 and by_type["forum"].with_rate is None


# ScrapingHub shingle metric


def test_shingles_are_4_token_windows_with_case_kept() -> None:
    assert shingles("A b c d e") == {("A", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert shingles("a b") == {("a", "b"): 1}  # fewer than 4 tokens: one shingle of all
    assert shingles("") == {}
    assert shingles("a b c d a b c d") == {
        ("a", "b", "c", "d"): 2,
        ("b", "c", "d", "a"): 1,
        ("c", "d", "a", "b"): 1,
        ("d", "a", "b", "c"): 1,
    }


def test_shingle_counts_are_normalised_per_page() -> None:
    # truth: abcd, bcde; pred: abcd, bcdx -> TP 1, FP 1, FN 1 -> 1/3 each
    tp, fp, fn = shingle_tp_fp_fn("a b c d e", "a b c d x")
    assert (tp, fp, fn) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert shingle_precision(tp, fp, fn) == pytest.approx(0.5)
    assert shingle_recall(tp, fp, fn) == pytest.approx(0.5)
    # case matters: "A b c d" shares no shingle with "a b c d"
    assert shingle_tp_fp_fn("a b c d", "A b c d") == (0.0, 0.5, 0.5)
    # duplicates: truth has abcd twice, pred once -> TP 1, FN 1 (of bcda, cdab, dabc too: FN 3)
    assert shingle_tp_fp_fn("a b c d a b c d", "a b c d") == pytest.approx((1 / 5, 0.0, 4 / 5))
    assert shingle_tp_fp_fn("", "") == (0.0, 0.0, 0.0)


def test_shingle_summary_averages_pages_then_takes_f1() -> None:
    pages = [
        (1 / 3, 1 / 3, 1 / 3),  # P .5, R .5
        (1.0, 0.0, 0.0),  # perfect: P 1, R 1
        (0.0, 0.0, 1.0),  # empty prediction: no precision (TP+FP = 0), R 0
        (0.0, 0.0, 0.0),  # both empty: counts for neither average
        (0.25, 0.75, 0.0),  # P .25, R 1
    ]
    s = summarize_shingles(pages)
    p = (0.5 + 1.0 + 0.25) / 3
    r = (0.5 + 1.0 + 0.0 + 1.0) / 4
    assert s.precision == pytest.approx(p)
    assert s.recall == pytest.approx(r)
    assert s.f1 == pytest.approx(2 * p * r / (p + r))


def test_shingle_score_edge_rules() -> None:
    assert shingle_precision(0.0, 0.0, 0.0) == 1.0  # fp == fn == 0
    assert shingle_recall(0.0, 0.0, 0.0) == 1.0
    assert shingle_precision(0.0, 0.0, 1.0) == 0.0
    assert shingle_recall(0.0, 1.0, 0.0) == 0.0
