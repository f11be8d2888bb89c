"""Per-site templates: counting, learning, the rules file, the pipeline hook and the CLI."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

import cleaner
from cleaner import io as cio
from cleaner.cli import app
from cleaner.config import CleanerConfig, ConfigError
from cleaner.pipeline import for_document
from cleaner.segment import segment
from cleaner.sites import (
    SiteCounts,
    SiteRules,
    SitesError,
    count_sites,
    host_of,
    host_of_folder,
    learn_sites,
    load_sites,
    loads_sites,
    site_decisions,
)
from cleaner.types import Category, Stage, Strength
from tests.samples import P1, P2, P3
from tests.test_properties import ARTICLE, BOILERPLATE, ODD

# Template wording no phrase rule knows (checked below): only the site templates can take it.
MENU = ["Kitchen Gadgets", "Garden Tools", "Borneo Field Notes Weekly"]
FOOTER = ["Frog Desk, 12 Canopy Road, Kuching"]
ARTICLES = [
    P1,
    P2,
    P3,
    "A second team counted the eggs in every pool along the river and found far more of them than in any "
    "earlier survey of the region.",
    "Local guides say the frogs were always there, and that the songs at dusk were simply never written down "
    "by anyone who studied the forest.",
]
PROSE_TEMPLATE = (
    "This article was produced with the support of the Borneo Research Fund, which had no say in its content."
)


def page(i: int, *, menu: bool = True) -> str:
    head = MENU if menu else []
    return "\n".join([*head, f"Field note number {i}", "", ARTICLES[i % len(ARTICLES)], "", *FOOTER, ""])


def counts_of(docs: list[tuple[str, str]]) -> SiteCounts:
    return count_sites(docs)


# -- hosts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://www.Example.com/a/b?c=1", "example.com"),
        ("http://news.example.com:8080/x", "news.example.com"),
        ("https://user:pw@WWW.example.org", "example.org"),
        ("example.com/no-scheme", None),
        ("", None),
        (None, None),
        ("http://[::1/broken", None),
    ],
)
def test_host_of(url: str | None, host: str | None) -> None:
    assert host_of(url) == host


def test_host_of_folder_uses_the_parent_folder_name(tmp_path: Path) -> None:
    assert host_of_folder(tmp_path / "www.Example.com" / "page.txt") == "example.com"


# -- counting and merging ----------------------------------------------------------------------


def test_a_line_counts_once_per_document_and_prose_is_not_counted() -> None:
    counts = SiteCounts()
    counts.add("example.com", "Garden Tools\nGarden tools\n  GARDEN   TOOLS  \n" + P1 + "\n}\n---\n")
    counts.add("example.com", "Garden Tools\n")
    assert counts.docs("example.com") == 2
    assert counts.as_dict()["example.com"]["lines"] == {"garden tools": 2}


def test_merge_is_independent_of_order_and_grouping() -> None:
    docs = [("example.com", page(i)) for i in range(6)] + [("other.org", page(i, menu=False)) for i in range(3)]
    whole = counts_of(docs)
    for seed in range(5):
        rng = random.Random(seed)
        shuffled = docs[:]
        rng.shuffle(shuffled)
        cut = rng.randrange(1, len(shuffled))
        left, right = counts_of(shuffled[:cut]), counts_of(shuffled[cut:])
        assert left.merge(right) == whole
        assert right.merge(left) == whole
        assert learn_sites(left.merge(right), min_docs=2).dumps() == learn_sites(whole, min_docs=2).dumps()
    a, b, c = counts_of(docs[:2]), counts_of(docs[2:5]), counts_of(docs[5:])
    assert a.merge(b).merge(c) == a.merge(b.merge(c))


def test_merge_changes_neither_part() -> None:
    a, b = counts_of([("example.com", page(0))]), counts_of([("example.com", page(1))])
    before = (a.as_dict(), b.as_dict())
    a.merge(b)
    assert (a.as_dict(), b.as_dict()) == before


def test_merged_example_wording_does_not_depend_on_order() -> None:
    one, two = SiteCounts(), SiteCounts()
    one.add("example.com", "Garden Tools")
    two.add("example.com", "GARDEN TOOLS")
    assert list(one.merge(two).lines("example.com")) == list(two.merge(one).lines("example.com"))


# -- learning ----------------------------------------------------------------------------------


def test_thresholds() -> None:
    # 10 pages: "garden tools" on all, "kitchen gadgets" on 5, "rare line" on 2.
    docs = []
    for i in range(10):
        lines = ["Garden Tools"] + (["Kitchen Gadgets"] if i < 5 else []) + (["Rare line"] if i < 2 else [])
        docs.append(("example.com", "\n".join(lines)))
    counts = counts_of(docs)

    def kept(**kw: object) -> set[str]:
        rules = learn_sites(counts, **kw)  # type: ignore[arg-type]
        template = rules.template("example.com")
        return {line.text for line in template.lines} if template else set()

    assert kept(min_docs=2, min_share=0.5) == {"garden tools", "kitchen gadgets"}
    assert kept(min_docs=2, min_share=0.51) == {"garden tools"}
    assert kept(min_docs=2, min_share=0.2) == {"garden tools", "kitchen gadgets", "rare line"}
    assert kept(min_docs=3, min_share=0.1) == {"garden tools", "kitchen gadgets"}
    assert kept(min_docs=11, min_share=0.1) == set()  # the host has fewer pages than min_docs


def test_article_like_lines_are_never_kept() -> None:
    docs = [("example.com", f"Garden Tools\n{PROSE_TEMPLATE}\n{P1}\n") for _ in range(20)]
    rules = learn_sites(counts_of(docs), min_docs=2, min_share=0.1)
    template = rules.template("example.com")
    assert template is not None
    assert [line.text for line in template.lines] == ["garden tools"]


def test_learn_rejects_bad_settings() -> None:
    with pytest.raises(ValueError, match="min_docs"):
        learn_sites(SiteCounts(), min_docs=0)
    with pytest.raises(ValueError, match="min_share"):
        learn_sites(SiteCounts(), min_share=0.0)


# -- the file ----------------------------------------------------------------------------------


def learned() -> SiteRules:
    docs = [("example.com", page(i)) for i in range(5)] + [
        ("weird.org", 'Quote " and \\ back\tslash\n') for _ in range(3)
    ]
    return learn_sites(counts_of(docs))


def test_toml_round_trip_and_determinism(tmp_path: Path) -> None:
    rules = learned()
    assert rules.template("example.com") is not None
    text = rules.dumps()
    assert text.startswith("#")
    assert "min_docs = 3" in text and '[sites."example.com"]' in text
    path = tmp_path / "sites.toml"
    path.write_text(text, encoding="utf-8")
    again = load_sites(path)
    assert again == rules
    assert again.dumps() == text
    assert learn_sites(counts_of([("weird.org", 'Quote " and \\ back\tslash') for _ in range(3)])).line(
        "weird.org", 'quote " and \\ back slash'
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("sites = [", "invalid TOML"),
        ('sites = "x"', "'sites' must be a table"),
        ('[sites."a.com"]\ndocs = 0\nlines = []', "docs must be a whole number"),
        ('[sites."a.com"]\ndocs = 2\nlines = [{ text = "home", docs = 3 }]', "more than the host's 2 documents"),
        ('[sites."a.com"]\ndocs = 2\nlines = [{ txt = "home" }]', "lines[0] must be"),
        ('[sites."a.com"]\ndocs = 2\nlines = [{ text = "---" }]', "empty once normalised"),
        ('[sites."a.com"]\ndocs = 2\ncolour = 1', "unknown key(s) colour"),
        ("version = 7", "unknown format version 7"),
        ("min_share = 2.0", "min_share must be"),
        ('[sites."www.a.com"]\ndocs = 1\n[sites."a.com"]\ndocs = 1', "are the same host"),
        # Issue 21, item 9: a RecursionError from tomllib, and a key that was silently ignored.
        ("x = " + "[" * 100_000 + "]" * 100_000, "invalid TOML: nested too deeply"),
        ('[sites."a.com"]\ndocs = 2\nlines = [{ text = "home", dcos = 1 }]', "lines[0]: unknown key(s) dcos"),
    ],
)
def test_broken_files_name_the_file_and_the_problem(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SitesError) as info:
        load_sites(path)
    assert str(path) in str(info.value)
    assert problem in str(info.value)


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"missing\.toml: cannot read"):
        CleanerConfig(sites=tmp_path / "missing.toml")


def test_hand_written_lines_are_normalised_on_load() -> None:
    rules = loads_sites('[sites."www.Example.com"]\ndocs = 4\nlines = [{ text = "  Garden   TOOLS »" }]')
    line = rules.line("example.com", "garden tools")
    assert line is not None and line.docs == 4


# -- decisions and the pipeline ----------------------------------------------------------------


def test_site_decisions_ids_and_reasons() -> None:
    rules = learned()
    blocks = segment(page(9))
    found = site_decisions(blocks, rules, "example.com")
    assert {blocks[i].text for i in found} == {*MENU, *FOOTER}
    for d in found.values():
        assert d.rule == "site:example.com"
        assert d.stage is Stage.ANNOTATE and d.strength is Strength.WEAK
        assert d.category is Category.NAVIGATION
        assert d.reason == "appears on 5 of 5 pages of example.com (site template)"
    assert site_decisions(blocks, rules, "other.org") == {}
    assert site_decisions(blocks, rules, None) == {}


def test_template_lines_survive_without_sites() -> None:
    """The premise of the tests below: no phrase rule knows the template's wording."""
    assert cleaner.clean(page(9)).text == page(9)


