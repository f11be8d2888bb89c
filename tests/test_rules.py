"""Every packaged phrase rule against its own examples, and the rule-file mechanism around them.

A rule's `pos` examples must fire that rule; its `neg` examples are article prose that must fire
no rule at all (of any language: one compiled set serves every document). Examples go through the
same normalisation and word count as a line in `annotate`, so what is tested is what runs.
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

import cleaner
from cleaner import Category, CleanerConfig, RuleError, patterns
from cleaner.rules import Rule, RuleSet, Scope, build_ruleset, load_rules, packaged_rule_files, parse_rule_file
from cleaner.segment import WORD_RE, normalize

RULES = load_rules()
CASES = Path(__file__).resolve().parent / "cases"
SCOPE_RANK = {Scope.LINE: 2, Scope.PREFIX: 1, Scope.SHORT: 0}  # ties go to the scope covering more of the line


def features(example: str) -> tuple[str, int]:
    """An example line as `annotate` sees it: normalised text and word count."""
    stripped = example.strip()
    return normalize(stripped), len(WORD_RE.findall(stripped))


def firing(norm: str, words: int) -> list[Rule]:
    """Every rule that fires on a line, checked one by one (no prefilter)."""
    return [rule for rule in RULES if rule.matches(norm, words)]


def example_params(kind: str) -> list[Any]:
    return [
        pytest.param(rule, text, id=f"{rule.id}[{i}]")
        for rule in RULES
        for i, text in enumerate(rule.pos if kind == "pos" else rule.neg)
    ]


def all_examples() -> list[str]:
    """Every rule example, plus the prose of the negative case files (more lines the gate must not mislead)."""
    texts = {text for rule in RULES for text in (*rule.pos, *rule.neg)}
    for path in (CASES / "negatives").glob("*.json"):
        texts |= {case["text"] for case in json.loads(path.read_text(encoding="utf-8"))["cases"]}
    texts |= {case["text"] for case in json.loads((CASES / "known_failures.json").read_text(encoding="utf-8"))}
    return sorted(texts)


# -- each rule against its examples ------------------------------------------------------------


@pytest.mark.parametrize(("rule", "text"), example_params("pos"))
def test_positive_example_fires_its_rule(rule: Rule, text: str) -> None:
    norm, words = features(text)
    assert rule.matches(norm, words), f"{rule.id} does not fire on {norm!r} ({words} words)"


@pytest.mark.parametrize(("rule", "text"), example_params("neg"))
def test_negative_example_fires_no_rule(rule: Rule, text: str) -> None:
    norm, words = features(text)
    assert [r.id for r in firing(norm, words)] == [], f"prose {norm!r} is claimed"
    assert build_ruleset().match(norm, words) is None


PURE = RuleSet(RULES, native=False)  # the pure-Python literal gate, as without pyahocorasick


@pytest.mark.parametrize("text", all_examples())
def test_ruleset_match_agrees_with_rules_one_by_one(text: str) -> None:
    """The compiled set (prefilters, literal gate) must find the best rule that a plain loop finds,
    with the native literal search (every scope gated) and with the pure-Python one (`short` only)."""
    norm, words = features(text)
    hits = firing(norm, words)
    expected = max(hits, key=lambda r: (r.priority, SCOPE_RANK[r.scope], -r.order)) if hits else None
    for rules in (build_ruleset(), PURE):
        got = rules.match(norm, words)
        assert (got.id if got else None) == (expected.id if expected else None)


def test_literal_gate_is_native_with_pyahocorasick_and_pure_python_without(monkeypatch: pytest.MonkeyPatch) -> None:
    native = RuleSet(RULES)
    assert patterns.ahocorasick() is not None  # a dependency: the fast way is the one tested
    assert len(native.ungated_ids) < 30 < len(PURE.ungated_ids)  # natively line and prefix rules are gated too
    monkeypatch.setattr(patterns, "ahocorasick", lambda: None)
    assert RuleSet(RULES).ungated_ids == PURE.ungated_ids
    # Literals that overlap, nest and repeat: every rule owning one found is tried.
    text = "Subscribe to our newsletter: sign up for our newsletter to get the newsletter"
    assert native.match(*features(text)) == PURE.match(*features(text)) is not None


# -- the rule files as data --------------------------------------------------------------------


def test_rule_ids_are_unique() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))


def test_every_rule_explains_itself_and_has_examples() -> None:
    for rule in RULES:
        assert rule.why and "\n" not in rule.why, rule.id
        # The why is a removal's reason: one human sentence, ending with a full stop.
        assert rule.why.endswith("."), rule.id
        assert not re.search(r"[a-z)]\. [A-Z]", rule.why), f"{rule.id}: the why should be one sentence"
        assert rule.pos, f"{rule.id} has no positive example"
        assert rule.neg, f"{rule.id} has no negative example (prose it must not catch)"
        assert not set(rule.pos) & set(rule.neg), rule.id


def test_patterns_have_no_named_groups_or_backreferences() -> None:
    """All patterns of a scope are OR-ed into one expression: names would clash, numbers shift."""
    for rule in RULES:
        assert re.compile(rule.pattern).groupindex == {}, rule.id
        assert not re.search(r"\\[1-9]|\(\?P=", rule.pattern), rule.id


def test_patterns_are_written_for_the_normalised_line() -> None:
    """Lines are lower-cased before matching, so an upper-case letter in a pattern never matches."""
    for rule in RULES:
        bare = re.sub(r"\\.", "", rule.pattern)  # escapes such as \S and \W are not letters
        assert bare == bare.lower(), f"{rule.id}: pattern has upper-case letters"


def test_header_rules_are_whole_line_related_or_comment_headers() -> None:
    """The context pass extends a header over the teasers or comments below it: only whole-line labels may."""
    headers = [rule for rule in RULES if rule.header]
    assert {rule.category for rule in headers} == {Category.RELATED, Category.COMMENTS}
    for rule in headers:
        assert rule.scope is Scope.LINE and rule.category in (Category.RELATED, Category.COMMENTS), rule.id


def test_each_packaged_file_declares_its_language() -> None:
    files = packaged_rule_files()
    assert {path.stem for path in files} >= {"en", "de", "fr", "es"}
    for path in files:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert data.get("lang") == path.stem, path.name
    assert {rule.lang for rule in RULES} == {path.stem for path in files}


# -- user rule files ---------------------------------------------------------------------------

USER_RULES = r"""
lang = "house"

