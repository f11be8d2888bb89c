"""The pipeline, visible in one function: segment -> annotate -> (revise -> model)* -> guard -> render."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from cleaner.annotate import annotate, protected_lines
from cleaner.config import CleanerConfig
from cleaner.guard import guard
from cleaner.models.line import DocState, LineModel, line_drops, load_line_model
from cleaner.models.line import verdict as model_verdict
from cleaner.models.line_features import LazyRows, rule_codes
from cleaner.pagekind import forum_url
from cleaner.rendering import emitted, removals, render, rendered_blocks
from cleaner.revise import DocView, revise
from cleaner.rules import RuleSet, build_ruleset
from cleaner.segment import segment
from cleaner.sites import host_of, site_decisions
from cleaner.types import Block, CleanResult, Decision, Decisions

SETTLE_ROUNDS = 4


def ruleset_for(config: CleanerConfig) -> RuleSet:
    return build_ruleset(config.rule_files, config.disabled, config.disabled_rules)


# -- the site templates' hooks (`cleaner.sites` holds the rules and their file format) ------------


def for_document(config: CleanerConfig, url: str | None) -> CleanerConfig:
    """The config for one document: with site templates on, `site_host` becomes the host of
    `url` when it has one (else the config's own `site_host`, e.g. the CLI's folder name stays)."""
    if config.sites is None:
        return config
    host = host_of(url)
    if host is None or host == config.site_host:
        return config
    return config.replace(site_host=host)


def template_drops(blocks: Sequence[Block], config: CleanerConfig) -> Decisions:
    """The pipeline's hook: the site drops for `config.site_host`, unless the user switched off
    their category or rule id."""
    if config.sites is None or config.site_host is None:
        return {}
    return {i: d for i, d in site_decisions(blocks, config.sites, config.site_host).items() if config.allows(d)}


def _model_drops(
    model: LineModel,
    view: list[Block],
    rows: Mapping[int, np.ndarray],
    dropped: Decisions,
    config: CleanerConfig,
    title: str | None,
    state: DocState,
) -> Decisions:
    """The model's drops in one pass, less those in a category or rule the user switched off."""
    found = line_drops(model, view, rows, dropped, config.model_threshold, title, state)
    return {i: d for i, d in found.items() if config.allows(d)}


@dataclass(frozen=True)
class Reading:
    """What the pipeline must know of a text it reads in another form than the user gave it
    (`cleaner.fragmented`: a sentence a line): the line model's page-or-extract verdict made on
    the text as given (`first_verdict`; None: made on the form read), and the lines the model must
    leave to the rules, by their text (a run of code's tokens, which no menu holds)."""

    verdict: tuple[float, float] | None = None
    spared: frozenset[str] = frozenset()


AS_GIVEN = Reading()


def run(
    text: str,
    config: CleanerConfig,
    title: str | None = None,
    url: str | None = None,
    given: Decisions | None = None,
    reading: Reading = AS_GIVEN,
) -> CleanResult:
    """Clean `text`: its lines as Blocks (`segment`), cleaned by `run_blocks`."""
    return run_blocks(segment(text), config, title, url, given, reading=reading)


def first_verdict(
    blocks: Sequence[Block], config: CleanerConfig, title: str | None = None, url: str | None = None
) -> tuple[float, float] | None:
    """The line model's (page_like, cap) verdict on `blocks` as `run_blocks`' first pass makes it
    (`cleaner.models.line.verdict`, after the phrase and context rules), for a caller that then
    cleans the text in another form (`cleaner.fragmented`); None without the model."""
    config = for_document(config, url)
    model = load_line_model(config.model)
    if model is None or len(blocks) > config.model_max_lines:
        return None
    rules = ruleset_for(config)
    annotations = {**template_drops(blocks, config), **annotate(blocks, rules)}
    view = DocView(list(blocks), config, title, forum_url(url))
    found = {**annotations, **{i: d for i, d in revise(view, annotations, rules).items() if d.dropped}}
    return model_verdict(model, blocks, LazyRows(list(blocks), model.vocabulary, {}), len(rule_codes(found)))


