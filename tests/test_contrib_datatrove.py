"""cleaner.contrib.datatrove: CleanerStep in a real LocalPipelineExecutor, and on its own."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from datatrove.data import Document
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

import cleaner
import cleaner.contrib.datatrove as datatrove_step
from cleaner.api import TextTimeout
from cleaner.contrib.datatrove import CleanerStep
from cleaner.html import HtmlTimeout
from tests.conftest import ROOT
from tests.samples import P1, P2, P3

SITE = ROOT / "tests" / "fixtures_integrations" / "site"

DOC = f"Skip to content\n\n{P1}\n\nGet the newsletter\n\n{P2}\n\n{P3}\n\nShare this article\n"
CLEAN = f"{P1}\n\n{P2}\n\n{P3}\n"
HEADLINE = "Tiny frogs of Borneo sing at night"
CAPTIONED = f"By Jane Smith and Tom Lee\n\n{P1}\n\n{HEADLINE}\n\n{P2}\n\n{HEADLINE}\n"
RELATED = (
    f"{P1}\n\n{P2}\n\nRead also:\n\nRare orchid found in a Scottish glen after fifty years\n\n"
    "Why city bees are thriving while country bees decline\n"
)

RECORDS: list[dict[str, Any]] = [
    {"id": "a", "text": DOC, "url": "https://example.org/a", "lang": "en"},
    {"id": "b", "text": CAPTIONED, "title": HEADLINE},
    {"id": "c", "text": RELATED},
    {"id": "d", "text": f"{P1}\n"},
    {"id": "e", "text": "Download our app\nShare this article\n"},
]


def write_input(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "docs.jsonl").write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")


def execute(root: Path, step: CleanerStep, *, tasks: int = 1, text_key: str = "text") -> None:
    """root/in -> JsonlReader -> step -> JsonlWriter -> root/out, run by datatrove's LocalPipelineExecutor
    in `tasks` tasks and as many workers; its stats go to root/logs."""
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(root / "in"), text_key=text_key),
            step,
            JsonlWriter(str(root / "out"), compression=None),
        ],
        tasks=tasks,
        workers=tasks,
        logging_dir=str(root / "logs"),
    ).run()


def step_totals(root: Path) -> dict[str, int]:
    """The step's stats in root/logs/stats.json: datatrove saves a metric updated once as a bare
    number, else as a dict with its total."""
    stats = json.loads((root / "logs" / "stats.json").read_text())
    (step,) = [s for s in stats if s["name"] == str(CleanerStep())]
    return {k: v if isinstance(v, int) else v["total"] for k, v in step["stats"].items()}


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """JsonlReader -> CleanerStep -> JsonlWriter, run by datatrove's LocalPipelineExecutor."""
    root = tmp_path_factory.mktemp("datatrove")
    write_input(root / "in")
    execute(root, CleanerStep(disabled={"related"}))
    return root


def output(root: Path) -> dict[str, dict[str, Any]]:
    rows = [json.loads(line) for path in sorted((root / "out").glob("*.jsonl")) for line in path.open()]
    return {row["id"]: row for row in rows}


def test_executor_writes_cleaned_texts(executed: Path) -> None:
    docs = output(executed)
    assert sorted(docs) == ["a", "b", "c", "d", "e"]
    assert docs["a"]["text"] == CLEAN
    assert docs["b"]["text"] == f"By Jane Smith and Tom Lee\n\n{P1}\n\n{HEADLINE}\n\n{P2}\n"  # title from metadata
    assert docs["c"]["text"] == RELATED  # related disabled for this run
    assert docs["d"]["text"] == f"{P1}\n"
    assert "text" not in docs["e"]  # nothing left: JsonlWriter leaves out empty values


def test_executor_records_removals_in_metadata(executed: Path) -> None:
    docs = output(executed)
    meta = docs["a"]["metadata"]
    assert meta["lang"] == "en" and meta["url"] == "https://example.org/a"  # the record's other fields
    assert meta["cleaner_removed"] == [r.to_dict() for r in cleaner.clean(DOC).removed]
    assert [(r["lines"], r["category"]) for r in meta["cleaner_removed"]] == [
        ([1, 1], "navigation"),
        ([5, 5], "newsletter"),
        ([11, 11], "promo"),
    ]
    assert [r["category"] for r in docs["b"]["metadata"]["cleaner_removed"]] == ["duplicate-headline"]
    assert docs["c"]["metadata"]["cleaner_removed"] == []
    assert docs["d"]["metadata"]["cleaner_removed"] == []