def test_clean_with_sites_uses_the_url_host() -> None:
    config = CleanerConfig(sites=learned())
    res = cleaner.clean(page(9), config, url="https://www.example.com/frogs")
    assert not any(line in res.text.split("\n") for line in [*MENU, *FOOTER])
    assert ARTICLES[9 % len(ARTICLES)] in res.text
    assert {r.rule for r in res.removed} == {"site:example.com"}
    assert cleaner.clean(page(9), config, url="https://other.org/frogs").text == page(9)
    assert cleaner.clean(page(9), config).text == page(9)  # no url, no host
    assert cleaner.clean(page(9), config.replace(site_host="example.com")).text == res.text


def test_cleaning_twice_changes_nothing_with_sites() -> None:
    config = CleanerConfig(sites=learned())
    for i in range(5):
        text = "Skip to content\n" + page(i) + "Share this article\n"
        once = cleaner.clean(text, config, url="https://example.com/x").text
        assert once != text
        assert cleaner.clean(once, config, url="https://example.com/x").text == once


def test_switching_off_navigation_or_the_rule_keeps_template_lines() -> None:
    config = CleanerConfig(sites=learned())
    url = "https://example.com/x"
    assert cleaner.clean(page(9), config, url=url, disabled={"navigation"}).text == page(9)
    assert cleaner.clean(page(9), config, url=url, disabled_rules={"site:example.com"}).text == page(9)


