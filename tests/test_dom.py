"""HTML mode's DOM blocks (cleaner.html.dom) and block model (cleaner.html.blocks, html.policy)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
import trafilatura

import cleaner
from cleaner import dommodel
from cleaner.html import dom
from cleaner.model import ModelError


def _blocks(body: str) -> list[dom.DomBlock]:
    return dom.blocks(trafilatura.load_html(f"<html><head><title>T</title></head><body>{body}</body></html>"))


def _family(block: dom.DomBlock, name: str, own: bool = False) -> bool:
    return bool((block.own_families if own else block.families) >> dom.FAMILY_NAMES.index(name) & 1)


def _inside(block: dom.DomBlock, name: str) -> bool:
    return bool(block.containers >> dom.CONTAINERS.index(name) & 1)


def test_blocks_follow_block_elements_and_line_breaks() -> None:
    got = _blocks("<h1>Title here</h1><p>One <b>bold</b> word.</p><div>Two<br>Three</div><ul><li>a</li><li>b</li></ul>")
    assert [b.text for b in got] == ["Title here", "One bold word.", "Two", "Three", "a", "b"]
    assert [b.tag for b in got] == ["h1", "p", "div", "div", "li", "li"]
    assert got[4].signature == got[5].signature  # siblings of one list share a structure
    assert got[1].signature != got[4].signature


def test_scripts_and_styles_are_never_text() -> None:
    got = _blocks("<p>Kept</p><script>var x = 1;</script><style>p {}</style><select><option>Opt</option></select>")
    assert [b.text for b in got] == ["Kept"]


def test_hidden_and_noscript_text_is_kept_and_flagged() -> None:
    # Some sites serve their whole content in <noscript> (Discourse) or a hidden div (Next.js).
    got = _blocks('<div hidden><p>Streamed</p></div><noscript><p>Fallback</p></noscript><p style="display: none">X</p>')
    assert [b.text for b in got] == ["Streamed", "Fallback", "X"]
    assert _inside(got[0], "hidden") and not _inside(got[0], "noscript")
    assert _inside(got[1], "noscript") and not _inside(got[1], "hidden")
    assert _inside(got[2], "hidden")


def test_pre_keeps_its_lines() -> None:
    got = _blocks("<pre>def f():\n    return 1\n\nx = f()</pre>")
    assert [b.text for b in got] == ["def f():", "    return 1", "x = f()"]
    assert len({b.pre for b in got}) == 1 and got[0].pre


def test_a_block_inside_pre_keeps_its_lines_and_indentation() -> None:
    # Highlighters wrap code in blocks inside the <pre> (Sphinx: <div class="show_sql">, wcxb-dev 0664):
    # the block's tag was the div's, and its lines were collapsed into one, indentation lost.
    got = _blocks(
        '<pre>&gt;&gt;&gt; run()\n<div class="out">CREATE TABLE t (\n    id INTEGER,\n    name TEXT\n)</div></pre>'
    )
    assert [b.text for b in got] == [">>> run()", "CREATE TABLE t (", "    id INTEGER,", "    name TEXT", ")"]
    assert len({b.pre for b in got}) == 1 and got[0].pre  # one code block
    assert [b.tag for b in got] == ["pre", "div", "div", "div", "div"]  # the model's features stay the same


def test_inline_code_in_prose_is_not_preformatted() -> None:
    got = _blocks("<p>Call <code>f(\n  x)</code> twice.</p><pre>a</pre><p>After</p><pre><pre>b</pre>c</pre>")
    assert [(b.text, bool(b.pre)) for b in got] == [
        ("Call f( x) twice.", False),
        ("a", True),
        ("After", False),
        ("b", True),
        ("c", True),
    ]
    assert got[1].pre != got[3].pre == got[4].pre  # two code blocks: the nested <pre> is part of its outer one


def test_link_density_counts_text_inside_links() -> None:
    got = _blocks('<p>Read <a href="/x">more here</a></p><p><a href="/a">Home</a> <a href="/b">News</a></p>')
    assert got[0].link_chars == len("more here") and got[0].links == 1
    assert got[1].link_chars == len("Home") + len("News") and got[1].links == 2


def test_markup_families_from_class_id_role_and_aria() -> None:
    got = _blocks(
        '<div class="newsletterSignup"><p>Join us</p></div>'
        '<aside id="related-posts"><p>Other story</p></aside>'
        '<div role="navigation"><p>Menu item</p></div>'
        '<div class="header"><p>Site name</p></div>'
        '<div class="article-body"><p>Body text</p></div>'
    )
    assert _family(got[0], "newsletter", own=True)
    assert _family(got[1], "related", own=True) and _inside(got[1], "aside")
    assert _family(got[2], "nav", own=True)
    assert not _family(got[3], "promo")  # "ad" is matched as a whole token only, never inside "header"
    assert _family(got[4], "content") and not _family(got[4], "related")


def test_attr_families_tokens() -> None:
    bit = {name: 1 << i for i, name in enumerate(dom.FAMILY_NAMES)}
    assert dom.attr_families("") == 0
    assert dom.attr_families("ad-slot") & bit["promo"]
    assert dom.attr_families("load") == 0
    assert dom.attr_families("cookieConsentBanner") & bit["cookie"]
    assert dom.attr_families("social-share") & bit["share"]


def test_a_form_with_an_email_field_is_a_signup_box() -> None:
    got = _blocks('<form><p>Get the briefing</p><input type="email" name="e"></form><form><p>Search</p><input></form>')
    assert got[0].email_form and not got[1].email_form


def test_traf_vote() -> None:
    vote = dom.TrafVote.of("First paragraph here.\nSecond  one,\n with a break.")
    assert vote.vote("Second one, with a break.") == (1.0, 1.0)
    assert vote.vote("paragraph here") == (1.0, 1.0)
    inside, share = vote.vote("First words elsewhere")
    assert inside == 0.0 and share == pytest.approx(1 / 3)
    assert dom.TrafVote.of("").vote("anything") == (0.0, 0.0)


def test_features_have_one_row_per_block_and_named_columns() -> None:
    from cleaner.segment import make_block

    items = _blocks('<nav><a href="/">Home</a></nav><h1>A headline</h1><p>Some article text, long enough.</p>')
    lines = [make_block(i, b.text) for i, b in enumerate(items)]
    x = dommodel.features(items, lines, dom.TrafVote.of("Some article text, long enough."), {}, "A headline")
    assert x.shape == (3, len(dommodel.FEATURE_NAMES))
    col = {n: i for i, n in enumerate(dommodel.FEATURE_NAMES)}
    assert x[:, col["traf_in"]].tolist() == [0.0, 0.0, 1.0]
    assert x[0, col["in_nav"]] == 1.0 and x[2, col["in_nav"]] == 0.0
    assert x[0, col["link_density"]] == 1.0
    assert x[1, col["title_sim"]] == 1.0
    assert np.isfinite(x).all()


def test_readability_is_a_second_vote_beside_trafilatura() -> None:
    """A block in readability's main text is marked apart from trafilatura's vote (trafilatura's
    fast extraction can take a menu where readability takes the article), and the page columns
    say how much of trafilatura's text readability shares."""
    from cleaner.segment import make_block

    items = _blocks(
        '<nav><a href="/">Home</a> <a href="/news">News</a></nav><div class="post"><p>Some article text,'
        " long enough to read.</p><p>A second paragraph of it.</p></div>"
    )
    lines = [make_block(i, b.text) for i, b in enumerate(items)]
    read = dom.TrafVote.of("Some article text, long enough to read.\nA second paragraph of it.")
    x = dommodel.features(items, lines, dom.TrafVote.of("Home News"), {}, None, None, None, read)
    col = {n: i for i, n in enumerate(dommodel.FEATURE_NAMES)}
    assert x[:, col["traf_in"]].tolist() == [1.0, 0.0, 0.0]
    assert x[:, col["read_in"]].tolist() == [0.0, 1.0, 1.0]
    assert x[1, col["anc1_read"]] == 1.0 and x[0, col["anc1_read"]] == 0.0
    assert x[0, col["page_read_share"]] == pytest.approx(2 / 3)
    assert x[0, col["page_read_traf"]] == 0.0  # readability took none of trafilatura's menu
    without = dommodel.features(items, lines, dom.TrafVote.of("Home News"), {}, None)
    assert without[:, col["read_in"]].tolist() == [0.0, 0.0, 0.0]


