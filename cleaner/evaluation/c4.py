"""datatrove's C4 line filter applied to one text, without a pipeline.

``C4QualityFilter`` (datatrove.pipeline.filters) splits the text on line breaks and, line by
line: strips it; drops it if a word is longer than 1000 characters; deletes Wikipedia-style
citation marks (``[1]``, ``[edit]``, ``[citation needed]``); drops it unless it ends in
terminal punctuation (``. ? ! " '``, but not ``...``); drops it if it has fewer than 3
whitespace-separated words; drops it if it mentions "javascript" or a policy phrase ("terms of
use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies").
It drops the whole document if a kept line contains "lorem ipsum" or a curly bracket "{".
Kept lines are joined with single line breaks (blank lines vanish; they fail the 3-word test).

We apply it as ``C4QualityFilter(min_num_sentences=-1)``. The evaluation's recipe is
``min_num_sentences=0`` (never drop a page for having too few sentences); -1 gives the same
output (0 sentences is never fewer than 0) but skips datatrove's sentence counting, which
would pull in spaCy for its English tokenizer. A dropped document becomes the empty string.
"""

from __future__ import annotations

from functools import cache
from typing import Any

DESCRIPTION = "datatrove C4QualityFilter(min_num_sentences=-1), equivalent to min_num_sentences=0; dropped doc -> ''"


def available() -> bool:
    """Whether datatrove is installed (it is an optional dependency: the `eval` extras)."""
    import importlib.util

    return importlib.util.find_spec("datatrove") is not None


@cache
def _filter() -> Any:
    from datatrove.pipeline.filters import C4QualityFilter

    return C4QualityFilter(min_num_sentences=-1)


def c4_filter(text: str) -> str:
    """The text after the C4 line filter ('' when C4 would drop the whole document)."""
    from datatrove.data import Document

    doc = Document(text=text, id="eval")
    verdict = _filter().filter(doc)
    if verdict is True:
        return str(doc.text)
    return ""