[[rule]]
name = "tip-line"
category = "promo"
scope = "line"
pattern = '''got a (?:news )?tip\s?\?? (?:write to|e-?mail|contact) us(?: at .{1,60})?'''
why = "The newsroom's tip-line plug closes every story on this site."
pos = ["Got a tip? Email us at tips@example.org"]
neg = ["Got a tip for the weekend? The market opens at eight, and the stalls stay until noon."]
"""

TIP = "Got a tip? Email us at tips@example.org"
ARTICLE = (
    "The city council voted on Tuesday to extend the tram line to the northern suburbs, ending a debate "
    "that had divided the coalition for almost two years.",
    "Engineers expect construction to begin next spring, and the first trams should run on the new tracks "
    "before the end of 2027 if the budget holds.",
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_rule_file_is_loaded_and_used_by_clean(tmp_path: Path) -> None:
    path = write(tmp_path, "house.toml", USER_RULES)
    config = CleanerConfig(rule_files=(path,))
    text = "\n\n".join([*ARTICLE, TIP]) + "\n"

    assert TIP in cleaner.clean(text).text.split("\n")  # no packaged rule knows this plug
    result = cleaner.clean(text, config)
    assert TIP not in result.text
    assert [(r.rule, r.category) for r in result.removed] == [("house.promo.tip-line", Category.PROMO)]
    assert all(paragraph in result.text for paragraph in ARTICLE)

    rule = build_ruleset(config.rule_files).by_id["house.promo.tip-line"]
    assert rule.matches(*features(rule.pos[0]))
    assert build_ruleset(config.rule_files).match(*features(rule.neg[0])) is None


def test_config_file_names_rule_files_relative_to_itself(tmp_path: Path) -> None:
    """What the CLI's `--config` reads: `rule_files` beside the config file."""
    write(tmp_path, "house.toml", USER_RULES)
    config = CleanerConfig.from_toml(write(tmp_path, "cleaner.toml", 'rule_files = ["house.toml"]\n'))
    assert config.rule_files == (tmp_path / "house.toml",)
    assert TIP not in cleaner.clean("\n\n".join([*ARTICLE, TIP]), config).text


