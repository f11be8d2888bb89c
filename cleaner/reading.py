"""A text cleaned in the form it shows, and given back on its own lines.

Three kinds of text are read in another form than they come in, because the rules and the line
model were written and trained on text as a reader sees it: markdown as its visible text
(`cleaner.markdown`: a link by its words, one line for one line), text taken node by node as
sentences (`cleaner.fragmented`: the lines that continue each other, one line for each run), and
text hard-wrapped at a width as paragraphs (`cleaner.wrapped`). The
pipeline cleans that form; each of its removals is given back as the text's own lines, so only
whole lines of the input go, and spans and texts in `CleanResult.removed` are the input's.

The output is then cleaned again exactly as `clean` would read it (in the same form, or line by
line when it no longer takes one: a removal can bring lines together that continue each other)
until a round removes nothing, so cleaning twice changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from cleaner import fragmented, markdown, wrapped
from cleaner.config import CleanerConfig
from cleaner.pipeline import AS_GIVEN, Reading, first_verdict, run
from cleaner.rendering import emitted, removals, render
from cleaner.segment import segment
from cleaner.types import Action, CleanResult, Decision, Decisions, Removal, Stage

ROUNDS = 4  # cleanings of the output, each as a fresh `clean` reads it, until one removes nothing
MARKDOWN_TEXT = "it is markdown: each line was read as the text it shows (a link's words, not its address)"
WRAPPED_TEXT = "it is wrapped at a width: each paragraph's lines were read as one, and went or stayed together"


@dataclasses.dataclass(frozen=True)
class Form:
    """A text in the form the pipeline reads: its lines' spans (first, last) in the text, one per
    line of `text`, and what the pipeline must know of it (`pipeline.Reading`)."""

    spans: list[tuple[int, int]]
    text: str
    reading: Reading
    warning: str


def form_of(text: str, config: CleanerConfig, title: str | None, url: str | None) -> Form | None:
    """The form `text` is read in, or None: line by line, as it comes (most texts: decided by a
    search for "](" and `fragmented.units_of`'s first count, before the text is segmented)."""
    lines = text.split("\n")
    shown = markdown.visible_lines(lines) if "](" in text or "\\" in text else None
    if shown is not None:  # the line model's verdict on the visible text: the shape it was trained on
        return Form([(k, k) for k in range(len(lines))], "\n".join(shown), AS_GIVEN, MARKDOWN_TEXT)
    spans = fragmented.units_of(text)
    if spans is not None:
        reading = Reading(first_verdict(segment(text), config, title, url), fragmented.code(lines, spans))
        return Form(spans, fragmented.joined(lines, spans), reading, fragmented.FRAGMENTED_TEXT)
    spans = wrapped.spans_of(lines)
    if spans is not None:  # joined, its paragraphs are the lines the model was trained on: its own verdict
        return Form(spans, fragmented.joined(lines, spans), AS_GIVEN, WRAPPED_TEXT)
    return None


def _decisions(found: Sequence[Removal], spans: Sequence[tuple[int, int]], action: Action) -> Decisions:
    """The result's removals (spans over the form's lines, 1-based) as decisions on the text's lines."""
    out: Decisions = {}
    for r in found:
        d = Decision(action, Stage.REVISE, r.rule, r.reason, r.category, score=r.score)
        for u in range(r.lines[0] - 1, r.lines[1]):
            a, b = spans[u]
            out.update((k, d) for k in range(a, b + 1))
    return out


def _underlined(found: Decisions, units: Sequence[tuple[int, int]]) -> Decisions:
    """A setext heading's underline ("=====" under its line) goes or stays with its heading. The
    pipeline reads the two lines as they are (joined, the line model's view of whole pages moved both
    ways on a third of them: bench/results/2026-12-08-s28-markdown-escapes.md)."""
    out = dict(found)
    for heading, underline in units:
        if underline != heading:
            if heading in out:
                out[underline] = out[heading]
            else:
                out.pop(underline, None)
    return out


def clean_read(text: str, config: CleanerConfig, title: str | None = None, url: str | None = None) -> CleanResult:
    """`pipeline.run` over `text`, in the form it is read in (`form_of`) and given back on its own
    lines, then over its output as `clean` would read that, until a round removes nothing. Most
    texts take no form and their output none either: one `run`, as it is."""
    form = form_of(text, config, title, url)
    plain = None
    if form is None:
        plain = run(text, config, title, url)
        if not plain.removed or form_of(plain.text, config, title, url) is None:
            return plain  # cleaned again, its output would be read line by line too: the pipeline settles it
    blocks = segment(text)
    dropped: Decisions = {}
    restored: Decisions = {}
    alive = list(range(len(blocks)))  # the input's line of each line of the text being cleaned
    current, now = blocks, text
    first: CleanResult | None = None
    read_as: list[str] = []  # the forms' warnings, in the order first read
    current_form: Form | None = form
    for _ in range(ROUNDS):
        if current_form is None:  # read line by line, as `clean` reads such a text
            spans = [(k, k) for k in range(len(current))]
            result = plain or run(now, config, title, url)
            plain = None
        else:
            spans = current_form.spans
            result = run(current_form.text, config, title, url, reading=current_form.reading)
            if current_form.warning not in read_as:
                read_as.append(current_form.warning)
        first = first or result
        found = _decisions(result.removed, spans, Action.DROP)
        if current_form is not None and current_form.warning == MARKDOWN_TEXT:
            found = _underlined(found, markdown.units([b.text for b in current]))
        dropped.update((alive[k], d) for k, d in found.items())
        back = _decisions(result.restored, spans, Action.KEEP)
        restored.update((alive[k], d) for k, d in back.items())
        if not found:
            break
        alive = [alive[k] for k in emitted(current, found)]
        now = render(current, found)
        current = segment(now)
        alive += [-1] * (len(current) - len(alive))  # the empty line after the last line break
        current_form = form_of(now, config, title, url)
    gave_back = {i: dataclasses.replace(d, action=Action.DROP) for i, d in restored.items() if i not in dropped}
    assert first is not None
    return dataclasses.replace(
        first,
        text=render(blocks, dropped),
        removed=removals(blocks, dropped),
        guard_fired=bool(gave_back),
        restored=removals(blocks, gave_back),
        lines_in=len(blocks),
        warnings=(*first.warnings, *read_as),
    )
