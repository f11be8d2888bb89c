"""Article prose that mentions boilerplate words must survive `cleaner.clean` unchanged.

Data-driven, after ftfy's `tests/test-cases/*.json`: `cases/negatives/<lang>.json`, one file per
language with phrase rules, holds lines of real-looking article prose that talk about subscribing,
newsletters, free trials, "read also", cookies, copyright, sharing, apps, photos, most-read lists,
pages... and a small article in that language (two paragraphs before and two after: long, on one
topic, free of boilerplate words). Each case is set inside that article, so that the context pass
sees a real document, and the line must come out exactly as it went in.

`cases/known_failures.json` holds cases that fail today and are hard to fix with phrase rules
alone; each says why. They run as strict xfails: the day one passes, the suite says so and the
case moves back to its language's file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import cleaner
from cleaner.rules import packaged_rule_files

CASES = Path(__file__).resolve().parent / "cases"
LANG_FILES = sorted((CASES / "negatives").glob("*.json"))


def _language(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


LANGUAGES = {data["lang"]: data for data in map(_language, LANG_FILES)}
LANGS = tuple(sorted(LANGUAGES))
CONTEXT: dict[str, tuple[list[str], list[str]]] = {
    lang: (data["context"]["before"], data["context"]["after"]) for lang, data in LANGUAGES.items()
}


def load_cases(name: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((CASES / name).read_text(encoding="utf-8"))
    return data


NEGATIVES = [{**case, "lang": lang} for lang, data in LANGUAGES.items() for case in data["cases"]]
KNOWN_FAILURES = load_cases("known_failures.json")


def document(lang: str, line: str | None = None) -> str:
    """A small article in `lang`, with `line` as a paragraph of its own in the middle."""
    before, after = CONTEXT[lang]
    paragraphs = [*before, *([line] if line is not None else []), *after]
    return "\n\n".join(paragraphs) + "\n"


def case_params() -> list[Any]:
    params = [pytest.param(case, id=case["label"]) for case in NEGATIVES]
    params += [
        pytest.param(case, id=case["label"], marks=pytest.mark.xfail(strict=True, reason=case["why"]))
        for case in KNOWN_FAILURES
    ]
    return params


@pytest.mark.parametrize("case", case_params())
def test_article_line_is_kept_unchanged(case: dict[str, Any]) -> None:
    result = cleaner.clean(document(case["lang"], case["text"]))
    cuts = [f"line {r.lines[0]}: {r.rule} ({r.category.value})" for r in result.removed]
    assert case["text"] in result.text.split("\n"), f"removed: {cuts}"


@pytest.mark.parametrize("lang", LANGS)
def test_context_article_alone_is_kept(lang: str) -> None:
    """The frame itself must be untouched, or a failing case would say nothing about its line."""
    text = document(lang)
    result = cleaner.clean(text)
    assert result.text == text
    assert result.removed == []


# -- the case files themselves -----------------------------------------------------------------


def test_case_files_are_well_formed() -> None:
    for path in LANG_FILES:
        data = _language(path)
        assert set(data) == {"lang", "context", "cases"} and path.stem == data["lang"], path
        assert set(data["context"]) == {"before", "after"}, path
        assert all(len(data["context"][side]) == 2 for side in ("before", "after")), path
        assert all(set(case) == {"label", "text"} for case in data["cases"]), path
    for case in NEGATIVES + KNOWN_FAILURES:
        assert set(case) - {"why"} == {"label", "lang", "text"}, case
        assert case["lang"] in LANGS, case
        text = case["text"]
        assert text.strip() == text and text and "\n" not in text, case
    for case in KNOWN_FAILURES:
        assert case.get("why", "").strip(), f"known failure {case['label']} must say why"
    labels = [case["label"] for case in NEGATIVES + KNOWN_FAILURES]
    assert len(labels) == len(set(labels)), "labels must be unique across both files"
    texts = [case["text"] for case in NEGATIVES + KNOWN_FAILURES]
    assert len(texts) == len(set(texts)), "a case is either a negative or a known failure, not both"


def test_negative_set_covers_every_language() -> None:
    """Every language with packaged phrase rules has its article prose here."""
    assert {path.stem for path in packaged_rule_files()} <= set(LANGS)
    assert len(NEGATIVES) + len(KNOWN_FAILURES) >= 40
    for lang in LANGS:
        assert sum(case["lang"] == lang for case in NEGATIVES) >= 8, lang
