"""Text hard-wrapped at a width: a paragraph over several lines, read as one.

Text from e-mail, from `textwrap`, or from an HTML-to-text converter at its default width (html2text
wraps at 78 characters) breaks each paragraph into lines of about the same length. Line by line, the
rules and the line model see pieces of sentences; over every 3rd wcxb-dev page, html_text's
whole-page text cleaned to 0.8357 as it comes and to 0.8180 wrapped at 78.

`spans_of` finds the width (the longest line, at most MAX_WIDTH) and, where WRAPPED of the non-blank
lines fill it to within SLACK characters and the lines after them mostly go on in lower case (a
sentence, not a list of items of like length), gives the text's paragraphs: a line and the lines after
it while it fills the width. `cleaner.reading` cleans them one a line and gives the decisions back
on the lines.
"""

from __future__ import annotations

from collections.abc import Sequence

MAX_WIDTH = 160  # a text whose longest line is longer was not wrapped (a paragraph is a line)
MIN_WIDTH = 40
SLACK = 20  # a line this close to the width was wrapped (at a word's end, so up to a long word short)
WRAPPED = 0.3  # this share of the non-blank lines, and at least WRAPPED_MIN, fill the width
WRAPPED_MIN = 5
GOES_ON = 0.4  # ...and this share of the lines after a full one open in lower case


def spans_of(lines: Sequence[str]) -> list[tuple[int, int]] | None:
    """The paragraphs of a hard-wrapped text as (first, last) line indices, every line in one; None
    when the text was not wrapped (its longest line is over MAX_WIDTH or under MIN_WIDTH, or too
    few lines fill the width)."""
    if max(map(len, lines), default=0) > MAX_WIDTH + 8:  # most texts: a paragraph on one line
        return None
    widths = [len(line.rstrip()) for line in lines]
    width = max(widths, default=0)
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        return None
    full = [w >= width - SLACK for w in widths]
    filled = sum(1 for w in widths if w)
    if sum(full) < max(WRAPPED_MIN, WRAPPED * filled):
        return None
    # A wrapped sentence goes on in lower case after most breaks; a list of items of like length
    # (product names, a menu) starts each anew.
    after = [lines[i + 1].lstrip()[:1] for i in range(len(lines) - 1) if full[i] and widths[i + 1]]
    if sum(c.islower() for c in after) < GOES_ON * len(after):
        return None
    spans: list[tuple[int, int]] = []
    for i, w in enumerate(widths):
        if i and w and full[i - 1] and lines[i].strip():
            spans[-1] = (spans[-1][0], i)
        else:
            spans.append((i, i))
    return spans
