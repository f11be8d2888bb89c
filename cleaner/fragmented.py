"""Text broken at every tag: a sentence over several lines, read as one.

A scraper that takes a page's text node by node (BeautifulSoup's `get_text("\\n")`, lxml's
`itertext()` joined by line breaks) puts each inline element on a line of its own: a link in a
sentence, a word in bold, every token of highlighted source code ("s", "=", "requests", ".",
"Session", "()"). Line by line, such a sentence is a run of short fragments, the shape of a menu,
and the line model took whole sections of documentation pages with it: over every wcxb-dev page
taken so (the `node_text` peer of `cleaner eval`), documentation pages scored 0.807 as given and
0.771 cleaned; 0.864 read in units (bench/results/2026-12-07-s27-node-text.md).

`units` reads such a text's lines as units, a unit being a line and the lines that continue it
(`continues`): one that opens with closing punctuation (". So if", ").", "’s"; not an item of a
list marked so, `_bullets`), a token of code ("(", "=", "})"), a line after a token that leaves
something open or after a line that ends open ("(", ","), and a line in lower case after one with
no sentence end. Where lines broken off by a tag (`broken`) are common (BROKEN), `clean_units`
cleans the text one unit a line, each unit's lines joined by a space, and gives the decisions back
on the text's own lines: only whole lines are removed, and a unit's lines go or stay together.
Other texts (an extractor's paragraphs, html_text's lines) are cleaned line by line as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# A text is read in units when this share of its non-blank lines, and at least BROKEN_MIN of them,
# are broken off the line before by a tag: they open with closing punctuation (". So if", ").",
# "’s") or are a token of code ("(", "=", "})"). Over wcxb-dev's pages (every 3rd), the share is at
# most 0.09 in html_text's whole-page texts (0.03 in 99 %), 0.03 in 99 % of trafilatura's outputs
# (up to 0.57 in a few with code blocks, whose lines end in braces), and a median 0.03 in text
# taken node by node (0.15 at the 90th percentile).
BROKEN = 0.05
BROKEN_MIN = 5
CODE_TOKENS = 3  # a unit with this many tokens of code is code: the line model leaves it to the rules
_CODE = frozenset("()[]{}=")  # what makes a token code's (a list's commas are not)
_CLOSING = frozenset(".,;:!?)]}”’%…")
_TOKEN = frozenset("()[]{}=.,;:&'\"")  # not "+", "<", ">", "?", "!": a menu's expanders, arrows, icons
# The lines `broken` could count, found in one pass over the text: a tail's or a token's first mark.
_CANDIDATES = re.compile(r"\n[^\S\n]*[.,;:!?)\]}”’%…(\[{=&'\"]")
_FILLED = re.compile(r"\n[^\S\n]*\S")  # a non-blank line (its first mark)
_OPEN_END = ("(", "[", "{", "“", "‘", ",")
_SENTENCE_END = frozenset(".!?:;")


def _token(line: str) -> bool:
    """A token of code on a line of its own: at most three brackets or operators ("(", "()", "})")."""
    return len(line) <= 3 and all(ch in _TOKEN for ch in line)


def _leaves_open(line: str) -> bool:
    """A token that leaves something open ("(", "=", "."): not one that closes (")", "]", "}"),
    after which a new line may begin."""
    return _token(line) and line[-1] not in ")]}"


def _tail(line: str) -> bool:
    """A sentence's tail broken off by a tag: it opens with closing punctuation and holds a word
    (". So if", "’s") or is a token (")."); not a mark alone ("?", "…": an icon's stand-in)."""
    return line[0] in _CLOSING and (_token(line) or any(ch.isalnum() for ch in line))


def _bullets(lines: Sequence[str]) -> list[bool]:
    """Whether each line (stripped) is an item of a list marked with punctuation: it opens with a
    closing mark, as does the line before or after it (". Tennis", ". Golf"; ":. Features"), longer
    than a token. A sentence's tail broken off by a tag (". So if") is one line, not a run."""
    lead = [line[0] if len(line) > 3 and line[0] in _CLOSING else "" for line in lines]
    return [
        bool(c) and ((i > 0 and lead[i - 1] == c) or (i + 1 < len(lead) and lead[i + 1] == c))
        for i, c in enumerate(lead)
    ]


def broken(prev: str, line: str, bullet: bool = False) -> bool:
    """Whether `line` was broken off `prev` (both stripped, non-empty) by a tag: it opens with
    closing punctuation (and is not a `_bullets` item), or one of the two is a token of code."""
    return (_tail(line) and not bullet) or _token(line) or _token(prev)


def continues(prev: str, line: str, bullet: bool = False) -> bool:
    """Whether `line` continues `prev` (both stripped, non-empty) in a text broken at every tag:
    it opens with closing punctuation (not a `_bullets` item) or is a token of code, `prev` is a
    token that leaves something open ("(", "="; after ")" or "]" a new line may begin; after "."
    only a name, one word) or ends open ("(", ","), or `line` opens in lower case after a line
    with no sentence end."""
    if (_tail(line) and not bullet) or _token(line) or prev.endswith(_OPEN_END):
        return True
    if _leaves_open(prev) and (prev[-1] != "." or " " not in line):
        return True  # after "." in code a name, not a sentence after a full stop
    return line[0].islower() and prev[-1] not in _SENTENCE_END


def units(lines: Sequence[str]) -> list[tuple[int, int]] | None:
    """The text's units as (first, last) line indices, every line in one; None when too few of its
    lines were `broken` off the line before (BROKEN, BROKEN_MIN): it is read line by line."""
    stripped = [line.strip() for line in lines]
    bullets = _bullets([s for s in stripped if s])
    spans: list[tuple[int, int]] = []
    breaks = filled = 0
    prev = ""
    for i, line in enumerate(stripped):
        bullet = bool(line) and bullets[filled]
        if line and prev and continues(prev, line, bullet):
            spans[-1] = (spans[-1][0], i)
            breaks += broken(prev, line, bullet)
        else:
            spans.append((i, i))
        filled += bool(line)
        prev = line
    if breaks < max(BROKEN_MIN, BROKEN * filled):
        return None
    return spans


def _glued(prev: str, line: str) -> bool:
    """Whether `line` joins `prev` with no space between: it opens with closing punctuation or is
    a token of code, or `prev` is a token that leaves something open (the page had no space there,
    or one the scraper's stripping lost: "pooling" ". So if" -> "pooling. So if", "s" "=" "requests"
    -> "s=requests", which read as a sentence and as code)."""
    return line[0] in _CLOSING or _token(line) or _leaves_open(prev)


def joined(lines: Sequence[str], spans: Sequence[tuple[int, int]]) -> str:
    """One line a unit: its lines stripped and joined, by a space or by nothing (`_glued`)."""
    out = []
    for a, b in spans:
        prev = lines[a].strip()
        parts = [prev]
        for k in range(a + 1, b + 1):
            line = lines[k].strip()
            parts.append(line if _glued(prev, line) else " " + line)
            prev = line
        out.append("".join(parts))
    return "\n".join(out)


def code(lines: Sequence[str], spans: Sequence[tuple[int, int]]) -> frozenset[str]:
    """The `joined` texts of the units that are code: CODE_TOKENS or more of their lines are tokens
    with a bracket or "=" ("(", "=", "})"; not a list's commas). Line by line the model took
    highlighted code for a menu; joined, a block of it is one line of tokens the model never saw in
    training, so it is left to the rules (bench/results/2026-12-07-s27-node-text.md)."""
    out = set()
    texts = joined(lines, spans).split("\n")
    for (a, b), text in zip(spans, texts, strict=True):
        tokens = (lines[k].strip() for k in range(a, b + 1))
        if sum(_token(t) and not _CODE.isdisjoint(t) for t in tokens) >= CODE_TOKENS:
            out.add(text)
    return frozenset(out)


def units_of(text: str) -> list[tuple[int, int]] | None:
    """`units` of `text`'s lines, after a one-pass count of the lines that could have been broken
    off (a tail counts once, a token twice: it and the line after it) against BROKEN_MIN and BROKEN
    of the non-blank lines: most texts stop there."""
    lined = "\n" + text  # every line after a line break: a literal the regex engine skips to (five times a "^")
    candidates = len(_CANDIDATES.findall(lined))
    if 2 * candidates < BROKEN_MIN or 2 * candidates < BROKEN * len(_FILLED.findall(lined)):
        return None
    return units(text.split("\n"))


FRAGMENTED_TEXT = (
    "many of its lines continue the line before (text taken node by node from a page): "
    "each sentence's lines were read as one, and went or stayed together"
)
