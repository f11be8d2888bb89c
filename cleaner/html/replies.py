"""An article's readers' comments among the blocks the page policy (`cleaner.html.policy`) reads:
its comment section (`comment_section`, `marked_comments`), and a short post the block model's cut
took while it kept the comments under it (`lost_post`)."""

from __future__ import annotations

import numpy as np

from cleaner.html.blocks import _COL

COMMENTS_LEAD = 50  # on an article (not a forum's), a comment section after this many kept words of article goes
POST_LOST = 0.5  # trafilatura's post (its main text less its comment extraction's) is lost under this share kept...
POST_PROSE = 10  # ...with this many words of its prose dropped (blocks this long, POST_STOP stopwords, few links)...
POST_STOP = 0.2
COMMENTS_KEPT = 0.5  # ...while this share of the kept words outside it are comments (extraction or markup):
POST_SURE = 0.97  # the post's blocks come back unless the block model is this sure of them (`lost_post`)


def comment_section(x: np.ndarray, dropped: np.ndarray, words: np.ndarray) -> dict[int, str]:
    """On a page that reads as an article: the blocks of its comment section, those whose markup
    says comment (`fam_comments`: comment, reply, disqus... in a class or id around them) from the
    first such block on, when COMMENTS_LEAD or more words of other kept text come before it. Taken
    whatever the block model says, in trafilatura's main text or not: trafilatura keeps a blog's
    comments in its main text when their markup is not one it knows (2008-2012 blogs on
    news-dev/dragnet, whose gold leaves comments out). A forum thread's replies are not touched
    (`settle_page` asks a page that reads as an article and no forum's address or JSON-LD): its
    opening post is in the same markup. COMMENTS_LEAD is a paragraph: a fashion blog's post is two
    sentences under a photo, with a hundred comments below (from 200 words: news-dev/dragnet
    +0.004 simulated, 16 pages better by up to 0.87, one page lower, R515, whose gold keeps the
    comment guidelines; wcxb-dev CV unchanged with the forum guard, which a forum page read as an
    article needed; bench/results/2026-12-06-short-posts.md)."""
    marked = ~dropped & (x[:, _COL["fam_comments"]] > 0)
    found, lead = _marked_after(marked, dropped, words, COMMENTS_LEAD)
    why = (
        f"its markup says comment, and it comes after {lead:.0f} words of the article: "
        "an article's comment section is not the article"
    )
    return {i: why for i in found}


def _marked_after(marked: np.ndarray, dropped: np.ndarray, words: np.ndarray, lead: float) -> tuple[list[int], float]:
    """The `marked` blocks (a comment section's), when `lead` or more words of other kept text come
    before the first of them; with those words (0 when nothing is marked)."""
    if not marked.any():
        return [], 0.0
    first = int(np.flatnonzero(marked)[0])
    before = float(words[:first][~dropped[:first] & ~marked[:first]].sum())
    return (np.flatnonzero(marked).tolist() if before >= lead else []), before


def marked_comments(x: np.ndarray, dropped: np.ndarray, words: np.ndarray, forum: bool) -> dict[int, str]:
    """Kept blocks that two votes call a reader comment: trafilatura's own comment extraction holds
    them (`comment_in`) and the markup around them says comment (`fam_comments`), from the first
    such block that comes after kept text of neither, on any page but a forum's (its address, or
    JSON-LD naming a discussion; a thread's replies are its content). trafilatura's fast main text
    keeps a blog's comments when it cannot tell them apart; its comment extractor and the markup
    still can. On a short post the comment section is most of the page, so no length of article
    is asked for (`comment_section` asks it of the markup alone). In CV on wcxb-dev no page moved
    by more than 0.01 (bench/results/2026-12-06-marked-comments.md)."""
    if forum:
        return {}
    marked = ~dropped & (x[:, _COL["comment_in"]] > 0) & (x[:, _COL["fam_comments"]] > 0)
    found, _ = _marked_after(marked, dropped, words, 1.0)
    why = "trafilatura's comment extraction holds it and its markup says comment: a reader's comment, not the article"
    return {i: why for i in found}


def lost_post(
    x: np.ndarray, p: np.ndarray, words: np.ndarray, dropped: np.ndarray, ruled: np.ndarray, forum: bool
) -> np.ndarray:
    """The blocks of a short post the cut took while keeping its comments, to be kept: on a page
    that is not a forum's, when the cut keeps under POST_LOST of the words of trafilatura's post
    (its main text less the blocks its comment extraction holds), drops POST_PROSE or more words
    of its prose (blocks of POST_PROSE words or more, POST_STOP of them stopwords, under half
    links, outside comment markup), and COMMENTS_KEPT or more of the kept words outside the post
    are comments (trafilatura's comment extraction or comment markup holds them): the post's
    dropped blocks the model is not sure of (under POST_SURE). A fashion blog's two sentences
    under a photo, scored 0.72, over a hundred kept comments (news-dev/dragnet R727, F1 0.03);
    with the post back, the comment rules see the article before the comments and take them.
    `dropped` holds the phrase rules' drops (`ruled`), which count as dropped, are no lost prose and
    never come back. News-dev/dragnet +0.0010 simulated
    (three pages up, none down), l3s-gn1 unchanged, wcxb-dev CV +0.0001 (one listing up, none
    down); without the comments condition the same test cost product and collection pages, whose
    trafilatura text is a description the model rightly drops (bench/results/2026-12-07-lost-post.md)."""
    none = np.zeros(len(p), dtype=bool)
    if forum or not len(p):
        return none
    comment_in = x[:, _COL["comment_in"]] > 0
    marked = x[:, _COL["fam_comments"]] > 0
    post = (x[:, _COL["traf_in"]] > 0) & ~comment_in
    total = float(words[post].sum())
    if total < POST_PROSE or float(words[post & ~dropped].sum()) >= POST_LOST * total:
        return none
    prose = (
        post
        & dropped
        & ~ruled
        & ~marked
        & (words >= POST_PROSE)
        & (x[:, _COL["stopwords"]] >= POST_STOP)
        & (x[:, _COL["link_density"]] < 0.5)
    )
    if float(words[prose].sum()) < POST_PROSE:
        return none
    other = ~dropped & ~post
    other_words = float(words[other].sum())
    if other_words <= 0 or float(words[other & (comment_in | marked)].sum()) < COMMENTS_KEPT * other_words:
        return none
    back: np.ndarray = post & dropped & ~ruled & (p < POST_SURE)
    return back
