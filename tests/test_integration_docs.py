"""docs/integrations.md as written: its Scrapy and datatrove snippets run, and print what the page shows.

Each snippet is taken from the page, written to a file in a temporary folder and run as the page
says (`scrapy runspider articles.py -o items.jsonl`, `python pipeline.py`), in a process of its own;
the output the page shows after it is compared with the run's. (The records example at the top of
the page is a doctest: tests/test_records.py runs it.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.test import get_crawler

from cleaner.contrib.scrapy import CleanerPipeline
from tests.conftest import ROOT, run_python

DOC = ROOT / "docs" / "integrations.md"
SITE = ROOT / "tests" / "fixtures_integrations" / "site"
DOC_SITE = "http://127.0.0.1:8765/"  # where the page serves the fixture site
FORMAT = "✂️ - FORMAT: 🧹 cleaner"


def blocks() -> list[tuple[str, str]]:
    """(language, text) of each fenced block of the page, in order."""
    return re.findall(r"^```(\w*)\n(.*?)^```$", DOC.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL)


def python_block(marker: str) -> str:
    (code,) = [text for lang, text in blocks() if lang == "python" and marker in text]
    return code


def shown(command: str) -> list[str]:
    """The lines the page shows a shell command printing (up to the next `$` line)."""
    for lang, text in blocks():
        lines = text.splitlines()
        if lang == "" and f"$ {command}" in lines:
            after = lines[lines.index(f"$ {command}") + 1 :]
            return after[: next((i for i, line in enumerate(after) if line.startswith("$ ")), len(after))]
    raise LookupError(command)


def stats_items(line: str) -> set[str]:
    """The `key: value` items of a datatrove 'Stats: {...}' line (commas inside brackets kept)."""
    body = line.strip().removeprefix("Stats: {").removesuffix("}")
    return set(re.split(r", (?![^\[]*\])", body))


def step_stats(stderr: str) -> str:
    """The Stats line of the cleaner step in the executor's closing summary."""
    lines = stderr.splitlines()
    last = len(lines) - 1 - lines[::-1].index(FORMAT)
    return lines[last + 2]


# -- Scrapy --------------------------------------------------------------------------------------


def test_scrapy_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings: dict[str, Any] = {}
    exec(python_block("ITEM_PIPELINES = {"), settings)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "cleaner.toml").write_text("")  # the CLEANER_CONFIG file the block names
    pipe = CleanerPipeline.from_crawler(get_crawler(settings_dict={k: v for k, v in settings.items() if k.isupper()}))
    assert (pipe.cleaner.field, pipe.cleaner.html_field, pipe.cleaner.removals_field) == ("text", "html", "removals")
    assert pipe.concurrency == 2 and not pipe.drop_html and not pipe.drop_empty
    assert pipe.cleaner.config is not None and {c.value for c in pipe.cleaner.config.disabled} == {"related"}


def test_scrapy_spider(tmp_path: Path, site_url: str) -> None:
    spider = python_block("class ArticleSpider")
    assert DOC_SITE in spider
    (tmp_path / "articles.py").write_text(spider.replace(DOC_SITE, site_url))  # the site here, on a free port
    proc = run_python(["-m", "scrapy", "runspider", "articles.py", "-o", "items.jsonl"], tmp_path)
    expected = [line.removeprefix("... ").strip() for line in shown("scrapy runspider articles.py -o items.jsonl")]
    assert [line for line in expected if line != "..." and line not in proc.stderr] == []
    assert len(expected) > 5
    items = [json.loads(line) for line in (tmp_path / "items.jsonl").read_text(encoding="utf-8").splitlines()]
    (frogs,) = [item for item in items if item["url"].endswith("frogs.html")]
    removals = [[r["lines"], r["category"], r["text"]] for r in frogs["removals"]]
    jq = "jq -c 'select(.url | endswith(\"frogs.html\")) | .removals[] | [.lines, .category, .text]' items.jsonl"
    assert [json.dumps(r, separators=(",", ":"), ensure_ascii=False) for r in removals] == shown(jq)


# -- datatrove -----------------------------------------------------------------------------------


def test_datatrove_pipeline(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "pages.jsonl").write_text("\n".join(shown("cat in/pages.jsonl")) + "\n", encoding="utf-8")
    (tmp_path / "pipeline.py").write_text(python_block('JsonlReader("in/")'))
    proc = run_python(["pipeline.py"], tmp_path)
    printed = shown("python pipeline.py")
    assert printed[:2] == ["...", FORMAT]
    assert stats_items(step_stats(proc.stderr)) == stats_items(printed[3])
    (line,) = shown("grep bridge out/00000.jsonl")
    (ours,) = [row for row in (tmp_path / "out" / "00000.jsonl").read_text().splitlines() if "bridge" in row]
    where = json.dumps(str(tmp_path / "in" / "pages.jsonl"))
    assert ours == re.sub(r'"file_path":"[^"]*"', lambda _: f'"file_path":{where}', line)


def test_datatrove_pages(tmp_path: Path) -> None:
    (tmp_path / "pages").mkdir()
    rows = [
        {"id": name, "url": f"{DOC_SITE}{name}.html", "html": (SITE / f"{name}.html").read_text(encoding="utf-8")}
        for name in ("bridge", "frogs", "promo")
    ]
    (tmp_path / "pages" / "pages.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    (tmp_path / "pages.py").write_text(python_block('JsonlReader("pages/"'))
    proc = run_python(["pages.py"], tmp_path)
    printed = shown("python pages.py")
    assert printed[:2] == ["...", FORMAT]
    assert stats_items(step_stats(proc.stderr)) == stats_items(printed[3])
    excluded = [json.loads(line) for line in (tmp_path / "excluded" / "00000.jsonl").read_text().splitlines()]
    jq = [
        [d["id"], d["metadata"]["filter_reason"], [r["rule"] for r in d["metadata"]["cleaner_removed"]]]
        for d in excluded
    ]
    query = "jq -c '[.id, .metadata.filter_reason, [.metadata.cleaner_removed[].rule]]' excluded/00000.jsonl"
    assert [json.dumps(row, separators=(",", ":")) for row in jq] == shown(query)
    assert excluded[0]["text"] == rows[2]["html"]  # kept aside as it came in
