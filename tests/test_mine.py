"""cleaner.learn.mine on small synthetic pages: units, counts, precision, domains, determinism."""

from __future__ import annotations

import random
import tomllib

from cleaner.learn.mine import (
    Candidate,
    Kind,
    MineConfig,
    PageTexts,
    Unit,
    domain_of,
    half_of,
    mine,
    page_units,
    to_toml,
    unit_keys,
)

PROSE = (
    "The harbour master said on Tuesday that the ferries would leave at dawn once the storm "
    "had passed over the bay and the pilots were back on duty."
)
SECOND = "Fishermen on the quay had waited three days for the weather to change, and most of them stayed home."
TRUTH = f"{PROSE}\n{SECOND}"
DOMAINS = [f"site{i}.example" for i in range(12)]
CONFIG = MineConfig(min_precision=0.9, min_domains=10)


def page(i: int, domain: str, truth: str = TRUTH, extra: str = "") -> PageTexts:
    """Trafilatura keeps the article and the comment prompt; the whole page adds chrome."""
    trafilatura = f"{PROSE}\n{SECOND}\nLeave a comment"
    recall = f"{PROSE}\n{SECOND}\nLeave a comment:"  # the same line once normalised
    html_text = f"Skip to content\nShopno{i}\n{PROSE}\n{SECOND}\nLeave a comment\nLeave a comment\n{extra}"
    return PageTexts(f"{i:04d}", domain, truth, (trafilatura, recall, html_text))


def corpus() -> list[PageTexts]:
    pages = [page(i, d) for i, d in enumerate(DOMAINS)]
    # One page whose main text itself has the line: there it is article, not boilerplate.
    pages.append(page(99, "quotes.example", truth=f"{TRUTH}\nLeave a comment"))
    return pages


def by_key(cands: list[Candidate]) -> dict[tuple[Kind, str], Candidate]:
    return {(c.kind, c.text): c for c in cands}


# -- units ---------------------------------------------------------------------------------------


def test_domain_is_the_host_without_www() -> None:
    assert domain_of("https://www.Example.com/a/b?c=1") == "example.com"
    assert domain_of("http://news.example.org") == "news.example.org"
    assert domain_of(None) == ""


def test_half_is_stable_and_uses_both_halves() -> None:
    assert half_of("site3.example") == half_of("site3.example")
    assert {half_of(d) for d in DOMAINS} == {0, 1}


def test_a_line_is_one_unit_per_page_whatever_the_sources_and_repeats() -> None:
    units = {u.norm: u for u in page_units(page(0, "site0.example"))}
    comment = units["leave a comment"]
    assert comment.boiler
    assert comment.sources == 0b111  # seen in all three sources, counted once
    assert units["skip to content"].sources == 0b100  # only the whole-page text has it
    assert not units[PROSE.lower().rstrip(".")].boiler
    assert len(units) == 5  # skip link, shop line, two article lines, comment prompt


def test_ambiguous_and_wordless_lines_are_left_out() -> None:
    truth = f"{PROSE}\nShare"
    texts = (f"{PROSE}\n* * *\nShare the harbour master's warning with your neighbours, please, today",)
    units = page_units(PageTexts("1", "a.example", truth, texts))
    # '* * *' has no words; the half-quoted line shares some 4-grams with nothing: boilerplate.
    assert [u.norm for u in units] == [
        PROSE.lower().rstrip("."),
        "share the harbour master's warning with your neighbours, please, today",
    ]
    half = "The harbour master said on Tuesday that the ferries would leave at noon instead of dawn, sadly"
    units = page_units(PageTexts("1", "a.example", truth, (half,)))
    assert units == []  # partly the article, partly not: ambiguous


def test_keys_of_a_short_line() -> None:
    unit = Unit("a.example", "share on x", "Share on X", 3, True, 1, False)
    keys = unit_keys(unit, MineConfig(max_n=2))
    assert (Kind.LINE, "share on x") in keys
    assert {t for k, t in keys if k is Kind.PREFIX} == {"share", "share on"}
    assert {t for k, t in keys if k is Kind.NGRAM} == {"share", "on", "x", "share on", "on x"}


def test_a_long_line_counts_only_as_a_whole_line() -> None:
    unit = Unit("a.example", PROSE.lower(), PROSE, 27, False, 1, False)
    assert unit_keys(unit, MineConfig(max_words=20)) == {(Kind.LINE, PROSE.lower())}


