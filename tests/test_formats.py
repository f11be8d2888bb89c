"""Output formats (`cleaner.formats`, `cleaner clean --format`): txt, json and markdown."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import cleaner
from cleaner import io as cio
from cleaner.cli import app
from cleaner.formats import TEXT, Format, Layout, Role, render
from cleaner.html import HtmlError
from cleaner.segment import WORD_RE
from tests.conftest import ROOT, SEEDS
from tests.samples import P1, P2, P3
from tests.test_cli import flat
from tests.test_linear import _ratio
from tests.test_properties_html import SOURCES

DOC = f"Frogs found in the canopy of Borneo\n\nSkip to content\n\n{P1}\n\nGet the newsletter\n\n{P2}\n\n{P3}\n"
LD = json.dumps(
    {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Field Notes"},
            {"@type": "NewsArticle", "datePublished": "2025-03-14T09:00:00+08:00", "author": {"name": "Ana Lim"}},
        ],
    }
)
PAGE = f"""<!doctype html><html><head><title>Frogs of Borneo | Field Notes</title>
<link rel="canonical" href="https://example.org/frogs">
<script type="application/ld+json">{LD}</script>
</head><body><nav><a href="/">Home</a> | <a href="/news">News</a></nav><article><h1>Frogs of Borneo</h1>
<p>{P1}</p>
<h2>Where they live</h2>
<p>{P2}</p>
<ul><li>Lowland rainforest streams with clear water</li><li>Peat swamp forest near the coast</li></ul>
<table><tr><th>Species</th><th>Length (mm)</th><th>Habitat</th></tr>
<tr><td>Rhacophorus pardalis</td><td>60</td><td>canopy of the lowland forest</td></tr>
<tr><td>Ansonia latidisca</td><td>35</td><td>fast mountain streams | rocks</td></tr></table>
<p>{P3}</p>
<pre><code>def count(frogs):
    for frog in frogs:
        yield frog.species
</code></pre>
<pre><span>&gt;&gt;&gt; run()</span>
<div class="out">SELECT species
    FROM frogs</div></pre>
