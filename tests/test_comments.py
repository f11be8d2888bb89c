"""Readers' comments without bylines or buttons (`cleaner.comments.reader_replies`), and the
examples of their cues (`cleaner/data/comment_voices.toml`)."""

from __future__ import annotations

import pytest

import cleaner
from cleaner.comments import VOICE_CUES, VOICE_EVERY, reader_replies, voice, voices
from cleaner.docview import DocView, drop
from cleaner.types import Category, Decision, Strength
from tests.test_revise import comments_view

ARTICLE = [
    "The city council approved a new budget for public transport on Tuesday, after months of debate about fares.",
    "Council members said the budget would pay for forty new buses and longer opening hours at the central station.",
    "The transport budget also funds a study of a tram line, which council members have discussed for a decade.",
    "Opposition councillors argued that fares should fall before any new spending, and voted against the plan.",
    "The mayor said ridership had recovered to its level before the pandemic and would keep growing next year.",
    "A first group of the new buses is due in the spring, and the longer opening hours start in the summer.",
    "The tram study will report to the council next year, when members expect to vote on a route and a budget.",
    "Bus drivers' unions welcomed the longer hours but asked the council to hire more drivers before they start.",
]
# Replies as trafilatura leaves them: their text without the names, dates and reply buttons.
REPLIES = [
    "Great post! I had the same trouble with the buses last winter and nobody at the council listened.",
    "The tram study is long overdue, they promised it before the last election too.",
    "Ann,",
    "The forty buses were in the last budget as well. Where did those go?",
    "Thanks for sharing this, I had not seen the figures anywhere else.",
    "Fares are still too high for families.",
]


view_of = comments_view


def texts(view: DocView, decisions: dict[int, Decision]) -> list[str]:
    return [view.blocks[i].text for i in sorted(decisions)]


@pytest.mark.parametrize("cue", voices(), ids=lambda c: c.id)
def test_each_cue_matches_its_examples_and_not_its_counter_examples(cue) -> None:  # type: ignore[no-untyped-def]
    assert cue.pos and cue.neg
    for text in cue.pos:
        assert cue.pattern.search(text), (cue.id, text)
        assert voice(text) is not None, ("the gate or the word limit refuses", cue.id, text)
    for text in cue.neg:
        assert not cue.pattern.search(text), (cue.id, text)


def test_replies_under_an_article_go_from_the_first_readers_words() -> None:
    view, ann = view_of(*ARTICLE, *REPLIES)
    out = reader_replies(view, ann)
    assert texts(view, out) == REPLIES
    assert {(d.rule, d.category, d.strength) for d in out.values()} == {
        ("context.reader-replies", Category.COMMENTS, Strength.STRONG)
    }
    assert "praise" in next(iter(out.values())).reason


def test_the_library_drops_them_with_the_comments_category_and_keeps_the_article() -> None:
    text = "\n".join(ARTICLE + REPLIES)
    result = cleaner.clean(text)
    assert result.text.splitlines() == ARTICLE
    assert {r.category for r in result.removed} == {Category.COMMENTS}
    assert cleaner.clean(result.text).text == result.text  # twice = once
    kept = cleaner.clean(text, cleaner.CleanerConfig(disabled=frozenset({Category.COMMENTS})))
    assert kept.text.rstrip("\n") == text  # the category switches them off


def test_a_forum_thread_keeps_its_replies() -> None:
    view, ann = view_of(*ARTICLE, *REPLIES, forum=True)
    assert reader_replies(view, ann) == {}


def test_fewer_than_three_readers_words_take_nothing() -> None:
    lines = [r for r in REPLIES if voice(r) is None or r.startswith("Great")]
    assert sum(voice(r) is not None for r in lines) == VOICE_CUES - 2
    view, ann = view_of(*ARTICLE, *lines, "Ann,")
    assert sum(voice(r) is not None for r in [*lines, "Ann,"]) < VOICE_CUES
    assert reader_replies(view, ann) == {}


def test_readers_words_over_a_short_text_are_its_own() -> None:
    # A question and its answers, or a letters page: under VOICE_ARTICLE_WORDS words above them.
    view, ann = view_of(ARTICLE[0], *REPLIES)
    assert reader_replies(view, ann) == {}


def test_readers_words_far_apart_or_far_from_the_end_are_no_comment_section() -> None:
    filler = [f"Line {i} of the council's published budget tables for the transport department." for i in range(150)]
    gap = [f"Row {i} of the council's published budget tables for the buses." for i in range(VOICE_EVERY + 5)]
    spread = [REPLIES[0], *gap, REPLIES[2], REPLIES[4]]
    view, ann = view_of(*ARTICLE, *spread)
    assert reader_replies(view, ann) == {}  # more than VOICE_EVERY lines between two
    view, ann = view_of(*ARTICLE, *REPLIES, *filler, *filler[:20])
    assert reader_replies(view, ann) == {}  # the last cue 90 lines above the end: the text goes on
    sparse = [REPLIES[0], *filler[:55], REPLIES[2], *filler[55:110], REPLIES[4], *filler[110:140]]
    view, ann = view_of(*ARTICLE, *sparse)
    assert reader_replies(view, ann) == {}  # three cues over 143 lines: fewer than one in VOICE_SPAN


def test_a_long_thread_of_replies_names_the_piece_now_and_then() -> None:
    chat = [f"Reply {i}: the buses on route {i} were late again this morning, as every morning." for i in range(45)]
    thread = [REPLIES[0], *chat[:30], REPLIES[2], *chat[30:], REPLIES[4], REPLIES[5]]
    view, ann = view_of(*ARTICLE, *thread)
    assert texts(view, reader_replies(view, ann)) == thread  # gaps of 31 and 16 lines, 3 cues in 49


def test_a_found_comment_section_is_left_to_its_own_rule() -> None:
    view, ann = view_of(*ARTICLE, *REPLIES)
    decided = dict(ann)
    last = view.blocks[view.nonblank[-1]].index
    decided[last] = drop("context.comments", Category.COMMENTS, "a section", Strength.STRONG)
    assert reader_replies(view, decided) == {}


def test_an_advice_article_in_the_second_person_is_no_comment_section() -> None:
    advice = [
        "Once you have made your observations, survey your notes and unify your impressions into a statement.",
        "Since most reviews are brief, many writers begin with a quip; but you can introduce your review differently.",
        "Sum up or restate your thesis, or make the final judgment regarding the book, in your conclusion.",
        "You should not introduce new evidence for your argument in the conclusion of your review.",
    ]
    view, ann = view_of(*ARTICLE, *advice, *advice)
    assert reader_replies(view, ann) == {}


def test_letters_printed_in_an_article_are_no_comment_section() -> None:
    # A story that prints a letter and its answer (news-dev/dragnet R970 on whole-page text).
    letters = [
        "Dear Barack Obama,",
        "My family and I have a question about your plans for the schools in our town this year.",
        "Dear Sophia,",
        "Thank you for writing me such a thoughtful letter about your family.",
        "Hi Sophia,",
        "Sincerely,",
        "Barack",
    ]
    view, ann = view_of(*ARTICLE, *letters)
    assert reader_replies(view, ann) == {}


def test_a_run_of_names_or_handles_is_no_comment_section() -> None:
    # A social feed under a product page: handles line after line, nothing said between them.
    feed = ["Roger,", "Ann,", "Tom,", "@eclectically.jem,", "Follow us for more."]
    view, ann = view_of(*ARTICLE, *feed)
    assert reader_replies(view, ann) == {}
