"""The library contract: CleanResult's shape, line endings, blanks, config, errors."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

import cleaner
from cleaner import Category, CleanerConfig, ConfigError
from tests.conftest import SEEDS

PROSE = (
    "The council approved the new budget on Tuesday after a long debate about school funding, "
    "road repairs and the cost of running the city's two public libraries."
)
PROSE2 = (
    "Officials said the plan would be reviewed again in spring, when the first figures on tax "
    "receipts are published and the mayor presents her report to residents."
)


def doc(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def test_removes_whole_lines_and_reports_spans() -> None:
    text = doc("Skip to content", "", PROSE, "", "Get the newsletter", "", PROSE2)
    result = cleaner.clean(text)
    assert result.text == doc(PROSE, "", PROSE2)
    assert [(r.lines, r.category) for r in result.removed] == [
        ((1, 1), Category.NAVIGATION),
        ((5, 5), Category.NEWSLETTER),
    ]
    for r in result.removed:
        assert r.rule and r.reason and r.text == text.split("\n")[r.lines[0] - 1]


def test_consecutive_lines_of_one_rule_form_one_span() -> None:
    text = doc(PROSE, "", "Share this article", "Follow us on Instagram", "", PROSE2)
    spans = [r.lines for r in cleaner.clean(text).removed]
    assert spans == [(3, 3), (4, 4)]  # two rules, two spans
    text = doc(PROSE, "", "Advertisement", "Advertisement", "", PROSE2)
    assert [r.lines for r in cleaner.clean(text).removed] == [(3, 4)]


def test_blank_runs_left_by_removals_collapse_but_authors_blanks_stay() -> None:
    text = doc(PROSE, "", "Advertisement", "", PROSE2, "", "", PROSE)
    assert cleaner.clean(text).text == doc(PROSE, "", PROSE2, "", "", PROSE)


def test_no_leading_or_trailing_blank_lines_and_final_newline() -> None:
    result = cleaner.clean("\n\nSkip to content\n\n" + PROSE + "\n\n\n")
    assert result.text == PROSE + "\n"
    assert cleaner.clean("").text == ""
    assert cleaner.clean("\n\n  \n").text == ""
    assert cleaner.clean(PROSE).text == PROSE + "\n"


def test_crlf_line_endings_are_preserved() -> None:
    text = "Skip to content\r\n\r\n" + PROSE + "\r\n\r\n" + PROSE2 + "\r\n"
    result = cleaner.clean(text)
    assert result.text == PROSE + "\r\n\r\n" + PROSE2 + "\r\n"
    assert result.removed[0].text == "Skip to content"
    assert cleaner.clean("Skip to content\r\n" + PROSE).text == PROSE + "\r\n"


def test_a_text_broken_by_carriage_returns_alone_is_cleaned_line_by_line() -> None:
    # Classic Mac line breaks: read as one line, a long text lost nothing and a short one went whole
    # (a sign-up call in a line of at most 25 words takes the line).
    text = "Skip to content\r" + PROSE + "\rSign up for our newsletter\r" + PROSE2 + "\r"
    result = cleaner.clean(text)
    assert result.text == PROSE + "\r" + PROSE2 + "\r"
    assert [r.text for r in result.removed] == ["Skip to content", "Sign up for our newsletter"]
    assert [r.lines for r in result.removed] == [(1, 1), (3, 3)]  # lines between the breaks
    assert any("carriage returns alone" in w for w in result.warnings)
    assert cleaner.clean(result.text).text == result.text
    short = cleaner.clean("Sign up for our newsletter\rThe council met on Tuesday.\r")
    assert short.text == "The council met on Tuesday.\r"
    for quiet in ("Skip to content\r\n" + PROSE, PROSE + "\r", PROSE):  # CRLF, one trailing CR, no breaks
        assert not any("carriage returns" in w for w in cleaner.clean(quiet).warnings)


def test_kept_lines_are_unchanged_including_whitespace() -> None:
    line = "   " + PROSE + "  "
    assert cleaner.clean(doc(line)).text == doc(line)


def test_disabled_category_is_kept() -> None:
    text = doc(PROSE, "", "Read also:", "", "Another Story About Something Else", "", PROSE2)
    assert "Read also:" not in cleaner.clean(text).text
    kept = cleaner.clean(text, disabled={"related"})
    assert kept.text == text
    assert cleaner.clean(text, CleanerConfig(disabled=frozenset({Category.RELATED}))).text == text


COMMENT_SECTION = (
    "2 comments",
    "I have met very few millionaires, but the ones I met were kind and shockingly human to everyone.",
    "by james on January 31, 2011 at 9:59 am",
    "Great post, certainly there is a pattern here.",
    "by Damien on January 31, 2011 at 10:12 am",
)


def test_comments_go_under_an_article_stay_in_a_forum_and_when_switched_off() -> None:
    text = doc(PROSE, PROSE2, *COMMENT_SECTION)
    cleaned = cleaner.clean(text, url="https://blog.example.com/2011/01/startup-hubris")
    assert cleaned.text == doc(PROSE, PROSE2)
    assert cleaned.by_category() == {"comments": len(COMMENT_SECTION)}
    forum = cleaner.clean(text, url="https://forum.example.com/t/startup-hubris/4711")
    assert forum.text == doc(PROSE, PROSE2, *COMMENT_SECTION[1:])  # the posts stay, the counter goes
    assert cleaner.clean(text, disabled={"comments"}).text == text


def test_disabled_rule_ids_and_prefixes() -> None:
    text = doc("Skip to content", "", PROSE)
    assert cleaner.clean(text, disabled_rules={"en.navigation.skip-link"}).text == text
    assert cleaner.clean(text, disabled_rules={"en.navigation."}).text == text
    assert cleaner.clean(text, disabled_rules={"en.legal."}).text == doc(PROSE)


def test_a_renamed_rule_is_switched_off_by_its_old_id_too() -> None:
    text = doc("Please enable JavaScript to view the site.", "", PROSE)
    assert cleaner.clean(text).text == doc(PROSE)
    assert cleaner.clean(text, disabled_rules={"en.navigation.browser-notice"}).text == text
    assert (
        cleaner.clean(text, disabled_rules={"en.navigation.enable-javascript"}).text == text
    )  # its id till 2026-12-07


def test_config_is_immutable_and_validates() -> None:
    config = CleanerConfig()
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.guard = False  # type: ignore[misc]
    with pytest.raises(ConfigError, match="unknown setting"):
        cleaner.clean("x", no_such_setting=1)
    with pytest.raises(ConfigError, match="unknown category"):
        CleanerConfig(disabled=frozenset({"ads"}))  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="guard_keep_ratio"):
        CleanerConfig(guard_keep_ratio=2.0)


def test_config_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "cleaner.toml"
    path.write_text('disabled = ["promo"]\nguard = false\n', encoding="utf-8")
    config = CleanerConfig.from_toml(path)
    assert config.disabled == frozenset({Category.PROMO}) and config.guard is False
    path.write_text("disabled = [", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"cleaner\.toml"):
        CleanerConfig.from_toml(path)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("max_passes = 1e9", "max_passes must be a whole number of at least 1, got 1000000000.0"),
        ("model = 5", "model must be"),
        ("html_model = []", "html_model must be"),
        ("rule_files = [1]", "rule_files must be a list of paths, got an item 1"),
        ("disabled_rules = [1, 2]", "disabled_rules must be a list of rule ids, got an item 1"),
        ('guard_min_words = "abc"', "guard_min_words must be a whole number"),
        ('guard = "no"', "guard must be true or false, got 'no'"),
        ("teaser_max_words = 2.5", "teaser_max_words must be a whole number"),
        ("model_max_lines = -1", "model_max_lines must be a whole number of at least 0"),
        ('guard_keep_ratio = "x"', "guard_keep_ratio must be within 0..1"),
        ('model_threshold = "x"', "model_threshold must lie strictly between 0 and 1"),
        ("disabled = { a = 1 }", "disabled must be a list"),
        ("site_host = 5", "site_host must be a host name"),
        ("x = " + "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_config_values_of_the_wrong_type_are_one_error_naming_the_file_and_key(
    tmp_path: Path, line: str, message: str
) -> None:
    """Issue 21, item 9: each of these was a TypeError, an AttributeError or a RecursionError (or,
    for `guard = "no"`, silently true); now one ConfigError the CLI prints as one line."""
    path = tmp_path / "cleaner.toml"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        cleaner.clean("Some article text.", CleanerConfig.from_toml(path))
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_one_bare_value_counts_as_a_list_of_one(tmp_path: Path) -> None:
    """`disabled = "related"` was read letter by letter ("unknown category 'r'")."""
    path = tmp_path / "cleaner.toml"
    path.write_text('disabled = "related"\ndisabled_rules = "en.legal."\nrule_files = "house.toml"\n', encoding="utf-8")
    config = CleanerConfig.from_toml(path)
    assert config.disabled == frozenset({Category.RELATED})
    assert config.disabled_rules == frozenset({"en.legal."})
    assert config.rule_files == (tmp_path / "house.toml",)


def test_numbers_from_python_are_checked_like_the_toml_ones() -> None:
    with pytest.raises(ConfigError, match="max_passes"):
        CleanerConfig(max_passes=2.0)  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="guard must be true or false"):
        CleanerConfig(guard=1)  # type: ignore[arg-type]
    assert CleanerConfig(guard_keep_ratio=1, max_passes=3).guard_keep_ratio == 1.0
    assert CleanerConfig(model=Path("m.json")).model == "m.json"


def test_non_str_input_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="decode bytes first"):
        cleaner.clean(b"bytes")  # type: ignore[arg-type]


def test_title_marks_repeats_but_keeps_first_occurrence() -> None:
    title = "Council Approves Budget After Long Debate"
    text = doc(title, "", PROSE, "", title, "", PROSE2, "", title + " | The Example Times")
    result = cleaner.clean(text, title=title + " - The Example Times")
    assert result.text == doc(title, "", PROSE, "", PROSE2)
    assert {r.category for r in result.removed} == {Category.DUPLICATE_HEADLINE}


def test_every_removal_has_category_rule_and_reason() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        for r in cleaner.clean(path.read_text(encoding="utf-8")).removed:
            assert isinstance(r.category, Category)
            assert r.rule and r.reason.endswith(".")
            assert r.lines[0] <= r.lines[1]


def test_clean_warns_when_given_an_html_page() -> None:
    """Text mode on a page changes nothing and must say why (issue 20, item 5)."""
    page = "<!doctype html>\n<html><head><title>x</title></head>\n<body><p>Hello there.</p></body></html>\n"
    assert any("clean_html" in w for w in cleaner.clean(page).warnings)
    assert not cleaner.clean("The <html> element is the root of a page.\n").warnings
    assert cleaner.html.looks_like_html(b"\xef\xbb\xbf  <!-- a comment -->\n<HTML lang=en>")


def test_text_mode_has_the_per_document_time_limit() -> None:
    """A text that takes longer than html_timeout fails alone, as a slow page does (issue 21, item 4e)."""
    from cleaner.api import TextTimeout

    big = "\n\n".join(
        f"Paragraph {i} of a long text about the harbour and its boats, told again." for i in range(20_000)
    )
    with pytest.raises(TextTimeout, match="html_timeout"):
        cleaner.clean(big, html_timeout=0.001)
    # the rules and models are built before the clock starts: a short text is well within 0.05 s
    cleaner.rules.build_ruleset.cache_clear()
    assert cleaner.clean("A short text about the harbour.\n", html_timeout=0.05).text


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: cleaner.clean(PROSE, url=123), "clean() takes url as str or None, not int"),  # type: ignore[arg-type]
        (lambda: cleaner.clean(PROSE, title=5), "clean() takes title as str or None, not int"),  # type: ignore[arg-type]
        (
            lambda: cleaner.clean_html("<p>x</p>", url=b"https://a.example/"),
            "clean_html() takes url as str or None, not bytes",
        ),  # type: ignore[arg-type]
    ],
    ids=["clean-url", "clean-title", "clean_html-url"],
)
def test_a_url_or_title_of_another_type_is_a_type_error_naming_it(call: Any, message: str) -> None:
    # Before: AttributeError from deep inside ("'int' object has no attribute 'decode'").
    with pytest.raises(TypeError, match=re.escape(message)):
        call()
