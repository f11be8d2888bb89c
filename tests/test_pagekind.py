"""The page-kind evidence and model (cleaner.pagekind), and HTML mode's page policy (dommodel.settle_page)."""

from __future__ import annotations

import numpy as np
import pytest

import cleaner
from cleaner import dommodel, pagekind
from cleaner.html import dom, policy, shapes
from cleaner.learn.kindtrain import fit, fit_logistic, predict
from cleaner.model import ModelError

PARA = (
    "The city council voted on Tuesday to approve a new budget for the coming year, after months of debate "
    "over how to pay for road repairs, school buildings and the public library's longer opening hours. "
)


def article_page(teasers: int = 12, meta: bool = True) -> str:
    """A news article followed by a 'More stories' list of linked headlines with summaries."""
    body = "".join(f"<p>{PARA}Paragraph {i} adds what the mayor said about item {i} of the plan.</p>" for i in range(8))
    items = "".join(
        f'<li><a href="/2019/11/{i}/story-{i}">Another story headline number {i} about other things</a>'
        f"<p>A one-line summary of story {i} that teases what happened.</p></li>"
        for i in range(teasers)
    )
    head = (
        '<meta property="og:type" content="article">'
        '<script type="application/ld+json">{"@type": ["NewsArticle"], "headline": "x"}</script>'
        '<link rel="canonical" href="https://news.example.com/2019/11/13/council-approves-new-budget-for-year">'
        if meta
        else ""
    )
    return (
        f"<html><head><title>Council approves budget</title>{head}</head>"
        "<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>Council approves budget</h1>{body}</article>"
        f"<div><h2>More stories</h2><ul>{items}</ul></div><footer>© 2019 Example News</footer></body></html>"
    )


def _tree(html: str) -> object:
    import trafilatura

    return trafilatura.load_html(html)


def test_ld_types_read_json_ld_lists_microdata_and_survive_broken_json() -> None:
    html = (
        '<html><head><script type="application/ld+json">{"@type": ["NewsArticle", "WebPage"]}</script>'
        '<script type="application/ld+json">{"@type": "Product", broken</script></head>'
        '<body><div itemtype="https://schema.org/QAPage"><p>x</p></div></body></html>'
    )
    assert pagekind.ld_types(_tree(html)) == {"newsarticle", "webpage", "product", "qapage"}


def test_features_name_what_the_page_says_of_itself() -> None:
    from cleaner.html import prepare

    kind = dict(zip(pagekind.PAGE_NAMES, prepare(article_page()).kind, strict=True))
    assert kind["og_article"] == 1.0 and kind["ld_article"] == 1.0 and kind["ld_product"] == 0.0
    assert kind["url_date"] == 1.0 and kind["url_slug"] == 1.0  # from the canonical link: no url given
    assert kind["traf_long_paras"] >= 8
    bare = dict(zip(pagekind.PAGE_NAMES, prepare(article_page(meta=False)).kind, strict=True))
    assert bare["og_article"] == bare["ld_article"] == 0.0
    # No address given and none on the page: its features are unknown, not a homepage's.
    assert all(np.isnan(bare[n]) for n in ("url_date", "url_slug", "url_depth"))
    given = prepare(article_page(meta=False), url="https://example.com/").kind
    home = dict(zip(pagekind.PAGE_NAMES, given, strict=True))
    assert home["url_date"] == home["url_slug"] == home["url_depth"] == 0.0


def test_an_unknown_address_weighs_nothing_in_the_page_kind() -> None:
    """A page given without its address (`clean_html(html)`, an archive without URLs) is judged on the
    rest of its evidence: the address's features count as the training pages' mean, where a missing
    address once read as a homepage's (depth 0, no date, no slug) and pulled articles toward "not an
    article" (news-dev's pages without a canonical link)."""
    from cleaner.html import prepare

    found = dommodel.load("builtin")
    assert found is not None and found.page_kind is not None
    model = found.page_kind
    kind = list(prepare(article_page(meta=False)).kind)
    at_mean = [m if np.isnan(v) else v for v, m in zip(kind, model.mean, strict=True)]
    assert model.article(kind) == pytest.approx(model.article(at_mean))
    homepage = [0.0 if np.isnan(v) else v for v in kind]
    assert model.article(kind) > model.article(homepage)
    assert 0.0 < model.article(kind) < 1.0


def test_logistic_fit_gives_unknown_values_no_weight() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(400, 2))
    y = (x[:, 0] > 0).astype(float)
    holes = x.copy()
    holes[::4, 1] = np.nan  # a quarter of the pages cannot give feature 1
    mean, scale, coef, intercept = fit_logistic(holes, y)
    assert np.all(np.isfinite(mean)) and np.all(np.isfinite(scale)) and np.all(np.isfinite(coef))
    assert mean[1] == pytest.approx(np.nanmean(holes[:, 1]))
    probe = np.array([[1.0, np.nan], [1.0, mean[1]]])
    out = predict((mean, scale, coef, intercept), probe)
    assert out[0] == pytest.approx(out[1]) and out[0] > 0.5