</article><footer>Copyright 2025 Field Notes. All rights reserved.</footer></body></html>"""
KEEP_BLOCKS = {"html_threshold": 0.999}  # the block model keeps every block: the layout is what is tested

runner = CliRunner()


def _page_doc() -> cleaner.Document:
    return cleaner.clean_html_document(PAGE, **KEEP_BLOCKS)


# -- text input --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [DOC, DOC.replace("\n", "\r\n"), "", "\n\n", "One line without an ending"])
def test_txt_of_a_text_is_its_clean_text_byte_for_byte(text: str) -> None:
    doc = cleaner.clean_document(text)
    assert render(doc, "txt") == doc.text == cleaner.clean(text).text


def test_json_of_a_text_has_the_headline_as_title_and_every_removal() -> None:
    doc = cleaner.clean_document(DOC)
    got = json.loads(render(doc, Format.JSON))
    assert list(got) == ["title", "url", "date", "author", "site_name", "text", "removed", "warnings"]
    assert got["title"] == "Frogs found in the canopy of Borneo"  # the first line: the pipeline's headline
    assert (got["url"], got["date"], got["author"], got["site_name"]) == (None, None, None, None)
    assert got["text"] == cleaner.clean(DOC).text
    assert [(r["lines"], r["category"]) for r in got["removed"]] == [([3, 3], "navigation"), ([7, 7], "newsletter")]
    assert got["removed"] == [r.to_dict() for r in cleaner.clean(DOC).removed]  # as --report writes them
    assert all(r["rule"] and r["reason"] for r in got["removed"])


def test_a_given_title_and_url_are_the_documents() -> None:
    got = json.loads(render(cleaner.clean_document(f"{P1}\n", title="Frogs", url="https://example.org/f"), "json"))
    assert (got["title"], got["url"]) == ("Frogs", "https://example.org/f")
    assert cleaner.clean_document(f"{P1}\n").title is None  # a sentence is no headline


def test_markdown_of_a_text_marks_its_headline_and_keeps_every_other_line() -> None:
    md = render(cleaner.clean_document(DOC), "markdown")
    assert md == f"# Frogs found in the canopy of Borneo\n\n{P1}\n\n{P2}\n\n{P3}\n"
    crlf = render(cleaner.clean_document(DOC.replace("\n", "\r\n")), "markdown")
    assert crlf == md.replace("\n", "\r\n")


def test_markdown_puts_a_title_first_that_the_text_does_not_start_with() -> None:
    md = render(cleaner.clean_document(f"{P1}\n", title="Frogs of Borneo"), "markdown")
    assert md == f"# Frogs of Borneo\n\n{P1}\n"


# -- HTML input --------------------------------------------------------------------------------


def test_html_txt_has_a_table_row_on_one_line_and_code_with_its_indentation() -> None:
    doc = _page_doc()
    lines = doc.text.splitlines()
    assert "Species | Length (mm) | Habitat" in lines
    assert "Rhacophorus pardalis | 60 | canopy of the lowland forest" in lines
    code = lines[lines.index("def count(frogs):") :]
    assert code[:3] == ["def count(frogs):", "    for frog in frogs:", "        yield frog.species"]
    assert code[-2:] == ["SELECT species", "    FROM frogs"]  # a <div> inside the <pre> keeps its lines
    assert "Frogs of Borneo | Field Notes" not in doc.text  # txt is the body: the title is in json and markdown
    assert doc.result.text == cleaner.clean_html(PAGE, **KEEP_BLOCKS).text  # the cleaning is clean_html's


def test_html_markdown_keeps_headings_lists_tables_and_code() -> None:
    md = render(_page_doc(), "markdown")
    assert md == (
        "# Frogs of Borneo\n\n"
        f"{P1}\n\n"
        "## Where they live\n\n"
        f"{P2}\n\n"
        "- Lowland rainforest streams with clear water\n"
        "- Peat swamp forest near the coast\n\n"
        "| Species | Length (mm) | Habitat |\n"
        "| --- | --- | --- |\n"
        "| Rhacophorus pardalis | 60 | canopy of the lowland forest |\n"
        "| Ansonia latidisca | 35 | fast mountain streams \\| rocks |\n\n"
        f"{P3}\n\n"
        "```\ndef count(frogs):\n    for frog in frogs:\n        yield frog.species\n```\n\n"
        "```\n>>> run()\nSELECT species\n    FROM frogs\n```\n"
    )


# Content management systems and documentation tools wrap a cell's or an item's text in a <p>.
WRAPPED = f"""<!doctype html><html><head><title>Plans</title></head><body><article><h1>Plans</h1>
<p>{P1}</p>
<ul><li><p>Declare the servers once</p></li><li><p>Run the same steps on all of them</p>
<p>with a second paragraph in the item</p><ul><li><p>a nested item</p></li></ul></li></ul>
<table><tr><th><p>Plan</p></th><th><p>Price</p></th></tr>
<tr><td><p>Basic</p></td><td><p>$5 a month</p><p>billed yearly</p></td></tr>
<tr><td>Pro</td><td><div>$15 a month</div></td></tr></table>
<table><tr><td><p>{P2}</p><p>{P3}</p><h2>A layout table's cell</h2><p>{P1}</p><p>{P2}</p></td>
<td><p>Sidebar</p></td></tr></table>
<table><tr><td><h3>A headline in a cell</h3><p>Updated today</p></td><td><p>Share</p></td></tr></table>
<table><tr><td><p>A row of one cell</p></td></tr></table>
</article></body></html>"""


def test_a_cells_text_inside_a_paragraph_stays_in_its_row() -> None:
    doc = cleaner.clean_html_document(WRAPPED, **KEEP_BLOCKS)
    lines = doc.text.splitlines()
    assert "Plan | Price" in lines
    assert "Basic | $5 a month / billed yearly" in lines  # two paragraphs of one cell: one cell
    assert "Pro | $15 a month" in lines
    md = render(doc, "markdown")
    assert "| Plan | Price |\n| --- | --- |\n| Basic | $5 a month<br>billed yearly |\n| Pro | $15 a month |\n" in md
    # A cell holding a page's text (a layout table) is not a table's value: its lines stay lines.
    assert P2 in lines and P3 in lines and "## A layout table's cell" in md
    assert not any(P2 in line and P3 in line for line in lines)
    # ... nor is one with a heading (an old news page's headline and date), nor a row of one cell.
    assert "### A headline in a cell" in md and "Updated today" in lines
    assert "A row of one cell" in lines and "| A row of one cell |" not in md


def test_a_list_items_text_inside_a_paragraph_is_the_item() -> None:
    md = render(cleaner.clean_html_document(WRAPPED, **KEEP_BLOCKS), "markdown").splitlines()
    assert "- Declare the servers once" in md
    assert "- Run the same steps on all of them" in md
    assert "with a second paragraph in the item" in md  # the item's second paragraph is not an item of its own
    assert "- a nested item" in md  # after the paragraph between, a list of its own


def test_ordered_lists_are_numbered_and_nested_lists_indented() -> None:
    page = f"""<html><head><title>Bread</title></head><body><article><h1>Bread</h1><p>{P1}</p>