def test_span_features_say_which_side_of_the_main_text_a_block_stands() -> None:
    """`traf_span` / `read_span`: the share of the extractor's main-text words in the blocks before
    a block (a sidebar before the post 0, a teaser after it 1), -1 when the extractor took nothing."""
    from cleaner.segment import make_block

    items = _blocks(
        "<aside><p>Blogroll one two</p></aside><article><p>Four words of post.</p><p>Four more words"
        " here.</p></article><aside><p>Related teaser text</p></aside>"
    )
    lines = [make_block(i, b.text) for i, b in enumerate(items)]
    main = dom.TrafVote.of("Four words of post.\nFour more words here.")
    x = dommodel.features(items, lines, main, {}, None, None, None, main)
    col = {n: i for i, n in enumerate(dommodel.FEATURE_NAMES)}
    assert x[:, col["traf_span"]].tolist() == [0.0, 0.0, 0.5, 1.0]
    assert x[:, col["read_span"]].tolist() == [0.0, 0.0, 0.5, 1.0]
    none = dommodel.features(items, lines, dom.TrafVote.of(""), {}, None)
    assert none[:, col["traf_span"]].tolist() == [-1.0] * 4


def test_readability_reads_a_copy_unless_the_tree_is_given_away() -> None:
    import trafilatura
    from lxml import etree

    from cleaner.html.page import readability

    tree = trafilatura.load_html(PAGE)
    before = etree.tostring(tree)
    copied = readability(tree)
    assert etree.tostring(tree) == before  # the caller's tree as parsed
    assert readability(tree, own=True) == copied and "farmers who depend on them" in copied
    assert etree.tostring(tree) != before  # readability prunes what it reads: hence the copy


