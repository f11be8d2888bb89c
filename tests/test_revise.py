"""Unit tests of the context pass, one structural signal at a time (jusText leaves this untested)."""

from __future__ import annotations

import pytest

from cleaner.annotate import annotate
from cleaner.comments import _comment_marker, comment_sections
from cleaner.config import CleanerConfig
from cleaner.pipeline import ruleset_for
from cleaner.revise import (
    DocView,
    archive_lists,
    breadcrumbs,
    crumb_parts,
    headlines,
    lead_ins,
    related_blocks,
    revise,
    sandwiches,
)
from cleaner.segment import segment
from cleaner.types import Category, Decision, Stage, Strength

CONFIG = CleanerConfig()
RULES = ruleset_for(CONFIG)

ARTICLE = [
    "The city council approved a new budget for public transport on Tuesday, after months of debate about fares.",
    "Council members said the budget would pay for forty new buses and longer opening hours at the central station.",
    "The transport budget also funds a study of a tram line, which council members have discussed for a decade.",
]
TEASERS = [
    "Chef Reveals the Secret of Perfect Sourdough",
    "Baking bread at home became a craze during lockdown, and bakers still argue about flour, water and patience.",
    "Ten Beaches You Should Visit Before Summer Ends",
    "From quiet coves to crowded promenades, these beaches offer sunshine, seafood and clear water all season.",
]


def view_of(*lines: str, title: str | None = None) -> tuple[DocView, dict[int, Decision]]:
    blocks = segment("\n\n".join(lines))
    return DocView(blocks, CONFIG, title), annotate(blocks, RULES)


def lines_of(view: DocView, decisions: dict[int, Decision]) -> list[str]:
    return [view.blocks[i].text for i in sorted(decisions)]


# -- breadcrumbs


def test_crumb_parts_split_on_common_separators() -> None:
    assert crumb_parts("World | Asia | Defense") == ["World", "Asia", "Defense"]
    assert crumb_parts("Home › News › Politics") == ["Home", "News", "Politics"]
    assert crumb_parts("Britain and Japan sign defense deals – The Diplomat") == [
        "Britain and Japan sign defense deals – The Diplomat"
    ]


def test_isolated_crumb_row_is_navigation() -> None:
    view, ann = view_of("World | Asia | Defense", *ARTICLE)
    out = breadcrumbs(view, ann)
    assert lines_of(view, out) == ["World | Asia | Defense"]
    assert next(iter(out.values())).category is Category.NAVIGATION


def test_code_bylines_and_model_lists_are_not_crumbs() -> None:
    for line in [
        'if [ "$1" = "" ] || [ "$2" = "" ] || exit 1',
        "Jane Doe | Senior Writer | July 2, 2025",
        "Best overall / ANC earbuds - Soundcore P31i / R60i NC",
    ]:
        view, ann = view_of(line, *ARTICLE)
        assert breadcrumbs(view, ann) == {}, line


def test_a_stutter_is_a_heading_twice_in_a_row_not_a_repeated_reply() -> None:
    view, ann = view_of(*ARTICLE, "A Portrait of the Old Harbour", "A Portrait of the Old Harbour", ARTICLE[1])
    assert [d.rule for d in headlines(view, ann).values()] == ["structure.repeated-line"]
    view, ann = view_of(*ARTICLE, "Have you considered IEMs?", "Have you considered IEMs?", ARTICLE[1])
    assert headlines(view, ann) == {}


def test_table_rows_and_title_suffixes_are_not_crumbs() -> None:
    view, ann = view_of(*ARTICLE, "Year | Revenue | Profit", "2021 | 10 | 2", "2022 | 12 | 3", "Headline | Site Name")
    assert breadcrumbs(view, ann) == {}


# -- headlines


def test_repeated_headline_goes_and_first_occurrence_stays() -> None:
    head = "Council Approves Transport Budget After Months of Debate"
    view, ann = view_of(head, ARTICLE[0], head, ARTICLE[1], head.upper(), ARTICLE[2])
    out = headlines(view, ann)
    assert sorted(out) == [4, 8]
    assert all(d.category is Category.DUPLICATE_HEADLINE for d in out.values())


def test_near_identical_headline_variant_goes_but_a_paraphrase_stays() -> None:
    head = "Council approves the new transport budget after months of debate"
    variant = "Council approves new transport budget after months of debate"
    paraphrase = "After a long debate, councillors back spending on buses"
    view, ann = view_of(head, ARTICLE[0], variant, paraphrase, ARTICLE[1])
    assert lines_of(view, headlines(view, ann)) == [variant]


def test_repeats_far_from_the_top_are_not_headlines() -> None:
    sub = "What the new budget means for commuters"
    view, ann = view_of(*ARTICLE, *ARTICLE, *ARTICLE, sub, ARTICLE[0], sub)
    assert headlines(view, ann) == {}


def test_title_suffix_variants_match() -> None:
    view, ann = view_of(
        "Council Approves Transport Budget", ARTICLE[0], "Council Approves Transport Budget | Daily Example"
    )
    assert sorted(headlines(view, ann)) == [4]