def test_builtin_model_tells_an_article_from_a_product_page() -> None:
    from cleaner.html import prepare

    found = dommodel.load("builtin")
    assert found is not None and found.page_kind is not None
    model = found.page_kind
    assert model.article(prepare(article_page()).kind) > 0.5
    product = (
        '<html><head><meta property="og:type" content="product">'
        '<script type="application/ld+json">{"@type": "Product"}</script></head><body>'
        + "".join(
            f"<div class='item'><a href='/p/{i}'>Blue shoe model {i}</a><span>$ {i}9.99</span></div>" for i in range(30)
        )
        + "</body></html>"
    )
    assert model.article(prepare(product, url="https://shop.example.com/category/shoes").kind) < 0.5
    assert model.article(()) == 0.0  # no evidence (an empty page): never called an article


def test_logistic_fit_is_deterministic_and_learns_the_direction() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3))
    y = (x[:, 0] - 0.5 * x[:, 2] > 0).astype(float)
    first, second = fit_logistic(x, y), fit_logistic(x, y)
    assert all(np.array_equal(a, b) for a, b in zip(first[:3], second[:3], strict=True))
    assert first[2][0] > 0 > first[2][2]
    assert ((predict(first, x) >= 0.5) == (y == 1)).mean() > 0.95


def test_page_kind_file_is_checked_on_load() -> None:
    rows = [
        ("a", "article", None, [1.0] * len(pagekind.PAGE_NAMES)),
        ("b", "forum", None, [0.0] * len(pagekind.PAGE_NAMES)),
    ]
    good = fit(rows)
    assert pagekind.from_dict(good, "m").article([1.0] * len(pagekind.PAGE_NAMES)) > 0.5
    with pytest.raises(ModelError, match="features"):
        pagekind.from_dict({**good, "features": ["x"]}, "m")
    with pytest.raises(ModelError, match="malformed"):
        pagekind.from_dict({**good, "scale": [0.0] * len(pagekind.PAGE_NAMES)}, "m")
    with pytest.raises(ModelError, match="not a cleaner page-kind"):
        pagekind.from_dict({**good, "format": "x"}, "m")


def _rows(traf: list[int], links: list[float], comment: list[int]) -> np.ndarray:
    x = np.zeros((len(traf), len(dommodel.FEATURE_NAMES)))
    x[:, dommodel._COL["traf_in"]] = traf
    x[:, dommodel._COL["link_density"]] = links
    x[:, dommodel._COL["comment_in"]] = comment
    return x


def test_settle_page_drops_link_heavy_extras_on_a_possible_article_only() -> None:
    # blocks 0-3: the article (trafilatura's); 4-7: teasers the block model would keep (p 0.2).
    x = _rows([1, 1, 1, 1, 0, 0, 0, 0], [0, 0, 0, 0, 1, 0, 1, 0], [0] * 8)
    p = np.array([0.01, 0.01, 0.01, 0.01, 0.2, 0.2, 0.2, 0.02])
    words = np.array([60.0, 60, 60, 60, 8, 12, 8, 12])
    dropped = np.zeros(8, dtype=bool)
    view, out = dommodel.settle_page(x, p, dropped, words, article=0.9)
    assert view.teasers and sorted(out) == [4, 5, 6]  # block 7: the model is sure of it (p < EXTRA_SURE)
    assert view.extra_links == pytest.approx(16 / 40)
    assert dommodel.settle_page(x, p, dropped, words, article=0.01)[1] == {}  # not an article: a listing's items
    # when the extras are most of what is kept, they are the page's content (a listing), not teasers
    small = np.array([5.0, 5, 5, 5, 80, 80, 80, 80])
    assert dommodel.settle_page(x, p, dropped, small, article=0.9)[1] == {}