def test_executor_stats(executed: Path) -> None:
    totals = step_totals(executed)
    counts = {k: v for k, v in totals.items() if k in ("total", "changed") or k.startswith("removed/")}
    assert counts == {
        "total": 5,
        "changed": 3,
        "removed/navigation": 1,
        "removed/newsletter": 1,
        "removed/promo": 3,
        "removed/duplicate-headline": 1,
    }


def test_two_tasks_in_worker_processes(tmp_path: Path) -> None:
    """The step crosses process boundaries (datatrove pickles the pipeline into its workers)."""
    write_input(tmp_path / "in")
    (tmp_path / "in" / "more.jsonl").write_text(json.dumps({"id": "f", "text": DOC}) + "\n")
    execute(tmp_path, CleanerStep(removals_key="cut", compact=True, drop_empty=True), tasks=2)
    docs = output(tmp_path)
    assert sorted(docs) == ["a", "b", "c", "d", "f"]  # e is empty after cleaning: dropped
    assert docs["f"]["text"] == CLEAN
    assert docs["f"]["metadata"]["cut"][0] == {
        "lines": [1, 1],
        "category": "navigation",
        "rule": "en.navigation.skip-link",
        "score": None,
    }
    assert [r["category"] for r in docs["c"]["metadata"]["cut"]] == ["related"] * 3
    assert docs["c"]["text"] == f"{P1}\n\n{P2}\n"