# -- counts, precision, domains ------------------------------------------------------------------


def test_counts_precision_and_domains() -> None:
    result = mine(corpus(), CONFIG)
    assert result.pages == 13 and result.domains == 13
    cand = by_key(result.candidates)[(Kind.NGRAM, "leave")]
    assert (cand.total.boiler, cand.total.article) == (12, 1)  # not 36 or 48: one per page
    assert cand.total.precision == 12 / 13
    assert cand.total.domains == 12  # the page that quotes it is no boilerplate domain
    assert cand.by_source == (12, 12, 12)
    assert cand.halves[0].boiler + cand.halves[1].boiler == 12
    assert cand.halves[0].domains + cand.halves[1].domains == 12
    assert cand.examples == ("Leave a comment", "Leave a comment")


def test_site_specific_and_imprecise_keys_are_not_candidates() -> None:
    texts = {c.text for c in mine(corpus(), CONFIG).candidates}
    assert not any(t.startswith("shopno") for t in texts)  # one domain each
    assert "harbour" not in texts  # article words
    strict = mine(corpus(), MineConfig(min_precision=0.95, min_domains=10))
    assert "leave" not in {c.text for c in strict.candidates}  # 12 / 13 < 0.95


def test_too_few_domains_is_no_candidate() -> None:
    assert mine(corpus(), MineConfig(min_precision=0.9, min_domains=14)).candidates == []


def test_keys_contained_in_a_shorter_equally_precise_one_are_pruned() -> None:
    keys = by_key(mine(corpus(), CONFIG).candidates)
    assert (Kind.NGRAM, "leave") in keys
    assert (Kind.NGRAM, "leave a comment") not in keys
    assert (Kind.PREFIX, "leave") not in keys  # the ngram of the same text is broader
    assert (Kind.LINE, "leave a comment") not in keys


def test_lines_the_rules_already_remove_are_not_candidates() -> None:
    covered = mine(corpus(), CONFIG, covered=lambda norm, words: norm == "skip to content")
    texts = {c.text for c in covered.candidates}
    assert "skip" not in texts and "leave" in texts
    uncovered = {c.text for c in mine(corpus(), CONFIG).candidates}
    assert "skip" in uncovered


def test_article_words_in_long_lines_are_reported_apart() -> None:
    long_line = (
        "Leave a comment below if you saw the ferries leave the harbour on Tuesday, the harbour "
        "master told readers of the weekly paper."
    )
    quoting = PageTexts("0100", "long.example", f"{TRUTH}\n{long_line}", (long_line,))
    cand = by_key(mine([*corpus(), quoting], CONFIG).candidates)[(Kind.NGRAM, "leave")]
    assert cand.article_long == 14  # PROSE on 13 pages, the quoting line once (it has the word twice)
    assert cand.total.article == 1  # a long line is not what a short rule sees


def test_generalisation_is_reported_per_half() -> None:
    result = mine(corpus(), CONFIG)
    assert set(result.generalisation) == {"a", "b"}
    for g in result.generalisation.values():
        assert g.selected >= g.supported >= g.precise


# -- the file ------------------------------------------------------------------------------------


def test_candidates_file_is_valid_toml_with_the_counts() -> None:
    data = tomllib.loads(to_toml(mine(corpus(), CONFIG), "test data"))
    assert data["summary"]["pages"] == 13
    leave = next(c for c in data["candidate"] if c["text"] == "leave")
    assert leave["kind"] == "ngram"
    assert (leave["boiler"], leave["article"], leave["domains"]) == (12, 1, 12)
    assert leave["precision"] == 0.923
    assert leave["by_source"] == {"trafilatura": 12, "trafilatura_recall": 12, "html_text": 12}
    assert leave["halves"]["a"]["boiler"] + leave["halves"]["b"]["boiler"] == 12


def test_same_input_gives_identical_bytes_whatever_the_page_order() -> None:
    pages = corpus()
    first = to_toml(mine(pages, CONFIG)).encode()
    assert to_toml(mine(pages, CONFIG)).encode() == first
    shuffled = pages[:]
    random.Random(7).shuffle(shuffled)
    assert to_toml(mine(shuffled, CONFIG)).encode() == first