def test_code_naming_the_page_is_not_a_copy_of_its_headline() -> None:
    # A documentation page titled with a target's name repeats it in its configuration samples.
    view, ann = view_of(
        "riscv64gc-unknown-linux-musl",
        "Tier 2 target for RISC-V Linux systems using musl, built on the GNU toolchain and tested.",
        'target = ["riscv64gc-unknown-linux-musl"]',
        "[target.riscv64gc-unknown-linux-musl]",
        "Markup('<strong>hello</strong>')",
        "Markup('<strong>hello</strong>')",
    )
    assert headlines(view, ann) == {}
    # An API page opening with a signature: its first heading-sized line, not a headline, and
    # nothing repeated under it goes (not the notice each method carries).
    notice = "This is a nightly-only experimental API (mapped_lock_guards)"
    view, ann = view_of("pub struct MappedRwLockReadGuard<'a, T>", notice, ARTICLE[0], notice, ARTICLE[1])
    assert headlines(view, ann) == {}


def test_kicker_above_a_confirmed_headline_is_navigation() -> None:
    head = "Council Approves Transport Budget After Months of Debate"
    view, ann = view_of("City Hall", head, ARTICLE[0], head, ARTICLE[1])
    out = headlines(view, ann)
    assert out[0].category is Category.NAVIGATION and out[0].rule == "structure.kicker"
    assert out[0].strength is Strength.WEAK


def test_no_kicker_without_a_confirmed_headline() -> None:
    view, ann = view_of("City Hall", "Council Approves Transport Budget After Months of Debate", *ARTICLE)
    assert headlines(view, ann) == {}


# -- related blocks


MORE = [
    "Opposition councillors argued that fares should fall before any new spending, and voted against the plan.",
    "The mayor said ridership had recovered to its level before the pandemic and would keep growing next year.",
]


def test_related_header_takes_headlines_and_off_topic_summaries() -> None:
    view, ann = view_of(*ARTICLE, *MORE, "Read also:", *TEASERS)
    out = related_blocks(view, ann, RULES)
    assert lines_of(view, out) == TEASERS
    assert all(d.category is Category.RELATED and d.rule == "context.teaser" for d in out.values())


def test_a_read_more_button_is_not_a_header() -> None:
    view, ann = view_of(*ARTICLE, "Read more", *TEASERS)
    assert lines_of(view, ann) == ["Read more"]
    assert related_blocks(view, ann, RULES) == {}


def test_a_header_repeated_on_every_card_is_a_button_not_a_header() -> None:
    view, ann = view_of(*ARTICLE, "Read next", TEASERS[0], "Read next", TEASERS[2], "Read next", TEASERS[0])
    assert related_blocks(view, ann, RULES) == {}


def test_related_block_stops_where_the_article_resumes() -> None:
    resume = "Council members said the new buses would arrive next spring, and the station hours change in May."
    view, ann = view_of(ARTICLE[0], ARTICLE[1], "You may like", resume, ARTICLE[2])
    assert related_blocks(view, ann, RULES) == {}


def test_related_block_gives_back_a_section_heading_before_on_topic_prose() -> None:
    heading = "Council Budget for Buses"
    resume = "The council budget for buses will grow again next year, council members said after the budget vote."
    view, ann = view_of(*ARTICLE, "Related", TEASERS[0], heading, resume)
    assert lines_of(view, related_blocks(view, ann, RULES)) == [TEASERS[0]]


def test_prose_after_a_single_teaser_is_the_article_resuming() -> None:
    resume = (
        "Council members said the money would pay for forty new buses and longer opening hours at the "
        "central station, which commuters have asked for."
    )
    view, ann = view_of(ARTICLE[0], ARTICLE[1], "Read also:", TEASERS[2], resume)
    assert lines_of(view, related_blocks(view, ann, RULES)) == [TEASERS[2]]


def test_a_lone_summary_with_prose_under_it_is_an_articles_lead() -> None:
    """A sidebar's header standing above the article in the page's text ("More Latest News", news-dev
    l3s-gn1): under it the article's headline and byline read as teaser headlines and its lead,
    whose words the rest of the story barely repeats, as a summary; the body's prose right under the
    lead says it is the article's (two summaries or more would be a teaser run ending in prose)."""
    lead = "A police officer crashed his cruiser into a car driving the wrong way on the highway on Thursday."
    body = [
        "About four in the morning, a member of the road patrol spotted the vehicle east of the exit.",
        "After attempts to stop it failed, the officer put himself in front of it and stopped the driver.",
    ]
    head = ["More Latest News", "Wrong-Way Driver Halted", "By Erin Hitchcock, Burnaby Now", lead]
    view, ann = view_of(*ARTICLE, *head, *body)
    assert lead not in lines_of(view, related_blocks(view, ann, RULES))
    # a teaser run of two summaries ending in prose stays a teaser run
    view, ann = view_of(*ARTICLE, *MORE, "Read also:", *TEASERS, *body)
    assert lines_of(view, related_blocks(view, ann, RULES)) == TEASERS