def test_settle_page_drops_a_sidebar_of_links_beside_a_short_post() -> None:
    """Extras that are most of what is kept are a listing's content, unless they are mostly links
    on a page likely an article: a blog's sidebars beside a short post (news-dev/dragnet)."""
    x = _rows([1, 1, 0, 0, 0, 0], [0, 0, 1, 1, 1, 0.2], [0] * 6)
    p = np.array([0.01, 0.01, 0.5, 0.5, 0.5, 0.5])
    words = np.array([40.0, 40, 100, 100, 100, 20])  # extras: 320 of 400 kept words, 94 % links
    view, out = dommodel.settle_page(x, p, np.zeros(6, dtype=bool), words, article=dommodel.ARTICLE_LIKELY)
    assert view.extra_share > dommodel.EXTRA_SHARE_MAX and view.teasers and sorted(out) == [2, 3, 4, 5]
    assert dommodel.settle_page(x, p, np.zeros(6, dtype=bool), words, article=0.2)[1] == {}
    # trafilatura's text a post (paragraphs of prose): a weaker article reading is enough...
    x[:, dommodel._COL["end_sentence"]] = [1, 1, 0, 0, 0, 0]
    view, out = dommodel.settle_page(x, p, np.zeros(6, dtype=bool), words, article=dommodel.ARTICLE_POST)
    assert view.post and sorted(out) == [2, 3, 4, 5]
    # ...but not none (a job board's numbered rows and dates are no post either way)
    assert dommodel.settle_page(x, p, np.zeros(6, dtype=bool), words, article=0.05)[1] == {}
    x[:, dommodel._COL["link_density"]] = [0, 0, 0.5, 0.5, 0.5, 0.2]  # half links: a listing's items
    assert dommodel.settle_page(x, p, np.zeros(6, dtype=bool), words, article=0.9)[1] == {}


def test_settle_page_drops_the_comment_section_of_an_article() -> None:
    """Blocks whose markup says comment, after the article, go on an article page, even in
    trafilatura's main text and scored as content; not on a page that does not read as an article,
    nor when too little comes before them (a forum's opening post sits in the same markup)."""
    x = _rows([1, 1, 1, 1, 1, 0], [0] * 6, [0] * 6)
    x[:, dommodel._COL["fam_comments"]] = [0, 0, 0, 1, 1, 1]
    p = np.array([0.01, 0.01, 0.01, 0.02, 0.02, 0.02])
    words = np.array([90.0, 90, 90, 30, 30, 5])
    none = np.zeros(6, dtype=bool)
    out = dommodel.settle_page(x, p, none, words, article=0.9)[1]
    assert sorted(out) == [3, 4, 5] and {rule for rule, _ in out.values()} == {"comments"}
    assert "after 270 words" in out[3][1]
    assert dommodel.settle_page(x, p, none, words, article=0.3)[1] == {}
    assert dommodel.settle_page(x, p, none, words, article=0.9, replies=True)[1] == {}  # a thread's replies
    post = np.array([20.0, 20, 20, 30, 30, 5])  # a two-sentence post under a photo, then its comments
    assert sorted(dommodel.settle_page(x, p, none, post, article=0.9)[1]) == [3, 4, 5]
    short = np.array([15.0, 15, 15, 30, 30, 5])  # 45 words before them: an opening post's length
    assert dommodel.settle_page(x, p, none, short, article=0.9)[1] == {}
    # a blog's post with no address or metadata reads as an article only weakly: its paragraphs of
    # prose in trafilatura's text are the evidence then; a product's or service's reviews stay
    x[:, dommodel._COL["end_sentence"]] = [1, 1, 1, 0, 0, 0]
    assert sorted(dommodel.settle_page(x, p, none, words, article=dommodel.ARTICLE_POST)[1]) == [3, 4, 5]
    assert dommodel.settle_page(x, p, none, words, article=dommodel.ARTICLE_POST, replies=True)[1] == {}
    assert dommodel.settle_page(x, p, none, words, article=0.05)[1] == {}


def test_settle_page_drops_unsure_comment_extras_on_any_page() -> None:
    x = _rows([1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 1, 1])
    p = np.array([0.01, 0.01, 0.3, 0.01])
    view, out = dommodel.settle_page(x, p, np.zeros(4, dtype=bool), np.array([50.0, 50, 20, 20]), article=0.0)
    assert list(out) == [2] and out[2] == ("comment", dommodel.COMMENT_REASON)
    assert not view.teasers


def test_clean_html_drops_a_teaser_list_after_a_news_article_as_related() -> None:
    result = cleaner.clean_html(article_page())
    assert "Another story headline" not in result.text and "one-line summary" not in result.text
    assert result.text.count("The city council voted") == 8
    teasers = [r for r in result.removed if "Another story headline" in r.text or "one-line summary" in r.text]
    assert len(teasers) == 24
    # the block model drops them itself or the page policy's teaser rule does (settle_page's tests):
    # either way they are named related, which users switch off to keep them
    assert {r.category.value for r in teasers} == {"related"}
    assert cleaner.clean(result.text).text == result.text


def test_settle_page_drops_unsure_extras_apart_from_trafilatura_on_an_article() -> None:
    x = _rows([1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0])
    x[:, dommodel._COL["anc1_traf"]] = [1.0, 1.0, 0.0, 0.5]  # block 3 sits beside trafilatura's text
    p = np.array([0.01, 0.01, 0.4, 0.4])
    words = np.array([80.0, 80, 10, 10])
    out = dommodel.settle_page(x, p, np.zeros(4, dtype=bool), words, article=0.9)[1]
    assert list(out) == [2] and out[2][0] == "apart"
    assert dommodel.settle_page(x, p, np.zeros(4, dtype=bool), words, article=0.3)[1] == {}


