"""Start-up work saved: anchored rule buckets compiled on first use, the packaged rules' parse and
pattern analysis and the merged expressions' compiled code kept in the user's cache
(`cleaner.usercache`, never required), jusText's stoplists read without importing it, and
`import cleaner` doing none of it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import cleaner.rules as rules_module
from cleaner import patterns, usercache
from cleaner.rules import Rule, RuleSet, load_rules

from .test_rules import all_examples, features


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty user cache, and no pattern analysis remembered in this process."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(rules_module, "_SHAPES", {})
    return tmp_path / "cleaner" / rules_module._CACHE_NAME


def matches(rules: RuleSet) -> list[str | None]:
    found = [rules.match(*features(text)) for text in all_examples()]
    return [rule.id if rule else None for rule in found]


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> list[Rule]:
        raise AssertionError("the rule files were parsed again")

    monkeypatch.setattr(rules_module, "parse_rule_file", refuse)


def test_buckets_are_compiled_for_the_first_characters_met_only() -> None:
    rules = RuleSet(load_rules())
    anchored = rules._anchored
    assert anchored._by_char == {} and anchored._default is None
    assert rules.match(*features("Skip to content")) is not None
    assert set(anchored._by_char) == {"s"} and anchored._default is None
    rules.match(*features("42 comments"))  # no bucket of its own: the rules of any first character
    assert set(anchored._by_char) == {"s", "4"} and anchored._by_char["4"] is anchored._default


def test_packaged_rules_come_back_from_the_cache_equal_and_matching_the_same(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = load_rules()
    assert cache_home.is_file()
    expected = matches(RuleSet(parsed))
    monkeypatch.setattr(rules_module, "_SHAPES", {})
    no_parsing(monkeypatch)
    cached = load_rules()
    assert cached == parsed
    assert len(rules_module._SHAPES) > 0  # the analysis came from the cache too
    assert matches(RuleSet(cached)) == expected


@pytest.mark.parametrize(
    "content",
    ["not json", "[]", '{"key": "other", "data": []}', '{"key": "KEY", "data": []}', '{"key": "KEY", "data": [{}]}'],
)
def test_an_unreadable_or_stale_cache_is_rebuilt(cache_home: Path, content: str) -> None:
    expected = load_rules()
    key = json.loads(cache_home.read_text(encoding="utf-8"))["key"]
    cache_home.write_text(content.replace("KEY", key), encoding="utf-8")
    assert load_rules() == expected
    assert json.loads(cache_home.read_text(encoding="utf-8"))["key"] == key  # written again, whole


def test_a_changed_rule_file_makes_the_cache_stale(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    load_rules()
    packaged = rules_module.packaged_rule_files()
    monkeypatch.setattr(rules_module, "packaged_rule_files", lambda: packaged[1:])  # as if a file changed
    assert {r.lang for r in load_rules()} == {p.stem for p in packaged[1:]}


def test_no_writable_cache_folder_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert len(load_rules()) > 100
    assert list(tmp_path.iterdir()) == [blocker]


def test_cache_folder_ignores_a_relative_xdg_cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert usercache.cache_dir() == tmp_path / ".cache" / "cleaner"


def test_importing_cleaner_compiles_no_rules_and_loads_no_model() -> None:
    code = (
        "import cleaner, cleaner.rules, cleaner.models.line as line\n"
        "assert cleaner.rules.build_ruleset.cache_info().currsize == 0\n"
        "assert cleaner.rules._SHAPES == {}\n"
        "assert line.load_line_model.cache_info().currsize == 0\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_importing_cleaner_imports_no_pipeline_until_a_name_is_used() -> None:
    code = (
        "import sys, cleaner\n"
        "heavy = ('numpy', 'cleaner.pipeline', 'cleaner.api', 'cleaner.rules', 'regex')\n"
        "assert not [m for m in heavy if m in sys.modules], [m for m in heavy if m in sys.modules]\n"
        "assert cleaner.__version__\n"
        "from cleaner import clean, Category\n"
        "assert 'cleaner.pipeline' in sys.modules and cleaner.clean is clean\n"
        "assert clean('Skip to content\\n\\nThe article stays.\\n').text == 'The article stays.\\n'\n"
        "assert Category('related') is cleaner.Category.RELATED\n"
        "import cleaner.pipeline, cleaner.formats\n"
        "assert cleaner.render is cleaner.formats.render  # no submodule of that name shadows it\n"
        "assert set(cleaner.__all__) <= set(dir(cleaner))\n"
        "try:\n"
        "    cleaner.no_such_name\n"
        "except AttributeError as exc:\n"
        "    assert 'no_such_name' in str(exc)\n"
        "else:\n"
        "    raise AssertionError('no AttributeError')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


PATTERNS = [
    r"(?:read|see) (?:also|more)\b.{0,40}",
    r"^(?:\d+ )?comments?$|(share|tweet)( this)?",
    r"(?=(a(?:b|c(?:d)?)?|xyz))",
    r"[^\W\d_]{3,}|\s+$",
]
SUBJECTS = ["read also: this", "12 comments", "share this", "tweet", "acd xyz", "abc", "  ", "", "Ünïcode wörds"]


def same_behaviour(a: re.Pattern[str], b: re.Pattern[str]) -> bool:
    found = [
        (m.span(), m.groups()) if m else None
        for p in (a, b)
        for s in SUBJECTS
        for m in (p.search(s), p.match(s), p.fullmatch(s))
    ]
    half = len(found) // 2
    return (a.pattern, a.flags, a.groups) == (b.pattern, b.flags, b.groups) and found[:half] == found[half:]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_compile_cached_is_re_compile_first_time_and_from_the_cache(
    pattern: str, cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = patterns.compile_cached(pattern)
    assert same_behaviour(first, re.compile(pattern))
    assert list((cache_home.parent).glob("re-*/*.json"))

    def refuse(*args: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(patterns.sre_parser, "parse", refuse)
    again = patterns.compile_cached(pattern)
    assert again is not first and same_behaviour(again, re.compile(pattern))


def test_compile_cached_rebuilds_a_broken_entry(cache_home: Path) -> None:
    pattern = PATTERNS[0]
    patterns.compile_cached(pattern)
    (entry,) = cache_home.parent.glob("re-*/*.json")
    key = json.loads(entry.read_text(encoding="utf-8"))["key"]
    for data in ([32, 1, [1, 2, 3]], [32, 0, []], "x"):
        entry.write_text(json.dumps({"key": key, "data": data}), encoding="utf-8")
        assert same_behaviour(patterns.compile_cached(pattern), re.compile(pattern))
    assert json.loads(entry.read_text(encoding="utf-8"))["data"] != "x"  # written again


def test_compile_cached_keeps_named_groups_to_re(cache_home: Path) -> None:
    compiled = patterns.compile_cached(r"(?P<word>\w+) end")
    assert compiled.groupindex == {"word": 1}
    assert not cache_home.parent.exists() or not list(cache_home.parent.glob("re-*/*.json"))


def test_rule_set_buckets_load_from_the_cache(cache_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = matches(RuleSet(load_rules()))  # fills the cache: rules and every bucket met
    monkeypatch.setattr(rules_module, "_SHAPES", {})
    no_parsing(monkeypatch)
    monkeypatch.setattr(patterns.sre_parser, "parse", lambda *args: pytest.fail("a pattern was parsed"))
    assert matches(RuleSet(load_rules())) == expected


def test_stopwords_are_justexts_lists_read_without_importing_justext() -> None:
    code = (
        "import sys\n"
        "from cleaner.topic import stopwords\n"
        "words = stopwords()\n"
        "assert 'justext' not in sys.modules and len(words) > 1000\n"
        "import justext\n"
        "from cleaner.topic import STOPLIST_LANGUAGES\n"
        "expected = frozenset().union(*(justext.get_stoplist(lang) for lang in STOPLIST_LANGUAGES))\n"
        "assert words == frozenset(w.lower() for w in expected)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_text_run_loads_no_html_model_nor_the_train_and_eval_code(tmp_path: Path) -> None:
    """Nor what only a terminal's progress bar, a peer's version or a custom block model needs, nor
    pydantic (typer 0.29 imports it to validate options: ~0.2 s of every command)."""
    (tmp_path / "small.txt").write_text("Skip to content\nThe article text stays.\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from cleaner.cli import main\n"
        f"sys.argv = ['cleaner', 'clean', {str(tmp_path / 'small.txt')!r}, '-o', {str(tmp_path / 'out')!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as exc:\n"
        "    assert exc.code in (0, None), exc.code\n"
        "heavy = {'justext', 'cleaner.evaluation.runner', 'cleaner.learn.dataset', 'cleaner.learn.mine',\n"
        "         'cleaner.html.blocks', 'rich.progress', 'importlib.metadata', 'pydantic'}\n"
        "assert heavy.isdisjoint(sys.modules), heavy & set(sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    assert (tmp_path / "out" / "small.txt").read_text(encoding="utf-8") == "The article text stays.\n"


def test_the_evaluation_package_still_offers_run_eval() -> None:
    import cleaner.evaluation as evaluation
    from cleaner.evaluation import runner

    assert evaluation.run_eval is runner.run_eval and evaluation.EvalResult is runner.EvalResult
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        evaluation.nothing  # noqa: B018


def test_compile_cached_falls_back_when_the_private_steps_change(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def gone(*args: object) -> None:
        raise AttributeError("re._compiler._code is gone")

    monkeypatch.setattr(patterns.sre_compiler, "_code", gone)
    assert same_behaviour(patterns.compile_cached(PATTERNS[0]), re.compile(PATTERNS[0]))
    monkeypatch.setattr(patterns, "KNOWN_COMPILERS", ())
    assert same_behaviour(patterns.compile_cached(PATTERNS[1]), re.compile(PATTERNS[1]))
    assert not list(cache_home.parent.glob("re-*/*.json"))  # nothing cached either way