def run_blocks(
    blocks: list[Block],
    config: CleanerConfig,
    title: str | None = None,
    url: str | None = None,
    given: Decisions | None = None,
    annotated: Decisions | None = None,
    shown: Callable[[int, Decision], Decision] | None = None,
    reading: Reading = AS_GIVEN,
) -> CleanResult:
    """Clean a document given as its lines, Blocks numbered from 0 as `segment` makes them (HTML
    mode hands its page's blocks here). `given`: drops decided before the text rules (HTML mode's
    block model, `cleaner.html.mode`), kept like phrase-rule drops; with them the line model stays
    out of the first pass (the block model read the same text features and the markup besides),
    and the output is cleaned again as text until nothing changes, so `clean` of it changes
    nothing. `annotated`: the phrase rules' decisions on `blocks` under `config`'s rules, when the
    caller has made them already (HTML mode, for the block model's features). `shown`: the
    category users see for each rule's drop (`_shown_as`), where the caller knows more than the
    rule's words (HTML mode: the block's markup, `cleaner.html.category.rules_shown`). `reading`:
    when `blocks` are the user's text in another form (`Reading`, `cleaner.fragmented`)."""
    config = for_document(config, url)  # the url's host picks the site template (cleaner.sites)
    rows: dict[str, np.ndarray] = {}  # the model's line features by line text, kept for the settle rounds
    first = config if given is None else dataclasses.replace(config, model="off")
    forum = forum_url(url)
    read = _as_read(given or {})
    final, decisions, restored, warnings, settled = _clean_once(
        blocks, first, title, rows, read, forum, annotated, reading
    )
    model = load_line_model(config.model)
    if given is not None or not settled or (model is not None and not warnings and _unsettled(model, config, restored)):
        final, restored = _settle(blocks, final, decisions, restored, config, title, rows, forum, reading)
    if given:
        final, decisions = _as_shown(final, read, given), _as_shown(decisions, read, given)
    if shown is not None:
        final = _shown_as(final, given or {}, shown, config)
    by_index = {b.index: b for b in blocks}
    return CleanResult(
        text=render(blocks, final),
        removed=removals(blocks, final),
        guard_fired=bool(restored),
        restored=removals([by_index[i] for i in restored], decisions),
        title=title,
        url=url,
        lines_in=len(blocks),
        warnings=warnings,
    )


def _as_read(given: Decisions) -> Decisions:
    """The given drops as the text stages read them: under their `context_category` where they
    have one (the block model's markup family, `cleaner.html.category.family_category`)."""
    return {
        i: dataclasses.replace(d, category=d.context_category) if d.context_category is not None else d
        for i, d in given.items()
    }


def _as_shown(decisions: Decisions, read: Decisions, given: Decisions) -> Decisions:
    """`decisions` with each given drop that stood back under the category users see."""
    return {i: given[i] if read.get(i) is d else d for i, d in decisions.items()}


def _shown_as(
    final: Decisions, given: Decisions, shown: Callable[[int, Decision], Decision], config: CleanerConfig
) -> Decisions:
    """`final` with each rule's drop (not a given one) under the category `shown` gives it. Every
    stage read the rule's own category; what users see, and switch off, is the shown one: a drop
    shown under a category switched off stands back (its line is kept). A rule whose own category
    is switched off never ran, so its lines stay whatever they would be shown as."""
    out: Decisions = {}
    for i, d in final.items():
        if d.dropped and given.get(i) is not d:
            d = shown(i, d)
            if not config.allows(d):
                continue
        out[i] = d
    return out


def _unsettled(model: LineModel, config: CleanerConfig, restored: list[int]) -> bool:
    """Whether cleaning the output again could remove more. Not with a model that leaves
    extractors' outputs to the rules, unless the guard gave lines back: the last pass saw the
    output and removed nothing, so a second clean finds no rule drops, takes the text for an
    extract (see `cleaner.models.line.line_drops`) and the model abstains."""
    return bool(restored) or model.extract_threshold is not None or config.model_threshold is not None