def test_a_malformed_address_does_not_fail_the_page() -> None:
    """An unfilled template in the canonical link (issue 21, item 7), or given as the url."""
    html = article_page().replace(
        "https://news.example.com/2019/11/13/council-approves-new-budget-for-year", "https://[SITE_URL]/x"
    )
    assert "The city council voted" in cleaner.clean_html(html).text
    assert "The city council voted" in cleaner.clean_html(html, url="https://[SITE_URL]/x").text
    assert pagekind.split_url("https://[SITE_URL]/x") == ("", "")
    assert pagekind.split_url("https://News.example.com/a/b") == ("news.example.com", "/a/b")


def test_settle_page_leaves_link_extras_of_a_listing_address() -> None:
    x = _rows([1, 1, 1, 1, 0, 0, 0, 0], [0, 0, 0, 0, 1, 0, 1, 0], [0] * 8)
    x[:, dommodel._COL["url_listing"]] = 1.0
    x[:, dommodel._COL["anc1_traf"]] = 1.0  # the "apart" rule is not what this is about
    p = np.array([0.01, 0.01, 0.01, 0.01, 0.2, 0.2, 0.2, 0.02])
    words = np.array([60.0, 60, 60, 60, 8, 12, 8, 12])
    view, out = dommodel.settle_page(x, p, np.zeros(8, dtype=bool), words, article=0.9)
    assert view.listing_url and not view.teasers and out == {}


def test_paragraphs_of_trafilatura_and_the_headline_stay_unless_the_model_is_sure() -> None:
    x = _rows([1, 1, 1, 0, 1], [0] * 5, [0] * 5)
    x[:, dommodel._COL["end_sentence"]] = [0, 1, 1, 1, 1]
    x[:, dommodel._COL["title_sim"]] = [1.0, 0, 0, 0, 0]
    x[:, dommodel._COL["tag"]] = [dom.TAG_CODE["h1"], dom.TAG_CODE["p"], dom.TAG_CODE["p"], 1.0, 1.0]
    p = np.array([0.8, 0.6, 0.75, 0.5, 0.6])
    words = np.array([8.0, 30, 30, 30, 10])
    keep = dommodel.kept_anyway(x, p, words)
    # the headline (p 0.8 < 0.9); a paragraph trafilatura took that the model is unsure of (0.6);
    # not one it is sure of (0.75), not one trafilatura left out, not a short one
    assert keep.tolist() == [True, True, False, False, False]
    p[0] = 0.95
    assert not dommodel.kept_anyway(x, p, words)[0]


def test_a_page_past_the_block_cap_is_cleaned_from_its_blocks_by_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    """300,000 <p> took 35 s and 1.7 GB (issue 21, item 5): past the cap the page's blocks are its
    text, cleaned by the rules, with a warning; trafilatura is not asked."""
    monkeypatch.setattr(dom, "MODEL_MAX_BLOCKS", 10)
    result = cleaner.clean_html(article_page())
    assert any("more than the block model reads (10)" in w for w in result.warnings)
    assert result.text.count("The city council voted") == 8
    assert not any(r.rule.startswith("dom:") for r in result.removed)


def test_forum_urls_are_told_from_articles() -> None:
    for url in (
        "https://discourse.example.org/t/how-to-x/123",
        "https://www.example.com/forums/showthread.php?t=99",
        "https://community.example.com/questions/42/why",
        "https://www.reddit.com/r/python/comments/abc/title/",
        "https://www.mumsnet.com/talk/food_and_recipes/5498613-family-meals",
        "https://forum.example.com/thread-1234.html",
        "https://www.example.com/viewtopic.php?t=5",
        "https://linux.example.org/story/24/01/12/169219/a-2024-discussion-whether-to-convert",
    ):
        assert pagekind.forum_url(url), url
    for url in (
        None,
        "",
        "https://blog.example.com/2011/01/startup-hubris",
        "https://news.example.com/world/story-1",
        # a forum word inside an article's slug
        "http://www.example.org/thoughts/archives/2012/08/02/participatory-culture-questions.html",
        "https://www.example.com/anthonys-top-10-board-games-of-2025/",
        "http://example.com/archives/macbeth-inspired-t-shirt-from-the-affair/",
        "https://www.example.com/college-advice/application-essay-topics",
    ):
        assert not pagekind.forum_url(url), url


_PARAS = [
    "Players and critics are hardwired to classify the games they play into familiar genres and boxes.",
    "Publishers follow suit and describe their new games in the terms their buyers already know well.",
    "But what about games that downplay or discard the traditional architecture of play and reward?",
]