def test_a_listing_keeps_the_teasers_under_its_headers() -> None:
    # A listing page is teasers from the top: above its "Latest articles" stand headlines and
    # summaries in turn, not an article's last paragraphs, so what follows is the listing too.
    listing = [TEASERS[0], TEASERS[1], TEASERS[2], TEASERS[3]]
    view, ann = view_of(*listing, "Latest articles", "Council Votes on the Tram Line", "Mayor Opens the New Station")
    assert lines_of(view, ann) == ["Latest articles"]
    assert related_blocks(view, ann, RULES) == {}


def test_read_also_takes_its_teasers_in_a_text_of_one_paragraph() -> None:
    """'Read also' only ever stands inside an article (`inline = true`): a news brief of one
    paragraph loses the teasers under it, while a listing keeps those under 'Latest articles'."""
    brief = ARTICLE[0]
    view, ann = view_of(brief, "Read also:", TEASERS[0], TEASERS[2])
    assert lines_of(view, related_blocks(view, ann, RULES)) == [TEASERS[0], TEASERS[2]]
    view, ann = view_of(brief, "Latest articles", TEASERS[0], TEASERS[2])
    assert related_blocks(view, ann, RULES) == {}


def test_a_story_in_one_long_line_is_an_article_for_its_related_headers() -> None:
    story = " ".join(ARTICLE + MORE)  # older pages put a story in one table cell: one line
    view, ann = view_of(story, "Top Stories", TEASERS[0], TEASERS[2])
    assert lines_of(view, related_blocks(view, ann, RULES)) == [TEASERS[0], TEASERS[2]]


def test_on_topic_summary_is_not_taken() -> None:
    on_topic = "Council members approved the transport budget for buses and the central station on Tuesday."
    view, ann = view_of(*ARTICLE, "Related", TEASERS[0], on_topic)
    assert lines_of(view, related_blocks(view, ann, RULES)) == [TEASERS[0]]


# -- boxes


def test_short_off_topic_line_between_two_newsletter_lines_joins_the_box() -> None:
    pitch = "Catch up on the week's best stories and the ideas shaping the world."
    view, ann = view_of(*ARTICLE, "Weekly Newsletter", pitch, "Get the newsletter", ARTICLE[0])
    out = sandwiches(view, ann)
    assert lines_of(view, out) == [pitch]
    assert next(iter(out.values())).category is Category.NEWSLETTER


def test_sandwich_needs_the_same_category_on_both_sides() -> None:
    pitch = "Catch up on the week's best stories and the ideas shaping the world."
    view, ann = view_of(*ARTICLE, "Weekly Newsletter", pitch, "Only $5 per month", ARTICLE[0])
    assert sandwiches(view, ann) == {}


def test_sandwich_spares_long_and_on_topic_lines() -> None:
    view, ann = view_of(*ARTICLE, "Get the newsletter", ARTICLE[1], "Get the newsletter")
    assert sandwiches(view, ann) == {}
    long_line = " ".join(["words"] * 45)
    view, ann = view_of(*ARTICLE, "Get the newsletter", long_line, "Get the newsletter")
    assert sandwiches(view, ann) == {}


def test_lead_in_label_above_a_box() -> None:
    view, ann = view_of(*ARTICLE, "the daily letter", "Weekly Newsletter", "Get the newsletter", ARTICLE[2])
    out = lead_ins(view, ann)
    assert lines_of(view, out) == ["the daily letter"]


def test_lead_in_needs_a_box_of_two_lines() -> None:
    view, ann = view_of(*ARTICLE, "How it works", "Get the newsletter", ARTICLE[2])
    assert lead_ins(view, ann) == {}


def test_revise_returns_only_new_decisions_and_never_overrides() -> None:
    view, ann = view_of("Skip to content", *ARTICLE, "Read also", *TEASERS)
    out = revise(view, ann, RULES)
    assert not set(out) & set(ann)
    assert all(d.stage is Stage.REVISE for d in out.values())


def test_revise_respects_disabled_categories() -> None:
    config = CleanerConfig(disabled=frozenset({Category.RELATED}))
    blocks = segment("\n\n".join([*ARTICLE, "Read more", *TEASERS]))
    rules = ruleset_for(config)
    assert revise(DocView(blocks, config), annotate(blocks, rules), rules) == {}


# -- comment sections

COMMENTS = [
    "Great post, I had the same trouble with the buses last winter and nobody at the council listened.",
    "by Ann Miller on January 31, 2011 at 9:59 am",
    "The tram study is long overdue.",
    "Reply",
    "by Tom on February 1, 2011 at 8:27 am",
]


def comments_view(*lines: str, forum: bool = False) -> tuple[DocView, dict[int, Decision]]:
    blocks = segment("\n".join(lines))
    return DocView(blocks, CONFIG, forum=forum), annotate(blocks, RULES)