def test_prepare_asks_readability_for_the_main_text() -> None:
    from cleaner.html.page import prepare

    prep = prepare(PAGE)
    assert "farmers who depend on them" in prep.read_text
    assert "Privacy" not in prep.read_text and "Subscribe" not in prep.read_text


def test_a_model_of_several_members_averages_their_probabilities(tmp_path: Path) -> None:
    from cleaner.html.blocks import page_features
    from cleaner.html.page import prepare
    from cleaner.pipeline import ruleset_for

    data = json.loads(resources.files("cleaner.data").joinpath("dom_model.json").read_text(encoding="utf-8"))
    assert len(data["members"]) == 1 and data["card"]["trainer"]["seeds"] == [7, 8]
    first = {**data, "members": []}
    second = {**data, **data["members"][0], "members": []}
    models = []
    for name, content in (("both", data), ("first", first), ("second", second)):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(content), encoding="utf-8")
        models.append(dommodel.load(str(path)))
    both, one, two = models
    assert both is not None and one is not None and two is not None
    prep = prepare(PAGE)
    x, _ = page_features(prep, ruleset_for(cleaner.CleanerConfig()), None)
    group = dommodel.groups(prep.items)
    p, contrib = both.score(x, group)
    p1, c1 = one.score(x, group)
    p2, c2 = two.score(x, group)
    assert not np.allclose(p1, p2)  # two seeds, two models
    assert np.allclose(p, (p1 + p2) / 2) and np.allclose(contrib, (c1 + c2) / 2)
    broken = {**data, "members": [{"stack": data["stack"]}]}
    (tmp_path / "bad.json").write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(ModelError, match=r"bad\.json: malformed model file \(members"):
        dommodel.load(str(tmp_path / "bad.json"))


def test_separated_puts_blank_lines_between_paragraphs_not_list_items() -> None:
    items = _blocks("<p>One</p><p>Two</p><ul><li>a</li><li>b</li></ul><h2>Next</h2>")
    assert dommodel.separated(items) == [False, True, True, False, True]