def test_a_hidden_copy_of_the_article_is_dropped_once_and_named() -> None:
    """A page that carries its article again in a hidden element (a print copy, a script's
    template) gives it once (news-dev/dragnet: F1 0.67 -> 0.99 on such pages)."""
    body = "".join(f"<p>{t}</p>" for t in _PARAS)
    html = (
        "<html><head><title>Crafting wonder</title></head><body><article><h1>Crafting wonder</h1>"
        f"{body}</article><div style='display:none'>{body}</div></body></html>"
    )
    result = cleaner.clean_html(html)
    assert all(result.text.count(t) == 1 for t in _PARAS)
    copies = [r for r in result.removed if "hidden copy" in r.reason]
    assert len(copies) == 3 and {r.category.value for r in copies} == {"other"}
    assert cleaner.clean_html(html, html_model="off").text.count(_PARAS[0]) == 1  # trafilatura alone: once too


def test_hidden_tabs_that_repeat_a_sentence_among_their_own_text_stay_whole() -> None:
    """A docs page's tab per language repeats an instruction among its own text: its content."""
    tabs = "".join(
        f"<div role='tabpanel' hidden><p>Install the {lang} helper library with the package manager that your "
        f"{lang} project already uses for its other dependencies today.</p><pre>{lang} install helper</pre>"
        f"<p>{_PARAS[0]}</p><p>Then run the {lang} program from a terminal in the folder where you saved it, "
        "and watch for the message that says the helper library is ready.</p></div>"
        for lang in ("Python", "Ruby", "Java")
    )
    html = (
        "<html><head><title>Quickstart</title></head><body><main><h1>Quickstart</h1>"
        f"<p>{_PARAS[1]}</p>{tabs}</main></body></html>"
    )
    result = cleaner.clean_html(html)
    assert not [r for r in result.removed if "hidden copy" in r.reason]


def test_a_hidden_markdown_copy_of_the_article_is_dropped_as_a_copy() -> None:
    """A page that carries its article again as raw markdown in a hidden element (for machines:
    links as [text](url), emphasis as **), which repeats no paragraph word for word, gives it once
    (wcxb-dev 4258, a blog's <pre hidden>: F1 0.64 -> 0.97 simulated). Half or more of the hidden
    text's four-word runs in the shown text make it a copy; under that, or under 30 words, it stays."""
    md = [
        t.replace("games", "[games](https://example.com/games)", 1).replace("traditional", "**traditional**")
        for t in _PARAS
    ]
    texts = ["Crafting wonder", *_PARAS, "# Crafting wonder", *md]
    x = np.zeros((len(texts), len(dommodel.FEATURE_NAMES)))
    x[4:, dommodel._COL["in_hidden"]] = 1
    words = np.array([float(len(t.split())) for t in texts])
    kept = np.zeros(len(texts), dtype=bool)
    out = policy.hidden_copy(texts, x, kept, words)
    assert sorted(out) == [4, 5, 6, 7]
    assert not policy.hidden_copy(texts, x, kept | (np.arange(len(texts)) < 4), words)  # the shown copy gone
    assert not policy.hidden_copy(texts[:6], x[:6], kept[:6], words[:6])  # one hidden paragraph: under 30 words
    other = ["Crafting wonder", _PARAS[0], "Questions", *(f"{t} The answer differs for each reader." for t in _PARAS)]
    y = np.zeros((len(other), len(dommodel.FEATURE_NAMES)))
    y[2:, dommodel._COL["in_hidden"]] = 1
    # an accordion's answers that share one sentence with the shown text are not a copy
    assert not policy.hidden_copy(
        other, y, np.zeros(len(other), dtype=bool), np.array([float(len(t.split())) for t in other])
    )


def test_hidden_text_the_page_does_not_show_stays() -> None:
    """Hidden text whose words the shown text does not hold is not a copy (a page's text in a
    hidden element revealed by script, an accordion's answers): it stays."""
    answers = "".join(
        f"<div hidden><p>{t} The answer differs for each reader, and the details are here.</p></div>" for t in _PARAS
    )
    html = (
        "<html><head><title>Questions</title></head><body><main><h1>Questions</h1>"
        "<p>Three questions readers asked us this week about the games they play and why.</p>"
        f"{answers}</main></body></html>"
    )
    result = cleaner.clean_html(html)
    assert all(f"{t} The answer differs" in result.text for t in _PARAS), result.text
    assert not [r for r in result.removed if "repeats the page's shown text" in r.reason]


