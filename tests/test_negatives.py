"""Article prose that mentions boilerplate words must survive `cleaner.clean` unchanged.

Data-driven, after ftfy's `tests/test-cases/*.json`: `cases/negatives.json` holds lines of real-
looking article prose (English, German, French, Spanish) that talk about subscribing, newsletters,
free trials, "read also", cookies, copyright, sharing, apps, photos, most-read lists, pages...
Each case is set inside a small article of ordinary paragraphs in its language, so that the
context pass sees a real document, and the line must come out exactly as it went in.

`cases/known_failures.json` holds cases that fail today and are hard to fix with phrase rules
alone; each says why. They run as strict xfails: the day one passes, the suite says so and the
case moves back to `negatives.json`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import cleaner

CASES = Path(__file__).resolve().parent / "cases"
LANGS = ("en", "de", "fr", "es")

# Two paragraphs before the case and two after: long, on one topic, free of boilerplate words.
CONTEXT: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "en": (
        (
            "The city council voted on Tuesday to extend the tram line to the northern suburbs, ending a "
            "debate that had divided the coalition for almost two years.",
            "Engineers expect construction to begin next spring, and the first trams should run on the new "
            "tracks before the end of 2027 if the budget holds.",
        ),
        (
            "Residents of the northern districts have long complained that buses are slow and crowded, "
            "especially in winter when the main road is often blocked.",
            "The opposition said it would keep a close eye on costs, which have risen by a fifth since the "
            "first estimate was published.",
        ),
    ),
    "de": (
        (
            "Der Stadtrat hat am Dienstag beschlossen, die Straßenbahnlinie bis in die nördlichen Vororte zu "
            "verlängern, und damit einen Streit beendet, der die Koalition fast zwei Jahre lang beschäftigt hatte.",
            "Die Ingenieure rechnen damit, dass die Bauarbeiten im kommenden Frühjahr beginnen, und die ersten "
            "Bahnen sollen noch vor Ende 2027 auf den neuen Gleisen fahren.",
        ),
        (
            "Anwohner der nördlichen Stadtteile klagen seit Langem darüber, dass die Busse langsam und überfüllt "
            "sind, vor allem im Winter, wenn die Hauptstraße oft blockiert ist.",
            "Die Opposition kündigte an, die Kosten genau im Blick zu behalten, die seit der ersten Schätzung "
            "um ein Fünftel gestiegen sind.",
        ),
    ),
    "fr": (
        (
            "Le conseil municipal a voté mardi le prolongement de la ligne de tramway jusqu'aux communes du nord, "
            "mettant fin à un débat qui divisait la majorité depuis près de deux ans.",
            "Les ingénieurs prévoient un début des travaux au printemps prochain, et les premières rames devraient "
            "circuler sur les nouvelles voies avant la fin de l'année 2027.",
        ),
        (
            "Les habitants des quartiers nord se plaignent depuis longtemps de bus lents et bondés, surtout en "
            "hiver, quand la route principale est souvent bloquée.",
            "L'opposition a promis de surveiller de près les coûts, qui ont augmenté d'un cinquième depuis la "
            "première estimation publiée par la ville.",
        ),
    ),
    "es": (
        (
            "El pleno municipal aprobó el martes la ampliación de la línea de tranvía hasta los barrios del norte, "
            "lo que pone fin a un debate que dividía al gobierno local desde hace casi dos años.",
            "Los ingenieros prevén que las obras empiecen la próxima primavera, y los primeros tranvías deberían "
            "circular por las nuevas vías antes de que termine 2027.",
        ),
        (
            "Los vecinos de los barrios del norte se quejan desde hace tiempo de que los autobuses son lentos y van "
            "llenos, sobre todo en invierno, cuando la carretera principal suele estar cortada.",
            "La oposición aseguró que vigilará de cerca los costes, que han subido una quinta parte desde la "
            "primera estimación publicada por el ayuntamiento.",
        ),
    ),
}


def load_cases(name: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((CASES / name).read_text(encoding="utf-8"))
    return data


NEGATIVES = load_cases("negatives.json")
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
    assert len(NEGATIVES) + len(KNOWN_FAILURES) >= 40
    for lang in LANGS:
        assert sum(case["lang"] == lang for case in NEGATIVES) >= 8, lang
