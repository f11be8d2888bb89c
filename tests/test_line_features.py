"""The line model's own-text features of a whole document at once (`own_features`) are, float for
float, those of the per-line functions (`local_features` and `Vocabulary.stats`, which training
still calls line by line); without a vocabulary, the local columns alone (HTML mode's block features)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest

from cleaner.models.line import load_line_model
from cleaner.models.line_text import LOCAL_NAMES, SAMPLE_CHARS, Vocabulary, local_features, own_features
from cleaner.segment import segment
from cleaner.topic import stopwords
from cleaner.types import Block

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "wcxb-dev"
SEEDS = ROOT / "fixtures" / "seeds"
# Lines that take each path: e-mails, URLs over a line's end, dates, code, non-ASCII words whose
# lower case is longer ("İ") or depends on what follows ("Σ"), huge lines, the separator itself,
# a lone surrogate (valid in JSON, not encodable).
CRAFTED = [
    "Contact: jane.doe@example.com or visit www.example.org/page.html today!",
    "x@",
    "y.com and 5",
    "min later, at 10:30 on 2024-05-01 (3 hrs)",
    "def main(): return foo(bar) + obj.method(x) == y;",
    "  # a comment {with} [brackets] && a || b -> c ::",
    "İstanbul'da ΑΣ.Β ΟΔΟΣ — «Quoted» words, Ⅷ Roman, ﬁ ligature, Straße, 𝔘nicode 123",
    "• Home › News | Sport / Weather · More",
    "\x00 a line with the separator\x00in it: x@y\x00z.com",
    "A" + " word" * 2500 + " ends. www.example.com",
    "  " + "İ" * 30 + " ΣΣΣ lower",
    "Title Case Line With Capitals",
    "“Quote at start",
    "ends with a colon:",
    "_under_score __init__ 1_000",
    "a lone surrogate \ud800 in JSON text, and \udfff words",
]


def _reference(blocks: list[Block], vocab: Vocabulary, stop: frozenset[str]) -> np.ndarray:
    return np.array([[*local_features(b, stop), *vocab.stats(b.text)] for b in blocks], dtype=np.float64)


def _same(blocks: list[Block], vocab: Vocabulary, stop: frozenset[str] | None = None) -> None:
    stop = stopwords() if stop is None else stop
    lines = [b for b in blocks if not b.blank]
    want = _reference(lines, vocab, stop).reshape(len(lines), -1)
    got = own_features(lines, stop, vocab)
    assert got.shape == want.shape
    bad = np.argwhere(got.view(np.int64) != want.view(np.int64))
    assert not len(bad), [(lines[r].text[:60], c, want[r, c], got[r, c]) for r, c in bad[:5]]
    local = own_features(lines, stop, None)  # HTML mode's block features
    assert local.shape == (len(lines), len(LOCAL_NAMES))
    assert np.array_equal(local.view(np.int64), want[:, : len(LOCAL_NAMES)].view(np.int64))


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    model = load_line_model("builtin")
    assert model is not None
    return model.vocabulary


def test_crafted_lines_give_the_per_line_features(vocab: Vocabulary) -> None:
    assert any(len(t) > SAMPLE_CHARS for t in CRAFTED)
    _same(segment("\n".join(CRAFTED)), vocab)
    for line in CRAFTED:  # alone, and each next to every other (a pattern over the joint)
        _same(segment(line), vocab)
    _same([b for text in CRAFTED for b in segment(text + "\n" + text[::-1])], vocab)


def test_seed_texts_give_the_per_line_features(vocab: Vocabulary) -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        _same(segment(path.read_text(encoding="utf-8")), vocab)


@pytest.mark.skipif(not (DATA / "html").is_dir(), reason=f"needs the WCXB dev set at {DATA}")
def test_real_pages_give_the_per_line_features(vocab: Vocabulary) -> None:
    """Raw HTML as text (scripts, minified lines, URLs, every script) and the articles' own text."""
    for page in sorted((DATA / "html").glob("*.html.gz"))[:60]:
        _same(segment(gzip.decompress(page.read_bytes()).decode("utf-8", "replace")), vocab)
        truth = json.loads((DATA / "ground-truth" / f"{page.name.split('.')[0]}.json").read_text(encoding="utf-8"))
        _same(segment(str(truth["ground_truth"]["main_content"])), vocab)


def test_an_empty_document_and_a_vocabulary_that_knows_nothing() -> None:
    assert own_features([], stopwords(), Vocabulary({})).shape == (0, 24)
    assert own_features([], stopwords(), None).shape == (0, len(LOCAL_NAMES))
    _same(segment("One line.\nAnother line, with words"), Vocabulary({}))


def test_words_whose_lower_case_depends_on_their_neighbours() -> None:
    """A line's words are lower-cased one by one for the function-word share, the line as a whole
    for the vocabulary: "ΑΣ.Β" has the word "ας" for the one and "ασ" for the other."""
    vocab = Vocabulary({"ας": 1.0, "ασ": -2.0, "i̇stanbul": 3.0, "istanbul": -4.0})
    stop = frozenset({"ας", "i̇stanbul"})
    for text in ("ΑΣ.Β ok", "İstanbul ΑΣ", "ΑΣ'Β and İSTANBUL"):
        _same(segment(text), vocab, stop)


def test_the_class_cache_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    import cleaner.models.line_text as line_text

    monkeypatch.setattr(line_text, "_CLASS_OF", {})
    monkeypatch.setattr(line_text, "_CLASSES_KEPT", 10)
    text = "".join(map(chr, range(0x400, 0x500)))  # 256 Cyrillic code points on one line
    _same(segment(text + "\nΑΣ.Β ΟΔΟΣ"), Vocabulary({}))
    seen = len(set(text + "ΑΣΒΟΔ"))
    assert len(line_text._CLASS_OF) == seen  # kept while under the bound when the document began ...
    _same(segment("".join(map(chr, range(0x4E00, 0x4F00)))), Vocabulary({}))
    assert len(line_text._CLASS_OF) == seen  # ... and no more after