def test_comment_section_after_the_article_goes_as_a_run() -> None:
    view, ann = comments_view(*ARTICLE, *MORE, "15 comments", *COMMENTS)
    out = comment_sections(view, ann, RULES)
    assert lines_of(view, out) == [c for c in COMMENTS if c != "Reply"]  # "Reply" is the rule's already
    assert {(d.rule, d.category) for d in out.values()} == {("context.comments", Category.COMMENTS)}
    assert ann[len(ARTICLE) + len(MORE)].category is Category.COMMENTS  # the header itself


def test_a_forum_thread_keeps_its_posts() -> None:
    view, ann = comments_view(*ARTICLE, *MORE, "15 comments", *COMMENTS, forum=True)
    assert comment_sections(view, ann, RULES) == {}


def test_a_comment_counter_under_the_headline_is_not_a_section() -> None:
    view, ann = comments_view("Council Approves the Bus Budget", "by Ann Miller, May 3, 2012", "3 Comments", *ARTICLE)
    assert comment_sections(view, ann, RULES) == {}


def test_a_comment_header_without_comments_under_it_takes_nothing() -> None:
    # No bylines or reply buttons: what follows may be the article going on.
    view, ann = comments_view(*ARTICLE, "Leave a comment", *MORE)
    assert comment_sections(view, ann, RULES) == {}


def test_comments_without_a_header_go_from_their_first_button() -> None:
    slashdot = ["Misread the title (Score:5, Funny)", "Now I must admit to being slightly disappointed."]
    replies = ["Re: (Score:2)", "If this research is done, I would be open to it.", "Re: (Score:3)", "Indeed."]
    view, ann = comments_view(*ARTICLE, *slashdot, *replies)
    assert lines_of(view, comment_sections(view, ann, RULES)) == [slashdot[1], replies[1], replies[3]]


def test_a_dated_timeline_closing_an_article_is_not_a_comment_section() -> None:
    timeline = ["Founded on May 3, 2001", "Listed on March 9, 2010", "Sold on June 1, 2020"]
    view, ann = comments_view(*ARTICLE, *timeline)
    assert comment_sections(view, ann, RULES) == {}


def test_a_comment_counter_on_every_card_is_a_listing_not_a_section() -> None:
    cards = []
    for n, teaser in enumerate(TEASERS):
        cards += [teaser, ARTICLE[n % 3], f"{n + 2} comments", "by Ann Miller on January 31, 2011 at 9:59 am"]
    view, ann = comments_view(*ARTICLE, *cards)
    assert comment_sections(view, ann, RULES) == {}


# Readers' comments under their stamps (a name with the date and time), without a header or buttons.
STAMPED = [
    "Ann Lee — July 10th, 2012, 1:26 am",
    "Great post, I had the same trouble with the buses last winter and nobody at the council listened.",
    "Tom Berg — July 10th, 2012, 1:31 am",
    "The tram study is long overdue.",
    "Maria Costa — July 11th, 2012, 8:02 pm",
    "Forty buses will not be enough for the whole city, but it is a start.",
]


def test_comments_under_stamps_go_without_a_header_or_buttons() -> None:
    view, ann = comments_view(*ARTICLE, *MORE, *STAMPED)
    out = comment_sections(view, ann, RULES)
    assert lines_of(view, out) == STAMPED
    assert {d.category for d in out.values()} == {Category.COMMENTS}


def test_stamps_are_names_with_a_date_and_a_time_in_any_of_the_languages() -> None:
    view, ann = comments_view(
        "Ann Lee le 3 mars 2012 à 9:41", "Tom on Thursday, November 1 at 2:57 pm", "Jan Berg 07.15.12 at 11:59"
    )
    assert [_comment_marker(view.blocks[p], ann) for p in view.nonblank] == ["stamp"] * 3


def test_split_times_and_dates_alone_are_no_stamps() -> None:
    view, ann = comments_view(
        "5km - 15:23, projecting 2:09:49", "Posted on July 10th, 2012", "Updated 9:41", "March 05, 2026, 07:16:19 AM"
    )
    assert "stamp" not in [_comment_marker(view.blocks[p], ann) for p in view.nonblank]


def test_a_long_comment_does_not_hide_the_section_under_a_short_story() -> None:
    # The longest prose run is a comment, far below the two-line story: the buttons right under
    # the story start the section all the same.
    story = [ARTICLE[0] + " " + ARTICLE[1], ARTICLE[2] + " " + MORE[0]]
    long_comment = [" ".join([*ARTICLE, *MORE])] * 3
    replies = ["Re: (Score:2)", "Indeed.", "Re: (Score:3)", *long_comment, "Re: (Score:2)", "No."]
    view, ann = comments_view("Council Approves the Bus Budget", *story, "Misread the title (Score:5, Funny)", *replies)
    out = comment_sections(view, ann, RULES)
    assert lines_of(view, out) == [r for r in replies if "(Score:" not in r]


