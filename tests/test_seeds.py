"""The five seed pages: gold.json line by line, then snapshots of the full output.

gold.json is checked directly because a snapshot alone can pin a wrong answer.
"""

from __future__ import annotations

import json

import pytest

import cleaner
from tests.conftest import SEEDS

GOLD = json.loads((SEEDS / "gold.json").read_text(encoding="utf-8"))
SEED_FILES = sorted(k for k in GOLD if not k.startswith("_"))


def test_all_seed_files_are_present() -> None:
    assert len(SEED_FILES) == 5
    assert all((SEEDS / name).is_file() for name in SEED_FILES)


@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_matches_gold(name: str) -> None:
    text = (SEEDS / name).read_text(encoding="utf-8")
    gold = GOLD[name]
    must_drop = {int(k): v for k, v in gold["drop"].items()}
    either = set(gold["either"])
    result = cleaner.clean(text)
    dropped: dict[int, str] = {}
    for removal in result.removed:
        for line in range(removal.lines[0], removal.lines[1] + 1):
            dropped[line] = removal.category.value
    kept = set(result.text.split("\n"))
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip() or number in either:
            continue
        if number in must_drop:
            if dropped.get(number) != must_drop[number]:
                problems.append(f"line {number} should go as {must_drop[number]}, got {dropped.get(number)}: {line!r}")
        elif number in dropped or line not in kept:
            problems.append(f"line {number} should stay unchanged, was removed as {dropped.get(number)}: {line!r}")
    assert not problems, "\n".join(problems)
    assert not result.guard_fired


@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_snapshot(name: str, snapshot: object) -> None:
    result = cleaner.clean((SEEDS / name).read_text(encoding="utf-8"))
    assert {"text": result.text, "removed": [r.to_dict() for r in result.removed]} == snapshot


@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_clean_is_idempotent(name: str) -> None:
    once = cleaner.clean((SEEDS / name).read_text(encoding="utf-8"))
    twice = cleaner.clean(once.text)
    assert twice.text == once.text
    assert twice.removed == []