def test_the_guard_restores_site_drops_that_would_gut_a_page() -> None:
    # A page whose only prose the (hand-edited) template lists: the drops are WEAK.
    lines = ", ".join(f"{{ text = {json.dumps(p)} }}" for p in (P1, P2))
    rules = loads_sites(f'[sites."example.com"]\ndocs = 9\nlines = [{lines}]')
    res = cleaner.clean(f"{P1}\n{P2}\n", CleanerConfig(sites=rules), url="https://example.com/")
    assert res.text == f"{P1}\n{P2}\n"
    assert res.guard_fired and {r.rule for r in res.restored} == {"site:example.com"}


def test_for_document_prefers_the_url_host() -> None:
    config = CleanerConfig(sites=learned(), site_host="folder.example")
    assert for_document(config, "https://example.com/a").site_host == "example.com"
    assert for_document(config, None).site_host == "folder.example"
    assert for_document(CleanerConfig(), "https://example.com/a").site_host is None


def test_config_file_reads_sites_relative_to_itself(tmp_path: Path) -> None:
    (tmp_path / "sites.toml").write_text(learned().dumps(), encoding="utf-8")
    (tmp_path / "cleaner.toml").write_text('sites = "sites.toml"\n', encoding="utf-8")
    config = CleanerConfig.from_toml(tmp_path / "cleaner.toml")
    assert config.sites == learned()


