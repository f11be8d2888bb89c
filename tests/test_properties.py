"""Properties over generated documents: subsequence, idempotence, determinism, spans, no crash."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cleaner
from cleaner.config import CleanerConfig

ARTICLE = [
    "The committee met for three hours on Monday and agreed to publish its findings in the spring.",
    "Residents have complained for years about the noise from the quarry, which operates six days a week.",
    "A spokesperson for the company said it would respond to the report once it had studied the details.",
    "Sales of electric cars rose by a fifth last year, according to figures released by the industry body.",
    "Der Stadtrat hat am Dienstag nach langer Debatte einen neuen Haushalt für den Nahverkehr beschlossen.",
    "Le conseil municipal a adopté mardi un nouveau budget pour les transports après des mois de débat.",
]
BOILERPLATE = [
    "Skip to content",
    "Read also:",
    "You may like",
    "Get the newsletter",
    "Start your 7-day free trial now",
    "Share this article",
    "Advertisement",
    "World | Asia | Defense",
    "Credit: Example Photo Agency",
    "© 2024 Example Media. All rights reserved.",
    "error: This content is protected !!",
    "Committee Publishes Quarry Noise Findings",
    "Committee Publishes Quarry Noise Findings",
    "Newsletter",
    "Lesen Sie auch:",
]
ODD = st.text(
    alphabet=st.characters(
        codec="utf-8",
        categories=["L", "M", "N", "P", "S", "Zs", "Cf"],
        include_characters="\u200b\u200d\u202e\u0301\ufeff\t",
    ),
    max_size=60,
)
LINE = st.one_of(st.sampled_from(ARTICLE), st.sampled_from(BOILERPLATE), st.just(""), st.just("   "), ODD)
ENDING = st.sampled_from(["\n", "\r\n"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = draw(st.lists(LINE, max_size=30))
    return draw(ENDING).join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))


FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _is_subsequence(small: list[str], big: list[str]) -> bool:
    it = iter(big)
    return all(any(x == y for y in it) for x in small)


@FAST
@given(documents())
def test_output_lines_are_a_subsequence_of_input_lines(text: str) -> None:
    out = cleaner.clean(text).text
    # A line's '\r' is its (CRLF) ending, not its content: a last line gains the input's ending.
    out_lines = [line.rstrip("\r") for line in out.split("\n")[:-1]] if out else []
    assert _is_subsequence(out_lines, [line.rstrip("\r") for line in text.split("\n")])


@FAST
@given(documents())
def test_cleaning_twice_changes_nothing(text: str) -> None:
    once = cleaner.clean(text)
    assert cleaner.clean(once.text).text == once.text


@FAST
@given(documents())
def test_cleaning_twice_changes_nothing_when_the_passes_run_out(text: str) -> None:
    """With one pass only, the first clean leaves work for a second (a repeated breadcrumb found
    once its first copy went): the pipeline settles its output, as it does when the line model
    takes a few more lines on every one of the default eight passes (wcxb-dev 3000)."""
    config = CleanerConfig(max_passes=1)
    once = cleaner.clean(text, config)
    assert cleaner.clean(once.text, config).text == once.text


def test_a_clean_whose_passes_ran_out_is_settled() -> None:
    config = CleanerConfig(max_passes=1)
    once = cleaner.clean("World | Asia | Defense\nWorld | Asia | Defense", config)
    assert cleaner.clean(once.text, config).text == once.text


@FAST
@given(documents())
def test_deterministic(text: str) -> None:
    a, b = cleaner.clean(text), cleaner.clean(text)
    assert a.text == b.text and a.removed == b.removed


@FAST
@given(documents())
def test_removal_spans_match_the_input(text: str) -> None:
    lines = text.split("\n")
    result = cleaner.clean(text)
    for r in result.removed:
        first, last = r.lines
        assert 1 <= first <= last <= len(lines)
        assert r.text == "\n".join(line.rstrip("\r") for line in lines[first - 1 : last])
    removed = {n for r in result.removed for n in range(r.lines[0], r.lines[1] + 1)}
    kept_nonblank = [line.rstrip("\r") for n, line in enumerate(lines, 1) if n not in removed and line.strip()]
    assert [line.rstrip("\r") for line in result.text.split("\n") if line.strip()] == kept_nonblank


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_str_is_accepted(text: str) -> None:
    result = cleaner.clean(text)
    assert isinstance(result.text, str)
    assert cleaner.clean(result.text).text == result.text


# -- the same properties with the learned line model on ------------------------------------------


@FAST
@given(documents())
def test_with_the_model_output_is_a_subsequence_and_stable(text: str) -> None:
    once = cleaner.clean(text, model="builtin")
    out_lines = [line.rstrip("\r") for line in once.text.split("\n")[:-1]] if once.text else []
    assert _is_subsequence(out_lines, [line.rstrip("\r") for line in text.split("\n")])
    assert cleaner.clean(once.text, model="builtin").text == once.text
    again = cleaner.clean(text, model="builtin")
    assert again.text == once.text and again.removed == once.removed
