"""The evaluation instrument end to end on tiny datasets made here (no shared data needed)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cleaner.evaluation import c4, peers
from cleaner.evaluation.cli import app, main, read_ids, register
from cleaner.evaluation.datasets import DatasetError, dataset_hash, detect_format, list_ids, load_pages, page_types
from cleaner.evaluation.report import markdown_summary
from cleaner.evaluation.rulesview import GoldIndex, aggregate, classify_page, worst_rules
from cleaner.evaluation.runner import run_eval
from cleaner.types import Category, Removal

ARTICLE = " ".join(
    f"Sentence number {i} of the article tells the reader something new about the harbour and its boats."
    for i in range(12)
)


def page_html(title: str, body: str) -> str:
    return (
        f"<html><head><title>{title}</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        "<p><a href='#main'>Skip to content</a></p>"
        f"<article><h1>{title}</h1><p>{body}</p><p>{body}</p></article>"
        "<footer><p>Subscribe to our newsletter</p><p>© 2025 Example News. All rights reserved.</p></footer>"
        "</body></html>"
    )


@pytest.fixture()
def wcxb(tmp_path: Path) -> Path:
    root = tmp_path / "wcxb"
    (root / "html").mkdir(parents=True)
    (root / "ground-truth").mkdir()
    kinds = ["article", "article", "forum"]
    for n, kind in enumerate(kinds, 1):
        pid = f"{n:04d}"
        title = f"Harbour story {n}"
        (root / "html" / f"{pid}.html.gz").write_bytes(gzip.compress(page_html(title, ARTICLE).encode()))
        meta = {
            "url": f"https://example.com/{pid}",
            "_internal": {"page_type": {"primary": kind}},
            "ground_truth": {
                "title": title,
                "main_content": f"{title}\n\n{ARTICLE}\n\n{ARTICLE}",
                "with": ["Sentence number 3 of the article"],
                "without": ["Subscribe to our newsletter", "Skip to content"],
            },
        }
        (root / "ground-truth" / f"{pid}.json").write_text(json.dumps(meta), encoding="utf-8")
    return root


@pytest.fixture()
def scrapinghub(tmp_path: Path) -> Path:
    root = tmp_path / "sh"
    (root / "html").mkdir(parents=True)
    gt = {}
    for pid in ("aa", "bb"):
        (root / "html" / f"{pid}.html.gz").write_bytes(gzip.compress(page_html("T " + pid, ARTICLE).encode()))
        gt[pid] = {"articleBody": ARTICLE + "\n" + ARTICLE, "url": f"https://example.org/{pid}"}
    (root / "ground-truth.json").write_text(json.dumps(gt), encoding="utf-8")
    return root


# datasets


def test_wcxb_loader(wcxb: Path) -> None:
    assert detect_format(wcxb) == "wcxb"
    assert list_ids(wcxb) == ["0001", "0002", "0003"]
    pages = list(load_pages(wcxb))
    assert [p.page_type for p in pages] == ["article", "article", "forum"]
    p = pages[0]
    assert p.url == "https://example.com/0001"
    assert p.html_bytes.startswith(b"<html>")
    assert p.truth_text.startswith("Harbour story 1")
    assert p.with_ == ("Sentence number 3 of the article",)
    assert "Skip to content" in p.without
    assert [p.id for p in load_pages(wcxb, types=["forum"])] == ["0003"]
    assert [p.id for p in load_pages(wcxb, limit=2)] == ["0001", "0002"]
    assert [p.id for p in load_pages(wcxb, ids=["0003", "0001"])] == ["0003", "0001"]
    assert page_types(wcxb) == {"0001": "article", "0002": "article", "0003": "forum"}


def test_scrapinghub_loader(scrapinghub: Path) -> None:
    assert detect_format(scrapinghub) == "scrapinghub"
    pages = list(load_pages(scrapinghub))
    assert [(p.id, p.page_type) for p in pages] == [("aa", "article"), ("bb", "article")]
    assert pages[0].truth_text.startswith("Sentence number 0")
    assert pages[0].url == "https://example.org/aa"
    assert pages[0].with_ == () and pages[0].without == ()


def test_unknown_layout(tmp_path: Path) -> None:
    with pytest.raises(DatasetError):
        detect_format(tmp_path)


def test_dataset_hash_is_stable_and_sensitive(wcxb: Path) -> None:
    h = dataset_hash(wcxb)
    assert h == dataset_hash(wcxb, ["0003", "0002", "0001"])
    assert dataset_hash(wcxb, ["0001"]) != h
    gt = wcxb / "ground-truth" / "0002.json"
    gt.write_text(gt.read_text(encoding="utf-8").replace("Harbour", "Harbor"), encoding="utf-8")
    assert dataset_hash(wcxb) != h


# peers and their cache


def test_peer_cache_layout_and_reuse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    html = page_html("Cache test", ARTICLE).encode()
    text = peers.peer_text("html_text", html, None, tmp_path)
    assert "Sentence number 0" in text
    path = peers.cache_path("html_text", html, tmp_path)
    assert path.is_file() and path.read_text(encoding="utf-8") == text
    rel = path.relative_to(tmp_path).parts
    assert rel[0] == "html_text" and rel[1] == peers.peer_version("html_text")
    assert rel[3] == rel[2] + rel[3][2:] and rel[3].endswith(".txt") and len(rel[2]) == 2

    def boom(*args: object) -> str:
        raise AssertionError("the cache should have answered")

    monkeypatch.setattr(peers, "extract_uncached", boom)
    assert peers.peer_text("html_text", html, None, tmp_path) == text


def test_peer_cache_keeps_line_endings(tmp_path: Path) -> None:
    path = peers.cache_path("justext", b"<p>x</p>", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"a\r\nb")
    assert peers.peer_text("justext", b"<p>x</p>", None, tmp_path) == "a\r\nb"


def test_every_peer_extracts_the_article() -> None:
    html = page_html("Harbour", ARTICLE).encode()
    for name in peers.ALL_PEERS:
        if name == "readability" and not peers.available(name):
            continue  # an optional peer (the eval extras)
        out = peers.extract_uncached(name, html, "https://example.com/x")
        assert "tells the reader something new" in out, name


def test_unknown_peer() -> None:
    with pytest.raises(ValueError, match="unknown extractor"):
        peers.peer_text("nope", b"", None, Path("/nonexistent"))


def test_missing_peer_library_is_an_error_not_an_empty_text(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "readability" else real(name))
    assert not peers.available("readability")
    with pytest.raises(ValueError, match="eval extras"):
        run_eval(Path("/nonexistent"), "text", ["readability"])


# C4


def test_c4_line_filter() -> None:
    pytest.importorskip("datatrove", reason="datatrove is an optional dependency (eval extras)")
    text = "\n".join(
        [
            "A full sentence with enough words.",
            "Menu",
            "Two words.",
            "  Cited line with a mark [12] ends here!  ",
            "We use cookies to improve this site.",
            "Enable JavaScript to view this page.",
            "No terminal punctuation here at all",
            "Trailing dots are not an end...",
        ]
    )
    assert c4.c4_filter(text) == "A full sentence with enough words.\nCited line with a mark  ends here!"
    assert c4.c4_filter("A line with {braces} in it.") == ""  # whole document dropped
    assert c4.c4_filter("") == ""


# rules view


def test_gold_lines() -> None:
    truth = "Intro\n\nThe harbour was busy all day long with boats.\nShare\nAI, Personalization"
    gold = GoldIndex(truth)
    assert gold.is_gold("The harbour was busy all day") is True  # all 4-grams in the reference
    assert gold.is_gold("Share") is True  # a whole reference line
    assert gold.is_gold("boats") is False  # a word inside a long line is not enough
    assert gold.is_gold("ai personalization") is True
    assert gold.is_gold("— ·") is None
    fresh = GoldIndex(truth)
    assert fresh.is_gold("The harbour was busy, but the town was quiet") is False  # 1 of 6 4-grams


def test_gold_lines_count_what_the_kept_text_does_not_cover() -> None:
    truth = "Big News Today For Everyone\nThe harbour was busy all day long with boats.\nShare"
    kept = "Big News Today For Everyone\nThe harbour was busy all day long with boats."
    gold = GoldIndex(truth, kept)
    assert gold.is_gold("Big News Today For Everyone") is False  # a second copy of the headline
    assert gold.is_gold("Share") is True
    assert gold.is_gold("Share") is False  # the reference has it once
    alone = GoldIndex(truth, "The harbour was busy all day long with boats.")
    assert alone.is_gold("Big News Today For Everyone") is True  # its only copy


def test_classify_page_and_f1_effect() -> None:
    truth = "Title line here\nThe harbour was busy all day long with boats.\nThe harbour was busy all day"
    removed = [
        Removal((1, 1), "Home", Category.NAVIGATION, "nav.home", "menu"),
        Removal((3, 3), "The harbour was busy all day", Category.RELATED, "rel.bad", "teaser"),
    ]
    cleaned = "The harbour was busy all day long with boats.\n"
    page = classify_page("p1", removed, cleaned, truth)
    assert [(ln.rule, ln.gold) for ln in page.lines] == [("nav.home", False), ("rel.bad", True)]
    # reference 18 tokens; cleaned: 9 tokens, all in it: P 1, R .5, F1 2/3
    # + "home": P .9, R .5 -> F1 .9/1.4; + the 6 teaser tokens: P 1, R 15/18 -> F1 10/11
    assert page.f1_effect["nav.home"] == pytest.approx(2 / 3 - 0.9 / 1.4)
    assert page.f1_effect["rel.bad"] == pytest.approx(2 / 3 - 10 / 11)
    stats = aggregate([page])
    worst = worst_rules(stats)
    assert [s.rule for s in worst] == ["rel.bad", "nav.home"]
    assert worst[0].gold_lines == 1 and worst[0].gold_examples == [("p1", "The harbour was busy all day")]


# runner, report, CLI


def test_run_eval_text_mode(wcxb: Path, tmp_path: Path) -> None:
    res = run_eval(wcxb, "text", ["html_text", "trafilatura"], cache_dir=tmp_path / "cache", c4_filter=False)
    ids = [r.id for r in res.rows]
    assert ids == [f"{p}|{s}" for p in ("html_text", "trafilatura") for s in ("as-is", "cleaner")]
    raw = res.row("html_text", "as-is")
    cleaned = res.row("html_text", "cleaner")
    assert raw.overall.pages == 3 and set(raw.by_type) == {"article", "forum"}
    assert raw.pages_per_s is None and cleaned.pages_per_s is not None and cleaned.mb_per_s is not None
    assert cleaned.overall.precision >= raw.overall.precision
    assert cleaned.overall.without_rate is not None and raw.overall.without_rate is not None
    assert cleaned.overall.without_rate <= raw.overall.without_rate
    assert "html_text" in res.rules
    meta = res.meta
    assert meta["dataset"]["sha256"] == dataset_hash(wcxb)
    assert meta["versions"]["trafilatura"] and meta["dataset"]["credit"].startswith("WCXB")
    data = res.to_dict()
    assert set(data["per_page"]["rows"]["html_text|cleaner"]) == {"0001", "0002", "0003"}
    json.dumps(data)
    md = markdown_summary([res])
    assert "| html_text | cleaner |" in md


def test_run_eval_c4_rows(wcxb: Path, tmp_path: Path) -> None:
    pytest.importorskip("datatrove", reason="datatrove is an optional dependency (eval extras)")
    res = run_eval(wcxb, "text", ["html_text"], cache_dir=tmp_path / "cache", rules=False)
    assert [r.step for r in res.rows] == ["as-is", "cleaner", "c4"]
    c4_row = res.row("html_text", "c4")
    assert c4_row.pages_per_s is not None and 0 < c4_row.overall.f1 <= 1


def test_run_eval_html_mode_and_jobs(wcxb: Path, tmp_path: Path) -> None:
    res = run_eval(wcxb, "html", jobs=2, cache_dir=tmp_path / "cache", types=["article"])
    assert [r.id for r in res.rows] == [
        "html|clean_html",
        "html|extract-only",
        "html|trafilatura",
        "html|trafilatura_precision",
    ]
    assert res.rows[0].overall.pages == 2 and res.rows[0].pages_per_s is not None
    assert res.meta["options"]["types"] == ["article"]


def test_run_eval_scrapinghub(scrapinghub: Path, tmp_path: Path) -> None:
    res = run_eval(scrapinghub, "text", ["trafilatura"], cache_dir=tmp_path / "cache", c4_filter=False)
    row = res.row("trafilatura", "as-is")
    assert row.overall.pages == 2 and 0 < row.shingle["f1"] <= 1


def test_cli_run_rules_cache(wcxb: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "r.json"
    cache = str(tmp_path / "cache")
    r = runner.invoke(
        app, ["run", str(wcxb), "--mode", "text", "--peers", "html_text", "--cache", cache, "-o", str(out)]
    )
    assert r.exit_code == 0, r.output
    assert "html_text" in r.output and json.loads(out.read_text(encoding="utf-8"))["meta"]["mode"] == "text"
    r = runner.invoke(app, ["rules", "--data", str(wcxb), "--peer", "html_text", "--cache", cache, "--limit", "2"])
    assert r.exit_code == 0, r.output
    assert "2 pages" in r.output and "Rules on html_text" in r.output
    r = runner.invoke(app, ["cache", str(wcxb), "--peers", "justext", "--cache", cache, "--jobs", "1"])
    assert r.exit_code == 0, r.output
    assert "computed 3" in r.output
    r = runner.invoke(app, ["run", str(wcxb), "--mode", "pdf"])
    assert r.exit_code != 0


def test_main_defaults_to_run(wcxb: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([str(wcxb), "--mode", "html", "--peers", "trafilatura", "--cache", str(tmp_path / "c"), "--limit", "1"])
    assert exc.value.code == 0
    assert "clean_html" in capsys.readouterr().out


def test_register_adds_eval_command(wcxb: Path, tmp_path: Path) -> None:
    host = typer.Typer()

    @host.command()
    def other() -> None:  # a host app has commands of its own
        pass

    register(host)
    r = CliRunner().invoke(
        host, ["eval", str(wcxb), "--mode", "text", "--peers", "html_text", "--cache", str(tmp_path / "c")]
    )
    assert r.exit_code == 0, r.output
    assert "ΔF1" in r.output


def test_read_ids(tmp_path: Path) -> None:
    f = tmp_path / "ids.txt"
    f.write_text("# chosen by hand\n0001\n\n0003  # forum\n", encoding="utf-8")
    assert read_ids(f) == ["0001", "0003"]


def test_json_keeps_number_lists_on_one_line_and_strings_intact() -> None:
    from cleaner.evaluation.report import dumps

    data = {"scores": {"0001": [0.5, 1, -3e-05]}, "line": "Cited [1,\n2] here", "mixed": ["a", 1], "empty": []}
    text = dumps(data)
    assert json.loads(text) == data
    assert '"0001": [0.5, 1, -3e-05]' in text


def test_cli_run_takes_several_sets_in_one_command(wcxb: Path, scrapinghub: Path, tmp_path: Path) -> None:
    """One command for wcxb-dev and news-dev's two sets: each set gets its tables, results per set."""
    results = tmp_path / "results"
    results.mkdir()
    r = CliRunner().invoke(
        app,
        ["run", str(wcxb), str(scrapinghub), "--mode", "html", "--peers", "trafilatura", "--cache",
         str(tmp_path / "c"), "--results-dir", str(results)],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert r.output.count("clean_html") >= 2
    names = sorted(p.name for p in results.glob("*.json"))
    assert len(names) == 2
    assert any(n.endswith(f"-{wcxb.name}-html.json") for n in names)
    assert any(n.endswith(f"-{scrapinghub.name}-html.json") for n in names)
    r = CliRunner().invoke(app, ["run", str(wcxb), str(scrapinghub), "-o", str(tmp_path / "x.json")])
    assert r.exit_code != 0 and "--out takes one dataset" in r.output