def test_settings_hash_follows_the_templates() -> None:
    plain = cio.Options(config=CleanerConfig())
    with_sites = cio.Options(config=CleanerConfig(sites=learned()))
    other = cio.Options(config=CleanerConfig(sites=learn_sites(counts_of([("a.org", "Menu\n")] * 3))))
    hashes = {cio.settings_hash(o, "1") for o in (plain, with_sites, other)}
    assert len(hashes) == 3
    assert cio.settings_hash(with_sites, "1") == cio.settings_hash(
        cio.Options(config=CleanerConfig(sites=learned())), "1"
    )


# -- the command line --------------------------------------------------------------------------

runner = CliRunner()


def run(*args: str | Path) -> Result:
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def site_tree(tmp_path: Path) -> Path:
    """Two sites, a folder each: example.com's pages share a menu and footer; on other.org the
    same menu is on one page only, so there it is not a template."""
    src = tmp_path / "crawl"
    (src / "www.example.com").mkdir(parents=True)
    (src / "other.org").mkdir()
    for i in range(5):
        (src / "www.example.com" / f"p{i}.txt").write_text(page(i), encoding="utf-8")
    (src / "other.org" / "a.txt").write_text(page(0), encoding="utf-8")
    for i in range(1, 4):
        (src / "other.org" / f"b{i}.txt").write_text(page(i, menu=False), encoding="utf-8")
    return src


def test_cli_learn_then_clean_a_folder_per_site(tmp_path: Path, site_tree: Path) -> None:
    sites = tmp_path / "sites.toml"
    res = run("learn-sites", site_tree, "-o", sites)
    assert res.exit_code == 0, res.output
    rules = load_sites(sites)
    assert [h.host for h in rules.hosts] == ["example.com", "other.org"]
    example = rules.template("example.com")
    assert example is not None and {line.text for line in example.lines} == {m.lower() for m in MENU} | {
        FOOTER[0].lower()
    }
    other = rules.template("other.org")
    assert other is not None and {line.text for line in other.lines} == {FOOTER[0].lower()}

    out = tmp_path / "out"
    res = run("clean", site_tree, "-o", out, "--sites", sites, "--report", tmp_path / "report.jsonl")
    assert res.exit_code == 0, res.output
    cleaned = (out / "www.example.com" / "p1.txt").read_text(encoding="utf-8")
    assert not any(line in cleaned.split("\n") for line in [*MENU, *FOOTER])
    assert ARTICLES[1] in cleaned and "Field note number 1" in cleaned
    on_other = (out / "other.org" / "a.txt").read_text(encoding="utf-8")
    assert all(line in on_other.split("\n") for line in MENU)  # not a template of other.org
    assert FOOTER[0] not in on_other
    report = [json.loads(line) for line in (tmp_path / "report.jsonl").read_text().splitlines()]
    assert {r["rule"] for r in report} == {"site:example.com", "site:other.org"}

    # Cleaning the output again (same hosts: the same folder names) changes nothing.
    again = tmp_path / "again"
    res = run("clean", out, "-o", again, "--sites", sites, "--glob", "*.txt")
    assert res.exit_code == 0, res.output
    for path in out.rglob("*.txt"):
        assert (again / path.relative_to(out)).read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def test_cli_explain_with_sites(tmp_path: Path, site_tree: Path) -> None:
    sites = tmp_path / "sites.toml"
    assert run("learn-sites", site_tree, "-o", sites).exit_code == 0
    res = run("explain", site_tree / "www.example.com" / "p2.txt", "--sites", sites)
    assert res.exit_code == 0, res.output
    lines = res.output.split("\n")
    # One removal for the run of menu lines: the note is on its first line.
    note = "  # navigation: appears on 5 of 5 pages of example.com (site template) [site:example.com]"
    assert lines[:3] == [
        f"- {MENU[0]}{note}",
        f"- {MENU[1]}  # navigation (continued)",
        f"- {MENU[2]}  # navigation (continued)",
    ]
    assert "[site:" not in run("explain", site_tree / "www.example.com" / "p2.txt").output