def test_html_pages_with_an_exclusion_writer(tmp_path: Path) -> None:
    """Records holding pages, read with JsonlReader(text_key="html"): the step extracts each page; the one
    left empty goes to the exclusion writer as it came in, with its reason, as datatrove's filters do."""
    pages = {name: (SITE / f"{name}.html").read_text(encoding="utf-8") for name in ("bridge", "frogs", "promo")}
    (tmp_path / "in").mkdir()
    rows = [{"id": name, "url": f"https://example.org/{name}.html", "html": page} for name, page in pages.items()]
    (tmp_path / "in" / "pages.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    excluded = JsonlWriter(str(tmp_path / "excluded"), compression=None)
    execute(tmp_path, CleanerStep(html=True, compact=True, exclusion_writer=excluded), text_key="html")
    docs = output(tmp_path)
    assert sorted(docs) == ["bridge", "frogs"]
    for name, doc in docs.items():
        expected = cleaner.clean_html(pages[name], url=f"https://example.org/{name}.html")
        assert doc["text"] == expected.text and expected.text
        assert [r["rule"] for r in doc["metadata"]["cleaner_removed"]] == [r.rule for r in expected.removed]
        assert "filter_reason" not in doc["metadata"]
    (excluded,) = [json.loads(line) for path in (tmp_path / "excluded").glob("*.jsonl") for line in path.open()]
    assert excluded["id"] == "promo" and excluded["text"] == pages["promo"]  # the page, as it came in
    assert excluded["metadata"]["filter_reason"] == "cleaner_empty"
    assert [r["category"] for r in excluded["metadata"]["cleaner_removed"]] == ["promo", "promo"]
    totals = step_totals(tmp_path)
    assert {k: totals.get(k) for k in ("total", "forwarded", "dropped", "dropped_cleaner_empty")} == {
        "total": 3,
        "forwarded": 2,
        "dropped": 1,
        "dropped_cleaner_empty": 1,
    }


# -- the step on its own ----------------------------------------------------------------------------


def run_step(step: CleanerStep, docs: list[Document]) -> list[Document]:
    return list(step.run(iter(docs)))


def test_step_options() -> None:
    doc = Document(text=DOC, id="1", metadata={"headline": "x"})
    (out,) = run_step(CleanerStep(removals_key=None, disabled={"promo"}), [doc])
    assert out is doc and doc.text == f"{P1}\n\n{P2}\n\n{P3}\n\nShare this article\n"
    assert doc.metadata == {"headline": "x"}  # nothing recorded
    config = cleaner.CleanerConfig(disabled=frozenset({cleaner.Category.NAVIGATION}))
    titled = Document(text=CAPTIONED, id="2", metadata={"headline": HEADLINE, "title": "other"})
    (out,) = run_step(CleanerStep(config, title_key="headline", compact=True), [titled])
    assert out.metadata["cleaner_removed"] == [
        {"lines": [9, 9], "category": "duplicate-headline", "rule": "structure.duplicate-headline", "score": None}
    ]
    assert run_step(CleanerStep(drop_empty=True), [Document(text="Share this article\n", id="3")]) == []
    assert run_step(CleanerStep(), [Document(text="Share this article\n", id="4")])[0].text == ""


def test_step_follows_datatrove_conventions() -> None:
    from datatrove.pipeline.base import PipelineStep

    step = CleanerStep()
    assert isinstance(step, PipelineStep)
    assert step.name and step.type
    run_step(step, [Document(text=DOC, id="1"), Document(text=f"{P1}\n", id="2")])
    assert step.stats["total"].total == 2 and step.stats["changed"].total == 1
    assert step.stats["removed/promo"].total == 1
    assert step.stats["doc_len"].total == len(CLEAN) + len(P1) + 1  # lengths of the cleaned texts
    with pytest.raises(cleaner.ConfigError, match="unknown setting"):
        CleanerStep(colour="blue")


def test_page_in_a_metadata_field() -> None:
    page = (SITE / "bridge.html").read_text(encoding="utf-8")
    paged = Document(text="a crude text of the page", id="1", metadata={"html": page, "url": "https://example.org/b"})
    plain = Document(text=DOC, id="2", metadata={"html": None})
    out = run_step(CleanerStep(html_key="html", removals_key=None), [paged, plain])
    assert out == [paged, plain]
    assert paged.text == cleaner.clean_html(page, url="https://example.org/b").text
    assert paged.metadata["html"] == page  # the page stays where it was
    assert plain.text == CLEAN  # no page: its text is cleaned


def test_timeouts_and_empty_documents_are_dropped_to_the_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = "<html><body>" + "<p>Frogs sing at night in the forest.</p>" * 1_000 + "</body></html>"
    real = cleaner.clean_html

    def slow_on_big(page: str | bytes, *args: Any, **kwargs: Any) -> cleaner.CleanResult:
        if page == big:  # as clean_html does when html_timeout runs out (when it does is up to the machine)
            raise HtmlTimeout("the page took longer than 0.05 s to process (html_timeout); skipped")
        return real(page, *args, **kwargs)

    monkeypatch.setattr(datatrove_step, "clean_html", slow_on_big)
    docs = [
        Document(text=big, id="slow"),
        Document(text=(SITE / "bridge.html").read_text(encoding="utf-8"), id="kept"),
        Document(text="<p>Share this article</p>", id="empty"),
    ]
    writer = JsonlWriter(str(tmp_path / "excluded"), compression=None)
    step = CleanerStep(html=True, exclusion_writer=writer)
    (kept,) = run_step(step, docs)
    assert kept.id == "kept" and kept.text == cleaner.clean_html((SITE / "bridge.html").read_text()).text
    rows = [json.loads(line) for path in (tmp_path / "excluded").glob("*.jsonl") for line in path.open()]
    assert [(r["id"], r["metadata"]["filter_reason"]) for r in rows] == [
        ("slow", "cleaner_timeout"),
        ("empty", "cleaner_empty"),
    ]
    assert rows[0]["text"] == big and "html_timeout" in rows[0]["metadata"]["cleaner_error"]
    assert rows[1]["text"] == "<p>Share this article</p>"
    assert step.stats["dropped"].total == 2 and step.stats["forwarded"].total == 1
    assert step.stats["dropped_cleaner_timeout"].total == 1 and step.stats["dropped_cleaner_empty"].total == 1

    def slow(text: str, *args: Any, **kwargs: Any) -> cleaner.CleanResult:
        raise TextTimeout("the text took longer than 0.05 s to process (html_timeout); skipped")

    monkeypatch.setattr(datatrove_step, "clean", slow)  # a text over its time limit: dropped too
    timed = CleanerStep(drop_empty=True)
    assert run_step(timed, [Document(text=DOC, id="t")]) == [] and timed.stats["dropped_cleaner_timeout"].total == 1
    monkeypatch.undo()
    passed = run_step(CleanerStep(), [Document(text="Share this article\n", id="e")])  # no writer: passed on
    assert [d.text for d in passed] == [""]
    with pytest.raises(ValueError, match=r"exclusion_writer .* drop_empty=False"):
        CleanerStep(drop_empty=False, exclusion_writer=writer)


def test_missing_datatrove_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "datatrove.pipeline.base", None)
    monkeypatch.delitem(sys.modules, "cleaner.contrib.datatrove")
    with pytest.raises(ImportError, match=r"pip install cleaner\[datatrove\]"):
        importlib.import_module("cleaner.contrib.datatrove")