def test_load_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "m.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(ModelError, match=r"m\.json: not a model file \(invalid JSON"):
        dommodel.load(str(bad))
    bad.write_text(json.dumps({"format": "cleaner-line-model/1"}), encoding="utf-8")
    with pytest.raises(ModelError, match="not a cleaner DOM model"):
        dommodel.load(str(bad))
    bad.write_text(json.dumps({"format": dommodel.FORMAT, "features": ["x"]}), encoding="utf-8")
    with pytest.raises(ModelError, match="retrain"):
        dommodel.load(str(bad))
    with pytest.raises(ModelError, match="cannot read"):
        dommodel.load(str(tmp_path / "missing.json"))
    broken = json.loads(resources.files("cleaner.data").joinpath("dom_model.json").read_text(encoding="utf-8"))
    del broken["trees"]["roots"]  # was a KeyError traceback
    bad.write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(ModelError, match=r"m\.json: malformed model file \(trees: no 'roots'\)"):
        dommodel.load(str(bad))
    assert dommodel.load("off") is None


PAGE = """<html><head><title>Rivers return to the valley</title></head><body>
<header class="site-header"><nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/contact">Contact</a></li></ul></nav></header>
<main><article class="article-body"><h1>Rivers return to the valley</h1>
<p>After three dry summers the rivers of the valley are running again, and the farmers who depend on them
have started to plant the fields they left fallow for years.</p>
<p>Engineers from the regional water board say the new reservoirs upstream hold back enough of the spring
melt to keep the lower channels wet until late in the autumn, when the rains usually return.</p>
<p>Not everyone is convinced: fishermen downstream report that the water is warmer than it used to be,
and that the trout they once caught in the shallows have moved further up into the hills.</p>
</article>
<aside class="related-stories"><h3>More stories</h3><ul><li><a href="/a">Drought hits the coast</a></li>
<li><a href="/b">Farmers protest water prices</a></li><li><a href="/c">New dam approved</a></li></ul></aside>
<div class="newsletter-signup"><p>Get the morning briefing in your inbox</p>
<form><input type="email" name="email"><button>Subscribe</button></form></div></main>
<footer class="site-footer"><p>Copyright 2026 The Valley Times. All rights reserved.</p>
<p><a href="/privacy">Privacy</a> <a href="/terms">Terms</a></p></footer></body></html>"""


def test_policy_drops_are_decides_drops_on_a_page_without_tables() -> None:
    # bench/policy_sim.py measures the page policy through policy_drops on stored rows: what it
    # reads must be what decide drops on the page itself.
    from cleaner.html.blocks import page_features
    from cleaner.html.page import prepare
    from cleaner.html.policy import decide, policy_drops
    from cleaner.pipeline import ruleset_for

    model = dommodel.load("builtin")
    assert model is not None
    prep = prepare(PAGE)
    x, rules = page_features(prep, ruleset_for(cleaner.CleanerConfig()), None)
    ruled = frozenset(i for i, d in rules.items() if d.dropped)
    counts = np.array([float(b.words) for b in prep.lines])
    drops = decide(model, prep.items, x, counts, None, ruled, prep.kind, prep.title)
    p, _ = model.score(x, dommodel.groups(prep.items))
    chosen, _, how, _ = policy_drops(model, [b.text for b in prep.items], x, p, counts, ruled, prep.kind)
    assert drops and set(drops) == set(chosen.tolist())
    assert "this page keeps blocks scored up to" in how


def test_clean_html_decides_blocks_and_explains_each_cut() -> None:
    result = cleaner.clean_html(PAGE)
    assert "After three dry summers" in result.text and "trout they once caught" in result.text
    for junk in ("Home", "Farmers protest water prices", "morning briefing", "Copyright 2026"):
        assert junk not in result.text
    assert result.removed
    for r in result.removed:
        assert r.rule and r.reason and r.category
    assert any(r.rule == "dom:1" for r in result.removed)
    assert result.title == "Rivers return to the valley"
    # Every output line is one of the page's blocks, in page order.
    doc = dommodel.html_document(PAGE, None, cleaner.CleanerConfig())
    lines = doc.text.split("\n")
    out = [line for line in result.text.split("\n") if line]
    it = iter(lines)
    assert all(any(line == other for other in it) for line in out)


def test_clean_html_twice_is_stable_and_off_uses_trafilatura_text() -> None:
    result = cleaner.clean_html(PAGE)
    again = cleaner.clean(result.text, title=result.title)
    assert again.text == result.text
    off = cleaner.clean_html(PAGE, html_model="off")
    assert all(r.rule != "dom:1" for r in off.removed)
    assert "After three dry summers" in off.text


def test_switched_off_categories_and_the_model_rule_are_respected() -> None:
    kept = cleaner.clean_html(PAGE, disabled_rules=frozenset({"dom:1"}))
    assert all(r.rule != "dom:1" for r in kept.removed)
    no_nav = cleaner.clean_html(PAGE, disabled=frozenset({"navigation"}))
    assert all(r.category.value != "navigation" or r.rule != "dom:1" for r in no_nav.removed)


def test_ancestors_name_the_elements_around_a_block() -> None:
    got = _blocks("<div><ul><li>a</li><li>b</li></ul><p>c</p></div><p>d</p>")
    a, b, c, d = got
    assert a.ancestors[0] == b.ancestors[0]  # the same <ul>
    assert a.ancestors[1] == c.ancestors[0]  # the <div> holds the list and the paragraph
    assert d.ancestors[0] != c.ancestors[0]
    assert all(len(x.ancestors) <= dom.ANCESTOR_LEVELS for x in got)


def test_a_page_over_the_time_limit_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from cleaner.html import HtmlError, HtmlTimeout

    def slow(tree: object) -> list[dom.DomBlock]:
        time.sleep(5)
        return []

    monkeypatch.setattr(dom, "blocks", slow)
    started = time.monotonic()
    with pytest.raises(HtmlTimeout, match=r"longer than 0\.3 s"):
        cleaner.clean_html(PAGE, html_timeout=0.3)
    assert time.monotonic() - started < 3
    assert issubclass(HtmlTimeout, HtmlError)


def test_the_cli_reports_a_slow_page_and_goes_on(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import time

    from typer.testing import CliRunner

    from cleaner.cli import app

    real = dom.blocks

    def slow_for_one(tree: object) -> list[dom.DomBlock]:
        found = real(tree)
        if any("SLOW" in b.text for b in found):
            time.sleep(5)
        return found

    monkeypatch.setattr(dom, "blocks", slow_for_one)
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.html").write_text(PAGE, encoding="utf-8")
    (src / "b.html").write_text(
        PAGE.replace("After three dry summers", "SLOW After three dry summers"), encoding="utf-8"
    )
    config = tmp_path / "c.toml"
    config.write_text("html_timeout = 0.5\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["clean", str(src), "-o", str(tmp_path / "out"), "--config", str(config)])
    assert res.exit_code != 0
    assert "b.html" in res.output and "html_timeout" in res.output
    assert (tmp_path / "out" / "a.html.txt").is_file()
    assert not (tmp_path / "out" / "b.html.txt").exists()


def test_best_cut_maximises_expected_f1() -> None:
    words = np.array([100.0, 100.0, 100.0])
    assert dommodel.best_cut(np.array([0.9, 0.8, 0.1]), words) == pytest.approx(0.8)
    # A long likely block next to short unlikely ones: keep the long one only.
    assert dommodel.best_cut(np.array([0.95, 0.3, 0.3]), np.array([500.0, 10.0, 10.0])) == pytest.approx(0.95)
    # Nothing worth keeping: the cut lies above every block.
    assert dommodel.best_cut(np.array([0.0, 0.0]), np.array([5.0, 5.0])) > 1.0
    assert dommodel.best_cut(np.zeros(0), np.zeros(0)) == 1.0


def test_level_cut_keeps_a_doubtful_mass_only_when_likelier_content() -> None:
    from cleaner.models.cut import best_cut, level_cut

    # A short sure article (100 words) beside a column of 2,000 words each kept with probability 0.4.
    keep = np.array([0.95] * 10 + [0.4] * 200)
    words = np.full(len(keep), 10.0)
    assert best_cut(keep, words) <= 0.4  # independent blocks: 40 % of the column counts, so it is kept
    assert level_cut(keep, words, 1.0) > 0.4  # a shared fate: the column goes
    # The same column likelier content than not (0.6) is kept either way.
    likely = np.array([0.9] * 10 + [0.6] * 200)
    assert level_cut(likely, words, 1.0) <= 0.6
    # A sure page keeps everything; nothing at all: the cut lies above every block.
    assert level_cut(np.full(5, 0.99), np.full(5, 10.0), 0.75) <= 0.99
    assert level_cut(np.zeros(3), np.full(3, 10.0), 1.0) > 1.0
    assert level_cut(np.zeros(0), np.zeros(0), 1.0) == 1.0


def test_page_cut_takes_the_shared_fate_view_for_link_lists_only() -> None:
    from cleaner.html.policy import page_cut

    keep = np.array([0.95] * 10 + [0.4] * 200)
    words = np.full(len(keep), 10.0)
    link_lists = np.array([0.0] * 10 + [0.9] * 200)
    prose = np.zeros(len(keep))
    assert page_cut(keep, words, link_lists) > 0.4  # a blogroll beside a short post goes
    assert page_cut(keep, words, prose) <= 0.4  # a doubtful description stays as before


def test_a_sure_core_drops_the_doubtful_blocks_the_expected_f1_cut_keeps() -> None:
    from cleaner.html.policy import CORE_WORDS, DOUBT_MAX, page_cut, sure_core

    # 25 sure paragraphs (keep 0.97) beside 200 doubtful sidebar lines (keep 0.45: scored 0.55)
    keep = np.array([0.97] * 25 + [0.45] * 200)
    words = np.array([10.0] * 25 + [4.0] * 200)
    q = page_cut(keep, words, np.zeros(len(keep)))
    assert q <= 0.45  # independent blocks: the sidebar is worth keeping on average
    raised = sure_core(q, keep, words, article=0.8)
    assert raised == 1.0 - DOUBT_MAX and not (keep[25:] >= raised).any() and (keep[:25] >= raised).all()
    assert sure_core(q, keep, words, article=0.1) == q  # not an article: the cut stands
    short = keep.copy()
    short[: 25 - CORE_WORDS // 10 + 1] = 0.5  # the sure core under CORE_WORDS words
    assert sure_core(q, short, words, article=0.8) == q
    assert sure_core(0.9, keep, words, article=0.8) == 0.9  # a stricter cut is never loosened


def test_trafilatura_stands_in_where_the_model_finds_no_block_likelier_main_text() -> None:
    from cleaner.html.policy import DOUBT_MAX, trafilatura_stands_in
    from cleaner.segment import make_block

    # a photo post: its one-line caption in trafilatura's main text, a sidebar beside it, every
    # block scored boilerplate (the caption 0.88, the sidebar 0.72-0.79)
    items = _blocks(
        "<p>A perfect song by a band, thanks to a friend for bringing this to my attention.</p>"
        "<ul><li>Hello stranger, connect with me</li><li>Like my page</li><li>Archives</li></ul>"
    )
    lines = [make_block(i, b.text) for i, b in enumerate(items)]
    words = np.array([float(b.words) for b in lines])
    vote = dom.TrafVote.of("A perfect song by a band, thanks to a friend for bringing this to my attention.")
    x = dommodel.features(items, lines, vote, {}, "Song")
    doubted = np.array([0.88, 0.73, 0.72, 0.79])
    gone = trafilatura_stands_in(x, doubted, words, frozenset())
    assert gone is not None and gone.tolist() == [1, 2, 3]  # the caption stays, the sidebar goes
    ruled = trafilatura_stands_in(x, doubted, words, frozenset({0}))
    assert ruled is not None and ruled.tolist() == [0, 1, 2, 3]  # a phrase rule's drop stays dropped
    sure = doubted.copy()
    sure[2] = DOUBT_MAX - 0.01  # one block likelier main text than not: the page's own cut decides
    assert trafilatura_stands_in(x, sure, words, frozenset()) is None
    none = dommodel.features(items, lines, dom.TrafVote.of(""), {}, "Song")
    assert trafilatura_stands_in(none, doubted, words, frozenset()) is None  # nothing to stand in


def test_a_post_title_in_an_h2_under_the_site_name_h1_is_the_headline_kept_anyway() -> None:
    from cleaner.html.policy import HEADLINE_SURE, kept_anyway
    from cleaner.segment import make_block

    items = _blocks(
        "<h1>Site name</h1><h2>Post title here</h2><p>Short text.</p><h3>Post title here</h3><h4>Post title here</h4>"
    )
    lines = [make_block(i, b.text) for i, b in enumerate(items)]
    x = dommodel.features(items, lines, dom.TrafVote.of("Short text."), {}, "Post title here")
    doubted = np.full(len(items), 0.8)
    kept = kept_anyway(x, doubted, np.array([float(b.words) for b in lines]))
    assert kept.tolist() == [False, True, False, False, False]  # the first heading repeating the title
    sure = doubted.copy()
    sure[1] = HEADLINE_SURE
    assert not kept_anyway(x, sure, np.array([float(b.words) for b in lines])).any()
    only_h4 = _blocks("<h4>Post title here</h4><p>Short text.</p>")
    lines4 = [make_block(i, b.text) for i, b in enumerate(only_h4)]
    x4 = dommodel.features(only_h4, lines4, dom.TrafVote.of("Short text."), {}, "Post title here")
    assert not kept_anyway(x4, np.full(2, 0.8), np.array([float(b.words) for b in lines4])).any()


def test_a_user_threshold_decides_by_threshold() -> None:
    strict = cleaner.clean_html(PAGE, html_threshold=0.01)
    loose = cleaner.clean_html(PAGE, html_threshold=0.99)
    assert len(strict.text) <= len(loose.text)
    assert all("keeps blocks" not in r.reason for r in strict.removed if r.rule == "dom:1")


def test_every_feature_has_plain_words_for_explanations() -> None:
    for name in dommodel.STACKED_NAMES:
        words = dommodel.signal_words(name)
        assert words and "_" not in words, name


def test_a_page_without_body_is_read_from_its_head() -> None:
    """libxml2 keeps everything after an unknown element in <head> there (a stray <mbox> on a 2008
    news page): no <body> at all. The walk reads the head's elements, not its title or metadata."""
    import trafilatura

    from cleaner import dom

    html = (
        "<html><head><title>The headline</title><meta name='x' content='y'><mbox><table><tr><td>"
        "<p>First paragraph of the story, long enough to be text.</p><p>Second paragraph.</p>"
        "</td></tr></table></mbox></head></html>"
    )
    tree = trafilatura.load_html(html)
    assert tree.find(".//body") is None
    texts = [b.text for b in dom.blocks(tree)]
    assert texts == ["First paragraph of the story, long enough to be text.", "Second paragraph."]


def test_a_data_table_row_is_kept_or_dropped_whole() -> None:
    """A row's cells are blocks of their own; when the model keeps some of a data row's cells, the
    others stay too, and a header row of <th> stays over a table whose rows stay (the README's
    example lost 'Transect' and 'Frogs heard' from its header row). A layout table's long cells, and
    a phrase rule's drop, are left as decided."""
    from cleaner.html.policy import whole_rows
    from cleaner.segment import make_block

    items = _blocks(
        "<table><tr><th>Transect</th><th>Frogs heard</th><th>Species</th></tr>"
        "<tr><td>River trail</td><td>41</td><td>Rhacophorus pardalis</td></tr>"
        "<tr><td>Ridge path</td><td>17</td><td>Ansonia latidisca</td></tr></table>"
        "<table><tr><td>"
        + "A long cell of a layout table, a whole sidebar of words. " * 3
        + "</td><td>Menu</td></tr></table>"
    )
    lines = [make_block(i, b.text) for i, b in enumerate(items)]
    x = dommodel.features(items, lines, dom.TrafVote.of(""), {}, None)
    words = np.array([float(b.words) for b in lines])
    assert [b.tag for b in items[:3]] == ["th", "th", "th"] and len(items) == 11
    # header cells 0 and 1 dropped, cell 2 kept; row 2 dropped whole; the layout row's menu dropped
    kept = whole_rows(items, x, words, np.array([0, 1, 6, 7, 8, 10]), frozenset())
    assert kept.tolist() == [6, 7, 8, 10]
    # the whole header dropped over kept rows: it stays; a phrase rule's drop of a cell stands
    assert whole_rows(items, x, words, np.array([0, 1, 2, 4]), frozenset({4})).tolist() == [4]
    # every row dropped: nothing comes back
    assert whole_rows(items, x, words, np.arange(9), frozenset()).tolist() == list(range(9))