def test_a_shown_second_copy_of_the_article_is_dropped_once_and_named() -> None:
    """A page that shows its article twice (another layout's copy: wcxb-dev 0219, forum threads
    given two or three times) gives it once; the first copy stays."""
    body = "".join(f"<p>{t}</p>" for t in _PARAS)
    html = (
        "<html><head><title>Crafting wonder</title></head><body><article><h1>Crafting wonder</h1>"
        f"{body}</article><section class='mobile-layout'>{body}</section></body></html>"
    )
    result = cleaner.clean_html(html)
    assert all(result.text.count(t) == 1 for t in _PARAS), result.text
    copies = [r for r in result.removed if "second copy" in r.reason]
    assert copies and {r.category.value for r in copies} == {"other"}
    assert result.text.index(_PARAS[0]) < result.text.index(_PARAS[2])


def test_one_field_repeated_on_every_card_of_a_listing_stays_on_each() -> None:
    """A listing's description field on every card (wcxb-dev 4035) is one paragraph repeated: content."""
    field = "Scalable multi-monitor arm system designed to support up to six monitors on a single post."
    cards = "".join(
        f"<li><h3>Arm model {n}</h3><p>For monitors from {n} to {n + 10} pounds.</p><p>{field}</p>"
        f"<p>Starting at ${400 + n}</p></li>"
        for n in range(1, 9)
    )
    html = (
        "<html><head><title>Monitor arms</title></head><body><main><h1>Monitor arms</h1>"
        f"<p>{_PARAS[0]}</p><ul>{cards}</ul></main></body></html>"
    )
    result = cleaner.clean_html(html)
    assert not [r for r in result.removed if "second copy" in r.reason]
    assert result.text.count(field) > 1


def test_the_page_kinds_one_walk_over_elements_finds_what_an_xpath_each_found() -> None:
    import trafilatura

    html = (
        '<html><head><meta property="og:type" content=" Article "><meta name="og:type" content="video">'
        '<meta property="date" name="pubdate" content="2020-01-01"><meta name="datePublished">'
        '<meta property="og:type"><script type="application/ld+json">{"@type": "Recipe"}</script>'
        '<script type="application/LD+json">{"@type": "Product"}</script><script>var a = 1;</script></head>'
        "<body><article><article><pre>x</pre></article></article><div><pre>y</pre><PRE>z</PRE></div>"
        '<meta property="article:published_time" content="">'
        '<script type="application/ld+json">{"@type": ["NewsArticle", "x/WebPage"]}</script></body></html>'
    )
    tree = trafilatura.load_html(html)
    found = pagekind._page_tags(tree)
    names = ("og:type", "date", "pubdate", "datePublished", "article:published_time", "none")
    for k in range(len(names)):
        want = [
            str(v) for name in names[k:] for v in tree.xpath(f'//meta[@property="{name}" or @name="{name}"]/@content')
        ]
        assert pagekind._meta(found, *names[k:]) == want
    assert pagekind._meta(found, "og:type") == [" Article ", "video"]
    assert (found.articles, found.pres) == (len(tree.xpath("//article")), len(tree.xpath("//pre"))) == (2, 3)
    assert pagekind.ld_types(tree, found.ld_scripts) == pagekind.ld_types(tree) == {"recipe", "newsarticle", "webpage"}


def test_marked_comments_go_after_the_post_on_any_page_but_a_forum() -> None:
    """Blocks that trafilatura's comment extraction holds and whose markup says comment, from the
    first after kept text of neither: a short post's comments go whatever the page kind; a
    forum's replies stay, and so does a page that is nothing but such blocks."""
    from cleaner.html.policy import marked_comments

    x = _rows([1, 1, 1, 1, 0], [0] * 5, [0, 1, 1, 1, 0])
    x[:, dommodel._COL["fam_comments"]] = [0, 1, 1, 1, 1]  # block 4: markup alone
    words = np.array([30.0, 12, 8, 15, 9])
    none = np.zeros(5, dtype=bool)
    out = marked_comments(x, none, words, forum=False)
    assert sorted(out) == [1, 2, 3] and "comment" in out[1]
    assert marked_comments(x, none, words, forum=True) == {}
    gone = none.copy()
    gone[0] = True  # nothing kept before them: they are the page
    assert marked_comments(x, gone, words, forum=False) == {}


def test_agreed_extras_go_where_trafilatura_and_readability_agree() -> None:
    """Where both extractors took the same text, blocks neither took that the block model doubts
    go; not where they disagree, not what the model is sure of, and not on a forum."""
    from cleaner.html.policy import AGREED_P, agreed_extras

    x = _rows([1, 1, 0, 0, 0], [0, 0, 1, 1, 0], [0] * 5)
    x[:, dommodel._COL["read_in"]] = [1, 1, 0, 0, 0]
    p = np.array([0.01, 0.01, 0.4, AGREED_P, 0.1])  # block 4: the model is sure enough of it
    words = np.array([80.0, 60, 10, 10, 20])
    none = np.zeros(5, dtype=bool)
    out = agreed_extras(x, p, none, words, forum=False)
    assert sorted(out) == [2, 3] and "agree" in out[2]
    assert agreed_extras(x, p, none, words, forum=True) == {}
    x[:, dommodel._COL["read_in"]] = [1, 0, 0, 0, 0]  # readability took 80 of the 140 words: no agreement
    assert agreed_extras(x, p, none, words, forum=False) == {}