def test_a_forum_thread_keeps_its_posts_without_an_address() -> None:
    # The first post carries a stamp like the replies': a thread, not an article with comments.
    first = ["Hybrid Computing by Alpha1: 3:21pm On Mar 09, 2023", *ARTICLE, *MORE]
    replies = [
        f"Re: Hybrid Computing by {n}: 9:4{i}pm On Dec 0{i}, 2023" for i, n in enumerate(("Beta", "Gamma", "Delta"))
    ]
    thread = [line for reply in replies for line in (reply, MORE[0])]
    view, ann = comments_view(*first, *thread)
    assert comment_sections(view, ann, RULES) == {}


def test_a_blog_index_keeps_its_entries() -> None:
    entries = []
    for n, teaser in enumerate(TEASERS * 2):
        entries += [teaser, f"[Front] Posted Mar {n + 1}, 2026 19:1{n} UTC by corbet", ARTICLE[n % 3], "Full Story"]
    view, ann = comments_view(*ARTICLE, *MORE, *entries)
    assert comment_sections(view, ann, RULES) == {}


def test_a_stamp_repeated_on_every_card_is_no_comment() -> None:
    cards = []
    for n, teaser in enumerate(TEASERS * 2):
        cards += [teaser, f"Save ${n + 10}.00 Offer ends Mar 09 at 5:59 AM", ARTICLE[n % 3]]
    view, ann = comments_view(*ARTICLE, *MORE, *cards)
    assert comment_sections(view, ann, RULES) == {}


def test_a_comment_counter_in_a_share_bar_inside_the_article_is_no_section() -> None:
    # The counter stands under a first paragraph, and the article goes on under it: the stamps
    # come far below, so the section starts at the comments, not at the counter.
    body = [f"{a} {b}" for a in ARTICLE for b in MORE] * 2
    view, ann = comments_view(ARTICLE[0] + " " + MORE[0] + " " + ARTICLE[1], "23 Comments", *body, *STAMPED)
    out = comment_sections(view, ann, RULES)
    assert lines_of(view, out) == STAMPED


def test_a_counted_header_under_the_article_takes_comments_without_bylines() -> None:
    # Extractors often keep the comments' text and drop their bylines: the count says they are comments.
    bare = ["You look amazing!", "Great combination, and the shoes are perfect.", "Thanks for sharing this."]
    view, ann = comments_view(*ARTICLE, *MORE, "{ 3 comments… read them below or add one }", *bare)
    assert lines_of(view, comment_sections(view, ann, RULES)) == bare
    view, ann = comments_view(*ARTICLE, *MORE, "Leave a comment", *bare)  # no count: maybe the article goes on
    assert comment_sections(view, ann, RULES) == {}


def test_a_counted_header_takes_comments_that_outweigh_the_article() -> None:
    # A blog post of some 180 words in a row, then "{ 20 comments ... }" and readers' words without
    # bylines that run longer than the post: the longest prose run is the comments', yet the count
    # right under the post says where they start (news-dev/dragnet's blogs, trafilatura's output).
    post = [" ".join([*ARTICLE, *MORE])] * 2
    said = [f"{a} {b} {c}" for a in ARTICLE for b in MORE for c in ARTICLE]
    view, ann = comments_view("Soup Weather", *post, "{ 20 comments… read them below or add one }", *said)
    assert lines_of(view, comment_sections(view, ann, RULES)) == said


def test_a_counted_header_under_a_post_in_short_paragraphs_takes_the_comments() -> None:
    # A post of four short paragraphs between one-line questions (no run of 150 prose words), then
    # "{ 167 comments }" and readers' words that run longer: 300 prose words above in all are the
    # article's worth (news-dev/dragnet R980, trafilatura's output).
    paragraph = " ".join([*ARTICLE, *MORE])
    post = [paragraph, "Why?", paragraph, "So what changes?", paragraph, "And the fares?", paragraph]
    said = [f"{a} {b} {c}" for a in ARTICLE for b in MORE for c in ARTICLE]
    view, ann = comments_view("Soup Weather", *post, "{ 167 comments }", *said)
    assert lines_of(view, comment_sections(view, ann, RULES)) == said
    # two paragraphs are not enough: a counter there may be a share bar's, with the article under it
    view, ann = comments_view("Soup Weather", *post[:3], "{ 167 comments }", *said)
    assert comment_sections(view, ann, RULES) == {}


