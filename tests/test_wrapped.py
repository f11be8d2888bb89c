"""Hard-wrapped text (`cleaner.wrapped`, `cleaner.reading`): a paragraph's lines read as one."""

from __future__ import annotations

import textwrap

import cleaner
from cleaner import reading, wrapped

PARAGRAPH = (
    "The quiet return of the mechanical watch is one of the stranger stories of the decade. Sales "
    "rose for the third year running, according to the federation, even as smartwatches kept their "
    "lead, and collectors say the appeal is the craft of a movement of a hundred parts."
)
TEXT = (
    "Home\nNews\nSign up for our newsletter\n\n"
    + "\n".join(textwrap.wrap(PARAGRAPH, 60))
    + "\n\n"
    + "\n".join(textwrap.wrap(PARAGRAPH + " " + PARAGRAPH, 60))
    + "\n\n© 2024 Example Ltd. All rights reserved.\n"
)


def test_paragraphs_of_a_wrapped_text() -> None:
    lines = TEXT.split("\n")
    spans = wrapped.spans_of(lines)
    assert spans is not None
    paragraphs = [" ".join(lines[a : b + 1]) for a, b in spans]
    assert PARAGRAPH in paragraphs  # the wrapped lines of one paragraph, one unit
    assert [lines[a] for a, b in spans[:1]] == ["Home"]  # short lines stay apart


def test_unwrapped_texts_and_lists_are_read_line_by_line() -> None:
    assert wrapped.spans_of(["A paragraph on one line. " * 10, "Home", "News"]) is None  # over the width
    items = [f"Stainless steel chronograph model {n:02d} with a leather strap" for n in range(12)]
    assert wrapped.spans_of(items) is None  # items of like length, each opening anew


def test_clean_gives_back_the_wrapped_lines() -> None:
    result = cleaner.clean(TEXT)
    lines = TEXT.split("\n")
    assert reading.WRAPPED_TEXT in result.warnings
    gone = {line for r in result.removed for line in r.text.split("\n")}
    assert {"Sign up for our newsletter", "© 2024 Example Ltd. All rights reserved."} <= gone
    assert all(line in lines for line in result.text.split("\n"))
    for line in textwrap.wrap(PARAGRAPH, 60):
        assert line in result.text.split("\n")
    assert cleaner.clean(result.text).text == result.text
