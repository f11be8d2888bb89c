"""The speed-ups of HTML mode give what the slower code gave, bit for bit (issue 19): the cues as one
alternation, the DOM walk's attributes read at once, the page's lines, the block features asked once a text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cleaner.html import category, dom
from cleaner.html.mode import page_lines, page_text
from cleaner.html.page import prepare
from cleaner.segment import WORD_RE, segment

PAGE = Path(__file__).resolve().parent.parent / "fixtures" / "formats" / "frogs.html"


def _first_cue(text: str) -> category.Cue | None:
    """The cue `text_cue` names, found the slow way: each cue in turn."""
    low = text.lower()
    return next((c for c in category.cues() if c.pattern.search(low)), None)


def test_the_cues_as_one_alternation_name_what_each_in_turn_names() -> None:
    texts = [t for c in category.cues() for t in (*c.pos, *c.neg)]
    texts += ["", "Home", "By Jane Doe", "Share on Facebook © 2024", "Photo: AP / Subscribe to our newsletter"]
    assert any(_first_cue(t) is None for t in texts) and any(_first_cue(t) is not None for t in texts)
    for text in texts:
        assert category.text_cue(text) is _first_cue(text), text


def _own_attrs(el: Any) -> str:
    """The walk's attribute string as it was read before `dom._attr_evidence`: one get an attribute."""
    parts = [el.get("class"), el.get("id"), el.get("role"), el.get("aria-label"), el.get("itemprop")]
    return " ".join(p for p in parts if p)


def _is_hidden(el: Any) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    return bool(style) and "display:none" in style.replace(" ", "").lower()


def test_an_elements_attributes_read_at_once_say_what_each_read_said() -> None:
    import trafilatura

    html = (
        '<html><body><div class="newsletterSignup" id="x" role="dialog"><p>a</p></div><p hidden>b</p>'
        '<span aria-hidden="true" style="DISPLAY: none">c</span><nav aria-label="Breadcrumb" itemprop="menu">d</nav>'
        '<div style="color: red">e</div><div aria-hidden="false" data-x="1">f</div>'
        + PAGE.read_text(encoding="utf-8")
        + "</body></html>"
    )
    tree = trafilatura.load_html(html)
    elements = [el for el in tree.iter() if isinstance(el.tag, str)]
    assert len(elements) > 50
    seen = set()
    for el in elements:
        want = (dom.attr_families(_own_attrs(el)), _is_hidden(el))
        assert dom._attr_evidence(el) == want, el.attrib
        seen.add(want[1])
    assert seen == {True, False}


def test_page_lines_are_the_segmented_page_text() -> None:
    prep = prepare(PAGE.read_bytes())
    lines, where = page_lines(prep)
    assert lines == segment(page_text(prep.items)[0])
    assert len(lines) > len(prep.items)  # blank lines between the paragraphs
    assert [lines[j].text for j in where] == [b.text for b in prep.items]


def test_a_repeated_text_has_the_features_its_text_alone_gives() -> None:
    """`features` asks trafilatura's text, the comments and the title once a distinct text."""
    from cleaner.html.blocks import _COL, _title_sim, features

    prep = prepare(PAGE.read_bytes())
    items = [*prep.items, *prep.items[:5]]  # the first five blocks again, as a page repeats its menu
    lines = [*prep.lines, *prep.lines[:5]]
    traf, comments = dom.TrafVote.of(prep.traf_text), dom.TrafVote.of(prep.traf_text[:200])
    title = prep.title or "Frogs"
    x = features(items, lines, traf, {}, title, comments)
    words = frozenset(WORD_RE.findall(title.lower()))
    for i, b in enumerate(items):
        flat = dom.norm(b.text)
        want = (*traf.vote(b.text, flat), comments.vote(b.text, flat)[0], _title_sim(b.text, words))
        got = tuple(x[i, _COL[c]] for c in ("traf_in", "traf_share", "comment_in", "title_sim"))
        assert got == want, b.text
    assert set(x[:, _COL["traf_in"]]) == {0.0, 1.0} and x[:, _COL["title_sim"]].max() > 0


def _walk_by_hand(trees: Any, x: Any) -> tuple[Any, Any]:
    """Each row down each tree in the model file's own node numbering, one level at a time: the
    raw scores, and the contributions summed as the walk sums them (a level's changes tree by tree
    into a zeroed array, then added), so the floats must be the same bit for bit."""
    import numpy as np

    leaf_values = np.zeros((len(x), len(trees.roots)))
    contrib = np.zeros(x.shape)
    nodes = [[int(r) for r in trees.roots] for _ in range(len(x))]
    for _ in range(trees.depth):
        level = np.zeros(x.shape)
        for row in range(len(x)):
            for t, k in enumerate(nodes[row]):
                f = int(trees.feature[k])
                if f < 0:
                    continue
                nxt = int(trees.left[k] if x[row, f] <= trees.split[k] else trees.right[k])
                level[row, f] += trees.value[nxt] - trees.value[k]
                nodes[row][t] = nxt
        contrib += level
    for row in range(len(x)):
        leaf_values[row] = trees.value[nodes[row]]
    return leaf_values.sum(axis=1) + trees.base, contrib


