"""Readers' comments under an article, found by the context pass (`cleaner.revise`) as one run.

`comment_sections`: below the article's text, a comment header, or without one the first reply
button or comment stamp (a name with a date and a time of day), starts the readers' comments,
taken to the end when bylines, buttons and stamps recur (never on a forum's page, nor where the
stamps are a thread's posts' or a blog index's entries').

`reader_replies`: where an extractor kept the comments' text and dropped their bylines and
buttons, a reader's words ("Great post!", "Thanks for sharing", "Roger,": the cues of
`cleaner/data/comment_voices.toml`) recurring under an article start them.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from cleaner.docview import REPEATED_HEADER, DocView, drop, dropped
from cleaner.models.line_features import DATE_RE
from cleaner.patterns import LiteralSearch
from cleaner.rules import RuleSet
from cleaner.types import Block, Category, Decision, Decisions, Shape, Stage, Strength

COMMENT_MARKER_MAX_WORDS = 15  # a dated line this short is a comment's byline ("Ann, May 3, 2012 at 9:41")
SAYS_MAX_WORDS = 6  # a commenter's "Ann says:" line (`_SAYS`) is at most this long
COMMENT_MARKER_EVERY = 20  # a comment section shows a byline or reply button at least every 20 lines
COMMENT_MARKERS = 2  # ... and at least this many
COMMENT_BUTTONS = 3  # without a header: reply buttons (a `comments` rule's lines) or stamps from the first one on
COMMENT_FIRST_GAP = 8  # above the longest prose run: the next marker within this many lines of the start ...
BUTTON_WORDS = 3  # a reply button ("Reply", "Log in to Reply"), not a comment's title line
STAMP_ALIKE = 0.5  # token Jaccard at which two stamps are one template (a thread's posts, a blog index's entries)
COMMENT_ARTICLE_WORDS = 60  # ... under an article of this many prose words in a row
COUNTED_ARTICLE_WORDS = 150  # a header counting comments right under this many prose words in a row starts them
COUNTED_TOTAL_WORDS = 300  # ... or under this many prose words in all (a post in short paragraphs and one-liners)
POST_WORDS = 20  # ... or this many, when the header announces the comments or a reader's words follow it
VOICED_LINES = 3  # ... in the next this many lines
VOICES_FILE = "comment_voices.toml"
VOICE_ARTICLE_WORDS = 150  # a reader's words start the comments under this many kept words (the article)
VOICE_CUES = 3  # ... when at least this many lines carry them from the first on
VOICE_EVERY = 150  # ... each at most this many kept lines under the one before
VOICE_SPAN = 40  # ... on average one every this many kept lines from the first to the end
VOICE_TAIL = 80  # ... the last at most this many kept lines above the text's end
VOICE_MAX_WORDS = 120  # a reader's words are looked for in lines of at most this many words


_SECTION_RULE = "context.comments"


def comment_sections(view: DocView, decisions: Decisions, rules: RuleSet) -> Decisions:
    """The readers' comments under an article, as one run to the end of the text.

    The run starts at a comment header ("23 Comments", "Leave a Reply", "Join the discussion": a
    `comments` rule with `header = true`; or a bare "Comments" heading, `_BARE_HEADER`, below the
    article's longest prose run of COMMENT_ARTICLE_WORDS words or more, not under a tab's label and
    not repeated on every card), or, where there is none, at the first reply button (a
    `comments` rule's line: "Reply", "Re: (Score:3)") or comment stamp (a commenter's name with the
    date and time: "Ann Lee on May 3, 2012 at 9:41 am"). Comment markers (`_comment_marker`: bylines
    with a date, buttons, stamps) must recur under it: at least COMMENT_MARKERS of them and one every
    COMMENT_MARKER_EVERY lines, and without a header at least COMMENT_BUTTONS buttons or stamps (dates
    alone are no comments: a timeline closing an article, a sidebar's archive of months, have them too).
    A header that counts the comments ("{ 3 comments… read them below or add one }") or a bare
    heading, at most COMMENT_FIRST_GAP lines under the article's text, needs no markers: extractors
    often keep the comments' words and drop their bylines and buttons. A counting header starts them
    right under a run of COUNTED_ARTICLE_WORDS prose words, or under COUNTED_TOTAL_WORDS prose words
    in all (a post in short paragraphs between one-line questions), even where the comments under it
    hold a longer run than the post, or under POST_WORDS when one of the VOICED_LINES lines
    under it carries a reader's words (`voice`), as a bare heading does there too. A header that
    says the comments follow it (`_ANNOUNCED`: "7 comments:", "14 thoughts on “Title”") starts them
    under any post of POST_WORDS prose words, wherever its last prose line is. A bare date and time ("23 October
    2012 at 8:38 pm") is a stamp where several fall on shared days (`_clock_stamps`).

    It must stand below the article's text: below the run of prose lines with the most words
    (`_prose_runs`: a counter beside the byline under the headline is no section), or, where a long
    comment outdoes a short article (a two-line story under three hundred comments), below a run of
    COMMENT_ARTICLE_WORDS prose words with the next marker at most COMMENT_FIRST_GAP lines under the
    start and markers recurring without a gap of COMMENT_MARKER_EVERY lines to the last one (a share
    bar's "23 Comments" inside the article is followed by the article's text, not by comments).

    Never on a forum's or Q&A page (`DocView.forum`): a thread's posts are its content."""
    if view.forum:
        return {}
    nb = view.nonblank
    markers, moments = _clock_stamps(view, [_comment_marker(view.blocks[p], decisions) for p in nb])
    has_rule = any(d.dropped and d.category is Category.COMMENTS for d in decisions.values())
    has_rule = has_rule or sum(1 for m in markers if m == "rule") >= COMMENT_BUTTONS  # "Rate This" under each
    bare = [_BARE_HEADER.fullmatch(view.blocks[p].norm) is not None for p in nb]
    if sum(bare) >= REPEATED_HEADER:
        bare = [False] * len(nb)  # a "Comments" link on every card of a listing
    has_rule = has_rule or any(bare)
    if not has_rule and sum(1 for m in markers if m == "stamp") < COMMENT_BUTTONS:
        return {}  # a start needs a `comments` rule's line (a header, a button) or stamps
    if sum(1 for p in nb if _comment_header(decisions.get(view.blocks[p].index), rules)) >= REPEATED_HEADER:
        return {}  # a counter on every card ("14 comments"): a listing of posts, not a comment section
    prose, end = _prose_runs(view, decisions)
    refused = False
    for k in range(len(nb)):
        pos = nb[k]
        head = view.blocks[pos]
        ruled = _comment_header(decisions.get(head.index), rules)
        if not (ruled or bare[k] or markers[k] in ("rule", "stamp")):
            continue
        # A header or heading under a short post with a reader's words right under it (`voice`).
        voiced = (ruled or bare[k]) and prose[k][2] >= POST_WORDS and _voiced(view, nb[k + 1 : k + 1 + VOICED_LINES])
        # A bare heading starts the comments only under an article's text (not in a menu's items),
        # or where a reader's words follow it.
        header = ruled or (
            bare[k]
            and ((k > end and prose[k][0] >= COMMENT_ARTICLE_WORDS) or voiced)
            and not (k and _tab_label(view.blocks[nb[k - 1]], decisions))
        )
        if not (header or markers[k] in ("rule", "stamp")):
            continue
        under = markers[k + 1 :] if header else markers[k:]
        found = sum(1 for m in under if m)
        counts = _COUNT.search(head.text) is not None
        # A header that says the comments follow it (`_ANNOUNCED`) is never a byline's or a share
        # bar's counter: under any post, however short, and wherever the post's last prose line is
        # (a recipe's ingredients, a photo's credit between them).
        announced = header and prose[k][2] >= POST_WORDS and _ANNOUNCED.search(head.text.strip().lower()) is not None
        # Below the article's text; or, for a header that counts the comments, right under a run of
        # prose as long as an article's (not a first paragraph's, over a share bar's counter): the
        # comments under it may outweigh the article; or under a short post when the next lines
        # carry a reader's words (`voice`: "Thanks for sharing"), where a share bar's counter has
        # the article's text under it.
        placed = (
            k > end
            or (counts and (prose[k][0] >= COUNTED_ARTICLE_WORDS or prose[k][2] >= COUNTED_TOTAL_WORDS))
            or ((counts or bare[k]) and voiced)
        )
        counted = (
            header
            and placed
            and k - prose[k][1] <= COMMENT_FIRST_GAP  # right under the text: not a counter by the byline
            and (bare[k] or counts)  # a count, or a heading of its own
            and len(under) >= COMMENT_MARKERS
        ) or (announced and len(under) >= COMMENT_MARKERS)
        if found < max(COMMENT_MARKERS, len(under) / COMMENT_MARKER_EVERY) and not counted:
            continue
        buttons = sum(1 for m in under if m == "rule")
        if not header and buttons + sum(1 for m in under if m == "stamp") < COMMENT_BUTTONS:
            continue
        # The evidence is stamps, or closeness (a counted header right under the post is evidence enough).
        if (k <= end and not counted) or not (header or buttons >= COMMENT_BUTTONS):
            if refused or (k <= end and not _right_under_an_article(prose[k], markers, k)):
                continue
            if k <= end and not header and markers[k] == "rule" and head.words <= BUTTON_WORDS:
                continue  # a reply button right under the text: a thread's first post has one too
            if not _stamps_of_commenters(view, markers, k, moments):
                refused = True  # a thread's posts or a blog index's entries: so are the stamps under them
                continue
        where = f"under the comment header on line {head.line}" if header else f"from line {head.line} on"
        reason = f"A reader's comment: comment bylines and buttons recur {where}."
        start = k + 1 if header else k
        return {
            view.blocks[p].index: drop(_SECTION_RULE, Category.COMMENTS, reason, Strength.STRONG)
            for p in nb[start:]
            if view.blocks[p].index not in decisions
        }
    return {}


def _voiced(view: DocView, positions: Sequence[int]) -> bool:
    """Whether one of these lines carries a reader's words (`voice`)."""
    return any(voice(view.blocks[p].text, view.blocks[p].words, view.blocks[p].norm) is not None for p in positions)


def _stamps_of_commenters(view: DocView, markers: Sequence[str | None], k: int, moments: frozenset[int]) -> bool:
    """Whether the stamps from position `k` on are readers' (or there are none): each says
    something under it (not a log's lines, each with its time), not a post's stamp that also
    stands above `k` (a forum thread's first post, a blog index's first entry: "Posted Mar 5, 2026
    by Ann" over each; a bare moment is compared with bare ones only), and not one line repeated
    with other numbers on every card ("Offer ends Mar 9 at 5:59 AM"): readers' names vary; bare
    dates and times on shared days (`moments`, `_clock_stamps`) by their own text: each comment's
    moment is its own."""
    nb = view.nonblank
    at = [j for j in range(k, len(nb)) if markers[j] == "stamp"]
    if not at:
        return True
    if 2 * sum(1 for j in at if j + 1 < len(nb) and markers[j + 1] == "stamp") > len(at):
        return False  # stamps line after line with nothing said between them: a log's output, a list of dates
    under = [_stamp_key(view.blocks[nb[j]].text) for j in at]
    told = {view.blocks[nb[j]].norm if j in moments else key for j, key in zip(at, under, strict=True)}
    if len(told) * 2 < len(under):
        return False
    # A nameless moment under the post is no post's stamp like the byline over it ("Posted on ...
    # at 11:11am by Ann" over the article, "Posted on ... at 11:40am" over each comment, the names
    # apart): stamps above are compared with those under them of their own kind.
    bare = at[0] in moments
    above = [_stamp_key(view.blocks[nb[j]].text) for j in range(k) if markers[j] == "stamp" and (j in moments) == bare]
    return not any(_alike(a, b) for a in above for b in under[:COMMENT_MARKERS])


def _clock_stamps(view: DocView, markers: list[str | None]) -> tuple[list[str | None], frozenset[int]]:
    """`markers` with the lines that give a date and a time of day and nothing else ("23 October
    2012 at 8:38 pm", "Posted on August 9, 2012 at 11:40am": extractors keep a comment's moment and
    drop its author's name) as stamps, where COMMENT_BUTTONS or more of them stand and most fall on a
    day another one does (readers comment within hours of each other; a blog index's or an archive's
    posts each have a day of their own); and their positions (`_stamps_of_commenters` tells them
    apart by their own text)."""
    nb = view.nonblank
    at = [k for k, m in enumerate(markers) if m in ("byline", "stamp") and _only_moment(view.blocks[nb[k]].text)]
    if len(at) < COMMENT_BUTTONS:
        return markers, frozenset()
    days = [_TIME_OF_DAY.sub(" ", view.blocks[nb[k]].norm).split() for k in at]
    if len({tuple(d) for d in days}) * 2 > len(days):
        return markers, frozenset()
    # A live blog's entries: a moment, a headline, then prose, for most of them (readers do not title
    # their comments): the page's own content.
    shapes = [view.blocks[p].shape for p in nb]
    titled = sum(1 for k in at if k + 2 < len(nb) and shapes[k + 1] is Shape.HEADLINE and shapes[k + 2] is Shape.PROSE)
    if 2 * titled >= len(at) or _newest_first([view.blocks[nb[k]].text for k in at], days):
        return markers, frozenset()
    out = list(markers)
    for k in at:
        out[k] = "stamp"
    return out, frozenset(at)


def _newest_first(stamps: Sequence[str], days: Sequence[list[str]]) -> bool:
    """Whether moments of one day go back in time more often than forward, line after line: a live
    blog's entries, newest first (readers' comments stand oldest first on most sites)."""
    back = forward = 0
    for a, b, day_a, day_b in zip(stamps, stamps[1:], days, days[1:], strict=False):
        if day_a != day_b:
            continue
        before, after = _minute_of_day(a), _minute_of_day(b)
        back += after < before
        forward += after > before
    return back > forward


def _minute_of_day(text: str) -> int:
    """The time of day of a stamp, in minutes from midnight ("9:42 pm" -> 1302)."""
    found = _TIME_OF_DAY.search(text)
    if found is None:
        return 0
    hour, minute, half = int(found.group(1)), int(found.group(2)), (found.group(3) or "").lower()
    if half == "p" and hour < 12:
        hour += 12
    elif half == "a" and hour == 12:
        hour = 0
    return hour * 60 + minute


def _only_moment(text: str) -> bool:
    """Whether a line is a date with a time of day and no other word but a post's verb ("November
    7th, 2012 at 9:42 pm", "Aug 08, 2012 @ 16:44:30", "Posted on August 9, 2012 at 11:40am")."""
    if not (_CLOCK.search(text) and (_DAY.search(text) or _MONTH.search(text))):
        return False
    return _NAME.search(_MONTH.sub(" ", _MOMENT_WORDS.sub(" ", text))) is None


def _stamp_key(text: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """A stamp's words and signs, lower-cased, with numbers as 0 and month names as M; and its
    shape: each token as 0 (a number), M (a month), w (a word or name: "hayley.p", "alison100") or
    itself (a sign), runs of w as one."""
    masked = _MONTH.sub(" M ", text.lower())
    words = frozenset(re.sub(r"\d+", "0", t) for t in _STAMP_TOKEN.findall(masked))
    shape: list[str] = []
    for t in _STAMP_NAME.findall(masked):
        c = "0" if t.isdigit() else t if t == "M" or not (t[0].isalnum() or t[0] == "_") else "w"
        if not (c == "w" and shape and shape[-1] == "w"):
            shape.append(c)
    return words, tuple(shape)


def _alike(a: tuple[frozenset[str], tuple[str, ...]], b: tuple[frozenset[str], tuple[str, ...]]) -> bool:
    """Two stamps of one template: the same shape ("hayley.p 2 May 2025 18:48" and "alison100 3
    May 2025 09:21"), or STAMP_ALIKE of their words in common."""
    return a[1] == b[1] or len(a[0] & b[0]) >= STAMP_ALIKE * len(a[0] | b[0])


# A word of three letters or more that is no day or hour word: the stamp names someone ("Posted",
# a user name); the forum's clock in its header ("March 05, 2026, 07:16:19 AM") does not.
_NAME = re.compile(
    r"\b(?!(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|utc\b|gmt\b|[ap]\.?m\b)[^\W\d_]{3,}",
    re.IGNORECASE,
)
_STAMP_TOKEN = re.compile(r"\w+|[^\w\s]")
_STAMP_NAME = re.compile(r"\w[\w.'-]*\w|\w|[^\w\s]")


def _right_under_an_article(article: tuple[int, int, int], markers: Sequence[str | None], k: int) -> bool:
    """Whether position `k` stands right under an article: a run of COMMENT_ARTICLE_WORDS prose
    words above it, a prose line at most COMMENT_FIRST_GAP lines above it (`article`: the longest
    run's words, the last prose line's position and all prose words above: `_prose_runs`), and
    buttons or stamps following closely."""
    words, last, _ = article
    return words >= COMMENT_ARTICLE_WORDS and k - last <= COMMENT_FIRST_GAP and _recur_closely(markers, k)


def _recur_closely(markers: Sequence[str | None], k: int) -> bool:
    """Whether buttons or stamps follow position `k` closely: the next within COMMENT_FIRST_GAP
    lines, and the COMMENT_BUTTONS after it each within COMMENT_MARKER_EVERY lines of the one
    before (a dated line alone is weak: an article's own byline and a sidebar's dates are dated too)."""
    at = [j for j in range(k + 1, len(markers)) if markers[j] in ("rule", "stamp")][: COMMENT_BUTTONS + 1]
    if not at or at[0] - k > COMMENT_FIRST_GAP:
        return False
    return all(b - a < COMMENT_MARKER_EVERY for a, b in itertools.pairwise(at))


def _prose_runs(view: DocView, decisions: Decisions) -> tuple[list[tuple[int, int, int]], int]:
    """Runs of kept prose lines in a row (a dropped ad label or share bar inside the article does
    not end one; a comment line does). For each position of `view.nonblank`: the most words of a run
    above it, the position of the last kept prose line above it (-1 for none) and the words of all
    kept prose lines above it (a post written in short paragraphs between one-line questions and
    headings makes no long run); and where the
    article's text ends: the last line of the run that holds the most words (-1 without prose). A
    comment section starts below it: a counter above the article ("2,483 comments" over the
    headline) and a sidebar's archive of dates stand above it on a whole page's text."""
    best, best_end, last, words, total = 0, -1, -1, 0, 0
    out: list[tuple[int, int, int]] = []
    for k, p in enumerate(view.nonblank):
        out.append((best, last, total))
        block = view.blocks[p]
        d = decisions.get(block.index)
        if d is not None and d.category is not Category.COMMENTS:
            continue
        prose = d is None and block.shape is Shape.PROSE
        words = words + block.words if prose else 0
        if prose:
            last, total = k, total + block.words
        if words > best:
            best, best_end = words, k
    return out, best_end


def _tab_label(block: Block, decisions: Decisions) -> bool:
    """A short label no rule took ("Article", "Stock Quotes"): above a bare "Comments" it makes a
    tab bar over the article, not the comment section's heading."""
    return _TAB.fullmatch(block.text.strip()) is not None and dropped(decisions, block) is None


def _comment_header(decision: Decision | None, rules: RuleSet) -> bool:
    if decision is None or decision.stage is not Stage.ANNOTATE or decision.category is not Category.COMMENTS:
        return False
    rule = rules.by_id.get(decision.rule)
    return rule is not None and rule.header


def _comment_marker(block: Block, decisions: Decisions) -> str | None:
    """ "rule" for a line a `comments` rule took (reply and report buttons, the comment form),
    "stamp" for a short line with a date and a time of day ("Ann on May 3, 2012 at 9:41 am") or a
    commenter's "says:" line ("Rebekah says:", "infamousdx said,": `_SAYS`), "byline" for one with
    a date or time only ("Ann, May 3, 2012"), else None."""
    d = dropped(decisions, block)
    if d is not None:
        return "rule" if d.category is Category.COMMENTS else None
    if block.shape is Shape.PROSE or not 0 < block.words <= COMMENT_MARKER_MAX_WORDS:
        return None
    return _text_marker(block.text, block.norm, block.words)


@lru_cache(maxsize=1 << 14)
def _text_marker(text: str, norm: str, words: int) -> str | None:
    """What a short line's own text makes it (`_comment_marker`, a line no rule took): the same
    lines are asked again on every pass and settle round, so cached, as `content_words` is."""
    if words <= SAYS_MAX_WORDS and _SAYS.search(text):
        return "stamp"
    if _RATE.fullmatch(norm):
        return "rule"  # a comment's rating widget ("Rate This: 0 0"), a button under each comment
    if _LUV.search(text):
        return "stamp"  # "Ann recently posted..Her Own Post": a commenter's signature (CommentLuv)
    if not DATE_RE.search(text):
        return None
    if _CLOCK.search(text) and (_DAY.search(text) or _MONTH.search(text)) and _NAME.search(_MONTH.sub(" ", text)):
        return "stamp"
    return "byline"


# A comment's rating widget under each comment ("Rate This: 0 0", "Rate this: 3 1"), and CommentLuv's
# line naming the commenter's own latest post ("YFS recently posted..March 2012 Income Report").
_RATE = re.compile(r"rate this:?(?: [+-]?\d+){0,2}")
_LUV = re.compile(r"^\S.{0,60}? recently posted\s?\.\.", re.IGNORECASE)
_TAB = re.compile(r"[^\W\d_]+(?: [^\W\d_]+){0,2}")  # one to three words of letters alone
# A commenter's byline: a name of one to three words and "says:" ("Rebekah says:", "infamousdx said,"),
# in the rules' seven languages, with the date after it or not, or "says" ending the line with no
# colon ("Sharon says": a blog theme that draws the colon with its style sheet; a quoted speaker's
# line goes on after the verb). Not "writes:" or "wrote:": an article quotes someone that way ("As
# you may recall, Colon writes:", "a different dave wrote:").
_SAYS = re.compile(
    r"^[^\W\d][\w.'@-]*(?: [\w.'@-]+){0,2} "
    r"(?:says|said|sagt|meint|dit|a dit|dice|dijo|ha detto|zegt|disse|diz)"
    r"(?: ?[:,]\s*(?:$|(?:(?:on|at|am|le|el|em|op|il) )?(?:\d|[^\W\d_]{3,9}\.? \d))|\s*$)",
    re.IGNORECASE,
)
# A comment section's bare heading ("Comments", "Responses"): a header only where comment markers
# follow it (forums and Q&A pages title their content with it too, so no rule drops it alone). Not
# "Discussion": a paper's and a manual page's section ("DISCUSSION" in git's manual, wcxb-dev 0689).
_BARE_HEADER = re.compile(
    r"(?:reader |user )?(?:comments|responses|replies|kommentare|commentaires|comentarios|commenti|"
    r"reacties|comentários)\s?[»:›>]?"
)
_COUNT = re.compile(r"\b(?:[1-9]\d*|one)\b", re.IGNORECASE)  # a header that counts comments: there are some
# A header that says the comments follow it, which a counter beside a byline or in a share bar never
# does: a count with a colon ending the line ("7 comments:", Blogger's), with "read them below"
# ("{ 74 comments… read them below or add one }", Thesis's), or naming the post in quotes ("14
# thoughts on “Title”", "3 responses to “Title”", WordPress's), in the rules' seven languages.
# Matched on the line in lower case.
_ANNOUNCED = re.compile(
    r"^(?:\{ ?)?(?:[1-9]\d*|one|ein|une?|uno|una|één|um|uma) (?:"
    r"(?:comments?|kommentare?|commentaires?|comentarios?|commenti|commento|reacties?|coment[aá]rios?) ?:$"
    r"|comments?\W{0,3} read them below"
    r"|(?:(?:thoughts?|responses?|repl(?:y|ies)|comments?) (?:on|to)"
    r"|(?:kommentare?|gedanken|antworten|reaktionen) (?:zu|auf)"
    r"|(?:commentaires?|r[ée]ponses?|r[ée]flexions?) (?:sur|[àa])"
    r"|(?:comentarios?|respuestas?|pensamientos?) (?:a|en|sobre|para)"
    r"|(?:commenti|commento|risposte|risposta|pensieri|pensiero) (?:a|su|per)"
    r"|(?:reacties?|gedachten?) (?:op|over)"
    r"|(?:coment[aá]rios?|respostas?|pensamentos?) (?:a|em|sobre|para)"
    r") [“\"'«„‘‚»])"
)
_DAY = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{1,4}\b|\b(?:19|20)\d\d\b")  # a numeric date or a year
_CLOCK = re.compile(r"(?<![\d:.])\d{1,2}:\d{2}(?!\d)")
# A stamp's words that are no name: "at", "on", "um", "à"... between the date and the time, and a
# time's own words (the clock itself, am/pm, a zone).
_MOMENT_WORDS = re.compile(
    r"\b(?:at|on|um|am|le|à|a las|alle|om|às|de|del|el|utc|gmt|[ap]\.?m\.?"
    r"|posted|submitted|gepostet|publié|publicado|pubblicato|geplaatst|postado)\b",
    re.IGNORECASE,
)
# A time of day with its seconds and am/pm: its hour, minutes and a/p (`_minute_of_day`); taken out of
# a moment, what is left is its day (`_clock_stamps`).
_TIME_OF_DAY = re.compile(r"(?<![\d:.])(\d{1,2}):(\d{2})(?::\d{2})?(?!\d)\s*(?:([ap])\.?m\.?)?", re.IGNORECASE)
# Month names and their short forms in the rules' seven languages (en, de, fr, es, it, nl, pt).
_MONTH = re.compile(
    r"\b(?:jan(?:uary|uar|uari|vier|eiro)?|feb(?:ruary|ruar|ruari)?|f[ée]v(?:rier|ereiro)?|mar(?:ch|s|zo|ço)?|"
    r"m[äa]rz|maart|apr(?:il|ile|il)?|avr(?:il)?|abr(?:il)?|may|mai|mei|mayo|maio|maggio|jun[eio]?|juin|junho|"
    r"giugno|jul[yi]?|juillet|julho|luglio|aug(?:ust|ustus)?|ao[uû]t|ago(?:sto)?|sep(?:t|tember|tiembre)?|"
    r"set(?:embro|tembre|iembre)?|oct(?:ober|obre|ubre)?|okt(?:ober)?|out(?:ubro)?|ott(?:obre)?|nov(?:ember|embre|embro)?|"
    r"dec(?:ember)?|d[ée]c(?:embre)?|dez(?:ember|embro)?|dic(?:iembre|embre)?|enero|febrero|gennaio|febbraio|"
    r"janeiro|fevereiro|junio|julio|agosto)\b\.?",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Voice:
    """A reader's words (`cleaner/data/comment_voices.toml`): a pattern, tried on a line of at
    most `max_words` words whose lower case holds one of the `gate` words (none: any line)."""

    id: str
    pattern: re.Pattern[str]
    gate: tuple[str, ...]
    max_words: int
    why: str
    pos: tuple[str, ...]
    neg: tuple[str, ...]


@cache
def voices() -> tuple[Voice, ...]:
    """The cues of a reader's reply, in file order (loaded once)."""
    data = tomllib.loads(resources.files("cleaner.data").joinpath(VOICES_FILE).read_text(encoding="utf-8"))
    return tuple(
        Voice(
            str(c["id"]),
            re.compile(c["pattern"]),
            tuple(c["gate"]),
            int(c.get("max_words", VOICE_MAX_WORDS)),
            str(c["why"]),
            tuple(c.get("pos", ())),
            tuple(c.get("neg", ())),
        )
        for c in data["cue"]
    )


@cache
def _gate() -> tuple[LiteralSearch[int], tuple[int, ...]]:
    """Which cues' gate words a line's lower case holds (one pass for all of them), and the
    cues without a gate."""
    found: dict[str, tuple[int, ...]] = {}
    for k, v in enumerate(voices()):
        for g in v.gate:
            found[g] = (*found.get(g, ()), k)
    return LiteralSearch(found, native=True), tuple(k for k, v in enumerate(voices()) if not v.gate)


@lru_cache(maxsize=1 << 14)
def voice(text: str, words: int | None = None, lower: str | None = None) -> Voice | None:
    """The first cue of a reader's reply that `text` (of `words` words, `lower` its lower case
    or `Block.norm`) carries, or None (remembered: the context pass reads a document's lines again
    on each pass)."""
    n = len(text.split()) if words is None else words
    gate, ungated = _gate()
    tried = {k for ks in gate.find(text.lower() if lower is None else lower) for k in ks}
    tried.update(k for k in ungated if n <= voices()[k].max_words)
    for k in sorted(tried):
        v = voices()[k]
        if n <= v.max_words and v.pattern.search(text) is not None:
            return v
    return None


def reader_replies(view: DocView, decisions: Decisions) -> Decisions:
    """Readers' comments whose bylines and buttons the extractor left out (trafilatura keeps a
    comment's text and drops its header), as one run to the end of the text: from the first kept
    line that carries a reader's words (`voice`: praise of the piece, thanks for it, agreement
    with its author, a line that only addresses someone), when at least VOICE_CUES kept lines
    carry them from there on, each at most VOICE_EVERY kept lines under the one before and on
    average one every VOICE_SPAN lines or closer (a long thread of replies names the piece or its
    author now and then), the last at most VOICE_TAIL kept lines above the end, and at least
    VOICE_ARTICLE_WORDS kept words stand above the first (the article). Not where the cues
    follow each other line after line (a list of names or handles), never on a forum's page
    (`DocView.forum`), nor where a comment section was found."""
    if view.forum or any(d.rule == _SECTION_RULE for d in decisions.values()):
        return {}
    blocks = view.blocks
    kept = [p for p in view.nonblank if blocks[p].index not in decisions]

    def said(j: int) -> bool:
        b = blocks[kept[j]]
        return voice(b.text, b.words, b.norm) is not None

    # From the end: the last cue within VOICE_TAIL lines of it, then the cues above it while each
    # is at most VOICE_EVERY lines above the next (most texts: VOICE_TAIL lines read).
    last = next((j for j in range(len(kept) - 1, len(kept) - 2 - VOICE_TAIL, -1) if j >= 0 and said(j)), None)
    if last is None:
        return {}
    cues = [last]
    j = last - 1
    while j >= 0 and cues[-1] - j <= VOICE_EVERY:
        if said(j):
            cues.append(j)
        j -= 1
    first = cues[-1]
    if len(cues) < max(VOICE_CUES, (len(kept) - first) / VOICE_SPAN):
        return {}
    if sum(blocks[p].words for p in kept[:first]) < VOICE_ARTICLE_WORDS:
        return {}
    if 2 * sum(1 for a, b in itertools.pairwise(sorted(cues)) if b == a + 1) > len(cues):
        return {}  # cues line after line with nothing said between them: a list of names or handles
    if any(said(i) for i in range(j + 1)):
        return {}  # a reader's words further up, apart from these: the text's own
    head = blocks[kept[first]]
    cue = voice(head.text, head.words, head.norm)
    assert cue is not None  # `first` is a cue's position
    reason = (
        f"A reader's comment: from line {head.line} on, {len(cues)} lines carry a reader's words"
        f' ({cue.id}: "{head.text[:40]}").'
    )
    return {
        blocks[p].index: drop("context.reader-replies", Category.COMMENTS, reason, Strength.STRONG)
        for p in kept[first:]
    }