@pytest.mark.parametrize(
    ("text", "keywords"),
    [
        ("city council, budget, transit, buses, rail", True),
        ("Donald Trump | Congress | Immigration | Border wall", True),
        ("Politik; Bundestag; Haushalt; Verkehr", True),
        ("Distributed, hybrid, and multicloud, serverless", False),  # a phrase: a conjunction before an item
        ("Monday, November 12, 2012, updated", False),  # a date
        ("XS, S, M, L, XL, XXL", False),  # a product's sizes
        ("Synthetic: lightweight, breathable, dries fast, cheap", False),  # a label's colon
        ('toset(["Todd", "James", "Alice", "Dottie"])', False),  # code
        ("Buses, trains, trams and ferries all run late.", False),  # a sentence
        ("budget, transit", False),  # too few items
        ("1,922,710 Views", False),
    ],
)
def test_keyword_list_tells_a_pages_tags_from_text(text: str, keywords: bool) -> None:
    assert shapes.keyword_list(text) is keywords


def test_a_hidden_keyword_list_goes_as_metadata_and_a_shown_one_is_not_the_rules() -> None:
    """A news page's tags in a hidden element (seen on a held-out 2019 news set, issue 16) are page
    metadata no reader sees: dropped, named `other`, with the page policy's reason."""
    tags = "city council, budget, transit, buses, rail"
    h1 = "<h1>Council approves budget</h1>"
    html = article_page().replace(h1, f"{h1}<div style='display:none'>{tags}</div>")
    result = cleaner.clean_html(html)
    assert tags not in result.text and result.text.count("The city council voted") == 8
    (gone,) = [r for r in result.removed if r.text == tags]
    assert gone.category.value == "other" and "keyword list" in gone.reason
    shown = article_page().replace(h1, f"{h1}<p>{tags}</p>")
    assert not [r for r in cleaner.clean_html(shown).removed if "keyword list" in r.reason]


def test_a_run_of_teasers_beside_an_article_goes_as_teasers() -> None:
    """Headline links each with its summary under them, left out by trafilatura: on a page that
    reads as an article they are other stories' teasers, three pairs or more; fewer, or on a page
    that does not read as an article, or whose replies are its content, they stay. (Summaries of 40
    words keep the extras under the teaser rule's link share, and scores of 0.2 under the "apart"
    rule's: this is the run's own rule.)"""
    pairs = shapes.TEASER_PAIRS
    n = 2 + 2 * pairs
    x = _rows([1, 1] + [0] * (n - 2), [0, 0] + [1.0, 0.0] * pairs, [0] * n)
    words = np.array([60.0, 60] + [9.0, 40.0] * pairs)
    p = np.full(n, 0.2)
    p[:2] = 0.01
    kept = np.zeros(n, dtype=bool)
    view, out = dommodel.settle_page(x, p, kept, words, article=dommodel.ARTICLE_SURE)
    assert not view.teasers and sorted(out) == list(range(2, n))
    assert {rule for rule, _ in out.values()} == {"teasers"} and "teasers" in next(iter(out.values()))[1]
    assert dommodel.settle_page(x, p, kept, words, article=dommodel.ARTICLE_SURE - 0.01)[1] == {}
    assert dommodel.settle_page(x, p, kept, words, article=0.9, replies=True)[1] == {}
    short = kept.copy()
    short[4:6] = True  # the block model dropped one pair: the others are no run of three
    assert set(dommodel.settle_page(x, p, short, words, article=0.9)[1]) == set()
    words[3] = 5  # a short line under the first headline, no summary: two pairs are left, no run
    assert dommodel.settle_page(x, p, kept, words, article=0.9)[1] == {}


def test_a_short_post_s_teaser_run_goes_but_an_faq_stays() -> None:
    """A post with a paragraph of prose in trafilatura's text (`PageView.post`) needs only ARTICLE_POST
    for its teaser run to go, as for its comments (a 2008 news page without an address or metadata
    reads as an article at 0.27: l3s-gn1 29721ba8); headlines that ask (an FAQ's questions, each over
    its answer: wcxb-dev 4869) are no teasers."""
    pairs = shapes.TEASER_PAIRS
    n = 2 + 2 * pairs
    x = _rows([1, 1] + [0] * (n - 2), [0, 0] + [1.0, 0.0] * pairs, [0] * n)
    x[:2, dommodel._COL["end_sentence"]] = 1
    words = np.array([60.0, 60] + [9.0, 40.0] * pairs)
    p = np.full(n, 0.2)
    p[:2] = 0.01
    kept = np.zeros(n, dtype=bool)
    view, out = dommodel.settle_page(x, p, kept, words, article=dommodel.ARTICLE_POST)
    assert view.post and sorted(out) == list(range(2, n)) and {r for r, _ in out.values()} == {"teasers"}
    assert dommodel.settle_page(x, p, kept, words, article=dommodel.ARTICLE_POST - 0.01)[1] == {}
    asks = np.zeros(n, dtype=bool)
    asks[2::2] = True
    assert dommodel.settle_page(x, p, kept, words, article=0.9, asks=asks)[1] == {}