<ol><li>Preheat the oven</li><li>Mix the dry things<ul><li>flour</li><li>sugar<ol><li>white</li></ol></li></ul></li>
<li><p>Bake for forty minutes</p></li></ol><ol start="4"><li>Let it cool</li><li value="9">Eat it</li></ol>
<p>{P2}</p></article></body></html>"""
    doc = cleaner.clean_html_document(page, **KEEP_BLOCKS)
    assert render(doc, "markdown").split(f"{P1}\n\n")[1].split("\n\n")[0].splitlines() == [
        "1. Preheat the oven",
        "2. Mix the dry things",
        "    - flour",
        "    - sugar",
        "        1. white",
        "3. Bake for forty minutes",
        "4. Let it cool",  # <ol start="4">
        "9. Eat it",  # <li value="9">
    ]
    assert "Preheat the oven" in doc.text.splitlines()  # txt: the lines as they were


def test_list_items_are_indented_by_their_depth_among_the_kept_items() -> None:
    # The cleaning dropped the outer item of a sidebar's nested list: the kept ones start at depth 1
    # (four spaces under a paragraph would make them code) and go at most one deeper an item.
    levels = (2, 4, 4, 3, 2, 1)
    lines = [f"item {n}" for n in range(len(levels))]
    layout = (TEXT, *(Layout(Role.ITEM, level=k) for k in levels))
    doc = cleaner.Document(cleaner.CleanResult(text="\n".join(["A paragraph.", *lines])), cleaner.Metadata(), layout)
    assert render(doc, "markdown").splitlines()[1:] == [
        "- item 0",
        "    - item 1",
        "    - item 2",
        "    - item 3",
        "- item 4",
        "- item 5",
    ]


def test_a_first_heading_of_any_level_that_is_the_title_is_the_headline_once() -> None:
    page = f"""<html><head><title>DEV Community</title></head><body><h2>DEV Community</h2><p>{P1}</p>
<p>{P2}</p></body></html>"""
    md = render(cleaner.clean_html_document(page, **KEEP_BLOCKS), "markdown").splitlines()
    assert md[:3] == ["# DEV Community", "", P1]  # not "# DEV Community" and "## DEV Community" under it


def test_a_blockquote_is_quoted_in_markdown_and_plain_in_txt() -> None:
    page = f"""<html><head><title>Quotes</title></head><body><article><h1>Quotes</h1><p>{P1}</p>
