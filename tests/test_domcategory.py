"""The categories of the HTML block model's drops (`cleaner.domcategory`).

The agreement test reads wcxb-dev (WCXB by Murrough Foley, CC-BY-4.0) from ../shared beside the
repository, like the training tests; the labelled blocks and their guide are
tests/cases/html_categories.jsonl and .md.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cleaner
from cleaner import dom
from cleaner.cli import app
from cleaner.config import CleanerConfig
from cleaner.domcategory import Evidence, Named, categories, category_of, cues, family_category, text_cue
from cleaner.evaluation.categories import load_cases, measure
from cleaner.html.category import rule_category
from cleaner.types import Category

CASES = Path(__file__).resolve().parent / "cases"
DATA = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "wcxb-dev"
# Measured (bench/results/2026-12-05-html-categories-4.md): 0.927 on the labelled set (0.381 with the
# markup families and the rules' own categories alone), 0.903 on the held-out blocks (0.290), 0.909 on
# the second held-out set (0.394), 0.895 on the third (0.421), 0.921 on the fourth (0.443; tuned on from
# the fourth round), 0.785 on the fifth, never tuned on (0.374). Minimums are never lowered silently:
# the block model's retrain (2026-12-05, readability's vote, two seeds) moved which labelled blocks are
# removed: labelled 0.930, held-out 0.889 (3 "other" blocks now kept, 2 related teasers now dropped and
# named navigation), 0.906, 0.892, 0.920, and 0.796 on the fifth; held-out's minimum went 0.90 -> 0.88.
# Then a price with its currency after it ("19,79€") is other and "disclosure" is legal only as a
# notice's name (fixes read from the fifth set's misses, which is tuned on from then): labelled 0.934,
# the fifth 0.806. Fifth round (bench/results/2026-12-05-html-categories-5.md): held-out 6, drawn for it,
# 0.800 before any change (never tuned on then), 0.876 after (tuned on); the fifth 0.864 (tuned on);
# held-out 7, drawn after the round's last change and never tuned on, 0.785 (main the same).
# The retrain of 2026-12-06 (two span features, bench/results/2026-12-06-spans.md) removes one more
# block of the fifth set, a caption it names a repeated headline: 0.864 -> 0.856, minimum 0.86 -> 0.85;
# labelled 0.933 -> 0.929, held-out 0.889 -> 0.894, 0.906 -> 0.908, the others unchanged (held-out 7 0.785).
# Held-out 8 (2026-12-07, drawn at 5fa7b85 and labelled blind, never tuned on): 0.809 (72 of 89).
# Held-out 9 and 10 (2026-12-07, drawn at 272caba's code, labelled blind, never tuned on): 0.752 (76 of 101)
# and 0.789 (258 of 327).
# Held-out 11 (2026-12-07, drawn at 753bf3e with bench/html_categories_draw.py --seed 2026120711 --pages 90,
# labelled blind by two helpers, 22 of 178 excluded as content): 0.846 (132 of 156), measured before any change.
AGREEMENT_MIN = 0.92
HELD_OUT = (  # file, most labelled blocks no longer removed, minimum agreement
    ("html_categories_heldout.jsonl", 15, 0.88),
    ("html_categories_heldout2.jsonl", 6, 0.90),
    ("html_categories_heldout3.jsonl", 7, 0.88),
    ("html_categories_heldout4.jsonl", 7, 0.91),
    ("html_categories_heldout5.jsonl", 7, 0.85),
    ("html_categories_heldout6.jsonl", 5, 0.87),
    ("html_categories_heldout7.jsonl", 5, 0.78),
    ("html_categories_heldout8.jsonl", 5, 0.80),
    ("html_categories_heldout9.jsonl", 5, 0.75),
    ("html_categories_heldout10.jsonl", 8, 0.78),
    ("html_categories_heldout11.jsonl", 5, 0.84),
)


@pytest.mark.parametrize("cue", cues(), ids=lambda c: c.id)
def test_cue_examples(cue) -> None:  # type: ignore[no-untyped-def]
    for text in cue.pos:
        found = text_cue(text)
        assert found is not None and found.category is cue.category, text
    for text in cue.neg:
        assert not cue.pattern.search(text.lower()), text


def _ungated_cue(text: str):  # type: ignore[no-untyped-def]
    low = text.lower()
    return next((cue for cue in cues() if cue.pattern.search(low)), None)


def test_the_cue_gates_never_hide_a_match() -> None:
    """`text_cue` searches a cue only where its gate (literals, first characters) lets it: the same
    first cue as searching every cue, on every example of every cue, each inside longer text, and
    on mixed and upper-cased texts."""
    examples = [t for cue in cues() for t in (*cue.pos, *cue.neg)]
    texts = [
        *examples,
        *(f"Read this first. {t}" for t in examples),
        *(f"{t} and more words after it" for t in examples),
        *(t.upper() for t in examples),
        *(f"{a} | {b}" for a, b in zip(examples, reversed(examples), strict=True)),
    ]
    assert sum(cue.gate is not None for cue in cues()) >= len(cues()) // 3  # most gated cues skip most texts
    for text in texts:
        assert text_cue.__wrapped__(text) is _ungated_cue(text), text


def _block(
    text: str,
    tag: str = "div",
    containers: tuple[str, ...] = (),
    own: tuple[str, ...] = (),
    ancestors: tuple[str, ...] = (),
    link: bool = False,
) -> dom.DomBlock:
    c = sum(1 << dom.CONTAINERS.index(n) for n in containers)
    o = sum(1 << dom.FAMILY_NAMES.index(n) for n in own)
    f = o | sum(1 << dom.FAMILY_NAMES.index(n) for n in ancestors)
    return dom.DomBlock(text, tag, 5, c, f, o, len(text) if link else 0, int(link), False, 0, ())


def _category(block: dom.DomBlock, title: str | None = None, rule: str = "") -> Category:
    words = float(len(block.text.split()))
    return category_of(Evidence(block, block.link_chars / len(block.text), words, 0.0, title, rule))


def test_a_site_menu_in_the_footer_is_navigation_not_legal() -> None:
    menu = _block("Our Team", "li", ("footer", "li", "a"), ("nav", "footer"), link=True)
    assert family_category(Evidence(menu, 1.0, 2.0, 0.0)) is Category.LEGAL  # what users saw before
    assert _category(menu) is Category.NAVIGATION
    assert _category(_block("Privacy Policy", "li", ("footer", "li", "a"), ("footer",), link=True)) is Category.LEGAL


def test_what_no_family_names_is_other() -> None:
    address = _block("1200 Main Street, Springfield", "p", own=("paywall",))  # a class like "event-premium"
    assert family_category(Evidence(address, 0.0, 4.0, 0.0)) is Category.PAYWALL
    assert _category(address) is Category.OTHER
    assert _category(_block("Saturday, March 7, 2026", "p")) is Category.OTHER  # was navigation
    assert _category(_block("Published on March 3, 2026", "p", own=("promo",))) is Category.OTHER
    assert _category(_block("Great post, thanks!", "p"), rule="comment") is Category.COMMENTS  # its own category


def test_headline_repeats_and_menu_links() -> None:
    title = "How to Invest in Index Funds: A Beginner's Guide | The Motley Fool"
    assert (
        _category(_block("How to Invest in Index Funds: A Beginner's Guide", "h1"), title)
        is Category.DUPLICATE_HEADLINE
    )
    crumb = _block("How to Invest in Index Funds: A Beginner's Guide", "li", ("nav", "li", "a"), link=True)
    assert _category(crumb, title) is Category.NAVIGATION
    assert _category(_block("Ten cheap funds that beat the market this year", "h3", link=True)) is Category.RELATED
    assert _category(_block("Newsletters", "li", ("nav", "li", "a"), link=True)) is Category.NAVIGATION


def _ev(block: dom.DomBlock, title: str | None = None, rule: str = "") -> Evidence:
    return Evidence(block, block.link_chars / len(block.text), float(len(block.text.split())), 0.0, title, rule)


def test_a_teasers_summary_is_related_and_a_teaser_heading_is_no_headline() -> None:
    teaser = _block("Will AI Replace Photographers? A Critical Look", "p", link=True)
    summary = _block("With AI dominating the field, should photographers start looking for a new career?", "p")
    named = categories({7: _ev(teaser), 8: _ev(summary)})
    assert (named[7].category, named[8].category) == (Category.RELATED, Category.RELATED)
    assert named[8].why == "a teaser's summary"
    assert categories({8: _ev(summary)})[8].category is Category.OTHER  # alone, nothing names it
    title = "The Average Cost of House Cleaning Services in San Diego California"
    link = _block("Cleaning Services Costs In The City Of San Diego In California", "h1", link=True)
    assert category_of(_ev(link, title)) is Category.RELATED
    heading = _block("Cleaning Services Costs In The City Of San Diego In California", "h1")
    assert category_of(_ev(heading, title)) is Category.DUPLICATE_HEADLINE


def test_controls_counts_phone_numbers_and_product_buttons_are_named_by_their_words() -> None:
    # held-out page 2953's "Filter by Best Use" sits in an element named header and login, not a menu
    assert _category(_block("Filter by Best Use", own=("header",), ancestors=("login",))) is Category.NAVIGATION
    assert (
        _category(_block("Clear all", "li", ("header", "form", "li"), ancestors=("promo", "nav")))
        is Category.NAVIGATION
    )
    assert _category(_block("Collapse", "p")) is Category.NAVIGATION
    assert _category(_block("2comments", "p")) is Category.COMMENTS  # a count of comments, not `other`
    assert _category(_block("+1 866-435-5902", "p", link=True)) is Category.OTHER  # not a teaser's headline
    assert _category(_block("Quick view View Options", "div", link=True)) is Category.OTHER  # not related
    assert _category(_block("Get the Hindustan Times app!", "p", own=("content",))) is Category.PROMO


def test_a_tiles_name_in_a_figcaption_is_no_caption() -> None:
    tile = _block("BACON", "figcaption", ("figure", "a"), ("caption",), link=True)
    assert _category(tile) is Category.NAVIGATION
    assert _category(_block("James Lipman", "figcaption", ("main", "a"), link=True)) is Category.CAPTION  # a credit
    assert _category(_block("A heron at dawn", "figcaption", ("figure",), ("caption",))) is Category.CAPTION


def test_premium_and_prices_name_no_paywall_and_no_menu() -> None:
    assert _category(_block("Nike Vomero Premium", own=("content",))) is Category.OTHER  # a product, not a gate
    assert _category(_block("Premium Member", "dd")) is Category.OTHER  # a forum poster's badge
    assert _category(_block("Explore Britannica Premium!", "p")) is Category.PAYWALL
    assert _category(_block("$400 from Costco", "div", link=True)) is Category.OTHER  # was navigation


def test_a_run_of_bare_names_is_a_menu_drawn_without_links() -> None:
    def run(texts: list[str], tag: str = "p") -> list[Category]:
        blocks = [_block(t, tag, ("main", "article"), ("content",)) for t in texts]
        return [n.category for n in categories({40 + k: _ev(b) for k, b in enumerate(blocks)}).values()]

    sections = ["World News", "Cities", "Entertainment", "Sports", "Cricket"]  # held-out page 0397's menu
    assert run(sections) == [Category.NAVIGATION] * 5
    assert (
        run(["Ireland (€)", "Canada ($)", "Jersey (£)", "Latvija", "România (lei)"], "div") == [Category.NAVIGATION] * 5
    )
    assert run(["Tool", "Pros", "Cons", "Pricing"], "div") == [Category.OTHER] * 4  # a table's header row
    assert run(sections, "td") == [Category.OTHER] * 5
    assert run(["Joined", "Dec 19, 2005", "Messages", "653", "Reaction score"], "div")[1] is Category.OTHER


_Snippets = list[tuple[str, dict[str, str]]]  # an HTML snippet, and the category of each text it removes
_PARA = "<p>" + " ".join(["The trail shoe kept its grip on wet granite through a long descent."] * 5) + "</p>"
_NAMES = "".join(f"<p>{n}</p>" for n in ("World News", "Cities", "Entertainment", "Sports", "Cricket"))


# Each cause fixed for issue 20's item 6, and what the block was named before:
_FIRST_ROUND: _Snippets = [
    ("<div><span>Collapse</span></div>", {"Collapse": "navigation"}),  # other
    ("<div><button>Filter by Best Use</button></div>", {"Filter by Best Use": "navigation"}),  # other
    ("<div><span>2comments</span></div>", {"2comments": "comments"}),  # other
    ('<div><a href="tel:18664355902">+1 866-435-5902</a></div>', {"+1 866-435-5902": "other"}),  # related
    ('<div class="card"><a href="/p/1">Quick view</a></div>', {"Quick view": "other"}),  # navigation
    ('<div class="card"><a href="/p/2">$400 from Costco</a></div>', {"$400 from Costco": "other"}),  # navigation
    ("<div><p>Get the Outdoor Notes app!</p></div>", {"Get the Outdoor Notes app!": "promo"}),  # other
    ("<div><p>App of the month</p></div>", {"App of the month": "promo"}),  # other
    (
        '<a href="/c/bacon"><figure><img src="b.jpg"><figcaption>BACON</figcaption></figure></a>',
        {"BACON": "navigation"},
    ),
    ('<div class="product"><span>Nike Vomero Premium</span></div>', {"Nike Vomero Premium": "other"}),  # paywall
    (_NAMES, {"World News": "navigation", "Cricket": "navigation"}),  # other
    (
        '<form><div><label>Company Name</label><input type="text"></div><div><label>Email</label>'
        '<input type="email"></div><div><button>Send inquiry</button></div></form>',
        {"Company Name": "other", "Send inquiry": "other"},  # newsletter: a form that is no sign-up
    ),
]


# Second round (held-out 2 and the labelled set), and what the block was named before:
_SECOND_ROUND: _Snippets = [
    ('<div><a href="https://amzn.to/x">See price at Amazon</a></div>', {"See price at Amazon": "promo"}),  # related
    (
        '<ul><li><a href="https://drivenbuy.co.uk">Compare used car deals with DrivenBuy.co.uk</a></li></ul>',
        {"Compare used car deals with DrivenBuy.co.uk": "promo"},  # related
    ),
    ("<footer><ul><li>Code of conduct</li></ul></footer>", {"Code of conduct": "legal"}),  # navigation
    ("<div><span>Show graph</span></div>", {"Show graph": "navigation"}),  # other
    ('<div><a href="/review/x">Read the Review</a></div>', {"Read the Review": "related"}),  # navigation
    (
        '<div><a href="/x?avail=all">No, show products that may not be available to me.</a></div>',
        {"No, show products that may not be available to me.": "other"},  # related
    ),
    (  # an element named promo, also a heading's link
        '<div class="promo-card"><h3><a href="/p/desk">LAGKAPTEN Desk, white</a></h3></div>',
        {"LAGKAPTEN Desk, white": "promo"},  # related
    ),
    ("<form><div><table><caption>Cart</caption></table></div></form>", {"Cart": "navigation"}),  # other
    ("<form><div><span>Memory2</span></div><div><span>Storage4</span></div></form>", {"Memory2": "navigation"}),
    ('<div class="media"><a href="/img/1">Image</a></div>', {"Image": "other"}),  # navigation
    ('<nav><ul><li><a href="/demo">Demo</a></li></ul></nav>', {"Demo": "navigation"}),  # promo
    (  # an organisation's name in a menu's blurb, no legal notice
        "<nav><ul><li><p>Kansas Legal Services (KLS) is a statewide nonprofit organization dedicated to"
        " helping low-income Kansans.</p></li></ul></nav>",
        {
            "Kansas Legal Services (KLS) is a statewide nonprofit organization dedicated to"
            " helping low-income Kansans.": "navigation"
        },  # legal
    ),
]


# Third round (held-out 3, the labelled set and removals of unlabelled wcxb-dev pages), and what the
# block was named before:
_THIRD_ROUND: _Snippets = [
    (
        '<div class="card"><a href="/p/1#reviews">4.5 out of 5 stars (10)</a></div>',
        {"4.5 out of 5 stars (10)": "other"},  # related: a star rating is no teaser's headline
    ),
    ('<div class="card"><a href="/p/1">Quick Shop 4 colors</a></div>', {"Quick Shop 4 colors": "other"}),  # related
    (
        '<div><p><a href="mailto:team@example.com">team@example.com</a></p></div>',
        {"team@example.com": "other"},  # navigation: an e-mail address is contact furniture
    ),
    ('<div><a href="fax:18006218293">Fax (800) 621-8293</a></div>', {"Fax (800) 621-8293": "other"}),  # related
    ("<aside><h4>8:30am - 5pm</h4></aside>", {"8:30am - 5pm": "other"}),  # navigation: a sidebar's heading
    ("<aside><h4>Helena, MT 59602</h4></aside>", {"Helena, MT 59602": "other"}),  # navigation: no heading's name
    (
        '<ul><li><a href="/c?price=100-199">100 to 199 (1)</a></li></ul>',
        {"100 to 199 (1)": "navigation"},  # related: a filter's option and its count
    ),
    (
        '<ul><li><a href="/c/sit-on-top">Sit-On-Top Kayaks (12)</a></li></ul>',
        {"Sit-On-Top Kayaks (12)": "navigation"},  # related
    ),
    (
        '<footer><h4><a href="/links">Links</a></h4></footer>',
        {"Links": "navigation"},
    ),  # related: a footer's heading
    (  # a footer's row of links with one legal link in it is a menu (AliExpress, held-out 3)
        '<footer><dl><dd><a href="/h">Help Center</a>, <a href="/d">Disputes &amp; Reports</a>, '
        '<a href="/r">Return&amp;refund policy</a>, <a href="/i">Report IPR infringement</a>, '
        '<a href="/t">Transparency Center</a></dd></dl></footer>',
        {
            "Help Center, Disputes & Reports, Return&refund policy, Report IPR infringement, "
            "Transparency Center": "navigation"
        },  # legal
    ),
    (
        '<footer><p><a href="/p">Privacy Policy</a> | <a href="/t">Terms of Use</a> | '
        '<a href="/c">Cookies Settings</a> | <a href="/a">Accessibility</a></p></footer>',
        {"Privacy Policy | Terms of Use | Cookies Settings | Accessibility": "legal"},  # mostly legal: stays
    ),
    ('<div><a href="/author/jr">Author: Jessica Robinson</a></div>', {"Author: Jessica Robinson": "other"}),
    ('<div><a href="/people/hd">Text by Hunter Dukes</a></div>', {"Text by Hunter Dukes": "other"}),  # related
    ('<div><a href="/customers/acme">Read case study</a></div>', {"Read case study": "related"}),  # navigation
    ("<div><button>0 selected Reset</button></div>", {"0 selected Reset": "navigation"}),  # other
    ('<div class="modal"><button>×</button></div>', {"×": "navigation"}),  # other: a dialog's close
]


def test_a_run_of_links_named_by_their_length_is_one_list() -> None:
    def run(texts: list[str], containers: tuple[str, ...] = ("main", "li", "a")) -> list[Category]:
        blocks = [_block(t, "li", containers, link=True) for t in texts]
        return [n.category for n in categories({60 + k: _ev(b) for k, b in enumerate(blocks)}).values()]

    # a shop's category list (labelled page 4335): one long entry among short ones is the menu's too
    shop = ["Drawer Organizers", "Everything Organizer", "Clearance: Office & Gift Packaging", "Shop All Office"]
    assert run(shop) == [Category.NAVIGATION] * 4  # was related for the long one
    posts = ["Customer Development Engineering", "Greasemonkey compiler", "On deployment of the new release"]
    posts += ["Why startups fail early and often", "Notes on lean teams"]
    assert run(posts) == [Category.RELATED] * 5  # a blog's other posts: the short titles are teasers too
    assert run(shop[:2]) == [Category.NAVIGATION] * 2  # two links make no list: each by its length
    assert run(["About us", "Careers", "How we test our running shoes", "Why trail shoes matter"]) == [
        Category.NAVIGATION,
        Category.NAVIGATION,
        Category.RELATED,
        Category.RELATED,
    ]  # a tie: no change


def test_a_bylines_figcaption_is_no_caption() -> None:
    assert _category(_block("Written by Autumn Huerter", "figcaption", ("figure",))) is Category.OTHER
    assert _category(_block("Photo by Autumn Huerter", "figcaption", ("figure",))) is Category.CAPTION
    assert _category(_block("View Details", "h4", ("main", "a"), link=True)) is Category.OTHER  # a card's button


def test_a_rules_notice_of_the_pages_machinery_is_other() -> None:
    # the browser-notice rules (seven languages) and en.navigation.status-message: the guide's `other` (page 0066)
    notice = _block("You need to enable JavaScript to run this app.", "body")
    assert rule_category(Category.NAVIGATION, _ev(notice, rule="en.navigation.browser-notice")) == Named(
        Category.OTHER, "a notice of the page's machinery, no menu's"
    )
    assert _rule(Category.NAVIGATION, _block("Loading...", "h2"), rule="en.navigation.status-message") is (
        Category.OTHER
    )
    assert _rule(Category.NAVIGATION, _block("Menu Close", "div"), rule="en.navigation.menu-controls") is None
    html = (
        "<html><head><title>Trail shoes</title></head><body><div><p>Please enable JavaScript to view the site.</p>"
        f"</div><main><article><h1>Trail shoes</h1>{_PARA}{_PARA}</article></main></body></html>"
    )
    removed = cleaner.clean_html(html, "https://example.com/shoes").removed
    assert [(r.text, r.category) for r in removed] == [("Please enable JavaScript to view the site.", Category.OTHER)]
    assert removed[0].rule == "en.navigation.browser-notice"  # which rule dropped it is still said
    # ... in every language of the rules, as in English (the German one was named navigation)
    german = html.replace(
        "Please enable JavaScript to view the site.", "Bitte aktivieren Sie JavaScript in Ihrem Browser."
    )
    removed = cleaner.clean_html(german, "https://example.com/shoes").removed
    assert [(r.category, r.rule) for r in removed] == [(Category.OTHER, "de.navigation.browser-notice")]


# Fourth round (held-out 4 and 3, the labelled set), and what the block was named before:
_FOURTH_ROUND: _Snippets = [
    ("<ul><li>Bestselling</li><li>A-Z</li><li>Z-A</li></ul>", {"Bestselling\nA-Z\nZ-A": "navigation"}),  # other
    ('<div class="card"><a href="/2026/03/08">Mar 8</a></div>', {"Mar 8": "other"}),  # navigation: a date
    (
        "<div><p>Free 14-day trial. No credit card required.</p></div>",
        {"Free 14-day trial. No credit card required.": "promo"},  # other
    ),
    ("<footer><p>Powered by Bear</p></footer>", {"Powered by Bear": "promo"}),  # other: a platform's credit
    (
        '<div class="author-box"><a href="/people/jl">View Full Profile</a></div>',
        {"View Full Profile": "other"},  # navigation: an author box's link
    ),
    (  # a list of other posts in an element named nav: its headlines are teasers
        '<div class="post-nav"><h4><a href="/blog/reengagement">The Evolution of Reengagement Email Campaigns: '
        "A Smarter Approach</a></h4></div>",
        {"The Evolution of Reengagement Email Campaigns: A Smarter Approach": "related"},  # navigation
    ),
    (  # a footer menu's link in an element named cookie is the menu's
        '<footer><nav><ul class="cookie-links"><li><a href="/help">Accessibility Help</a></li>'
        '<li><a href="/rss">RSS Feeds</a></li></ul></nav></footer>',
        {"Accessibility Help\nRSS Feeds": "navigation"},  # legal
    ),
    (  # a share-by-e-mail form's privacy note is the share widget's
        '<div class="share-by-email"><form><input type="email"><p>We respect your privacy. All email addresses '
        "you provide will be used just for sending this story.</p></form></div>",
        {
            "We respect your privacy. All email addresses you provide will be used just for sending this"
            " story.": "promo"
        },  # newsletter
    ),
]


# Fifth round (held-out 5, tuned on from this round, and held-out 6 after its first measurement), and
# what the block was named before:
_FIFTH_ROUND: _Snippets = [
    (  # a phone number with its area code in brackets and dots, a tel: link among others
        '<div><a href="tel:6156821622">(615) 682 . 1622</a></div>',
        {"(615) 682 . 1622": "other"},  # related
    ),
    ('<div><p><a href="tel:918529003873">India+91-8529003873</a></p></div>', {"India+91-8529003873": "other"}),
    (  # a street address in a header's top bar
        '<header><ul><li><a href="https://maps.example.com/x">1049 W Philadelphia St, Ontario, CA, 91762</a></li>'
        "</ul></header>",
        {"1049 W Philadelphia St, Ontario, CA, 91762": "other"},  # navigation
    ),
    (  # a breadcrumb written out as text
        "<div><p>miod &gt; software &gt; OpenBSD &gt; stories &gt; The scariest boot loader code</p></div>",
        {"miod > software > OpenBSD > stories > The scariest boot loader code": "navigation"},  # other
    ),
    ("<div><div>Filters</div></div>", {"Filters": "navigation"}),  # other: a filter's label
    (
        "<div><p>Displaying 1 - 15 of 190 news articles related to this topic.</p></div>",
        {"Displaying 1 - 15 of 190 news articles related to this topic.": "navigation"},  # other
    ),
    ("<div><p>4,000,000 satisfied customers</p></div>", {"4,000,000 satisfied customers": "promo"}),  # other
    ('<div><a href="/recipe/1#comments">Rate + Comment</a></div>', {"Rate + Comment": "comments"}),  # navigation
    (
        "<div><p>Rated 5 out of 5 by Martin from QuietComfort 35 Amazing headphones</p></div>",
        {"Rated 5 out of 5 by Martin from QuietComfort 35 Amazing headphones": "comments"},  # other (other.rating)
    ),
]


@pytest.mark.parametrize(
    ("snippet", "expected"), [*_FIRST_ROUND, *_SECOND_ROUND, *_THIRD_ROUND, *_FOURTH_ROUND, *_FIFTH_ROUND]
)
def test_a_removed_html_snippet_carries_its_category(snippet: str, expected: dict[str, str]) -> None:
    assert _removed_categories(snippet, expected) == expected


def _named(blocks: list[dom.DomBlock], start: int = 80) -> list[Category]:
    return [n.category for n in categories({start + k: _ev(b) for k, b in enumerate(blocks)}).values()]


def test_a_short_label_above_a_menu_is_the_menus() -> None:
    menu = _block("Abu Dhabi|Canada|Florida|London", "div", ("header", "a"), ("nav",), link=True)
    label = _block("Locations:", "div", ("header",), ("header",))
    assert _named([label, menu]) == [Category.NAVIGATION, Category.NAVIGATION]  # was other
    assert _named([_block("Tags", "p", ("main",)), _block("GitHub Actions", "nav", ("nav",), link=True)])[0] is (
        Category.NAVIGATION
    )
    assert _named([label])[0] is Category.OTHER  # no menu below it
    crumb = _block("miod > software > OpenBSD > stories > The scariest boot loader code", "div")
    assert _named([_block("OpenBSD stories", "div"), crumb]) == [Category.NAVIGATION] * 2  # was other, navigation
    assert _named([_block("OpenBSD stories", "div"), _block("The scariest boot loader code", "h1")])[0] is (
        Category.OTHER
    )
    byline = _block("Julie Bausch Lent", "h4", ("main",))
    assert _named([byline, _block("Julie is the managing editor of the site and writes on cars.", "p")])[0] is (
        Category.OTHER
    )


def test_a_run_of_bare_names_takes_a_longer_name_in_it() -> None:
    names = ["Balance Beams", "Barbells and Plates", "Bicycle Basket", "Core and Abdominal Trainers"]
    names += ["Dumbbells", "Electric Massagers", "Exercise Mats and Flooring"]
    blocks = [_block(t, "li", ("header", "form", "li"), ("hidden",)) for t in names]
    assert _named(blocks) == [Category.NAVIGATION] * 7  # was other: the 4-word names cut the run short
    features = ["Remote arming and disarming", "Smart door lock control", "Video doorbell recording live"]
    features += ["Motion sensor alerts", "Glass break detection"]
    blocks = [_block(t, "p", ("main",)) for t in features]
    assert _named(blocks) == [Category.OTHER] * 5  # mostly longer than a name: no menu


def test_a_teasers_furniture_among_teasers_is_related() -> None:
    def teaser(t: str) -> dom.DomBlock:
        return _block(t, "h4", ("article", "a"), link=True)

    run = [teaser("At 16, Dirt Candy's Legacy Is a True Team Effort"), _block("By Luke Fortney", "p", ("article",))]
    run += [_block("5 min read", "p", ("article",)), teaser("César's Approach to the Perfect Progression Won It")]
    assert _named(run) == [Category.RELATED] * 4  # the byline and reading time were other
    own = [_block("Trail shoes we tested this spring", "h1"), _block("By Luke Fortney", "p", ("article",))]
    assert _named(own)[1] is Category.OTHER  # the page's own byline under its headline
    tags = [teaser("How to sleep-train a toddler in a week"), _block("Bedtime", "div", ("main",), link=True)]
    tags.append(_block("Toddlers & Kids", "div", ("main",), link=True))
    assert _named(tags)[1:] == [Category.NAVIGATION] * 2  # an article's tags, no date among them: a menu's


def test_a_heading_over_a_read_more_link_is_a_teaser() -> None:
    heading = _block("Purple Mattress Review", "h1", own=("aside",))
    summary = _block("where we are all about helping you find the perfect bed", "div", ("main",))
    more = _block("Read More..", "div", ("main", "a"), link=True)
    assert _named([heading, summary, more]) == [Category.RELATED] * 3  # the heading was a sidebar's (navigation)
    assert _named([heading, summary])[0] is Category.NAVIGATION  # no Read more: a sidebar's heading


def test_card_details_comment_stamps_and_a_sign_up_boxs_gate_words() -> None:
    assert _category(_block("Women's", "dd", ("main", "li", "a"), link=True)) is Category.OTHER  # was navigation
    stamp = _block("Posted by: John at December 18, 2025 05:48 PM", "div", own=("comments",))
    assert _category(stamp) is Category.COMMENTS  # was other (other.byline): a comment's furniture
    assert _category(_block("March 8, 2021", "div", own=("comments",))) is Category.COMMENTS
    # en.newsletter.* on Substack's "Subscribe now" in a sign-up box: the gate's words, but no gate's markup
    button = _block("Subscribe now", "p", ("article",), ("newsletter",), link=True)
    assert _rule(Category.NEWSLETTER, button) is None  # was paywall
    assert _rule(Category.NEWSLETTER, _block("Subscribe now", "p", ("article",), ("paywall",), link=True)) is (
        Category.PAYWALL
    )
    # a site's name heading its menu in an element named nav still is the menu's, not a repeated headline
    name = _block("Budget Travel With Gabby", "h1", own=("nav",), link=True)
    assert _category(name, "Budget Travel With Gabby") is Category.NAVIGATION


def test_an_e_mail_forms_block_is_a_sign_up_unless_its_markup_names_a_comment() -> None:
    # held-out 5's comment form ("{} [+]"), with an e-mail field
    def form(text: str, ancestors: tuple[str, ...]) -> dom.DomBlock:
        return dataclasses.replace(_block(text, "div", ("form",), ancestors=ancestors), email_form=True)

    assert _category(form("{} [+]", ("comments", "content"))) is Category.COMMENTS  # was newsletter
    assert _category(form("Sign me up", ("newsletter", "comments"))) is Category.NEWSLETTER  # a sign-up box still
    assert _category(form("Get Discount Coupon", ("login",))) is Category.NEWSLETTER  # a coupon's pop-up (held-out 5)


def test_a_run_of_loading_notices_is_no_menu() -> None:
    # held-out 6's "[ LOADING]" placeholders, one a card: a run of bare names, so a menu, before
    blocks = [_block("[ LOADING]", "div", ("main",)) for _ in range(6)]
    assert _named(blocks) == [Category.OTHER] * 6  # was navigation
    assert (
        _named([_block(t, "div", ("main",)) for t in ("News", "Sport", "Weather", "Travel", "Food")])
        == [Category.NAVIGATION] * 5
    )  # a menu drawn without links still is


def test_a_rules_product_button_outside_a_menu_is_other() -> None:
    # en.navigation.shop-buttons on a product card's "Add to cart" (held-out 6): the guide's shop furniture
    assert _rule(Category.NAVIGATION, _block("Add to cart", "div", ("main",))) is Category.OTHER  # was navigation
    assert _rule(Category.NAVIGATION, _block("Your cart", "li", ("nav", "li"), link=True)) is None


def _removed_categories(snippet: str, expected: dict[str, str]) -> dict[str, str | None]:
    html = (
        "<html><head><title>Trail shoes we tested this spring | Outdoor Notes</title></head><body>"
        '<header><nav><ul><li><a href="/news">News</a></li><li><a href="/gear">Gear</a></li></ul></nav></header>'
        f"<main><article><h1>Trail shoes we tested this spring</h1>{_PARA}{_PARA}</article></main>"
        f"<div>{snippet}</div><footer><p>© 2026 Outdoor Notes</p></footer></body></html>"
    )
    removed = {r.text: r.category.value for r in cleaner.clean_html(html, "https://example.com/gear/shoes").removed}
    return {text: removed.get(text) for text in expected}


def _rule(category: Category, block: dom.DomBlock, title: str | None = None, rule: str = "") -> Category | None:
    named = rule_category(category, _ev(block, title, rule))
    return None if named is None else named.category


def test_a_rules_drop_is_shown_as_its_block_is() -> None:
    title = "Trail shoes we tested this spring | Outdoor Notes"
    menu = _block("Newsletters", "li", ("nav", "li"), ("nav",), link=True)
    assert _rule(Category.NEWSLETTER, menu) is Category.NAVIGATION  # en.newsletter.newsletter-label
    assert _rule(Category.RELATED, _block("Latest News", "li", ("nav", "li"), link=True)) is Category.NAVIGATION
    # structure.repeated-line: a product's name under its image repeats no headline
    assert (
        _rule(Category.DUPLICATE_HEADLINE, _block("Nike Streakfly 2 Glam", "div", ("figure",)), title) is Category.OTHER
    )
    crumb = _block("Trail shoes we tested this spring", "li", ("nav", "li"), link=True)
    assert _rule(Category.DUPLICATE_HEADLINE, crumb, title) is Category.NAVIGATION
    assert _rule(Category.DUPLICATE_HEADLINE, _block("Trail shoes we tested this spring", "h2"), title) is None
    shop = _block("Shop Now!", "div", ("main",), link=True)
    assert _rule(Category.NAVIGATION, shop) is Category.PROMO  # en.navigation.shop-buttons under a product
    assert _rule(Category.NAVIGATION, _block("Shop Now!", "li", ("nav", "li"), link=True)) is None
    assert _rule(Category.LEGAL, _block("Privacy Policy", "li", ("nav", "li"), link=True)) is None


def test_a_rules_paywall_call_to_action_without_a_gate_is_promo() -> None:
    # en.paywall.free-trial / become-member on a service's or an association's page: promo (the guide)
    trial = _block("Start Free Trial", "div", ("main", "a"), ("content",), link=True)
    assert _rule(Category.PAYWALL, trial) is Category.PROMO
    member = _block("Become a Member", "li", ("nav", "li"), ("nav",), link=True)
    assert _rule(Category.PAYWALL, member) is Category.PROMO  # in a menu too: not the menu's navigation
    # ... and the publisher's gate stays paywall: inside an element named login, paywall or newsletter
    gate = _block("Become a Member", "div", (), (), ancestors=("login",), link=True)
    assert _rule(Category.PAYWALL, gate) is None
    assert _rule(Category.PAYWALL, _block("Subscriptions", "li", ("nav", "li"), link=True)) is Category.NAVIGATION


def test_a_rules_newsletter_or_related_line_with_a_gates_words_in_a_gate_is_paywall() -> None:
    more = _block("Continue reading", "p", (), ("newsletter", "login"), link=True)
    assert _rule(Category.RELATED, more) is Category.PAYWALL  # en.related.read-more-link under a cut-off article
    access = _block("Subscribe to get access", "h3", ("main", "article"), ("paywall",))
    assert _rule(Category.NEWSLETTER, access) is Category.PAYWALL  # en.newsletter.subscribe-to-name
    assert _rule(Category.RELATED, _block("Continue reading", "p", ("main",), link=True)) is None  # no gate


def test_html_mode_shows_and_switches_off_a_rules_drop_under_its_blocks_category() -> None:
    para = "<p>" + " ".join(["The trail shoe kept its grip on wet granite through a long descent."] * 4) + "</p>"
    html = (
        "<html><head><title>Trail shoes we tested this spring | Outdoor Notes</title></head><body>"
        '<nav><ul><li><a href="/news">News</a></li><li><a href="/newsletters">Newsletters</a></li>'
        '<li><a href="/gear">Gear</a></li></ul></nav><main><article><h1>Trail shoes we tested this spring</h1>'
        f'{para}{para}<div class="product"><a href="/shop/vomero">Shop Now!</a></div>{para}'
        "</article></main></body></html>"
    )
    url = "https://example.com/gear/trail-shoes"
    shown = {r.text: r for r in cleaner.clean_html(html, url).removed}
    assert shown["Newsletters"].category is Category.NAVIGATION  # the rule says newsletter
    assert shown["Newsletters"].rule == "en.newsletter.newsletter-label"
    assert shown["Shop Now!"].category is Category.PROMO  # the rule says navigation
    assert shown["Shop Now!"].reason.endswith("Shown as promo: its words (promo.share-ads).")
    off = cleaner.clean_html(html, url, disabled={"promo"})
    assert "Shop Now!" in off.text.splitlines() and "Newsletters" not in off.text
    text = "The trail shoe kept its grip on wet granite through a long descent. " * 4
    as_text = cleaner.clean(f"{text}\n\nShop Now!\n\n{text}").removed  # text mode has no markup: the rule's own
    assert [(r.text, r.category) for r in as_text] == [("Shop Now!", Category.NAVIGATION)]


def test_other_is_a_category_users_switch_off(tmp_path: Path) -> None:
    assert CleanerConfig(disabled=frozenset({"other"})).disabled == frozenset({Category.OTHER})
    conf = tmp_path / "c.toml"
    conf.write_text('disabled = ["other"]\n', encoding="utf-8")
    page = tmp_path / "p.html"
    page.write_text("<html><body><p>x</p></body></html>", encoding="utf-8")
    result = CliRunner().invoke(app, ["clean", str(page), "-o", str(tmp_path / "out"), "--disable", "other"])
    assert result.exit_code == 0, result.output
    assert "other" in CliRunner().invoke(app, ["clean", "--help"]).output


needs_data = pytest.mark.skipif(
    not DATA.is_dir(), reason=f"the agreement test needs the WCXB dev set at {DATA} (../shared beside the repo)"
)


@needs_data
def test_categories_agree_with_the_labelled_blocks() -> None:
    cases = load_cases(CASES / "html_categories.jsonl")
    assert len(cases) >= 270 and all(sum(c.category == k.value for c in cases) >= 30 for k in Category)
    found = measure(cases, DATA)
    assert len(found.kept) <= len(cases) // 10, "most labelled blocks must still be removed for this to measure"
    assert found.share >= AGREEMENT_MIN, found.table()


@needs_data
@pytest.mark.parametrize(("name", "most_kept", "minimum"), HELD_OUT, ids=[h[0] for h in HELD_OUT])
def test_categories_agree_with_held_out_blocks(name: str, most_kept: int, minimum: float) -> None:
    found = measure(load_cases(CASES / name), DATA)
    assert len(found.kept) <= most_kept
    assert found.share >= minimum, found.table()


@needs_data
def test_switching_other_off_keeps_those_blocks() -> None:
    case = next(c for c in load_cases(CASES / "html_categories.jsonl") if c.category == "other" and c.page == "4449")
    from cleaner.evaluation.datasets import load_pages

    page = next(load_pages(DATA, ids=[case.page]))
    on = cleaner.clean_html(page.html_bytes, page.url)
    off = cleaner.clean_html(page.html_bytes, page.url, disabled={"other"})
    assert any(r.category is Category.OTHER for r in on.removed)
    assert all(r.reason.endswith(".") and "Other: " in r.reason for r in on.removed if r.category is Category.OTHER)
    assert not any(r.category is Category.OTHER for r in off.removed)
    assert len(off.text) > len(on.text)


def test_the_categories_bench_never_overwrites_an_earlier_results_file(tmp_path: Path) -> None:
    import importlib.util

    bench_file = CASES.parent.parent / "bench" / "html_categories.py"
    spec = importlib.util.spec_from_file_location("html_categories_bench", bench_file)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.unused(tmp_path, "d-html-categories") == tmp_path / "d-html-categories.md"
    (tmp_path / "d-html-categories.md").write_text("round 1", encoding="utf-8")
    (tmp_path / "d-html-categories-2.md").write_text("round 2", encoding="utf-8")
    assert bench.unused(tmp_path, "d-html-categories") == tmp_path / "d-html-categories-3.md"