def test_a_header_that_announces_the_comments_takes_them_under_a_short_post() -> None:
    # A photo post of two sentences, then a header that says the comments follow it ("7 comments:",
    # "{ 74 comments… read them below or add one }", "14 thoughts on “Title”") and readers' words
    # that outweigh the post (news-dev/dragnet 119, 233, R920: trafilatura's output).
    post = f"{ARTICLE[0]} {ARTICLE[1]}"
    said = [f"{a} {b} {c}" for a in ARTICLE for b in MORE for c in ARTICLE]
    for header in (
        "7 comments:",
        "{ 74 comments… read them below or add one }",
        "14 thoughts on “Soup Weather”",
        "3 Kommentare zu „Soup Weather“",
    ):
        view, ann = comments_view("Soup Weather", post, header, *said)
        assert lines_of(view, comment_sections(view, ann, RULES)) == said, header
    # however far under the post's last prose line: a recipe's ingredients between (dragnet R919)
    ingredients = [f"{n} cups of {thing}" for n, thing in enumerate(["beans", "rice", "corn", "stock"] * 3, 1)]
    view, ann = comments_view("Soup Weather", post, *ingredients, "8 comments:", *said)
    assert lines_of(view, comment_sections(view, ann, RULES)) == said
    # a counter that announces nothing ("23 Comments") stays a share bar's there
    view, ann = comments_view("Soup Weather", post, "23 Comments", *said)
    assert comment_sections(view, ann, RULES) == {}
    # and with no post above it, an announcing header starts nothing
    view, ann = comments_view("Soup Weather", "7 comments:", *said)
    assert comment_sections(view, ann, RULES) == {}


def test_a_counter_or_heading_under_a_short_post_with_a_readers_words_under_it_starts_the_comments() -> None:
    # "16 Comments" under a two-sentence post, a reader's thanks right under it (news-dev/dragnet R318):
    # the counter and the reader's words together; the counter alone stays a share bar's.
    post = f"{ARTICLE[0]} {ARTICLE[1]}"
    said = ["Thanks for sharing this, it made my week.", *[f"{a} {b}" for a in ARTICLE for b in MORE]]
    view, ann = comments_view("Soup Weather", post, "16 Comments", *said)
    assert lines_of(view, comment_sections(view, ann, RULES)) == said
    view, ann = comments_view("Soup Weather", post, "16 Comments", *said[1:])
    assert comment_sections(view, ann, RULES) == {}
    # so does a bare "Comments" heading (news-dev/dragnet R725), and without the reader's words it stays
    view, ann = comments_view("Soup Weather", post, "Comments", *said)
    assert lines_of(view, comment_sections(view, ann, RULES)) == said
    view, ann = comments_view("Soup Weather", post, "Comments", *said[1:])
    assert comment_sections(view, ann, RULES) == {}


def test_a_share_bars_counter_under_a_long_first_paragraph_is_no_section() -> None:
    # A first paragraph of some 90 words, the share bar's "23 Comments" under it, then the article:
    # a counted header needs an article's worth of prose above it where longer prose follows.
    first = " ".join([*ARTICLE, *MORE])
    body = [f"{a} {b} {c}" for a in ARTICLE for b in MORE for c in ARTICLE]
    view, ann = comments_view("Council Approves the Bus Budget", first, "23 Comments", *body)
    assert comment_sections(view, ann, RULES) == {}


TIMED = [
    "23 October 2012 at 8:38 pm",
    "Great post, I had the same trouble with the buses last winter and nobody at the council listened.",
    "23 October 2012 at 9:03 pm",
    "The tram study is long overdue.",
    "24 October 2012 at 12:08 am",
    "Forty buses will not be enough for the whole city, but it is a start.",
    "24 October 2012 at 6:39 am",
    "Fares first, buses later.",
]


def test_comments_under_bare_dates_and_times_go_when_their_days_repeat() -> None:
    # Extractors keep each comment's date and time and drop its author's name: the moments, several
    # on one day, are the comments' stamps (news-dev/dragnet's WordPress blogs, trafilatura's output).
    view, ann = comments_view(*ARTICLE, *MORE, *TIMED)
    assert lines_of(view, comment_sections(view, ann, RULES)) == TIMED


def _live_blog(stamp: str, titled: bool, newest_first: bool = False) -> list[str]:
    times = ["10:15", "10:32", "10:58", "11:20"]
    entries: list[str] = []
    for n, t in enumerate(reversed(times) if newest_first else times):
        entries += [stamp.format(t=t), *([TEASERS[0]] if titled else []), f"{ARTICLE[n % 3]} {MORE[n % 2]}"]
    return entries


@pytest.mark.parametrize(
    ("stamp", "titled", "newest_first"),
    [
        ("Dec. 6, 2026, {t} a.m.", True, False),  # each entry titled
        ("Dec. 6, 2026, {t} a.m.", False, True),  # newest first
    ],
)
def test_a_live_blogs_dated_entries_are_no_comments(stamp: str, titled: bool, newest_first: bool) -> None:
    view, ann = comments_view(*ARTICLE, *MORE, *_live_blog(stamp, titled, newest_first))
    assert comment_sections(view, ann, RULES) == {}


def test_a_blog_index_with_a_date_and_time_on_each_post_keeps_its_posts() -> None:
    # Each post has a day of its own: a blog's front page, not readers' comments.
    posts = []
    for n, teaser in enumerate(TEASERS):
        posts += [teaser, f"{20 - n} October 2012 at 8:{10 + n} pm", ARTICLE[n % 3], MORE[n % 2]]
    view, ann = comments_view(*ARTICLE, *MORE, *posts)
    assert comment_sections(view, ann, RULES) == {}


