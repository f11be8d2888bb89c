"""The matching machinery: pattern analysis must be sound, or the fast path would lose hits."""

from __future__ import annotations

import re

import pytest

from cleaner.patterns import first_chars, required_literals, selective, top_level_branches, trie_pattern


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("abc", {"abc"}),
        ("(?:get|receive) the newsletter", {" the newsletter"}),
        ("(?:subscribe|sign up) now", {"ubscribe", "ign up"}),  # the parser factors out the common 's'
        ("news ?letter", {"letter"}),
        ("a?b?", None),
        (r"\d+ comments?", {" comment"}),
        ("(?:ab|cd)(?:efgh|ijkl)", {"efgh", "ijkl"}),
    ],
)
def test_required_literals(pattern: str, expected: set[str] | None) -> None:
    assert required_literals(pattern) == expected


def test_required_literals_prefers_selective_sets() -> None:
    # {'©', '(c)'} is rarer in text than {'afp', 'dpa'}, although shorter.
    assert required_literals(r"(?:©|\(c\)) ?(?:afp|dpa)") == {"©", "(c)"}


def test_required_literals_pass_over_common_words() -> None:
    # " the" is as long as " app", but nearly every line of English holds it: a gate on it would
    # send most lines to the rule's regex (it took a fifth of the gate's hits on trafilatura's text).
    assert required_literals(r"(?:download|get) the(?: free)?(?: \w+)? app(?:s)?\b") == {" app"}
    # a common word inside a longer literal is no reason to pass it over
    assert required_literals(r"read the full story") == {"read the full story"}


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("read (?:also|more)", frozenset("r")),
        (r"\(?(?:photo|image)", frozenset("(pi")),
        ("(?:a|b)?c", frozenset("abc")),
        (r"\w+ comments", None),
        ("[^a]bc", None),
        (r"\bhome", frozenset("h")),
        ("x?", None),
    ],
)
def test_first_chars(pattern: str, expected: frozenset[str] | None) -> None:
    assert first_chars(pattern) == expected


def test_top_level_branches_respect_groups_classes_and_escapes() -> None:
    assert top_level_branches(r"a|b(c|d)|[|x]|e\|f|[]|]|[^]|]|g") == [
        "a",
        "b(c|d)",
        "[|x]",
        r"e\|f",
        "[]|]",
        "[^]|]",
        "g",
    ]


def test_trie_pattern_finds_every_word_and_only_words() -> None:
    words = ["ab", "abc", "b", "bcd", "newsletter", "letter", "a.b"]
    trie = re.compile(f"(?=({trie_pattern(words)}))")
    found = {m.group(1) for m in trie.finditer("xx abcd newsletter a.b")}
    assert found == {"abc", "b", "bcd", "newsletter", "letter", "a.b"}  # 'ab' is a prefix of 'abc' there
    assert re.compile(trie_pattern(words)).search("zzz a-x lettuce") is None


def test_selective() -> None:
    assert selective(" app") and selective("newsletter") and selective("©")
    assert not selective(" to ") and not selective("ad") and not selective(" ")