def test_cli_jsonl_hosts_come_from_the_url_field(tmp_path: Path) -> None:
    rows = [{"link": f"https://example.com/{i}", "body": page(i)} for i in range(4)]
    rows += [{"link": "https://other.org/x", "body": page(0)}, {"body": page(1)}]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    sites = tmp_path / "sites.toml"
    res = run("learn-sites", src, "-o", sites, "--url-field", "link", "--field", "body", "--min-docs", "2")
    assert res.exit_code == 0, res.output
    assert "1 without a host left out" in res.output
    rules = load_sites(sites)
    assert rules.min_docs == 2
    assert [h.host for h in rules.hosts] == ["example.com"]

    # `clean` reads the url from the record's "url" field.
    records = [{"url": "https://www.example.com/new", "text": page(7)}, {"url": "https://other.org/y", "text": page(7)}]
    data = tmp_path / "data.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert run("clean", data, "-o", out, "--sites", sites).exit_code == 0
    first, second = (json.loads(line) for line in (out / "data.jsonl").read_text().splitlines())
    assert "Garden Tools" not in first["text"] and ARTICLES[7 % len(ARTICLES)] in first["text"]
    assert second["text"] == page(7)


def test_cli_broken_sites_file_is_a_usage_error(tmp_path: Path, site_tree: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("sites = [", encoding="utf-8")
    res = run("clean", site_tree, "-o", tmp_path / "out", "--sites", bad)
    assert res.exit_code == 2
    assert "invalid TOML" in res.output


# -- idempotence on generated documents --------------------------------------------------------

# A template with wording no rule knows, a line a phrase rule knows too, and prose (hand-edited in:
# learning never keeps prose, but a reviewer's file may hold anything).
TEMPLATE_LINES = [*MENU, *FOOTER, "Share this article", ARTICLE[0], ARTICLE[1]]
TEMPLATE = loads_sites(
    '[sites."example.com"]\ndocs = 10\nlines = ['
    + ", ".join(f"{{ text = {json.dumps(t)} }}" for t in TEMPLATE_LINES)
    + "]"
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from([*MENU, *FOOTER, *ARTICLE, *BOILERPLATE, ""]), ODD), max_size=30))
def test_twice_is_once_with_sites(lines: list[str]) -> None:
    config = CleanerConfig(sites=TEMPLATE)
    text = "\n".join(lines) + "\n"
    once = cleaner.clean(text, config, url="https://example.com/a")
    assert cleaner.clean(once.text, config, url="https://example.com/a").text == once.text
    kept = once.text.split("\n")
    it = iter(text.split("\n"))
    assert all(any(x == y for y in it) for x in kept)  # only whole lines removed


def test_cli_html_is_counted_on_its_extracted_text(tmp_path: Path) -> None:
    from cleaner.html import extract

    src = tmp_path / "crawl" / "example.com"
    src.mkdir(parents=True)
    pages = []
    for i in range(4):
        body = "".join(f"<p>{x}</p>" for x in [*MENU, ARTICLES[i], ARTICLES[(i + 1) % 5], *FOOTER])
        pages.append(f"<html><head><title>Note {i}</title></head><body><article>{body}</article></body></html>")
        (src / f"p{i}.html").write_text(pages[-1], encoding="utf-8")
    sites = tmp_path / "sites.toml"
    assert run("learn-sites", tmp_path / "crawl", "-o", sites).exit_code == 0
    expected = learn_sites(count_sites(("example.com", extract(p).text) for p in pages))
    assert load_sites(sites) == expected
    assert len(expected) > 0
    out = tmp_path / "out"
    assert run("clean", tmp_path / "crawl", "-o", out, "--sites", sites).exit_code == 0
    cleaned = (out / "example.com" / "p0.html.txt").read_text(encoding="utf-8")
    template = expected.template("example.com")
    assert template is not None
    assert not any(line.text in cleaned.lower().split("\n") for line in template.lines)
    assert ARTICLES[0] in cleaned