def test_posted_moments_under_a_bylined_post_are_the_comments_stamps() -> None:
    # The post's byline names its author and the comments' stamps do not (the names stand on lines
    # of their own): the post's stamp over the article is not one of theirs.
    said = [f"{a} {b}" for a, b in zip(ARTICLE, MORE, strict=False)]
    thread = []
    for n, (name, words) in enumerate(zip(("broper", "OniKaze", "mtcountrygrl"), [*said, MORE[0]], strict=False)):
        thread += [name, f"Posted on August 9, 2012 at 12:1{n}pm", words, "Report Post »"]
    view, ann = comments_view(
        "- Posted on August 9, 2012 at 11:11am by Madeleine Morgenstern", *ARTICLE, *MORE, *thread
    )
    out = lines_of(view, comment_sections(view, ann, RULES))
    assert out[0] == "Posted on August 9, 2012 at 12:10pm" and out[-1] == MORE[0]  # from the first stamp to the end


def test_a_rating_widget_under_each_comment_marks_the_comments() -> None:
    said = [f"{a} {b}" for a in ARTICLE for b in MORE][:4]
    thread = [line for words in said for line in (words, "Rate This: 0 0")]
    view, ann = comments_view(*ARTICLE, *MORE, *thread)
    assert lines_of(view, comment_sections(view, ann, RULES)) == thread[1:]  # from the first button on
    view, ann = comments_view(*ARTICLE, "Rate this: 3 1", *MORE)  # the post's own rating, once
    assert comment_sections(view, ann, RULES) == {}


def test_commentluvs_signature_is_a_comment_stamp() -> None:
    blocks = segment("YFS recently posted..March 2012 Income Report")
    assert _comment_marker(blocks[0], {}) == "stamp"
    assert _comment_marker(segment("The agency recently posted the figures online.")[0], {}) is None


def test_a_logs_lines_with_their_times_are_no_comments() -> None:
    log = [
        f"2005-03-19 15:10:26,6{n}8 - simple_example - {level} - {level.lower()} message"
        for n, level in enumerate(("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"))
    ]
    view, ann = comments_view(*ARTICLE, *MORE, "Running this module produces the following output:", *log, *MORE)
    assert comment_sections(view, ann, RULES) == {}


def test_a_counter_by_the_byline_takes_no_article_without_comment_markers() -> None:
    # A sidebar's prose above, then the headline, the counter and the article under it: the counter
    # stands far below any prose above it, so it is not a comment section's header.
    sidebar = [" ".join([*ARTICLE, *MORE])]
    top = ["Contact", "Contributors", "Magazine", "Retailers", "Tools", "Events", "Shop", "Jobs", "Help"]
    story = ["Council Approves the Bus Budget", "4 Comments", "Written on August 9, 2012 by Ann Lee", *ARTICLE]
    view, ann = comments_view(*sidebar, *top, *story)
    assert comment_sections(view, ann, RULES) == {}


# A comment section as trafilatura leaves it on many blogs: a bare heading, a commenter's "says:"
# line or a date and time without a name, what each reader said, a "Link to this comment" button.
BARE_SECTION = [
    "Comments",
    "1 November 2012 9:37PM",
    "The forty buses were in the last budget as well, and nobody has seen them since.",
    "Link to this comment:",
    "1 November 2012 9:48PM",
    "Fares are still too high for families who take the bus every day.",
    "Link to this comment:",
]


def test_a_bare_comments_heading_under_the_article_starts_the_section() -> None:
    view, ann = comments_view(*ARTICLE, *MORE, *BARE_SECTION)
    out = comment_sections(view, ann, RULES)
    taken = [t for t in BARE_SECTION[1:] if t != "Link to this comment:"]  # the buttons are the rule's
    assert lines_of(view, out) == taken
    assert {d.category for d in out.values()} == {Category.COMMENTS}
    assert BARE_SECTION[0] not in lines_of(view, out)  # a bare heading is no rule's: it stays


def test_a_bare_comments_heading_right_under_the_article_takes_comments_without_bylines() -> None:
    # Like a counted header: the extractor kept the readers' words and dropped their bylines.
    said = ["You look amazing!", "Great combination, and the shoes are perfect.", "Thanks for sharing this."]
    view, ann = comments_view(*ARTICLE, *MORE, "Comments", *said)
    out = comment_sections(view, ann, RULES)
    assert lines_of(view, out) == said
    assert {d.category for d in out.values()} == {Category.COMMENTS}
    # Far under the article (a sidebar's lists between), the heading needs markers under it.
    sidebar = ["Archives", "Categories", "Blogroll", "Links", "Tags", "Meta", "Log in", "RSS", "Search"]
    view, ann = comments_view(*ARTICLE, *MORE, *sidebar, "Comments", *said)
    assert comment_sections(view, ann, RULES) == {}