GOOD_RULE = USER_RULES.split("[[rule]]", 1)[1]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param('lang = "house"\n[[rule]\nname = "x"\n', "invalid TOML", id="toml-syntax"),
        pytest.param(USER_RULES.replace('category = "promo"', 'category = "weather"'), "weather", id="category"),
        pytest.param(re.sub(r'\nwhy = ".*"', "", USER_RULES), "why", id="no-why"),
        pytest.param(re.sub(r"\npos = \[.*\]", "", USER_RULES), "positive example", id="no-pos"),
        pytest.param(USER_RULES.replace("got a (?:news", "got a (?P<kind>news"), "named groups", id="named-group"),
        pytest.param(USER_RULES.replace("got a (?:news )?", "got a (news"), "missing )", id="bad-regex"),
        pytest.param(USER_RULES.replace('scope = "line"', 'scope = "page"'), "page", id="scope"),
        pytest.param(USER_RULES.replace('name = "tip-line"', 'name = "Tip Line"'), "name", id="name"),
        pytest.param(USER_RULES + "colour = 'red'\n", "unknown key", id="unknown-key"),
        pytest.param(
            'lang = "en"\n[[rule]]' + GOOD_RULE.replace('name = "tip-line"', 'name = "share"'),
            "duplicate rule id 'en.promo.share'",
            id="duplicate-id",
        ),
        # Issue 21, item 9: each of these was a traceback (re.error, AttributeError, AssertionError,
        # RecursionError) or, for a pattern that is not a string, a character class made of it.
        pytest.param(
            USER_RULES.replace("got a (?:news", "(?i)got a (?:news"), "inline flags such as (?i)", id="inline-flag"
        ),
        pytest.param('lang = "house"\nrule = [1, 2]\n', "'rule' must be an array of tables", id="rule-not-tables"),
        pytest.param(
            USER_RULES + 'max_words = "5"\n', "max_words must be a whole number of at least 1", id="max-words"
        ),
        pytest.param(USER_RULES + "priority = 1.5\n", "priority must be a whole number", id="priority"),
        pytest.param(USER_RULES + 'header = "yes"\n', "header must be true or false", id="header"),
        pytest.param(USER_RULES + "inline = true\n", "only on a header", id="inline-without-header"),
        pytest.param(re.sub(r"pattern = .*", "pattern = [1, 2]", USER_RULES), "pattern must be a string", id="pattern"),
        pytest.param(re.sub(r"\npattern = .*", "", USER_RULES), "missing key 'pattern'", id="no-pattern"),
        pytest.param(USER_RULES.replace('pos = ["', 'pos = [1, "'), "pos must be a list of strings", id="pos-type"),
        pytest.param("lang = 5\n", "lang must be a name", id="lang"),
        pytest.param("x = " + "[" * 100_000 + "]" * 100_000, "nested too deeply", id="deep-nesting"),
        # Issue 21, item 10: a backreference never fired once merged; examples are run on load.
        pytest.param(
            USER_RULES.replace("got a (?:news )?tip", r"(got) a (?:news )?tip \1"), "backreferences", id="backref"
        ),
        # Issue 21, item 4e: (?:a+)+b took 17 s on a 29-byte line.
        pytest.param(
            USER_RULES.replace("got a (?:news )?tip", "got a (?:news )?tip(?:x+)+y"),
            "nested unbounded repeats",
            id="nested-repeat",
        ),
        pytest.param(
            USER_RULES.replace("got a (?:news )?tip", r"got a (?:news )?tip(?:\w+\s?)*!"),
            "nested unbounded repeats",
            id="nested-repeat-nullable",
        ),
        pytest.param(
            re.sub(r"pattern = .*", "pattern = '(?:got a tip.*)?'", USER_RULES),
            "matches an empty string",
            id="empty-match",
        ),
        pytest.param(
            USER_RULES.replace("got a (?:news )?tip", "got a (?&tips) tip"),
            "rule #1 (tip-line): unknown pattern fragment (?&tips); known: date_numeric, month_en, platform",
            id="unknown-fragment",
        ),
        pytest.param(
            USER_RULES.replace('pos = ["Got a tip?', 'pos = ["Got a hint?'),
            "rule #1 (tip-line): positive example 'Got a hint? Email us at tips@example.org' does not fire the rule",
            id="pos-example",
        ),
        pytest.param(
            USER_RULES.replace("neg = [", 'neg = ["Got a tip? Write to us", '),
            "rule #1 (tip-line): negative example 'Got a tip? Write to us' fires the rule",
            id="neg-example",
        ),
        pytest.param(
            USER_RULES.replace('scope = "line"', 'scope = "short"').replace("got a (?:news )?tip", "(?i:GOT A) tip"),
            "rule house.promo.tip-line: positive example 'Got a tip? Email us at tips@example.org' fires the pattern "
            "alone but not the compiled rule set",
            id="merged-miss",
        ),
    ],
)
def test_malformed_rule_file_raises_rule_error(tmp_path: Path, content: str, message: str) -> None:
    path = write(tmp_path, "broken.toml", content)
    with pytest.raises(RuleError) as info:
        cleaner.clean("Some article text.", CleanerConfig(rule_files=(path,)))
    assert message in str(info.value)
    if "duplicate" not in message:  # a clash is between two files; every other error names its file
        assert str(path) in str(info.value)


BUILT_ON = """lang = "house"
[[rule]]
name = "built-on"
category = "legal"
pattern = '''built on (?&platform)'''
why = "A credit to the software the site runs on."
pos = ["Built on Ghost", "Built on Read the Docs"]
"""