def test_a_short_post_the_cut_took_under_its_kept_comments_comes_back() -> None:
    """A two-sentence post (trafilatura's, no comment extraction) that the cut dropped while it
    kept the comments under it comes back, unless the model is sure of it; not on a forum, not when
    the kept text beside it is no comment (a product's description the model rightly dropped), not
    when the cut kept most of the post, and not when what it dropped of the post is no prose."""
    from cleaner.html.replies import POST_SURE, lost_post

    # 0: headline (no traf); 1: the post; 2-5: comments (traf and the comment extraction, in markup)
    x = _rows([0, 1, 1, 1, 1, 1], [0] * 6, [0, 0, 1, 1, 1, 1])
    x[:, dommodel._COL["fam_comments"]] = [0, 0, 1, 1, 1, 1]
    x[:, dommodel._COL["stopwords"]] = [0.0, 0.4, 0.4, 0.4, 0.4, 0.4]
    words = np.array([5.0, 32, 20, 25, 30, 18])
    p = np.array([0.6, 0.72, 0.2, 0.2, 0.2, 0.2])
    cut = np.array([False, True, False, False, False, False])
    none = np.zeros(6, dtype=bool)
    assert lost_post(x, p, words, cut, none, forum=False).tolist() == [False, True, False, False, False, False]
    assert not lost_post(x, p, words, cut, none, forum=True).any()
    assert not lost_post(x, p, words, cut, cut, forum=False).any()  # a phrase rule's drop is no lost prose
    sure = p.copy()
    sure[1] = POST_SURE
    assert not lost_post(x, sure, words, cut, none, forum=False).any()
    # what is kept beside the post is no comment: a product page's description the model dropped
    plain = x.copy()
    plain[:, dommodel._COL["comment_in"]] = 0
    plain[:, dommodel._COL["fam_comments"]] = 0
    plain[2:, dommodel._COL["traf_in"]] = 0
    assert not lost_post(plain, p, words, cut, none, forum=False).any()
    # the post's dropped block is a link list, not prose
    links = x.copy()
    links[1, dommodel._COL["link_density"]] = 0.9
    assert not lost_post(links, p, words, cut, none, forum=False).any()
    # the cut kept most of the post: a second, longer paragraph stays
    longer = np.vstack([x[:2], x[1:2], x[2:]])
    p7, words7, cut7 = np.insert(p, 2, 0.1), np.insert(words, 2, 60.0), np.insert(cut, 2, False)
    assert not lost_post(longer, p7, words7, cut7, np.zeros(7, dtype=bool), False).any()


def test_readability_stands_in_for_trafilatura_when_trafilatura_took_next_to_nothing() -> None:
    """Where trafilatura's main text is a line and readability's is the article, the policy reads
    readability's vote in trafilatura's place; otherwise the rows stay as they are (the same array)."""
    from cleaner.html.policy import STAND_IN_READ, STAND_IN_TRAF, main_text_vote

    # 0: a headline trafilatura took; 1-3: the article, readability's; 4-5: a ticker of headlines
    x = _rows([1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1], [0] * 6)
    x[:, dommodel._COL["read_in"]] = [0, 1, 1, 1, 0, 0]
    x[:, dommodel._COL["read_share"]] = [0, 1, 1, 1, 0, 0]
    words = np.array([5.0, 40, 30, 25, 8, 8])
    stood = main_text_vote(x, words)
    assert stood[:, dommodel._COL["traf_in"]].tolist() == [0, 1, 1, 1, 0, 0]
    assert stood[:, dommodel._COL["traf_share"]].tolist() == [0, 1, 1, 1, 0, 0]
    assert x[:, dommodel._COL["traf_in"]].tolist() == [1, 0, 0, 0, 0, 0]  # the rows given are not changed
    more = words.copy()
    more[0] = STAND_IN_TRAF  # trafilatura took a paragraph: its vote stands
    assert main_text_vote(x, more) is x
    less = words.copy()
    less[1:4] = (STAND_IN_READ - 1) / 3  # readability took too little to be the article
    assert main_text_vote(x, less) is x