<blockquote><p>We will build the bridge by next spring, whatever it takes.</p><p>Nobody should doubt it.</p>
<ul><li>a list in the quote</li></ul></blockquote><p>{P2}</p></article></body></html>"""
    doc = cleaner.clean_html_document(page, **KEEP_BLOCKS)
    md = render(doc, "markdown")
    assert "> We will build the bridge by next spring, whatever it takes.\n>\n> Nobody should doubt it.\n" in md
    assert "- a list in the quote" in md  # a list inside it keeps its markers
    assert f"\n\n{P2}" in md  # the quote ends where it ends
    assert "We will build the bridge by next spring, whatever it takes." in doc.text.splitlines()  # txt: as it was


def test_html_json_carries_title_and_the_pages_metadata() -> None:
    got = json.loads(render(_page_doc(), "json"))
    assert got["title"] == "Frogs of Borneo | Field Notes"
    assert got["url"] == "https://example.org/frogs"  # the page's own, as none was given
    assert (got["date"], got["author"], got["site_name"]) == ("2025-03-14", "Ana Lim", "Field Notes")
    assert got["text"] == _page_doc().text
    assert [r["rule"] for r in got["removed"]] == ["en.navigation.breadcrumb-home", "en.legal.copyright"]


def test_markdown_without_a_top_heading_starts_with_the_title() -> None:
    page = f"<html><head><title>Frogs</title></head><body><p>{P1}</p><p>{P2}</p></body></html>"
    md = render(cleaner.clean_html_document(page, **KEEP_BLOCKS), "markdown")
    assert md.startswith(f"# Frogs\n\n{P1}\n")


def test_the_block_model_off_gives_plain_lines() -> None:
    doc = cleaner.clean_html_document(PAGE, html_model="off")
    assert doc.layout == () and doc.text == doc.result.text


def test_a_code_fence_is_longer_than_the_backticks_inside() -> None:
    result = cleaner.CleanResult(text="```\nx\n")
    doc = cleaner.Document(result, cleaner.Metadata(), (Layout(Role.CODE, group=1), Layout(Role.CODE, group=1)))
    assert render(doc, "markdown") == "````\n```\nx\n````\n"


def test_rendering_is_deterministic() -> None:
    assert [render(_page_doc(), f) for f in Format] == [render(_page_doc(), f) for f in Format]


# -- command line ------------------------------------------------------------------------------


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(DOC)
    (src / "notes.md").write_text(DOC)
    (src / "page.html").write_text(PAGE)
    return src


def test_cli_format_json_and_markdown_name_the_outputs(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for fmt in ("json", "markdown"):
        result = runner.invoke(app, ["clean", str(inputs), "-o", str(out), "--format", fmt])
        assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.iterdir() if p.name != cio.MANIFEST_NAME)
    assert written == ["a.txt.json", "a.txt.md", "notes.md", "notes.md.json", "page.html.json", "page.html.md"]
    page = json.loads((out / "page.html.json").read_text())
    assert page["title"] == "Frogs of Borneo | Field Notes" and page["date"] == "2025-03-14"
    assert (out / "a.txt.md").read_text() == render(cleaner.clean_document(DOC), "markdown")
    assert (out / "notes.md").read_text() == render(cleaner.clean_document(DOC), "markdown")
    assert (inputs / "notes.md").read_text() == DOC  # the input is never the output


def test_cli_a_txt_run_then_a_markdown_run_into_one_folder_cleans_again(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["clean", str(inputs / "notes.md"), "-o", str(out)]).exit_code == 0
    assert (out / "notes.md").read_text() == cleaner.clean(DOC).text
    assert (
        runner.invoke(app, ["clean", str(inputs / "notes.md"), "-o", str(out), "--format", "markdown"]).exit_code == 0
    )
    assert (out / "notes.md").read_text().startswith("# Frogs found")  # not skipped as done by the txt run


def test_cli_txt_is_the_default_and_html_txt_has_rows_on_one_line(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["clean", str(inputs), "-o", str(out)]).exit_code == 0
    assert (out / "a.txt").read_text() == cleaner.clean(DOC).text
    assert (out / "page.html.txt").read_text() == cleaner.clean_html_document(PAGE).text


def test_cli_stdin_json(tmp_path: Path) -> None:
    result = runner.invoke(app, ["clean", "-", "--format", "json", "-q"], input=DOC)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["text"] == cleaner.clean(DOC).text


def test_cli_jsonl_input_is_refused_by_name_and_the_rest_is_cleaned(inputs: Path, tmp_path: Path) -> None:
    (inputs / "data.jsonl").write_text(json.dumps({"text": DOC}) + "\n")
    out = tmp_path / "out"
    result = runner.invoke(app, ["clean", str(inputs), "-o", str(out), "--format", "json"])
    assert result.exit_code == 1
    assert f"{inputs / 'data.jsonl'}: JSONL is written as JSONL" in result.stderr
    assert (out / "a.txt.json").is_file() and not (out / "data.jsonl").exists()
    stdin = runner.invoke(app, ["clean", "-", "--jsonl", "--format", "json"], input=json.dumps({"text": DOC}))
    assert stdin.exit_code == 2 and "JSONL is written as JSONL" in flat(stdin.stderr)


def test_cli_in_place_refuses_another_format(inputs: Path) -> None:
    result = runner.invoke(app, ["clean", str(inputs / "a.txt"), "--in-place", "--format", "markdown"])
    assert result.exit_code == 2 and "--in-place rewrites each input in its own format" in flat(result.stderr)
    assert (inputs / "a.txt").read_text() == DOC


def test_cli_seed_outputs_are_unchanged_by_the_default_format(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert runner.invoke(app, ["clean", str(SEEDS), "-o", str(out)]).exit_code == 0
    for seed in sorted(SEEDS.glob("*.txt")):
        assert (out / seed.name).read_text() == cleaner.clean(seed.read_text()).text


def test_the_readme_shows_the_real_markdown_output() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = "$ cleaner clean - --html --format markdown -q < fixtures/formats/frogs.html\n"
    shown = readme[readme.index(command) + len(command) :]
    shown = shown[: shown.index("````\n")]
    page = (ROOT / "fixtures" / "formats" / "frogs.html").read_bytes()
    result = runner.invoke(app, ["clean", "-", "--html", "--format", "markdown", "-q"], input=page)
    assert result.exit_code == 0 and result.stdout == shown


def test_a_table_whose_first_kept_row_is_narrower_gets_an_empty_header() -> None:
    rows = "Habitat\nRiver trail\n41\nRidge path\n17\n"
    cell = [Layout(Role.CELL, group=g) for g in (1, 2, 2, 3, 3)]
    doc = cleaner.Document(cleaner.CleanResult(text=rows), cleaner.Metadata(), tuple(cell))
    assert render(doc, "markdown") == "|  |  |\n| --- | --- |\n| Habitat |\n| River trail | 41 |\n| Ridge path | 17 |\n"
    assert render(doc, "txt") == "Habitat\nRiver trail | 41\nRidge path | 17\n"


def test_the_help_shows_real_json_and_markdown() -> None:
    shown = flat(runner.invoke(app, ["clean", "--help"], env={"COLUMNS": "200"}).stdout)
    page = (ROOT / "fixtures" / "formats" / "frogs.html").read_bytes()
    got = json.loads(runner.invoke(app, ["clean", "-", "--html", "--format", "json", "-q"], input=page).stdout)
    for key in ("title", "url", "date", "author", "site_name"):
        assert f'"{key}": {json.dumps(got[key])}' in shown
    assert got["text"].startswith("Counting tree frogs with Python\n\nEvery spring our survey team walks ")
    assert '"text": "Counting tree frogs with Python\\n\\nEvery spring our survey team walks ...' in shown
    md = runner.invoke(app, ["clean", "-", "--html", "--format", "markdown", "-q"], input=page).stdout.splitlines()
    assert "## The counts" in md and "| River trail | 41 | Rhacophorus pardalis |" in md
    assert '"## The counts"' in shown and '"| River trail | 41 | Rhacophorus pardalis |"' in shown


def _wide_row(n: int) -> str:
    """Markdown of a table row of n cells (a page can hold one)."""
    cells = "".join(f"c{i}\n" for i in range(n))
    doc = cleaner.Document(cleaner.CleanResult(text=cells), cleaner.Metadata(), (Layout(Role.CELL, group=1),) * n)
    return render(doc, "markdown")


def test_a_wide_row_renders_in_linear_time() -> None:
    assert _wide_row(3) == "| c0 | c1 | c2 |\n| --- | --- | --- |\n"
    assert _ratio(_wide_row) < 10  # linear ~4; gathering the cells by tuple concatenation was quadratic


def _tall_cell(n: int) -> str:
    """txt of one table cell of n lines (a layout table's cell of <br> lines can hold a page)."""
    lines = "".join(f"line {i}\n" for i in range(n))
    layout = (Layout(Role.CELL, group=1, cell=7),) * n
    return render(cleaner.Document(cleaner.CleanResult(text=lines), cleaner.Metadata(), layout), "txt")


def test_a_tall_cell_renders_in_linear_time() -> None:
    assert _tall_cell(3) == "line 0 / line 1 / line 2\n"  # one cell's lines: one cell
    cell = Layout(Role.CELL, group=1, cell=7)
    doc = cleaner.Document(cleaner.CleanResult(text="a\nb\n\nafter\n"), cleaner.Metadata(), (cell, cell, TEXT, TEXT))
    assert render(doc, "txt") == "a / b\n\nafter\n"  # what follows the cell is not joined into it
    assert _ratio(_tall_cell) < 10  # joining each line onto the cell's string so far was quadratic


def _items_apart(n: int) -> str:
    """Markdown of two list items with n blank lines between them."""
    text = "a\n" + "\n" * n + "b\n"
    layout = (Layout(Role.ITEM, level=1), *(TEXT,) * n, Layout(Role.ITEM, level=1))
    return render(cleaner.Document(cleaner.CleanResult(text=text), cleaner.Metadata(), layout), "markdown")


def test_blank_lines_between_items_render_in_linear_time() -> None:
    assert _items_apart(3) == "- a\n- b\n"  # one list
    assert _ratio(_items_apart) < 10  # looking ahead from each blank line for the next item was quadratic


# -- properties --------------------------------------------------------------------------------

PROPERTIES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PIECES = st.sampled_from(
    [P1, P2, "Home | News", "Share this article", "  indented code", "a | b", "```", "# not a heading", ""]
)
TAGGED = st.lists(
    st.tuples(st.sampled_from(["p", "h2", "li", "td", "th", "pre", "tr", "div"]), PIECES), max_size=12
).map(lambda parts: "<html><body>" + "".join(f"<{t}>{x}</{t}>" for t, x in parts) + "</body></html>")


@PROPERTIES
@given(st.text(max_size=300))
def test_any_texts_txt_is_its_clean_text(text: str) -> None:
    doc = cleaner.clean_document(text)
    assert render(doc, "txt") == cleaner.clean(text).text
    assert json.loads(render(doc, "json"))["text"] == doc.text


@PROPERTIES
@given(st.one_of(SOURCES, TAGGED))
def test_any_pages_formats_keep_every_kept_word(source: str | bytes) -> None:
    try:
        doc = cleaner.clean_html_document(source)
    except HtmlError:
        return
    kept = Counter(WORD_RE.findall(doc.result.text))
    assert Counter(WORD_RE.findall(doc.text)) == kept  # txt joins and regroups lines, nothing else
    markdown = Counter(WORD_RE.findall(render(doc, "markdown")))
    assert all(markdown[w] >= n for w, n in kept.items())
    assert json.loads(render(doc, "json"))["text"] == doc.text
    assert [render(doc, f) for f in Format] == [render(cleaner.clean_html_document(source), f) for f in Format]
