"""The categories of a page's dropped blocks read together: what one block's own words, markup and
shape name (`cleaner.html.category.name_of`), then what its neighbours say of it. A run of bare
names or of short links is a menu, a run of links that read like headlines a list of teasers; a
teaser's summary, byline, date and section tag among teasers are the teasers' (related); a short
label right above a menu is the menu's; a heading over a "Read more" link is a teaser's headline.

Measured on the hand-labelled sets `tests/cases/html_categories*.jsonl` (wcxb-dev, CC-BY-4.0):
bench/results/2026-12-05-html-categories-4.md (fourth round) and -5.md (fifth).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from cleaner.html import category, dom
from cleaner.html.category import OTHER_WHY, SUMMARY_WORDS, Evidence, Named
from cleaner.types import Category

NAME_LIST = 5  # this many bare names in a row, of one structure, are a menu drawn without links
NAME_WORDS = 3  # a bare name's words at most
LONG_NAME_WORDS = 5  # ... and of a name inside a run of bare names ("Core and Abdominal Trainers")
TEASER_FURNITURE = 6  # a teaser's furniture between its headline and the next: at most this many blocks
_CELL_TAGS = frozenset({"pre", "code", "td", "th", "dd", "dt"})
_NOT_A_NAME = re.compile(r"\d|[.:!?=]$")
_LABEL = re.compile(r"^[^\W\d_][^\d:.!?]*:?$")  # "Locations:", "Tags": a letter first, no digit


def categories(drops: Mapping[int, Evidence]) -> dict[int, Named]:
    """The categories of a page's dropped blocks (by block index): each block's own (`name_of`),
    then what its run says (`_name_lists`: a menu drawn without links; `_link_lists`: a list of
    links named by their length alone; `_menu_labels`: a menu's label; `_read_more_teasers`: a
    heading over a "Read more"; `_teaser_furniture`: a teaser's byline or date among teasers), and
    last a teaser's summary, prose just under a related link that nothing else names, is related too."""
    out = {i: category.name_of(ev) for i, ev in drops.items()}  # via the module: bench/html_categories.py swaps it
    _name_lists(drops, out)
    _link_lists(drops, out)
    _menu_labels(drops, out)
    _read_more_teasers(drops, out)
    _teaser_furniture(drops, out)
    for i, ev in drops.items():
        above = drops.get(i - 1)
        if (
            out[i].category is Category.OTHER
            and above is not None
            and above.link
            and out[i - 1].category is Category.RELATED
            and not ev.link
            and ev.words >= SUMMARY_WORDS
            and category.text_cue(ev.block.text) is None
            and category.markup_category(ev) is None
        ):
            out[i] = Named(Category.RELATED, "a teaser's summary")
    return out


_LINK_SHAPES = ("a link to another page's headline", "a short link")
LINK_LIST = 3  # this many links in a row, of one structure, named by their length alone, are one list


def _link_lists(drops: Mapping[int, Evidence], out: dict[int, Named]) -> None:
    """A run of LINK_LIST or more dropped links in a row, of one repeated structure, that only their
    length named (a long one a teaser, related; a short one a menu's, navigation) is one list: all of
    it takes what most of it is ("Git documentation" among a list of resources is related; "Clearance:
    Office & Gift Packaging" among a shop's categories is navigation). No majority, no change."""
    keys = sorted(drops)
    k = 0
    while k < len(keys):
        end = k
        first = drops[keys[k]]
        if out[keys[k]].why in _LINK_SHAPES:
            while (
                end + 1 < len(keys)
                and keys[end + 1] == keys[end] + 1
                and out[keys[end + 1]].why in _LINK_SHAPES
                and drops[keys[end + 1]].block.signature == first.block.signature
            ):
                end += 1
        run = keys[k : end + 1]
        if len(run) >= LINK_LIST:
            related = sum(1 for i in run if out[i].category is Category.RELATED)
            if 2 * related != len(run):
                named = (
                    Named(Category.RELATED, "a list of teasers' links")
                    if 2 * related > len(run)
                    else Named(Category.NAVIGATION, "a list of short links, a menu")
                )
                for i in run:
                    out[i] = named
        k = end + 1


def _bare_name(ev: Evidence, named: Named, words: int = NAME_WORDS) -> bool:
    """A block nothing names that reads like a menu's entry: a few words (at most `words`), no link,
    no digit, no sentence's end, not code nor a table's or a definition list's cell."""
    return (
        named.category is Category.OTHER
        and named.why == OTHER_WHY
        and not ev.link
        and 1 <= ev.words <= words
        and ev.block.tag not in _CELL_TAGS
        and _NOT_A_NAME.search(ev.block.text) is None
    )


def _name_lists(drops: Mapping[int, Evidence], out: dict[int, Named]) -> None:
    """A run of NAME_LIST or more dropped blocks in a row, of one repeated structure, each a bare
    name (`_bare_name`: "World News", "Cities", "Sports"...; "Ireland (€)", "Canada ($)") is a menu
    drawn without links (a section list, a country picker, a filter's options): navigation, not
    `other`; a name of up to LONG_NAME_WORDS words in it ("Core and Abdominal Trainers") does not end
    the run while most of it are bare names. Shorter runs stay `other` (a table's header row: "Tool",
    "Pros", "Cons", "Pricing")."""
    keys = sorted(drops)
    k = 0
    while k < len(keys):
        first = keys[k]
        if not _bare_name(drops[first], out[first]):
            k += 1
            continue
        end = k
        signature = drops[first].block.signature
        while end + 1 < len(keys) and keys[end + 1] == keys[end] + 1:
            ev = drops[keys[end + 1]]
            if ev.block.signature != signature or not _bare_name(ev, out[keys[end + 1]], LONG_NAME_WORDS):
                break
            end += 1
        run = keys[k : end + 1]
        short = sum(1 for i in run if drops[i].words <= NAME_WORDS)
        if len(run) >= NAME_LIST and 2 * short > len(run):
            for i in keys[k : end + 1]:
                out[i] = Named(Category.NAVIGATION, "a list of names, a menu without links")
        k = end + 1


_FURNITURE_CUES = ("its words (other.byline)", "its words (other.date)")
_TEASER_LINKS = (
    "a link to another page's headline",
    "a list of teasers' links",
    "its element is named related",
)  # not a list's heading


def _furniture(ev: Evidence, named: Named) -> bool:
    """A teaser's furniture, when among teasers: a byline, a date or a reading time, a bare name
    (an author's), or a short link (a section's tag, the author's page) outside any menu or footer."""
    if ev.in_menu or ev.inside("footer"):
        return False
    if named.why in _FURNITURE_CUES:
        return True
    short = 1 <= ev.words <= NAME_WORDS
    return short and (named.why == "a short link" or (named.why == OTHER_WHY and not ev.link))


def _teaser_furniture(drops: Mapping[int, Evidence], out: dict[int, Named]) -> None:
    """A run of at most TEASER_FURNITURE dropped blocks in a row that are a teaser's furniture
    (`_furniture`), one of them a byline, a date or a reading time ("By Luke Fortney", "5 min read",
    "Mar 8"), with a teaser's related link right above or below it and nothing else dropped on the
    other side (a related block or a kept one), is the teasers': related, as the guide says
    (switching related off brings the whole teaser back). The page's own byline under its headline
    has no teaser's link beside it and stays `other`; an article's tags with no date stay navigation."""
    keys = sorted(drops)
    k = 0
    while k < len(keys):
        end = k
        while (
            end + 1 < len(keys)
            and keys[end + 1] == keys[end] + 1
            and _furniture(drops[keys[end]], out[keys[end]])
            and _furniture(drops[keys[end + 1]], out[keys[end + 1]])
        ):
            end += 1
        run = keys[k : end + 1]
        sides = [out[i].category if i in out else None for i in (run[0] - 1, run[-1] + 1)]
        teaser = any(i in drops and drops[i].link and out[i].why in _TEASER_LINKS for i in (run[0] - 1, run[-1] + 1))
        if (
            len(run) <= TEASER_FURNITURE
            and any(out[i].why in _FURNITURE_CUES for i in run)
            and all(_furniture(drops[i], out[i]) for i in run)
            and teaser
            and set(sides) <= {Category.RELATED, None}
        ):
            for i in run:
                out[i] = Named(Category.RELATED, "a teaser's furniture among teasers")
        k = end + 1


_BREADCRUMB = "its words (navigation.breadcrumb)"


def _menu_labels(drops: Mapping[int, Evidence], out: dict[int, Named]) -> None:
    """A short label nothing names, not a link, right above a menu ("Locations:", "More services:",
    "Tags" over a <nav>) or a breadcrumb written as text (a section's name, "OpenBSD stories" over
    "miod > software > OpenBSD > stories > ..."): the menu's heading, navigation."""
    for i, ev in drops.items():
        below = drops.get(i + 1)
        if (
            below is not None
            and out[i].why == OTHER_WHY
            and not ev.link
            and 1 <= ev.words <= NAME_WORDS
            and _LABEL.match(ev.block.text.strip()) is not None
            and out[i + 1].category is Category.NAVIGATION
            and (below.in_menu or out[i + 1].why == _BREADCRUMB)
        ):
            out[i] = Named(Category.NAVIGATION, "a menu's label")


def _read_more(ev: Evidence | None) -> bool:
    """A short "Read more" link (`related.teaser-words`)."""
    if ev is None or not ev.link or ev.words > NAME_WORDS:
        return False
    cue = category.text_cue(ev.block.text)
    return cue is not None and cue.id == "related.teaser-words"


def _read_more_teasers(drops: Mapping[int, Evidence], out: dict[int, Named]) -> None:
    """A heading that is no link, right above a "Read more" link (or above one block that is no
    heading and then the link), is that teaser's headline, and the block between its summary:
    related, not a sidebar's heading ("Purple Mattress Review" over "where we're all about..." and
    "Read More..")."""
    for i, ev in drops.items():
        if ev.link or ev.block.tag not in dom.HEADINGS or out[i].category is Category.RELATED:
            continue
        between = drops.get(i + 1)
        if _read_more(between):
            out[i] = Named(Category.RELATED, "a teaser's headline over its Read more")
        elif between is not None and between.block.tag not in dom.HEADINGS and _read_more(drops.get(i + 2)):
            out[i] = Named(Category.RELATED, "a teaser's headline over its Read more")
            if out[i + 1].why == OTHER_WHY:
                out[i + 1] = Named(Category.RELATED, "a teaser's summary")