def _settle(
    blocks: list[Block],
    final: Decisions,
    decisions: Decisions,
    restored: list[int],
    config: CleanerConfig,
    title: str | None,
    rows: dict[str, np.ndarray],
    forum: bool = False,
    reading: Reading = AS_GIVEN,
) -> tuple[Decisions, list[int]]:
    """With the model on, clean the output again until a round removes nothing (at most
    SETTLE_ROUNDS), carrying each round's drops back to the input's lines: the model's caps and
    its page-or-extract decision start afresh on a shorter text, so this, not the passes alone,
    is what makes cleaning twice change nothing. Also when a cleaning's `max_passes` passes each
    removed something (the model taking a few more lines on every pass as its context shrinks):
    its output was not yet what a second `clean` leaves. `decisions` gains the later rounds' drops
    (for the guard's account of what it restored)."""
    final = dict(final)
    restored = list(restored)
    for _ in range(SETTLE_ROUNDS):
        order = emitted(blocks, final)
        again = rendered_blocks(blocks, order)  # = segment(render(blocks, final)), without the round trip
        # No phrase rule claims a kept line: its drops are strong, and the guard gives back only weak ones.
        round_final, round_decisions, round_restored, _, _ = _clean_once(
            again, config, title, rows, forum=forum, annotated={}, reading=reading
        )
        new = {order[i]: d for i, d in round_final.items() if d.dropped and i < len(order)}
        decisions.update({order[i]: d for i, d in round_decisions.items() if i < len(order)})
        restored += [order[i] for i in round_restored if i < len(order)]
        if not new:
            break
        final.update(new)
    return final, sorted(i for i in set(restored) if not ((d := final.get(i)) is not None and d.dropped))


def _clean_once(
    blocks: list[Block],
    config: CleanerConfig,
    title: str | None,
    cache: dict[str, np.ndarray] | None = None,
    given: Decisions | None = None,
    forum: bool = False,
    annotated: Decisions | None = None,
    reading: Reading = AS_GIVEN,
) -> tuple[Decisions, Decisions, list[int], tuple[str, ...], bool]:
    """One cleaning of `blocks`: (final decisions, decisions before the guard, the indices the
    guard restored, warnings, settled: whether its last pass removed nothing; when `max_passes`
    passes all removed something, a second `clean` could remove more, and `run_blocks` settles).
    `cache`: the model's line features by line text (self_features);
    `given`: drops made before this (see `run`); `forum`: the text is a forum thread's (its url);
    `annotated`: the phrase rules' decisions on `blocks`, when already made (see `run_blocks`);
    `reading`: when `blocks` are the user's text in another form (`Reading`)."""
    rules = ruleset_for(config)
    # Context-free, so once: a later pass only sees lines no phrase rule claimed.
    decisions: Decisions = annotate(blocks, rules) if annotated is None else dict(annotated)
    decisions = {**template_drops(blocks, config), **(given or {}), **decisions}  # context-free too
    visible = [b for b in blocks if b.index not in decisions]
    annotations = dict(decisions)
    # Context passes until a pass over exactly what a second `clean` would see (the surviving
    # lines, no annotations) removes nothing: so cleaning twice changes nothing. The first
    # pass sees the annotated lines in place, because headers and boxes are context.
    view: list[Block] = blocks
    model = load_line_model(config.model)
    warnings: tuple[str, ...] = ()
    if model is not None and len(blocks) > config.model_max_lines:
        warnings = (
            f"{len(blocks):,} lines is more than the line model reads (model_max_lines "
            f"{config.model_max_lines:,}): cleaned by the rules alone",
        )
        model = None
    rows: Mapping[int, np.ndarray] = LazyRows(blocks, model.vocabulary, cache) if model is not None else {}
    protected = protected_lines(blocks, config, decisions) if model is not None else frozenset()
    if model is not None and reading.spared:
        protected |= {b.index for b in blocks if b.text in reading.spared}
    state = DocState(given=reading.verdict)
    settled = False
    for _ in range(config.max_passes):
        new = {i: d for i, d in revise(DocView(view, config, title, forum), annotations, rules).items() if d.dropped}
        if model is not None:
            found = _model_drops(model, view, rows, {**annotations, **new}, config, title, state)
            new.update((i, d) for i, d in found.items() if i not in protected)
        if not new and not annotations:
            settled = True
            break
        decisions.update(new)
        visible = [b for b in visible if b.index not in new]
        view, annotations = visible, {}
    final, restored = guard(blocks, decisions, config)
    return final, decisions, restored, warnings, settled
