"""Markdown cleaned as the text it shows (`cleaner.markdown`, `cleaner.reading`): a link read by its
words, each line given back as it came (address and marks included)."""

from __future__ import annotations

import cleaner
from cleaner import markdown, reading

PAGE = """# Widgets Weekly

[Skip to content](#content)

* [Home](https://example.com/)
* [News](https://example.com/news/)
* [Reviews](https://example.com/reviews/)
* [Subscribe](https://example.com/subscribe/)

## The quiet return of the mechanical watch

By [Jane Doe](https://example.com/authors/jane-doe/) · 12 March 2025

Sales of **mechanical watches** rose for the third year running, according to the
[Federation's annual report](https://example.com/report.pdf), even as smartwatches kept their lead.

Collectors say the appeal is the craft: a movement of a hundred parts that needs no battery.

![A watchmaker at work](https://example.com/img/maker.jpg)

Sign up for our newsletter

Read also: [Ten watches under $500](https://example.com/ten-watches/)

* [Privacy policy](https://example.com/privacy/)
* [Terms of use](https://example.com/terms/)

© 2025 Widgets Weekly. All rights reserved.
"""


def test_visible_reads_links_images_and_marks() -> None:
    assert markdown.visible("* [Home](https://example.com/)") == "Home"
    assert markdown.visible("  + [How it works](https://example.com/how/)") == "How it works"
    assert markdown.visible("![A chart](https://example.com/a.png)") == "A chart"
    assert markdown.visible("[![logo](a.png)](/)") == "logo"
    assert markdown.visible("## Pricing") == "Pricing"
    assert markdown.visible("Read **the** [docs](https://d.example/a_(b)) now") == "Read the docs now"
    assert markdown.visible("![](x.png)") == "![](x.png)"  # shows nothing: read as it is
    assert markdown.visible("    code = 1") == "    code = 1"
    assert markdown.visible("a_b_c and snake_case") == "a_b_c and snake_case"


def test_only_markdown_is_read_so() -> None:
    assert markdown.visible_lines(PAGE.split("\n")) is not None
    plain = "Home\nNews\nThe article's first paragraph.\n[sic] a bracket is not a link\n"
    assert markdown.visible_lines(plain.split("\n")) is None
    assert markdown.visible_lines(["See [the report](https://x.example/r.pdf)."] * 2) is None  # under three


def test_markdown_page_loses_its_chrome_and_keeps_its_lines() -> None:
    result = cleaner.clean(PAGE)
    lines = PAGE.split("\n")
    kept = result.text.split("\n")
    assert reading.MARKDOWN_TEXT in result.warnings
    assert all(line in lines for line in kept)  # each line as it came: addresses and marks kept
    for r in result.removed:
        assert r.text == "\n".join(lines[r.lines[0] - 1 : r.lines[1]])
    gone = {line for r in result.removed for line in r.text.split("\n")}
    for chrome in (
        "[Skip to content](#content)",
        "Sign up for our newsletter",
        "Read also: [Ten watches under $500](https://example.com/ten-watches/)",
        "© 2025 Widgets Weekly. All rights reserved.",
    ):
        assert chrome in gone, chrome
    assert "Collectors say the appeal is the craft: a movement of a hundred parts that needs no battery." in kept
    assert "[Federation's annual report](https://example.com/report.pdf), even as smartwatches kept their lead." in kept
    assert cleaner.clean(result.text).text == result.text  # twice = once


# trafilatura's own markdown (output_format="markdown") has no links: a reader's comment button
# "[Reply]" comes escaped, and no rule knew "\[Reply\]".
ESCAPED = """The council approved the budget on Tuesday after a long debate over school funding.

Critics said the plan leaves too little for repairs.

\\[Reply\\]

Deidre Reply:

June 27th, 2012 at 7:03 am

Great piece, thank you for writing it.

\\[Reply\\]

Tom Reply:

June 27th, 2012 at 9:26 am

I disagree with most of it, but it was a good read.

\\[Reply\\]
"""


def test_escaped_marks_read_as_they_show() -> None:
    assert markdown.visible("\\[Reply\\]") == "[Reply]"
    assert markdown.visible("snake\\_case and 5 \\* 3") == "snake_case and 5 * 3"
    assert markdown.visible("C:\\Users\\me and a\\nb") == "C:\\Users\\me and a\\nb"  # not punctuation: as it is
    lines = ESCAPED.split("\n")
    assert markdown.visible_lines(lines) is not None
    assert markdown.visible_lines(["a \\[sic\\] b", "plain", "C:\\Users\\x"]) is None  # one escaped line: not markdown


def test_escaped_markdown_loses_its_comment_section() -> None:
    result = cleaner.clean(ESCAPED)
    assert reading.MARKDOWN_TEXT in result.warnings
    assert "Critics said the plan leaves too little for repairs." in result.text
    assert "\\[Reply\\]" not in result.text
    assert "Great piece, thank you for writing it." not in result.text
    assert {r.category.value for r in result.removed} == {"comments"}
    assert cleaner.clean(result.text).text == result.text


# markdownify's default headings and Jina Reader's page title are underlined (setext): the underline
# goes or stays with its heading, never left alone.
UNDERLINED = """Council approves the new budget after a long debate
===============

[Skip to content](#main)

* [Home](https://example.com/)
* [Local](https://example.com/local/)
* [Sport](https://example.com/sport/)

Council approves the new budget after a long debate
---------------------------------------------------

The council approved the budget on Tuesday after a long debate over school funding and road repairs.

Critics said the plan leaves too little for repairs, and several members asked for a review.

---

[Read more: Schools ask for more money](https://example.com/local/schools-money)
"""


def test_an_underlined_heading_goes_with_its_underline() -> None:
    lines = UNDERLINED.split("\n")
    assert markdown.units(lines)[:2] == [(0, 1), (2, 2)]
    assert (9, 10) in markdown.units(lines)
    assert (16, 16) in markdown.units(lines)  # a rule after a blank line is no underline
    assert markdown.units(["| a | b |", "|---|---|", "| 1 | 2 |"]) == [(0, 0), (1, 1), (2, 2)]
    result = cleaner.clean(UNDERLINED)
    assert reading.MARKDOWN_TEXT in result.warnings
    kept = result.text.split("\n")
    for k, line in enumerate(kept):  # an underline is kept only under its heading
        if line and set(line) <= {"=", "-"} and line != "---":
            assert k > 0 and kept[k - 1].strip(), result.text
    gone = [r for r in result.removed if r.text.startswith("Council approves")]
    assert gone and all(r.lines[1] == r.lines[0] + 1 for r in gone)  # heading and underline, one removal
    assert "The council approved the budget on Tuesday after a long debate over school funding and road repairs." in (
        kept
    )
    assert cleaner.clean(result.text).text == result.text