def test_the_tree_walk_gives_the_scores_and_contributions_of_a_walk_by_hand_bit_for_bit() -> None:
    import numpy as np

    from cleaner.html.blocks import load

    model = load("builtin")
    assert model is not None and model.stack is not None
    rng = np.random.default_rng(7)
    for trees in (model.trees, model.stack):
        # Rows around the trees' own thresholds (ties included), and rows of 0 and 1 as most features are.
        cuts = trees.split[trees.feature >= 0]
        x = np.where(
            rng.random((60, trees.width)) < 0.3,
            rng.integers(0, 2, (60, trees.width)),
            rng.choice(cuts, (60, trees.width)),
        )
        x[:3] = 0.0
        raw, contrib = _walk_by_hand(trees, x)
        assert trees.depth > 1 and contrib.any()
        assert np.array_equal(trees.raw(x), raw)
        got_raw, got_contrib = trees.raw_and_contributions(x)
        assert np.array_equal(got_raw, raw) and np.array_equal(got_contrib, contrib)
        assert np.array_equal(trees.contributions(x), contrib)
        p, hits, explained = trees.score_and_contributions_at(x, 0.5)
        assert np.array_equal(p, 1.0 / (1.0 + np.exp(-raw))) and len(hits)
        assert np.array_equal(explained, contrib[hits])


def test_the_walk_skips_whitespace_runs_and_reads_attributes_once_as_before() -> None:
    """A run of whitespace between blocks makes no line (and resets the link counts, as it did), a
    block's signature reads the class its attributes gave: the blocks the walk made before, field for field."""
    import trafilatura

    html = (
        "<html><body><div class='a b'>\n  <a href='#'> \n <div>In a link</div>\u00a0</a>\n\t"
        "<p>One <a href='#'>two</a></p><pre>\n   \ncode  line\n\n</pre><ul>\n <li> x </li>\n \u2003 "
        "<li><br> <br>y</li></ul><div hidden class='c'> </div>"
        "<section style='display: none'>z</section></body></html>"
    )
    got = [
        (b.text, b.tag, b.depth, b.containers, b.link_chars, b.links, b.signature, b.ancestors, b.pre)
        for b in dom.blocks(trafilatura.load_html(html))
    ]
    assert got == [  # as the walk before the whitespace shortcut made them
        ("In a link", "div", 3, 1024, 9, 0, 149081984, (2, 1), 0),
        ("One two", "p", 2, 0, 3, 1, 2740160466, (2, 1), 0),
        ("code  line", "pre", 2, 4096, 0, 0, 3693273262, (2, 1), 5),
        ("x", "li", 3, 256, 0, 0, 754785483, (6, 2, 1), 0),
        ("y", "li", 3, 256, 0, 0, 754785483, (6, 2, 1), 0),
        ("z", "section", 2, 65536, 0, 0, 2819294986, (2, 1), 0),
    ]


def test_a_blocks_words_found_once_give_the_title_and_the_votes_what_each_found() -> None:
    from cleaner.html.blocks import _title_sim

    title = frozenset(WORD_RE.findall("İstanbul's ferries: the 2024 timetable".lower()))
    vote = dom.TrafVote.of("Istanbul ferries\n\nThe  2024 TIMETABLE is out. i̇stanbul")
    texts = ["İstanbul\u00a0 ferries", "the 2024 timetable", " \t", "", "ﬁre ẞ straße", "x_y 1,5", "Timetable\u2003out"]
    for text in texts:
        flat = dom.norm(text)
        found = WORD_RE.findall(flat)
        assert found == WORD_RE.findall(text.lower()), text
        assert _title_sim(text, title, found) == _title_sim(text, title), text
        assert vote.vote(text, flat, found) == vote.vote(text), text
        assert vote.holds(flat) == vote.vote(text)[0], text
        assert dom.TrafVote.of("").holds(flat) == 0.0
    assert {vote.holds(dom.norm(t)) for t in texts} == {0.0, 1.0}


def test_each_rows_strongest_columns_are_the_first_of_a_stable_descending_sort() -> None:
    import numpy as np

    from cleaner.html.policy import strongest

    rng = np.random.default_rng(3)
    # Ties everywhere (few distinct values, zeros of both signs), and a row with one nonzero column.
    x = rng.choice(np.array([0.0, -0.0, 0.5, -0.25, 1e-9, 0.5000000000000001]), size=(200, 30))
    x[0] = 0.0
    x[1, 7] = 2.0
    for k in (1, 3, 8, 30, 40):
        want = np.argsort(-x, axis=1, kind="stable")[:, :k]
        assert np.array_equal(strongest(x, k), want), k
    assert strongest(np.zeros((0, 5)), 8).shape == (0, 5)


def test_runs_of_flags_before_and_after_each_row_are_what_a_loop_counts() -> None:
    import numpy as np

    from cleaner.html.blocks import _runs

    def by_loop(flag: list[bool]) -> tuple[list[float], list[float]]:
        before, after, run = [], [], 0.0
        for f in flag:
            before.append(run)
            run = run + 1.0 if f else 0.0
        run = 0.0
        for f in reversed(flag):
            after.append(run)
            run = run + 1.0 if f else 0.0
        return before, after[::-1]

    rng = np.random.default_rng(5)
    cases = [[], [True], [False], [True, True, True], [False, True, True, False, True]]
    cases += [list(rng.random(n) < share) for n in (2, 7, 50, 400) for share in (0.1, 0.5, 0.9)]
    for flag in cases:
        before, after = _runs(np.array(flag, dtype=bool))
        want_before, want_after = by_loop(flag)
        assert before.tolist() == want_before and after.tolist() == want_after, flag
        assert before.dtype == after.dtype == np.float64 and after.flags.c_contiguous
