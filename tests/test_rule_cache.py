"""Start-up work the rule set saves: anchored buckets compiled on first use, and the packaged rules'
parse and pattern analysis done once per pattern."""

from __future__ import annotations

import subprocess
import sys

from cleaner.rules import RuleSet, load_rules

from .test_rules import features


def test_buckets_are_compiled_for_the_first_characters_met_only() -> None:
    rules = RuleSet(load_rules())
    anchored = rules._anchored
    assert anchored._by_char == {} and anchored._default is None
    assert rules.match(*features("Skip to content")) is not None
    assert set(anchored._by_char) == {"s"} and anchored._default is None
    rules.match(*features("42 comments"))  # no bucket of its own: the rules of any first character
    assert set(anchored._by_char) == {"s", "4"} and anchored._by_char["4"] is anchored._default


def test_importing_cleaner_compiles_no_rules_and_loads_no_model() -> None:
    code = (
        "import cleaner, cleaner.rules, cleaner.models.line as line\n"
        "assert cleaner.rules.build_ruleset.cache_info().currsize == 0\n"
        "assert cleaner.rules._SHAPES == {}\n"
        "assert line.load_line_model.cache_info().currsize == 0\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