def test_a_pattern_fragment_is_shared_by_the_rule_files_and_open_to_user_files(tmp_path: Path) -> None:
    from cleaner.fragments import FRAGMENTS_FILE, fragments

    platform = fragments()["platform"]
    powered = [r for r in load_rules() if r.id.endswith(".legal.powered-by")]
    assert len(powered) == 7 and all(f"(?:{platform})" in r.pattern for r in powered)  # one list, seven languages
    assert FRAGMENTS_FILE not in {p.name for p in packaged_rule_files()}  # not a rule file
    path = write(tmp_path, "house.toml", BUILT_ON)
    text = "Frogs of the canopy are hard to count, and the survey took three years.\nBuilt on Ghost\n"
    removed = cleaner.clean(text, CleanerConfig(rule_files=(path,))).removed
    assert [(r.text, r.rule) for r in removed] == [("Built on Ghost", "house.legal.built-on")]


def test_packaged_rules_pass_the_checks_user_rules_get_on_load() -> None:
    """The load-time checks run on user files only (the packaged rules load at every start);
    this test is what lets the packaged ones skip them."""
    for path in packaged_rule_files():
        assert parse_rule_file(path, default_lang=path.stem, check=True)


def test_a_backreference_is_refused_by_parse_not_by_spelling(tmp_path: Path) -> None:
    """A conditional on a group number refers to a group as much as \\1 does; an escaped
    backslash followed by a digit does not."""
    path = write(tmp_path, "house.toml", USER_RULES.replace("got a (?:news )?tip", "(got)? a (?(1)news )?tip"))
    with pytest.raises(RuleError, match="backreferences"):
        cleaner.clean("Some article text.", CleanerConfig(rule_files=(path,)))
    literal = USER_RULES.replace("(?: at .{1,60})?", r"(?: at .{1,60})?(?:\\1)?")
    config = CleanerConfig(rule_files=(write(tmp_path, "literal.toml", literal),))
    assert TIP not in cleaner.clean("\n\n".join([*ARTICLE, TIP]), config).text


def test_missing_rule_file_raises_rule_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    with pytest.raises(RuleError, match=re.escape(str(path))):
        cleaner.clean("Some article text.", CleanerConfig(rule_files=(path,)))


def test_forget_empties_the_memo_and_matching_is_unchanged() -> None:
    rules = build_ruleset()
    norm, words = features("Read also")
    first = rules.match(norm, words)
    assert first is not None and (norm, words) in rules._memo
    rules.forget()
    assert (norm, words) not in rules._memo
    assert rules.match(norm, words) is first


def test_a_long_line_is_tried_by_a_rule_whose_word_limit_allows_it(tmp_path: Path) -> None:
    """Lines over 300 characters and over every `prefix`/`short` rule's word limit are matched by
    none and skipped: the limit is the set's own (here 200 words), not the packaged rules'."""
    path = tmp_path / "long.toml"
    path.write_text(
        '[[rule]]\nname = "long-promo"\ncategory = "promo"\nscope = "short"\nmax_words = 200\n'
        'pattern = "zebra offer"\nwhy = "A test."\npos = ["zebra offer"]\n',
        encoding="utf-8",
    )
    for native in (True, False):
        rules = RuleSet(parse_rule_file(path), native=native)
        norm, words = features("word " * 150 + "zebra offer")
        assert len(norm) > 300 and words == 152
        assert rules.match(norm, words) is not None
        assert rules.match(*features("word " * 200 + "zebra offer")) is None


def test_an_ungated_short_rule_is_searched_only_in_lines_that_can_hold_it(tmp_path: Path) -> None:
    """A `short` rule without selective literals is searched only in a line starting as one of its
    anchored branches can, or holding a literal of each other branch (`patterns.pregate`)."""
    assert patterns.pregate(r"^(?:ab|cd)\d|\bzq\d") == (frozenset("ac"), ("zq",))
    assert patterns.pregate(r"^\w+ x|zq") is None  # a branch that may start anywhere
    assert patterns.pregate(r"\d+") is None  # a branch with no literal
    path = tmp_path / "short.toml"
    path.write_text(
        '[[rule]]\nname = "code"\ncategory = "legal"\nscope = "short"\n'
        'pattern = "^(?:ab|cd)\\\\d|\\\\bzq\\\\d"\nwhy = "A test."\npos = ["ab1 x", "x zq2"]\n',
        encoding="utf-8",
    )
    for native in (True, False):
        rules = RuleSet(parse_rule_file(path, check=True), native=native)
        assert rules.ungated_ids == ("user.legal.code",)
        found = [rules.match(*features(t)) is not None for t in ("ab1 x", "cd2", "x zq2", "x ab1", "bzq2", "zq x")]
        assert found == [True, True, True, False, False, False]