def test_a_bare_comments_heading_in_a_tab_bar_or_a_menu_starts_nothing() -> None:
    # "Article | Video | Comments" over the article, and a menu's item above any prose.
    view, ann = comments_view(*MORE, "Article", "Video", *BARE_SECTION, *ARTICLE)
    assert comment_sections(view, ann, RULES) == {}
    view, ann = comments_view("new", "|", "comments", "|", "jobs", *BARE_SECTION[1:], *ARTICLE)
    assert comment_sections(view, ann, RULES) == {}


def test_a_comments_link_on_every_card_is_no_heading() -> None:
    cards = [x for n, teaser in enumerate(TEASERS[:3]) for x in (teaser, "Comments", f"May {n + 1}, 2012 9:0{n} pm")]
    view, ann = comments_view(*ARTICLE, *MORE, *cards)
    assert comment_sections(view, ann, RULES) == {}


def test_a_commenters_says_line_is_a_stamp() -> None:
    view, ann = comments_view("Rebekah says:", "infamousdx said,", "Ann Lee sagt: 3. März 2012", "Tom dit :")
    assert [_comment_marker(view.blocks[p], ann) for p in view.nonblank] == ["stamp"] * 4
    view, ann = comments_view(
        "The minister said, on Monday",
        "He said: no more buses",
        "says:",
        "As you may recall, Colon writes:",
        "a different dave wrote:",
    )
    assert "stamp" not in [_comment_marker(view.blocks[p], ann) for p in view.nonblank]


def test_a_says_line_without_its_colon_is_a_stamp_but_a_quoted_speaker_is_not() -> None:
    # A blog theme that draws the colon with its style sheet: "Sharon says" alone on its line.
    view, ann = comments_view("Sharon says", "Doris Adams-Boyd says", "Paula@SweetPea says", "Tom dit")
    assert [_comment_marker(view.blocks[p], ann) for p in view.nonblank] == ["stamp"] * 4
    view, ann = comments_view("Obama says he will veto it", "The mayor says so", "Says")
    assert "stamp" not in [_comment_marker(view.blocks[p], ann) for p in view.nonblank]


def test_says_lines_without_colons_recurring_under_an_article_are_its_comments() -> None:
    said = ["Sharon says", COMMENTS[0], "Jill Winger says", COMMENTS[2], "Amy says", "Thanks, that helps a lot."]
    view, ann = comments_view(*ARTICLE, *MORE, *said)
    assert lines_of(view, comment_sections(view, ann, RULES)) == said


def test_says_lines_recurring_under_an_article_are_its_comments() -> None:
    said = ["Rebekah says:", COMMENTS[0], "Tom says:", COMMENTS[2], "Ann Miller says:", "Thanks, that helps a lot."]
    view, ann = comments_view(*ARTICLE, *MORE, *said)
    assert lines_of(view, comment_sections(view, ann, RULES)) == said


def test_a_manuals_discussion_section_is_no_comment_heading() -> None:
    # "DISCUSSION" titles a manual page's or a paper's section; dated lines may follow it.
    dated = ["Git 2.40 changed the default on March 13, 2023 at 9:00 UTC.", *BARE_SECTION[1:]]
    view, ann = comments_view(*ARTICLE, *MORE, "DISCUSSION", *dated)
    assert comment_sections(view, ann, RULES) == {}
    view, ann = comments_view(*ARTICLE, *MORE, "Comments", *dated)
    assert comment_sections(view, ann, RULES) != {}  # the same section under "Comments" is one


# -- archive lists


def test_a_run_of_months_and_its_label_is_a_blog_archive() -> None:
    widgets = [
        ["Archives", "April 2012", "March 2012", "February 2012 (3)", "January 2012"],
        ["Blog Archive", "► 2012 (45)", "▼ 2011 (80)", "► Dezember (5)", "► November (7)"],
        ["Archiv", "März 2011", "Februar 2011", "Januar 2011"],
        ["abril de 2012", "marzo de 2012", "febrero de 2012"],
        ["juillet 2010", "juin 2010", "mai 2010"],
    ]
    for widget in widgets:
        view, ann = view_of(*ARTICLE, *widget, *MORE)
        out = archive_lists(view, ann)
        assert lines_of(view, out) == widget
        assert {(d.rule, d.category) for d in out.values()} == {("context.archive-months", Category.NAVIGATION)}


def test_dates_in_an_article_and_a_timeline_of_years_are_no_archive() -> None:
    kept = [
        [*ARTICLE, "May 2024", *MORE],  # a date line, alone
        [*ARTICLE, "April 2012", "March 2012", *MORE],  # two are not a run
        [*ARTICLE, "2010", "2011", "2012", *MORE],  # bare years: a timeline's headings
        [*ARTICLE, "April 2012", "The council met twice that month to discuss fares.", "March 2012", "May 2012"],
        [*ARTICLE, "Archives", "April 2012 issue of the transport review", "March 2012 meeting notes", *MORE],
    ]
    for lines in kept:
        view, ann = view_of(*lines)
        assert archive_lists(view, ann) == {}
